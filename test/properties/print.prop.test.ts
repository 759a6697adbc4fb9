/**
 * Property: palisade's printer (`printProgram`, src/parser/print.ts) round-trips.
 *
 * For random syntactically valid .pal text (written with random whitespace, line breaks,
 * comments, redundant parentheses and non-canonical literals):
 *
 *   parse(print(parse(text))) == parse(text)     structurally, spans ignored
 *   print(parse(print(x))) === print(x)          printing is idempotent
 *
 * The generator covers every statement kind (params of every type, zones, roles with and
 * without addresses, services, target blocks with dotted keys, imports, defaults, rules with
 * names, brackets, `except` and descriptions), `if` / `else` / `else if` nested inside blocks,
 * and conditions built from `not`, `and`, `or`, `==`, `!=` and parentheses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';
import type { Statement } from '../../src/parser/ast.js';

// =====================================================================================
// Comparing ASTs without positions
// =====================================================================================

const POSITION_KEYS = new Set(['span', 'protocolSpan', 'numberSpan', 'pathSpan', 'actionSpan']);

/**
 * The AST without positions. `source` is dropped only where it is a SourceFile (a span's or the
 * program's): a rule's `source` is its source address expression and must be compared.
 */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (POSITION_KEYS.has(k)) continue;
    if (k === 'source' && v instanceof SourceFile) continue;
    out[k] = strip(v);
  }
  return out;
}

function parseText(text: string, name = 'gen.pal'): { statements: readonly Statement[]; errors: string[] } {
  const { program, diagnostics } = parse(new SourceFile(name, text));
  const errors = diagnostics.map((d) => `${d.span ? `${d.span.line}:${d.span.column}: ` : ''}${d.code} ${d.message}`);
  return { statements: program.statements, errors };
}

function checkRoundTrip(text: string): { printed: string; statements: readonly Statement[] } {
  const first = parseText(text);
  expect(first.errors, `the generator wrote invalid text:\n${text}`).toEqual([]);
  const printed = printProgram(first.statements);
  const second = parseText(printed, 'printed.pal');
  const context = `--- generated\n${text}\n--- printed\n${printed}`;
  expect(second.errors, context).toEqual([]);
  expect(strip(second.statements), context).toEqual(strip(first.statements));
  const reprinted = printProgram(second.statements);
  expect(reprinted, context).toBe(printed);
  return { printed, statements: first.statements };
}

// =====================================================================================
// A generator of .pal text (atoms joined by random whitespace and comments)
// =====================================================================================

type Atoms = readonly string[];

/** Names for name positions: identifiers, keyword-prefixed identifiers and protocol names. */
const IDENTS = [
  'vpc', 'admin', 'web-1', 'db_2', 'a', 'Z9', '_x', 'x-y-z', 'a--b', 'allowed', 'anyone', 'iffy', 'notable', 'order',
  'android', 'exception', 'listing', 'tcpdump', 'icmpv6-nd', 'protocols', 'elsewhere', 'truecolor', 'defaults',
  'imports', 'targets', 'ingress2', 'deny-all', 'esp32', 'gre_tunnel', 'cafe', 'dead-beef', 'k8s-api',
];
const PROTOCOL_NAMES = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'gre', 'esp', 'ah'];

const identArb = fc.constantFrom(...IDENTS);
const nameArb = fc.oneof({ weight: 4, arbitrary: identArb }, { weight: 1, arbitrary: fc.constantFrom(...PROTOCOL_NAMES, 'proto') });
const paramRefArb = nameArb.map((n) => `$${n}`);

const intArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 70000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '65535', '4294967295', '255', '256') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }).map((n) => `0${n}`) },
);

const STRING_UNITS = ['a', 'b', 'Z', ' ', '"', '\\', '#', 'é', '{', '}', '\u00a0', '-', '>', '/', '$', '[', ','];
const stringArb: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...STRING_UNITS), maxLength: 12 })
  .map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);

