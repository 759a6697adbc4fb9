/**
 * The bench's generated policy and its Capirca translation (bench/generate.ts, bench/capirca.ts):
 * the .pal ruleset reads cleanly and compiles to the targets compared with Capirca, the Capirca
 * files are pinned by a whole-file golden, and, with Debian's python3-capirca installed, Capirca's
 * cisco output for the same policy is read back and proven equivalent to the .pal ruleset (so the
 * side-by-side timings compare the same policy). Skipped, with the reason in its name, only where
 * Capirca is not installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capircaPolicy, portlessNftLines, runCapirca, writeCapirca } from '../../bench/capirca.js';
import { generatePolicy, printPal } from '../../bench/generate.js';
import { diffPolicies, namerOf, rulesetPolicy, textDifferences } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyzeText, compileText } from '../helpers.js';

const CAPIRCA = existsSync('/usr/lib/python3/dist-packages/capirca/aclgen.py');
const work = mkdtempSync(path.join(tmpdir(), 'palisade-bench-capirca-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bench policy', () => {
  it('prints a .pal ruleset that reads without diagnostics and compiles to nftables and cisco', () => {
    const text = printPal(generatePolicy(300));
    expect(analyzeText(text).diagnostics).toEqual([]);
    expect(compileText(text, 'nftables').diagnostics).toEqual([]);
    const cisco = compileText(text, 'cisco');
    expect(cisco.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(cisco.artifacts?.length).toBeGreaterThan(0);
  });

  it('is the same policy for the same size and seed, and another for another seed', () => {
    expect(printPal(generatePolicy(200))).toBe(printPal(generatePolicy(200)));
    expect(printPal(generatePolicy(200, 2))).not.toBe(printPal(generatePolicy(200)));
  });

  it('writes Capirca terms one per source and service term, then a default deny (whole-file golden)', async () => {
    const policy = generatePolicy(12);
    const c = capircaPolicy(policy);
    const expected = policy.rules.reduce((n, r) => n + r.sources.length * r.services.length, 0) + 1;
    expect(c.termCount).toBe(expected);
    await expect(printPal(policy)).toMatchFileSnapshot('golden/bench-12.pal');
    await expect(`${c.network}\n${c.services}\n${c.terms}`).toMatchFileSnapshot('golden/bench-12.capirca');
    expect(capircaPolicy(policy, true).terms).toContain('icmp-type:: echo-request echo-request');
  });

  it('counts the IPv4 lines of Capirca nftables output that lost their ports', () => {
    const text = [
      'chain rule0 {',
      '    ip saddr 10.0.0.0/24 ip daddr 10.1.0.0/24 ip protocol tcp ct state new accept',
      '    ip saddr 10.0.0.0/24 ip daddr 10.1.0.0/24 tcp dport 22 ct state new accept',
      '    ip6 saddr fd00::/64 ip6 daddr fd00:1::/64 ip protocol tcp ct state new accept',
      '    ip saddr 10.0.0.0/24 ip daddr 10.1.0.0/24 ip protocol udp drop',
      '    ip saddr 10.0.0.0/24 ip daddr 10.1.0.0/24 icmp type { echo-request } ct state new accept',
      '}',
    ].join('\n');
    expect(portlessNftLines(text)).toEqual({ accepts: 1, drops: 1, lines: 5 });
  });
});

describe.skipIf(!CAPIRCA)(CAPIRCA ? 'bench policy through Capirca' : 'bench policy through Capirca (skipped: python3-capirca is not installed; apt-get install python3-capirca)', () => {
  const policy = generatePolicy(200);
  const dir = path.join(work, 'p200');
  writeCapirca(dir, policy);
  const ir = analyzeText(printPal(policy)).ir!;

  it("Capirca's cisco output is equivalent to the .pal ruleset", () => {
    const run = runCapirca(dir, 'cisco', 120_000);
    expect(run.status).toBe('ok');
    if (run.status !== 'ok') return;
    expect(run.rssMB).toBeGreaterThan(10);
    const read = getBackend('cisco').read!([{ path: 'bench-cisco.acl', text: readFileSync(run.output, 'utf8') }], { roles: ir.roles });
    expect(read.diagnostics).toEqual([]);
    const result = diffPolicies(rulesetPolicy(ir, 'palisade'), { ...read.policy!, label: 'capirca cisco' });
    expect(result.equivalent, textDifferences(result, namerOf([...ir.roles, ...ir.zones]))).toBe(true);
  });

  it("Capirca's nftables output is written, and drops the ports of TCP and UDP terms", () => {
    const run = runCapirca(dir, 'nftables', 120_000);
    expect(run.status).toBe('ok');
    if (run.status !== 'ok') return;
    expect(portlessNftLines(readFileSync(run.output, 'utf8')).accepts).toBeGreaterThan(0);
  });

  it('reports a run past its timeout as a timeout', () => {
    expect(runCapirca(dir, 'cisco', 50).status).toBe('timeout');
  });
});
