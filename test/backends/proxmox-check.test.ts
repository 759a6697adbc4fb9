/**
 * What the Proxmox targets accept and refuse, as diagnostics data (code, line, column): the
 * `vms.<role>` option family and list values (from the target block and from `--set`), and the
 * rulesets PVE cannot express, each a positioned error naming the rule and the reason.
 */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/backends/options.js';
import { defineBackend } from '../../src/backends/types.js';
import { SourceFile, type Diagnostic } from '../../src/diagnostics/index.js';
import type { OptionValue } from '../../src/ir/index.js';
import { getBackend } from '../../src/backends/index.js';
import { pveName } from '../../src/backends/proxmox/names.js';
import { compileText, data, type DiagnosticData } from '../helpers.js';

const ROLES = 'role cp = 10.0.1.0/24\nrole worker = 10.0.2.0/24\nzone vpc = 10.0.0.0/16\nr allow vpc -> cp tcp/22\n';

interface Case {
  readonly name: string;
  readonly source: string;
  readonly set?: readonly string[];
  readonly target?: 'proxmox' | 'proxmox-fw';
  readonly diagnostics: readonly DiagnosticData[];
  readonly message?: RegExp;
}

const cases: readonly Case[] = [
  { name: 'VM ids per role', source: `${ROLES}target proxmox { vms.cp = [101, 102], vms.worker = [201] }\n`, diagnostics: [] },
  { name: 'VM ids from --set, comma-separated', source: ROLES, set: ['proxmox.vms.cp=101,102', 'proxmox.vms.worker=201'], diagnostics: [] },
  {
    name: 'vms of an undeclared role',
    source: `${ROLES}target proxmox { vms.cp = [101], vms.workers = [201] }\n`,
    diagnostics: [{ code: 'PAL3001', line: 5, column: 34 }],
    message: /unknown zone or role "workers"/,
  },
  { name: 'vms of an undeclared role, from --set', source: ROLES, set: ['proxmox.vms.db=101'], diagnostics: [{ code: 'PAL3001', line: 1, column: 16 }] },
  { name: 'vms of a zone', source: `${ROLES}target proxmox { vms.vpc = [101] }\n`, diagnostics: [{ code: 'PAL3001', line: 5, column: 18 }] },
  { name: 'vms not a list of ids', source: `${ROLES}target proxmox { vms.cp = "101" }\n`, diagnostics: [{ code: 'PAL4011', line: 5, column: 18 }] },
  { name: 'a VM id below 100', source: `${ROLES}target proxmox { vms.cp = [101, 99] }\n`, diagnostics: [{ code: 'PAL4011', line: 5, column: 18 }] },
  { name: 'a VM id that is not a number, from --set', source: ROLES, set: ['proxmox.vms.cp=101,abc'], diagnostics: [{ code: 'PAL4011', line: 1, column: 16 }] },
  { name: 'vms without a role', source: `${ROLES}target proxmox { vms = [101] }\n`, diagnostics: [{ code: 'PAL3011', line: 5, column: 18 }] },
  { name: 'an unknown key', source: `${ROLES}target proxmox { nodes = "pve1" }\n`, diagnostics: [{ code: 'PAL3011', line: 5, column: 18 }] },
  { name: 'a node name PVE refuses', source: `${ROLES}target proxmox { node = "pve_1" }\n`, diagnostics: [{ code: 'PAL4011', line: 5, column: 18 }] },
  {
    name: 'a proxmox-only key in the proxmox-fw block',
    source: `${ROLES}target proxmox-fw { node = "pve1" }\n`,
    target: 'proxmox-fw',
    diagnostics: [{ code: 'PAL3011', line: 5, column: 21 }],
  },
  {
    name: 'a role without VMs is a warning',
    source: `${ROLES}target proxmox { vms.cp = [101] }\n`,
    diagnostics: [{ code: 'PAL6501', line: 2, column: 1, severity: 'warning' }],
  },
  {
    name: 'a VM in two roles',
    source: `${ROLES}target proxmox { vms.cp = [101], vms.worker = [101] }\n`,
    diagnostics: [{ code: 'PAL6503', line: 2, column: 1 }],
  },
  {
    name: 'a role without addresses',
    source: 'role cp\nr allow any -> cp tcp/22\ntarget proxmox { vms.cp = [101] }\n',
    diagnostics: [{ code: 'PAL6001', line: 1, column: 1 }],
  },
  {
    name: 'names equal once lower-cased',
    source: 'role Web = 10.0.1.0/24\nzone web = 10.0.0.0/8\nr allow web -> Web tcp/22\ntarget proxmox { vms.Web = [101] }\n',
    diagnostics: [{ code: 'PAL6502', line: 2, column: 1 }],
    message: /IP set of "Web" and "web" both become the Proxmox name "web"/,
  },
  {
    name: 'an ICMP type PVE has no name for',
    source: 'role cp = 10.0.1.0/24\nr allow any -> cp icmp/info-request\ntarget proxmox { vms.cp = [101] }\n',
    diagnostics: [{ code: 'PAL6002', line: 2, column: 1 }],
    message: /cannot express rule "r": PVE has no name for icmp type 15/,
  },
  {
    name: 'every ICMP type, as a range, is ICMP without a type',
    source: 'role cp = 10.0.1.0/24\nr allow any -> cp icmp/0-255, icmpv6/0-255\ntarget proxmox { vms.cp = [101] }\n',
    diagnostics: [],
  },
  {
    name: 'a protocol outside /etc/protocols',
    source: 'role cp = 10.0.1.0/24\nr allow any -> cp proto/200\ntarget proxmox { vms.cp = [101] }\n',
    diagnostics: [{ code: 'PAL6002', line: 2, column: 1 }],
  },
  {
    name: "the covered part of a role, over 512 characters, gets an IP set of its own",
    source: `role cp = ${Array.from({ length: 45 }, (_, i) => `192.168.${i * 2}.1`).join(', ')}\nr allow any -> cp except 192.168.0.1 tcp/22\ntarget proxmox { vms.cp = [101] }\n`,
    diagnostics: [],
  },
  {
    name: 'a peer over 512 characters gets an IP set of its own',
    source: `role cp = 10.0.1.0/24\nr allow [${Array.from({ length: 45 }, (_, i) => `192.168.${i * 2}.1`).join(', ')}] -> cp tcp/22\ntarget proxmox { vms.cp = [101] }\n`,
    diagnostics: [],
  },
  {
    name: 'a peer IP set whose name is taken',
    source: `role cp = 10.0.1.0/24\nzone r-src-v4 = 10.9.0.0/16\nr allow [${Array.from({ length: 45 }, (_, i) => `192.168.${i * 2}.1`).join(', ')}] -> cp tcp/22\ntarget proxmox { vms.cp = [101] }\n`,
    diagnostics: [{ code: 'PAL6502', line: 3, column: 1 }],
  },
];

