/**
 * `palisade explain FILE PROTO SRC DST [PORT|ICMPTYPE]`: the verdict for one packet and what
 * decided it (the rule, with its location, or the defaults that applied).
 */
import { didYouMean, error, location, withExtras, type Diagnostic, type Span } from '../diagnostics/index.js';
import {
  evaluate,
  formatAddress,
  icmpTypeName,
  icmpTypeTable,
  parseAddress,
  protocolFamily,
  protocolLabel,
  protocolNumbers,
  PORT_PROTOCOLS,
  TYPE_PROTOCOLS,
  type Packet,
  type PacketEnd,
  type Rule,
  type Ruleset,
  type Verdict,
} from '../ir/index.js';

export interface Arg {
  readonly text: string;
  readonly span: Span;
}

export interface PacketArgs {
  readonly protocol: Arg;
  readonly source: Arg;
  readonly destination: Arg;
  readonly port?: Arg | undefined;
}

/** The packet the arguments describe, or diagnostics positioned on the arguments. */
export function parsePacket(ir: Ruleset, args: PacketArgs): { packet?: Packet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const protocol = parseProtocol(args.protocol, diagnostics);
  const source = parseEnd(ir, args.source, diagnostics);
  const destination = parseEnd(ir, args.destination, diagnostics);
  if (protocol === undefined || !source || !destination) return { diagnostics };

  if (source.kind === 'address' && destination.kind === 'address' && source.family !== destination.family) {
    diagnostics.push(error('PAL7002', args.destination.span, `source is IPv${source.family} and destination IPv${destination.family}`));
    return { diagnostics };
  }
  const family = source.kind === 'address' ? source.family : destination.kind === 'address' ? destination.family : undefined;
  const protoFamily = protocolFamily(protocol);
  if (family !== undefined && protoFamily !== undefined && protoFamily !== family) {
    const right = protoFamily === 4 ? 'icmpv6' : 'icmp';
    diagnostics.push(
      withExtras(error('PAL7002', args.protocol.span, `${protocolLabel(protocol)} is not an IPv${family} protocol`), {
        hint: `use ${right}`,
      }),
    );
    return { diagnostics };
  }
  const port = parsePort(protocol, args, diagnostics);
  if (diagnostics.length > 0) return { diagnostics };
  const packet: Packet = port === undefined ? { source, destination, protocol } : { source, destination, protocol, port };
  return { packet, diagnostics };
}

function parseProtocol(arg: Arg, diagnostics: Diagnostic[]): number | undefined {
  const named = (protocolNumbers as Record<string, number>)[arg.text];
  if (named !== undefined) return named;
  const m = /^(?:proto\/)?(\d{1,3})$/.exec(arg.text);
  if (m && Number(m[1]) <= 255) return Number(m[1]);
  diagnostics.push(
    withExtras(error('PAL7002', arg.span, `unknown protocol ${JSON.stringify(arg.text)}`), {
      hint: didYouMean(arg.text, Object.keys(protocolNumbers)) ?? `protocols are ${Object.keys(protocolNumbers).join(', ')} or a number 0-255`,
    }),
  );
  return undefined;
}

/** An address, or the name of a role without addresses (an opaque endpoint). */
function parseEnd(ir: Ruleset, arg: Arg, diagnostics: Diagnostic[]): PacketEnd | undefined {
  const address = parseAddress(arg.text);
  if (address) return { kind: 'address', family: address.family, value: address.value };
  const role = ir.roles.find((r) => r.name === arg.text);
  if (role && role.addresses === undefined) return { kind: 'role', role: role.name };
  if (role) {
    diagnostics.push(error('PAL7002', arg.span, `role ${JSON.stringify(role.name)} has addresses; give one of them`));
  } else {
    diagnostics.push(
      withExtras(error('PAL7002', arg.span, `${JSON.stringify(arg.text)} is not an address or a role without addresses`), {
        hint: didYouMean(arg.text, ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name)),
      }),
    );
  }
  return undefined;
}

function parsePort(protocol: number, args: PacketArgs, diagnostics: Diagnostic[]): number | undefined {
  const arg = args.port;
  const label = protocolLabel(protocol);
  if (PORT_PROTOCOLS.has(protocol)) {
    if (!arg) {
      diagnostics.push(error('PAL7002', args.destination.span, `${label} needs a destination port after the destination`));
      return undefined;
    }
    if (/^\d{1,5}$/.test(arg.text) && Number(arg.text) >= 1 && Number(arg.text) <= 65535) return Number(arg.text);
    diagnostics.push(error('PAL7002', arg.span, `${JSON.stringify(arg.text)} is not a port 1-65535`));
    return undefined;
  }
  if (TYPE_PROTOCOLS.has(protocol)) {
    // `icmp` alone asks about a ping.
    if (!arg) return protocol === 58 ? 128 : 8;
    if (/^\d{1,3}$/.test(arg.text) && Number(arg.text) <= 255) return Number(arg.text);
    const table = icmpTypeTable(protocol);
    const n = table[arg.text];
    if (n !== undefined) return n;
    diagnostics.push(
      withExtras(error('PAL7002', arg.span, `unknown ${label} type ${JSON.stringify(arg.text)}`), {
        hint: didYouMean(arg.text, Object.keys(table)),
      }),
    );
    return undefined;
  }
  if (arg) diagnostics.push(error('PAL7002', arg.span, `${label} has no ports or types`));
  return undefined;
}

function endText(end: PacketEnd): string {
  return end.kind === 'address' ? formatAddress(end.family, end.value) : `(member of ${end.role})`;
}

/** `tcp 10.0.2.1 -> 10.0.1.1 port 6443`, `icmp 10.0.0.5 -> 10.0.1.1 type echo-request`. */
export function packetText(p: Packet): string {
  const base = `${protocolLabel(p.protocol)} ${endText(p.source)} -> ${endText(p.destination)}`;
  if (p.port === undefined) return base;
  if (TYPE_PROTOCOLS.has(p.protocol)) return `${base} type ${icmpTypeName(p.protocol, p.port) ?? p.port}`;
  return `${base} port ${p.port}`;
}

export function ruleText(rule: Rule): string {
  const text = `${rule.action} ${rule.source.text} -> ${rule.destination.text} ${rule.servicesText}`;
  return rule.description === undefined ? text : `${text} ${JSON.stringify(rule.description)}`;
}

/** The explanation printed by `palisade explain`. */
export function explanation(packet: Packet, verdict: Verdict): string {
  const lines = [`${verdict.permitted ? 'permitted' : 'denied'}: ${packetText(packet)}`];
  if (verdict.by === 'rule') {
    lines.push(`  by rule ${verdict.rule.name} at ${location(verdict.rule.span)}`);
    lines.push(`    ${ruleText(verdict.rule)}`);
  } else if (verdict.defaults.length === 0) {
    lines.push('  no rule matches and neither end is in a role: the packet is outside the policy');
  } else {
    lines.push('  no rule matches; the defaults that apply:');
    for (const d of verdict.defaults) {
      const where = d.policy.span ? location(d.policy.span) : 'implicit';
      const end = d.direction === 'ingress' ? 'destination' : 'source';
      lines.push(`    default ${d.direction} ${d.policy.action} (${where}): the ${end} is in role ${d.role}`);
    }
  }
  return lines.join('\n');
}

export function explain(ir: Ruleset, packet: Packet): { verdict: Verdict; text: string } {
  const verdict = evaluate(ir, packet);
  return { verdict, text: explanation(packet, verdict) };
}
