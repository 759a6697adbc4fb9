/**
 * The pfSense and OPNsense emitters: what the products cannot express is a positioned error;
 * descriptions with XML and CDATA syntax survive a round trip without adding an element;
 * trackers and uuids stay the same when unrelated rules are added or reordered; the validators
 * the goldens rely on reject what the products reject.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import { sortedJson } from '../../src/backends/opnsense/plan.js';
import { compileText, data, analyzeText } from '../helpers.js';
import { parseChecked, validateOpnsense, validatePfsense } from './pf-validate.js';

const targets = ['pfsense', 'opnsense'] as const;

describe.each(targets)('%s: what it cannot express', (target) => {
  const cases: { name: string; text: string; want: { code: string; line: number; column: number }[] }[] = [
    { name: 'a role without addresses', text: 'role web\nzone any4 = 0.0.0.0/0\nr allow any4 -> web tcp/80\n', want: [{ code: 'PAL6001', line: 1, column: 1 }] },
    { name: 'a protocol outside the products\' list', text: 'role web = 10.0.0.0/24\nr allow any -> web proto/99\n', want: [{ code: 'PAL6002', line: 2, column: 1 }] },
    { name: 'an ICMP type without a name', text: 'role web = 10.0.0.0/24\nr allow any -> web icmp/7\n', want: [{ code: 'PAL6002', line: 2, column: 1 }] },
    { name: 'two names that make the same alias', text: 'role a-b = 10.0.0.0/24\nzone a_b = 10.1.0.0/24\nr allow a_b -> a-b tcp/80\n', want: [{ code: 'PAL6301', line: 2, column: 1 }] },
  ];
  it.each(cases)('$name', ({ text, want }) => {
    const result = compileText(text, target);
    expect(result.artifacts).toBeUndefined();
    expect(data(result.diagnostics)).toEqual(want);
  });

  it('names the rule and the reason', () => {
    const result = compileText('role web = 10.0.0.0/24\nodd allow any -> web proto/99\n', target);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      `the ${target} target cannot express rule "odd": IP protocol 99 is not in the protocol list of pfSense and OPNsense rules`,
    ]);
  });
});

describe('target differences', () => {
  const sctp = 'role web = 10.0.0.0/24\ns allow any -> web sctp/9000\n';
  it('pfSense takes SCTP ports; OPNsense rules take ports only with TCP and UDP', () => {
    expect(compileText(sctp, 'pfsense').diagnostics).toEqual([]);
    expect(data(compileText(sctp, 'opnsense').diagnostics)).toEqual([{ code: 'PAL6002', line: 2, column: 1 }]);
  });

  it('OPNsense descriptions hold at most 255 characters', () => {
    const text = `role web = 10.0.0.0/24\nlong allow any -> web tcp/80 "${'x'.repeat(250)}"\n`;
    expect(compileText(text, 'pfsense').diagnostics).toEqual([]);
    expect(data(compileText(text, 'opnsense').diagnostics)).toEqual([{ code: 'PAL6002', line: 2, column: 1 }]);
  });
});

const NASTY = 'a <b> & c ]]> d "e" \'f\' é ß 東京 <![CDATA[x]]> </descr><rule>';

function elementCount(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  if (Array.isArray(node)) return node.reduce((n: number, c) => n + elementCount(c), 0);
  return Object.entries(node).reduce((n, [k, v]) => n + (k.startsWith('@_') || k === '#text' ? 0 : (Array.isArray(v) ? v.length : 1) + elementCount(v)), 0);
}

describe.each(targets)('%s: descriptions', (target) => {
  const ruleset = (description: string) => `role web = 10.0.0.0/24\nr1 allow any -> web tcp/80 ${JSON.stringify(description)}\n`;
  const plain = compileText(ruleset('plain'), target).artifacts!;
  const nasty = compileText(ruleset(NASTY), target).artifacts!;

  it('never add an element', () => {
    for (const [i, a] of nasty.entries()) {
      if (!a.path.endsWith('.xml')) continue;
      expect(elementCount(parseChecked(a.contents))).toBe(elementCount(parseChecked(plain[i]!.contents)));
    }
  });

  it('survive a round trip through the reader', () => {
    const xml = nasty.find((a) => a.path.endsWith('.xml'))!;
    const back = getBackend(target).read!([{ path: xml.path, text: xml.contents }], {});
    expect(back.diagnostics).toEqual([]);
    expect(back.policy!.gates[0]!.rules[0]!.origin.text).toBe(`r1: ${NASTY}`);
  });

  it('stay valid for the product', () => {
    const xml = nasty.find((a) => a.path.endsWith('.xml'))!;
    expect(target === 'pfsense' ? validatePfsense(xml.contents) : validateOpnsense(xml.contents)).toEqual([]);
  });
});

describe.each(targets)('%s: stable identifiers', (target) => {
  const base = ['role web = 10.0.0.0/24, fd00::/64', 'zone admin = 192.0.2.0/24', 'a allow admin -> web tcp/22', 'b allow any -> web tcp/80, tcp/443', 'c allow web -> any udp/53'];
  const ids = (text: string): Map<string, string> => {
    const xml = compileText(text, target).artifacts![0]!.contents;
    const re = target === 'pfsense' ? /<tracker>(\d+)<\/tracker>[\s\S]*?<descr>([^<]*)<\/descr>/g : /<rule uuid="([^"]+)">[\s\S]*?<description>([^<]*)<\/description>/g;
    return new Map([...xml.matchAll(re)].map((m) => [m[2]!, m[1]!]));
  };

  it('keeps every tracker or uuid when unrelated rules are added or reordered', () => {
    const before = ids(base.join('\n'));
    const after = ids([base[0], base[1], 'new allow admin -> web icmp', base[4], base[3], base[2]].join('\n'));
    expect(before.size).toBe(5); // a, b, c, default ingress deny, default egress allow
    for (const [descr, id] of before) expect(after.get(descr)).toBe(id);
    expect(new Set(after.values()).size).toBe(after.size);
  });
});

describe('sortedJson', () => {
  /** The reference: a copy with every object's keys sorted, through JSON.stringify. */
  const sortDeep = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortDeep)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]))
        : v;

  it("is JSON.stringify's two-space text of the value with keys sorted", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(sortedJson(v as Parameters<typeof sortedJson>[0])).toBe(`${JSON.stringify(sortDeep(v), null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
    expect(sortedJson({ b: [], a: {}, c: [1, { z: 'x', y: null }] })).toBe('{\n  "a": {},\n  "b": [],\n  "c": [\n    1,\n    {\n      "y": null,\n      "z": "x"\n    }\n  ]\n}\n');
  });
});

describe('the validators reject what the products reject', () => {
  const pf = readFileSync('test/golden/pfsense/bare-metal/pfsense.xml', 'utf8');
  const opn = readFileSync('test/golden/opnsense/bare-metal/opnsense-config.xml', 'utf8');
  const pfCases: [string, string, string][] = [
    ['a presence flag written as 0', pf.replace('<id></id>', '<id></id><disabled>0</disabled>'), 'unexpected <disabled>'],
    ['a duplicate tracker', pf.replace(/<tracker>\d+<\/tracker>/, '<tracker>3147546176</tracker>'), 'used twice'],
    ['an alias port range in a rule', pf.replace('<port>6443</port>', '<port>6443:6444</port>'), 'not a port'],
    ['an upper-case protocol', pf.replace('<protocol>tcp</protocol>', '<protocol>TCP</protocol>'), 'protocol "TCP"'],
    ['an undefined alias', pf.replace('<address>PAL_ADMIN</address>\n\t\t\t</source>', '<address>PAL_NOPE</address>\n\t\t\t</source>'), 'PAL_NOPE'],
    ['an invalid alias name', pf.replace(/PAL_ADMIN/g, 'lan'), 'alias name "lan"'],
  ];
  it.each(pfCases)('pfSense: %s', (_, xml, problem) => {
    expect(validatePfsense(xml).join('\n')).toContain(problem);
  });

  const opnCases: [string, string, string][] = [
    ['a lower-case protocol', opn.replace('<protocol>TCP</protocol>', '<protocol>tcp</protocol>'), 'protocol "tcp"'],
    ['a field the model lacks', opn.replace('<log>0</log>', '<log>0</log><floating>0</floating>'), '<floating> is not in the model'],
    ['a value outside the option list', opn.replace('<statetype>keep</statetype>', '<statetype>keep state</statetype>'), 'not one of the model\'s options'],
    ['a boolean written as true', opn.replace('<quick>1</quick>', '<quick>true</quick>'), 'boolean <quick>'],
    ['a sequence out of range', opn.replace('<sequence>10</sequence>', '<sequence>1000000</sequence>'), 'out of range'],
    ['a colon port range in a rule', opn.replace('<destination_port>6443</destination_port>', '<destination_port>6443:6444</destination_port>'), 'a-b range'],
    ['a bad alias name', opn.replace(/PAL_ADMIN/g, '1ADMIN'), 'AliasNameField'],
    ['a random uuid', opn.replace(/<rule uuid="[^"]+"/, '<rule uuid="1b4e28ba-2fa1-41d2-883f-0016d3cca427"'), 'not a UUIDv5'],
  ];
  it.each(opnCases)('OPNsense: %s', (_, xml, problem) => {
    expect(validateOpnsense(xml).join('\n')).toContain(problem);
  });

  it('loads the real model definitions', () => {
    expect(analyzeText('role x = 10.0.0.0/8').diagnostics).toEqual([]);
    expect(validateOpnsense(opn)).toEqual([]);
    expect(validatePfsense(pf)).toEqual([]);
  });
});

describe("the bare-metal golden is the seed's pfSense/OPNsense table", () => {
  // Action, source, destination, port, protocol, description: the seed's rows, then default deny.
  const seed = [
    ['pass', 'PAL_ADMIN', 'PAL_K8S_NODES', '6443', 'tcp', 'admin-k8s-api: K8s API access'],
    ['pass', 'PAL_ADMIN', 'PAL_K8S_NODES', '50000', 'tcp', 'admin-talos-api: Talos API access'],
    ['pass', 'PAL_K8S_NODES', 'PAL_K8S_NODES', 'any', 'any', 'intra-cluster: Intra-cluster (all node-to-node)'],
    ['pass', 'PAL_K8S_NODES', 'any', '443', 'tcp', 'outbound-https: Outbound HTTPS (image pulls)'],
    ['pass', 'PAL_K8S_NODES', 'PAL_NTP_SERVERS', '123', 'udp', 'time-sync: Time sync'],
    ['block', 'any', 'PAL_K8S_NODES', 'any', 'any', 'palisade default ingress deny'],
    ['block', 'PAL_K8S_NODES', 'any', 'any', 'any', 'palisade default egress deny'],
  ];

  it('pfSense', () => {
    const doc = parseChecked(readFileSync('test/golden/pfsense/bare-metal/pfsense.xml', 'utf8')) as { pfsense: { filter: { rule: Record<string, unknown>[] } } };
    const side = (s: unknown) => (s as { address?: string }).address ?? 'any';
    const rows = doc.pfsense.filter.rule.map((r) => [r['type'], side(r['source']), side(r['destination']), (r['destination'] as { port?: string }).port ?? 'any', r['protocol'] ?? 'any', r['descr']]);
    expect(rows).toEqual(seed);
  });

  it('OPNsense', () => {
    const doc = parseChecked(readFileSync('test/golden/opnsense/bare-metal/opnsense-config.xml', 'utf8')) as { opnsense: { OPNsense: { Firewall: { Filter: { rules: { rule: Record<string, string>[] } } } } } };
    const rows = doc.opnsense.OPNsense.Firewall.Filter.rules.rule.map((r) => [r['action'], r['source_net'], r['destination_net'], r['destination_port'] || 'any', r['protocol']!.toLowerCase(), r['description']]);
    expect(rows).toEqual(seed);
  });
});
