/**
 * `proxmox-fw:PATH` for `palisade diff`: reads `cluster.fw` and `<vmid>.fw` files (a directory of
 * them, or one file) the way PVE's parser does (reference §5): lines trimmed, `#` lines and
 * blank lines skipped, case-insensitive section headers, `key: value` options, `[!]cidr` IP set
 * entries, and rule lines `[|]DIR ACTION [-opt value]... [# comment]`, where the comment is
 * everything after the first `#`. `cluster.fw` is read first, and a rule naming an IP set not
 * defined above it is skipped, as PVE skips it. The NIC flag lives in the VM config, not in
 * these files, so it is taken to be on. The policy is built by proxmox/policy.ts.
 */
import path from 'node:path';
import { error, SourceFile, warning, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { configPolicy, contextRoles, ReadError, type ReadConfig, type ReadGuest, type ReadRule } from '../proxmox/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';

const FLAGS: Readonly<Record<string, string>> = {
  '-i': 'iface', '-p': 'proto', '-proto': 'proto', '--proto': 'proto',
  '-dport': 'dport', '--dport': 'dport', '-sport': 'sport', '--sport': 'sport',
  '-source': 'source', '--source': 'source', '-dest': 'dest', '--dest': 'dest',
  '-log': 'log', '--log': 'log', '-icmp-type': 'icmp-type', '--icmp-type': 'icmp-type',
};

interface Line {
  readonly text: string;
  readonly span: Span;
}

function lines(source: SourceFile): Line[] {
  const out: Line[] = [];
  let offset = 0;
  for (const raw of source.text.split('\n')) {
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text !== '' && !text.startsWith('#')) out.push({ text, span: source.span(offset + lead, offset + lead + text.length) });
    offset += raw.length + 1;
  }
  return out;
}

