/**
 * `palisade lint FILE`: exact findings about a ruleset, one check per file. Findings are
 * diagnostics (positioned, with codes PAL8xxx); errors make `lint` exit 1.
 */
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/index.js';
import type { Ruleset } from '../../ir/index.js';
import type { Statement } from '../../parser/ast.js';
import { PolicyAnalysis } from '../gates.js';
import { PacketUniverse } from '../universe.js';
import { rulesetPolicy } from '../policy.js';
import { adminLockout } from './admin-lockout.js';
import type { LintCheck, LintContext } from './context.js';
import { emptyZones } from './empty-zones.js';
import { ruleFacts } from './reach.js';
import { redundant } from './redundant.js';
import { sensitivePorts } from './sensitive-ports.js';
import { shadowed } from './shadowed.js';
import { unused } from './unused.js';

/**
 * Rules that can never match are reported before lint runs, by the checks every command shares:
 * families that cannot meet are an error (PAL5001), ends empty with the current parameters a
 * warning (PAL5002) that lint prints with its own findings.
 */
export const lintChecks: readonly LintCheck[] = [shadowed, redundant, unused, emptyZones, sensitivePorts, adminLockout];

export function lint(ir: Ruleset, statements: readonly Statement[]): Diagnostic[] {
  const universe = new PacketUniverse(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name));
  const policy = new PolicyAnalysis(universe, rulesetPolicy(ir, ir.sources[0]?.name ?? ''));
  const gate = policy.gates[0]!;
  const ctx: LintContext = { ir, statements, policy, gate, facts: ruleFacts(gate, ir.rules.length) };
  return sortDiagnostics(lintChecks.flatMap((check) => check(ctx)));
}