const MAX4 = (1n << 32n) - 1n;
const MAX6 = (1n << 128n) - 1n;

function fmt4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

type V6Style = 'full' | 'compressed' | 'upper' | 'padded' | 'mixed';

function fmt6(v: bigint, style: V6Style): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  switch (style) {
    case 'full':
      return groups.join(':');
    case 'padded':
      return groups.map((g) => g.padStart(4, '0')).join(':');
    case 'upper':
      return compress(groups).toUpperCase();
    case 'mixed':
      return v >> 32n === 0xffffn ? `::ffff:${fmt4(v & MAX4)}` : `${groups.slice(0, 6).join(':')}:${fmt4(v & MAX4)}`;
    case 'compressed':
      return compress(groups);
  }
}

function compress(groups: readonly string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

const mask = (v: bigint, bits: number, len: number): bigint => {
  const shift = BigInt(bits - len);
  return (v >> shift) << shift;
};

/** An address or network literal in any accepted spelling (host bits clear). */
const addressArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ v: fc.bigInt(0n, MAX4), len: fc.integer({ min: 0, max: 32 }), bare: fc.boolean() })
      .map(({ v, len, bare }) => (bare ? fmt4(v) : `${fmt4(mask(v, 32, len))}/${len}`)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        v: fc.oneof(
          fc.bigInt(0n, MAX6),
          fc.bigInt(0n, 0xffffn).map((x) => (0xfd00n << 112n) | x),
          fc.bigInt(0n, MAX4).map((x) => (0xffffn << 32n) | x),
          fc.constantFrom(0n, 1n, MAX6),
        ),
        len: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(0, 8, 64, 112, 128)),
        bare: fc.boolean(),
        style: fc.constantFrom<V6Style>('full', 'compressed', 'compressed', 'upper', 'padded', 'mixed'),
      })
      .map(({ v, len, bare, style }) => (bare ? fmt6(v, style) : `${fmt6(mask(v, 128, len), style)}/${len}`)),
  },
);

/** value : Integer | String | true | false | address | name | $param | [ values ] */
const valueArb = (depth: number): fc.Arbitrary<Atoms> =>
  fc.oneof(
    { weight: 3, arbitrary: intArb.map((x) => [x]) },
    { weight: 2, arbitrary: stringArb.map((x) => [x]) },
    { weight: 1, arbitrary: fc.constantFrom('true', 'false').map((x) => [x]) },
    { weight: 2, arbitrary: addressArb.map((x) => [x]) },
    { weight: 1, arbitrary: nameArb.map((x) => [x]) },
    { weight: 1, arbitrary: paramRefArb.map((x) => [x]) },
    ...(depth > 0
      ? [{ weight: 1, arbitrary: fc.array(valueArb(depth - 1), { maxLength: 3 }).map((items) => ['[', ...joinWith(items, ','), ']']) }]
      : []),
  );

function joinWith(parts: readonly Atoms[], sep: string): string[] {
  return parts.flatMap((p, i) => (i === 0 ? [...p] : [sep, ...p]));
}

