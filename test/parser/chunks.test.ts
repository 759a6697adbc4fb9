/**
 * Large files are parsed in chunks (src/parser/index.ts): the statements, their spans and the
 * diagnostics must be exactly those of a one-pass parse. Tiny chunks put a boundary before
 * nearly every statement that may start one; tiny pieces make the lexer stream (a piece ends
 * after every few lines), so chunk boundaries fall across pieces.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse, type Statement } from '../../src/parser/index.js';
import { printStatement } from '../../src/parser/print.js';
import { generateRuleset } from '../../bench/generate.js';

const tricky = [
  'if $enable_extra {',
  '  in-if allow r1 -> r2 tcp/1',
  '  service inner = udp/9',
  '} else {',
  '  other allow r2 -> r1 tcp/2',
  '}',
  'target nftables {',
  '  counters = true',
  '}',
  'multi allow [r1,',
  '  r2] -> r3',
  '  tcp/80,',
  '  443 "on several lines"',
  'named-later',
  '  allow r1 -> r2 udp/53',
  'svc-next-line allow r1 -> r2',
  '  web',
  'allow r3 -> r1 icmp',
];

function text(): string {
  const lines = generateRuleset(300, 7).split('\n');
  return [...lines.slice(0, 150), ...tricky, ...lines.slice(150)].join('\n');
}

const shape = (ss: readonly Statement[]) => ss.map((s) => [printStatement(s), s.span.start, s.span.end]);

describe.each([
  ['all tokens at once', { chunkTokens: 8 }],
  ['tokens lexed piece by piece', { chunkTokens: 8, pieceChars: 50 }],
])('chunked parsing, %s', (_how, options) => {
  const source = text();

  it('gives the statements and spans of the one-pass parse', () => {
    const one = parse(new SourceFile('f.pal', source), { chunkTokens: Infinity });
    const chunked = parse(new SourceFile('f.pal', source), options);
    expect(one.diagnostics).toEqual([]);
    expect(chunked.diagnostics).toEqual([]);
    expect(one.program.statements.length).toBeGreaterThan(300);
    expect(shape(chunked.program.statements)).toEqual(shape(one.program.statements));
  });

  it.each([
    ['a doubled arrow', (l: string[]) => l.splice(40, 1, 'broken allow r1 -> -> r2 tcp/1')],
    ['a stray token', (l: string[]) => l.splice(80, 0, '@')],
    ['an unclosed bracket', (l: string[]) => l.splice(120, 0, 'bad allow [r1, r2 -> r3 tcp/1')],
    ['a bad address', (l: string[]) => l.splice(200, 0, 'zone oops = 10.0.0.1/8')],
  ])('reports %s exactly as the one-pass parse does', (_what, edit) => {
    const lines = source.split('\n');
    edit(lines);
    const broken = lines.join('\n');
    const one = parse(new SourceFile('f.pal', broken), { chunkTokens: Infinity });
    const chunked = parse(new SourceFile('f.pal', broken), options);
    expect(one.diagnostics.length).toBeGreaterThan(0);
    const seen = (r: typeof one) => r.diagnostics.map((d) => [d.code, d.span?.start, d.message]);
    expect(seen(chunked)).toEqual(seen(one));
    expect(shape(chunked.program.statements)).toEqual(shape(one.program.statements));
  });
});
