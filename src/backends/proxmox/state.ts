/**
 * `proxmox:STATE.json` for `palisade diff`: reads a JSON dump of the firewall objects, as the
 * pvesh simulator keeps them and as `pvesh get` returns them on a real cluster:
 *
 *     { "cluster": { "options": {"enable": 1}, "ipsets": {NAME: {"comment", "entries": [{"cidr", "nomatch"}]}},
 *                    "groups": {NAME: {"comment", "rules": [RULE...]}} },
 *       "guests": { VMID: { "config": {"net0": "..."}, "firewall": {"options": {...}, "rules": [RULE...]} } } }
 *
 * where a RULE is a rule object of `pvesh get .../rules` (`type`, `action`, `enable`, `source`,
 * ...), list order being rule position. The policy is then built as for .fw files (policy.ts).
 */
import { error, SourceFile, type Diagnostic, type Span } from '../../diagnostics/index.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { RULE_FIELDS } from './model.js';
import { configPolicy, contextRoles, ReadError, type ReadConfig, type ReadRule } from './policy.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readState(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  const diagnostics: Diagnostic[] = [];
  if (files.length !== 1) {
    return { diagnostics: [error('PAL6004', undefined, 'proxmox', `expected one JSON state file, found ${files.length} files`)] };
  }
  const file = files[0]!;
  const source = new SourceFile(file.path, file.text);
  const span = source.span(0, 0);
  try {
    let data: unknown;
    try {
      data = JSON.parse(file.text);
    } catch (e) {
      throw new ReadError(error('PAL6004', span, 'proxmox', `not JSON: ${(e as Error).message}`));
    }
    const result = configPolicy(stateConfig(data, span), 'proxmox', contextRoles(context));
    return { policy: result.policy, diagnostics: [...diagnostics, ...result.diagnostics] };
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    return { diagnostics: [e.diagnostic] };
  }
}

function stateConfig(data: unknown, span: Span): ReadConfig {
  const fail = (why: string): never => {
    throw new ReadError(error('PAL6004', span, 'proxmox', why));
  };
  const object = (v: unknown, what: string): Json => (isObject(v) ? v : fail(`${what} is not an object`));
  const root = object(data, 'the state');
  const cluster = object(root.cluster ?? {}, 'cluster');
  const options = object(cluster.options ?? {}, 'cluster.options');
  const ipsets = new Map<string, { cidr: string; nomatch: boolean }[]>();
  for (const [name, set] of Object.entries(object(cluster.ipsets ?? {}, 'cluster.ipsets'))) {
    const entries = object(set, `ipset ${name}`).entries;
    if (!Array.isArray(entries)) fail(`ipset ${name} has no entries list`);
    ipsets.set(
      name.toLowerCase(),
      (entries as unknown[]).map((e) => {
        const entry = object(e, `an entry of ipset ${name}`);
        return { cidr: String(entry.cidr), nomatch: Boolean(Number(entry.nomatch ?? 0)) };
      }),
    );
  }
  const rules = (list: unknown, where: string): ReadRule[] => {
    if (!Array.isArray(list)) return fail(`${where} has no rules list`);
    return list.map((r, pos) => {
      const rule = object(r, `rule ${pos} of ${where}`);
      const fields: Record<string, string> = {};
      for (const key of RULE_FIELDS) if (rule[key] !== undefined) fields[key] = String(rule[key]);
      const type = String(rule.type);
      const action = String(rule.action);
      const text = `${where}/${pos}: ${type} ${action}${RULE_FIELDS.filter((k) => k !== 'comment' && fields[k] !== undefined)
        .map((k) => ` --${k} ${fields[k]}`)
        .join('')}`;
      return { type, action, enable: Number(rule.enable ?? 0) > 0, fields, text, span };
    });
  };
  const groups = new Map<string, { comment: string; rules: ReadRule[] }>();
  for (const [name, g] of Object.entries(object(cluster.groups ?? {}, 'cluster.groups'))) {
    const group = object(g, `group ${name}`);
    groups.set(name.toLowerCase(), { comment: String(group.comment ?? ''), rules: rules(group.rules, `group ${name}`) });
  }
  const guests = Object.entries(object(root.guests ?? {}, 'guests')).map(([vmid, g]) => {
    const guest = object(g, `guest ${vmid}`);
    const firewall = object(guest.firewall ?? {}, `guest ${vmid} firewall`);
    const fwOptions = object(firewall.options ?? {}, `guest ${vmid} firewall options`);
    for (const key of ['ipfilter', 'ips']) {
      if (Number(fwOptions[key] ?? 0) > 0) throw new ReadError(error('PAL6005', span, 'proxmox', `the guest option ${key}`));
    }
    const config = object(guest.config ?? {}, `guest ${vmid} config`);
    const nics = Object.entries(config).filter(([k]) => /^net\d+$/.test(k));
    return {
      vmid,
      enable: Number(fwOptions.enable ?? 0) > 0,
      policyIn: String(fwOptions.policy_in ?? 'DROP'),
      policyOut: String(fwOptions.policy_out ?? 'ACCEPT'),
      nicFirewall: nics.length > 0 && nics.every(([, v]) => `,${String(v)},`.includes(',firewall=1,')),
      rules: rules(firewall.rules ?? [], `guest ${vmid}`),
      span,
    };
  });
  return { enable: Number(options.enable ?? 0) === 1, enableSpan: span, ipsets, groups, guests };
}
