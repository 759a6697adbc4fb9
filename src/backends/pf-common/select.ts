/**
 * Which interface a reader models, and the rules that judge packets entering it, in pf's order
 * (floating, then interface groups, then the interface; reference §5). The interface is the one
 * palisade's own rules are on (pfSense trackers in palisade's range, OPNsense UUIDv5s), else the
 * only interface with rules. Floating rules and group rules that apply to it are not modelled
 * and are an error; rules of other interfaces judge other packets and are left out.
 */
import type { Span } from '../../diagnostics/index.js';
import { unsupported } from './read-env.js';
import type { RawRule } from './read-policy.js';

export interface PlacedRule {
  readonly interfaces: readonly string[];
  readonly floating: boolean;
  /** Written by palisade. */
  readonly marked: boolean;
  readonly raw: RawRule;
}

export interface Selection {
  readonly interface: string | undefined;
  readonly rules: readonly RawRule[];
}

export function selectInterface(rules: readonly PlacedRule[], groups: ReadonlyMap<string, readonly string[]>, fileSpan: Span): Selection {
  const onInterfaces = rules.filter((r) => !r.floating);
  const marked = [...new Set(onInterfaces.filter((r) => r.marked).flatMap((r) => r.interfaces))];
  const all = [...new Set(onInterfaces.flatMap((r) => r.interfaces))].sort();
  const chosen = marked.length === 1 ? marked[0] : all.length === 1 ? all[0] : undefined;
  if (chosen === undefined && all.length > 0) {
    unsupported(fileSpan, `rules on several interfaces (${all.join(', ')}) with no single one holding palisade's rules: the reader models one interface`);
  }
  if (chosen === undefined) return { interface: undefined, rules: [] };
  for (const r of rules) {
    if (r.floating && (r.interfaces.length === 0 || r.interfaces.includes(chosen) || r.interfaces.includes('any'))) {
      unsupported(r.raw.span, `a floating rule on interface ${chosen}`);
    }
  }
  for (const [group, members] of groups) {
    if (!members.includes(chosen)) continue;
    const grouped = onInterfaces.find((r) => r.interfaces.includes(group));
    if (grouped) unsupported(grouped.raw.span, `a rule of interface group ${group}, which contains ${chosen}`);
  }
  return { interface: chosen, rules: onInterfaces.filter((r) => r.interfaces.includes(chosen)).map((r) => r.raw) };
}
