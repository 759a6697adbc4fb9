/**
 * The command line as users and scripts meet it (LANGUAGE.md, "Command line"): the real
 * binary, its output, exit statuses, and what it writes (or does not write) to disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, workspace } from './workspace.js';

const { work, file } = workspace('palisade-cli-');

const BAD = 'role cp = 10.0.1.0/24\nallow wroker -> cp tcp/1\nallow any -> cp tcp/0\n';

describe('palisade compile', () => {
  it('prints several artifacts to stdout, each after a "# ==> NAME <==" line', () => {
    const r = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.match(/^# ==> .* <==$/gm)).toEqual(['# ==> controlplane.nft <==', '# ==> worker.nft <==']);
    expect(r.stdout.startsWith('# ==> controlplane.nft <==\n#!/usr/sbin/nft -f\n')).toBe(true);
  });

  it('prints a single artifact without a header line', () => {
    const r = run('compile', 'rulesets/bare-metal.pal', '--target', 'nftables');
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('#!/usr/sbin/nft -f\n')).toBe(true);
    expect(r.stdout).not.toContain('# ==>');
  });

  it('writes every artifact into --out DIR, with the same bytes as stdout', () => {
    const out = path.join(work, 'out');
    const r = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables', '--out', out, '--set', 'enable_nodeport=true');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(out).sort()).toEqual(['controlplane.nft', 'worker.nft']);
    const printed = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables', '--set', 'enable_nodeport=true').stdout;
    const joined = ['controlplane.nft', 'worker.nft'].map((f) => `# ==> ${f} <==\n${readFileSync(path.join(out, f), 'utf8')}`).join('');
    expect(joined).toBe(printed);
  });

  it('reports every error with its position and a code frame, exits 2, no stack trace', () => {
    const r = run('compile', file('bad.pal', BAD), '--target', 'nftables');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const name = path.join(work, 'bad.pal');
    expect(r.stderr).toBe(
      [
        `${name}:2:7: error: unknown zone or role "wroker" [PAL3001]`,
        '  2 | allow wroker -> cp tcp/1',
        '    |       ^^^^^^',
        `${name}:3:21: error: port 0 is out of range: ports are 1-65535 [PAL4001]`,
        '  3 | allow any -> cp tcp/0',
        '    |                     ^',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('writes nothing and leaves existing output untouched on error', () => {
    const out = path.join(work, 'keep');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'cp.nft'), 'old contents\n');
    const r = run('compile', file('bad2.pal', 'role cp = 10.0.1.0/24\nallow any -> cp tcp/0\n'), '--target', 'nftables', '--out', out);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual(['cp.nft']);
    expect(readFileSync(path.join(out, 'cp.nft'), 'utf8')).toBe('old contents\n');
  });

  it('does not create --out DIR for an invalid ruleset', () => {
    const out = path.join(work, 'never');
    expect(run('compile', file('bad3.pal', BAD), '--target', 'nftables', '--out', out).status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('points at the command line for a bad argument', () => {
    const r = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables', '--set', 'vpc_cidr=10.0.0.1/16');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        '<command line>:1:74: error: value for parameter "vpc_cidr" is not a cidr: "10.0.0.1/16" has host bits set; the network is 10.0.0.0/16 [PAL4008]',
        '  1 | palisade compile rulesets/talos-aws.pal --target nftables --set vpc_cidr=10.0.0.1/16',
        `    | ${' '.repeat(73)}${'^'.repeat(11)}`,
        '',
      ].join('\n'),
    );
  });

  it('reports a missing file, an unknown target and an unknown option', () => {
    const missing = run('compile', 'nope.pal', '--target', 'nftables');
    expect(missing.status).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('<command line>:1:18: error: cannot read "nope.pal": no such file [PAL7001]');
    const target = run('compile', 'rulesets/talos-aws.pal', '--target', 'nft');
    expect(target.status).toBe(2);
    expect(target.stderr.split('\n')[0]).toBe('<command line>:1:50: error: unknown target "nft" [PAL7002]');
    const option = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables', '--bogus');
    expect(option.status).toBe(2);
    expect(option.stderr.split('\n')[0]).toMatch(/^<command line>:1:59: error: unknown option '--bogus'/);
  });

  it('reads parameters from a vars file', () => {
    const vars = file('vars.yaml', 'allowed_admin_cidrs:\n  - 196.45.28.20/32\n');
    const r = run('compile', 'rulesets/talos-aws.pal', '--target', 'nftables', '--vars', vars);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('elements = { 196.45.28.20/32 }');
  });

  it('prints warnings but still succeeds', () => {
    const r = run('compile', file('warn.pal', 'param a: list(cidr) = []\nzone admin = $a\nrole cp = 10.0.1.0/24\nx allow admin -> cp tcp/1\n'), '--target', 'nftables');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(': warning: rule "x" matches nothing');
    expect(r.stdout).toContain('table inet palisade {');
  });
});

describe('palisade explain', () => {
  it('exits 0 for a permitted packet and names the rule and its location', () => {
    const r = run('explain', 'rulesets/talos-aws.pal', 'tcp', '10.0.2.5', '10.0.1.10', '6443');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'permitted: tcp 10.0.2.5 -> 10.0.1.10 port 6443',
        '  by rule cp-k8s-api at rulesets/talos-aws.pal:62:1',
        '    allow vpc -> controlplane k8s-api "Kubernetes API server"',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 for a denied packet and names the default', () => {
    const r = run('explain', 'rulesets/talos-aws.pal', 'tcp', '203.0.113.9', '10.0.1.10', '22');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        'denied: tcp 203.0.113.9 -> 10.0.1.10 port 22',
        '  no rule matches; the defaults that apply:',
        '    default ingress deny (rulesets/talos-aws.pal:118:1): the destination is in role controlplane',
        '',
      ].join('\n'),
    );
  });

  it('honours --set', () => {
    expect(run('explain', 'rulesets/talos-aws.pal', 'tcp', '196.45.28.20', '10.0.1.10', '6443').status).toBe(1);
    expect(run('explain', 'rulesets/talos-aws.pal', 'tcp', '196.45.28.20', '10.0.1.10', '6443', '--set', 'allowed_admin_cidrs=196.45.28.20/32').status).toBe(0);
  });

  it('exits 2 for a bad packet', () => {
    const r = run('explain', 'rulesets/talos-aws.pal', 'icmp', 'fd00::1', 'fd00::2');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('<command line>:1:41: error: icmp is not an IPv6 protocol [PAL7002]');
  });
});

describe('palisade targets, --help, --version', () => {
  it('lists every target with its capabilities and options', () => {
    const r = run('targets');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^TARGET +ORDERED +DENY +EGRESS +IPV6 +ICMP-TYPES +STATEFUL +NEEDS-ROLE-ADDRESSES +WRITES$/);
    expect(r.stdout).toMatch(/^nftables +yes +yes +yes +yes +yes +yes +yes +one <role>\.nft per role$/m);
    expect(r.stdout).toContain('nftables.table (string, default "palisade")');
  });

  it('prints usage', () => {
    expect(run('--help').status).toBe(0);
    expect(run('--help').stdout).toContain('palisade compile FILE --target T');
    expect(run().status).toBe(2);
  });

  it('prints the version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run('--version').stdout).toBe(`palisade ${pkg.version}\n`);
  });
});
