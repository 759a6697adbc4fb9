/**
 * Every diagnostic palisade can report, keyed by a stable code. Message templates live here,
 * in one table, so that call sites are type-checked and the wording stays consistent.
 *
 * PAL1xxx lexical, PAL2xxx syntax, PAL3xxx names and declarations, PAL4xxx values and types,
 * PAL5xxx rule meaning, PAL6xxx targets, PAL7xxx command line and files.
 */
const q = (s: string): string => JSON.stringify(s);

export const messages = {
  // lexical
  PAL1001: (ch: string) => `unexpected character ${q(ch)}`,
  PAL1002: () => `unterminated string: a string must end with " on the same line`,
  PAL1003: (seq: string) => `unknown escape ${seq} in string: only \\" and \\\\ are allowed`,
  PAL1004: (text: string, why: string) => `invalid address ${q(text)}: ${why}`,
  PAL1005: (text: string, canonical: string) =>
    `${q(text)} has host bits set; the network is ${canonical}`,
  PAL1006: (text: string) => `integer ${text} is too large`,
  PAL1007: (count: number, max: number) => `this list has ${count} items; a list holds at most ${max}`,

  // syntax
  PAL2001: (expected: string, found: string) => `expected ${expected}, found ${found}`,
  PAL2002: (what: string, found: string) => `expected ${what}, found ${found}`,
  PAL2003: () =>
    `a list of more than one address in a rule is written in brackets, e.g. [a, b]`,
  PAL2004: () => `target options on one line must be separated by commas`,
  PAL2005: (what: string) => `${what} is only allowed at the top level of a file, not inside "if"`,
  PAL2006: (name: string, kind: string) => `${q(name)} is a protocol name and cannot name a ${kind}`,

  // names and declarations
  PAL3001: (name: string) => `unknown zone or role ${q(name)}`,
  PAL3002: (name: string) => `unknown service ${q(name)}`,
  PAL3003: (name: string) => `unknown parameter ${q(name)}`,
  PAL3004: (kind: string, name: string) => `${kind} ${q(name)} is declared more than once`,
  PAL3005: (name: string) => `rule name ${q(name)} is used more than once`,
  PAL3006: (kind: string, chain: string) => `${kind} definition refers to itself: ${chain}`,
  PAL3007: (direction: string) => `the ${direction} default is set more than once`,
  PAL3008: (chain: string) => `import cycle: ${chain}`,
  PAL3009: (path: string, why: string) => `cannot import ${q(path)}: ${why}`,
  PAL3010: (name: string) => `unknown target ${q(name)}`,
  PAL3011: (target: string, key: string) => `target ${q(target)} has no option ${q(key)}`,
  PAL3013: (max: number) => `too many rules: a ruleset holds at most ${max} rules (after imports and if are expanded)`,
  PAL3012: (name: string, is: string, wanted: string) => `${q(name)} is ${is}, not ${wanted}`,

  // values and types
  PAL4001: (port: string) => `port ${port} is out of range: ports are 1-65535`,
  PAL4002: (from: number, to: number) => `range ${from}-${to} is reversed; write ${to}-${from}`,
  PAL4003: (proto: string) => `${proto} has no ports or types; write ${q(proto)} alone`,
  PAL4004: (proto: string, name: string) => `unknown ${proto} type ${q(name)}`,
  PAL4005: (proto: string, n: number) => `${proto} type ${n} is out of range: types are 0-255`,
  PAL4006: (n: number) => `protocol number ${n} is out of range: protocols are 0-255`,
  PAL4007: (name: string) =>
    `unknown type ${q(name)}: types are bool, int, string, cidr, list(cidr), list(string) and list(int)`,
  PAL4008: (param: string, type: string, why: string) =>
    `value for parameter ${q(param)} is not a ${type}: ${why}`,
  PAL4009: (param: string, type: string, what: string) =>
    `parameter ${q(param)} is a ${type} and cannot be used ${what}`,
  PAL4010: (why: string) => `cannot compare: ${why}`,
  PAL4011: (target: string, key: string, wanted: string) =>
    `option ${q(key)} of target ${q(target)} must be ${wanted}`,
  PAL4012: (why: string) => `invalid vars file: ${why}`,
  PAL4014: (proto: string, name: string) => `${q(name)} is not a ${proto} port: ports are numbers 1-65535`,
  PAL4013: (why: string) => `invalid --set: ${why}`,

  // rule meaning
  PAL5001: (rule: string, why: string) => `rule ${q(rule)} can never match: ${why}`,
  PAL5002: (rule: string, side: string) =>
    `rule ${q(rule)} matches nothing: its ${side} is empty with the current parameters`,

  // targets
  PAL6001: (target: string, role: string) =>
    `role ${q(role)} has no addresses; the ${target} target needs the addresses of every role`,
  PAL6002: (target: string, rule: string, why: string) =>
    `the ${target} target cannot express rule ${q(rule)}: ${why}`,
  PAL6003: (target: string) => `the ${target} target writes one artifact per role, and this ruleset declares no role`,
  PAL6004: (target: string, why: string) => `cannot read ${target}: ${why}`,
  PAL6005: (target: string, what: string) => `${what} is not modelled by the ${target} reader, so the file cannot be compared exactly`,
  PAL6006: (target: string, why: string) => `${target}: ${why}`,

  // switch ACL targets (cisco, arista, nxos)
  PAL6401: (target: string, acl: string, cost: string, budget: string) =>
    `the ${target} ACL ${q(acl)} needs ${cost}, past the budget of ${budget}; the switch may not fit it in hardware`,
  PAL6402: (target: string, rule: string) =>
    `narrow-replies: the ${target} ACL drops the replies of protocols other than TCP, UDP and ICMP to ${q(rule)} (narrower than the ruleset)`,
  // pfSense and OPNsense (PAL6300-PAL6399)
  PAL6301: (target: string, what: string, alias: string, why: string) =>
    `the ${target} target cannot name ${what} as alias ${q(alias)}: ${why}`,
  // Talos (talos, talos-nft): PAL6200-PAL6299
  PAL6201: (target: string, what: string, why: string) => `the ${target} target cannot express ${what}: ${why}`,
  PAL6202: (target: string, what: string, why: string, option: string) =>
    `${what} is not enforced as written by the ${target} target (accepted by ${option}): ${why}`,
  // proxmox and proxmox-fw (PAL6500-PAL6599)
  PAL6501: (target: string, role: string) =>
    `role ${q(role)} has no VMs: the ${target} target writes its security group but attaches it to no VM (set vms.${role} = [...])`,
  PAL6502: (kind: string, a: string, b: string, pve: string) =>
    `${kind} ${q(a)} and ${q(b)} both become the Proxmox name ${q(pve)}; rename one of them`,
  PAL6503: (vm: number, a: string, b: string) => `VM ${vm} is listed for roles ${q(a)} and ${q(b)}; a VM holds one role`,
  // AWS security groups (targets aws, terraform, cloudformation)
  PAL6101: (role: string, count: number, direction: string, family: string, limit: number) =>
    `the security group of role ${q(role)} needs ${count} ${direction} ${family} rules, more than the limit of ${limit} per group`,
  PAL6102: (rule: string, why: string) => `the description of rule ${q(rule)} cannot be a security-group rule description: ${why}`,
  PAL6103: (role: string, name: string, why: string) => `role ${q(role)} cannot be a security group named ${q(name)}: ${why}`,
  PAL6104: (target: string, why: string) => `the ${target} target cannot express this ruleset: ${why}`,

  // injection: text that cannot reach any target safely (PAL6901-PAL6919)
  PAL6901: (codePoint: string) =>
    `a string cannot hold the control character ${codePoint}: every target writes strings as one line of printable text`,
  // operational guards (PAL6920-PAL6949): warnings of `compile`, see src/guards/ and docs/reliability.md
  PAL6920: (rule: string, opened: string, by: string) => `${rule} opens ${opened} to any address (${by})`,
  PAL6921: (zone: string, api: string) =>
    `no rule lets administrators in zone ${q(zone)} reach the ${api} on any role, which the ruleset opens to others: they would be locked out`,
  PAL6922: (target: string, role: string) =>
    `no rule lets anyone reach the Talos API (apid, tcp/50000) on role ${q(role)}: once the ${target} patch is applied, talosctl cannot manage these nodes`,
  PAL6923: (target: string, switches: string) =>
    `the ${target} target leaves ${switches} as it is: a guest is filtered only when the datacenter firewall, its own firewall and its NIC's firewall=1 are all on, so its VMs may stay unfiltered`,
  PAL6924: (target: string) =>
    `the ${target} target turns the datacenter firewall on, which arms every node's host firewall with policy DROP: only the management IP set reaches the GUI (tcp/8006) and SSH (tcp/22) afterwards`,

  // lint findings
  PAL8002: (rule: string, by: string) => `rule ${q(rule)} is shadowed: every packet it matches is decided earlier, by ${by}`,
  PAL8003: (rule: string, by: string) => `rule ${q(rule)} is redundant: without it, its packets are decided the same way by ${by}`,
  PAL8004: (kind: string, name: string) => `${kind} ${q(name)} is never used`,
  PAL8005: (zone: string) => `zone ${q(zone)} is empty with the current parameters`,
  PAL8006: (what: string, opened: string, by: string) => `${what} ${opened} to any address (${by})`,
  PAL8007: (zone: string, api: string) => `administrators in zone ${q(zone)} cannot reach the ${api} on any role: they would be locked out`,

  // command line and files
  PAL7001: (path: string, why: string) => `cannot read ${q(path)}: ${why}`,
  PAL7002: (why: string) => `${why}`,
  PAL7003: (path: string, why: string) => `cannot write ${q(path)}: ${why}`,
} as const;

export type Code = keyof typeof messages;
export type MessageArgs<C extends Code> = Parameters<(typeof messages)[C]>;
