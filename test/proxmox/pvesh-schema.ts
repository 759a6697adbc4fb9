/**
 * The parameter checks of the simulated `pvesh` (test side), from the reference's schema
 * (test/proxmox/pve-firewall-schema.json, a copy of shared/reference/data/proxmox) and the real
 * /etc/protocols and /etc/services of this machine, as PVE uses them:
 * names and their lengths, rule types per environment, actions, ports (`N`, `N:M`, at most 15
 * numbers, only with tcp/udp/udplite/dccp/sctp), addresses (`+[scope/]ipset` that must exist,
 * one-family lists, one `a-b` range), ICMP type names, macros, log levels, interfaces.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A missing object or method: PVE prints the message alone and exits non-zero. */
export class NotFound extends Error {}

export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaPath = process.env.PVESH_SIM_SCHEMA ?? path.join(here, 'pve-firewall-schema.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const schema: any = JSON.parse(readFileSync(schemaPath, 'utf8'));
const formats = schema.formats;

function table(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words.length < 2 || words[0] === '') continue;
    const n = parseInt(words[1]!, 10);
    for (const name of [words[0]!, ...words.slice(2)]) if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), n);
  }
  return out;
}
const protocols = table('/etc/protocols');
protocols.set('icmpv6', 58);
const services = table('/etc/services');

export const NAME = new RegExp(formats.security_group_name.pattern);

export function checkName(param: string, value: string, kind: 'security_group_name' | 'ipset_name' | 'alias_name'): void {
  const f = formats[kind];
  if (!new RegExp(f.pattern).test(value) || value.length < f.minLength || value.length > f.maxLength) {
    throw new ParamError(param, `invalid format - value does not match the ${kind} format (length ${f.minLength}..${f.maxLength})`);
  }
}

export function protocolOf(value: string): number {
  const v = value.toLowerCase();
  const n = /^\d+$/.test(v) ? Number(v) : protocols.get(v);
  if (n === undefined || n > 255 || (/^\d+$/.test(v) && ![...protocols.values()].includes(n))) {
    throw new ParamError('proto', `unknown protocol '${value}'`);
  }
  return n;
}

export function checkPorts(param: string, value: string, proto: number | undefined): void {
  if (proto === undefined) throw new ParamError('proto', `missing property - '${param}' requires this property`);
  if (![6, 17, 33, 132, 136].includes(proto)) throw new ParamError(param, `protocol '${proto}' does not support ports`);
  let count = 0;
  for (const item of value.split(',')) {
    if (item === '') throw new ParamError(param, 'extraneous commas in list');
    const m = /^(\d+)(?::(\d+))?$/.exec(item);
    if (m) {
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo > 65535 || hi > 65535) throw new ParamError(param, `invalid port '${item}'`);
      if (lo > hi) throw new ParamError(param, `backwards range '${item}' not allowed`);
      count += m[2] === undefined ? 1 : 2;
    } else if (services.has(item.toLowerCase())) count += 1;
    else throw new ParamError(param, `invalid port '${item}'`);
  }
  if (count > 15) throw new ParamError(param, 'too many entries in port list (> 15 numbers)');
}