/** A parameter: a type and a value of that type (or an unknown type with any value). */
const paramArb: fc.Arbitrary<Atoms> = fc
  .record({
    name: nameArb,
    kind: fc.constantFrom('bool', 'int', 'string', 'cidr', 'list(cidr)', 'list(string)', 'list(int)', 'other'),
    spacedType: fc.boolean(),
    bool: fc.constantFrom('true', 'false'),
    int: intArb,
    string: stringArb,
    cidr: addressArb,
    cidrs: fc.array(addressArb, { maxLength: 3 }),
    strings: fc.array(stringArb, { maxLength: 3 }),
    ints: fc.array(intArb, { maxLength: 3 }),
    bracketed: fc.boolean(),
    other: valueArb(1),
    otherType: identArb,
  })
  .map((p): Atoms => {
    const list = (items: readonly string[]): string[] =>
      p.bracketed || items.length === 0 ? ['[', ...joinWith(items.map((i) => [i]), ','), ']'] : joinWith(items.map((i) => [i]), ',');
    let type: string[];
    let value: string[];
    switch (p.kind) {
      case 'bool':
        [type, value] = [['bool'], [p.bool]];
        break;
      case 'int':
        [type, value] = [['int'], [p.int]];
        break;
      case 'string':
        [type, value] = [['string'], [p.string]];
        break;
      case 'cidr':
        [type, value] = [['cidr'], [p.cidr]];
        break;
      case 'list(cidr)':
        [type, value] = [['list', '(', 'cidr', ')'], list(p.cidrs)];
        break;
      case 'list(string)':
        [type, value] = [['list', '(', 'string', ')'], list(p.strings)];
        break;
      case 'list(int)':
        [type, value] = [['list', '(', 'int', ')'], list(p.ints)];
        break;
      default:
        [type, value] = [[p.otherType], [...p.other]];
    }
    const typeAtoms = p.spacedType ? type : [type.join('')];
    return ['param', p.name, ':', ...typeAtoms, '=', ...value];
  });

/** addressList : term ("," term)* ("except" term ("," term)*)? */
const addressListArb = (depth: number): fc.Arbitrary<Atoms> =>
  fc
    .record({
      include: fc.array(addressTermArb(depth), { minLength: 1, maxLength: 3 }),
      exclude: fc.option(fc.array(addressTermArb(depth), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    })
    .map(({ include, exclude }) => [...joinWith(include, ','), ...(exclude ? ['except', ...joinWith(exclude, ',')] : [])]);

const addressTermArb = (depth: number): fc.Arbitrary<Atoms> =>
  fc.oneof(
    { weight: 4, arbitrary: nameArb.map((x) => [x]) },
    { weight: 3, arbitrary: addressArb.map((x) => [x]) },
    { weight: 1, arbitrary: paramRefArb.map((x) => [x]) },
    { weight: 1, arbitrary: fc.constant(['any']) },
    ...(depth > 0 ? [{ weight: 1, arbitrary: addressListArb(depth - 1).map((l) => ['[', ...l, ']']) }] : []),
  );

/** A rule's source or destination: a list of more than one term is bracketed. */
const ruleSideArb: fc.Arbitrary<Atoms> = fc
  .record({
    include: fc.array(addressTermArb(1), { minLength: 1, maxLength: 3 }),
    exclude: fc.option(fc.array(addressTermArb(1), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    bracketSingle: fc.boolean(),
  })
  .map(({ include, exclude, bracketSingle }) => {
    const side = (terms: readonly Atoms[]): string[] =>
      terms.length === 1 && !bracketSingle ? [...terms[0]!] : ['[', ...joinWith(terms, ','), ']'];
    return [...side(include), ...(exclude ? ['except', ...side(exclude)] : [])];
  });

/** portNumber : Integer ("-" Integer)? | $param */
const portNumberArb: fc.Arbitrary<Atoms> = fc.oneof(
  { weight: 3, arbitrary: intArb.map((x) => [x]) },
  { weight: 2, arbitrary: fc.tuple(intArb, intArb, fc.boolean()).map(([a, b, compact]) => (compact ? [`${a}-${b}`] : [a, '-', b])) },
  { weight: 1, arbitrary: paramRefArb.map((x) => [x]) },
);

const ICMP_TYPE_NAMES = ['echo-request', 'echo-reply', 'destination-unreachable', 'nd-neighbor-solicit', 'no-such-type'];

/** serviceTerm : protocol ("/" portItem ("," portNumber)*)? | proto "/" Integer | any | Identifier */
const serviceTermArb: fc.Arbitrary<Atoms> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        protocol: fc.constantFrom(...PROTOCOL_NAMES),
        ports: fc.option(
          fc.record({
            first: fc.oneof({ weight: 3, arbitrary: portNumberArb }, { weight: 1, arbitrary: fc.constantFrom(...ICMP_TYPE_NAMES).map((x) => [x]) }),
            rest: fc.array(portNumberArb, { maxLength: 3 }),
          }),
          { nil: undefined, freq: 3 },
        ),
      })
      .map(({ protocol, ports }) => (ports ? [protocol, '/', ...ports.first, ...ports.rest.flatMap((p) => [',', ...p])] : [protocol])),
  },
  { weight: 1, arbitrary: intArb.map((n) => ['proto', '/', n]) },
  { weight: 1, arbitrary: fc.constant(['any']) },
  { weight: 2, arbitrary: identArb.map((x) => [x]) },
);

