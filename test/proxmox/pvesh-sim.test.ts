/**
 * The simulated pvesh enforces the API behaviour the reference documents (the only mock of
 * issue 8). Each case is a sequence of calls on a fresh state, with each call's expected status
 * and, where it matters, the resulting state or output.
 */
import { describe, expect, it } from 'vitest';
import { normalizeCidr, pvesh, type SimState } from './pvesh-sim.js';
import { seedState } from './sim-harness.js';

const G = '/cluster/firewall/groups';
const I = '/cluster/firewall/ipset';

function fresh(): SimState {
  return seedState([101]);
}

function ok(state: SimState, ...argv: string[]): string {
  const r = pvesh(state, argv);
  expect(r.stderr, argv.join(' ')).toBe('');
  expect(r.status, argv.join(' ')).toBe(0);
  return r.stdout;
}

function fails(state: SimState, pattern: RegExp, ...argv: string[]): void {
  const r = pvesh(state, argv);
  expect(r.status, argv.join(' ')).toBe(255);
  expect(r.stderr).toMatch(pattern);
}

const rules = (state: SimState, group: string) => state.cluster.groups[group].rules as Record<string, unknown>[];

describe('pvesh simulator', () => {
  it('creates rules disabled unless --enable is given, at position 0 whatever --pos says', () => {
    const s = fresh();
    ok(s, 'create', G, '--group', 'web');
    ok(s, 'create', `${G}/web`, '--type', 'in', '--action', 'ACCEPT', '--proto', 'tcp', '--dport', '80');
    ok(s, 'create', `${G}/web`, '--type', 'in', '--action', 'DROP', '--pos', '5', '--enable', '1');
    expect(rules(s, 'web')).toEqual([
      { type: 'in', action: 'DROP', enable: 1 },
      { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '80', enable: 0 },
    ]);
    expect(JSON.parse(ok(s, 'get', `${G}/web/1`, '--output-format', 'json'))).toEqual({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '80', enable: 0, pos: 1 });
  });

  it('refuses to create an existing group or IP set, and an entry that exists once normalized', () => {
    const s = fresh();
    ok(s, 'create', G, '--group', 'web', '--comment', 'x');
    fails(s, /group: Security group 'web' already exists/, 'create', G, '--group', 'web');
    ok(s, 'create', G, '--group', 'web', '--rename', 'web', '--comment', 'y');
    expect(s.cluster.groups.web.comment).toBe('y');
    ok(s, 'create', I, '--name', 'vpc');
    fails(s, /name: IPSet 'vpc' already exists/, 'create', I, '--name', 'vpc');
    ok(s, 'create', `${I}/vpc`, '--cidr', '10.0.1.7/24');
    ok(s, 'create', `${I}/vpc`, '--cidr', '10.0.9.9/32');
    expect(s.cluster.ipsets.vpc.entries).toEqual([{ cidr: '10.0.9.9' }, { cidr: '10.0.1.0/24' }]);
    fails(s, /cidr: address '10.0.1.0\/24' already exists/, 'create', `${I}/vpc`, '--cidr', '10.0.1.0/24');
    fails(s, /zero prefix/, 'create', `${I}/vpc`, '--cidr', '0.0.0.0/0');
    ok(s, 'get', `${I}/vpc/10.0.1.0/24`);
    fails(s, /no such IP\/Network/, 'get', `${I}/vpc/10.0.2.0/24`);
    expect(normalizeCidr('fd00:0:0:0::5/64')).toBe('fd00::/64');
    expect(normalizeCidr('fd00::5/128')).toBe('fd00::5');
  });

  it('checks names: groups 2-18 characters, IP sets 2-64, the PVE pattern', () => {
    const s = fresh();
    fails(s, /security_group_name/, 'create', G, '--group', 'a'.repeat(19));
    ok(s, 'create', G, '--group', 'a'.repeat(18));
    fails(s, /security_group_name/, 'create', G, '--group', '_x');
    fails(s, /ipset_name/, 'create', I, '--name', 'x');
    fails(s, /ipset_name/, 'create', I, '--name', 'b'.repeat(65));
  });

  it('fails on unknown, repeated or invalid parameters', () => {
    const s = fresh();
    ok(s, 'create', G, '--group', 'web');
    ok(s, 'create', I, '--name', 'vpc');
    const rule = ['create', `${G}/web`, '--enable', '1', '--type', 'in', '--action', 'ACCEPT'];
    fails(s, /bogus: property is not defined in schema/, ...rule, '--bogus', '1');
    fails(s, /type: duplicate parameter/, ...rule, '--type', 'out');
    fails(s, /action: value 'ALLOW'/, 'create', `${G}/web`, '--type', 'in', '--action', 'ALLOW');
    fails(s, /type: value 'group'/, 'create', `${G}/web`, '--type', 'group', '--action', 'web');
    fails(s, /dport: invalid port '80-90'/, ...rule, '--proto', 'tcp', '--dport', '80-90');
    fails(s, /backwards range/, ...rule, '--proto', 'tcp', '--dport', '90:80');
    fails(s, /too many entries/, ...rule, '--proto', 'tcp', '--dport', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16');
    ok(s, ...rule, '--proto', 'tcp', '--dport', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15');
    fails(s, /too many entries/, ...rule, '--proto', 'tcp', '--dport', '1:2,3:4,5:6,7:8,9:10,11:12,13:14,15,16');
    fails(s, /proto: missing property - 'dport' requires this property/, ...rule, '--dport', '80');
    fails(s, /does not support ports/, ...rule, '--proto', 'gre', '--dport', '80');
    fails(s, /unknown protocol/, ...rule, '--proto', 'bogus');
    fails(s, /icmp-type.*cannot be combined/, ...rule, '--proto', 'icmp', '--dport', '8', '--icmp-type', 'echo-request');
    fails(s, /invalid icmp-type/, ...rule, '--proto', 'icmp', '--icmp-type', 'nd-router-advert');
    fails(s, /mixed ipv4\/ipv6/, ...rule, '--proto', 'icmp', '--source', 'fd00::/8');
    fails(s, /mixed ipv4\/ipv6/, ...rule, '--source', '10.0.0.0/8,fd00::/8');
    fails(s, /no such ipset 'lan'/, ...rule, '--source', '+dc/lan');
    fails(s, /no such alias 'lan'/, ...rule, '--source', 'lan');
    fails(s, /not allowed for security group rules/, ...rule, '--iface', 'net0');
    fails(s, /512 characters/, ...rule, '--source', Array.from({ length: 50 }, (_, i) => `10.0.${i}.0/24`).join(','));
    ok(s, ...rule, '--source', '+dc/vpc', '--dest', '10.0.0.1-10.0.0.9', '--proto', 'udp', '--dport', 'domain');
    fails(s, /unable to delete required property 'type'/, 'set', `${G}/web/0`, '--delete', 'type');
    fails(s, /requires this property/, 'set', `${G}/web/0`, '--delete', 'proto');
  });

  it('moves a rule before the element at --moveto, and appends past the end', () => {
    const s = fresh();
    ok(s, 'create', G, '--group', 'web');
    for (const c of ['c', 'b', 'a']) ok(s, 'create', `${G}/web`, '--type', 'in', '--action', 'ACCEPT', '--comment', c, '--enable', '1');
    ok(s, 'set', `${G}/web/0`, '--moveto', '2');
    expect(rules(s, 'web').map((r) => r.comment)).toEqual(['b', 'a', 'c']);
    ok(s, 'set', `${G}/web/0`, '--moveto', '3');
    expect(rules(s, 'web').map((r) => r.comment)).toEqual(['a', 'c', 'b']);
    ok(s, 'set', `${G}/web/2`, '--moveto', '0');
    expect(rules(s, 'web').map((r) => r.comment)).toEqual(['b', 'a', 'c']);
  });

  it('refuses to delete a non-empty group or IP set, and missing objects', () => {
    const s = fresh();
    ok(s, 'create', G, '--group', 'web');
    ok(s, 'create', `${G}/web`, '--type', 'in', '--action', 'DROP');
    fails(s, /Security group 'web' is not empty/, 'delete', `${G}/web`);
    ok(s, 'delete', `${G}/web/0`);
    fails(s, /no rule at position 0/, 'delete', `${G}/web/0`);
    ok(s, 'delete', `${G}/web`);
    fails(s, /no such security group 'web'/, 'get', `${G}/web`);
    ok(s, 'create', I, '--name', 'vpc');
    ok(s, 'create', `${I}/vpc`, '--cidr', '10.0.0.0/8');
    fails(s, /IPSet 'vpc' is not empty/, 'delete', `${I}/vpc`);
    ok(s, 'delete', `${I}/vpc`, '--force');
  });

  it('serves guest rules, options and config, for guests that exist', () => {
    const s = fresh();
    const vm = '/nodes/pve1/qemu/101';
    ok(s, 'create', `${vm}/firewall/rules`, '--type', 'group', '--action', 'web', '--enable', '1');
    fails(s, /parameter not allowed for group rules/, 'create', `${vm}/firewall/rules`, '--type', 'group', '--action', 'web', '--proto', 'tcp');
    fails(s, /value 'forward'/, 'create', `${vm}/firewall/rules`, '--type', 'forward', '--action', 'ACCEPT');
    ok(s, 'set', `${vm}/firewall/options`, '--enable', '1', '--policy_in', 'DROP');
    fails(s, /policy_in: value 'BLOCK'/, 'set', `${vm}/firewall/options`, '--policy_in', 'BLOCK');
    expect(s.guests['101'].firewall.options).toEqual({ enable: 1, policy_in: 'DROP' });
    fails(s, /does not exist/, 'get', '/nodes/pve1/qemu/999/config');
    fails(s, /does not exist/, 'get', '/nodes/pve2/qemu/101/config');
    expect(JSON.parse(ok(s, 'get', '/nodes/localhost/qemu/101/config', '--output-format', 'json')).net0).toMatch(/^virtio=/);
    fails(s, /memory: property is not defined/, 'set', `${vm}/config`, '--memory', '4096');
  });
});
