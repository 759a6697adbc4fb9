/**
 * A random ruleset MODEL for property tests, deliberately independent of palisade's own types:
 * the model itself, a naive reference evaluator of its meaning (LANGUAGE.md, "Meaning"), a
 * prediction of the rules palisade must reject because their families can never meet
 * (PAL5001), a printer to .pal text (optionally with the declarations in an imported file), the
 * fast-check generator of models, and a generator of packets aimed at a model's boundaries.
 *
 * The naive evaluator:
 *
 * - addresses are BigInts, CIDR membership is a mask comparison, zones and roles are expanded
 *   by name on every lookup, `except` is a set difference evaluated point-wise;
 * - the first rule whose source, destination and services contain the packet decides;
 * - otherwise the ingress default applies if the destination lies in a role, the egress default
 *   if the source does; permitted only if every applicable default permits; a packet touching
 *   no role is permitted;
 * - `any` is every IPv4 and IPv6 address and every role without addresses; such a role is an
 *   opaque set of endpoints, disjoint from every literal address.
 *
 * Used by explain.prop.test.ts and analysis.prop.test.ts.
 */
import fc from 'fast-check';

// =====================================================================================
// The model (deliberately not palisade's types)
// =====================================================================================

export type Fam = 4 | 6;
export type Action = 'allow' | 'deny';

export interface Cidr {
  readonly fam: Fam;
  /** Network address (host bits clear). */
  readonly base: bigint;
  readonly len: number;
  /** Print a /32 or /128 as a bare address. */
  readonly bare: boolean;
  /** IPv6: print with `::` compression. */
  readonly compress: boolean;
}

export type Term =
  | { readonly t: 'name'; readonly ref: number }
  | { readonly t: 'cidr'; readonly c: Cidr }
  | { readonly t: 'any' }
  | { readonly t: 'param'; readonly ref: number }
  | { readonly t: 'group'; readonly e: AddrExpr };

export interface AddrExpr {
  readonly inc: readonly Term[];
  readonly exc: readonly Term[];
}

export interface AddrDecl {
  readonly kind: 'zone' | 'role';
  readonly name: string;
  /** Absent: a role without addresses (opaque). */
  readonly expr?: AddrExpr;
}

export interface CidrParam {
  readonly name: string;
  readonly list: boolean;
  readonly bracketed: boolean;
  readonly values: readonly Cidr[];
}

export interface IntParam {
  readonly name: string;
  readonly list: boolean;
  readonly bracketed: boolean;
  readonly values: readonly number[];
}

export interface BoolParam {
  readonly name: string;
  readonly value: boolean;
}

export type PortItem =
  | { readonly t: 'range'; readonly from: number; readonly to: number; readonly dashed: boolean }
  | { readonly t: 'named'; readonly name: string }
  | { readonly t: 'param'; readonly ref: number };

export type PortProto = 'tcp' | 'udp' | 'sctp';
export type TypeProto = 'icmp' | 'icmpv6';

export type Svc =
  | { readonly t: 'ports'; readonly proto: PortProto | TypeProto; readonly items?: readonly PortItem[] }
  | { readonly t: 'bare'; readonly proto: 'gre' | 'esp' | 'ah' }
  | { readonly t: 'num'; readonly n: number }
  | { readonly t: 'any' }
  | { readonly t: 'name'; readonly ref: number };

export interface SvcDecl {
  readonly name: string;
  readonly terms: readonly Svc[];
}

export type Cond =
  | { readonly t: 'flag'; readonly ref: number }
  | { readonly t: 'cmp'; readonly ref: number; readonly op: '==' | '!='; readonly value: boolean }
  | { readonly t: 'intcmp'; readonly ref: number; readonly op: '==' | '!='; readonly value: readonly number[] }
  | { readonly t: 'not'; readonly e: Cond }
  | { readonly t: 'and' | 'or'; readonly l: Cond; readonly r: Cond };

export interface Rule {
  readonly id: number;
  readonly name?: string;
  readonly action: Action;
  readonly src: AddrExpr;
  readonly dst: AddrExpr;
  readonly svcs: readonly Svc[];
  readonly desc?: string;
  /** Print a single-term side as `[x]`. */
  readonly brackets: boolean;
}

export type Item =
  | { readonly t: 'rule'; readonly rule: Rule }
  | { readonly t: 'if'; readonly cond: Cond; readonly then: readonly Item[]; readonly else?: readonly Item[] };

export type DefaultSpec =
  | { readonly t: 'absent' }
  | { readonly t: 'top'; readonly action: Action }
  | { readonly t: 'if'; readonly cond: Cond; readonly then: Action; readonly else?: Action };

export interface Model {
  readonly addrs: readonly AddrDecl[];
  readonly cidrParams: readonly CidrParam[];
  readonly intParams: readonly IntParam[];
  readonly flags: readonly BoolParam[];
  readonly svcs: readonly SvcDecl[];
  readonly items: readonly Item[];
  readonly ingress: DefaultSpec;
  readonly egress: DefaultSpec;
  /** Top-level position (0..items.length) of each declaration chunk. */
  readonly positions: readonly number[];
  /** Declarations (zones, roles, services) go to an imported file. */
  readonly useImport: boolean;
}

export const BITS: Record<Fam, number> = { 4: 32, 6: 128 };
export const MAX: Record<Fam, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
export const V4_BASE = 10n << 24n; // 10.0.0.0
export const V6_BASE = 0xfd00n << 112n; // fd00::
export const V6_MAPPED = (0xffffn << 32n) | V4_BASE; // ::ffff:10.0.0.0

export const PROTO: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132 };
/** Well-known ICMP / ICMPv6 type numbers (RFC 792, RFC 4443), written down independently here. */
export const ICMP_NAMES: Record<TypeProto, Record<string, number>> = {
  icmp: { 'echo-reply': 0, 'destination-unreachable': 3, 'echo-request': 8, 'time-exceeded': 11 },
  icmpv6: { 'destination-unreachable': 1, 'time-exceeded': 3, 'echo-request': 128, 'echo-reply': 129 },
};

// =====================================================================================
// The naive reference evaluator
// =====================================================================================

