/**
 * Talos guard (PAL6922, talos and talos-nft): Talos is managed only through its API (apid,
 * tcp/50000), and its patch always blocks what no rule accepts. A role whose nodes no rule
 * (and no allowing ingress default) lets anyone reach on tcp/50000 cannot be managed once the
 * patch is applied. (Talos's trustd, tcp/50001, is needed by workers joining; PAL6921 covers
 * admin zones, lint PAL8007 the exact case.)
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import { universe, type Ruleset } from '../ir/index.js';
import { declarationName } from '../analysis/lint/context.js';
import { allowsPort, roleAddresses, somePath } from './common.js';

export function talosApi(ir: Ruleset, target: string): Diagnostic[] {
  const anyone = universe(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name));
  const apid = allowsPort(ir, 50000);
  return ir.roles
    .filter((role) => !somePath(ir, apid, anyone, roleAddresses(role)))
    .map((role) => warning('PAL6922', declarationName(role.span, role.name), target, role.name));
}
