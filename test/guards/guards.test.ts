/**
 * The operational guards of `compile` (src/guards/): for each, a ruleset where it fires (the
 * whole warning as data: code, line, column) and one where it does not; the compile succeeds
 * either way. Through the binary: the warning is printed to stderr as diagnostics are, exit 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetId } from '../../src/backends/index.js';
import { compileText, data, type DiagnosticData } from '../helpers.js';

/** The guard warnings (PAL6920-PAL6949) of a successful compile. */
function guardWarnings(text: string, target: TargetId, set: readonly string[] = []): DiagnosticData[] {
  const r = compileText(text, target, { set });
  expect(r.artifacts, r.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
  return data(r.diagnostics).filter((d) => /^PAL69[2-4]\d$/.test(d.code));
}

const W = (code: string, line: number, column: number): DiagnosticData => ({ code, line, column, severity: 'warning' });

const CLUSTER = 'role cp = 10.0.1.0/24\nzone vpc = 10.0.0.0/16\nzone admin = 192.0.2.0/24\n';

describe('PAL6920: a control-plane port open to any address', () => {
  it('fires at the rule, on every target', () => {
    const text = `${CLUSTER}api allow any -> cp tcp/6443\n`;
    expect(guardWarnings(text, 'nftables')).toEqual([W('PAL6920', 4, 1)]);
    expect(guardWarnings(text, 'pfsense')).toEqual([W('PAL6920', 4, 1)]);
    expect(compileText(text, 'nftables').diagnostics[0]!.message).toBe(
      'rule "api" opens the Kubernetes API (tcp/6443) to any address (every IPv4 address)',
    );
  });

  it('fires for every IPv6 address and for `any` service, not for a narrower source or another port', () => {
    expect(guardWarnings(`role cp = 10.0.1.0/24, fd00:1::/64\nallow ::/0 -> cp any\n`, 'nftables')).toEqual([W('PAL6920', 2, 1)]);
    expect(guardWarnings('role cp = 10.0.1.0/24\nzone vpc = 10.0.0.0/16\nallow vpc -> cp tcp/6443\n', 'nftables')).toEqual([]);
    expect(guardWarnings(`${CLUSTER}allow any -> cp tcp/443\n`, 'nftables')).toEqual([]);
    expect(guardWarnings(`${CLUSTER}allow any -> 192.0.2.1 tcp/6443\n`, 'nftables')).toEqual([]); // not a role
  });
});

describe('PAL6921: administrators locked out of an API the ruleset opens', () => {
  it('fires at the admin zone when no rule lets it reach the API', () => {
    const text = `${CLUSTER}allow vpc -> cp tcp/6443, tcp/50000\nallow admin -> cp tcp/22\n`;
    expect(guardWarnings(text, 'nftables')).toEqual([W('PAL6921', 3, 6), W('PAL6921', 3, 6)]);
  });

  it('does not fire when admins reach it, or when the ruleset does not open the API at all', () => {
    expect(guardWarnings(`${CLUSTER}allow vpc -> cp tcp/6443, tcp/50000\nallow admin -> cp tcp/6443, tcp/50000\n`, 'nftables')).toEqual([]);
    expect(guardWarnings(`${CLUSTER}allow admin -> cp tcp/22\n`, 'nftables')).toEqual([]);
    // An empty admin zone (no admins configured yet) is lint's PAL8005, not a lockout.
    expect(guardWarnings('param a: list(cidr) = []\nzone admin = $a\nrole cp = 10.0.1.0/24\nallow 10.0.0.0/8 -> cp tcp/6443\n', 'nftables')).toEqual([]);
  });
});

describe('PAL6922: no path to the Talos API on a role', () => {
  const GAPS = ['talos.icmp=talos', 'talos.egress=elsewhere'];
  it('fires at each role no rule opens tcp/50000 to, on talos and talos-nft', () => {
    const text = 'role cp = 10.0.1.0/24\nrole worker = 10.0.2.0/24\nzone vpc = 10.0.0.0/16\nallow vpc -> cp tcp/50000\nallow vpc -> worker tcp/10250\n';
    expect(guardWarnings(text, 'talos', GAPS)).toEqual([W('PAL6922', 2, 6)]);
    expect(guardWarnings(text, 'talos-nft', GAPS.map((g) => g.replace('talos.', 'talos-nft.')))).toEqual([W('PAL6922', 2, 6)]);
    expect(guardWarnings(text, 'nftables')).toEqual([]); // Talos-only
  });

  it('does not fire when every role has a path', () => {
    const text = 'role cp = 10.0.1.0/24\nrole worker = 10.0.2.0/24\nzone vpc = 10.0.0.0/16\nallow vpc -> [cp, worker] tcp/50000\n';
    expect(guardWarnings(text, 'talos', GAPS)).toEqual([]);
  });
});

describe('PAL6923 and PAL6924: the Proxmox switches', () => {
  const text = 'role web = 10.0.1.0/24\nzone lan = 10.0.0.0/8\nallow lan -> web tcp/22\n';
  it('PAL6923: a switch left as it is (the defaults), at the first role', () => {
    expect(guardWarnings(text, 'proxmox-fw', ['proxmox-fw.vms.web=101'])).toEqual([W('PAL6923', 1, 1)]);
    expect(guardWarnings(text, 'proxmox', ['proxmox.vms.web=101', 'proxmox.enable_datacenter=false'])[0]!.code).toBe('PAL6923');
  });

  it('PAL6924: the datacenter firewall turned on, at the option', () => {
    const block = `${text}target proxmox {\n  vms.web = [101]\n  enable_datacenter = true\n  nic_firewall = true\n}\n`;
    expect(guardWarnings(block, 'proxmox')).toEqual([W('PAL6924', 6, 3)]);
  });

  it('neither on another target; PAL6923 not when every switch is on', () => {
    expect(guardWarnings(text, 'nftables')).toEqual([]);
    const on = guardWarnings(text, 'proxmox', ['proxmox.vms.web=101', 'proxmox.enable_datacenter=true', 'proxmox.nic_firewall=true']);
    expect(on.map((d) => d.code)).toEqual(['PAL6924']);
  });
});

describe('through the binary', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'palisade-guards-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('prints a guard warning to stderr with its position and code frame, and exits 0', () => {
    const file = path.join(work, 'open.pal');
    writeFileSync(file, `${CLUSTER}api allow any -> cp tcp/6443\n`);
    const r = spawnSync(process.execPath, [path.resolve('bin/palisade.js'), 'compile', file, '--target', 'nftables'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      [
        `${file}:4:1: warning: rule "api" opens the Kubernetes API (tcp/6443) to any address (every IPv4 address) [PAL6920]`,
        '  4 | api allow any -> cp tcp/6443',
        '    | ^^^',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain('tcp dport 6443 accept');
  });
});
