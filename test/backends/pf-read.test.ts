/**
 * The pfSense and OPNsense readers: real exported configs (the products' default config.xml)
 * read into exact rules; palisade's output merged into such a config as the docs describe reads
 * back equivalent to the ruleset; edits are caught; what the model cannot express is a
 * positioned error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze } from '../../src/compile.js';
import { setToCidrs, type Ruleset } from '../../src/ir/index.js';
import { compileText, data } from '../helpers.js';

const fixture = (f: string): string => readFileSync(`test/fixtures/pfsense/${f}`, 'utf8');
const read = (p: string) => ({ text: readFileSync(p, 'utf8') });

function policyOf(target: 'pfsense' | 'opnsense', text: string, ir?: Ruleset): Policy {
  const r = getBackend(target).read!([{ path: 'config.xml', text }], { roles: ir?.roles });
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.policy!;
}

function summary(policy: Policy): string[][] {
  return policy.gates[0]!.rules.map((r) => [
    r.origin.label,
    r.action,
    [...setToCidrs(r.source), ...r.source.opaque].join(' '),
    [...setToCidrs(r.destination), ...r.destination.opaque].join(' '),
    r.services.any ? 'any' : r.services.entries.map((e) => `${e.protocol}/${(e.ports ?? []).map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(',')}`).join(' '),
  ]);
}

const DEFAULT_LAN = [
  ['anti-lockout rule', 'allow', '0.0.0.0/0', '192.168.1.1/32', '6/80,443'],
  ['anti-lockout rule', 'allow', '::/0', 'lanip (IPv6, dynamic)', '6/80,443'],
  ['Default allow LAN to any rule', 'allow', '192.168.1.0/24', '0.0.0.0/0', 'any'],
  ['Default allow LAN IPv6 to any rule', 'allow', 'lan (IPv6, dynamic)', '::/0', 'any'],
];

describe('real exported configurations', () => {
  it.each([
    ['pfsense', 'pfsense-config.default.xml'],
    ['opnsense', 'opnsense-config.xml.sample'],
    ['opnsense', 'opnsense-config.xml.sample-26.1-legacy-filter'],
  ] as const)('%s reads %s: the LAN rules after the anti-lockout rule, then default deny', (target, file) => {
    const policy = policyOf(target, fixture(file));
    expect(summary(policy)).toEqual(DEFAULT_LAN);
    expect(policy.gates.map((g) => [g.scope.kind, g.fallback])).toEqual([['all', 'deny']]);
  });

  it('leaves out the anti-lockout rule when the config turns it off', () => {
    const text = fixture('pfsense-config.default.xml').replace('<webgui>', '<webgui><noantilockout></noantilockout>');
    expect(summary(policyOf('pfsense', text)).map((r) => r[0])).toEqual(['Default allow LAN to any rule', 'Default allow LAN IPv6 to any rule']);
  });
});

describe('palisade output merged into an exported config', () => {
  const ir = analyze({ entry: 'rulesets/bare-metal.pal', read }).ir!;
  const compiled = compileText(readFileSync('rulesets/bare-metal.pal', 'utf8'), 'pfsense', { set: ['pfsense.interface=opt1'] });

  it('pfSense: the rules on opt1 next to the default LAN rules read back equivalent to the ruleset', () => {
    const ours = compiled.artifacts![0]!.contents;
    const section = (name: string) => ours.slice(ours.indexOf(`<${name}>`) + name.length + 2, ours.indexOf(`</${name}>`));
    const merged = fixture('pfsense-config.default.xml')
      .replace('\t</filter>', `${section('filter')}</filter>`)
      .replace('<aliases>\n\t</aliases>', `<aliases>${section('aliases')}</aliases>`)
      .replace('</interfaces>', '<opt1><enable></enable><if>em2</if><ipaddr>192.168.30.1</ipaddr><subnet>24</subnet></opt1></interfaces>');
    const diff = diffPolicies(rulesetPolicy(ir, 'ruleset'), policyOf('pfsense', merged, ir));
    expect(jsonDifferences(diff)).toEqual({ equivalent: true, differences: [] });
  });
});

describe('edits to a deployed file are caught', () => {
  const ir = analyze({ entry: 'rulesets/bare-metal.pal', read }).ir!;
  const compare = (target: 'pfsense' | 'opnsense', text: string) => jsonDifferences(diffPolicies(rulesetPolicy(ir, 'ruleset'), policyOf(target, text, ir)));

  it('pfSense: a port changed in a rule', () => {
    const text = readFileSync('test/golden/pfsense/bare-metal/pfsense.xml', 'utf8').replace('<port>6443</port>', '<port>6444</port>');
    const result = compare('pfsense', text);
    expect(result.equivalent).toBe(false);
    expect(result.differences.map((d) => [d.change, d.protocol, d.ports, d.example])).toEqual([
      ['added', 'tcp', ['6444'], { protocol: 'tcp', src: '192.168.10.1', dst: '192.168.30.1', port: 6444 }],
      ['removed', 'tcp', ['6443'], { protocol: 'tcp', src: '192.168.10.1', dst: '192.168.30.1', port: 6443 }],
    ]);
  });

  it('OPNsense: a rule disabled', () => {
    const text = readFileSync('test/golden/opnsense/bare-metal/opnsense-config.xml', 'utf8').replace('<enabled>1</enabled>\n\t\t\t\t\t\t<statetype>keep</statetype>\n\t\t\t\t\t\t<sequence>10</sequence>', '<enabled>0</enabled><statetype>keep</statetype><sequence>10</sequence>');
    expect(compare('opnsense', text).differences.map((d) => [d.change, d.ports])).toEqual([['removed', ['6443']]]);
  });
});

describe('what the readers cannot model is a positioned error', () => {
  const pf = readFileSync('test/golden/pfsense/bare-metal/pfsense.xml', 'utf8');
  const opn = readFileSync('test/golden/opnsense/bare-metal/opnsense-config.xml', 'utf8');
  const cases: [string, 'pfsense' | 'opnsense', string, { code: string; line: number; column: number }[]][] = [
    ['a floating rule', 'pfsense', pf.replace('<id></id>', '<id></id><floating>yes</floating>'), [{ code: 'PAL6005', line: 24, column: 3 }]],
    ['a schedule', 'pfsense', pf.replace('<id></id>', '<id></id><sched>work</sched>'), [{ code: 'PAL6005', line: 24, column: 3 }]],
    ['a stateless rule', 'pfsense', pf.replace('<statetype>keep state</statetype>', '<statetype>none</statetype>'), [{ code: 'PAL6005', line: 24, column: 3 }]],
    ['a source port', 'pfsense', pf.replace('<address>PAL_ADMIN</address>', '<address>PAL_ADMIN</address><port>1024</port>'), [{ code: 'PAL6005', line: 24, column: 3 }]],
    ['an undefined alias', 'pfsense', pf.replace('<address>PAL_ADMIN</address>', '<address>NOPE</address>'), [{ code: 'PAL6004', line: 24, column: 3 }]],
    ['a host name in an alias', 'pfsense', pf.replace('<address>192.168.10.0/24</address>', '<address>admin.example.com</address>'), [{ code: 'PAL6005', line: 4, column: 3 }]],
    ['rules on two interfaces, none of them palisade\'s', 'pfsense', pf.replace(/<tracker>\d+<\/tracker>/g, '<tracker>1</tracker>').replace('<interface>lan</interface>', '<interface>wan</interface>'), [{ code: 'PAL6005', line: 1, column: 1 }]],
    ['XML that is not well-formed', 'pfsense', pf.replace('</descr>', '</desc>'), [{ code: 'PAL6004', line: 8, column: 30 }]],
    ['an MVC rule without quick', 'opnsense', opn.replace('<quick>1</quick>', '<quick>0</quick>'), [{ code: 'PAL6005', line: 51, column: 6 }]],
    ['an MVC rule for outbound packets', 'opnsense', opn.replace('<direction>in</direction>', '<direction>out</direction>'), [{ code: 'PAL6005', line: 51, column: 6 }]],
    ['an MVC rule matching TCP flags', 'opnsense', opn.replace('<log>0</log>', '<log>0</log><tcpflags1>syn</tcpflags1>'), [{ code: 'PAL6005', line: 51, column: 6 }]],
  ];
  it.each(cases)('%s', (_, target, text, want) => {
    const r = getBackend(target).read!([{ path: 'config.xml', text }], {});
    expect(r.policy).toBeUndefined();
    expect(data(r.diagnostics)).toEqual(want);
  });
});
