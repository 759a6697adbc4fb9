/**
 * The pvesh script for real: bash runs it twice against the simulated pvesh, and the final state
 * is identical both times and, read back by the proxmox reader, equivalent to the ruleset for
 * every role's VMs. It also converges from a drifted state, and bash itself parses every command
 * back into the argument vectors the model holds (quoting).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { quote } from 'shell-quote';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { lowerFirewall } from '../../src/backends/proxmox/lower.js';
import { ruleWords, shellWord, unsetFields } from '../../src/backends/proxmox/script.js';
import { analyze, compile } from '../../src/compile.js';
import type { Ruleset } from '../../src/ir/index.js';
import { assignments, memoryReader } from '../helpers.js';
import { goldenCases } from '../golden/rulesets.js';
import { judgesEveryRolePacket } from './coverage.js';
import { makeSim, runScript, seedState, writeState, type Run, type Sim } from './sim-harness.js';

let sim: Sim;
beforeAll(async () => {
  sim = await makeSim();
});
afterAll(async () => {
  await sim.close();
});

const fileReader = (p: string) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

/** Reads a state back and checks it against the ruleset, on every role's packets. */
export function expectEquivalent(ir: Ruleset, run: Run, context: string): void {
  const back = getBackend('proxmox').read!([{ path: 'state.json', text: run.stateText }], { roles: ir.roles });
  expect(back.diagnostics, context).toEqual([]);
  const diff = diffPolicies(rulesetPolicy(ir, 'ruleset'), back.policy!);
  expect(diff.equivalent, context).toBe(true);
  expect(judgesEveryRolePacket(ir, back.policy!), context).toBe(true);
}

function sortedEntries(state: object): unknown {
  const copy = JSON.parse(JSON.stringify(state));
  for (const set of Object.values(copy.cluster.ipsets) as { entries: { cidr: string }[] }[]) set.entries.sort((a, b) => (a.cidr < b.cidr ? -1 : 1));
  return copy;
}

const VMS = [101, 102, 103, 201, 202, 203];

// The golden cases whose ruleset names VMs (the others attach nothing, so nothing is judged).
const withVms = goldenCases.filter((c) => c.file === 'rulesets/proxmox.pal');

describe.each(withVms)('the golden script of $name', ({ name, file, set }) => {
  const script = readFileSync(`test/golden/proxmox/${name}/palisade-proxmox.sh`, 'utf8');
  const ir = analyze({ entry: file, read: fileReader, set: assignments(...set) }).ir!;
  let first: Run;
  let second: Run;
  // The datacenter switch is already on: the ruleset leaves enable_datacenter off.
  const seed = () => ({ ...seedState(VMS), cluster: { ...seedState(VMS).cluster, options: { enable: 1 } } });

  beforeAll(async () => {
    const state = writeState(sim, `${name}.json`, seed());
    first = await runScript(sim, script, state, `${name}-1`);
    second = await runScript(sim, script, state, `${name}-2`);
  });

  it('runs cleanly twice and leaves the same state', () => {
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stateText).toBe(first.stateText);
    // The second run creates nothing: everything is found in place.
    expect(second.calls.filter((c) => c[0] === 'create' && !c.includes('--rename'))).toEqual([]);
  });

  it('enables every rule it creates, and sets firewall=1 on each NIC keeping the rest', () => {
    const creates = first.calls.filter((c) => c[0] === 'create' && /\/rules$|\/groups\/[^/]+$/.test(c[1]!));
    const groups = Object.values(first.state.cluster.groups) as { rules: unknown[] }[];
    expect(creates.length).toBe(groups.reduce((n, g) => n + g.rules.length, 0) + VMS.length);
    for (const c of creates) expect(c.slice(2, 4)).toEqual(['--enable', '1']);
    expect(first.state.guests['101'].config.net0).toBe('virtio=BC:24:11:00:01:01,bridge=vmbr0,tag=40,firewall=1');
  });

  it('reads back equivalent to the ruleset for every role\'s VMs', () => {
    expectEquivalent(ir, second, 'golden');
  });

  it('converges from a drifted state to the same state', async () => {
    const drifted = JSON.parse(first.stateText);
    const cp = drifted.cluster.groups.controlplane.rules;
    cp.unshift({ type: 'in', action: 'ACCEPT', enable: 1, comment: 'added by hand' });
    cp[5] = { ...cp[5], dport: '1:65535', enable: 0 };
    drifted.cluster.groups.worker.rules.splice(3, 2);
    drifted.cluster.ipsets.nodes.entries.unshift({ cidr: '10.40.0.99' }, { cidr: '10.40.0.21', nomatch: 1 });
    drifted.cluster.ipsets.nodes.entries = drifted.cluster.ipsets.nodes.entries.filter((e: { cidr: string }) => e.cidr !== '10.40.0.11');
    drifted.guests['102'].firewall.rules[0].enable = 0;
    drifted.guests['102'].firewall.options = { enable: 0, policy_in: 'ACCEPT' };
    drifted.guests['201'].config.net0 = 'virtio=BC:24:11:00:01:02,firewall=0,bridge=vmbr0';
    const before = getBackend('proxmox').read!([{ path: 'state.json', text: JSON.stringify(drifted) }], { roles: ir.roles });
    expect(before.diagnostics.map((d) => d.message)).toEqual(['proxmox: guest 102 is not filtered: its firewall is off', 'proxmox: guest 201 is not filtered: its NIC has no firewall=1']);
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), before.policy!).equivalent).toBe(false);
    delete drifted.cluster.groups.worker;
    const state = writeState(sim, `${name}-drifted.json`, drifted);
    const run = await runScript(sim, script, state, `${name}-drifted`);
    expect([run.status, run.stderr]).toEqual([0, '']);
    const expected = JSON.parse(first.stateText);
    expected.guests['201'].config.net0 = 'virtio=BC:24:11:00:01:02,bridge=vmbr0,firewall=1';
    // IP set entries have no order that matters (PVE puts new ones on top): compare them sorted.
    expect(sortedEntries(run.state)).toEqual(sortedEntries(expected));
  });
});