/** The family an address spec pins (4 or 6), or undefined for set references. */
export function checkAddress(param: string, value: string, ipsetExists: (scope: string | undefined, name: string) => boolean, aliasExists: (name: string) => boolean): 4 | 6 | undefined {
  if (value.length > 512) throw new ParamError(param, 'value may only be 512 characters long');
  const ref = /^\+(dc\/|guest\/|sdn\/)?(.+)$/.exec(value);
  if (ref) {
    checkName(param, ref[2]!, 'ipset_name');
    if (!ipsetExists(ref[1]?.slice(0, -1), ref[2]!)) throw new ParamError(param, `no such ipset '${ref[2]}'`);
    return undefined;
  }
  const alias = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(value);
  if (alias) {
    if (!aliasExists(alias[2]!)) throw new ParamError(param, `no such alias '${alias[2]}'`);
    return undefined;
  }
  const range = /^([^,-]+)-([^,-]+)$/.exec(value);
  const items = range ? [range[1]!, range[2]!] : value.split(',');
  let family: 4 | 6 | undefined;
  for (const item of items) {
    if (item === '') throw new ParamError(param, 'extraneous commas in list');
    const [ip, len, extra] = item.split('/');
    const f = isIP(ip ?? '');
    if (f === 0 || extra !== undefined || (len !== undefined && (!/^\d+$/.test(len) || Number(len) > (f === 4 ? 32 : 128)))) {
      throw new ParamError(param, `invalid IP address '${item}'`);
    }
    if (range && len !== undefined) throw new ParamError(param, `invalid IP range '${value}'`);
    if (family !== undefined && family !== f) throw new ParamError(param, 'mixed ipv4/ipv6 addresses in list');
    family = f as 4 | 6;
  }
  return family;
}

export function checkIcmpType(value: string, proto: number | undefined): void {
  if (proto !== 1 && proto !== 58) throw new ParamError('icmp-type', `proto must be icmp or icmpv6 for icmp-type`);
  const names: string[] = formats['pve-fw-icmp-type-spec'][proto === 1 ? 'icmp' : 'icmpv6'];
  if (!names.includes(value)) throw new ParamError('icmp-type', `invalid icmp-type '${value}'`);
}

export function checkMacro(value: string): void {
  const names: string[] = formats.macro.values;
  if (!names.some((n) => n.toLowerCase() === value.toLowerCase())) throw new ParamError('macro', `unknown macro '${value}'`);
}

export function checkEnum(param: string, value: string, values: readonly string[]): void {
  if (!values.includes(value)) throw new ParamError(param, `value '${value}' does not have a value in the enumeration '${values.join(', ')}'`);
}

export function checkIface(value: string, env: 'vm' | 'group'): void {
  if (env === 'group') throw new ParamError('iface', 'parameter not allowed for security group rules');
  if (!new RegExp(formats['pve-iface'].pattern, 'i').test(value) || !/^net\d+$/.test(value)) {
    throw new ParamError('iface', `invalid interface name '${value}' (guest rules take net<N>)`);
  }
}

export function integer(param: string, value: string, min = 0): number {
  if (!/^-?\d+$/.test(value) || Number(value) < min) throw new ParamError(param, `type check ('integer') failed - got '${value}'`);
  return Number(value);
}

export function boolean(param: string, value: string): number {
  const v = value.toLowerCase();
  if (['1', 'on', 'yes', 'true'].includes(v)) return 1;
  if (['0', 'off', 'no', 'false'].includes(v)) return 0;
  throw new ParamError(param, `type check ('boolean') failed - got '${value}'`);
}

const BOOLEANS = new Set(['nomatch', 'force', 'ipfilter', 'macfilter', 'dhcp', 'ndp', 'radv', 'ebtables']);

/** `--key value` or `-key value` words, checked against the parameters an endpoint takes. */
export function parseArgs(words: readonly string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const m = /^--?([a-z][a-z0-9_-]*)$/.exec(words[i]!);
    if (!m) throw new ParamError('args', `unexpected argument '${words[i]}'`);
    const key = m[1]!;
    if (key === 'output-format') {
      checkEnum(key, words[++i] ?? '', ['text', 'json', 'json-pretty', 'yaml']);
      continue;
    }
    if (!allowed.includes(key) && !/^net\d+$/.test(key)) {
      throw new ParamError(key, 'property is not defined in schema and the schema does not allow additional properties');
    }
    if (key in out) throw new ParamError(key, 'duplicate parameter');
    const next = words[i + 1];
    if (BOOLEANS.has(key) && (next === undefined || /^--?[a-z]/.test(next))) out[key] = '1';
    else if (next === undefined) throw new ParamError(key, 'missing value');
    else out[key] = words[++i]!;
  }
  return out;
}
