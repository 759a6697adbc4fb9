/**
 * The allow-list targets share their lowerings when compiled from one IR (aws, terraform and
 * cloudformation one; talos and talos-nft another; the grants all five): whatever order the
 * targets run in on the same IR, each one's diagnostics (worded with its own name and option
 * names) and artifacts are those of a compile of its own.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, type TargetId } from '../../src/backends/index.js';
import { resolveOptions, targetBlock } from '../../src/backends/options.js';
import type { Backend, OptionSpecs } from '../../src/backends/types.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../src/diagnostics/index.js';
import type { Ruleset } from '../../src/ir/index.js';
import { analyzeText } from '../helpers.js';

// A rule that holds for half a role, SCTP ports (no AWS or Talos rule can say them), ICMP
// that Talos accepts by itself, and a ruleset that compiles.
const REFUSED = `role cp = 10.0.1.0/24, fd00:1::/64
role web = 10.0.2.0/24
half allow any -> 10.0.1.0/25 tcp/6443
sctp allow any -> web sctp/80
ping deny any -> web icmp/echo-request
api allow 10.9.0.0/16 -> cp tcp/6443
default ingress deny
default egress allow
`;
const ACCEPTED = `role cp = 10.0.1.0/24
role web = 10.0.2.0/24
api allow 10.9.0.0/16 -> cp tcp/6443
web allow any -> web tcp/443, udp/53
deny 10.9.9.0/24 -> web tcp/443
default ingress deny
default egress allow
`;
const SET = ['talos.icmp=talos', 'talos-nft.icmp=talos', 'talos.egress=elsewhere', 'talos-nft.egress=elsewhere', 'talos.protocols=tcp-udp', 'talos-nft.protocols=tcp-udp'];

interface Result {
  readonly diagnostics: string[];
  readonly artifacts: string[];
}

const show = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map(formatDiagnostic);

/** Check and emit one target on an IR that other targets may have lowered already. */
function onIr(ir: Ruleset, id: TargetId): Result {
  const backend = getBackend(id) as Backend<OptionSpecs>;
  const diagnostics: Diagnostic[] = [];
  const options = resolveOptions(backend, targetBlock(ir, id), diagnostics, ir.roles.map((r) => r.name));
  diagnostics.push(...backend.check(ir, options));
  const artifacts = hasErrors(diagnostics) ? [] : backend.emit(ir, options).map((a) => `${a.path}\n${a.contents}`);
  return { diagnostics: show(diagnostics), artifacts };
}

/** The same target alone, on an IR of its own. */
const alone = (text: string, id: TargetId): Result => onIr(analyzeText(text, { set: SET }).ir!, id);

const ORDERS: readonly (readonly TargetId[])[] = [
  ['aws', 'terraform', 'cloudformation', 'talos', 'talos-nft'],
  ['talos-nft', 'cloudformation', 'talos', 'terraform', 'aws'],
];

describe.each([
  ['a refused ruleset', REFUSED],
  ['an accepted ruleset', ACCEPTED],
])('allow-list targets sharing one IR: %s', (_, text) => {
  it.each(ORDERS.map((order) => [order.join(', '), order] as const))('in the order %s, each target gives what it gives alone', (_name, order) => {
    const ir = analyzeText(text, { set: SET }).ir!;
    for (const id of order) {
      const shared = onIr(ir, id);
      const own = alone(text, id);
      expect(shared).toEqual(own);
    }
  });

  it('words each finding with its own target and option names', () => {
    const ir = analyzeText(text, { set: SET }).ir!;
    for (const id of ORDERS[0]!) {
      const diagnostics = onIr(ir, id).diagnostics;
      // "the talos target", "(accepted by talos.icmp=talos)": the target's own name only.
      const named = diagnostics.flatMap((d) => [...d.matchAll(/the ([a-z-]+) target|accepted by ([a-z-]+)\.[a-z-]+=/g)].map((m) => m[1] ?? m[2]));
      expect(named.filter((n) => n !== id)).toEqual([]);
      if (text === REFUSED) expect(named.length).toBeGreaterThan(0);
    }
  });
});
