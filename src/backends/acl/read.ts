/**
 * `cisco:PATH`, `arista:PATH`, `nxos:PATH` for `palisade diff`: reads ACL configuration text
 * (palisade's own output or Capirca's) back into a policy.
 *
 * Which ACL applies: the one bound by an `interface` stanza in the files, else the only ACL of
 * each family. The model (docs/targets/cisco.md, "Reading back"): the ACL is a network gate over
 * packets that touch a role (from the ruleset it is compared with; every packet without one).
 * A family without an ACL is unfiltered. Packets are the ones that open connections: a TCP
 * `established` entry never matches them; a permit with a source port matches when some source
 * port would (so stateless UDP reply entries show up as the extra packets they really admit); a
 * deny with a source port cannot be modelled exactly and is an error.
 */
import { error, SourceFile, type Diagnostic } from '../../diagnostics/index.js';
import type { Family } from '../../ir/index.js';
import type { Policy } from '../../analysis/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import type { DialectId } from './dialect.js';
import type { Acl } from './model.js';
import { Reader, ReadError, type Binding, type ParsedAcl } from './read-syntax.js';
import { aclPolicy } from './semantics.js';

const HEADER = /^(no\s+)?(ip|ipv6)\s+access-list\s+(?:(extended|standard)\s+)?(\S+)\s*$/;
const SKIP = /^(end|configure terminal|conf t|exit|counters per-entry|statistics per-entry)$/;

function readFile(reader: Reader, acls: Map<string, ParsedAcl>, bindings: Binding[]): void {
  const text = reader.source.text;
  let current: ParsedAcl | undefined;
  let iface: string | undefined;
  // Line by line without splitting the whole text first (a 100k-rule ACL has millions of lines).
  for (let start = 0, end = 0; start <= text.length; start = end + 1) {
    end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('!') || trimmed.startsWith('#')) continue;
    const w = reader.words(start, line);
    const h = HEADER.exec(trimmed);
    if (h) {
      current = undefined;
      iface = undefined;
      const family: Family = h[2] === 'ip' ? 4 : 6;
      if (h[3] === 'standard') reader.unsupported(w[0]!.span, 'a standard ACL');
      const key = `${family} ${h[4]}`;
      if (h[1]) acls.delete(key);
      else {
        current = { name: h[4]!, family, lines: [], span: w[0]!.span };
        acls.set(key, current);
      }
      continue;
    }
    if (/^interface\s+\S+$/.test(trimmed)) {
      current = undefined;
      iface = w[1]!.text;
      continue;
    }
    if (SKIP.test(trimmed)) {
      if (trimmed === 'exit') current = iface = undefined;
      continue;
    }
    if (iface !== undefined) {
      const b = /^(ip access-group|ipv6 access-group|ipv6 traffic-filter)\s+(\S+)\s+(in|out)$/.exec(trimmed);
      if (!b) reader.unsupported(w[0]!.span, `the interface command ${JSON.stringify(trimmed)}`);
      bindings.push({ iface, family: b[1]!.startsWith('ipv6') ? 6 : 4, acl: b[2]!, direction: b[3] as 'in' | 'out', span: w[0]!.span });
      continue;
    }
    if (!current) reader.fail(w[0]!.span, `expected an access list, found ${JSON.stringify(trimmed)}`);
    let i = 0;
    if (w[i]!.text === 'sequence') i++;
    if (/^\d+$/.test(w[i]!.text)) i++;
    const body = w.slice(i);
    if (body.length === 0) reader.fail(w[0]!.span, 'expected an entry after the sequence number');
    const verb = body[0]!.text;
    if (verb === 'remark') current.lines.push({ kind: 'remark', text: trimmed.slice(trimmed.indexOf('remark') + 7) });
    else if (verb === 'permit' || verb === 'deny') current.lines.push(...reader.entry(body, current.family));
    else reader.unsupported(body[0]!.span, `the ACL line ${JSON.stringify(trimmed)}`);
  }
}

export interface ReadAcls {
  readonly acls?: readonly Acl[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The ACL in force for each family. */
export function parseAcls(files: readonly ArtifactFile[], id: DialectId): ReadAcls {
  const acls = new Map<string, ParsedAcl>();
  const bindings: Binding[] = [];
  const diagnostics: Diagnostic[] = [];
  let last: Reader | undefined;
  for (const file of files) {
    if (file.path.endsWith('.json')) continue; // cost.json: a report, not configuration
    const reader = (last = new Reader(new SourceFile(file.path, file.text), id));
    try {
      readFile(reader, acls, bindings);
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      diagnostics.push(e.diagnostic);
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  const chosen: Acl[] = [];
  try {
    for (const family of [4, 6] as const) {
      const bound = [...new Set(bindings.filter((b) => b.family === family).map((b) => b.acl))];
      const all = [...acls.values()].filter((a) => a.family === family);
      if (bound.length > 1) last!.fail(bindings.find((b) => b.family === family && b.acl === bound[1])!.span, `interfaces bind different IPv${family} ACLs (${bound.join(', ')})`);
      if (bound.length === 1) {
        const acl = acls.get(`${family} ${bound[0]}`);
        if (!acl) last!.fail(bindings.find((b) => b.family === family)!.span, `the bound ACL ${bound[0]} is not defined`);
        chosen.push(acl!);
      } else if (all.length > 1) {
        last!.fail(all[1]!.span, `several IPv${family} ACLs (${all.map((a) => a.name).join(', ')}) and no interface binding says which applies`);
      } else if (all.length === 1) chosen.push(all[0]!);
    }
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    return { diagnostics: [e.diagnostic] };
  }
  if (chosen.length === 0) {
    const source = last?.source ?? new SourceFile('<none>', '');
    return { diagnostics: [error('PAL6004', source.span(0, 0), id, 'no access list in the files')] };
  }
  return { acls: chosen.map((a) => ({ name: a.name, family: a.family, lines: a.lines })), diagnostics };
}

export function readAcls(files: readonly ArtifactFile[], context: ReadContext, id: DialectId): ReadResult {
  const parsed = parseAcls(files, id);
  if (!parsed.acls) return { diagnostics: parsed.diagnostics };
  const policy: Policy = aclPolicy(parsed.acls, context.roles, 'opening', id);
  return { policy, diagnostics: [] };
}
