/**
 * Prints ACL models in one dialect: the ACL definitions (numbered entries, remarks, counters,
 * the final deny), then the deployment stanza that binds the new, versioned ACL to each SVI in
 * both directions (one command per direction swaps it atomically, with no permit-all or
 * drop-all window) and removes the previous version. Every word comes from a typed value; user
 * text only appears in remarks and comments, which are single-line by construction.
 */
import { parseCidr, formatAddress, type Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { icmpWords, icmpv6Words, protocolWords, wordFor, type Dialect } from './dialect.js';
import { ICMP, ICMPV6, type Acl, type AclAddress, type AclEntry } from './model.js';

export interface Deployment {
  readonly interfaces: readonly string[];
  /** The names of the ACLs this version replaces (removed after the swap). */
  readonly previous: Readonly<Partial<Record<Family, string>>>;
}

export function address(a: AclAddress, family: Family, dialect: Dialect): string {
  if (a.kind === 'any') return 'any';
  const { range } = parseCidr(a.cidr);
  const bits = family === 4 ? 32n : 128n;
  const length = Number(a.cidr.slice(a.cidr.indexOf('/') + 1));
  if (BigInt(length) === bits) return `host ${formatAddress(family, range[0])}`;
  if (!dialect.wildcard[family]) return a.cidr;
  const wildcard = range[1] - range[0];
  return `${formatAddress(family, range[0])} ${formatAddress(family, wildcard)}`;
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

export function entryWords(e: AclEntry, family: Family, dialect: Dialect, addressOf = addressWords(family, dialect)): string[] {
  const words = [e.action === 'allow' ? 'permit' : 'deny', protocol(e.protocol, family, dialect)];
  words.push(addressOf(e.source), ...ports(e.sourcePorts));
  words.push(addressOf(e.destination), ...ports(e.destinationPorts));
  if (e.icmpType !== undefined) words.push(wordFor(family === 4 ? icmpWords : icmpv6Words, e.icmpType) ?? String(e.icmpType));
  if (e.established) words.push('established');
  return words;
}

export function printAcl(acl: Acl, dialect: Dialect): string[] {
  const out: string[] = [];
  printAclInto(out, acl, dialect);
  return out;
}

/**
 * Appends an ACL's lines to `out` (one push per line: ACLs run to millions of lines), calling
 * `flush` whenever `out` holds a block of lines.
 */
function printAclInto(out: string[], acl: Acl, dialect: Dialect, flush = (): void => {}): void {
  out.push(`${dialect.header[acl.family]} ${acl.name}`);
  const pad = dialect.indent;
  if (dialect.counters) out.push(`${pad}${dialect.counters}`);
  const addresses = addressWords(acl.family, dialect);
  const sequence = `${pad}${dialect.sequenceWord[acl.family]}`;
  let seq = 0;
  for (const line of acl.lines) {
    if (line.kind === 'remark') {
      if (dialect.numberedRemarks) out.push(`${pad}${(seq += 10)} remark ${line.text}`);
      else out.push(`${pad}remark ${line.text}`);
    } else {
      out.push(`${sequence}${(seq += 10)} ${entryWords(line, acl.family, dialect, addresses).join(' ')}`);
    }
    if (out.length >= BLOCK) flush();
  }
  out.push('exit');
}

/** Lines per block: an ACL's lines are joined block by block, so no line outlives its block. */
const BLOCK = 4096;

export function printConfig(header: readonly string[], acls: readonly Acl[], dialect: Dialect, deploy: Deployment): string {
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
  return `${blocks.filter((b) => b !== '').join('\n')}\n`;
}