export type End = { readonly kind: 'addr'; readonly fam: Fam; readonly value: bigint } | { readonly kind: 'role'; readonly role: string };

export interface Pkt {
  readonly src: End;
  readonly dst: End;
  readonly proto: number;
  readonly port?: number;
}

export function inCidr(c: Cidr, end: End): boolean {
  if (end.kind !== 'addr' || end.fam !== c.fam) return false;
  const shift = BigInt(BITS[c.fam] - c.len);
  return end.value >> shift === c.base >> shift;
}

export function inTerm(m: Model, t: Term, end: End): boolean {
  switch (t.t) {
    case 'any':
      return true; // every address, and every member of a role without addresses
    case 'cidr':
      return inCidr(t.c, end);
    case 'param':
      return m.cidrParams[t.ref]!.values.some((c) => inCidr(c, end));
    case 'group':
      return inExpr(m, t.e, end);
    case 'name': {
      const d = m.addrs[t.ref]!;
      if (!d.expr) return end.kind === 'role' && end.role === d.name;
      return inExpr(m, d.expr, end);
    }
  }
}

export function inExpr(m: Model, e: AddrExpr, end: End): boolean {
  return e.inc.some((t) => inTerm(m, t, end)) && !e.exc.some((t) => inTerm(m, t, end));
}

export function inRole(m: Model, end: End): boolean {
  return m.addrs.some((d) => d.kind === 'role' && (d.expr ? inExpr(m, d.expr, end) : end.kind === 'role' && end.role === d.name));
}

export function itemHas(m: Model, proto: PortProto | TypeProto, item: PortItem, port: number): boolean {
  switch (item.t) {
    case 'range':
      return item.from <= port && port <= item.to;
    case 'named':
      return ICMP_NAMES[proto as TypeProto][item.name] === port;
    case 'param':
      return m.intParams[item.ref]!.values.includes(port);
  }
}

export function svcHas(m: Model, s: Svc, p: Pkt): boolean {
  switch (s.t) {
    case 'any':
      return true;
    case 'num':
      return p.proto === s.n;
    case 'bare':
      return p.proto === PROTO[s.proto];
    case 'ports':
      if (p.proto !== PROTO[s.proto]) return false;
      return s.items === undefined || (p.port !== undefined && s.items.some((i) => itemHas(m, s.proto, i, p.port!)));
    case 'name':
      return m.svcs[s.ref]!.terms.some((t) => svcHas(m, t, p));
  }
}

export function condValue(m: Model, c: Cond): boolean {
  switch (c.t) {
    case 'flag':
      return m.flags[c.ref]!.value;
    case 'cmp':
      return (m.flags[c.ref]!.value === c.value) === (c.op === '==');
    case 'intcmp': {
      const a = [...new Set(m.intParams[c.ref]!.values)].sort((x, y) => x - y);
      const b = [...new Set(c.value)].sort((x, y) => x - y);
      const same = a.length === b.length && a.every((x, i) => x === b[i]);
      return same === (c.op === '==');
    }
    case 'not':
      return !condValue(m, c.e);
    case 'and':
      return condValue(m, c.l) && condValue(m, c.r);
    case 'or':
      return condValue(m, c.l) || condValue(m, c.r);
  }
}

/** The rules in effect, in order (ifs expanded), minus the skipped ones. */
export function liveRules(m: Model, skip: ReadonlySet<number>): Rule[] {
  const out: Rule[] = [];
  const walk = (items: readonly Item[]): void => {
    for (const it of items) {
      if (it.t === 'rule') {
        if (!skip.has(it.rule.id)) out.push(it.rule);
      } else if (condValue(m, it.cond)) walk(it.then);
      else if (it.else) walk(it.else);
    }
  };
  walk(m.items);
  return out;
}

export function defaultAction(m: Model, d: DefaultSpec, implicit: Action): Action {
  switch (d.t) {
    case 'absent':
      return implicit;
    case 'top':
      return d.action;
    case 'if':
      return condValue(m, d.cond) ? d.then : (d.else ?? implicit);
  }
}

export type Expected =
  | { readonly permitted: boolean; readonly by: 'rule'; readonly index: number; readonly rule: Rule }
  | { readonly permitted: boolean; readonly by: 'defaults'; readonly ingress: boolean; readonly egress: boolean };

export function naiveVerdict(m: Model, rules: readonly Rule[], p: Pkt): Expected {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (inExpr(m, r.src, p.src) && inExpr(m, r.dst, p.dst) && r.svcs.some((s) => svcHas(m, s, p))) {
      return { permitted: r.action === 'allow', by: 'rule', index: i, rule: r };
    }
  }
  const ingress = inRole(m, p.dst);
  const egress = inRole(m, p.src);
  const ingressAction = defaultAction(m, m.ingress, 'deny');
  const egressAction = defaultAction(m, m.egress, 'allow');
  const permitted = (!ingress || ingressAction === 'allow') && (!egress || egressAction === 'allow');
  return { permitted, by: 'defaults', ingress, egress };
}

// ---------------------------------------------------------------- PAL5001 prediction

export function allCidrs(m: Model): Cidr[] {
  const out: Cidr[] = [];
  const term = (t: Term): void => {
    if (t.t === 'cidr') out.push(t.c);
    else if (t.t === 'group') expr(t.e);
  };
  const expr = (e: AddrExpr): void => [...e.inc, ...e.exc].forEach(term);
  for (const d of m.addrs) if (d.expr) expr(d.expr);
  for (const p of m.cidrParams) out.push(...p.values);
  const walk = (items: readonly Item[]): void => {
    for (const it of items) {
      if (it.t === 'rule') {
        expr(it.rule.src);
        expr(it.rule.dst);
      } else {
        walk(it.then);
        if (it.else) walk(it.else);
      }
    }
  };
  walk(m.items);
  return out;
}

/**
 * Every set here is a boolean combination of CIDRs, so its membership is constant between
 * consecutive CIDR boundaries: testing 0 and every CIDR's first address and last address + 1
 * decides whether it holds any address of a family.
 */
