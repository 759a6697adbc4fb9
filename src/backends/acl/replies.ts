/**
 * Stateless reply entries. Switch ACLs keep no connection state, so for every allowed rule
 * S -> D the ACL must also pass the replies D -> S (LANGUAGE.md "Meaning"). They go first in the
 * ACL, before every opening entry, so that no later deny can drop a reply:
 *
 * - TCP: `permit tcp D [eq P] S established` (ACK/RST only: never admits a new connection).
 * - UDP: `permit udp D [eq P] S` (source port = the service port). UDP has no handshake, so
 *   this also admits unsolicited datagrams from D's service port to any port of S.
 * - ICMP/ICMPv6 echo-request: `permit icmp D S echo-reply` (also admits unsolicited echo replies).
 * - Other named protocols (gre, esp, proto/N): `permit PROTO D S`, which admits new flows D -> S.
 *
 * A UDP, echo-reply or other-protocol entry is left out when the ruleset already permits every
 * packet it would admit (then the replies pass as opening packets). For `any`, replies of
 * protocols other than TCP, UDP and ICMP cannot be written without permitting them outright;
 * unless the ruleset already permits them D -> S, that is an error naming the rule.
 */
import type { Policy } from '../../analysis/index.js';
import { Coverage } from './coverage.js';
import type { AddressSet, Family, ServiceEntry, ServiceSet } from '../../ir/index.js';
import { ECHO_REPLY, ECHO_REQUEST, ICMP, ICMPV6, TCP, UDP } from './model.js';
import { intervals } from '../../ir/index.js';

/** One reply entry to emit (addresses reversed: source is the rule's destination). */
export interface ReplySpec {
  readonly protocol: number;
  /** The rule's destination ports, matched as the reply's source ports (TCP/UDP). */
  readonly sourcePorts?: readonly (readonly [number, number])[];
  readonly icmpType?: number;
  readonly established?: boolean;
}

const OTHER_PROTOCOLS: ServiceSet = {
  any: false,
  entries: Array.from({ length: 256 }, (_, p) => p)
    .filter((p) => p !== TCP && p !== UDP && p !== ICMP && p !== ICMPV6)
    .map((protocol) => ({ protocol })),
};

/** Answers "does the ruleset already permit all of these packets?" (exactly: coverage.ts). */
export class ReplyCoverage {
  readonly #coverage: Coverage;
  constructor(ruleset: Policy) {
    this.#coverage = new Coverage(ruleset);
  }
  covers(source: AddressSet, destination: AddressSet, services: ServiceSet): boolean {
    return this.#coverage.covers(source, destination, services);
  }
}

const ALL_PORTS = (ports: ServiceEntry['ports']): boolean =>
  ports === undefined || (ports.length === 1 && ports[0]![0] === 0 && ports[0]![1] === 65535);

/**
 * The reply entries of one allow rule in one family, with the reverse addresses restricted to
 * that family; `uncovered` is true when `any` needs replies the ACL cannot write.
 */
export function replySpecs(
  rule: { readonly services: ServiceSet },
  family: Family,
  source: AddressSet,
  destination: AddressSet,
  coverage: ReplyCoverage,
): { specs: ReplySpec[]; uncovered: boolean } {
  const specs: ReplySpec[] = [];
  const icmp = family === 4 ? ICMP : ICMPV6;
  // Reverse direction: replies travel from the rule's destination to its source.
  const covered = (services: ServiceSet): boolean => coverage.covers(destination, source, services);
  const udp = (ports: ServiceEntry['ports']): void => {
    if (covered({ any: false, entries: [{ protocol: UDP }] })) return;
    if (ALL_PORTS(ports)) specs.push({ protocol: UDP });
    else specs.push({ protocol: UDP, sourcePorts: ports! });
  };
  const echo = (): void => {
    const type = ECHO_REPLY[family];
    if (!covered({ any: false, entries: [{ protocol: icmp, ports: [[type, type]] }] })) specs.push({ protocol: icmp, icmpType: type });
  };
  if (rule.services.any) {
    specs.push({ protocol: TCP, established: true });
    udp(undefined);
    echo();
    return { specs, uncovered: !covered(OTHER_PROTOCOLS) };
  }
  for (const entry of rule.services.entries) {
    if (entry.protocol === TCP) {
      specs.push(ALL_PORTS(entry.ports) ? { protocol: TCP, established: true } : { protocol: TCP, sourcePorts: entry.ports!, established: true });
    } else if (entry.protocol === UDP) {
      udp(entry.ports);
    } else if (entry.protocol === ICMP || entry.protocol === ICMPV6) {
      if (entry.protocol !== icmp) continue;
      const req = ECHO_REQUEST[family];
      if (entry.ports === undefined || intervals.contains(entry.ports, req)) echo();
    } else if (!covered({ any: false, entries: [{ protocol: entry.protocol }] })) {
      specs.push({ protocol: entry.protocol });
    }
  }
  return { specs, uncovered: false };
}
