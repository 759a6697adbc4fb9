/**
 * The per-ACL cost report: entries as written, TCAM entries after expanding port ranges into
 * the prefix blocks a ternary match needs (a range of 16-bit ports costs up to 30), and L4
 * operators (`range`, `gt`, `lt`, `neq`: distinct comparisons hardware must hold in its
 * LOU/L4OP registers; `eq` needs none). Past a budget, check() warns.
 */
import type { Range } from '../../ir/intervals.js';
import { groupSize, type AclPlan } from './model.js';

export interface AclCost {
  readonly acl: string;
  readonly entries: number;
  readonly expandedEntries: number;
  readonly l4Operators: number;
}

/** How many aligned prefix blocks cover a port range exactly. */
export function prefixBlocks([lo, hi]: Range<number>): number {
  let n = 0;
  let start = lo;
  while (start <= hi) {
    let size = start === 0 ? 65536 : start & -start;
    while (start + size - 1 > hi) size >>= 1;
    n++;
    start += size;
  }
  return n;
}

/** The cost of an ACL: each group's matches counted once per source and destination pair. */
export function aclCost(acl: AclPlan): AclCost {
  let entries = 0;
  let expanded = 0;
  const operators = new Set<string>();
  for (const block of acl.blocks) {
    for (const group of block.groups) {
      const size = groupSize(group);
      if (size === 0) continue;
      entries += size;
      const pairs = group.sources.length * group.destinations.length;
      for (const m of group.matches) {
        const sides = [m.sourcePorts, m.destinationPorts];
        expanded += pairs * sides.reduce((acc, r) => acc * (r ? prefixBlocks(r) : 1), 1);
        sides.forEach((r, i) => {
          if (r && r[0] !== r[1]) operators.add(`${i === 0 ? 'src' : 'dst'} range ${r[0]} ${r[1]}`);
        });
      }
    }
  }
  return { acl: acl.name, entries, expandedEntries: expanded, l4Operators: operators.size };
}

/** The report as JSON with sorted keys. */
export function costReport(costs: readonly AclCost[], budget: { l4Operators: number; entries: number }): string {
  const acls = costs.map((c) => ({
    acl: c.acl,
    entries: c.entries,
    expandedEntries: c.expandedEntries,
    l4Operators: c.l4Operators,
    overBudget: c.l4Operators > budget.l4Operators || c.expandedEntries > budget.entries,
  }));
  return `${JSON.stringify({ acls, budget: { entries: budget.entries, l4Operators: budget.l4Operators } }, null, 2)}\n`;
}
