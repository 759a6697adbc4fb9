/**
 * A simulated `pvesh` for the tests (the only mock of issue 8: no Proxmox host runs here). It
 * keeps the firewall state in a JSON object (see src/backends/proxmox/state.ts for its shape) and
 * enforces the behaviour the reference documents (shared/reference/proxmox.md §1-§4):
 *
 * - verbs get/ls/create/set/delete on the firewall paths; `--key value` or `-key value`;
 *   unknown or repeated parameters, and invalid values (pvesh-schema.ts), fail with status 255;
 * - creating an existing group or IP set fails; an existing IP set entry (compared normalized:
 *   host bits cleared, /32 and /128 dropped; /0 refused) fails; deleting a non-empty group or set
 *   fails (sets: unless --force); a missing object or position fails;
 * - a rule create ignores `pos` and inserts at position 0, and stores `enable: 0` unless
 *   `--enable` is given; `set --moveto` moves a rule before the element at that index;
 *   `set --delete` removes fields, and the rule must still verify;
 * - group create with `--rename` equal to `--group` updates the comment.
 */
import ipaddr from 'ipaddr.js';
import * as S from './pvesh-schema.js';
import { NotFound, ParamError, parseArgs, type Json } from './pvesh-schema.js';
import { rulesPath } from './pvesh-rules.js';

export type SimState = Json;
export interface SimResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}



function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Json)[k])]));
  return v;
}
export const stateText = (state: SimState): string => `${JSON.stringify(sortKeys(state), null, 1)}\n`;