describe.each(cases)('$name', ({ source, set, target, diagnostics, message }) => {
  it('gives exactly the expected diagnostics', () => {
    const result = compileText(source, target ?? 'proxmox', { set: set ?? [] });
    // The backend's own diagnostics; the operational guards are test/guards/guards.test.ts's.
    expect(data(result.diagnostics).filter((d) => !/^PAL69[2-4]\d$/.test(d.code))).toEqual(diagnostics);
    if (message) expect(result.diagnostics.map((d) => d.message).join('\n')).toMatch(message);
    expect(result.artifacts !== undefined).toBe(diagnostics.every((d) => d.severity === 'warning'));
  });
});

describe('names and option values', () => {
  it('lower-cases names, prefixes short or reserved ones, and hashes long ones into 18 characters', () => {
    expect(pveName('controlplane', 18)).toBe('controlplane');
    expect(pveName('ControlPlane', 18)).toBe('controlplane');
    expect(pveName('x', 18)).toBe('p-x');
    expect(pveName('_x', 18)).toBe('p-_x');
    expect(pveName('management', 64)).toBe('p-management');
    expect(pveName('kubernetes-control-plane', 18)).toMatch(/^kubernetes-co-[0-9a-f]{4}$/);
    expect(pveName('kubernetes-control-plane', 18)).not.toBe(pveName('kubernetes-control-planes', 18));
  });

  it('resolves vms.<role> into a map of lists, leaving other targets untouched', () => {
    const result = compileText(`${ROLES}target proxmox { vms.cp = [101, 102] }\ntarget nftables { table = "t" }\n`, 'nftables');
    expect(result.diagnostics).toEqual([]);
    const backend = getBackend('proxmox');
    const values = resolveOptions(backend, { name: 'proxmox', options: [], span: undefined!, nameSpan: undefined! }, [], ['cp']);
    expect(values).toEqual({ 'vms.<role>': {}, enable_datacenter: false, node: 'localhost', guest: 'qemu', nic: 'net0', nic_firewall: false });
  });

  it('checks list(int) options: bracketed lists, comma-separated text, bounds', () => {
    const backend = defineBackend({
      id: 'fake',
      description: 'a backend with a list option',
      capabilities: { ordered: true, deny: true, egress: true, ipv6: true, icmpTypes: true, stateful: true, needsRoleAddresses: false, artifacts: '' },
      options: { ports: { type: 'list(int)', default: [22], min: 1, max: 65535, description: 'ports' } },
      check: () => [],
      emit: () => [],
    });
    const span = new SourceFile('t.pal', 'x').span(0, 1);
    const block = (value: OptionValue) => ({ name: 'fake', span, nameSpan: span, options: [{ key: 'ports', value, span }] });
    const resolve = (value: OptionValue) => {
      const diagnostics: Diagnostic[] = [];
      return { values: resolveOptions(backend, block(value), diagnostics), codes: diagnostics.map((d) => d.code) };
    };
    expect(resolveOptions(backend, undefined, [])).toEqual({ ports: [22] });
    expect(resolve({ kind: 'list', items: [{ kind: 'int', value: 80 }, { kind: 'int', value: 443 }] })).toEqual({ values: { ports: [80, 443] }, codes: [] });
    expect(resolve({ kind: 'text', text: '80,443' })).toEqual({ values: { ports: [80, 443] }, codes: [] });
    expect(resolve({ kind: 'text', text: '' })).toEqual({ values: { ports: [] }, codes: [] });
    expect(resolve({ kind: 'int', value: 8080 })).toEqual({ values: { ports: [8080] }, codes: [] });
    expect(resolve({ kind: 'list', items: [{ kind: 'int', value: 0 }] }).codes).toEqual(['PAL4011']);
    expect(resolve({ kind: 'list', items: [{ kind: 'string', value: '80' }] }).codes).toEqual(['PAL4011']);
    expect(resolve({ kind: 'text', text: '80,,443' }).codes).toEqual(['PAL4011']);
  });
});
