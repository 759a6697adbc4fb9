/**
 * `nftables:PATH` for `palisade diff`: reads one `<role>.nft` file per role (or a directory of
 * them) back into a policy. A file's role is taken from palisade's header line, or else from the
 * file name (`controlplane.nft` is role `controlplane`, with its addresses from the ruleset it is
 * compared with).
 *
 * The model: a base chain on the input hook is a gate over packets to the role's addresses; on
 * the output hook, over packets from them. Statements are first-match rules. What the packet
 * model leaves out is skipped, as documented in docs/targets/nftables.md: `ct state` matches
 * without `new` (they concern replies, not the packets that open connections), loopback
 * interface matches (and Talos's trusted `lo`, `siderolink`, `kubespan` set), IPv6 neighbour discovery
 * with hop limit 255; a `limit rate` on an ICMP accept is read as the accept, and a filter chain on the
 * prerouting hook judges packets to the role like input. Anything else the model
 * cannot express exactly (a jump, another rate limit, a source port) is an error, never ignored.
 */
import path from 'node:path';
import { error, SourceFile, type Diagnostic, type Span } from '../../diagnostics/index.js';
import {
  emptySet,
  icmpTypeTable,
  intersectSets,
  parseCidr,
  rangeSet,
  protocolNumbers,
  subtractSets,
  unionSets,
  universe,
  V4_MAX,
  V6_MAX,
  type Action,
  type AddressSet,
  type Family,
  type ServiceEntry,
  type ServiceSet,
} from '../../ir/index.js';
import { normalize, type Range } from '../../ir/intervals.js';
import type { AclRule, Gate } from '../../analysis/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { tokenize, TokenStream, type Statement, type Token } from './read-syntax.js';

class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const fail = (span: Span, why: string): never => {
  throw new ReadError(error('PAL6004', span, 'nftables', why));
};
const unsupported = (span: Span, what: string): never => {
  throw new ReadError(error('PAL6005', span, 'nftables', what));
};

type TableFamily = 'inet' | 'ip' | 'ip6';

interface Chain {
  readonly name: string;
  hook?: 'input' | 'output' | 'prerouting';
  policy: Action;
  policySpan: Span;
  readonly rules: AclRule[];
}

interface Table {
  readonly family: TableFamily;
  readonly sets: Map<string, AddressSet>;
  readonly chains: Chain[];
}

const HEADER = /^# palisade: nftables ruleset for role (\S+) \(([^)]*)\)$/;