export function boundaryPoints(m: Model, fam: Fam): bigint[] {
  const pts = new Set<bigint>([0n]);
  for (const c of allCidrs(m)) {
    if (c.fam !== fam) continue;
    const size = 1n << BigInt(BITS[fam] - c.len);
    pts.add(c.base);
    if (c.base + size <= MAX[fam]) pts.add(c.base + size);
  }
  return [...pts];
}

export function familiesOf(m: Model, e: AddrExpr, pts: Record<Fam, bigint[]>): { fams: Set<Fam>; empty: boolean } {
  const v4 = pts[4].some((value) => inExpr(m, e, { kind: 'addr', fam: 4, value }));
  const v6 = pts[6].some((value) => inExpr(m, e, { kind: 'addr', fam: 6, value }));
  const opaque = m.addrs.some((d) => !d.expr && inExpr(m, e, { kind: 'role', role: d.name }));
  const fams = new Set<Fam>();
  if (v4 || opaque) fams.add(4);
  if (v6 || opaque) fams.add(6);
  return { fams, empty: !v4 && !v6 && !opaque };
}

/** The protocols a service list holds at least one port/type of (`any` aside). */
export function protocolsOf(m: Model, svcs: readonly Svc[], acc = { any: false, protos: new Set<number>() }): typeof acc {
  for (const s of svcs) {
    switch (s.t) {
      case 'any':
        acc.any = true;
        break;
      case 'num':
        acc.protos.add(s.n);
        break;
      case 'bare':
        acc.protos.add(PROTO[s.proto]!);
        break;
      case 'ports': {
        const nonEmpty = (i: PortItem): boolean => i.t !== 'param' || m.intParams[i.ref]!.values.length > 0;
        if (s.items === undefined || s.items.some(nonEmpty)) acc.protos.add(PROTO[s.proto]!);
        break;
      }
      case 'name':
        protocolsOf(m, m.svcs[s.ref]!.terms, acc);
        break;
    }
  }
  return acc;
}

export function serviceFamilies(m: Model, svcs: readonly Svc[]): Set<Fam> {
  const { any, protos } = protocolsOf(m, svcs);
  if (any || protos.size === 0 || [...protos].some((p) => p !== 1 && p !== 58)) return new Set<Fam>([4, 6]);
  const out = new Set<Fam>();
  if (protos.has(1)) out.add(4);
  if (protos.has(58)) out.add(6);
  return out;
}

/** Rules in effect that can never match because their families cannot meet. */
export function predictNeverMatches(m: Model): Set<number> {
  const pts = { 4: boundaryPoints(m, 4), 6: boundaryPoints(m, 6) };
  const out = new Set<number>();
  for (const r of liveRules(m, new Set())) {
    const src = familiesOf(m, r.src, pts);
    const dst = familiesOf(m, r.dst, pts);
    if (src.empty || dst.empty) continue; // a warning (PAL5002), not an error
    const ends = [...src.fams].filter((f) => dst.fams.has(f));
    const svc = serviceFamilies(m, r.svcs);
    if (ends.length === 0 || !ends.some((f) => svc.has(f))) out.add(r.id);
  }
  return out;
}

// =====================================================================================
// Printing the model as .pal text (this test's own printer)
// =====================================================================================

export function fmt4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

