/**
 * Stable identifiers for atomic security-group rules (Terraform resource names, CloudFormation
 * logical ids): the rule's name, followed by only those of role, peer and protocol/ports that
 * differ between the entries one rule produces in one direction. Names depend on rule names and
 * content only, so reordering declarations never renames a resource.
 */
import type { Direction, Role } from '../../ir/index.js';
import type { Entry } from './entries.js';
import type { SgPeer, SgRule } from './model.js';

export interface Described extends Entry {
  readonly description: string;
  /** The rule name, or a per-role name for the defaults. */
  readonly origin: string;
}

export function peerToken(peer: SgPeer): string {
  if (peer.kind === 'group') return peer.role;
  if (peer.cidr === '0.0.0.0/0' || peer.cidr === '::/0') return `${peer.kind}-any`;
  return peer.cidr.replace(/[.:/]/g, '-');
}

export function portToken(e: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  if (e.protocol === '-1') return 'all';
  const name = /^\d+$/.test(e.protocol) ? `proto-${e.protocol}` : e.protocol;
  if (e.fromPort === undefined) return name;
  if (e.fromPort === -1 || (e.fromPort === 0 && e.toPort === 65535)) return `${name}-all`;
  return e.fromPort === e.toPort || e.toPort === -1 ? `${name}-${e.fromPort}` : `${name}-${e.fromPort}-${e.toPort}`;
}

interface RawGroup {
  readonly role: Role;
  readonly ingress: readonly Described[];
  readonly egress: readonly Described[];
}

export function nameEntries<G extends RawGroup>(groups: readonly G[]): (Omit<G, 'ingress' | 'egress'> & { ingress: SgRule[]; egress: SgRule[] })[] {
  const ids = new Map<Described, string>();
  for (const direction of ['ingress', 'egress'] as const) {
    const byOrigin = new Map<string, { role: string; entry: Described }[]>();
    for (const g of groups) {
      for (const entry of g[direction]) {
        const list = byOrigin.get(entry.origin) ?? [];
        list.push({ role: g.role.name, entry });
        byOrigin.set(entry.origin, list);
      }
    }
    const used = new Set<string>();
    for (const [origin, list] of byOrigin) {
      const parts = list.map(({ role, entry }) => [role, peerToken(entry.peer), portToken(entry)]);
      const varying = [0, 1, 2].filter((i) => new Set(parts.map((p) => p[i])).size > 1);
      list.forEach(({ entry }, n) => {
        const base = [origin, ...varying.map((i) => parts[n]![i]!)].join('-');
        let id = base;
        for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
        used.add(id);
        ids.set(entry, id);
      });
    }
  }
  const finish = (direction: Direction, list: readonly Described[]): SgRule[] =>
    list.map((e) => {
      const rule: SgRule = {
        direction,
        protocol: e.protocol,
        peer: e.peer,
        description: e.description,
        origin: e.origin,
        id: ids.get(e)!,
        ...(e.fromPort !== undefined ? { fromPort: e.fromPort, toPort: e.toPort ?? e.fromPort } : {}),
      };
      return rule;
    });
  return groups.map((g) => ({ ...g, ingress: finish('ingress', g.ingress), egress: finish('egress', g.egress) }));
}