const servicesArb: fc.Arbitrary<Atoms> = fc.array(serviceTermArb, { minLength: 1, maxLength: 3 }).map((terms) => joinWith(terms, ','));

const ruleArb: fc.Arbitrary<Atoms> = fc
  .record({
    name: fc.option(nameArb, { nil: undefined }),
    action: fc.constantFrom('allow', 'deny'),
    src: ruleSideArb,
    dst: ruleSideArb,
    services: servicesArb,
    description: fc.option(stringArb, { nil: undefined }),
  })
  .map((r) => [...(r.name ? [r.name] : []), r.action, ...r.src, '->', ...r.dst, ...r.services, ...(r.description ? [r.description] : [])]);

const zoneArb: fc.Arbitrary<Atoms> = fc.tuple(nameArb, addressListArb(1)).map(([n, l]) => ['zone', n, '=', ...l]);
const roleArb: fc.Arbitrary<Atoms> = fc
  .tuple(nameArb, fc.option(addressListArb(1), { nil: undefined }))
  .map(([n, l]) => (l ? ['role', n, '=', ...l] : ['role', n]));
const serviceArb: fc.Arbitrary<Atoms> = fc.tuple(identArb, servicesArb).map(([n, s]) => ['service', n, '=', ...s]);
const defaultArb: fc.Arbitrary<Atoms> = fc
  .tuple(fc.constantFrom('ingress', 'egress'), fc.constantFrom('allow', 'deny'))
  .map(([d, a]) => ['default', d, a]);
const importArb: fc.Arbitrary<Atoms> = stringArb.map((s) => ['import', s]);

/** target NAME { key(.key)* = value ... }, entries separated by a comma or a line break. */
const targetArb: fc.Arbitrary<Atoms> = fc
  .record({
    name: nameArb,
    entries: fc.array(fc.record({ key: fc.array(nameArb, { minLength: 1, maxLength: 3 }), value: valueArb(1), sep: fc.constantFrom(',', '\n', ',\n') }), {
      maxLength: 4,
    }),
  })
  .map(({ name, entries }) => [
    'target',
    name,
    '{',
    ...entries.flatMap((e, i) => [...joinWith(e.key.map((k) => [k]), '.'), '=', ...e.value, ...(i < entries.length - 1 || e.sep !== '\n' ? [e.sep] : [])]),
    '}',
  ]);

// ---------------------------------------------------------------- conditions

type Cond =
  | { readonly t: 'param'; readonly name: string; readonly paren: boolean }
  | { readonly t: 'cmp'; readonly name: string; readonly op: '==' | '!='; readonly value: Atoms; readonly paren: boolean }
  | { readonly t: 'not'; readonly e: Cond; readonly paren: boolean }
  | { readonly t: 'and' | 'or'; readonly l: Cond; readonly r: Cond; readonly paren: boolean };

