/** Zones without any address with the current parameters (say an empty `list(cidr)`). */
import { warning } from '../../diagnostics/index.js';
import { isEmptySet } from '../../ir/index.js';
import { declarationName, type LintCheck } from './context.js';

export const emptyZones: LintCheck = (ctx) =>
  ctx.ir.zones.filter((z) => isEmptySet(z.addresses)).map((z) => warning('PAL8005', declarationName(z.span, z.name), z.name));
