/**
 * The language features of the fail-closed matrix (test/security/fail-closed.test.ts): one
 * small ruleset per feature of LANGUAGE.md, each written so that its roles have addresses
 * unless the feature is a role without addresses. A feature may hold several files (imports);
 * the entry is always `main.pal`.
 */

export interface Feature {
  /** Short, stable id: a row of the matrix. */
  readonly id: string;
  readonly files: Readonly<Record<string, string>>;
  /** `--set` assignments for the ruleset's own parameters. */
  readonly set?: readonly string[];
}

const ROLES = 'role web = 10.0.1.0/24, fd00:1::/64\nrole db = 10.0.2.0/24, fd00:2::/64\n';
const OFFICE = 'zone office = 192.168.0.0/16, fd10::/48\n';

/** A feature of one file: the shared roles and zone, then `body`. */
const one = (id: string, body: string, set?: readonly string[]): Feature => ({
  id,
  files: { 'main.pal': `${ROLES}${OFFICE}${body}` },
  ...(set ? { set } : {}),
});

export const features: readonly Feature[] = [
  { id: 'ipv4-literals', files: { 'main.pal': 'role web = 10.0.1.0/24\nallow 192.168.1.5 -> web tcp/22\nallow 172.16.0.0/12 -> 10.0.1.7 tcp/80\n' } },
  { id: 'ipv6-literals', files: { 'main.pal': 'role web = fd00:1::/64\nallow fd10::5 -> web tcp/22\nallow 2001:db8::/32 -> fd00:1::7 tcp/443\n' } },
  one('mixed-families', 'allow [192.168.0.0/16, fd10::/48, 203.0.113.9] -> web tcp/22\n'),
  one('any-address', 'allow any -> web tcp/443\n'),
  one('except', 'allow 10.0.0.0/8 except 10.0.1.0/24 -> web tcp/22\nallow office except 192.168.7.0/24 -> db tcp/5432\n'),
  one('zone-to-role', 'allow office -> web tcp/22\n'),
  one('role-to-role', 'allow web -> db tcp/5432\n'),
  { id: 'role-without-addresses', files: { 'main.pal': `role web\n${OFFICE}allow office -> web tcp/443\n` } },
  { id: 'roles-without-addresses', files: { 'main.pal': 'role app\nrole db\nallow app -> db tcp/5432\n' } },
  one('role-to-zone-egress', 'allow web -> office tcp/443\ndefault egress deny\n'),
  one('lists', 'allow [office, 203.0.113.0/24] -> [web, db] tcp/22\n'),
  one('tcp-udp-single', 'allow office -> web tcp/22\nallow office -> web udp/53\n'),
  one('port-ranges', 'allow office -> web tcp/2379-2380\nallow office -> web udp/30000-32767\n'),
  one('multi-port', 'allow office -> web tcp/80,443,8000-8080\n'),
  one('all-ports', 'allow office -> web tcp\nallow office -> db udp\n'),
  one('sctp', 'allow office -> web sctp/3868\nallow office -> db sctp\n'),
  one('icmp-all', 'allow office -> web icmp\n'),
  one('icmp-type-name', 'allow office -> web icmp/echo-request\n'),
  one('icmp-type-number', 'allow office -> web icmp/8, icmp/3\n'),
  one('icmpv6', 'allow office -> web icmpv6\nallow office -> db icmpv6/echo-request\n'),
  one('gre-esp-ah', 'allow office -> web gre, esp, ah\n'),
  one('proto-number', 'allow office -> web proto/89\n'),
  one('any-service', 'allow office -> web any\n'),
  one('named-services', 'service https = tcp/443, udp/443\nservice dns = udp/53, tcp/53\nallow office -> web https, dns\n'),
  one('deny-shadowing', 'deny office -> web tcp/22\nallow office -> web tcp/22\n'),
  one('deny-partial-overlap', 'deny 192.168.1.0/24 -> web tcp/22\nallow office -> web tcp/20-30\n'),
  one('default-ingress-allow', 'deny office -> web tcp/22\ndefault ingress allow\n'),
  one('default-ingress-deny', 'allow office -> web tcp/22\ndefault ingress deny\n'),
  one('default-egress-allow', 'allow office -> web tcp/22\nallow web -> db tcp/5432\ndefault egress allow\n'),
  one('default-egress-deny', 'allow office -> web tcp/22\nallow web -> office udp/53\ndefault egress deny\n'),
  one(
    'params',
    'param admins: list(cidr) = [192.168.5.0/24]\nparam ssh_from: cidr = 192.168.9.0/24\nzone admin = $admins\nallow admin -> web tcp/22\nallow $ssh_from -> db tcp/22\n',
    ['admins=192.168.5.0/24,fd10:5::/64'],
  ),
  one(
    'if-else',
    'param strict: bool = true\nparam cni: string = "cilium"\nif $strict and $cni == "cilium" {\n  allow office -> web udp/8472\n} else {\n  allow any -> web udp/8472\n}\nif not $strict { allow any -> db tcp/5432 }\n',
  ),
  {
    id: 'import',
    files: {
      'main.pal': 'import "decls/roles.pal"\nallow office -> web tcp/22\nimport "rules.pal"\n',
      'decls/roles.pal': `${ROLES}${OFFICE}`,
      'rules.pal': 'allow web -> db tcp/5432\n',
    },
  },
  one('names-descriptions', 'ssh-in allow office -> web tcp/22 "SSH from the office"\ndb-in allow web -> db tcp/5432 "app to \\"db\\""\n'),
  one('families-never-meet', 'allow 192.168.0.0/16 -> fd00:1::/64 tcp/22\n'),
];