const condArb = (depth: number): fc.Arbitrary<Cond> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.record({ t: fc.constant('param' as const), name: nameArb, paren: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant('cmp' as const), name: nameArb, op: fc.constantFrom<'==' | '!='>('==', '!='), value: valueArb(1), paren: fc.boolean() }),
    },
    ...(depth > 0
      ? [
          { weight: 1, arbitrary: fc.record({ t: fc.constant('not' as const), e: condArb(depth - 1), paren: fc.boolean() }) as fc.Arbitrary<Cond> },
          {
            weight: 3,
            arbitrary: fc.record({
              t: fc.constantFrom<'and' | 'or'>('and', 'or'),
              l: condArb(depth - 1),
              r: condArb(depth - 1),
              paren: fc.boolean(),
            }) as fc.Arbitrary<Cond>,
          },
        ]
      : []),
  );

const precedence = (c: Cond): number => (c.t === 'or' ? 1 : c.t === 'and' ? 2 : c.t === 'not' ? 3 : 4);

/** Parentheses where the tree needs them (so the text parses back to this tree), and where `paren` asks. */
function condAtoms(c: Cond, needed = false): string[] {
  let inner: string[];
  switch (c.t) {
    case 'param':
      inner = [`$${c.name}`];
      break;
    case 'cmp':
      inner = [`$${c.name}`, c.op, ...c.value];
      break;
    case 'not':
      inner = ['not', ...condAtoms(c.e, precedence(c.e) < 3)];
      break;
    case 'and':
    case 'or': {
      const p = precedence(c);
      inner = [...condAtoms(c.l, precedence(c.l) < p), c.t, ...condAtoms(c.r, precedence(c.r) <= p)];
      break;
    }
  }
  return needed || c.paren ? ['(', ...inner, ')'] : inner;
}

// ---------------------------------------------------------------- statements and programs

const nestedStatementArb = (depth: number): fc.Arbitrary<Atoms> =>
  fc.oneof(
    { weight: 6, arbitrary: ruleArb },
    { weight: 1, arbitrary: zoneArb },
    { weight: 1, arbitrary: roleArb },
    { weight: 1, arbitrary: serviceArb },
    { weight: 1, arbitrary: targetArb },
    { weight: 1, arbitrary: defaultArb },
    ...(depth > 0 ? [{ weight: 2, arbitrary: ifArb(depth - 1) }] : []),
  );

/** if COND { ... } [else { ... } | else if ...] */
const ifArb = (depth: number): fc.Arbitrary<Atoms> =>
  fc
    .record({
      cond: condArb(3),
      then: fc.array(nestedStatementArb(depth), { maxLength: 3 }),
      else: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.array(nestedStatementArb(depth), { maxLength: 3 }).map((b) => ({ block: b })) },
        ...(depth > 0 ? [{ weight: 1, arbitrary: ifArb(depth - 1).map((i) => ({ elseIf: i })) }] : []),
      ),
    })
    .map((s) => {
      const head = ['if', ...condAtoms(s.cond), '{', ...s.then.flat(), '}'];
      if (s.else === undefined) return head;
      if ('block' in s.else) return [...head, 'else', '{', ...s.else.block.flat(), '}'];
      return [...head, 'else', ...s.else.elseIf];
    });

const topStatementArb: fc.Arbitrary<Atoms> = fc.oneof(
  { weight: 5, arbitrary: ruleArb },
  { weight: 2, arbitrary: paramArb },
  { weight: 2, arbitrary: zoneArb },
  { weight: 2, arbitrary: roleArb },
  { weight: 2, arbitrary: serviceArb },
  { weight: 1, arbitrary: targetArb },
  { weight: 1, arbitrary: importArb },
  { weight: 1, arbitrary: defaultArb },
  { weight: 3, arbitrary: ifArb(2) },
);

/** Whitespace between atoms: spaces, tabs, line breaks (also CRLF), blank lines and comments. */
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', '\t', '\n', '\n', '\n\n', ' # a comment\n', '\r\n', '\n  # indented "comment" [x]\n  '];