export function fmt6(v: bigint, compress: boolean): string {
  const groups = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  if (!compress) return groups.join(':');
  // IPv4-mapped addresses in mixed notation (still IPv6 addresses, never IPv4 ones).
  if (v >> 32n === 0xffffn) return `::ffff:${fmt4(v & 0xffffffffn)}`;
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

export function fmtAddr(fam: Fam, v: bigint, compress: boolean): string {
  return fam === 4 ? fmt4(v) : fmt6(v, compress);
}

export function printCidr(c: Cidr): string {
  const a = fmtAddr(c.fam, c.base, c.compress);
  return c.bare && c.len === BITS[c.fam] ? a : `${a}/${c.len}`;
}

export function printTerm(m: Model, t: Term): string {
  switch (t.t) {
    case 'name':
      return m.addrs[t.ref]!.name;
    case 'cidr':
      return printCidr(t.c);
    case 'any':
      return 'any';
    case 'param':
      return `$${m.cidrParams[t.ref]!.name}`;
    case 'group':
      return `[${printDeclExpr(m, t.e)}]`;
  }
}

export function printDeclExpr(m: Model, e: AddrExpr): string {
  const inc = e.inc.map((t) => printTerm(m, t)).join(', ');
  return e.exc.length === 0 ? inc : `${inc} except ${e.exc.map((t) => printTerm(m, t)).join(', ')}`;
}

export function printRuleSide(m: Model, e: AddrExpr, brackets: boolean): string {
  const side = (terms: readonly Term[]): string => {
    const printed = terms.map((t) => printTerm(m, t));
    return printed.length === 1 && !brackets ? printed[0]! : `[${printed.join(', ')}]`;
  };
  return e.exc.length === 0 ? side(e.inc) : `${side(e.inc)} except ${side(e.exc)}`;
}

export function printPortItem(m: Model, i: PortItem): string {
  switch (i.t) {
    case 'range':
      return i.from === i.to && !i.dashed ? String(i.from) : `${i.from}-${i.to}`;
    case 'named':
      return i.name;
    case 'param':
      return `$${m.intParams[i.ref]!.name}`;
  }
}

export function printSvc(m: Model, s: Svc): string {
  switch (s.t) {
    case 'ports':
      return s.items ? `${s.proto}/${s.items.map((i) => printPortItem(m, i)).join(',')}` : s.proto;
    case 'bare':
      return s.proto;
    case 'num':
      return `proto/${s.n}`;
    case 'any':
      return 'any';
    case 'name':
      return m.svcs[s.ref]!.name;
  }
}

export const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function printCond(m: Model, c: Cond): string {
  switch (c.t) {
    case 'flag':
      return `$${m.flags[c.ref]!.name}`;
    case 'cmp':
      return `$${m.flags[c.ref]!.name} ${c.op} ${c.value}`;
    case 'intcmp': {
      const p = m.intParams[c.ref]!;
      const v = p.list ? `[${c.value.join(', ')}]` : String(c.value[0]);
      return `$${p.name} ${c.op} ${v}`;
    }
    case 'not':
      return `not (${printCond(m, c.e)})`;
    case 'and':
    case 'or':
      return `(${printCond(m, c.l)}) ${c.t} (${printCond(m, c.r)})`;
  }
}

export interface Printed {
  readonly files: Record<string, string>;
  /** Line (1-based, in main.pal) of each printed rule, by rule id. */
  readonly ruleLines: Map<number, number>;
}

export function printModel(m: Model, skip: ReadonlySet<number>): Printed {
  const main: string[] = [];
  const lib: string[] = [];
  const ruleLines = new Map<number, number>();

  // Declaration chunks, each placed before a top-level item (or at the end).
  const paramChunks: string[][] = [
    ...m.flags.map((f) => [`param ${f.name}: bool = ${f.value}`]),
    ...m.cidrParams.map((p) => {
      const vals = p.values.map(printCidr);
      const v = !p.list ? vals[0]! : p.bracketed || vals.length === 0 ? `[${vals.join(', ')}]` : vals.join(', ');
      return [`param ${p.name}: ${p.list ? 'list(cidr)' : 'cidr'} = ${v}`];
    }),
    ...m.intParams.map((p) => {
      const vals = p.values.map(String);
      const v = !p.list ? vals[0]! : p.bracketed || vals.length === 0 ? `[${vals.join(', ')}]` : vals.join(', ');
      return [`param ${p.name}: ${p.list ? 'list(int)' : 'int'} = ${v}`];
    }),
  ];
  const declChunks: string[][] = [
    ...m.addrs.map((d) => [d.expr ? `${d.kind} ${d.name} = ${printDeclExpr(m, d.expr)}` : `role ${d.name}`]),
    ...m.svcs.map((s) => [`service ${s.name} = ${s.terms.map((t) => printSvc(m, t)).join(', ')}`]),
  ];
  const defaultChunk = (dir: 'ingress' | 'egress', d: DefaultSpec): string[] => {
    switch (d.t) {
      case 'absent':
        return [];
      case 'top':
        return [`default ${dir} ${d.action}`];
      case 'if':
        return [
          `if ${printCond(m, d.cond)} {`,
          `  default ${dir} ${d.then}`,
          ...(d.else ? ['} else {', `  default ${dir} ${d.else}`] : []),
          '}',
        ];
    }
  };
  const chunks = [...paramChunks, ...(m.useImport ? [['import "defs/lib.pal"']] : declChunks)];
  chunks.push(defaultChunk('ingress', m.ingress), defaultChunk('egress', m.egress));
  if (m.useImport) {
    lib.push('# imported declarations');
    for (const c of declChunks) lib.push(...c);
  }

  const printItem = (it: Item, indent: string): void => {
    if (it.t === 'rule') {
      const r = it.rule;
      if (skip.has(r.id)) return;
      const parts = [
        r.name ? `${r.name} ` : '',
        `${r.action} ${printRuleSide(m, r.src, r.brackets)} -> ${printRuleSide(m, r.dst, r.brackets)} `,
        r.svcs.map((s) => printSvc(m, s)).join(', '),
        r.desc !== undefined ? ` ${quote(r.desc)}` : '',
      ];
      main.push(indent + parts.join(''));
      ruleLines.set(r.id, main.length);
      return;
    }
    main.push(`${indent}if ${printCond(m, it.cond)} {`);
    for (const t of it.then) printItem(t, `${indent}  `);
    if (it.else) {
      main.push(`${indent}} else {`);
      for (const t of it.else) printItem(t, `${indent}  `);
    }
    main.push(`${indent}}`);
  };

  main.push('# generated by test/properties/model.ts');
  for (let i = 0; i <= m.items.length; i++) {
    chunks.forEach((c, k) => {
      if (Math.min(m.positions[k % m.positions.length] ?? 0, m.items.length) === i) main.push(...c);
    });
    const item = m.items[i];
    if (item) printItem(item, '');
  }
  const files: Record<string, string> = { 'main.pal': `${main.join('\n')}\n` };
  if (m.useImport) files['defs/lib.pal'] = `${lib.join('\n')}\n`;
  return { files, ruleLines };
}

// =====================================================================================
// Generators
// =====================================================================================

export const cidrArb: fc.Arbitrary<Cidr> = fc
  .record({
    space: fc.oneof(
      { weight: 6, arbitrary: fc.constant('v4small' as const) },
      { weight: 2, arbitrary: fc.constant('v4wide' as const) },
      { weight: 2, arbitrary: fc.constant('v6' as const) },
      { weight: 1, arbitrary: fc.constant('huge' as const) },
      { weight: 1, arbitrary: fc.constant('v6mapped' as const) },
    ),
    off: fc.integer({ min: 0, max: 1023 }),
    wideOff: fc.integer({ min: 0, max: 65535 }),
    lenSmall: fc.integer({ min: 22, max: 32 }),
    lenWide: fc.integer({ min: 16, max: 32 }),
    len6: fc.integer({ min: 112, max: 128 }),
    lenMapped: fc.integer({ min: 118, max: 128 }),
    huge: fc.constantFrom(['0.0.0.0/0', 4], ['10.0.0.0/8', 4], ['::/0', 6], ['fd00::/8', 6], ['fd00::/112', 6]),
    bare: fc.boolean(),
    compress: fc.boolean(),
  })
  .map((r): Cidr => {
    const mask = (fam: Fam, v: bigint, len: number): bigint => {
      const shift = BigInt(BITS[fam] - len);
      return (v >> shift) << shift;
    };
    switch (r.space) {
      case 'v4small':
        return { fam: 4, base: mask(4, V4_BASE + BigInt(r.off), r.lenSmall), len: r.lenSmall, bare: r.bare, compress: false };
      case 'v4wide':
        return { fam: 4, base: mask(4, V4_BASE + BigInt(r.wideOff), r.lenWide), len: r.lenWide, bare: r.bare, compress: false };
      case 'v6':
        return { fam: 6, base: mask(6, V6_BASE + BigInt(r.off), r.len6), len: r.len6, bare: r.bare, compress: r.compress };
      case 'v6mapped':
        return { fam: 6, base: mask(6, V6_MAPPED + BigInt(r.off), r.lenMapped), len: r.lenMapped, bare: r.bare, compress: r.compress };
      case 'huge': {
        const [text, fam] = r.huge as [string, Fam];
        const [addr, len] = text.split('/') as [string, string];
        const base =
          fam === 4
            ? addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n)
            : addr === '::'
              ? 0n
              : V6_BASE;
        return { fam, base, len: Number(len), bare: false, compress: r.compress };
      }
    }
  });

