import type { Diagnostic } from './diagnostic.js';
import type { Span } from './source.js';

/**
 * Prints a diagnostic as
 *
 *     FILE:LINE:COL: error: MESSAGE [CODE]
 *       12 | the source line
 *          |     ^^^^^
 *     hint: did you mean "worker"?
 *
 * followed by a `note:` frame for each related location.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const lines: string[] = [];
  const where = d.span ? `${location(d.span)}: ` : 'palisade: ';
  lines.push(`${where}${d.severity}: ${d.message} [${d.code}]`);
  if (d.span) lines.push(...codeFrame(d.span));
  if (d.hint) lines.push(`hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    lines.push(`${location(r.span)}: note: ${r.message}`);
    lines.push(...codeFrame(r.span));
  }
  return lines.join('\n');
}

export function location(span: Span): string {
  return `${span.source.name}:${span.line}:${span.column}`;
}

/** The span's first line with a gutter, and a caret line underlining the span on that line. */
export function codeFrame(span: Span): string[] {
  const text = span.source.lineText(span.line);
  const gutter = String(span.line);
  const pad = ' '.repeat(gutter.length);
  const visible = expandTabs(text);
  const startCol = expandTabs(text.slice(0, span.column - 1)).length;
  const lineEnd = text.length - (span.column - 1);
  const width = Math.max(1, Math.min(span.end - span.start, lineEnd));
  const underlined = expandTabs(text.slice(0, span.column - 1 + width)).length - startCol;
  return [
    `  ${gutter} | ${visible}`,
    `  ${pad} | ${' '.repeat(startCol)}${'^'.repeat(Math.max(1, underlined))}`,
  ];
}

function expandTabs(s: string): string {
  return s.replace(/\t/g, '    ');
}
