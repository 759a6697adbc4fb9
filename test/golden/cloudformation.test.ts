/**
 * cloudformation output for every ruleset, as whole-file goldens (update with `vitest -u`), each
 * passing the real cfn-lint; plus a ruleset with roles without addresses, ICMP types, IPv6 and
 * numbered protocols, and the refusal of a group whose egress has no CIDR rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics/index.js';
import type { SourceReader } from '../../src/parser/load.js';
import { assignments } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};
const build = (file: string, set: readonly string[]) => compile({ entry: file, read, set: assignments(...set), target: 'cloudformation' });
const work = mkdtempSync(path.join(tmpdir(), 'palisade-cfn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * cfn-lint's findings, as text. Two of them are known false positives for an ICMPv6 type
 * (`IpProtocol: icmpv6, FromPort: TYPE, ToPort: -1`, which EC2 honours: FromPort is the type,
 * ToPort -1 all codes): W3687 "ports are ignored" and E3688 "both must be -1", fixed in cfn-lint
 * by aws-cloudformation/cfn-lint#4600 (aws/aws-cdk#38422). They are left out when, and only
 * when, the rule they point at is such an ICMPv6 rule; without its ports the rule would permit
 * all of ICMPv6.
 */
function cfnLint(text: string, name: string): { status: number | null; output: string } {
  if (spawnSync('sh', ['-c', 'command -v cfn-lint']).status !== 0) throw new Error('cfn-lint is not installed: pip install cfn-lint (see .ci/run)');
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, text);
  const r = spawnSync('cfn-lint', ['--format', 'json', file], { encoding: 'utf8' });
  if (r.stdout.trim() === '') return { status: r.status, output: r.stderr };
  const template = JSON.parse(text) as Record<string, unknown>;
  const at = (p: readonly (string | number)[]): unknown => p.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], template);
  const findings = (JSON.parse(r.stdout) as { Rule: { Id: string }; Message: string; Location: { Path: (string | number)[] } }[]).filter((f) => {
    if (f.Rule.Id !== 'W3687' && f.Rule.Id !== 'E3688') return true;
    const rule = at(f.Location.Path.slice(0, -1)) as Record<string, unknown> | undefined;
    return !(rule?.['IpProtocol'] === 'icmpv6' && typeof rule['FromPort'] === 'number' && rule['FromPort'] >= 0 && rule['ToPort'] === -1);
  });
  const output = findings.map((f) => `${f.Rule.Id} ${f.Message} at ${f.Location.Path.join('/')}\n`).join('') + r.stderr;
  return { status: findings.length === 0 ? 0 : r.status, output };
}

describe.each(goldenCases)('cloudformation: $name', ({ name, file, set }) => {
  const result = build(file, set);

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.artifacts?.map((a) => a.path)).toEqual(['template.json']);
  });

  it('template.json matches its golden, and passes cfn-lint', async () => {
    await expect(result.artifacts![0]!.contents).toMatchFileSnapshot(`cloudformation/${name}/template.json`);
    const r = cfnLint(result.artifacts![0]!.contents, name);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });
});

const errors = (ds: readonly Diagnostic[]): string => ds.map(formatDiagnostic).join('\n');
const memory = (files: Record<string, string>) => (p: string) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' });

describe('cloudformation: other rulesets', () => {
  it('roles without addresses, ICMP types, IPv6 and numbered protocols pass cfn-lint', () => {
    const files = {
      'main.pal': [
        'zone office = 192.0.2.0/24, 2001:db8:1::/48',
        'role web',
        'role db',
        'ping allow office -> web icmp/echo-request, icmpv6/echo-request "ping"',
        'sql allow web -> db tcp/5432 "postgres"',
        'gre allow web -> web gre "GRE"',
        'out allow web -> [0.0.0.0/0, ::/0] tcp/443',
        'default egress deny',
        '',
      ].join('\n'),
    };
    const r = compile({ entry: 'main.pal', read: memory(files), target: 'cloudformation' });
    // db sends nothing: its egress cannot be written (see the next test).
    expect(errors(r.diagnostics)).toContain('PAL6104');
    files['main.pal'] += 'db-out allow db -> 198.51.100.0/24 udp/514 "syslog"\n';
    const ok = compile({ entry: 'main.pal', read: memory(files), target: 'cloudformation' });
    expect(ok.diagnostics).toEqual([]);
    const lint = cfnLint(ok.artifacts![0]!.contents, 'opaque');
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });

  it('refuses a group whose restricted egress has no CIDR rule, at the role', () => {
    const files = { 'main.pal': 'role web\nrole db\nsql allow web -> db tcp/5432\ndefault egress deny\n' };
    const r = compile({ entry: 'main.pal', read: memory(files), target: 'cloudformation' });
    expect(errors(r.diagnostics)).toMatchInlineSnapshot(`
      "main.pal:2:1: error: the cloudformation target cannot express this ruleset: the egress of role "db" has no rule to a CIDR: CloudFormation gives a group without inline egress rules an allow-all egress rule, and group references listed inline would be circular [PAL6104]
        2 | role db
          | ^^^^^^^
      main.pal:1:1: error: the cloudformation target cannot express this ruleset: the egress of role "web" has no rule to a CIDR: CloudFormation gives a group without inline egress rules an allow-all egress rule, and group references listed inline would be circular [PAL6104]
        1 | role web
          | ^^^^^^^^"
    `);
  });

  it('cfn-lint fails a broken template (so the checks above can fail)', () => {
    const broken = { AWSTemplateFormatVersion: '2010-09-09', Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: 'vpc-1' } } } };
    expect(cfnLint(JSON.stringify(broken), 'broken').status).not.toBe(0);
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const { file, set } of goldenCases) expect(build(file, set).artifacts).toEqual(build(file, set).artifacts);
  });
});
