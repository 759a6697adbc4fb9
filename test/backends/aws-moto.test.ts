/**
 * End to end on a local EC2 API: moto_server on 127.0.0.1, palisade's deploy.sh run against it
 * twice with the real AWS CLI, the groups read back with describe-security-groups (and
 * describe-security-group-rules), and `palisade diff` finds them equivalent to the ruleset; the
 * second run changes nothing. moto_server, aws and jq must be installed (.ci/run installs them);
 * a missing tool fails the test with a message, it is never skipped.
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botocoreErrors, startMoto } from '../aws-helpers.js';

const bin = path.resolve('bin/palisade.js');
const work = mkdtempSync(path.join(tmpdir(), 'palisade-moto-'));
let moto: { url: string; process: ChildProcess } | undefined;
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  for (const tool of ['moto_server', 'aws', 'jq']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`]);
    if (r.status !== 0) throw new Error(`${tool} is not installed: run .ci/run (pip install "moto[server]" awscli; apt-get install jq)`);
  }
  moto = await startMoto();
  env = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}, 60_000);

afterAll(() => {
  moto?.process.kill();
  rmSync(work, { recursive: true, force: true });
});

const aws = (...args: string[]): string => execFileSync('aws', ['--endpoint-url', moto!.url, ...args], { env, encoding: 'utf8' });

function palisade(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

const OPAQUE = `# Roles without addresses: membership only, as on AWS.
zone office = 192.0.2.0/24, 2001:db8:1::/48
role web
role db
service ping = icmp/echo-request, icmpv6/echo-request
web-ping  allow office -> web ping "Ping from the office"
db-deny   deny  office except 192.0.2.0/25 -> db tcp/5432
db-office allow office -> db tcp/5432 "Postgres from the office"
web-db    allow web -> db tcp/5432 "Postgres from the web tier"
web-https allow [0.0.0.0/0, ::/0] -> web tcp/443 "HTTPS"
web-gre   allow web -> web gre "GRE between web nodes"
web-out   allow web -> [0.0.0.0/0, ::/0] tcp/443, udp/53 "outbound"
default ingress deny
default egress deny
`;

const cases = [
  { name: 'talos-aws with admin CIDRs and NodePorts', file: 'rulesets/talos-aws.pal', set: ['allowed_admin_cidrs=196.45.28.20/32,203.0.113.0/24', 'enable_nodeport=true'] },
  { name: 'proxmox (egress deny)', file: 'rulesets/proxmox.pal', set: [] },
  { name: 'roles without addresses', file: 'opaque', set: [] },
];

describe.each(cases)('deploy.sh against moto_server: $name', ({ name, file, set }) => {
  it('deploys, is equivalent when read back, and a second run changes nothing', () => {
    const dir = path.join(work, name.replace(/\W+/g, '-'));
    let ruleset = file;
    if (file === 'opaque') {
      ruleset = path.join(work, 'opaque.pal');
      writeFileSync(ruleset, OPAQUE);
    }
    const compiled = palisade('compile', ruleset, '--target', 'aws', '--out', dir, ...set.flatMap((s) => ['--set', s]));
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);

    const vpc = aws('ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16', '--query', 'Vpc.VpcId', '--output', 'text').trim();
    const describe = (): string =>
      aws('ec2', 'describe-security-groups', '--filters', `Name=vpc-id,Values=${vpc}`, 'Name=tag-key,Values=palisade:role', '--output', 'json');
    const deploy = (): void => {
      execFileSync('bash', [path.join(dir, 'deploy.sh')], { env: { ...env, VPC_ID: vpc }, stdio: ['ignore', 'ignore', 'pipe'] });
    };

    deploy();
    const first = describe();
    deploy();
    const second = describe();
    expect(second).toBe(first);

    const live = path.join(dir, 'live.json');
    writeFileSync(live, second);
    const sets = set.flatMap((s) => ['--set', s]);
    const diff = palisade('diff', ruleset, `aws:${live}`, ...sets);
    expect(diff.stdout + diff.stderr).toContain('equivalent: both permit exactly the same packets');
    expect(diff.status).toBe(0);

    // The flat rules of describe-security-group-rules, read in place of the aggregated ones.
    const groups = JSON.parse(second) as { SecurityGroups: { GroupId: string }[] };
    const ids = groups.SecurityGroups.map((g) => g.GroupId).join(',');
    const rules = JSON.parse(aws('ec2', 'describe-security-group-rules', '--filters', `Name=group-id,Values=${ids}`, '--output', 'json')) as object;
    const both = path.join(dir, 'live-rules.json');
    writeFileSync(both, JSON.stringify({ ...JSON.parse(second), ...rules }));
    const flat = palisade('diff', ruleset, `aws:${both}`, ...sets);
    expect(flat.stdout + flat.stderr).toContain('equivalent: both permit exactly the same packets');
    expect(flat.status).toBe(0);

    // A changed deployment is found: revoke one rule and diff again.
    const g = JSON.parse(second).SecurityGroups[0] as { GroupId: string; IpPermissions: unknown[] };
    const [perm] = g.IpPermissions;
    aws('ec2', 'revoke-security-group-ingress', '--group-id', g.GroupId, '--ip-permissions', JSON.stringify([perm]));
    writeFileSync(live, describe());
    const changed = palisade('diff', ruleset, `aws:${live}`, ...sets);
    expect(changed.status).toBe(1);
    expect(readFileSync(live, 'utf8')).not.toBe(second);
  }, 300_000);
});

describe('botocore validation', () => {
  it('rejects a malformed payload (so the golden checks can fail)', () => {
    const errors = botocoreErrors([{ operation: 'AuthorizeSecurityGroupIngress', params: { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', Cidr: '10.0.0.0/8' }] } }]);
    expect(errors.length).toBe(1);
    expect(errors[0]).toContain('Unknown parameter in IpPermissions[0]: "Cidr"');
  });
});
