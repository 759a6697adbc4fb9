/**
 * What security groups cannot express is refused with positioned errors (asserted whole), and the
 * aws reader refuses what its model cannot hold exactly; subtraction of denies is exact.
 */
import { describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile } from '../../src/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics/index.js';

const memory = (files: Record<string, string>) => (p: string) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' });
const errors = (ds: readonly Diagnostic[]): string => ds.map(formatDiagnostic).join('\n');
const aws = (text: string) => compile({ entry: 'main.pal', read: memory({ 'main.pal': text }), target: 'aws' });

describe('aws refusals', () => {
  it('a deny between roles that an allow-list cannot express', () => {
    const r = aws('role web = 10.0.1.0/24\nrole db = 10.0.2.0/24\nno-one deny web -> 10.0.2.5 tcp/5432\nsql allow web -> db tcp/5432\n');
    expect(errors(r.diagnostics)).toMatchInlineSnapshot(`
      "main.pal:4:1: error: the aws target cannot express rule "sql": a aws allow-list applies to every member of role "db" alike, and this would permit traffic to only part of them (not 10.0.2.5) [PAL6002]
        4 | sql allow web -> db tcp/5432
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    `);
  });

  it('SCTP ports, a description AWS refuses, a group name starting with sg-', () => {
    const r = aws('role sg-web\nsig allow 10.0.0.0/8 -> sg-web sctp/2905 "SIGTRAN"\nhttp allow 10.0.0.0/8 -> sg-web tcp/80 "50% off"\n');
    expect(errors(r.diagnostics)).toMatchInlineSnapshot(`
      "main.pal:1:1: error: role "sg-web" cannot be a security group named "sg-web": a group name cannot start with "sg-" [PAL6103]
        1 | role sg-web
          | ^^^^^^^^^^^
      main.pal:2:1: error: the aws target cannot express rule "sig": security groups filter ports only for tcp and udp; for SCTP a rule opens every port [PAL6002]
        2 | sig allow 10.0.0.0/8 -> sg-web sctp/2905 "SIGTRAN"
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      main.pal:3:1: error: the description of rule "http" cannot be a security-group rule description: AWS does not allow "%"; allowed are letters, digits, spaces and ._-:/()#,@[]+=;{}!$* [PAL6102]
        3 | http allow 10.0.0.0/8 -> sg-web tcp/80 "50% off"
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    `);
  });

  it('more rules than the quota, with the count and a hint', () => {
    const r = aws('target aws { max_rules = 3 }\nrole web\nhttp allow [10.0.0.1, 10.0.0.3] -> web tcp/80, tcp/443\n');
    expect(errors(r.diagnostics)).toMatchInlineSnapshot(`
      "main.pal:2:1: error: the security group of role "web" needs 4 inbound IPv4 rules, more than the limit of 3 per group [PAL6101]
        2 | role web
          | ^^^^^^^^
      hint: each CIDR, port range, ICMP type and group reference is one rule (group references count for IPv4 and IPv6); merge adjacent CIDRs or ports in the ruleset, or, if your account's quota is higher, raise the \`max_rules\` option (rules per group times groups per interface may not exceed 1000)"
    `);
  });

  it('compiles a deny before an allow into the CIDRs of the difference', () => {
    const text = 'role web\nzone vpc = 10.0.0.0/16\nno-dmz deny 10.0.5.0/24 -> web tcp/22\nssh allow vpc -> web tcp/22 "SSH"\n';
    const r = aws(text);
    expect(r.diagnostics).toEqual([]);
    const json = JSON.parse(r.artifacts![0]!.contents) as { SecurityGroups: { IpPermissions: { IpRanges: { CidrIp: string }[] }[] }[] };
    expect(json.SecurityGroups[0]!.IpPermissions[0]!.IpRanges.map((x) => x.CidrIp)).toEqual([
      '10.0.0.0/22',
      '10.0.4.0/24',
      '10.0.6.0/23',
      '10.0.8.0/21',
      '10.0.16.0/20',
      '10.0.32.0/19',
      '10.0.64.0/18',
      '10.0.128.0/17',
    ]);
  });
});

describe('aws reader', () => {
  const ir = analyze({ entry: 'main.pal', read: memory({ 'main.pal': 'role web\nhttp allow 10.0.0.0/8 -> web tcp/80\n' }) }).ir!;
  const read = (text: string) => getBackend('aws').read!([{ path: 'live.json', text }], { roles: ir.roles });
  const group = (perms: unknown[], extra: object = {}) => JSON.stringify({ SecurityGroups: [{ GroupName: 'web', GroupId: 'sg-1', IpPermissions: perms, IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }], ...extra }] }, null, 1);

  it('reads a group named after a role, protocol numbers and names alike', () => {
    const r = read(group([{ IpProtocol: '6', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]));
    expect(r.diagnostics).toEqual([]);
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), r.policy!).equivalent).toBe(true);
    const wider = read(group([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]));
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), wider.policy!).equivalent).toBe(false);
  });

  it('refuses what it cannot model exactly', () => {
    const cases = [
      'not json',
      '{"Reservations": []}',
      group([{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: 'pl-1' }] }]),
      group([{ IpProtocol: 'icmp', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]),
      group([{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-999' }] }]),
      JSON.stringify({ SecurityGroups: [{ GroupName: 'default', GroupId: 'sg-2', IpPermissions: [] }] }),
    ];
    expect(cases.map((c) => errors(read(c).diagnostics)).join('\n---\n')).toMatchInlineSnapshot(`
      "live.json:1:1: error: cannot read aws: not JSON (Unexpected token 'o', "not json" is not valid JSON) [PAL6004]
        1 | not json
          | ^
      ---
      live.json:1:1: error: cannot read aws: expected the output of describe-security-groups ({"SecurityGroups": [...]}) or describe-security-group-rules [PAL6004]
        1 | {"Reservations": []}
          | ^
      ---
      live.json:4:17: error: a prefix list is not modelled by the aws reader, so the file cannot be compared exactly [PAL6005]
        4 |    "GroupName": "web",
          |                 ^^^^^
      ---
      live.json:4:17: error: an ICMP code (type 3 code 4) is not modelled by the aws reader, so the file cannot be compared exactly [PAL6005]
        4 |    "GroupName": "web",
          |                 ^^^^^
      ---
      live.json:4:17: error: cannot read aws: group web references group sg-999, which is not in the files read [PAL6004]
        4 |    "GroupName": "web",
          |                 ^^^^^
      ---
      live.json:1:33: error: cannot read aws: group "default" has no palisade:role tag and is not named after a role (select palisade's groups, e.g. --filters Name=tag-key,Values=palisade:role) [PAL6004]
        1 | {"SecurityGroups":[{"GroupName":"default","GroupId":"sg-2","IpPermissions":[]}]}
          |                                 ^^^^^^^^^"
    `);
  });
});