export function readFwFiles(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  const fail = (span: Span | undefined, why: string): never => {
    throw new ReadError(error('PAL6004', span, 'proxmox-fw', why));
  };
  const sources = files.map((f) => new SourceFile(f.path, f.text));
  const cluster = sources.filter((s) => path.basename(s.name) === 'cluster.fw');
  const guestFiles = sources.filter((s) => path.basename(s.name) !== 'cluster.fw');
  try {
    if (cluster.length !== 1) fail(sources[0]?.span(0, 0), `expected one cluster.fw among the files, found ${cluster.length}`);
    const ipsets = new Map<string, { cidr: string; nomatch: boolean }[]>();
    const groups = new Map<string, { comment: string; rules: ReadRule[] }>();
    const warnings: Diagnostic[] = [];
    let enable = false;
    let enableSpan = cluster[0]!.span(0, 0);
    let section = '';
    let rules: ReadRule[] | undefined;
    let entries: { cidr: string; nomatch: boolean }[] | undefined;
    for (const line of lines(cluster[0]!)) {
      const header = /^\[(\w+)(?:\s+(\S+))?\]\s*(?:#\s*(.*?)\s*)?$/.exec(line.text);
      if (header) {
        section = header[1]!.toLowerCase();
        const name = header[2]?.toLowerCase();
        rules = entries = undefined;
        if (section === 'ipset' && name) ipsets.set(name, (entries = []));
        else if (section === 'group' && name) groups.set(name, { comment: header[3] ?? '', rules: (rules = []) });
        else if (section !== 'options' || name) fail(line.span, `unexpected section ${JSON.stringify(line.text)} in cluster.fw`);
        continue;
      }
      if (section === 'options') {
        const m = /^([a-z_]+):\s*(\S+)$/.exec(line.text);
        if (!m) fail(line.span, `cannot parse option ${JSON.stringify(line.text)}`);
        if (m![1] === 'enable') {
          enable = m![2] === '1';
          enableSpan = line.span;
        }
      } else if (entries) {
        const m = /^(!)?(\S+)(?:\s*#.*)?$/.exec(line.text);
        if (!m) fail(line.span, `cannot parse IP set entry ${JSON.stringify(line.text)}`);
        entries.push({ cidr: m![2]!, nomatch: m![1] === '!' });
      } else if (rules) {
        const rule = parseRule(line, fail);
        // PVE checks references while parsing: a rule naming a set defined further down is skipped.
        const later = laterSet(rule, ipsets);
        if (later) warnings.push(warning('PAL6006', line.span, 'proxmox-fw', `IP set ${JSON.stringify(later)} is not defined above this rule: PVE skips the rule`));
        else rules.push(rule);
      } else fail(line.span, `unexpected line ${JSON.stringify(line.text)}`);
    }
    const guests: ReadGuest[] = guestFiles.map((s) => readGuest(s, fail));
    const config: ReadConfig = { enable, enableSpan, ipsets, groups, guests };
    const result = configPolicy(config, 'proxmox-fw', contextRoles(context));
    return { policy: result.policy, diagnostics: [...warnings, ...result.diagnostics] };
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    return { diagnostics: [e.diagnostic] };
  }
}

/** The name of an IP set the rule refers to that is not defined yet, if any. */
function laterSet(rule: ReadRule, known: ReadonlyMap<string, unknown>): string | undefined {
  for (const side of [rule.fields.source, rule.fields.dest]) {
    const m = side ? /^\+(?:dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(side) : null;
    if (m && !known.has(m[1]!.toLowerCase())) return m[1];
  }
  return undefined;
}

function parseRule(line: Line, fail: (span: Span, why: string) => never): ReadRule {
  const hash = line.text.indexOf('#');
  const body = (hash >= 0 ? line.text.slice(0, hash) : line.text).trim();
  const comment = hash >= 0 ? line.text.slice(hash + 1).trim() : undefined;
  const words = body.split(/\s+/);
  const first = words[0] ?? '';
  const enable = !first.startsWith('|');
  const type = first.replace(/^\|/, '').toLowerCase();
  if (!['in', 'out', 'group'].includes(type)) fail(line.span, `unknown rule direction ${JSON.stringify(first)}`);
  const action = words[1];
  if (action === undefined) return fail(line.span, 'a rule needs an action');
  const fields: Record<string, string> = {};
  for (let i = 2; i < words.length; i += 2) {
    const field = FLAGS[words[i]!];
    const value = words[i + 1];
    if (!field || value === undefined || (type === 'group' && field !== 'iface')) {
      fail(line.span, `unable to parse rule parameters ${JSON.stringify(words.slice(i).join(' '))}`);
    }
    fields[field!] = value!;
  }
  if (comment) fields.comment = comment;
  return { type, action, enable, fields, text: body, span: line.span };
}

function readGuest(source: SourceFile, fail: (span: Span, why: string) => never): ReadGuest {
  const vmid = /^(\d+)\.fw$/.exec(path.basename(source.name))?.[1];
  if (vmid === undefined) fail(source.span(0, 0), `${JSON.stringify(source.name)} is neither cluster.fw nor <vmid>.fw`);
  const options: Record<string, string> = {};
  const rules: ReadRule[] = [];
  let section = '';
  for (const line of lines(source)) {
    const header = /^\[(\w+)(?:\s+(\S+))?\]\s*(?:#.*)?$/.exec(line.text);
    if (header) {
      section = header[1]!.toLowerCase();
      if (section !== 'options' && section !== 'rules') {
        throw new ReadError(error('PAL6005', line.span, 'proxmox-fw', `the guest section ${JSON.stringify(line.text)}`));
      }
      continue;
    }
    if (section === 'options') {
      const m = /^([a-z_]+):\s*(\S+)$/.exec(line.text);
      if (!m) fail(line.span, `cannot parse option ${JSON.stringify(line.text)}`);
      options[m![1]!] = m![2]!;
      if ((m![1] === 'ipfilter' || m![1] === 'ips') && m![2] !== '0') {
        throw new ReadError(error('PAL6005', line.span, 'proxmox-fw', `the guest option ${m![1]}`));
      }
    } else if (section === 'rules') rules.push(parseRule(line, fail));
    else fail(line.span, `unexpected line ${JSON.stringify(line.text)}`);
  }
  return {
    vmid: vmid!,
    enable: options.enable === '1',
    policyIn: options.policy_in ?? 'DROP',
    policyOut: options.policy_out ?? 'ACCEPT',
    nicFirewall: undefined,
    rules,
    span: source.span(0, 0),
  };
}