const programArb: fc.Arbitrary<string> = fc
  .record({
    statements: fc.array(topStatementArb, { minLength: 1, maxLength: 8 }),
    seps: fc.array(fc.nat(SEPARATORS.length - 1), { minLength: 1, maxLength: 40 }),
    header: fc.boolean(),
  })
  .map(({ statements, seps, header }) => {
    const atoms = statements.flatMap((s) => [...s, '\n']);
    const text = atoms.map((a, i) => (i === 0 ? a : `${SEPARATORS[seps[i % seps.length]!]!}${a}`)).join('');
    return header ? `# generated by test/properties/print.prop.test.ts\n${text}` : text;
  });

// =====================================================================================
// The properties
// =====================================================================================

const NUM_RUNS = Number(process.env['PALISADE_PROP_RUNS'] ?? 1000);

describe('printProgram round-trips', () => {
  it('parse(print(parse(text))) equals parse(text), and printing is idempotent', () => {
    const seen = { if: 0, elseIf: 0, elseBlock: 0, not: 0, and: 0, or: 0, param: 0, target: 0, rule: 0, except: 0, paramTypes: new Set<string>() };
    fc.assert(
      fc.property(programArb, (text) => {
        const { printed, statements } = checkRoundTrip(text);
        // Coverage bookkeeping (the printed form is canonical, so count on it).
        if (/^\s*if /m.test(printed)) seen.if++;
        if (/} else if /.test(printed)) seen.elseIf++;
        if (/} else \{/.test(printed)) seen.elseBlock++;
        if (/ not /.test(printed) || /if not /.test(printed)) seen.not++;
        if (/ and /.test(printed)) seen.and++;
        if (/ or /.test(printed)) seen.or++;
        if (/ except /.test(printed)) seen.except++;
        for (const s of statements) {
          if (s.kind === 'param') {
            seen.param++;
            seen.paramTypes.add(s.type.text);
          }
          if (s.kind === 'target') seen.target++;
          if (s.kind === 'rule') seen.rule++;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    for (const k of ['if', 'elseIf', 'elseBlock', 'not', 'and', 'or', 'param', 'target', 'rule', 'except'] as const) {
      expect(seen[k], k).toBeGreaterThan(NUM_RUNS / 50);
    }
    for (const t of ['bool', 'int', 'string', 'cidr', 'list(cidr)', 'list(string)', 'list(int)']) expect(seen.paramTypes.has(t), t).toBe(true);
  });

  it('round-trips the example rulesets and LANGUAGE.md-style programs', () => {
    const dir = path.join(import.meta.dirname, '..', '..', 'rulesets');
    const files = readdirSync(dir).filter((f) => f.endsWith('.pal'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) checkRoundTrip(readFileSync(path.join(dir, f), 'utf8'));

    // Hand-picked corners of the printer.
    const corners = [
      '',
      '# only a comment\n',
      'if not ($a and $b) or $c == [1, 2] { allow a -> b tcp }',
      'if $a and ($b or $c) { } else if not not $d { deny any -> any any } else { default ingress allow }',
      'if ($a or $b) or ($c or $d) {\n}',
      'if $a and ($b and $c) {\n}',
      'if $x == fd00::1 and $y != "s\\"t\\\\" {\n}',
      'param ports: list(int) = 80, 443\nparam one: list(int) = [80]\nparam none: list(cidr) = []\nparam n: cidr = ::ffff:10.0.0.1',
      'r1 allow [a] except [b] -> [c, d except e] icmp/echo-request, 3, icmpv6, proto/47, tcp/80-90,443,$p "d"',
      'tcp allow ah -> proto gre\nudp deny [gre, 10.0.0.1] -> ::/0 sctp/1',
      'target nftables {\n  table = "x", chain.input.policy = drop\n  vms.cp = [101, 102]\n}\ntarget empty {}',
      'import "a \\"b\\".pal"\nrole r\nzone z = [a except b], c except [d, e], f',
    ];
    for (const c of corners) checkRoundTrip(c);
  });
});
