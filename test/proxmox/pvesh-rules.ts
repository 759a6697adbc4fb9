/**
 * Rule lists of the simulated pvesh (a security group's, a guest's): list, create (at position
 * 0 whatever `pos` says; `enable: 0` unless given), get, delete, and set with PVE's `--moveto`
 * (before the element at that index, appended past the end) and `--delete`; every rule is
 * verified as a whole after each change (types per environment, actions, ports, addresses, ICMP
 * types, interfaces, one address family).
 */
import * as S from './pvesh-schema.js';
import { NotFound, ParamError, parseArgs, type Json } from './pvesh-schema.js';

type SimState = Json;

const RULE_PARAMS = ['type', 'action', 'enable', 'pos', 'proto', 'dport', 'sport', 'source', 'dest', 'iface', 'macro', 'log', 'icmp-type', 'comment', 'digest'];

export function rulesPath(state: SimState, rules: Json[], pos: string | undefined, verb: string, words: readonly string[], env: 'group' | 'vm', guest: Json | undefined): unknown {
  const verify = (rule: Json) => verifyRule(state, rule, env, guest);
  if (pos === undefined) {
    if (verb === 'get') return parseArgs(words, []) && rules.map((r, i) => ({ ...r, pos: i }));
    if (verb !== 'create') throw new NotFound(`Method '${verb}' not implemented`);
    const args = parseArgs(words, RULE_PARAMS);
    const rule: Json = {};
    for (const [k, v] of Object.entries(args)) if (k !== 'pos' && k !== 'digest' && v !== '') rule[k] = v;
    rule.enable = args.enable === undefined ? 0 : S.integer('enable', args.enable);
    verify(rule);
    rules.unshift(rule); // `pos` is ignored: a new rule always goes to the top
    return undefined;
  }
  const i = Number(pos);
  if (i >= rules.length) throw new NotFound(`no rule at position ${i}`);
  if (verb === 'get') return parseArgs(words, []) && { ...rules[i], pos: i };
  if (verb === 'delete') {
    parseArgs(words, ['digest']);
    rules.splice(i, 1);
    return undefined;
  }
  if (verb !== 'set') throw new NotFound(`Method '${verb}' not implemented`);
  const args = parseArgs(words, [...RULE_PARAMS.filter((k) => k !== 'pos'), 'delete', 'moveto']);
  if (args.moveto !== undefined) {
    const to = S.integer('moveto', args.moveto);
    const moving = rules[i]!;
    const next: Json[] = [];
    rules.forEach((r, j) => {
      if (j === i) return;
      if (j === to) next.push(moving);
      next.push(r);
    });
    if (to >= rules.length) next.push(moving);
    rules.splice(0, rules.length, ...next);
    return undefined;
  }
  const rule: Json = { ...rules[i] };
  for (const key of (args.delete ?? '').split(/[,; ]/).filter(Boolean)) {
    if (key === 'type' || key === 'action') throw new ParamError('delete', `unable to delete required property '${key}'`);
    if (!RULE_PARAMS.includes(key)) throw new ParamError('delete', `no such property ('${key}')`);
    delete rule[key];
  }
  for (const [k, v] of Object.entries(args)) {
    if (k === 'delete' || k === 'digest') continue;
    if (v === '' || v === '-') delete rule[k];
    else rule[k] = k === 'enable' ? S.integer(k, v) : v;
  }
  verify(rule);
  rules[i] = rule;
  return undefined;
}

function verifyRule(state: SimState, rule: Json, env: 'group' | 'vm', guest: Json | undefined): void {
  if (rule.type === undefined) throw new ParamError('type', 'property is missing and it is not optional');
  if (rule.action === undefined) throw new ParamError('action', 'property is missing and it is not optional');
  S.checkEnum('type', rule.type, S.schema.rule_type_by_env[env]);
  if (!S.NAME.test(rule.action) || rule.action.length < 2 || rule.action.length > 20) throw new ParamError('action', `invalid format - value does not match the regex pattern`);
  if (rule.type === 'group') {
    S.checkName('action', rule.action, 'security_group_name');
    for (const k of ['proto', 'dport', 'sport', 'source', 'dest', 'macro', 'icmp-type']) if (rule[k] !== undefined) throw new ParamError(k, 'parameter not allowed for group rules');
  } else S.checkEnum('action', rule.action, rule.type === 'forward' ? ['ACCEPT', 'DROP'] : ['ACCEPT', 'DROP', 'REJECT']);
  if (rule.macro !== undefined) S.checkMacro(rule.macro);
  if (rule.log !== undefined) S.checkEnum('log', rule.log, S.schema.formats.loglevel.enum);
  if (rule.iface !== undefined) S.checkIface(rule.iface, env);
  const proto = rule.proto === undefined ? undefined : S.protocolOf(rule.proto);
  if (rule['icmp-type'] !== undefined) {
    if (rule.dport !== undefined) throw new ParamError('icmp-type', "'icmp-type' cannot be combined with 'dport'");
    S.checkIcmpType(rule['icmp-type'], proto);
  }
  if (rule.dport !== undefined) S.checkPorts('dport', rule.dport, proto);
  if (rule.sport !== undefined) S.checkPorts('sport', rule.sport, proto);
  const cluster = state.cluster;
  const ipsetExists = (scope: string | undefined, name: string): boolean => {
    const inCluster = Boolean(cluster.ipsets[name.toLowerCase()]);
    const inGuest = Boolean(guest?.firewall.ipsets?.[name.toLowerCase()]);
    if (scope === 'sdn') return false;
    if (env === 'group') return inCluster;
    return scope === 'dc' ? inCluster : scope === 'guest' ? inGuest : inGuest || inCluster;
  };
  const aliasExists = (name: string): boolean => Boolean(cluster.aliases?.[name.toLowerCase()] ?? guest?.firewall.aliases?.[name.toLowerCase()]);
  const families = new Set<number>();
  for (const side of ['source', 'dest'] as const) {
    if (rule[side] === undefined) continue;
    const f = S.checkAddress(side, rule[side], ipsetExists, aliasExists);
    if (f !== undefined) families.add(f);
  }
  if (proto === 1) families.add(4);
  if (proto === 58) families.add(6);
  if (families.size > 1) throw new ParamError('source', 'detected mixed ipv4/ipv6 addresses in rule');
}
