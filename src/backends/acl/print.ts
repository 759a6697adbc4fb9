/**
 * Prints ACL models in one dialect: the ACL definitions (numbered entries, remarks, counters,
 * the final deny), then the deployment stanza that binds the new, versioned ACL to each SVI in
 * both directions (one command per direction swaps it atomically, with no permit-all or
 * drop-all window) and removes the previous version. Every word comes from a typed value; user
 * text only appears in remarks and comments, which are single-line by construction.
 */
import { formatAddress, type Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { icmpWords, icmpv6Words, protocolWords, wordFor, type Dialect } from './dialect.js';
import { ICMP, ICMPV6, type AclAddress, type AclEntryGroup, type AclMatch, type AclPlan } from './model.js';

export interface Deployment {
  readonly interfaces: readonly string[];
  /** The names of the ACLs this version replaces (removed after the swap). */
  readonly previous: Readonly<Partial<Record<Family, string>>>;
}

/**
 * An address's words. Lowering writes canonical CIDRs (toCidrs: the network address as
 * formatAddress prints it), so the words come from the text and the prefix length alone.
 */
export function address(a: AclAddress, family: Family, dialect: Dialect): string {
  if (a.kind === 'any') return 'any';
  const slash = a.cidr.indexOf('/');
  const network = a.cidr.slice(0, slash);
  const hostBits = (family === 4 ? 32 : 128) - Number(a.cidr.slice(slash + 1));
  if (hostBits === 0) return `host ${network}`;
  if (!dialect.wildcard[family]) return a.cidr;
  return `${network} ${formatAddress(family, family === 4 ? 2 ** hostBits - 1 : (1n << BigInt(hostBits)) - 1n)}`;
}

export function ports(r: Range<number> | undefined): string[] {
  if (r === undefined) return [];
  return r[0] === r[1] ? ['eq', String(r[0])] : ['range', String(r[0]), String(r[1])];
}

function protocol(p: number | undefined, family: Family, dialect: Dialect): string {
  if (p === undefined) return family === 4 ? 'ip' : 'ipv6';
  if (p === ICMPV6 && family === 6) return dialect.icmpv6;
  if (p === ICMP && family === 6) return String(p);
  if (dialect.id === 'arista' && (p === 50 || p === 51)) return String(p);
  if (family === 6 && p === 47) return String(p);
  return wordFor(protocolWords, p) ?? String(p);
}

type AddressWords = (a: AclAddress) => string;

/** An address's words, printed once per distinct CIDR of an ACL (entries repeat prefixes). */
function addressWords(family: Family, dialect: Dialect): AddressWords {
  const known = new Map<string, string>();
  return (a) => {
    if (a.kind === 'any') return 'any';
    let text = known.get(a.cidr);
    if (text === undefined) known.set(a.cidr, (text = address(a, family, dialect)));
    return text;
  };
}

/** A match's words around the addresses: `permit tcp`, the source ports, and what follows the destination. */
interface MatchWords {
  readonly head: string;
  readonly sourcePorts: string;
  readonly tail: string;
}

/** Each word preceded by a space. */
const spaced = (words: readonly string[]): string => words.map((w) => ` ${w}`).join('');

function matchWords(action: AclEntryGroup['action'], m: AclMatch, family: Family, dialect: Dialect): MatchWords {
  const tail = [...ports(m.destinationPorts)];
  if (m.icmpType !== undefined) tail.push(wordFor(family === 4 ? icmpWords : icmpv6Words, m.icmpType) ?? String(m.icmpType));
  if (m.established) tail.push('established');
  return {
    head: `${action === 'allow' ? 'permit' : 'deny'} ${protocol(m.protocol, family, dialect)}`,
    sourcePorts: spaced(ports(m.sourcePorts)),
    tail: spaced(tail),
  };
}

/**
 * Appends an ACL's lines to `out` (one push per line: ACLs run to millions of lines), calling
 * `flush` whenever `out` holds a block of lines. Each group's match words and each address's
 * words are made once; an entry line is one template of them.
 */
function printAclInto(out: string[], acl: AclPlan, dialect: Dialect, flush = (): void => {}): void {
  out.push(`${dialect.header[acl.family]} ${acl.name}`);
  const pad = dialect.indent;
  if (dialect.counters) out.push(`${pad}${dialect.counters}`);
  const addressOf = addressWords(acl.family, dialect);
  const sequence = `${pad}${dialect.sequenceWord[acl.family]}`;
  let seq = 0;
  for (const block of acl.blocks) {
    if (!block.groups.some((g) => g.sources.length * g.destinations.length * g.matches.length > 0)) continue;
    for (const text of block.remarks) {
      if (dialect.numberedRemarks) out.push(`${pad}${(seq += 10)} remark ${text}`);
      else out.push(`${pad}remark ${text}`);
    }
    for (const group of block.groups) {
      const ms = group.matches.map((m) => matchWords(group.action, m, acl.family, dialect));
      const destinations = group.destinations.map(addressOf);
      for (const source of group.sources) {
        const s = addressOf(source);
        for (const d of destinations) {
          for (const m of ms) out.push(`${sequence}${(seq += 10)} ${m.head} ${s}${m.sourcePorts} ${d}${m.tail}`);
        }
        if (out.length >= BLOCK) flush();
      }
    }
  }
  out.push('exit');
}

/** Lines per block: an ACL's lines are joined block by block, so no line outlives its block. */
const BLOCK = 4096;

export function printConfig(header: readonly string[], acls: readonly AclPlan[], dialect: Dialect, deploy: Deployment): string {
  const c = dialect.comment;
  const blocks: string[] = [];
  const out = header.map((h) => `${c} ${h}`);
  for (const acl of acls) {
    out.push(c);
    printAclInto(out, acl, dialect, () => {
      blocks.push(out.join('\n'));
      out.length = 0;
    });
  }
  if (deploy.interfaces.length > 0) {
    out.push(c, `${c} deployment: bind the new version on each SVI (one command per direction swaps it)`);
    for (const name of deploy.interfaces) {
      out.push(`interface ${name}`);
      for (const acl of acls) {
        for (const dir of ['in', 'out']) out.push(`${dialect.indent}${dialect.bind[acl.family]} ${acl.name} ${dir}`);
      }
      out.push('exit');
    }
  }
  const old = acls.filter((a) => deploy.previous[a.family] !== undefined);
  if (old.length > 0) {
    out.push(c, `${c} the previous version, no longer bound anywhere`);
    for (const acl of old) out.push(`no ${dialect.header[acl.family]} ${deploy.previous[acl.family]!}`);
  }
  blocks.push(out.join('\n'));
  // The final newline joined in as an empty last block: appending it would copy the whole text.
  return [...blocks.filter((b) => b !== ''), ''].join('\n');
}
