/**
 * The abstract syntax of a .pal file: what was written, with a span on every node. Nothing is
 * resolved here (names stay names, `$params` stay references); see `src/ir/lower.ts` for that.
 */
import type { SourceFile, Span } from '../diagnostics/index.js';

export interface Name {
  readonly text: string;
  readonly span: Span;
}

export interface Program {
  readonly source: SourceFile;
  readonly statements: readonly Statement[];
}

export type Statement =
  | ParamDecl
  | ZoneDecl
  | RoleDecl
  | ServiceDecl
  | TargetDecl
  | ImportDecl
  | DefaultDecl
  | IfStmt
  | RuleStmt;

// ---------------------------------------------------------------- values

export type ParamTypeName = 'bool' | 'int' | 'string' | 'cidr' | 'list(cidr)' | 'list(string)' | 'list(int)';

export interface TypeRef {
  /** As written: `bool`, `list(cidr)`; may be unknown (checked when lowering). */
  readonly text: string;
  readonly span: Span;
}

/** An address literal: already validated and canonical (`network` is the canonical CIDR text). */
export interface AddressLiteral {
  readonly kind: 'address';
  readonly family: 4 | 6;
  /** Canonical CIDR, e.g. `10.0.1.0/24` or `10.0.1.5/32`. */
  readonly cidr: string;
  /** True when written with a prefix length (`/24`), false for a bare address. */
  readonly prefixed: boolean;
  readonly span: Span;
}

export type Value =
  | { readonly kind: 'int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | AddressLiteral
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'param'; readonly name: Name; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly Value[]; readonly bracketed: boolean; readonly span: Span };

// ---------------------------------------------------------------- addresses

/** `a, b except c` — the union of `include` minus the union of `exclude`. */
export interface AddressExpr {
  readonly include: readonly AddressTerm[];
  readonly exclude: readonly AddressTerm[];
  readonly span: Span;
}

export type AddressTerm =
  | { readonly kind: 'name'; readonly name: Name; readonly span: Span }
  | AddressLiteral
  | { readonly kind: 'param'; readonly name: Name; readonly span: Span }
  | { readonly kind: 'any'; readonly span: Span }
  | { readonly kind: 'group'; readonly expr: AddressExpr; readonly span: Span };

// ---------------------------------------------------------------- services

export type ProtocolKeyword = 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmpv6' | 'gre' | 'esp' | 'ah';

/** One item after `proto/`: a number, a range, an ICMP type name, or a `$param`. */
export type PortItem =
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly span: Span }
  | { readonly kind: 'named'; readonly name: string; readonly span: Span }
  | { readonly kind: 'param'; readonly name: Name; readonly span: Span };

export type ServiceTerm =
  | {
      readonly kind: 'protocol';
      readonly protocol: ProtocolKeyword;
      readonly protocolSpan: Span;
      /** Absent: all ports / all types. */
      readonly ports?: readonly PortItem[];
      readonly span: Span;
    }
  | { readonly kind: 'number'; readonly number: number; readonly numberSpan: Span; readonly span: Span }
  | { readonly kind: 'any'; readonly span: Span }
  | { readonly kind: 'name'; readonly name: Name; readonly span: Span };

// ---------------------------------------------------------------- statements

export interface ParamDecl {
  readonly kind: 'param';
  readonly name: Name;
  readonly type: TypeRef;
  readonly value: Value;
  readonly span: Span;
}

export interface ZoneDecl {
  readonly kind: 'zone';
  readonly name: Name;
  readonly addresses: AddressExpr;
  readonly span: Span;
}

export interface RoleDecl {
  readonly kind: 'role';
  readonly name: Name;
  /** Absent for a role without addresses (an opaque set of endpoints). */
  readonly addresses?: AddressExpr;
  readonly span: Span;
}

export interface ServiceDecl {
  readonly kind: 'service';
  readonly name: Name;
  readonly services: readonly ServiceTerm[];
  readonly span: Span;
}

export interface TargetEntry {
  /** Dotted key as written, e.g. `vms.controlplane`. */
  readonly key: Name;
  readonly value: Value;
  readonly span: Span;
}

export interface TargetDecl {
  readonly kind: 'target';
  readonly name: Name;
  readonly entries: readonly TargetEntry[];
  readonly span: Span;
}

export interface ImportDecl {
  readonly kind: 'import';
  readonly path: string;
  readonly pathSpan: Span;
  readonly span: Span;
}

export interface DefaultDecl {
  readonly kind: 'default';
  readonly direction: 'ingress' | 'egress';
  readonly action: 'allow' | 'deny';
  readonly span: Span;
}

export type Expr =
  | { readonly kind: 'param'; readonly name: Name; readonly span: Span }
  | {
      readonly kind: 'compare';
      readonly op: '==' | '!=';
      readonly name: Name;
      readonly value: Value;
      readonly span: Span;
    }
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly span: Span };

export interface IfStmt {
  readonly kind: 'if';
  readonly condition: Expr;
  readonly then: readonly Statement[];
  /** `else { ... }` or `else if ...` (an IfStmt as the only statement). */
  readonly else?: readonly Statement[];
  readonly span: Span;
}

export interface RuleStmt {
  readonly kind: 'rule';
  readonly name?: Name;
  readonly action: 'allow' | 'deny';
  readonly actionSpan: Span;
  readonly source: AddressExpr;
  readonly destination: AddressExpr;
  readonly services: readonly ServiceTerm[];
  readonly description?: { readonly value: string; readonly span: Span };
  readonly span: Span;
}