describe('a naive create script (rules top-down, no --enable) is caught by the simulator and the reader', () => {
  it('leaves every rule disabled and in reverse order', async () => {
    const files = { 'main.pal': 'role web = 10.1.0.0/24\nzone lan = 10.0.0.0/8\nssh allow lan -> web tcp/22\nhttp allow any -> web tcp/80\ntarget proxmox { vms.web = [101] }\n' };
    const ir = analyze({ entry: 'main.pal', read: memoryReader(files) }).ir!;
    const naive = [
      'set -euo pipefail',
      'pvesh create /cluster/firewall/ipset --name lan && pvesh create /cluster/firewall/ipset/lan --cidr 10.0.0.0/8',
      'pvesh create /cluster/firewall/ipset --name web && pvesh create /cluster/firewall/ipset/web --cidr 10.1.0.0/24',
      "pvesh create /cluster/firewall/groups --group web --comment 'palisade role web, addresses +dc/web'",
      'pvesh create /cluster/firewall/groups/web --pos 0 --type in --action ACCEPT --source +dc/lan --proto tcp --dport 22',
      'pvesh create /cluster/firewall/groups/web --pos 1 --type in --action ACCEPT --proto tcp --dport 80',
      'pvesh create /nodes/pve1/qemu/101/firewall/rules --type group --action web --enable 1',
      'pvesh set /nodes/pve1/qemu/101/firewall/options --enable 1',
      'pvesh set /nodes/pve1/qemu/101/config --net0 virtio=BC:24:11:00:01:01,bridge=vmbr0,firewall=1',
      'pvesh set /cluster/firewall/options --enable 1',
    ].join('\n');
    const state = writeState(sim, 'naive.json', seedState([101]));
    const run = await runScript(sim, naive, state, 'naive');
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.state.cluster.groups.web.rules.map((r: { dport: string; enable: number }) => [r.dport, r.enable])).toEqual([
      ['80', 0],
      ['22', 0],
    ]);
    const back = getBackend('proxmox').read!([{ path: 'state.json', text: run.stateText }], { roles: ir.roles });
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), back.policy!).equivalent).toBe(false);
    // A second run of the naive script fails: the group and the IP sets exist.
    const again = await runScript(sim, naive, state, 'naive-2');
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain("name: IPSet 'lan' already exists");
  });
});

