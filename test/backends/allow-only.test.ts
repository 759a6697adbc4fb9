/**
 * First-match rulesets as allow-lists (src/backends/allow-only.ts): worked cases, and the
 * property that a role's grants are exactly what the ruleset permits at that role.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permittedSet, rulesetPolicy } from '../../src/analysis/index.js';
import { grantServices, roleGrants, roleSet, rulesetUniverse, type Grant } from '../../src/backends/allow-only.js';
import { cidrSet, setToCidrs, subtractSets, unionSets, V4_MAX, type Direction, type Role, type Ruleset } from '../../src/ir/index.js';
import { analyzeText, data } from '../helpers.js';
import { modelArb, predictNeverMatches, printModel } from '../properties/model.js';

function ir(text: string): Ruleset {
  const result = analyzeText(text);
  expect(data(result.diagnostics)).toEqual([]);
  return result.ir!;
}

/** The ruleset's first declared role (the IR sorts roles by name). */
function role(r: Ruleset): Role {
  return [...r.roles].sort((a, b) => a.span.start - b.span.start)[0]!;
}

function show(grants: readonly Grant[]): string[] {
  return grants.map((g) => {
    const protocols = g.protocols.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    const ports = g.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    const peers = [...setToCidrs(g.peers), ...g.peers.opaque].join(' ');
    return `${g.rule?.name ?? 'default'}: proto ${protocols}${ports ? ` ports ${ports}` : ''} peers ${peers}`;
  });
}

describe('roleGrants', () => {
  it('subtracts an earlier deny from the CIDRs of a later allow', () => {
    const r = ir(`zone vpc = 10.0.0.0/16
role cp
deny 10.0.5.0/24 -> cp tcp/6443
api allow vpc -> cp tcp/6443
`);
    const { grants, diagnostics } = roleGrants(r, role(r), 'ingress', 'test');
    expect(diagnostics).toEqual([]);
    expect(show(grants)).toEqual([
      'api: proto 6 ports 6443 peers 10.0.0.0/22 10.0.4.0/24 10.0.6.0/23 10.0.8.0/21 10.0.16.0/20 10.0.32.0/19 10.0.64.0/18 10.0.128.0/17',
    ]);
  });

  it('subtracts an earlier deny of a port from a later allow of a range', () => {
    const r = ir(`role cp
deny any -> cp tcp/22
low allow any -> cp tcp/1-1024
`);
    const { grants } = roleGrants(r, role(r), 'ingress', 'test');
    expect(show(grants)).toEqual(['low: proto 6 ports 1-21,23-1024 peers 0.0.0.0/0 ::/0 cp']);
  });

  it('grants the default where no rule matches, as both defaults say', () => {
    const r = ir(`role web = 10.1.0.0/24
role db = 10.2.0.0/24
default ingress allow
default egress deny
telnet deny any -> web tcp/23
`);
    const { grants } = roleGrants(r, role(r), 'ingress', 'test');
    // Everything but telnet, and nothing from a role (their egress default denies it).
    const peers = setToCidrs(subtractSets({ v4: [[0, V4_MAX]], v6: [], opaque: [] }, unionSets(cidrSet('10.1.0.0/24'), cidrSet('10.2.0.0/24')))).join(' ');
    expect(peers).toMatch(/^0\.0\.0\.0\/5 .* 10\.1\.1\.0\/24 .* 128\.0\.0\.0\/1$/);
    expect(show(grants)).toEqual([
      `default: proto 0,2-5,7-16,18-57,59-131,133-255 peers ${peers}`,
      `default: proto 1 ports 0-255 peers ${peers}`,
      `default: proto 6 ports 1-22,24-65535 peers ${peers}`,
      `default: proto 17,132 ports 1-65535 peers ${peers}`,
    ]);
  });

  it('reports a rule that would hold for only part of a role, at the rule', () => {
    const r = ir(`role cp = 10.0.1.0/24
half allow any -> 10.0.1.0/25 tcp/6443
`);
    const { grants, diagnostics } = roleGrants(r, role(r), 'ingress', 'test');
    expect(grants).toEqual([]);
    expect(data(diagnostics)).toEqual([{ code: 'PAL6002', line: 2, column: 1 }]);
    expect(diagnostics[0]!.message).toContain('(not 10.0.1.129)');
  });

  it('reports a deny that would carve part of a role out of a later allow', () => {
    const r = ir(`role cp = 10.0.1.0/24
deny any -> 10.0.1.7 tcp/22
ssh allow any -> cp tcp/22
`);
    const { diagnostics } = roleGrants(r, role(r), 'ingress', 'test');
    expect(data(diagnostics)).toEqual([{ code: 'PAL6002', line: 3, column: 1 }]);
  });

  it('refuses, never widens, ICMP types partly denied under a default allow (found by the property below)', () => {
    // The products of what the default permits here, read as per-role grants, would allow every
    // ICMP type to 0.0.0.0/0; the rule denies types 1-255. The whole-role check catches it.
    const r = ir(`role vpc
service dns = icmp/1-11,11-255
default egress allow
deny any -> any dns
`);
    const { grants, diagnostics } = roleGrants(r, role(r), 'egress', 'test');
    expect([grants, data(diagnostics)]).toEqual([[], [{ code: 'PAL6002', line: 3, column: 1 }]]);
  });

  it('grants egress by destination', () => {
    const r = ir(`role w = 10.0.2.0/24
default egress deny
https allow w -> 0.0.0.0/0 tcp/443
`);
    const { grants } = roleGrants(r, role(r), 'egress', 'test');
    expect(show(grants)).toEqual(['https: proto 6 ports 443 peers 0.0.0.0/0']);
  });
});

describe('roleGrants property', () => {
  it('grants exactly what the ruleset permits at each role, or reports why not', () => {
    const stats = { roles: 0, exact: 0, reported: 0 };
    fc.assert(
      fc.property(modelArb, (m) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const result = analyzeText(files['main.pal']!, { files });
        if (!result.ir) return;
        const r = result.ir;
        const universe = rulesetUniverse(r);
        const { permitted } = permittedSet(universe, rulesetPolicy(r, 'ruleset'));
        for (const role of r.roles) {
          for (const direction of ['ingress', 'egress'] as Direction[]) {
            stats.roles++;
            const { grants, diagnostics } = roleGrants(r, role, direction, 'test', universe);
            if (diagnostics.length > 0) {
              stats.reported++;
              continue;
            }
            const self = roleSet(role);
            const every = universe.everySource;
            const at = direction === 'ingress' ? universe.product(every, self, { any: true, entries: [] }) : universe.product(self, every, { any: true, entries: [] });
            const granted = grants.reduce(
              (acc, g) => acc.union(direction === 'ingress' ? universe.product(g.peers, self, grantServices(g)) : universe.product(self, g.peers, grantServices(g))),
              universe.empty(),
            );
            expect(granted.equals(permitted.intersect(at)), `${files['main.pal']}\n${role.name} ${direction}`).toBe(true);
            stats.exact++;
          }
        }
      }),
      { numRuns: 150 },
    );
    console.log(`allow-only grants: ${JSON.stringify(stats)}`);
    expect(stats.exact).toBeGreaterThan(100);
    expect(stats.reported).toBeGreaterThan(0);
  });
});