export const termArb = (depth: number, anyWeight: number): fc.Arbitrary<Term> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('name' as const), ref: fc.nat(60) }) },
    { weight: 4, arbitrary: cidrArb.map((c) => ({ t: 'cidr' as const, c })) },
    { weight: anyWeight, arbitrary: fc.constant({ t: 'any' as const }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('param' as const), ref: fc.nat(60) }) },
    ...(depth > 0 ? [{ weight: 1, arbitrary: exprArb(depth - 1, anyWeight).map((e): Term => ({ t: 'group', e })) }] : []),
  );

export function exprArb(depth: number, anyWeight: number): fc.Arbitrary<AddrExpr> {
  return fc.record({
    inc: fc.array(termArb(Math.max(depth, 0), anyWeight), { minLength: 1, maxLength: 3 }),
    exc: fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as Term[]) },
      { weight: 1, arbitrary: fc.array(termArb(Math.max(depth, 0), anyWeight), { minLength: 1, maxLength: 2 }) },
    ),
  });
}

export const portArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(65534, 65535) },
);
export const typeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 3, 8, 11, 128, 129, 255) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
export const rangeOf = (a: fc.Arbitrary<number>): fc.Arbitrary<PortItem> =>
  fc.record({ a, b: fc.option(a, { nil: undefined }), dashed: fc.boolean() }).map(({ a: x, b, dashed }) => {
    const y = b ?? x;
    return { t: 'range' as const, from: Math.min(x, y), to: Math.max(x, y), dashed };
  });

export const svcArb: fc.Arbitrary<Svc> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        proto: fc.constantFrom<PortProto>('tcp', 'udp', 'sctp'),
        all: fc.boolean(),
        items: fc.array(
          fc.oneof({ weight: 5, arbitrary: rangeOf(portArb) }, { weight: 2, arbitrary: fc.record({ t: fc.constant('param' as const), ref: fc.nat(60) }) }),
          { minLength: 1, maxLength: 3 },
        ),
      })
      .map(({ proto, all, items }): Svc => (all ? { t: 'ports', proto } : { t: 'ports', proto, items })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        proto: fc.constantFrom<TypeProto>('icmp', 'icmpv6'),
        mode: fc.constantFrom('all', 'items', 'items'),
        named: fc.option(fc.nat(3), { nil: undefined }),
        items: fc.array(rangeOf(typeArb), { minLength: 0, maxLength: 2 }),
      })
      .map(({ proto, mode, named, items }): Svc => {
        if (mode === 'all') return { t: 'ports', proto };
        const names = Object.keys(ICMP_NAMES[proto]);
        // A type name may only come first (after a comma, a name starts a new service term).
        const first: PortItem[] = named !== undefined ? [{ t: 'named', name: names[named % names.length]! }] : [];
        const all = [...first, ...items];
        return all.length === 0 ? { t: 'ports', proto } : { t: 'ports', proto, items: all };
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom<'gre' | 'esp' | 'ah'>('gre', 'esp', 'ah').map((proto): Svc => ({ t: 'bare', proto })) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 6, 17, 47, 58, 89, 132, 255).map((n): Svc => ({ t: 'num', n })) },
  { weight: 1, arbitrary: fc.constant<Svc>({ t: 'any' }) },
  { weight: 3, arbitrary: fc.nat(60).map((ref): Svc => ({ t: 'name', ref })) },
);

export const condArb = (depth: number): fc.Arbitrary<Cond> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant('flag' as const), ref: fc.nat(60) }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant('cmp' as const), ref: fc.nat(60), op: fc.constantFrom<'==' | '!='>('==', '!='), value: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('intcmp' as const),
        ref: fc.nat(60),
        op: fc.constantFrom<'==' | '!='>('==', '!='),
        value: fc.array(portArb, { minLength: 1, maxLength: 3 }),
      }),
    },
    ...(depth > 0
      ? [
          { weight: 1, arbitrary: condArb(depth - 1).map((e): Cond => ({ t: 'not', e })) },
          {
            weight: 2,
            arbitrary: fc.record({ t: fc.constantFrom<'and' | 'or'>('and', 'or'), l: condArb(depth - 1), r: condArb(depth - 1) }) as fc.Arbitrary<Cond>,
          },
        ]
      : []),
  );

export interface RawRule {
  named: boolean;
  action: Action;
  src: AddrExpr;
  dst: AddrExpr;
  svcs: Svc[];
  desc: string | undefined;
  brackets: boolean;
}

export type RawItem = { t: 'rule'; rule: RawRule } | { t: 'if'; cond: Cond; then: RawItem[]; else: RawItem[] | undefined };

export const rawRuleArb: fc.Arbitrary<RawRule> = fc.record({
  named: fc.boolean(),
  action: fc.constantFrom<Action>('allow', 'deny'),
  src: exprArb(1, 3),
  dst: exprArb(1, 3),
  svcs: fc.array(svcArb, { minLength: 1, maxLength: 3 }),
  desc: fc.option(fc.constantFrom('web traffic', 'say "hi"', 'back\\slash', '# not a comment', ''), { nil: undefined }),
  brackets: fc.boolean(),
});

export const itemArb = (depth: number): fc.Arbitrary<RawItem> =>
  fc.oneof(
    { weight: 5, arbitrary: rawRuleArb.map((rule): RawItem => ({ t: 'rule', rule })) },
    ...(depth > 0
      ? [
          {
            weight: 1,
            arbitrary: fc.record({
              t: fc.constant('if' as const),
              cond: condArb(2),
              then: fc.array(itemArb(depth - 1), { minLength: 0, maxLength: 3 }),
              else: fc.option(fc.array(itemArb(depth - 1), { minLength: 0, maxLength: 2 }), { nil: undefined }),
            }) as fc.Arbitrary<RawItem>,
          },
        ]
      : []),
  );

