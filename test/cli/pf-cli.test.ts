/**
 * pfSense and OPNsense through the real binary: compile with target options from the file and
 * from --set, diff a ruleset against compiled and exported files, and positioned errors that
 * leave nothing behind.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, workspace } from './workspace.js';

const { work } = workspace('palisade-pf-cli-');

describe('palisade compile --target pfsense|opnsense', () => {
  it('writes pfsense.xml on the interface given with --set', () => {
    const out = path.join(work, 'pf');
    const r = run('compile', 'rulesets/bare-metal.pal', '--target', 'pfsense', '--set', 'pfsense.interface=opt1', '--out', out);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readdirSync(out)).toEqual(['pfsense.xml']);
    const xml = readFileSync(path.join(out, 'pfsense.xml'), 'utf8');
    expect(xml.match(/<interface>[^<]*<\/interface>/g)!.every((m) => m === '<interface>opt1</interface>')).toBe(true);
  });

  it('writes the OPNsense XML and API plan, with options from a target block', () => {
    const pal = path.join(work, 'opn.pal');
    writeFileSync(pal, `${readFileSync('rulesets/bare-metal.pal', 'utf8')}\ntarget opnsense { interface = "opt2", deny_action = "reject" }\n`);
    const out = path.join(work, 'opn');
    const r = run('compile', pal, '--target', 'opnsense', '--out', out);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readdirSync(out).sort()).toEqual(['opnsense-api-plan.json', 'opnsense-config.xml']);
    const plan = JSON.parse(readFileSync(path.join(out, 'opnsense-api-plan.json'), 'utf8')) as { steps: { path: string }[] };
    expect(plan.steps.map((s) => s.path.replace(/[0-9a-f-]{36}$/, '{uuid}'))).toEqual([
      '/api/firewall/alias/import',
      '/api/firewall/alias/reconfigure',
      ...Array<string>(7).fill('/api/firewall/filter/set_rule/{uuid}'),
      '/api/firewall/filter/apply',
    ]);
    expect(readFileSync(path.join(out, 'opnsense-config.xml'), 'utf8')).toContain('<action>reject</action>');
  });

  it('reports what the target cannot express, positioned, and writes nothing', () => {
    const pal = path.join(work, 'bad.pal');
    writeFileSync(pal, 'role web\nzone lan = 10.0.0.0/8\nr allow lan -> web tcp/80\n');
    const out = path.join(work, 'bad-out');
    const r = run('compile', pal, '--target', 'pfsense', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${pal}:1:1: error: role "web" has no addresses; the pfsense target needs the addresses of every role [PAL6001]\n  1 | role web\n    | ^^^^^^^^\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('palisade diff with pfsense: and opnsense: operands', () => {
  it('finds a compiled file equivalent to its ruleset', () => {
    const r = run('diff', 'rulesets/proxmox.pal', 'opnsense:test/golden/opnsense/proxmox/opnsense-config.xml');
    expect([r.status, r.stdout]).toEqual([0, '--- rulesets/proxmox.pal\n+++ opnsense:test/golden/opnsense/proxmox/opnsense-config.xml\nequivalent: both permit exactly the same packets\n']);
  });

  it('shows how a full exported config.xml differs from the ruleset, as JSON', () => {
    const r = run('diff', 'rulesets/bare-metal.pal', 'pfsense:test/fixtures/pfsense/pfsense-config.default.xml', '--format', 'json');
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout) as { equivalent: boolean; differences: { change: string }[] };
    expect(result.equivalent).toBe(false);
    expect(new Set(result.differences.map((d) => d.change))).toEqual(new Set(['added', 'removed']));
  });
});