export function readNftables(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const gates: Gate[] = [];
  for (const file of files) {
    const source = new SourceFile(file.path, file.text);
    try {
      gates.push(...readFile(source, context));
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      diagnostics.push(e.diagnostic);
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { policy: { label: '', gates, opaqueRoles: [] }, diagnostics };
}

function readFile(source: SourceFile, context: ReadContext): Gate[] {
  const { tokens, comments } = tokenize(source);
  const role = roleOf(source, comments, context);
  const tables = new Map<string, Table>();
  const stream = new TokenStream(tokens);
  for (let s = stream.statement(); s; s = stream.statement()) {
    const w = s.tokens.map((t) => t.text);
    if (w[0] === 'flush' && w[1] === 'ruleset' && w.length === 2) {
      tables.clear();
    } else if ((w[0] === 'add' && w[1] === 'table') || (w[0] === 'table' && w[w.length - 1] !== '{')) {
      const [family, name] = tableId(s, w[0] === 'add' ? 2 : 1);
      if (!tables.has(`${family} ${name}`)) tables.set(`${family} ${name}`, { family, sets: new Map(), chains: [] });
    } else if (w[0] === 'delete' && w[1] === 'table') {
      const [family, name] = tableId(s, 2);
      tables.delete(`${family} ${name}`);
    } else if (w[0] === 'table' && w.length === 4 && w[3] === '{') {
      const [family, name] = tableId(s, 1);
      let table = tables.get(`${family} ${name}`);
      if (!table) tables.set(`${family} ${name}`, (table = { family, sets: new Map(), chains: [] }));
      readTable(stream, table, s);
    } else {
      fail(s.span, `expected a table, found ${JSON.stringify(w.join(' '))}`);
    }
  }
  const gates: Gate[] = [];
  for (const table of tables.values()) {
    for (const chain of table.chains) {
      if (!chain.hook) continue;
      const scoped = restrictFamily(role.addresses, table.family === 'ip' ? 4 : table.family === 'ip6' ? 6 : undefined);
      gates.push({
        name: `${source.name} ${chain.name}`,
        scope: { kind: chain.hook === 'output' ? 'source' : 'destination', addresses: scoped },
        rules: chain.rules,
        fallback: chain.policy,
        fallbackOrigin: {
          label: `${chain.name} policy ${chain.policy === 'allow' ? 'accept' : 'drop'}`,
          text: `chain ${chain.name} policy ${chain.policy === 'allow' ? 'accept' : 'drop'}`,
          span: chain.policySpan,
        },
      });
    }
  }
  return gates;
}

function tableId(s: Statement, at: number): [TableFamily, string] {
  const family = s.tokens[at]?.text;
  const name = s.tokens[at + 1]?.text;
  if (family !== 'inet' && family !== 'ip' && family !== 'ip6') {
    return unsupported(s.tokens[at]?.span ?? s.span, `table family ${JSON.stringify(family ?? '')}`);
  }
  if (!name) return fail(s.span, 'a table needs a name');
  return [family, name];
}

function roleOf(source: SourceFile, comments: readonly { text: string; span: Span }[], context: ReadContext): { name: string; addresses: AddressSet } {
  for (const c of comments) {
    const m = HEADER.exec(c.text);
    if (!m) continue;
    let addresses = emptySet;
    for (const cidr of m[2]!.split(',').map((x) => x.trim()).filter(Boolean)) {
      try {
        addresses = unionSets(addresses, setOfCidr(cidr));
      } catch {
        fail(c.span, `the header's address ${JSON.stringify(cidr)} is not a network`);
      }
    }
    return { name: m[1]!, addresses };
  }
  const name = path.basename(source.name).replace(/\.nft$/, '');
  const role = context.roles?.find((r) => r.name === name);
  if (role?.addresses) return { name, addresses: role.addresses };
  throw new ReadError(
    error(
      'PAL6006',
      source.span(0, 0),
      'nftables',
      `cannot tell which role's hosts ${JSON.stringify(source.name)} protects: it has no palisade header, and ${
        role ? `role ${JSON.stringify(name)} has no addresses` : `no role is named ${JSON.stringify(name)} in the ruleset it is compared with`
      }`,
    ),
  );
}

/** The range of an address or network, as BigInts. */
function cidrRange(cidr: string): { family: Family; lo: bigint; hi: bigint } {
  const { family, range } = parseCidr(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
  return { family, lo: range[0], hi: range[1] };
}

function setOfCidr(cidr: string): AddressSet {
  const { family, lo, hi } = cidrRange(cidr);
  return rangeSet(family, lo, hi);
}

function restrictFamily(set: AddressSet, family: Family | undefined): AddressSet {
  if (family === 4) return { v4: set.v4, v6: [], opaque: [] };
  if (family === 6) return { v4: [], v6: set.v6, opaque: [] };
  return set;
}

function readTable(stream: TokenStream, table: Table, opener: Statement): void {
  for (let s = stream.statement(); s; s = stream.statement()) {
    const w = s.tokens.map((t) => t.text);
    if (w[0] === 'set' && w.length === 3 && w[2] === '{') {
      table.sets.set(w[1]!, readSet(stream, s));
    } else if (w[0] === 'chain' && w.length === 3 && w[2] === '{') {
      table.chains.push(readChain(stream, table, s));
    } else {
      fail(s.span, `expected a set or a chain in table, found ${JSON.stringify(w.join(' '))}`);
    }
  }
  void opener;
}

function readSet(stream: TokenStream, opener: Statement): AddressSet {
  let family: Family | undefined;
  let elements = emptySet;
  for (let s = stream.statement(); s; s = stream.statement()) {
    const w = s.tokens.map((t) => t.text);
    if (w[0] === 'type') {
      if (w[1] === 'ipv4_addr') family = 4;
      else if (w[1] === 'ipv6_addr') family = 6;
      else unsupported(s.span, `a set of type ${JSON.stringify(w.slice(1).join(' '))}`);
    } else if (w[0] === 'elements' && w[1] === '=') {
      elements = addressValue(s.tokens.slice(2), s.span, undefined);
    } else if (!['flags', 'auto-merge', 'comment', 'size', 'counter'].includes(w[0] ?? '')) {
      unsupported(s.span, `set property ${JSON.stringify(w[0])}`);
    }
  }
  if (family === undefined) return fail(opener.span, 'a set needs a type');
  return restrictFamily(elements, family);
}

function readChain(stream: TokenStream, table: Table, opener: Statement): Chain {
  const chain: Chain = { name: opener.tokens[1]!.text, policy: 'allow', policySpan: opener.span, rules: [] };
  for (let s = stream.statement(); s; s = stream.statement()) {
    const w = s.tokens.map((t) => t.text);
    if (w[0] === 'type') {
      const hook = w[w.indexOf('hook') + 1];
      if (w[1] !== 'filter') unsupported(s.span, `a chain of type ${JSON.stringify(w[1])}`);
      // A filter chain on prerouting (Talos's) judges the packets to the host like input does.
      if (hook !== 'input' && hook !== 'output' && hook !== 'prerouting') unsupported(s.span, `a chain on the ${JSON.stringify(hook)} hook`);
      chain.hook = hook as 'input' | 'output' | 'prerouting';
      chain.policySpan = s.span;
    } else if (w[0] === 'policy') {
      if (w[1] !== 'accept' && w[1] !== 'drop') fail(s.span, `unknown policy ${JSON.stringify(w[1])}`);
      chain.policy = w[1] === 'accept' ? 'allow' : 'deny';
      chain.policySpan = s.span;
    } else {
      const rule = readRule(s, table);
      if (rule) chain.rules.push(rule);
    }
  }
  return chain;
}

// ------------------------------------------------------------------ values

/** Addresses: a word, `@set`, or `{ a, b-c, d/n }`. */
function addressValue(tokens: readonly Token[], span: Span, table: Table | undefined, family?: Family): AddressSet {
  const first = tokens[0];
  if (!first) return fail(span, 'expected an address');
  if (first.text.startsWith('@')) {
    const set = table?.sets.get(first.text.slice(1));
    if (!set) return fail(first.span, `unknown set ${JSON.stringify(first.text)}`);
    return set;
  }
  let out = emptySet;
  for (const t of elementsOf(tokens, span)) {
    const [a, b] = splitRange(t.text);
    try {
      if (b === undefined) out = unionSets(out, setOfCidr(a));
      else {
        const lo = cidrRange(a);
        const hi = cidrRange(b);
        if (lo.family !== hi.family) throw new Error('mixed families');
        out = unionSets(out, rangeSet(lo.family, lo.lo, hi.hi));
      }
    } catch {
      fail(t.span, `${JSON.stringify(t.text)} is not an address, network or range`);
    }
  }
  if (family !== undefined && (family === 4 ? out.v6.length : out.v4.length) > 0) fail(span, `an IPv${family === 4 ? 6 : 4} address in an IPv${family} match`);
  return out;
}

function splitRange(text: string): [string, string | undefined] {
  const i = text.indexOf('-');
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** The element tokens of a value: one word, or the words of `{ a, b }`. */
function elementsOf(tokens: readonly Token[], span: Span): Token[] {
  if (tokens[0]?.text !== '{') return tokens.length > 0 ? [tokens[0]!] : [];
  const out: Token[] = [];
  for (const t of tokens.slice(1)) {
    if (t.text === '}') return out;
    if (t.text !== ',') out.push(t);
  }
  return fail(span, 'a set is not closed with "}"');
}

/** How many tokens a value takes: one word, or a `{ ... }` group. */
function valueLength(tokens: readonly Token[], at: number): number {
  if (tokens[at]?.text !== '{') return 1;
  let i = at;
  while (i < tokens.length && tokens[i]!.text !== '}') i++;
  return i - at + 1;
}

function numbers(tokens: readonly Token[], span: Span, max: number, names?: Readonly<Record<string, number>>): Range<number>[] {
  const out: Range<number>[] = [];
  for (const t of elementsOf(tokens, span)) {
    // A name may itself hold a hyphen (`echo-request`, `nd-router-solicit`): it is not a range.
    if (names !== undefined && Object.hasOwn(names, t.text)) {
      out.push([names[t.text]!, names[t.text]!]);
      continue;
    }
    const [a, b] = splitRange(t.text);
    const n = (x: string): number => {
      if (/^\d+$/.test(x) && Number(x) <= max) return Number(x);
      if (names !== undefined && Object.hasOwn(names, x)) return names[x]!;
      return fail(t.span, `${JSON.stringify(x)} is not a number 0-${max}${names ? ' or a known name' : ''}`);
    };
    const lo = n(a);
    const hi = b === undefined ? lo : n(b);
    if (hi < lo) fail(t.span, `range ${t.text} is reversed`);
    out.push([lo, hi]);
  }
  return [...normalize(out)];
}

const TALOS_TRUSTED = new Set(['lo', 'siderolink', 'kubespan']);

const L4_NAMES: Readonly<Record<string, number>> = { ...protocolNumbers, 'ipv6-icmp': 58 };
const FULL: Record<Family, AddressSet> = {
  4: { v4: [[0, V4_MAX]], v6: [], opaque: [] },
  6: { v4: [], v6: [[0n, V6_MAX]], opaque: [] },
};

// ------------------------------------------------------------------ statements

/** One statement as a first-match rule, or undefined when it concerns no packet of the model. */
function readRule(s: Statement, table: Table): AclRule | undefined {
  const t = s.tokens;
  let family: Family | undefined = table.family === 'ip' ? 4 : table.family === 'ip6' ? 6 : undefined;
  let src: AddressSet = universe([]);
  let dst: AddressSet = universe([]);
  let protocols: number[] | undefined;
  let ports: Range<number>[] | undefined;
  let action: Action | undefined;
  let comment: string | undefined;
  let hoplimit255 = false;
  let limited: Span | undefined;
  const setFamily = (f: Family, span: Span): void => {
    if (family !== undefined && family !== f) fail(span, `IPv${family} and IPv${f} matches in one statement never meet`);
    family = f;
  };
  const setProtocols = (ps: number[], span: Span): void => {
    const kept = protocols === undefined ? ps : protocols.filter((p) => ps.includes(p));
    if (kept.length === 0) fail(span, 'these protocol matches never meet');
    protocols = kept;
  };
  let i = 0;
  while (i < t.length) {
    const w = t[i]!.text;
    const at = t[i]!.span;
    const next = t[i + 1]?.text;
    if ((w === 'ip' || w === 'ip6') && (next === 'saddr' || next === 'daddr')) {
      const f: Family = w === 'ip' ? 4 : 6;
      setFamily(f, at);
      let j = i + 2;
      const negate = t[j]?.text === '!=';
      if (t[j]?.text === '!=' || t[j]?.text === '==') j++;
      const len = valueLength(t, j);
      let set = addressValue(t.slice(j, j + len), at, table, f);
      if (negate) set = subtractSets(FULL[f], set);
      if (next === 'saddr') src = intersectSets(src, set);
      else dst = intersectSets(dst, set);
      i = j + len;
    } else if (w === 'ip6' && next === 'hoplimit') {
      if (t[i + 2]?.text !== '255') unsupported(at, 'a hop limit other than 255');
      hoplimit255 = true;
      setFamily(6, at);
      i += 3;
    } else if (w === 'meta' && next === 'nfproto') {
      const v = t[i + 2]?.text;
      if (v !== 'ipv4' && v !== 'ipv6') fail(at, `unknown nfproto ${JSON.stringify(v)}`);
      setFamily(v === 'ipv4' ? 4 : 6, at);
      i += 3;
    } else if (w === 'meta' && next === 'l4proto') {
      const len = valueLength(t, i + 2);
      setProtocols(
        numbers(t.slice(i + 2, i + 2 + len), at, 255, L4_NAMES).flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, k) => lo + k)),
        at,
      );
      i += 2 + len;
    } else if ((w === 'tcp' || w === 'udp' || w === 'sctp') && next === 'dport') {
      setProtocols([protocolNumbers[w]], at);
      let j = i + 2;
      const negate = t[j]?.text === '!=';
      if (t[j]?.text === '!=' || t[j]?.text === '==') j++;
      const len = valueLength(t, j);
      let p = numbers(t.slice(j, j + len), at, 65535);
      if (negate) p = complement(p, 1, 65535);
      ports = ports === undefined ? p : intersectRanges(ports, p);
      i = j + len;
    } else if ((w === 'icmp' || w === 'icmpv6') && next === 'type') {
      const protocol = w === 'icmp' ? 1 : 58;
      setProtocols([protocol], at);
      const len = valueLength(t, i + 2);
      const types = numbers(t.slice(i + 2, i + 2 + len), at, 255, icmpTypeTable(protocol));
      ports = ports === undefined ? types : intersectRanges(ports, types);
      i += 2 + len;
    } else if (w === 'ct' && next === 'state') {
      const len = valueLength(t, i + 2);
      const states = t.slice(i + 2, i + 2 + len).flatMap((x) => x.text.split(',')).filter((x) => x && x !== '{' && x !== '}');
      // Only packets that open a connection are in the model; a match without `new` concerns others.
      if (!states.includes('new')) return undefined;
      i += 2 + len;
    } else if (['iif', 'oif', 'iifname', 'oifname'].includes(w) || (w === 'meta' && ['iif', 'oif', 'iifname', 'oifname'].includes(next ?? ''))) {
      const j = w === 'meta' ? i + 2 : i + 1;
      if (t[j]?.text === 'lo') return undefined; // the host talking to itself
      // Talos's own interfaces (loopback and its SideroLink and KubeSpan tunnels), always trusted.
      const names = elementsOf(t.slice(j, j + valueLength(t, j)), at).map((x) => x.text);
      if (names.length > 0 && names.every((n) => TALOS_TRUSTED.has(n))) return undefined;
      return unsupported(at, `an interface match (${t[j]?.text ?? ''})`);
    } else if (w === 'limit' && next === 'rate') {
      // A rate-limited ICMP accept (Talos's flood limit) is read as an accept: the packets
      // within the rate get through. Any other rate limit is an error (below).
      limited = at;
      i += 3;
      if (t[i]?.text === 'burst') i += 3;
    } else if (w === 'counter') {
      i += t[i + 1]?.text === 'packets' ? 5 : 1;
    } else if (w === 'log') {
      i++;
      while (['prefix', 'level', 'group', 'flags'].includes(t[i]?.text ?? '')) i += 2;
    } else if (w === 'comment') {
      comment = t[i + 1]?.text;
      i += 2;
    } else if (w === 'accept' || w === 'drop' || w === 'reject') {
      action = w === 'accept' ? 'allow' : 'deny';
      i += 1;
      if (w === 'reject' && t[i]?.text === 'with') i = t.length;
    } else {
      return unsupported(at, `${JSON.stringify([w, next].filter(Boolean).join(' '))}`);
    }
  }
  if (action === undefined) return undefined; // a statement without a verdict decides nothing
  if (limited) {
    const icmpOnly = protocols?.length === 1 && (protocols[0] === 1 || protocols[0] === 58);
    if (action !== 'allow' || !icmpOnly) return unsupported(limited, 'a rate limit (other than on an ICMP accept)');
  }
  if (hoplimit255) {
    // palisade's neighbour-discovery accept, documented as outside the model.
    const nd = protocols?.length === 1 && protocols[0] === 58 && ports !== undefined && ports.every(([lo, hi]) => lo >= 133 && hi <= 136);
    if (nd && action === 'allow') return undefined;
    return unsupported(s.span, 'a hop-limit match other than neighbour discovery');
  }
  if (family !== undefined) {
    src = intersectSets(src, FULL[family]);
    dst = intersectSets(dst, FULL[family]);
  }
  if (ports !== undefined && protocols === undefined) fail(s.span, 'ports without a protocol');
  const services: ServiceSet =
    protocols === undefined
      ? { any: true, entries: [] }
      : {
          any: false,
          entries: [...protocols].sort((a, b) => a - b).map((protocol): ServiceEntry => (ports === undefined ? { protocol } : { protocol, ports })),
        };
  const text = s.span.source.text.slice(s.span.start, s.span.end);
  return {
    action,
    source: src,
    destination: dst,
    services,
    origin: { label: comment ?? `${s.span.source.name}:${s.span.line}`, text, span: s.span },
  };
}

function complement(rs: readonly Range<number>[], min: number, max: number): Range<number>[] {
  const out: Range<number>[] = [];
  let next = min;
  for (const [lo, hi] of rs) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= max) out.push([next, max]);
  return out;
}

function intersectRanges(a: readonly Range<number>[], b: readonly Range<number>[]): Range<number>[] {
  const out: Range<number>[] = [];
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) if (Math.max(alo, blo) <= Math.min(ahi, bhi)) out.push([Math.max(alo, blo), Math.min(ahi, bhi)]);
  return [...normalize(out)];
}

