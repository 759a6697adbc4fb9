/**
 * Parses switch ACL text (IOS/IOS-XE, EOS, NX-OS, and Capirca's cisco/arista/cisconx output)
 * into the ACL model: `ip access-list [extended] NAME` / `ipv6 access-list NAME` blocks with
 * numbered or unnumbered entries and remarks, `no ... access-list NAME`, and interface
 * bindings. Anything that changes which packets match and the model lacks (discontiguous
 * wildcards, ICMP codes, fragments, dscp, ttl, object groups) is a positioned error.
 */
import { error, type Diagnostic, type SourceFile, type Span } from '../../diagnostics/index.js';
import { formatAddress, parseAddress, type Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { icmpWords, icmpv6Words, portWords, protocolWords, type DialectId } from './dialect.js';
import { ANY, ICMP, ICMPV6, TCP, UDP, type AclAddress, type AclEntry, type AclLine } from './model.js';

export class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export interface Word {
  readonly text: string;
  readonly span: Span;
}

export interface ParsedAcl {
  readonly name: string;
  readonly family: Family;
  readonly lines: AclLine[];
  readonly span: Span;
}

export interface Binding {
  readonly iface: string;
  readonly family: Family;
  readonly acl: string;
  readonly direction: 'in' | 'out';
  readonly span: Span;
}

/** A word of a line; its span is made only when a diagnostic needs it (most words never do). */
class LineWord implements Word {
  constructor(
    readonly text: string,
    readonly source: SourceFile,
    readonly start: number,
  ) {}

  get span(): Span {
    return this.source.span(this.start, this.start + this.text.length);
  }
}

export class Reader {
  /** Prefixes and wildcard masks already parsed: an ACL repeats a few addresses many times. */
  readonly #prefixes = new Map<string, AclAddress>();
  readonly #wildcards = new Map<string, number>();

  constructor(
    readonly source: SourceFile,
    readonly target: DialectId,
  ) {}

  fail(span: Span, why: string): never {
    throw new ReadError(error('PAL6004', span, this.target, why));
  }
  unsupported(span: Span, what: string): never {
    throw new ReadError(error('PAL6005', span, this.target, what));
  }

  /** The words of one line, each with its span. */
  words(lineStart: number, line: string): Word[] {
    const out: Word[] = [];
    for (const m of line.matchAll(/\S+/g)) out.push(new LineWord(m[0], this.source, lineStart + m.index));
    return out;
  }

  address(w: Word[], at: { i: number }, family: Family): AclAddress {
    const first = w[at.i++] ?? this.fail(w[w.length - 1]!.span, 'expected an address');
    const t = first.text;
    if (t === 'any' || (family === 4 && t === 'any4') || (family === 6 && t === 'any6')) return ANY;
    if (t === 'host') return this.prefix(w[at.i++] ?? this.fail(first.span, 'expected an address after host'), family, family === 4 ? 32 : 128);
    if (t.includes('/')) {
      const [addr, len] = t.split('/');
      return this.prefix({ text: addr!, span: first.span }, family, Number(len), first.span);
    }
    if (t === 'addrgroup' || t === 'object-group' || t === 'net-group') this.unsupported(first.span, 'an object group');
    if (family === 4) {
      const mask = w[at.i++] ?? this.fail(first.span, 'expected a wildcard mask');
      return this.prefix(first, 4, this.wildcardLength(mask));
    }
    return this.fail(first.span, `expected an address, found ${JSON.stringify(t)}`);
  }

  /** The prefix length of a contiguous wildcard mask (`0.0.0.255` is 24). */
  wildcardLength(mask: Word): number {
    const known = this.#wildcards.get(mask.text);
    if (known !== undefined) return known;
    const m = parseAddress(mask.text);
    if (!m || m.family !== 4) this.fail(mask.span, `expected a wildcard mask, found ${JSON.stringify(mask.text)}`);
    const inverted = m.value;
    // A contiguous wildcard is 2^k - 1.
    if ((inverted & (inverted + 1n)) !== 0n) this.unsupported(mask.span, `the discontiguous wildcard ${mask.text}`);
    const length = 32 - inverted.toString(2).replace(/^0$/, '').length;
    this.#wildcards.set(mask.text, length);
    return length;
  }

  prefix(w: Word, family: Family, length: number, span = w.span): AclAddress {
    const key = `${family} ${w.text} ${length}`;
    const known = this.#prefixes.get(key);
    if (known) return known;
    const parsed = this.#parsePrefix(w, family, length, span);
    this.#prefixes.set(key, parsed);
    return parsed;
  }

  #parsePrefix(w: Word, family: Family, length: number, span: Span): AclAddress {
    const a = parseAddress(w.text);
    const bits = family === 4 ? 32 : 128;
    if (!a || a.family !== family || !Number.isInteger(length) || length < 0 || length > bits) this.fail(span, `expected an IPv${family} address, found ${JSON.stringify(w.text)}`);
    const size = 1n << BigInt(bits - length);
    const base = (a.value / size) * size;
    if (length === 0) return ANY;
    return { kind: 'prefix', cidr: `${formatAddress(family, base)}/${length}` };
  }

  port(w: Word | undefined, protocol: number, near: Span): number {
    if (!w) return this.fail(near, 'expected a port');
    if (/^\d+$/.test(w.text) && Number(w.text) <= 65535) return Number(w.text);
    const named = portWords[w.text];
    if (named !== undefined && (protocol === TCP || protocol === UDP)) return named;
    return this.fail(w.span, `unknown port ${JSON.stringify(w.text)}`);
  }

  /** A port match: eq P..., neq P, gt P, lt P, range A B; undefined when there is none. */
  ports(w: Word[], at: { i: number }, protocol: number): Range<number>[] | undefined {
    const op = w[at.i];
    if (!op || !['eq', 'neq', 'gt', 'lt', 'range'].includes(op.text)) return undefined;
    at.i++;
    const next = (): number => this.port(w[at.i++], protocol, op.span);
    switch (op.text) {
      case 'range': {
        const lo = next();
        const hi = next();
        if (lo > hi) this.fail(op.span, `range ${lo} ${hi} is empty`);
        return [[lo, hi]];
      }
      case 'gt': {
        const p = next();
        return p >= 65535 ? this.fail(op.span, 'gt 65535 matches nothing') : [[p + 1, 65535]];
      }
      case 'lt': {
        const p = next();
        return p <= 0 ? this.fail(op.span, 'lt 0 matches nothing') : [[0, p - 1]];
      }
      case 'neq': {
        const p = next();
        return [...(p > 0 ? [[0, p - 1] as const] : []), ...(p < 65535 ? [[p + 1, 65535] as const] : [])];
      }
      default: {
        const list = [next()];
        while (w[at.i] && (/^\d+$/.test(w[at.i]!.text) || portWords[w[at.i]!.text] !== undefined) && !isAddressStart(w[at.i]!.text)) list.push(next());
        return list.map((p) => [p, p] as const);
      }
    }
  }

  protocol(w: Word, family: Family): number | undefined {
    const t = w.text;
    if (t === 'ip' || t === 'ipv6') return undefined;
    if (t === 'icmp') return family === 4 ? ICMP : ICMPV6;
    if (t === 'icmpv6' && family === 6) return ICMPV6;
    if (t === 'ah') return 51;
    const n = protocolWords[t] ?? (/^\d+$/.test(t) && Number(t) <= 255 ? Number(t) : undefined);
    if (n === undefined) return this.unsupported(w.span, `the protocol ${JSON.stringify(t)}`);
    return n;
  }

  /** One `permit|deny ...` entry; several when a port list (eq A B C) expands. */
  entry(w: Word[], family: Family): AclEntry[] {
    const at = { i: 1 };
    const action = w[0]!.text === 'permit' ? 'allow' : 'deny';
    const protoWord = w[at.i++] ?? this.fail(w[0]!.span, 'expected a protocol');
    const protocol = this.protocol(protoWord, family);
    const hasPorts = protocol === TCP || protocol === UDP;
    const source = this.address(w, at, family);
    const sourcePorts = hasPorts ? this.ports(w, at, protocol) : undefined;
    const destination = this.address(w, at, family);
    const destinationPorts = hasPorts ? this.ports(w, at, protocol) : undefined;
    let icmpType: number | undefined;
    let established = false;
    if ((protocol === ICMP || protocol === ICMPV6) && w[at.i] && !['log', 'log-input'].includes(w[at.i]!.text)) {
      const t = w[at.i++]!;
      const table = protocol === ICMP ? icmpWords : { ...icmpv6Words, 'nd-ns': 135, 'nd-na': 136 };
      icmpType = table[t.text] ?? (/^\d+$/.test(t.text) && Number(t.text) <= 255 ? Number(t.text) : this.unsupported(t.span, `the ICMP match ${JSON.stringify(t.text)}`));
      if (w[at.i] && /^\d+$/.test(w[at.i]!.text)) this.unsupported(w[at.i]!.span, 'an ICMP code');
    }
    for (; at.i < w.length; at.i++) {
      const t = w[at.i]!;
      if (t.text === 'established' && protocol === TCP) established = true;
      else if (t.text === 'log' || t.text === 'log-input') continue;
      else this.unsupported(t.span, `the match ${JSON.stringify(t.text)}`);
    }
    if (action === 'deny' && sourcePorts !== undefined) this.unsupported(w[0]!.span, 'a deny with a source port (packets are modelled without one)');
    const base = { kind: 'entry' as const, action, protocol, source, destination, ...(icmpType !== undefined ? { icmpType } : {}), ...(established ? { established } : {}) } as const;
    const out: AclEntry[] = [];
    for (const sp of sourcePorts ?? [undefined]) {
      for (const dp of destinationPorts ?? [undefined]) {
        out.push({ ...base, ...(sp ? { sourcePorts: sp } : {}), ...(dp ? { destinationPorts: dp } : {}) });
      }
    }
    return out;
  }
}

function isAddressStart(t: string): boolean {
  return t === 'any' || t === 'host' || t.includes('.') || t.includes(':') || t.includes('/');
}