export const defaultArb: fc.Arbitrary<DefaultSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<DefaultSpec>({ t: 'absent' }) },
  { weight: 4, arbitrary: fc.constantFrom<Action>('allow', 'deny').map((action): DefaultSpec => ({ t: 'top', action })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ cond: condArb(1), then: fc.constantFrom<Action>('allow', 'deny'), else: fc.option(fc.constantFrom<Action>('allow', 'deny'), { nil: undefined }) })
      .map(({ cond, then, else: e }): DefaultSpec => (e === undefined ? { t: 'if', cond, then } : { t: 'if', cond, then, else: e })),
  },
);

/** Zone/role names: some are protocol names (reserved only in service positions). */
export const ADDRESS_NAMES = ['vpc', 'admin', 'lan', 'dmz', 'web', 'db', 'cp', 'worker', 'gre', 'tcp', 'proto', 'edge-1', 'k8s_nodes', 'x', 'icmpv6', 'ah'];
/** Service names: a separate namespace, so `web` and `db` may also be zones or roles. */
export const SERVICE_NAMES = ['web', 'dns', 'ssh', 'mgmt', 'db', 'k8s-api'];
/** Names for rules; the first ones are protocol names or contain keywords. */
export const RULE_NAMES = ['tcp', 'proto', 'deny-all', 'allowed', 'r-4', 'icmp'];

export const FALLBACK_CIDR: Cidr = { fam: 4, base: V4_BASE, len: 24, bare: false, compress: false };