const NASTY = `
zone lan = 10.0.0.0/8, fd00::/8
role web = 10.1.0.0/24, fd00:1::/64
role db  = 10.2.0.5
quoted allow lan -> web tcp/80, tcp/443 "it's \\"quoted\\" $HOME \`id\` ; rm -rf * \\\\ not a comment"
ping   allow any -> [web, db] icmp/echo-request, icmpv6/echo-request "ping"
block  deny  web -> db tcp/5432
dbs    allow [web, lan] -> db tcp/5432, udp/1-15, udp/17-31, udp/33-47, udp/49-63, udp/65-79, udp/81-95, udp/97-111, udp/113-127
wide   allow [${Array.from({ length: 45 }, (_, i) => `192.168.${i * 2}.1`).join(', ')}] -> web tcp/8080
target proxmox { node = "pve-1", vms.web = [101, 102], vms.db = [301], nic_firewall = true, enable_datacenter = true }
`;

describe('a ruleset with hostile text, IPv6, ICMP and long port lists', () => {
  const files = { 'main.pal': NASTY };
  const compiled = compile({ entry: 'main.pal', read: memoryReader(files), target: 'proxmox', set: assignments() });
  const ir = analyze({ entry: 'main.pal', read: memoryReader(files) }).ir!;
  const script = compiled.artifacts?.[0]?.contents ?? '';

  it('compiles, and bash -n accepts it', () => {
    // Only the guard's warning that enable_datacenter arms the hosts' firewalls (test/guards).
    expect(compiled.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning PAL6924']);
    execFileSync('bash', ['-n'], { input: script });
  });

  it('is parsed by bash into exactly the argument vectors of the model', () => {
    const model = lowerFirewall(ir, { 'vms.<role>': { web: [101, 102], db: [301] }, enable_datacenter: true }, 'proxmox').model!;
    const expected: string[][] = [
      ...model.ipsets.map((s) => ['ensure_ipset', s.name, s.comment, ...s.cidrs]),
      ...model.groups.flatMap((g) => [
        ['ensure_group', g.name, g.comment],
        ...g.rules.map((r, i) => ['put_rule', g.name, String(i), unsetFields(r), ...ruleWords(r)]),
        ['trim_group', g.name, String(g.rules.length)],
      ]),
      ...model.guests.flatMap((g) => {
        const path = `/nodes/pve-1/qemu/${g.vmid}`;
        return [
          ['attach_group', path, g.rules[0]!.action, g.rules[0]!.comment!],
          ['pvesh', 'set', `${path}/firewall/options`, '--enable', '1', '--policy_in', 'DROP', '--policy_out', 'ACCEPT'],
          ['nic_firewall', path, 'net0'],
        ];
      }),
      ['pvesh', 'set', '/cluster/firewall/options', '--enable', '1'],
    ];
    const body = script.slice(script.indexOf('# ---- cluster IP sets'));
    const printers = ['ensure_ipset', 'ensure_group', 'put_rule', 'trim_group', 'attach_group', 'nic_firewall', 'pvesh']
      .map((f) => `${f}() { printf '%s\\0' ${f} "$@"; printf '\\1\\0'; }`)
      .join('\n');
    const out = execFileSync('bash', ['-c', `set -euo pipefail\n${printers}\n${body}`], { encoding: 'utf8' });
    const commands: string[][] = [[]];
    for (const word of out.split('\0').slice(0, -1)) {
      if (word === '\u0001') commands.push([]);
      else commands[commands.length - 1]!.push(word);
    }
    commands.pop();
    expect(commands).toEqual(expected);
    expect(commands.some((c) => c.includes('quoted: it\'s "quoted" $HOME `id` ; rm -rf * \\ not a comment'))).toBe(true);
  });

  it('runs twice against the simulator to the same state, equivalent to the ruleset', async () => {
    const state = writeState(sim, 'nasty.json', seedState([101, 102, 301], 'pve-1'));
    const first = await runScript(sim, script, state, 'nasty-1');
    expect([first.status, first.stderr]).toEqual([0, '']);
    const second = await runScript(sim, script, state, 'nasty-2');
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stateText).toBe(first.stateText);
    expectEquivalent(ir, second, NASTY);
  });
});

describe('shellWord', () => {
  it('prints every word exactly as shell-quote quote([word]) does', () => {
    const chars = fc.constantFrom(...'aZ09_./+%-=:,;!$\'" \\#@*?[]{}()<>|&^`~\t'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }).map((cs) => cs.join('')), (w) => {
        expect(shellWord(w)).toBe(quote([w]));
      }),
      { numRuns: 2000, seed: 20261125 },
    );
    expect(shellWord('10.0.0.0/24')).toBe('10.0.0.0/24');
    expect(shellWord('a=b')).toBe(quote(['a=b']));
  });
});
