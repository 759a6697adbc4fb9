/** `palisade diff` and `palisade lint` as scripts see them: output, formats and exit statuses. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { run, workspace } from './workspace.js';

const { work } = workspace('palisade-cli-');

const seed = readFileSync('rulesets/talos-aws.pal', 'utf8');
const edited = seed
  .replace(/^cp-controller-manager .*$/m, 'cp-controller-manager allow worker -> controlplane controller-manager "kube-controller-manager"')
  .replace(/^cp-kubelet-vpc .*$/m, 'deny vpc except 10.0.0.0/20 -> controlplane kubelet\ncp-kubelet-vpc allow vpc -> controlplane kubelet "Kubelet API (admin access)"');
const a = path.join(work, 'a.pal');
const b = path.join(work, 'b.pal');
writeFileSync(a, seed);
writeFileSync(b, edited);

describe('palisade diff', () => {
  it('exits 0 and says so for equivalent rulesets', () => {
    const r = run('diff', a, a);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`--- ${a}\n+++ ${a}\nequivalent: both permit exactly the same packets\n`);
  });

  it('exits 1 and names each difference in the rulesets\' own words', () => {
    const r = run('diff', a, b);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        `--- ${a}`,
        `+++ ${b}`,
        `+ allow worker -> controlplane controller-manager "kube-controller-manager"  [cp-controller-manager at ${b}:69:1]`,
        `    was denied by default ingress deny  [default ingress deny at ${a}:118:1]`,
        '    tcp worker -> controlplane port 10257',
        '      e.g. tcp 10.0.2.1 -> 10.0.1.1 port 10257',
        `- allow vpc -> controlplane kubelet "Kubelet API (admin access)"  [cp-kubelet-vpc at ${a}:67:1]`,
        `    now denied by deny vpc except 10.0.0.0/20 -> controlplane kubelet  [deny-vpc-except-10-0-0-0-20-to-controlplane-kubelet at ${b}:67:1]`,
        '    tcp vpc except 10.0.0.0/20 -> controlplane port 10250',
        '      e.g. tcp 10.0.16.1 -> 10.0.1.1 port 10250',
        `- allow controlplane -> controlplane controller-manager "kube-controller-manager"  [cp-controller-manager at ${a}:68:1]`,
        `    now denied by default ingress deny  [default ingress deny at ${b}:119:1]`,
        '    tcp controlplane -> controlplane port 10257',
        '      e.g. tcp 10.0.1.1 -> 10.0.1.1 port 10257',
        'not equivalent: 1 added, 2 removed',
        '',
      ].join('\n'),
    );
  });

  it('prints the contract\'s JSON with --format json', () => {
    const r = run('diff', a, b, '--format', 'json');
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { equivalent: boolean; differences: Record<string, unknown>[] };
    expect(json.equivalent).toBe(false);
    expect(json.differences).toEqual([
      { change: 'added', protocol: 'tcp', src: ['10.0.2.0/24', '10.0.12.0/24'], dst: ['10.0.1.0/24'], ports: ['10257'], example: { protocol: 'tcp', src: '10.0.2.1', dst: '10.0.1.1', port: 10257 } },
      { change: 'removed', protocol: 'tcp', src: ['10.0.16.0/20', '10.0.32.0/19', '10.0.64.0/18', '10.0.128.0/17'], dst: ['10.0.1.0/24'], ports: ['10250'], example: { protocol: 'tcp', src: '10.0.16.1', dst: '10.0.1.1', port: 10250 } },
      { change: 'removed', protocol: 'tcp', src: ['10.0.1.0/24'], dst: ['10.0.1.0/24'], ports: ['10257'], example: { protocol: 'tcp', src: '10.0.1.1', dst: '10.0.1.1', port: 10257 } },
    ]);
    expect(JSON.parse(run('diff', a, a, '--format', 'json').stdout)).toEqual({ equivalent: true, differences: [] });
  });

  it('applies --set to both rulesets', () => {
    expect(run('diff', a, b, '--set', 'cni=calico').status).toBe(1);
    const r = run('diff', a, a, '--set', 'enable_nodeport=true');
    expect(r.status).toBe(0);
  });

  it('compares a ruleset with compiled artifacts, a directory or one file', () => {
    const out = path.join(work, 'out');
    expect(run('compile', a, '--target', 'nftables', '--out', out).status).toBe(0);
    expect(run('diff', a, `nftables:${out}`).status).toBe(0);
    expect(run('diff', `nftables:${out}/worker.nft`, a).status).toBe(0);
    const cp = path.join(out, 'controlplane.nft');
    writeFileSync(cp, readFileSync(cp, 'utf8').replace('tcp dport 6443 accept comment "cp-k8s-api"', 'tcp dport 6443-6444 accept comment "cp-k8s-api"'));
    const r = run('diff', a, `nftables:${out}`, '--format', 'json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).differences).toEqual([
      { change: 'added', protocol: 'tcp', src: ['10.0.0.0/16'], dst: ['10.0.1.0/24'], ports: ['6444'], example: { protocol: 'tcp', src: '10.0.0.1', dst: '10.0.1.1', port: 6444 } },
    ]);
  });

  it('exits 2 with positioned errors for bad operands', () => {
    const bad = run('diff', a, path.join(work, 'missing.pal'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/^<command line>:1:\d+: error: cannot read ".*missing\.pal": no such file \[PAL7001\]$/);
    const broken = path.join(work, 'controlplane.nft');
    writeFileSync(broken, 'table inet t {\n  chain input {\n    type filter hook input priority 0;\n    jump elsewhere\n  }\n}\n');
    const nft = run('diff', a, `nftables:${broken}`);
    expect(nft.status).toBe(2);
    expect(nft.stderr.split('\n')[0]).toBe(`${broken}:4:5: error: "jump elsewhere" is not modelled by the nftables reader, so the file cannot be compared exactly [PAL6005]`);
    expect(run('diff', a, b, '--format', 'xml').status).toBe(2);
  });
});

describe('palisade lint', () => {
  it('prints findings with code frames and exits 0 when none is an error', () => {
    const r = run('lint', 'rulesets/talos-aws.pal');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => / (warning|error): /.test(l))).toEqual([
      'rulesets/talos-aws.pal:38:6: warning: zone "admin" is empty with the current parameters [PAL8005]',
      'rulesets/talos-aws.pal:66:1: warning: rule "cp-kubelet-self" is redundant: without it, its packets are decided the same way by "cp-kubelet-vpc" [PAL8003]',
      'rulesets/talos-aws.pal:88:1: warning: rule "wk-talos-api-cp" is redundant: without it, its packets are decided the same way by "wk-talos-api-vpc" [PAL8003]',
      'rulesets/talos-aws.pal:90:1: warning: rule "wk-kubelet-cp" is redundant: without it, its packets are decided the same way by "wk-kubelet-vpc" [PAL8003]',
      'rulesets/talos-aws.pal:91:1: warning: rule "wk-kubelet-self" is redundant: without it, its packets are decided the same way by "wk-kubelet-vpc" [PAL8003]',
    ]);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('5 findings: 0 errors, 5 warnings');
  });

  it('exits 1 when a finding is an error, and includes the checker\'s warnings', () => {
    const f = path.join(work, 'open.pal');
    writeFileSync(f, 'param a: list(cidr) = []\nzone admin = $a\nrole cp = 10.0.1.0/24\netcd allow any -> cp tcp/2379-2380\nx allow admin -> cp tcp/1\n');
    const r = run('lint', f);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter((l) => / (warning|error): /.test(l)).map((l) => l.replace(`${f}:`, ''))).toEqual([
      '2:6: warning: zone "admin" is empty with the current parameters [PAL8005]',
      '4:1: error: rule "etcd" opens etcd (tcp/2379-2380) to any address (every IPv4 address) [PAL8006]',
      '5:9: warning: rule "x" matches nothing: its source is empty with the current parameters [PAL5002]',
    ]);
  });

  it('writes SARIF 2.1.0 that the official schema accepts', () => {
    const f = path.join(work, 'shadow.pal');
    writeFileSync(f, 'zone admin = 192.168.10.0/24\nrole cp = 10.0.1.0/24\napi allow admin -> cp tcp/6443, tcp/50000\nssh-all deny any -> cp tcp/22\nssh-admin allow admin -> cp tcp/22\n');
    const r = run('lint', f, '--format', 'sarif');
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', 'utf8'));
    // rtm.5 has a language-code pattern that is only valid without the Unicode flag.
    const validate = new ajvDraft04.default({ strict: false, unicodeRegExp: false, logger: false }).compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results).toEqual([
      {
        ruleId: 'PAL8002',
        ruleIndex: 0,
        level: 'error',
        message: { text: 'rule "ssh-admin" is shadowed: every packet it matches is decided earlier, by "ssh-all"' },
        locations: [{ physicalLocation: { artifactLocation: { uri: f }, region: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 10 } } }],
        relatedLocations: [
          { id: 1, physicalLocation: { artifactLocation: { uri: f }, region: { startLine: 4, startColumn: 1, endLine: 4, endColumn: 8 } }, message: { text: 'covered by "ssh-all"' } },
        ],
      },
    ]);
  });

  it('exits 2 for an invalid ruleset', () => {
    const f = path.join(work, 'invalid.pal');
    writeFileSync(f, 'role cp = 10.0.1.0/24\nallow any -> cp tcp/0\n');
    const r = run('lint', f);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`${f}:2:21: error: port 0 is out of range: ports are 1-65535 [PAL4001]`);
  });
});
