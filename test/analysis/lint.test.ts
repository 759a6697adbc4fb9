/** Lint findings as data: each case is a ruleset and the exact findings it must produce. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compile.js';
import { lint } from '../../src/analysis/index.js';
import { analyzeText, data, type DiagnosticData } from '../helpers.js';

const base = 'zone admin = 192.168.10.0/24\nrole cp = 10.0.1.0/24\nrole w = 10.0.2.0/24\napi allow admin -> cp tcp/6443, tcp/50000\n';

const cases: { name: string; source: string; findings: (DiagnosticData & { message?: RegExp })[] }[] = [
  { name: 'a clean ruleset', source: base, findings: [] },
  {
    name: 'shadowed by one earlier rule of the other action (an error)',
    source: `${base}ssh-all deny any -> cp tcp/22\nssh-admin allow admin -> cp tcp/22\n`,
    findings: [{ code: 'PAL8002', line: 6, column: 1, message: /shadowed: .* by "ssh-all"/ }],
  },
  {
    name: 'shadowed by the union of two earlier rules (Capirca misses this)',
    source: `${base}low allow 10.0.0.0/9 -> cp tcp/80\nhigh allow 10.128.0.0/9 -> cp tcp/80\nall allow 10.0.0.0/8 -> cp tcp/80\n`,
    findings: [
      // Each half alone is redundant (the /8 rule would decide its packets the same way)...
      { code: 'PAL8003', line: 5, column: 1, severity: 'warning', message: /by "all"/ },
      { code: 'PAL8003', line: 6, column: 1, severity: 'warning', message: /by "all"/ },
      // ... and the /8 rule is shadowed by the two together.
      { code: 'PAL8002', line: 7, column: 1, severity: 'warning', message: /by "low", "high"/ },
    ],
  },
  {
    name: 'shadowed across protocols and ports',
    source: `${base}t allow w -> cp tcp\nu allow w -> cp udp/1-1000\nboth allow w -> cp tcp/80, udp/53\n`,
    findings: [{ code: 'PAL8002', line: 7, column: 1, severity: 'warning' }],
  },
  {
    name: 'redundant: later rules decide the same',
    source: `${base}self allow cp -> cp tcp/10250\nvpc allow 10.0.0.0/16 -> cp tcp/10250\n`,
    findings: [{ code: 'PAL8003', line: 5, column: 1, severity: 'warning', message: /by "vpc"/ }],
  },
  {
    name: 'redundant: the default decides the same',
    source: `${base}x deny 203.0.113.0/24 -> cp tcp/22\n`,
    findings: [{ code: 'PAL8003', line: 5, column: 1, severity: 'warning', message: /by default ingress deny/ }],
  },
  {
    name: 'a deny that matters is not redundant',
    source: `${base}x deny 10.0.0.5 -> cp tcp/443\ny allow 10.0.0.0/16 -> cp tcp/443\n`,
    findings: [],
  },
  {
    name: 'unused zone, service and parameter (a use in a branch not taken counts)',
    source: `param p: int = 1\nparam q: bool = false\n${base}zone lonely = 10.9.0.0/16\nservice web = tcp/80\nservice dns = udp/53\nif $q { x allow w -> cp dns }\n`,
    findings: [
      { code: 'PAL8004', line: 1, column: 7, message: /parameter "p"/ },
      { code: 'PAL8004', line: 7, column: 6, message: /zone "lonely"/ },
      { code: 'PAL8004', line: 8, column: 9, message: /service "web"/ },
    ],
  },
  {
    name: 'empty zone',
    source: `param admins: list(cidr) = []\nzone ops = $admins\n${base}`,
    findings: [
      { code: 'PAL8004', line: 2, column: 6, message: /zone "ops"/ },
      { code: 'PAL8005', line: 2, column: 6 },
    ],
  },
  {
    name: 'sensitive ports open to any address',
    source: `${base}etcd allow any -> cp tcp/2379-2380\nkubelet allow 0.0.0.0/0 -> w tcp/10000-11000\nfine allow 10.0.0.0/8 -> cp tcp/50001\n`,
    findings: [
      { code: 'PAL8006', line: 5, column: 1, message: /etcd \(tcp\/2379-2380\) to any address \(every IPv4 address\)/ },
      { code: 'PAL8006', line: 6, column: 1, message: /kubelet API/ },
    ],
  },
  {
    name: 'a sensitive port named after another port of the same rule',
    source: `${base}web allow any -> w tcp/80, tcp/6443\n`,
    findings: [{ code: 'PAL8006', line: 5, column: 1, message: /the Kubernetes API \(tcp\/6443\)/ }],
  },
  {
    name: 'a sensitive rule that never decides anything is not reported as open',
    source: `${base}block deny any -> cp tcp/2379-2380\netcd allow any -> cp tcp/2379-2380\n`,
    findings: [{ code: 'PAL8002', line: 6, column: 1, severity: 'error' }],
  },
  {
    name: 'an allowing ingress default opens everything',
    source: `${base}default ingress allow\n`,
    findings: [
      { code: 'PAL8003', line: 4, column: 1, message: /by default ingress allow/ },
      { code: 'PAL8006', line: 5, column: 1, message: /default ingress allow opens etcd .* to any address/ },
    ],
  },
  {
    name: 'administrators locked out of the Talos API',
    source: 'zone admin = 192.168.10.0/24\nrole cp = 10.0.1.0/24\napi allow admin -> cp tcp/6443\n',
    findings: [{ code: 'PAL8007', line: 1, column: 6, message: /Talos API/ }],
  },
  {
    name: 'no lockout check without a non-empty admin zone',
    source: 'param a: list(cidr) = []\nzone admin = $a\nrole cp = 10.0.1.0/24\nif $a != [] { api allow admin -> cp tcp/6443 }\n',
    findings: [{ code: 'PAL8005', line: 2, column: 6 }],
  },
];

describe('lint', () => {
  it.each(cases)('$name', ({ source, findings }) => {
    const analyzed = analyzeText(source);
    expect(analyzed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const got = lint(analyzed.ir!, analyzed.statements!);
    expect(data(got).map(({ code, line, column }) => ({ code, line, column }))).toEqual(
      findings.map(({ code, line, column }) => ({ code, line, column })),
    );
    findings.forEach((f, i) => {
      if (f.severity) expect(got[i]!.severity).toBe(f.severity);
      if (f.message) expect(got[i]!.message).toMatch(f.message);
    });
  });

  it('reports what the seed rulesets really contain', () => {
    const findings = (file: string) => {
      const analyzed = analyze({ entry: file, read: (p) => ({ text: readFileSync(p, 'utf8') }) });
      return lint(analyzed.ir!, analyzed.statements!).map((d) => `${d.code} ${d.span?.line}`);
    };
    expect(findings('rulesets/bare-metal.pal')).toEqual([]);
    expect(findings('rulesets/proxmox.pal')).toEqual([]);
    // On AWS these are security-group references next to a VPC-wide CIDR rule that covers them.
    expect(findings('rulesets/talos-aws.pal')).toEqual(['PAL8005 38', 'PAL8003 66', 'PAL8003 88', 'PAL8003 90', 'PAL8003 91']);
  });
});
