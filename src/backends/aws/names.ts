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
  const finish = (direction: Direction, list: readonly Described[], ids: readonly string[]): SgRule[] =>
    list.map((e, n) => {
      const rule: SgRule = {
        direction,
        protocol: e.protocol,
        peer: e.peer,
        description: e.description,
        origin: e.origin,
        id: ids[n]!,
        ...(e.fromPort !== undefined ? { fromPort: e.fromPort, toPort: e.toPort ?? e.fromPort } : {}),
      };
      return rule;
    });
  const idsOf = { ingress: [] as string[][], egress: [] as string[][] };
  for (const direction of ['ingress', 'egress'] as const) {
    // The id of entry n of group i's list is ids[i][n].
    const ids = groups.map((g) => new Array<string>(g[direction].length));
    const byOrigin = new Map<string, { group: number; n: number }[]>();
    groups.forEach((g, group) => {
      g[direction].forEach((entry, n) => {
        const list = byOrigin.get(entry.origin);
        if (list) list.push({ group, n });
        else byOrigin.set(entry.origin, [{ group, n }]);
      });
    });
    const used = new Set<string>();
    for (const [origin, list] of byOrigin) {
      const parts = list.map(({ group, n }) => {
        const entry = groups[group]![direction][n]!;
        return [groups[group]!.role.name, peerToken(entry.peer), portToken(entry)];
      });
      const varying = [0, 1, 2].filter((i) => parts.some((p) => p[i] !== parts[0]![i]));
      list.forEach(({ group, n }, k) => {
        const base = [origin, ...varying.map((i) => parts[k]![i]!)].join('-');
        let id = base;
        for (let c = 2; used.has(id); c++) id = `${base}-${c}`;
        used.add(id);
        ids[group]![n] = id;
      });
    }
    idsOf[direction] = ids;
  }
  return groups.map((g, i) => ({
    ...g,
    ingress: finish('ingress', g.ingress, idsOf.ingress[i]!),
    egress: finish('egress', g.egress, idsOf.egress[i]!),
  }));
}
