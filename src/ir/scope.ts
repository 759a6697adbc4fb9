/**
 * The declarations in effect, by namespace: zones and roles share one (both are addresses),
 * services have their own. Redeclaring a name is an error pointing at both places.
 */
import { error, withExtras, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { RoleDecl, ServiceDecl, Statement, ZoneDecl } from '../parser/ast.js';
import type { BoundParam } from './types.js';

export interface Scope {
  readonly addresses: ReadonlyMap<string, ZoneDecl | RoleDecl>;
  readonly services: ReadonlyMap<string, ServiceDecl>;
  readonly params: ReadonlyMap<string, BoundParam>;
  readonly declaredParams: ReadonlySet<string>;
  /** Opaque roles (declared without addresses), sorted: the members of `any` beyond literal addresses. */
  readonly opaqueRoles: readonly string[];
}

export function buildScope(
  live: readonly Statement[],
  params: ReadonlyMap<string, BoundParam>,
  declaredParams: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): Scope {
  const addresses = new Map<string, ZoneDecl | RoleDecl>();
  const services = new Map<string, ServiceDecl>();
  const duplicate = (kind: string, name: string, span: Span, first: Span): void => {
    diagnostics.push(
      withExtras(error('PAL3004', span, kind, name), { related: [{ span: first, message: 'first declared here' }] }),
    );
  };
  for (const s of live) {
    if (s.kind === 'zone' || s.kind === 'role') {
      const earlier = addresses.get(s.name.text);
      if (earlier) duplicate(s.kind, s.name.text, s.name.span, earlier.name.span);
      else addresses.set(s.name.text, s);
    } else if (s.kind === 'service') {
      const earlier = services.get(s.name.text);
      if (earlier) duplicate('service', s.name.text, s.name.span, earlier.name.span);
      else services.set(s.name.text, s);
    }
  }
  const opaqueRoles = [...addresses.values()]
    .filter((d): d is RoleDecl => d.kind === 'role' && !d.addresses)
    .map((d) => d.name.text)
    .sort();
  return { addresses, services, params, declaredParams, opaqueRoles };
}