export const modelArb: fc.Arbitrary<Model> = fc
  .record({
    addrNames: fc.shuffledSubarray(ADDRESS_NAMES, { minLength: 7, maxLength: 7 }),
    addrs: fc.array(
      fc.record({
        kind: fc.constantFrom('zone', 'zone', 'role', 'role', 'opaque'),
        expr: exprArb(1, 1),
      }),
      { minLength: 2, maxLength: 7 },
    ),
    cidrParams: fc.array(
      fc.record({ list: fc.boolean(), bracketed: fc.boolean(), values: fc.array(cidrArb, { minLength: 0, maxLength: 3 }) }),
      { maxLength: 2 },
    ),
    intParams: fc.array(
      fc.record({ list: fc.boolean(), bracketed: fc.boolean(), values: fc.array(portArb, { minLength: 0, maxLength: 3 }) }),
      { maxLength: 2 },
    ),
    flags: fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
    svcNames: fc.shuffledSubarray(SERVICE_NAMES, { minLength: 3, maxLength: 3 }),
    svcs: fc.array(fc.array(svcArb, { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
    items: fc.array(itemArb(2), { minLength: 1, maxLength: 8 }),
    ingress: defaultArb,
    egress: defaultArb,
    positions: fc.array(fc.nat(12), { minLength: 16, maxLength: 16 }),
    useImport: fc.boolean(),
  })
  .map((raw): Model => {
    const nCidrParams = raw.cidrParams.length;
    const nIntParams = raw.intParams.length;
    const nFlags = raw.flags.length;
    // Resolve references: a declaration only refers to earlier ones (no cycles), params to
    // existing params; a reference with nothing to point at becomes a literal.
    const fixExpr = (e: AddrExpr, limit: number): AddrExpr => ({
      inc: e.inc.map((t) => fixTerm(t, limit)),
      exc: e.exc.map((t) => fixTerm(t, limit)),
    });
    const fixTerm = (t: Term, limit: number): Term => {
      switch (t.t) {
        case 'name':
          return limit === 0 ? { t: 'cidr', c: FALLBACK_CIDR } : { t: 'name', ref: t.ref % limit };
        case 'param':
          return nCidrParams === 0 ? { t: 'cidr', c: FALLBACK_CIDR } : { t: 'param', ref: t.ref % nCidrParams };
        case 'group':
          return { t: 'group', e: fixExpr(t.e, limit) };
        default:
          return t;
      }
    };
    const fixSvc = (s: Svc, limit: number): Svc => {
      if (s.t === 'name') return limit === 0 ? { t: 'ports', proto: 'tcp', items: [{ t: 'range', from: 1, to: 1, dashed: false }] } : { t: 'name', ref: s.ref % limit };
      if (s.t === 'ports' && s.items) {
        const isPort = s.proto === 'tcp' || s.proto === 'udp' || s.proto === 'sctp';
        const items = s.items.map((i): PortItem => {
          if (i.t !== 'param') return i;
          // Int params hold ports (1-20, 65534-65535): only for protocols with ports.
          if (nIntParams === 0 || !isPort) return { t: 'range', from: 2, to: 2, dashed: false };
          return { t: 'param', ref: i.ref % nIntParams };
        });
        return { ...s, items };
      }
      return s;
    };
    const fixCond = (c: Cond): Cond => {
      switch (c.t) {
        case 'flag':
        case 'cmp':
          return { ...c, ref: c.ref % nFlags };
        case 'intcmp':
          if (nIntParams === 0) return { t: 'flag', ref: c.ref % nFlags };
          return { ...c, ref: c.ref % nIntParams };
        case 'not':
          return { t: 'not', e: fixCond(c.e) };
        case 'and':
        case 'or':
          return { t: c.t, l: fixCond(c.l), r: fixCond(c.r) };
      }
    };

    const addrs: AddrDecl[] = raw.addrs.map((a, i) => {
      const name = raw.addrNames[i]!;
      if (a.kind === 'opaque') return { kind: 'role', name };
      return { kind: a.kind as 'zone' | 'role', name, expr: fixExpr(a.expr, i) };
    });
    const cidrParams: CidrParam[] = raw.cidrParams.map((p, i) => {
      const values = p.list ? p.values : [p.values[0] ?? FALLBACK_CIDR];
      return { name: i === 0 ? 'net' : `nets-${i}`, list: p.list, bracketed: p.bracketed, values };
    });
    const intParams: IntParam[] = raw.intParams.map((p, i) => {
      const values = p.list ? p.values : [p.values[0] ?? 7];
      return { name: i === 0 ? 'port' : `ports_${i}`, list: p.list, bracketed: p.bracketed, values };
    });
    const flags: BoolParam[] = raw.flags.map((value, i) => ({ name: i === 0 ? 'enable' : `flag-${i}`, value }));
    const svcs: SvcDecl[] = raw.svcs.map((terms, i) => ({ name: raw.svcNames[i]!, terms: terms.map((t) => fixSvc(t, i)) }));

    let nextId = 0;
    const nAddrs = addrs.length;
    const nSvcs = svcs.length;
    const fixCondInts = (c: Cond): Cond => {
      const f = fixCond(c);
      // A list param is compared with a list, a scalar with one value.
      const adjust = (x: Cond): Cond => {
        switch (x.t) {
          case 'intcmp':
            return intParams[x.ref]!.list ? x : { ...x, value: [x.value[0]!] };
          case 'not':
            return { t: 'not', e: adjust(x.e) };
          case 'and':
          case 'or':
            return { t: x.t, l: adjust(x.l), r: adjust(x.r) };
          default:
            return x;
        }
      };
      return adjust(f);
    };
    const buildItems = (items: readonly RawItem[]): Item[] =>
      items.map((it): Item => {
        if (it.t === 'if') {
          const cond = fixCondInts(it.cond);
          const then = buildItems(it.then);
          return it.else ? { t: 'if', cond, then, else: buildItems(it.else) } : { t: 'if', cond, then };
        }
        const id = nextId++;
        const r = it.rule;
        const base = {
          id,
          action: r.action,
          src: fixExpr(r.src, nAddrs),
          dst: fixExpr(r.dst, nAddrs),
          svcs: r.svcs.map((s) => fixSvc(s, nSvcs)),
          brackets: r.brackets,
        };
        const named = r.named ? { ...base, name: id < RULE_NAMES.length ? RULE_NAMES[id]! : `rule-${id}` } : base;
        return { t: 'rule', rule: r.desc !== undefined ? { ...named, desc: r.desc } : named };
      });
    const items = buildItems(raw.items);
    const fixDefault = (d: DefaultSpec): DefaultSpec => (d.t === 'if' ? { ...d, cond: fixCondInts(d.cond) } : d);

    return {
      addrs,
      cidrParams,
      intParams,
      flags,
      svcs,
      items,
      ingress: fixDefault(raw.ingress),
      egress: fixDefault(raw.egress),
      positions: raw.positions,
      useImport: raw.useImport,
    };
  });

// ---------------------------------------------------------------- packets

export interface RawPacket {
  fam: Fam;
  srcOpaque: boolean;
  dstOpaque: boolean;
  src: number;
  dst: number;
  srcRandom: number | undefined;
  dstRandom: number | undefined;
  proto: number;
  /** Aim at a rule in effect (its addresses, protocols and ports). */
  target: number | undefined;
  port: number;
  protoStyle: number;
  compress: boolean;
  omitType: boolean;
}

export interface Candidates {
  readonly v4: readonly bigint[];
  readonly v6: readonly bigint[];
  readonly opaque: readonly string[];
  readonly ports: readonly number[];
  readonly types: readonly number[];
  readonly protos: readonly number[];
  /** Per rule in effect: points and services near it, so that packets often reach the rules. */
  readonly targets: readonly Target[];
}

export interface Target {
  readonly src: Record<Fam, readonly bigint[]>;
  readonly dst: Record<Fam, readonly bigint[]>;
  /** A protocol the rule names, with its port/type edges (empty: any port). */
  readonly svcs: readonly { readonly proto: number; readonly ports: readonly number[] }[];
}

/** A CIDR's first and last address and their neighbours. */
export function cidrEdges(c: Cidr): bigint[] {
  const last = c.base + (1n << BigInt(BITS[c.fam] - c.len)) - 1n;
  return [c.base - 1n, c.base, c.base + 1n, last - 1n, last, last + 1n].filter((x) => x >= 0n && x <= MAX[c.fam]);
}

/** The edges of every CIDR an address expression reaches (through names and params). */
export function exprPoints(m: Model, e: AddrExpr): Record<Fam, bigint[]> {
  const out: Record<Fam, bigint[]> = { 4: [], 6: [] };
  const seen = new Set<number>();
  const term = (t: Term): void => {
    if (t.t === 'cidr') out[t.c.fam].push(...cidrEdges(t.c));
    else if (t.t === 'param') for (const c of m.cidrParams[t.ref]!.values) out[c.fam].push(...cidrEdges(c));
    else if (t.t === 'group') expr(t.e);
    else if (t.t === 'name' && !seen.has(t.ref)) {
      seen.add(t.ref);
      const d = m.addrs[t.ref]!;
      if (d.expr) expr(d.expr);
    }
  };
  const expr = (x: AddrExpr): void => [...x.inc, ...x.exc].forEach(term);
  expr(e);
  return out;
}

/** Port (or ICMP type) edges of one item, within the valid range. */
export function itemEdges(m: Model, proto: PortProto | TypeProto, i: PortItem): number[] {
  const isType = proto === 'icmp' || proto === 'icmpv6';
  const [lo, hi] = isType ? [0, 255] : [1, 65535];
  const edges =
    i.t === 'range'
      ? [i.from - 1, i.from, i.to, i.to + 1]
      : i.t === 'param'
        ? m.intParams[i.ref]!.values.flatMap((v) => [v - 1, v, v + 1])
        : [ICMP_NAMES[proto as TypeProto][i.name]!];
  return edges.filter((e) => e >= lo && e <= hi);
}

export function serviceOptions(m: Model, svcs: readonly Svc[]): { proto: number; ports: number[] }[] {
  return svcs.flatMap((s): { proto: number; ports: number[] }[] => {
    switch (s.t) {
      case 'any':
        return [];
      case 'num':
        return [{ proto: s.n, ports: [] }];
      case 'bare':
        return [{ proto: PROTO[s.proto]!, ports: [] }];
      case 'ports':
        return [{ proto: PROTO[s.proto]!, ports: (s.items ?? []).flatMap((i) => itemEdges(m, s.proto, i)) }];
      case 'name':
        return serviceOptions(m, m.svcs[s.ref]!.terms);
    }
  });
}

export function candidates(m: Model): Candidates {
  const v4 = new Set<bigint>([V4_BASE, V4_BASE + 1023n, V4_BASE + 1024n, V4_BASE - 1n, V4_BASE + 65535n, V4_BASE + 65536n, 0n, MAX[4], 0xc0a80101n]);
  const v6 = new Set<bigint>([V6_BASE, V6_BASE + 1023n, V6_BASE + 1024n, V6_BASE - 1n, V6_BASE + 0xffffn, V6_BASE + 0x10000n, 0n, 1n, MAX[6], V6_MAPPED, V6_MAPPED + 5n]);
  for (const c of allCidrs(m)) for (const x of cidrEdges(c)) (c.fam === 4 ? v4 : v6).add(x);
  const ports = new Set<number>([1, 2, 20, 21, 22, 443, 65534, 65535]);
  const types = new Set<number>([0, 1, 3, 8, 11, 128, 129, 255]);
  const protos = new Set<number>([6, 17, 132, 1, 58, 47, 50, 51, 0, 2, 89, 255]);
  const svc = (s: Svc): void => {
    if (s.t === 'ports') {
      const target = s.proto === 'icmp' || s.proto === 'icmpv6' ? types : ports;
      for (const i of s.items ?? []) for (const e of itemEdges(m, s.proto, i)) target.add(e);
    }
    if (s.t === 'num') protos.add(s.n);
  };
  for (const d of m.svcs) d.terms.forEach(svc);
  const targets: Target[] = [];
  for (const r of liveRules(m, new Set())) {
    r.svcs.forEach(svc);
    targets.push({ src: exprPoints(m, r.src), dst: exprPoints(m, r.dst), svcs: serviceOptions(m, r.svcs) });
  }
  for (const p of m.intParams) for (const v of p.values) for (const e of [v - 1, v, v + 1]) if (e >= 1 && e <= 65535) ports.add(e);
  return {
    v4: [...v4],
    v6: [...v6],
    opaque: m.addrs.filter((d) => !d.expr).map((d) => d.name),
    ports: [...ports],
    types: [...types],
    protos: [...protos],
    targets,
  };
}

export const rawPacketArb: fc.Arbitrary<RawPacket> = fc.record({
  fam: fc.constantFrom<Fam>(4, 4, 4, 6),
  srcOpaque: fc.boolean(),
  dstOpaque: fc.boolean(),
  src: fc.nat(),
  dst: fc.nat(),
  srcRandom: fc.option(fc.integer({ min: 0, max: 1023 }), { nil: undefined, freq: 6 }),
  dstRandom: fc.option(fc.integer({ min: 0, max: 1023 }), { nil: undefined, freq: 6 }),
  proto: fc.nat(),
  target: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
  port: fc.nat(),
  protoStyle: fc.nat(2),
  compress: fc.boolean(),
  omitType: fc.boolean(),
});

export interface GenPacket {
  readonly pkt: Pkt;
  readonly args: { protocol: string; source: string; destination: string; port?: string };
}

export function buildPacket(c: Candidates, r: RawPacket): GenPacket {
  // Opaque ends only sometimes (a third of the time each), and only when there are opaque roles.
  const opaqueSrc = c.opaque.length > 0 && r.srcOpaque && r.src % 3 === 0;
  const opaqueDst = c.opaque.length > 0 && r.dstOpaque && r.dst % 3 === 0;
  const target = r.target === undefined || c.targets.length === 0 ? undefined : c.targets[r.target % c.targets.length]!;
  const pick = (opaque: boolean, n: number, random: number | undefined, near: readonly bigint[] | undefined): End => {
    if (opaque) return { kind: 'role', role: c.opaque[n % c.opaque.length]! };
    if (random !== undefined) return { kind: 'addr', fam: r.fam, value: (r.fam === 4 ? V4_BASE : V6_BASE) + BigInt(random) };
    const pts = near && near.length > 0 ? near : r.fam === 4 ? c.v4 : c.v6;
    return { kind: 'addr', fam: r.fam, value: pts[n % pts.length]! };
  };
  const src = pick(opaqueSrc, r.src, r.srcRandom, target?.src[r.fam]);
  const dst = pick(opaqueDst, r.dst, r.dstRandom, target?.dst[r.fam]);
  const anyAddress = src.kind === 'addr' || dst.kind === 'addr';
  const option = target && target.svcs.length > 0 ? target.svcs[r.proto % target.svcs.length]! : undefined;
  let proto = option ? option.proto : c.protos[r.proto % c.protos.length]!;
  // ICMP only between IPv4 ends, ICMPv6 only between IPv6 ends.
  if (anyAddress && proto === 1 && r.fam === 6) proto = 58;
  else if (anyAddress && proto === 58 && r.fam === 4) proto = 1;

  let port: number | undefined;
  let portText: string | undefined;
  if (proto === 6 || proto === 17 || proto === 132) {
    const ports = option && option.ports.length > 0 && option.proto === proto ? option.ports : c.ports;
    port = ports[r.port % ports.length]!;
    portText = String(port);
  } else if (proto === 1 || proto === 58) {
    const types = option && option.ports.length > 0 ? option.ports : c.types;
    port = types[r.port % types.length]!;
    const table = ICMP_NAMES[proto === 1 ? 'icmp' : 'icmpv6'];
    const name = Object.keys(table).find((k) => table[k] === port);
    const ping = proto === 1 ? 8 : 128;
    if (port === ping && r.omitType) portText = undefined; // `explain FILE icmp A B` asks about a ping
    else portText = name !== undefined && r.protoStyle === 0 ? name : String(port);
  }

  const named = Object.keys(PROTO).find((k) => PROTO[k] === proto);
  const protocol = named !== undefined && r.protoStyle !== 2 ? named : r.protoStyle === 1 ? `proto/${proto}` : String(proto);
  const endText = (e: End): string => (e.kind === 'role' ? e.role : fmtAddr(e.fam, e.value, r.compress));
  const pkt: Pkt = port === undefined ? { src, dst, proto } : { src, dst, proto, port };
  const args = { protocol, source: endText(src), destination: endText(dst) };
  return { pkt, args: portText === undefined ? args : { ...args, port: portText } };
}
