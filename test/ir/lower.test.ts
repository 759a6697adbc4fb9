/** What lowering makes of a ruleset: canonical sets, bound parameters, expanded ifs, names. */
import { describe, expect, it } from 'vitest';
import { setToCidrs, type Ruleset } from '../../src/ir/index.js';
import { analyzeText, type RunOptions } from '../helpers.js';

function ir(text: string, options?: RunOptions): Ruleset {
  const result = analyzeText(text, options);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ir!;
}

describe('canonical address sets', () => {
  it('merges, sorts and subtracts CIDRs', () => {
    const r = ir('zone z = 10.0.1.0/24, 10.0.0.0/24, 10.0.0.128/25, 192.168.0.0/16, fd00::/8, 10.0.2.0/24 except 192.168.1.0/24');
    expect(setToCidrs(r.zones[0]!.addresses)).toEqual([
      '10.0.0.0/23',
      '10.0.2.0/24',
      '192.168.0.0/24',
      '192.168.2.0/23',
      '192.168.4.0/22',
      '192.168.8.0/21',
      '192.168.16.0/20',
      '192.168.32.0/19',
      '192.168.64.0/18',
      '192.168.128.0/17',
      'fd00::/8',
    ]);
  });

  it('resolves zones through other zones and roles, in any declaration order', () => {
    const r = ir('zone all = cp, workers\nrole cp = 10.0.1.0/24\nzone workers = 10.0.2.0/24, 10.0.3.0/24');
    expect(setToCidrs(r.zones.find((z) => z.name === 'all')!.addresses)).toEqual(['10.0.1.0/24', '10.0.2.0/23']);
  });

  it('makes `any` every address and every role without addresses', () => {
    const r = ir('role aws-node\nrole cp = 10.0.1.0/24\nallow any except aws-node -> cp tcp/1\nallow any -> cp tcp/2');
    expect(r.rules[0]!.source.addresses.opaque).toEqual([]);
    expect(r.rules[1]!.source.addresses.opaque).toEqual(['aws-node']);
    expect(setToCidrs(r.rules[1]!.source.addresses)).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('keeps the terms a rule was written with', () => {
    const r = ir('zone vpc = 10.0.0.0/16\nrole cp = 10.0.1.0/24\nallow [cp, vpc, 10.9.0.1] except 10.0.0.0/20 -> cp tcp/1');
    const src = r.rules[0]!.source;
    expect(src.terms).toEqual([
      { kind: 'role', name: 'cp' },
      { kind: 'zone', name: 'vpc' },
      { kind: 'cidr', cidr: '10.9.0.1/32' },
    ]);
    expect(src.except).toEqual([{ kind: 'cidr', cidr: '10.0.0.0/20' }]);
    expect(src.text).toBe('[cp, vpc, 10.9.0.1] except 10.0.0.0/20');
  });
});

describe('canonical services', () => {
  it('merges ports into ranges per protocol, without a cross product', () => {
    const r = ir('service s = tcp/80,81,82-90, tcp/100, udp/53, tcp/443, icmp/echo-request, icmp/0, proto/6');
    expect(r.services[0]!.services).toEqual({
      any: false,
      entries: [{ protocol: 1, ports: [[0, 0], [8, 8]] }, { protocol: 6 }, { protocol: 17, ports: [[53, 53]] }],
    });
  });

  it('keeps each protocol with its own ports', () => {
    const r = ir('service cilium = tcp/4240, udp/6081');
    expect(r.services[0]!.services.entries).toEqual([
      { protocol: 6, ports: [[4240, 4240]] },
      { protocol: 17, ports: [[6081, 6081]] },
    ]);
  });

  it('absorbs everything into any', () => {
    expect(ir('service s = tcp/1, any, gre').services[0]!.services).toEqual({ any: true, entries: [] });
  });

  it('takes ports from int and list(int) parameters', () => {
    const r = ir('param p: int = 8080\nparam ps: list(int) = [443, 80]\nservice s = tcp/$p,$ps');
    expect(r.services[0]!.services.entries).toEqual([{ protocol: 6, ports: [[80, 80], [443, 443], [8080, 8080]] }]);
  });
});

describe('parameters', () => {
  const text = 'param vpc: cidr = 10.0.0.0/16\nparam admins: list(cidr) = []\nparam on: bool = false\n';
  it('binds defaults', () => {
    expect(ir(text).params.map((p) => [p.name, p.value, p.origin])).toEqual([
      ['admins', [], 'default'],
      ['on', false, 'default'],
      ['vpc', '10.0.0.0/16', 'default'],
    ]);
  });

  it('lets a vars file override defaults and --set override the vars file', () => {
    const r = ir(text, { vars: 'vpc: 10.1.0.0/16\nadmins: [192.0.2.0/24, 198.51.100.7]\non: true\n', set: ['vpc=10.2.0.0/16'] });
    expect(r.params.map((p) => [p.name, p.value, p.origin])).toEqual([
      ['admins', ['192.0.2.0/24', '198.51.100.7/32'], 'vars'],
      ['on', true, 'vars'],
      ['vpc', '10.2.0.0/16', 'set'],
    ]);
  });

  it('splits list values of --set on commas; an empty value is the empty list', () => {
    expect(ir(text, { set: ['admins=192.0.2.0/24, 10.9.9.9'] }).params[0]!.value).toEqual(['192.0.2.0/24', '10.9.9.9/32']);
    expect(ir('param l: list(int) = [1]\n', { set: ['l='] }).params[0]!.value).toEqual([]);
  });
});

describe('conditionals', () => {
  const text = [
    'param cni: string = "cilium"',
    'param on: bool = false',
    'param admins: list(cidr) = []',
    'role cp = 10.0.1.0/24',
    'first allow any -> cp tcp/1',
    'if $cni == "cilium" { geneve allow cp -> cp udp/6081 } else if $cni == "calico" { bgp allow cp -> cp tcp/179 } else { }',
    'if not $on and $admins == [] { closed allow cp -> cp tcp/2 }',
    'if $on or $admins != [] { open allow cp -> cp tcp/3 }',
    'last allow any -> cp tcp/4',
  ].join('\n');

  it('keeps the taken statements in their place in the rule order', () => {
    expect(ir(text).rules.map((r) => r.name)).toEqual(['first', 'geneve', 'closed', 'last']);
    expect(ir(text, { set: ['cni=calico', 'on=true'] }).rules.map((r) => r.name)).toEqual(['first', 'bgp', 'open', 'last']);
    expect(ir(text, { set: ['cni=none', 'admins=10.9.0.0/16'] }).rules.map((r) => r.name)).toEqual(['first', 'open', 'last']);
  });

  it('compares lists as sets', () => {
    const t = 'param l: list(cidr) = [10.0.0.0/8, 10.1.0.0/16]\nrole cp = 10.0.1.0/24\nif $l == [10.1.0.0/16, 10.0.0.0/8] { x allow any -> cp tcp/1 }';
    expect(ir(t).rules.map((r) => r.name)).toEqual(['x']);
  });

  it('allows the same declaration in both branches', () => {
    const t = 'param p: bool = true\nif $p { zone z = 10.0.0.0/8 } else { zone z = 10.1.0.0/16 }';
    expect(setToCidrs(ir(t).zones[0]!.addresses)).toEqual(['10.0.0.0/8']);
    expect(setToCidrs(ir(t, { set: ['p=false'] }).zones[0]!.addresses)).toEqual(['10.1.0.0/16']);
  });
});

describe('rule names', () => {
  it('derives readable names for unnamed rules, unique across the ruleset', () => {
    const r = ir('role cp = 10.0.1.0/24\nzone vpc = 10.0.0.0/16\nallow vpc -> cp tcp/6443\nallow vpc -> cp tcp/6443\nallow-vpc-to-cp-tcp-6443-3 allow any -> cp icmp');
    expect(r.rules.map((x) => [x.name, x.named])).toEqual([
      ['allow-vpc-to-cp-tcp-6443', false],
      ['allow-vpc-to-cp-tcp-6443-2', false],
      ['allow-vpc-to-cp-tcp-6443-3', true],
    ]);
  });

  it('keeps a derived name when other rules move', () => {
    const a = ir('role cp = 10.0.1.0/24\nx allow any -> cp tcp/1\ndeny 10.0.0.0/8 -> cp any');
    const b = ir('role cp = 10.0.1.0/24\ndeny 10.0.0.0/8 -> cp any\nx allow any -> cp tcp/1');
    expect(a.rules[1]!.name).toBe(b.rules[0]!.name);
  });

  it('cuts long derived names and keeps them distinct with a hash', () => {
    const r = ir(`role cp = 10.0.1.0/24\nallow [${Array.from({ length: 8 }, (_, i) => `10.${i}.0.0/16`).join(', ')}] -> cp tcp/1`);
    expect(r.rules[0]!.name).toMatch(/^allow-10-0-0-0-16-10-1-0-0-16-10-2-0-0-16-10-3-0-0-16-[0-9a-f]{8}$/);
    expect(r.rules[0]!.name.length).toBeLessThanOrEqual(63);
  });
});

describe('imports', () => {
  const files = {
    'common/zones.pal': 'zone vpc = 10.0.0.0/16\nimport "services.pal"\nshared allow vpc -> cp tcp/22',
    'common/services.pal': 'service k8s-api = tcp/6443',
  };

  it('reads imports relative to the importing file, at the place of the import', () => {
    const r = ir('role cp = 10.0.1.0/24\nfirst allow any -> cp icmp\nimport "common/zones.pal"\nlast allow vpc -> cp k8s-api', { files });
    expect(r.rules.map((x) => x.name)).toEqual(['first', 'shared', 'last']);
    expect(r.sources.map((s) => s.name)).toEqual(['main.pal', 'common/zones.pal', 'common/services.pal']);
    expect(r.rules[1]!.span.source.name).toBe('common/zones.pal');
  });

  it('reads a file imported twice once', () => {
    const r = ir('role cp = 10.0.1.0/24\nimport "common/zones.pal"\nimport "common/zones.pal"', { files });
    expect(r.rules.map((x) => x.name)).toEqual(['shared']);
  });
});

describe('the IR', () => {
  it('is frozen', () => {
    const r = ir('role cp = 10.0.1.0/24\nx allow any -> cp tcp/1');
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.rules[0]!.source.addresses.v4)).toBe(true);
    expect(() => (r.rules as unknown as unknown[]).push(1)).toThrow();
  });

  it('is frozen all the way down, though parts are frozen where they are built', () => {
    // Rules, endpoints and service sets are frozen when lowered (ir/freeze.ts), shared parts
    // once; every plain object and array reachable from the IR must still be frozen.
    const r = ir(
      [
        'role cp = 10.0.1.0/24\nzone vpc = 10.0.0.0/16, fd00::/8\nservice web = tcp/80, tcp/443',
        'a allow [cp, vpc] -> [vpc except 10.0.5.0/24] web, udp/53 "d"',
        'b deny vpc -> cp web',
        'c allow [cp, [vpc except cp]] -> any icmp',
      ].join('\n'),
    );
    const unfrozen: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (value === null || typeof value !== 'object') return;
      if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return;
      if (!Object.isFrozen(value)) unfrozen.push(path);
      for (const [key, v] of Object.entries(value)) visit(v, `${path}.${key}`);
    };
    visit(r, 'ir');
    expect(unfrozen).toEqual([]);
  });

  it('applies the language defaults when none are written', () => {
    expect(ir('role cp').defaults).toEqual({ ingress: { action: 'deny' }, egress: { action: 'allow' } });
  });
});
