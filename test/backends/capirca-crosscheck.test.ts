/**
 * Cross-check against Capirca (Debian python3-capirca, run with /usr/bin/python3): each policy
 * is written both as Capirca .pol/.net/.svc and as .pal; Capirca's cisco and arista output is
 * read by our readers and compared exactly with the .pal ruleset (diffPolicies), and our own
 * output is checked against the same ruleset. Where Capirca is wrong (the protocol x port cross
 * product, reference capirca-aerleon.md section 7), the test pins down exactly what it widens.
 * Skipped, with the reason in its name, only where Capirca is not installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import { diffPolicies, rulesetPolicy, textDifferences, namerOf } from '../../src/analysis/index.js';
import { analyzeText, compileText } from '../helpers.js';
import { checkSwitch } from './switch-acl-check.js';

const CAPIRCA = existsSync('/usr/lib/python3/dist-packages/capirca/aclgen.py');
const work = mkdtempSync(path.join(tmpdir(), 'palisade-capirca-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NET = 'VPC = 10.0.0.0/16\nCP = 10.0.1.0/24\nWORKERS = 10.0.2.0/24\nCP_LOW = 10.0.1.0/25\n';
const SVC = 'K8S_API = 6443/tcp\nETCD = 2379-2380/tcp\nGENEVE = 6081/udp\nHEALTH = 4240/tcp\nCILIUM = 4240/tcp 6081/udp\n';

/** Runs Capirca on one policy and returns its files by extension. */
function capirca(name: string, terms: string): { acl: string; eacl: string } {
  const dir = path.join(work, name);
  for (const d of ['pol', 'def', 'out']) mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'def/NETWORK.net'), NET);
  writeFileSync(path.join(dir, 'def/SERVICES.svc'), SVC);
  const pol = `header {\n  target:: cisco K8S extended\n  target:: arista K8SA\n}\n${terms}\n`;
  writeFileSync(path.join(dir, `pol/${name}.pol`), pol);
  execFileSync('/usr/bin/python3', ['-m', 'capirca.aclgen', `--base_directory=${dir}/pol`, `--definitions_directory=${dir}/def`, `--output_directory=${dir}/out`, `--policy_file=${dir}/pol/${name}.pol`], { stdio: 'pipe' });
  return { acl: readFileSync(path.join(dir, `out/${name}.acl`), 'utf8'), eacl: readFileSync(path.join(dir, `out/${name}.eacl`), 'utf8') };
}

const PAL_HEAD = 'zone vpc = 10.0.0.0/16\nrole cp = 10.0.1.0/24\nzone workers = 10.0.2.0/24\ndefault ingress deny\ndefault egress deny\n';

interface Case {
  readonly name: string;
  readonly terms: string;
  readonly pal: string;
  /** Where Capirca is wrong: what its output really means, as .pal rules. */
  readonly capircaMeans?: string;
}

const cases: Case[] = [
  {
    name: 'kubernetes',
    terms: [
      'term kube-api { source-address:: VPC destination-address:: CP protocol:: tcp destination-port:: K8S_API action:: accept }',
      'term etcd { source-address:: CP destination-address:: CP protocol:: tcp destination-port:: ETCD action:: accept }',
      'term geneve { source-address:: WORKERS destination-address:: CP protocol:: udp destination-port:: GENEVE action:: accept }',
      'term ping { source-address:: VPC destination-address:: CP protocol:: icmp icmp-type:: echo-request action:: accept }',
      'term default-deny { action:: deny }',
    ].join('\n'),
    pal: 'kube-api allow vpc -> cp tcp/6443\netcd allow cp -> cp tcp/2379-2380\ngeneve allow workers -> cp udp/6081\nping allow vpc -> cp icmp/echo-request\n',
  },
  {
    name: 'exclude',
    terms: [
      'term kubelet { source-address:: VPC source-exclude:: WORKERS destination-address:: CP_LOW protocol:: tcp destination-port:: K8S_API action:: accept }',
      'term no-workers { source-address:: WORKERS destination-address:: CP action:: deny }',
      'term default-deny { action:: deny }',
    ].join('\n'),
    pal: 'kubelet allow vpc except workers -> 10.0.1.0/25 tcp/6443\nno-workers deny workers -> cp any\n',
  },
  {
    // Capirca bug: protocols x ports is a cross product (policy.py TranslatePorts), so one term
    // for tcp/4240 and udp/6081 also opens udp/4240 and tcp/6081 (a warning only).
    name: 'cross-product',
    terms: [
      'term cilium { source-address:: WORKERS destination-address:: CP protocol:: tcp udp destination-port:: CILIUM action:: accept }',
      'term default-deny { action:: deny }',
    ].join('\n'),
    pal: 'cilium allow workers -> cp tcp/4240, udp/6081\n',
    capircaMeans: 'cilium allow workers -> cp tcp/4240, udp/6081, udp/4240, tcp/6081\n',
  },
];

describe.skipIf(!CAPIRCA)(CAPIRCA ? 'Capirca cross-check' : 'Capirca cross-check (skipped: python3-capirca is not installed; apt-get install python3-capirca)', () => {
  describe.each(cases)('$name', ({ name, terms, pal, capircaMeans }) => {
    const out = capirca(name, terms);
    const ir = analyzeText(PAL_HEAD + pal).ir!;
    const intended = rulesetPolicy(ir, 'palisade');

    for (const [id, text] of [['cisco', out.acl], ['arista', out.eacl]] as const) {
      it(`reads Capirca's ${id} output`, () => {
        const read = getBackend(id).read!([{ path: `${name}.${id}`, text }], { roles: ir.roles });
        expect(read.diagnostics).toEqual([]);
        const capircaPolicy = { ...read.policy!, label: `capirca ${id}` };
        const result = diffPolicies(intended, capircaPolicy);
        if (!capircaMeans) {
          expect(result.equivalent, textDifferences(result, namerOf([...ir.roles, ...ir.zones]))).toBe(true);
        } else {
          // Capirca widens: not equivalent to the intent, but exactly equivalent to the widened rules.
          expect(result.equivalent).toBe(false);
          const widened = rulesetPolicy(analyzeText(PAL_HEAD + capircaMeans).ir!, 'widened');
          expect(diffPolicies(widened, capircaPolicy).equivalent).toBe(true);
        }
      });

      it(`palisade's ${id} output for the same .pal is exact (plus only the documented reply gaps)`, () => {
        const compiled = compileText(PAL_HEAD + pal, id);
        expect(compiled.diagnostics).toEqual([]);
        const check = checkSwitch(ir, compiled.artifacts!.map((a) => ({ path: a.path, text: a.contents })), id);
        expect({ ...check, gapUsed: undefined }).toEqual({ errors: '', gapUsed: undefined });
      });
    }
  });
});
