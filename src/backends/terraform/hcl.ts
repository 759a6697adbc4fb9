/**
 * A small HCL model and its printer, in `terraform fmt` style: two-space indentation, the `=` of
 * consecutive one-line attributes aligned, a blank line between top-level blocks. User text only
 * ever enters as a string value, escaped here (quotes, backslashes, control characters, and the
 * template openers `${` and `%{`, which become `$${` and `%%{`); references and function calls
 * are expressions built by the backend from identifiers it has checked.
 */
export type HclValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  /** A template: literal text and interpolated expressions, e.g. "${var.environment}-web". */
  | { readonly kind: 'template'; readonly parts: readonly ({ readonly text: string } | { readonly expr: string })[] }
  /** A reference or call written by the backend (`var.vpc_id`, `aws_security_group.web.id`). */
  | { readonly kind: 'expr'; readonly text: string }
  /** `merge(var.tags, { ... })`-style: a function applied to an expression and an object. */
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly HclValue[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, HclValue])[] };

export interface HclAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  /** Attributes and nested blocks; `undefined` entries print as a blank line. */
  readonly body: readonly (HclAttribute | HclBlock | 'blank')[];
}

export const str = (value: string): HclValue => ({ kind: 'string', value });
export const num = (value: number): HclValue => ({ kind: 'number', value });
export const expr = (text: string): HclValue => ({ kind: 'expr', text });
export const attr = (name: string, value: HclValue): HclAttribute => ({ kind: 'attribute', name, value });

/** A character escape() changes, or a template opener it doubles. */
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f]|[$%]\{/;

function escape(text: string): string {
  // Most names, CIDRs and descriptions need no escape: the text itself, not a copy built per character.
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out.replace(/([$%])\{/g, (_, opener: string) => `${opener}${opener}{`);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const key = (k: string): string => (IDENT.test(k) ? k : `"${escape(k)}"`);

function value(v: HclValue, indent: string): string {
  switch (v.kind) {
    case 'string':
      return `"${escape(v.value)}"`;
    case 'number':
      return String(v.value);
    case 'template':
      return `"${v.parts.map((p) => ('text' in p ? escape(p.text) : `\${${p.expr}}`)).join('')}"`;
    case 'expr':
      return v.text;
    case 'call':
      return `${v.name}(${v.args.map((a) => value(a, indent)).join(', ')})`;
    case 'object': {
      if (v.entries.length === 0) return '{}';
      const inner = `${indent}  `;
      const width = Math.max(...v.entries.map(([k]) => key(k).length));
      const lines = v.entries.map(([k, x]) => `${inner}${key(k).padEnd(width)} = ${value(x, inner)}`);
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
  }
}

function block(b: HclBlock, indent: string): string[] {
  const head = `${indent}${b.type}${b.labels.map((l) => ` "${escape(l)}"`).join('')} {`;
  const inner = `${indent}  `;
  const lines: string[] = [head];
  // Runs of one-line attributes share the column of their `=` (each value printed once).
  let run: { readonly name: string; readonly text: string }[] = [];
  const flush = (): void => {
    const width = Math.max(0, ...run.map((a) => a.name.length));
    for (const a of run) lines.push(`${inner}${a.name.padEnd(width)} = ${a.text}`);
    run = [];
  };
  for (const item of b.body) {
    if (item === 'blank') {
      flush();
      lines.push('');
    } else if (item.kind === 'block') {
      flush();
      lines.push(...block(item, inner));
    } else {
      const text = value(item.value, inner);
      if (text.includes('\n')) {
        flush();
        lines.push(`${inner}${item.name} = ${text}`);
      } else run.push({ name: item.name, text });
    }
  }
  flush();
  lines.push(`${indent}}`);
  return lines;
}

/**
 * A file of top-level blocks, with `#` comment lines first. The blocks may be produced lazily
 * (a generator): each is printed as it comes, so only the text is kept, not the whole model.
 */
export function printHcl(comments: readonly string[], blocks: Iterable<HclBlock>): string {
  const head = comments.map((c) => `# ${c}`.trimEnd());
  const parts = head.length > 0 ? [head.join('\n')] : [];
  for (const b of blocks) parts.push(block(b, '').join('\n'));
  if (parts.length === 0) return '\n';
  // The final newline goes on the last part: appended to the joined text, it would be copied
  // whole once more when written.
  parts[parts.length - 1] += '\n';
  return parts.join('\n\n');
}
