/**
 * The parser's errors, as data: each case is a source text and the exact diagnostics
 * ({code, line, column}) it must produce. Lexical (PAL1xxx) and syntax (PAL2xxx) errors.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse } from '../../src/parser/index.js';
import { data, type DiagnosticData } from '../helpers.js';

const cases: { name: string; source: string; diagnostics: DiagnosticData[] }[] = [
  { name: 'unexpected character', source: 'zone a = 10.0.0.0/8\n@\n', diagnostics: [{ code: 'PAL1001', line: 2, column: 1 }] },
  {
    name: 'unterminated string',
    source: 'allow any -> any tcp/1 "oops\n',
    diagnostics: [{ code: 'PAL1002', line: 1, column: 24 }],
  },
  { name: 'unknown escape', source: 'allow any -> any tcp/1 "a\\tb"\n', diagnostics: [{ code: 'PAL1003', line: 1, column: 26 }] },
  { name: 'IPv4 octet out of range', source: 'zone a = 10.0.0.256\n', diagnostics: [{ code: 'PAL1004', line: 1, column: 10 }] },
  { name: 'IPv4 leading zero', source: 'zone a = 10.0.0.01\n', diagnostics: [{ code: 'PAL1004', line: 1, column: 10 }] },
  { name: 'IPv4 prefix too long', source: 'zone a = 10.0.0.0/33\n', diagnostics: [{ code: 'PAL1004', line: 1, column: 10 }] },
  { name: 'IPv6 malformed', source: 'zone a = fd00::1::2\n', diagnostics: [{ code: 'PAL1004', line: 1, column: 10 }] },
  { name: 'IPv6 prefix too long', source: 'zone a = fd00::/129\n', diagnostics: [{ code: 'PAL1004', line: 1, column: 10 }] },
  { name: 'IPv4 host bits', source: 'role r = 10.0.1.5/24\n', diagnostics: [{ code: 'PAL1005', line: 1, column: 10 }] },
  { name: 'IPv6 host bits', source: 'zone z =\n  fd00::1/64\n', diagnostics: [{ code: 'PAL1005', line: 2, column: 3 }] },
  { name: 'integer too large', source: 'allow any -> any tcp/99999999999\n', diagnostics: [{ code: 'PAL1006', line: 1, column: 22 }] },
  { name: 'missing arrow', source: 'allow a b tcp/1\n', diagnostics: [{ code: 'PAL2001', line: 1, column: 9 }] },
  { name: 'missing service', source: 'allow a -> b\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 13 }] },
  {
    name: 'missing service before the next statement',
    source: 'allow a -> b\nzone c = 10.0.0.0/8\n',
    diagnostics: [{ code: 'PAL2002', line: 1, column: 13 }],
  },
  { name: 'rule list without brackets', source: 'allow a, b -> c tcp/1\n', diagnostics: [{ code: 'PAL2003', line: 1, column: 7 }] },
  { name: 'except list without brackets', source: 'allow a except b, c -> d tcp/1\n', diagnostics: [{ code: 'PAL2003', line: 1, column: 16 }] },
  { name: 'target options on one line', source: 'target nftables { table = "x" counters = true }\n', diagnostics: [{ code: 'PAL2004', line: 1, column: 31 }] },
  { name: 'param inside if', source: 'if $x {\n  param y: int = 1\n}\n', diagnostics: [{ code: 'PAL2005', line: 2, column: 3 }] },
  { name: 'import inside if', source: 'if $x {\n  import "a.pal"\n}\n', diagnostics: [{ code: 'PAL2005', line: 2, column: 3 }] },
  { name: 'protocol as service name', source: 'service udp = tcp/53\n', diagnostics: [{ code: 'PAL2006', line: 1, column: 9 }] },
  { name: 'keyword as name', source: 'zone allow = 10.0.0.0/8\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 6 }] },
  { name: 'missing param type', source: 'param p = 1\n', diagnostics: [{ code: 'PAL2001', line: 1, column: 9 }] },
  { name: 'empty port', source: 'allow a -> b udp/\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 18 }] },
  { name: 'dangling except', source: 'zone z = 10.0.0.0/8 except\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 27 }] },
  { name: 'default without action', source: 'default ingress\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 16 }] },
  { name: 'default with bad direction', source: 'default inbound deny\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 9 }] },
  { name: 'unclosed if block', source: 'if $x {\n  allow a -> b tcp/1\n', diagnostics: [{ code: 'PAL2001', line: 2, column: 21 }] },
  { name: 'condition without parameter', source: 'if x { }\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 4 }] },
  { name: 'comparison without value', source: 'if $x == { }\n', diagnostics: [{ code: 'PAL2002', line: 1, column: 10 }] },
  { name: 'identifier ending in hyphen', source: 'zone a- = 10.0.0.0/8\n', diagnostics: [{ code: 'PAL2001', line: 1, column: 7 }] },
  { name: 'proto without number', source: 'allow a -> b proto/gre\n', diagnostics: [{ code: 'PAL2001', line: 1, column: 20 }] },
  {
    name: 'several errors in one file',
    source: 'zone a = 10.0.0.0/8\nallow a -> b\nzone c = 10.0.0.1/8\nrole @\n',
    diagnostics: [
      { code: 'PAL1001', line: 4, column: 6 },
      { code: 'PAL2002', line: 2, column: 13 },
      { code: 'PAL1005', line: 3, column: 10 },
    ],
  },
];

describe('syntax errors', () => {
  it.each(cases)('$name', ({ source, diagnostics }) => {
    const result = parse(new SourceFile('main.pal', source));
    expect(data(result.diagnostics)).toEqual(diagnostics);
  });

  it('has at least 25 distinct error cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});
