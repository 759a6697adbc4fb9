/** `default ingress|egress allow|deny`; when absent, ingress deny and egress allow. */
import { error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { DefaultDecl } from '../parser/ast.js';
import type { Ruleset } from './types.js';

export function lowerDefaults(decls: readonly DefaultDecl[], diagnostics: Diagnostic[]): Ruleset['defaults'] {
  const seen = new Map<string, DefaultDecl>();
  for (const d of decls) {
    const earlier = seen.get(d.direction);
    if (earlier) {
      diagnostics.push(
        withExtras(error('PAL3007', d.span, d.direction), { related: [{ span: earlier.span, message: 'first set here' }] }),
      );
    } else {
      seen.set(d.direction, d);
    }
  }
  const ingress = seen.get('ingress');
  const egress = seen.get('egress');
  return {
    ingress: ingress ? { action: ingress.action, span: ingress.span } : { action: 'deny' },
    egress: egress ? { action: egress.action, span: egress.span } : { action: 'allow' },
  };
}
