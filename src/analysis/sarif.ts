/**
 * Findings as a SARIF 2.1.0 log, for code scanning in CI (GitHub, GitLab, Azure DevOps all read
 * it). One rule per diagnostic code; locations are the ruleset's files, relative as given.
 */
import type { Log, Result, ReportingDescriptor } from 'sarif';
import type { Diagnostic, Span } from '../diagnostics/index.js';

const SUMMARIES: Record<string, string> = {
  PAL5002: 'rule matches nothing with the current parameters',
  PAL8002: 'rule shadowed by earlier rules',
  PAL8003: 'redundant rule',
  PAL8004: 'declaration never used',
  PAL8005: 'empty zone',
  PAL8006: 'sensitive port open to any address',
  PAL8007: 'administrators locked out',
};

function region(span: Span) {
  const end = span.source.position(Math.max(span.start, span.end - 1));
  return { startLine: span.line, startColumn: span.column, endLine: end.line, endColumn: end.column + 1 };
}

function location(span: Span) {
  return { physicalLocation: { artifactLocation: { uri: span.source.name }, region: region(span) } };
}

export function sarifLog(diagnostics: readonly Diagnostic[], version: string): Log {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules: ReportingDescriptor[] = codes.map((code) => ({
    id: code,
    shortDescription: { text: SUMMARIES[code] ?? code },
  }));
  const results: Result[] = diagnostics.map((d) => {
    const result: Result = {
      ruleId: d.code,
      ruleIndex: codes.indexOf(d.code),
      level: d.severity === 'error' ? 'error' : 'warning',
      message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
    };
    if (d.span) result.locations = [location(d.span)];
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((r, i) => ({ id: i + 1, ...location(r.span), message: { text: r.message } }));
    }
    return result;
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{ tool: { driver: { name: 'palisade', version, informationUri: 'https://github.com/palisade/palisade', rules } }, results }],
  };
}
