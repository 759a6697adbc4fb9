/**
 * Every construct of the language parses without diagnostics, into the AST it should: each case
 * is checked through the canonical printer (which prints exactly the AST) and, where layout
 * hides structure, by looking at the AST itself.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse, type IfStmt, type RuleStmt } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';

const cases: { name: string; source: string; printed: string }[] = [
  { name: 'bool param', source: 'param on: bool = true', printed: 'param on: bool = true' },
  { name: 'int param', source: 'param n: int = 42', printed: 'param n: int = 42' },
  { name: 'string param with escapes', source: 'param s: string = "a \\"b\\" \\\\c"', printed: 'param s: string = "a \\"b\\" \\\\c"' },
  { name: 'cidr param', source: 'param c: cidr = 10.0.0.0/16', printed: 'param c: cidr = 10.0.0.0/16' },
  { name: 'list(cidr) param, bracketed', source: 'param l: list(cidr) = [10.0.0.0/8, fd00::/8]', printed: 'param l: list(cidr) = [10.0.0.0/8, fd00::/8]' },
  { name: 'list param, bare', source: 'param l: list(int) = 80, 443', printed: 'param l: list(int) = 80, 443' },
  { name: 'empty list param', source: 'param l: list(string) = []', printed: 'param l: list(string) = []' },
  { name: 'zone of literals', source: 'zone z = 10.0.1.5, 10.0.0.0/8, fd00::1, ::, ::/0', printed: 'zone z = 10.0.1.5, 10.0.0.0/8, fd00::1, ::, ::/0' },
  { name: 'IPv6 made canonical', source: 'zone z = FD00:0:0::0001, 2001:DB8::/32', printed: 'zone z = fd00::1, 2001:db8::/32' },
  { name: 'IPv4-mapped IPv6', source: 'zone z = ::ffff:10.0.0.1', printed: 'zone z = ::ffff:a00:1' },
  { name: 'zone with except', source: 'zone z = vpc except 10.0.0.0/20, 10.0.16.0/20', printed: 'zone z = vpc except 10.0.0.0/20, 10.0.16.0/20' },
  { name: 'zone from params and any', source: 'zone z = $cidrs, any', printed: 'zone z = $cidrs, any' },
  { name: 'role without addresses', source: 'role r', printed: 'role r' },
  { name: 'role with addresses', source: 'role r = 10.0.1.0/24, 10.0.2.0/24', printed: 'role r = 10.0.1.0/24, 10.0.2.0/24' },
  { name: 'protocol names are names outside services', source: 'role gre = 10.0.0.1\nallow gre -> any gre', printed: 'role gre = 10.0.0.1\nallow gre -> any gre' },
  {
    name: 'services of every form',
    source: 'service s = tcp/6443, tcp/2379-2380, tcp/80,443,8000-8080, udp/53, tcp, icmp, icmp/echo-request, icmp/8, icmpv6, icmpv6/echo-request, gre, esp, ah, sctp/9, proto/47, any, other',
    printed: 'service s = tcp/6443, tcp/2379-2380, tcp/80,443,8000-8080, udp/53, tcp, icmp, icmp/echo-request, icmp/8, icmpv6, icmpv6/echo-request, gre, esp, ah, sctp/9, proto/47, any, other',
  },
  { name: 'ports from a parameter', source: 'service s = tcp/$ports, udp/53,$dns', printed: 'service s = tcp/$ports, udp/53,$dns' },
  { name: 'named rule with description', source: 'cp-api allow vpc -> cp tcp/6443 "API"', printed: 'cp-api allow vpc -> cp tcp/6443 "API"' },
  { name: 'unnamed rule', source: 'deny any -> cp any', printed: 'deny any -> cp any' },
  { name: 'arrow without spaces', source: 'allow vpc->cp tcp/1', printed: 'allow vpc -> cp tcp/1' },
  { name: 'bracketed lists and except', source: 'allow [a, b, 10.0.0.0/8] except [c, 10.0.1.0/24] -> [d, fd00::/8] tcp/1', printed: 'allow [a, b, 10.0.0.0/8] except [c, 10.0.1.0/24] -> [d, fd00::/8] tcp/1' },
  { name: 'except of a single term', source: 'deny vpc except 10.0.0.0/20 -> worker tcp/10250', printed: 'deny vpc except 10.0.0.0/20 -> worker tcp/10250' },
  { name: 'nested groups', source: 'allow [a, [b except c]] -> d tcp/1', printed: 'allow [a, [b except c]] -> d tcp/1' },
  { name: 'several rules without separators', source: 'r1 allow a -> b k8s-api\nr2 allow a -> b tcp/1, udp/2\nallow a -> b x "d"', printed: 'r1 allow a -> b k8s-api\nr2 allow a -> b tcp/1, udp/2\nallow a -> b x "d"' },
  { name: 'if', source: 'if $on { allow a -> b tcp/1 }', printed: 'if $on {\n  allow a -> b tcp/1\n}' },
  { name: 'if/else', source: 'if $cni == "cilium" { zone x = 10.0.0.0/8 } else { zone x = 10.1.0.0/16 }', printed: 'if $cni == "cilium" {\n  zone x = 10.0.0.0/8\n} else {\n  zone x = 10.1.0.0/16\n}' },
  { name: 'else if', source: 'if $a { } else if $b != 3 { default ingress allow } else { }', printed: 'if $a {\n} else if $b != 3 {\n  default ingress allow\n} else {\n}' },
  { name: 'condition grammar', source: 'if not $a and ($b or $c == []) or $d != [10.0.0.0/8] { }', printed: 'if not $a and ($b or $c == []) or $d != [10.0.0.0/8] {\n}' },
  { name: 'target block, newline separated', source: 'target pfsense {\n  interface = "opt1"\n  vms.controlplane = [101, 102]\n}', printed: 'target pfsense {\n  interface = "opt1"\n  vms.controlplane = [101, 102]\n}' },
  { name: 'target block, comma separated', source: 'target x { a = 1, b = true, c = 10.0.0.0/8, d = name, e = $p }', printed: 'target x {\n  a = 1\n  b = true\n  c = 10.0.0.0/8\n  d = name\n  e = $p\n}' },
  { name: 'import', source: 'import "common/zones.pal"', printed: 'import "common/zones.pal"' },
  { name: 'defaults', source: 'default ingress deny\ndefault egress allow', printed: 'default ingress deny\ndefault egress allow' },
  { name: 'comments everywhere', source: '# head\nzone z = 10.0.0.0/8 # trailing\n# tail', printed: 'zone z = 10.0.0.0/8' },
];

describe('every construct parses', () => {
  it.each(cases)('$name', ({ source, printed }) => {
    const result = parse(new SourceFile('main.pal', source));
    expect(result.diagnostics).toEqual([]);
    expect(printProgram(result.program.statements)).toBe(`${printed}\n`);
  });

  it('binds and tighter than or, and not tighter than and', () => {
    const result = parse(new SourceFile('main.pal', 'if not $a and $b or $c { }'));
    const cond = (result.program.statements[0] as IfStmt).condition;
    expect(cond.kind).toBe('or');
    if (cond.kind !== 'or') return;
    expect(cond.left.kind).toBe('and');
    if (cond.left.kind !== 'and') return;
    expect(cond.left.left.kind).toBe('not');
  });

  it('keeps each service term with its own ports', () => {
    const result = parse(new SourceFile('main.pal', 'allow a -> b tcp/4240, udp/6081'));
    const rule = result.program.statements[0] as RuleStmt;
    expect(rule.services.map((s) => (s.kind === 'protocol' ? [s.protocol, s.ports?.length] : s.kind))).toEqual([
      ['tcp', 1],
      ['udp', 1],
    ]);
  });

  it('records spans on rules, names and services', () => {
    const result = parse(new SourceFile('main.pal', '\n  cp-api allow vpc -> cp tcp/6443'));
    const rule = result.program.statements[0] as RuleStmt;
    expect([rule.span.line, rule.span.column]).toEqual([2, 3]);
    expect([rule.name?.span.line, rule.name?.span.column]).toEqual([2, 3]);
    expect([rule.destination.span.line, rule.destination.span.column]).toEqual([2, 23]);
    expect([rule.services[0]!.span.line, rule.services[0]!.span.column]).toEqual([2, 26]);
  });
});
