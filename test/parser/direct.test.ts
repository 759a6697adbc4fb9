/**
 * The direct parser (src/parser/direct.ts) and the recovering CST parser (grammar.ts + to-ast.ts)
 * are one grammar, and give the same AST: on every file the direct parser accepts, the
 * recovering parser reports nothing and builds the same statements, spans included; every file
 * it refuses has a diagnostic. Inputs: the shipped rulesets, generated ones, and the front-end
 * fuzzer's kinds of input (token soups, line and token mutations of the rulesets).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/diagnostics/index.js';
import { directParser, DirectParser } from '../../src/parser/direct.js';
import { PalParser } from '../../src/parser/grammar.js';
import { parse, parseWithRecovery } from '../../src/parser/index.js';
import { offsetLexer, palLexer } from '../../src/parser/tokens.js';
import { generateRuleset } from '../../bench/generate.js';

/** A node as plain data: every span as `start-end`, the source file left out. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  if ('source' in value && 'start' in value && 'end' in value) return `${(value as { start: number }).start}-${(value as { end: number }).end}`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** Checks the agreement on one text; says whether the direct parser accepted it. */
function agree(text: string): boolean {
  const source = new SourceFile('f.pal', text);
  const lexed = offsetLexer().tokenize(text);
  const direct = lexed.errors.length === 0 ? directParser().statementsOf(source, lexed.tokens) : undefined;
  const recovered = parseWithRecovery(source, palLexer().tokenize(text));
  if (direct === undefined) {
    expect(recovered.diagnostics.length, JSON.stringify(text)).toBeGreaterThan(0);
    return false;
  }
  expect(recovered.diagnostics, JSON.stringify(text)).toEqual([]);
  // Same keys in the same order, same values, same spans.
  expect(JSON.stringify(plain(direct)), JSON.stringify(text)).toBe(JSON.stringify(plain(recovered.program.statements)));
  return true;
}

const rulesets = readdirSync('rulesets')
  .filter((f) => f.endsWith('.pal'))
  .sort()
  .map((f) => readFileSync(`rulesets/${f}`, 'utf8'));

const VOCABULARY = [
  'role', 'zone', 'service', 'param', 'import', 'target', 'default', 'ingress', 'egress', 'allow', 'deny',
  'if', 'else', 'not', 'and', 'or', 'any', 'except', 'true', 'false', 'list', 'cidr', 'int', 'string',
  'cp', 'worker', 'nftables', 'tcp', 'udp', 'icmp', 'gre', 'proto', 'tcp/6443', 'tcp/1-65535', 'tcp/80,443',
  'icmp/echo-request', 'proto/47', 'tcp/70000', '10.0.0.0/16', '10.0.1.7', '::/0', 'fd00::/64', '10.0.0.1/8', '256.1.1.1',
  '$p', '=', '==', '!=', '->', ',', '[', ']', '{', '}', '(', ')', ':', '/', '.', '-', '"text"', '"\\q"', '\n', '4294967296',
];

describe('the direct parser and the recovering parser', () => {
  it('are one grammar (same productions, and Chevrotain validates both)', () => {
    const direct = new DirectParser(true);
    expect(JSON.stringify(direct.getSerializedGastProductions())).toBe(JSON.stringify(new PalParser(true).getSerializedGastProductions()));
  });

  it.each(rulesets.map((text, i) => [i, text]))('agree on shipped ruleset %i', (_i, text) => {
    expect(agree(text)).toBe(true);
  });

  it('agree on a generated ruleset, parsed whole and in chunks', () => {
    const text = generateRuleset(400, 5);
    expect(agree(text)).toBe(true);
    const whole = parse(new SourceFile('f.pal', text), { chunkTokens: Infinity });
    const chunked = parse(new SourceFile('f.pal', text), { chunkTokens: 16, pieceChars: 100 });
    expect(JSON.stringify(plain(chunked.program.statements))).toBe(JSON.stringify(plain(whole.program.statements)));
  });

  it('agree on hand-written constructs', () => {
    const texts = [
      'if not ($a and $b) or $c == [1, 2] { allow a -> b tcp }',
      'if $a { zone x = 10.0.0.0/8 } else if $b != "x" { role r } else { service s = udp/53, tcp/80-90,443 }',
      'param p: list(cidr) = 10.0.0.0/8, fd00::/8\nparam q: bool = true\nparam r: list(int) = [1, 2, $x]',
      'target nftables {\n  table = "x", counters = true\n  vms.controlplane = [a, b]\n}',
      'zone z = [a, 10.0.0.0/8] except [b], 10.1.0.0/16\nrole r = any except 10.0.0.1',
      'named allow [a, b] except [c] -> $d proto/47, any, icmp/echo-request, web "it \\"works\\""',
      'default ingress deny\ndefault egress allow\nimport "other.pal"',
    ];
    for (const text of texts) expect(agree(text), text).toBe(true);
  });

  it('agree on token soups and mutated rulesets', () => {
    const soup = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 40 }).map((ts) => ts.join(' '));
    const mutated = fc
      .tuple(fc.constantFrom(...rulesets), fc.nat(), fc.constantFrom(...VOCABULARY), fc.constantFrom('replace', 'insert', 'delete'))
      .map(([text, at, token, how]) => {
        const lines = text.split('\n');
        const i = at % lines.length;
        const words = lines[i]!.split(' ');
        const j = at % (words.length + 1);
        if (how === 'delete') lines.splice(i, 1);
        else words.splice(j, how === 'replace' ? 1 : 0, token);
        if (how !== 'delete') lines[i] = words.join(' ');
        return lines.join('\n');
      });
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(soup, mutated), (text) => {
        if (agree(text)) accepted++;
      }),
      { numRuns: 400, seed: 20261125 },
    );
    // Both kinds of input were seen: accepted files, and refused ones.
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(400);
  });
});