/** An IP set entry as PVE stores it: host bits cleared, /32 and /128 dropped, IPv6 compressed. */
export function normalizeCidr(text: string): string {
  const [ip, len] = text.split('/');
  if (!ipaddr.isValid(ip ?? '')) throw new ParamError('cidr', `invalid IP address '${text}'`);
  const addr = ipaddr.parse(ip!);
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const n = len === undefined ? bits : Number(len);
  if (!/^\d*$/.test(len ?? '') || n > bits) throw new ParamError('cidr', `invalid IP address '${text}'`);
  if (n === 0) throw new ParamError('cidr', 'a zero prefix is not allowed in ipset entries');
  const base = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${n}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${n}`);
  return n === bits ? base.toString() : `${base.toString()}/${n}`;
}

export function pvesh(state: SimState, argv: readonly string[]): SimResult {
  const [verb, rawPath, ...rest] = argv;
  try {
    if (!verb || !rawPath) throw new ParamError('args', 'usage: pvesh VERB PATH [OPTIONS]');
    const out = route(state, verb === 'ls' ? 'get' : verb, rawPath.replace(/\/+$/, ''), rest);
    const json = rest.includes('json') || rest.includes('json-pretty');
    return { stdout: out === undefined ? '' : json ? `${JSON.stringify(sortKeys(out))}\n` : `${JSON.stringify(sortKeys(out), null, 1)}\n`, stderr: '', status: 0 };
  } catch (e) {
    if (e instanceof ParamError) return { stdout: '', stderr: `400 Parameter verification failed.\n${e.param}: ${e.message}\n`, status: 255 };
    if (e instanceof NotFound) return { stdout: '', stderr: `${e.message}\n`, status: 255 };
    throw e;
  }
}

function route(state: SimState, verb: string, p: string, words: readonly string[]): unknown {
  const c = state.cluster;
  let m: RegExpExecArray | null;
  const only = (...verbs: string[]) => {
    if (!verbs.includes(verb)) throw new NotFound(`Method '${verb.toUpperCase()} ${p}' not implemented`);
  };
  if (p === '/cluster/firewall/options') {
    only('get', 'set');
    if (verb === 'get') return parseArgs(words, []) && c.options;
    return setOptions(c.options, parseArgs(words, ['enable', 'policy_in', 'policy_out', 'policy_forward', 'ebtables', 'log_ratelimit', 'delete', 'digest']), true);
  }
  if (p === '/cluster/firewall/ipset') {
    only('get', 'create');
    if (verb === 'get') return parseArgs(words, []) && Object.entries(c.ipsets).map(([name, s]) => ({ name, comment: (s as Json).comment }));
    return createIpset(c.ipsets, parseArgs(words, ['name', 'comment', 'rename', 'digest']));
  }
  if ((m = /^\/cluster\/firewall\/ipset\/([^/]+)(?:\/(.+))?$/.exec(p))) return ipsetPath(c.ipsets, m[1]!, m[2], verb, words);
  if (p === '/cluster/firewall/groups') {
    only('get', 'create');
    if (verb === 'get') return parseArgs(words, []) && Object.entries(c.groups).map(([group, g]) => ({ group, comment: (g as Json).comment }));
    return createGroup(c.groups, parseArgs(words, ['group', 'comment', 'rename', 'digest']));
  }
  if ((m = /^\/cluster\/firewall\/groups\/([^/]+)(?:\/(\d+))?$/.exec(p))) {
    const group = c.groups[m[1]!.toLowerCase()];
    if (!group) throw new NotFound(`no such security group '${m[1]}'`);
    if (m[2] === undefined && verb === 'delete') {
      parseArgs(words, ['digest']);
      if (group.rules.length > 0) throw new NotFound(`Security group '${m[1]}' is not empty`);
      delete c.groups[m[1]!.toLowerCase()];
      return undefined;
    }
    return rulesPath(state, group.rules, m[2], verb, words, 'group', undefined);
  }
  if ((m = /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/(config|firewall\/options|firewall\/rules)(?:\/(\d+))?$/.exec(p))) {
    const guest = state.guests[m[3]!];
    if (!guest || guest.type !== m[2] || (m[1] !== 'localhost' && m[1] !== guest.node)) {
      throw new NotFound(`Configuration file 'nodes/${m[1]}/${m[2] === 'qemu' ? 'qemu-server' : 'lxc'}/${m[3]}.conf' does not exist`);
    }
    if (m[4] === 'config') {
      only('get', 'set');
      if (verb === 'get') return parseArgs(words, []) && guest.config;
      const args = parseArgs(words, ['digest']);
      for (const [k, v] of Object.entries(args)) if (k !== 'digest') guest.config[k] = v;
      return undefined;
    }
    if (m[4] === 'firewall/options') {
      only('get', 'set');
      if (verb === 'get') return parseArgs(words, []) && guest.firewall.options;
      const keys = ['enable', 'policy_in', 'policy_out', 'ipfilter', 'macfilter', 'dhcp', 'ndp', 'radv', 'log_level_in', 'log_level_out', 'delete', 'digest'];
      return setOptions(guest.firewall.options, parseArgs(words, keys), false);
    }
    return rulesPath(state, guest.firewall.rules, m[5], verb, words, 'vm', guest);
  }
  throw new NotFound(`no such path '${p}'`);
}

function setOptions(options: Json, args: Record<string, string>, cluster: boolean): undefined {
  for (const key of (args.delete ?? '').split(/[,; ]/).filter(Boolean)) delete options[key];
  for (const [k, v] of Object.entries(args)) {
    if (k === 'delete' || k === 'digest') continue;
    if (k === 'enable') options[k] = cluster ? S.integer(k, v) : S.boolean(k, v);
    else if (k === 'policy_in' || k === 'policy_out') options[k] = (S.checkEnum(k, v, ['ACCEPT', 'REJECT', 'DROP']), v);
    else if (k === 'policy_forward') options[k] = (S.checkEnum(k, v, ['ACCEPT', 'DROP']), v);
    else if (k.startsWith('log_level')) options[k] = (S.checkEnum(k, v, S.schema.formats.loglevel.enum), v);
    else if (k === 'log_ratelimit') options[k] = v;
    else options[k] = S.boolean(k, v);
  }
  return undefined;
}

function createIpset(ipsets: Json, args: Record<string, string>): undefined {
  if (args.name === undefined) throw new ParamError('name', 'property is missing and it is not optional');
  S.checkName('name', args.name, 'ipset_name');
  const key = args.name.toLowerCase();
  if (args.rename !== undefined) {
    const old = args.rename.toLowerCase();
    if (!ipsets[old]) throw new ParamError('name', `IPSet '${args.rename}' does not exist`);
    if (old !== key && ipsets[key]) throw new ParamError('name', `IPSet '${args.name}' does already exist`);
    const set = ipsets[old];
    delete ipsets[old];
    ipsets[key] = { ...set, ...(args.comment !== undefined ? { comment: args.comment } : {}) };
    return undefined;
  }
  if (ipsets[key]) throw new ParamError('name', `IPSet '${args.name}' already exists`);
  ipsets[key] = { comment: args.comment ?? '', entries: [] };
  return undefined;
}

function ipsetPath(ipsets: Json, name: string, cidr: string | undefined, verb: string, words: readonly string[]): unknown {
  const set = ipsets[name.toLowerCase()];
  if (!set) throw new NotFound(`no such IPSet '${name}'`);
  if (cidr === undefined) {
    if (verb === 'get') return parseArgs(words, []) && set.entries;
    if (verb === 'delete') {
      const args = parseArgs(words, ['force', 'digest']);
      if (set.entries.length > 0 && args.force !== '1') throw new NotFound(`IPSet '${name}' is not empty`);
      delete ipsets[name.toLowerCase()];
      return undefined;
    }
    if (verb !== 'create') throw new NotFound(`Method '${verb}' not implemented`);
    const args = parseArgs(words, ['cidr', 'nomatch', 'comment']);
    if (args.cidr === undefined) throw new ParamError('cidr', 'property is missing and it is not optional');
    const normalized = normalizeCidr(args.cidr);
    if (set.entries.some((e: Json) => e.cidr === normalized)) throw new ParamError('cidr', `address '${normalized}' already exists`);
    set.entries.unshift({ cidr: normalized, ...(args.nomatch === '1' ? { nomatch: 1 } : {}), ...(args.comment ? { comment: args.comment } : {}) });
    return undefined;
  }
  const normalized = normalizeCidr(cidr);
  const index = set.entries.findIndex((e: Json) => e.cidr === normalized);
  if (index < 0) throw new NotFound('no such IP/Network');
  if (verb === 'get') return parseArgs(words, []) && set.entries[index];
  if (verb === 'delete') {
    parseArgs(words, ['digest']);
    set.entries.splice(index, 1);
    return undefined;
  }
  if (verb !== 'set') throw new NotFound(`Method '${verb}' not implemented`);
  const args = parseArgs(words, ['nomatch', 'comment', 'digest']);
  if (args.nomatch !== undefined) set.entries[index].nomatch = Number(args.nomatch);
  if (args.comment !== undefined) set.entries[index].comment = args.comment;
  return undefined;
}

function createGroup(groups: Json, args: Record<string, string>): undefined {
  if (args.group === undefined) throw new ParamError('group', 'property is missing and it is not optional');
  S.checkName('group', args.group, 'security_group_name');
  const key = args.group.toLowerCase();
  if (args.rename !== undefined) {
    const old = args.rename.toLowerCase();
    if (!groups[old]) throw new ParamError('group', `Security group '${args.rename}' does not exist`);
    if (old !== key && groups[key]) throw new ParamError('group', `Security group '${args.group}' does already exist`);
    const g = groups[old];
    delete groups[old];
    groups[key] = { ...g, ...(args.comment !== undefined ? { comment: args.comment } : {}) };
    return undefined;
  }
  if (groups[key]) throw new ParamError('group', `Security group '${args.group}' already exists`);
  groups[key] = { comment: args.comment ?? '', rules: [] };
  return undefined;
}
