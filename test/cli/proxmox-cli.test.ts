/**
 * The Proxmox targets through the bundled CLI: compile to a directory, diff the ruleset against
 * the files read back (`proxmox-fw:DIR`), and the errors and exit codes of what PVE cannot express.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, workspace } from './workspace.js';

const { work } = workspace('palisade-pve-cli-');

describe('palisade compile --target proxmox / proxmox-fw', () => {
  it('writes the pvesh script, the same bytes as its golden', () => {
    const out = path.join(work, 'sh');
    const r = run('compile', 'rulesets/proxmox.pal', '--target', 'proxmox', '--out', out);
    // Only the guard's warning that the datacenter switch is left as it is.
    expect([r.status, r.stderr.match(/\[PAL\d+\]$/gm)]).toEqual([0, ['[PAL6923]']]);
    expect(readdirSync(out)).toEqual(['palisade-proxmox.sh']);
    expect(readFileSync(path.join(out, 'palisade-proxmox.sh'), 'utf8')).toBe(readFileSync('test/golden/proxmox/proxmox/palisade-proxmox.sh', 'utf8'));
  });

  it('writes .fw files that diff as equivalent once the datacenter switch is on, and warns while it is off', () => {
    const out = path.join(work, 'fw');
    const on = run('compile', 'rulesets/proxmox.pal', '--target', 'proxmox-fw', '--set', 'proxmox-fw.enable_datacenter=true', '--out', out);
    // Only the guard's warning that the datacenter switch arms the hosts' firewalls.
    expect([on.status, on.stderr.match(/\[PAL\d+\]$/gm)]).toEqual([0, ['[PAL6924]']]);
    expect(readdirSync(out).sort()).toEqual(['101.fw', '102.fw', '103.fw', '201.fw', '202.fw', '203.fw', 'cluster.fw']);
    const diff = run('diff', 'rulesets/proxmox.pal', `proxmox-fw:${out}`);
    expect(diff).toEqual({ status: 0, stdout: `--- rulesets/proxmox.pal\n+++ proxmox-fw:${out}\nequivalent: both permit exactly the same packets\n`, stderr: '' });

    const offOut = path.join(work, 'fw-off');
    expect(run('compile', 'rulesets/proxmox.pal', '--target', 'proxmox-fw', '--out', offOut).status).toBe(0);
    const off = run('diff', 'rulesets/proxmox.pal', `proxmox-fw:${offOut}`);
    expect(off.stderr).toContain('warning: proxmox-fw: the datacenter firewall is off (enable: 1 is not set), so no guest is filtered [PAL6006]');
  });

  it('finds a hand edit in a .fw file', () => {
    const out = path.join(work, 'fw-edit');
    run('compile', 'rulesets/proxmox.pal', '--target', 'proxmox-fw', '--set', 'proxmox-fw.enable_datacenter=true', '--out', out);
    const cluster = path.join(out, 'cluster.fw');
    // Both the IN rule and the OUT rule of etcd: widening one alone changes nothing, since a
    // packet between two control-plane VMs passes the sender's OUT and the receiver's IN.
    writeFileSync(cluster, readFileSync(cluster, 'utf8').replaceAll('-dport 2379:2380', '-dport 2379:2381'));
    const r = run('diff', 'rulesets/proxmox.pal', `proxmox-fw:${out}`, '--format', 'json');
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { equivalent: boolean; differences: { change: string; ports: string[] }[] };
    expect(json.equivalent).toBe(false);
    expect(json.differences.map((d) => [d.change, d.ports])).toEqual([['added', ['2381']]]);
  });

  it('refuses a rule PVE cannot express, at its position, with status 2 and no output', () => {
    const pal = path.join(work, 'icmp.pal');
    writeFileSync(pal, 'role cp = 10.0.1.0/24\nr allow any -> cp icmp/info-request\ntarget proxmox { vms.cp = [101] }\n');
    const out = path.join(work, 'none');
    const r = run('compile', pal, '--target', 'proxmox', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${pal}:2:1: error: the proxmox target cannot express rule "r": PVE has no name for icmp type 15, and it takes ICMP types by name only [PAL6002]\n` +
        '  2 | r allow any -> cp icmp/info-request\n' +
        '    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
    );
    expect(() => readdirSync(out)).toThrow();
  });
});
