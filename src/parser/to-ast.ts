/**
 * CST → AST for files with errors (a valid file's AST comes from direct.ts, which agrees with
 * this one): builds the typed, positioned AST from Chevrotain's CST, checking literals
 * (addresses, integers, strings) and the few rules the grammar leaves open (brackets around
 * rule address lists, commas between target options on one line, top-level-only statements).
 *
 * After error recovery a CST node can miss children. Such a statement is skipped (its syntax
 * error is already reported) by throwing `Incomplete`, caught per statement.
 */
import type { CstNode, IToken } from 'chevrotain';
import { error, type Diagnostic, type SourceFile, type Span } from '../diagnostics/index.js';
import type * as A from './ast.js';
import type * as C from './cst.js';
import { checkAddress, checkInteger, checkString, type Checked } from './literals.js';

class Incomplete extends Error {}

const noTerms: readonly A.AddressTerm[] = Object.freeze([]);

/** Maximum items in one list (addresses, excepts, services, ports, values). */
export const MAX_LIST_ITEMS = 100_000;

export function toAst(cst: C.FileCstNode, source: SourceFile): { program: A.Program; diagnostics: Diagnostic[] } {
  const builder = new AstBuilder(source);
  const statements = builder.statements(cst.children.statement ?? [], 0);
  return { program: { source, statements }, diagnostics: builder.diagnostics };
}

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly source: SourceFile) {}

  // ------------------------------------------------------------ helpers

  private tokenSpan(token: IToken | undefined): Span {
    if (!token || token.isInsertedInRecovery || Number.isNaN(token.startOffset)) throw new Incomplete();
    return this.source.span(token.startOffset, (token.endOffset ?? token.startOffset) + 1);
  }

  private nodeSpan(node: CstNode | undefined): Span {
    const loc = node?.location;
    if (!node || node.recoveredNode || !loc || Number.isNaN(loc.startOffset) || Number.isNaN(loc.endOffset ?? NaN)) {
      throw new Incomplete();
    }
    return this.source.span(loc.startOffset, (loc.endOffset as number) + 1);
  }

  private first<T>(items: readonly (T | undefined)[] | undefined): T {
    return this.present(items?.[0]);
  }

  private present<T>(item: T | undefined): T {
    if (item === undefined) throw new Incomplete();
    return item;
  }

  /** The items of a list, or an error at the list when it holds more than MAX_LIST_ITEMS. */
  private limited<T>(items: readonly T[] | undefined, list: CstNode, more = 0): readonly T[] {
    const all = items ?? [];
    if (all.length + more > MAX_LIST_ITEMS) {
      this.diagnostics.push(error('PAL1007', this.nodeSpan(list), all.length + more, MAX_LIST_ITEMS));
      throw new Incomplete();
    }
    return all;
  }

  private checked<T>(result: Checked<T>): T {
    if (result.ok) return result.value;
    this.diagnostics.push(result.diagnostic);
    throw new Incomplete();
  }

  private name(node: C.NameCstNode | undefined): A.Name {
    const c = this.present(node).children;
    const token = c.Identifier?.[0] ?? c.ProtocolName?.[0] ?? c.Proto?.[0];
    return { text: this.present(token).image, span: this.tokenSpan(token) };
  }

  private paramName(token: IToken): A.Name {
    const span = this.tokenSpan(token);
    return { text: token.image.slice(1), span: this.source.span(span.start + 1, span.end) };
  }

  private integer(token: IToken | undefined): number {
    const t = this.present(token);
    return this.checked(checkInteger(t.image, this.tokenSpan(t)));
  }

  private string(token: IToken | undefined): { value: string; span: Span } {
    const t = this.present(token);
    const span = this.tokenSpan(t);
    return { value: this.checked(checkString(t.image, span)), span };
  }

  private address(children: {
    Ipv4Cidr?: IToken[];
    Ipv4?: IToken[];
    Ipv6Cidr?: IToken[];
    Ipv6?: IToken[];
  }): A.AddressLiteral | undefined {
    const v4 = children.Ipv4Cidr?.[0] ?? children.Ipv4?.[0];
    const v6 = children.Ipv6Cidr?.[0] ?? children.Ipv6?.[0];
    const token = v4 ?? v6;
    if (!token) return undefined;
    return this.checked(checkAddress(token.image, v4 ? 4 : 6, this.tokenSpan(token)));
  }

  // ------------------------------------------------------------ statements

  statements(nodes: readonly C.StatementCstNode[], depth: number): A.Statement[] {
    const out: A.Statement[] = [];
    for (const node of nodes) {
      try {
        const s = this.statement(node, depth);
        if (s) out.push(s);
      } catch (e) {
        if (!(e instanceof Incomplete)) throw e;
      }
    }
    return out;
  }

  private statement(node: C.StatementCstNode, depth: number): A.Statement | undefined {
    const c = node.children;
    if (c.paramDecl) {
      const s = this.paramDecl(this.first(c.paramDecl));
      if (depth > 0) this.diagnostics.push(error('PAL2005', s.span, 'a "param" declaration'));
      return s;
    }
    if (c.zoneDecl) return this.zoneDecl(this.first(c.zoneDecl));
    if (c.roleDecl) return this.roleDecl(this.first(c.roleDecl));
    if (c.serviceDecl) return this.serviceDecl(this.first(c.serviceDecl));
    if (c.targetDecl) return this.targetDecl(this.first(c.targetDecl));
    if (c.importDecl) {
      const s = this.importDecl(this.first(c.importDecl));
      if (depth > 0) this.diagnostics.push(error('PAL2005', s.span, 'an "import"'));
      return s;
    }
    if (c.defaultDecl) return this.defaultDecl(this.first(c.defaultDecl));
    if (c.ifStmt) return this.ifStmt(this.first(c.ifStmt), depth);
    if (c.rule) return this.rule(this.first(c.rule));
    throw new Incomplete();
  }

  private paramDecl(node: C.ParamDeclCstNode): A.ParamDecl {
    const c = node.children;
    return {
      kind: 'param',
      name: this.name(c.name[0]),
      type: this.typeRef(this.first(c.typeRef)),
      value: this.valueList(this.first(c.valueList)),
      span: this.nodeSpan(node),
    };
  }

  private typeRef(node: C.TypeRefCstNode): A.TypeRef {
    const c = node.children;
    const inner = this.first(c.Identifier);
    const text = c.List ? `list(${inner.image})` : inner.image;
    return { text, span: this.nodeSpan(node) };
  }

  private valueList(node: C.ValueListCstNode): A.Value {
    const items = this.limited(node.children.value, node).map((v) => this.value(v));
    if (items.length === 1) return items[0]!;
    return { kind: 'list', items, bracketed: false, span: this.nodeSpan(node) };
  }

  private value(node: C.ValueCstNode): A.Value {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.Integer) return { kind: 'int', value: this.integer(c.Integer[0]), span };
    if (c.StringLiteral) return { kind: 'string', value: this.string(c.StringLiteral[0]).value, span };
    if (c.True) return { kind: 'bool', value: true, span };
    if (c.False) return { kind: 'bool', value: false, span };
    const address = this.address(c);
    if (address) return address;
    if (c.ParamRef) return { kind: 'param', name: this.paramName(this.first(c.ParamRef)), span };
    if (c.name) return { kind: 'name', name: this.name(c.name[0]).text, span };
    if (c.LBracket) {
      return { kind: 'list', items: this.limited(c.value, node).map((v) => this.value(v)), bracketed: true, span };
    }
    throw new Incomplete();
  }

  private zoneDecl(node: C.ZoneDeclCstNode): A.ZoneDecl {
    const c = node.children;
    return {
      kind: 'zone',
      name: this.name(c.name[0]),
      addresses: this.addressList(this.first(c.addressList)),
      span: this.nodeSpan(node),
    };
  }

  private roleDecl(node: C.RoleDeclCstNode): A.RoleDecl {
    const c = node.children;
    const base = { kind: 'role' as const, name: this.name(c.name[0]), span: this.nodeSpan(node) };
    return c.addressList ? { ...base, addresses: this.addressList(this.first(c.addressList)) } : base;
  }

  private addressList(node: C.AddressListCstNode): A.AddressExpr {
    const c = node.children;
    return {
      include: this.limited(c.include, node).map((t) => this.addressTerm(t)),
      // Most lists have no `except`: they share one empty list.
      exclude: c.exclude ? this.limited(c.exclude, node).map((t) => this.addressTerm(t)) : noTerms,
      span: this.nodeSpan(node),
    };
  }

  private addressTerm(node: C.AddressTermCstNode): A.AddressTerm {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.name) {
      // A term that is just a name shares the name's span (the same range).
      const name = this.name(c.name[0]);
      return { kind: 'name', name, span: name.span.start === span.start && name.span.end === span.end ? name.span : span };
    }
    const address = this.address(c);
    if (address) return address;
    if (c.ParamRef) return { kind: 'param', name: this.paramName(this.first(c.ParamRef)), span };
    if (c.Any) return { kind: 'any', span };
    if (c.addressList) return { kind: 'group', expr: this.addressList(this.first(c.addressList)), span };
    throw new Incomplete();
  }

  /** In a rule, a list of several addresses (or excepts) must be bracketed. */
  private ruleAddresses(node: C.AddressListCstNode): A.AddressExpr {
    const expr = this.addressList(node);
    for (const part of [expr.include, expr.exclude]) {
      if (part.length > 1) {
        const span = this.source.span(part[0]!.span.start, part[part.length - 1]!.span.end);
        this.diagnostics.push(error('PAL2003', span));
      }
    }
    return expr;
  }

  private serviceDecl(node: C.ServiceDeclCstNode): A.ServiceDecl {
    const c = node.children;
    const name = this.name(c.name[0]);
    const nameNode = c.name[0]!.children;
    if (nameNode.ProtocolName || nameNode.Proto) {
      this.diagnostics.push(error('PAL2006', name.span, name.text, 'service'));
    }
    return {
      kind: 'service',
      name,
      services: this.serviceList(this.first(c.serviceList)),
      span: this.nodeSpan(node),
    };
  }

  private serviceList(node: C.ServiceListCstNode): A.ServiceTerm[] {
    return this.limited(node.children.serviceTerm, node).map((t) => this.serviceTerm(t));
  }

  private serviceTerm(node: C.ServiceTermCstNode): A.ServiceTerm {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.ProtocolName) {
      const token = this.first(c.ProtocolName);
      const protocol = token.image as A.ProtocolKeyword;
      const protocolSpan = this.tokenSpan(token);
      if (!c.Slash) return { kind: 'protocol', protocol, protocolSpan, span };
      const ports = [this.portItem(this.first(c.portItem)), ...this.limited(c.portNumber, node, 1).map((p) => this.portNumber(p))];
      return { kind: 'protocol', protocol, protocolSpan, ports, span };
    }
    if (c.Proto) {
      const token = this.first(c.Integer);
      return { kind: 'number', number: this.integer(token), numberSpan: this.tokenSpan(token), span };
    }
    if (c.Any) return { kind: 'any', span };
    if (c.Identifier) {
      const token = this.first(c.Identifier);
      return { kind: 'name', name: { text: token.image, span: this.tokenSpan(token) }, span };
    }
    throw new Incomplete();
  }

  private portItem(node: C.PortItemCstNode): A.PortItem {
    const c = node.children;
    if (c.portNumber) return this.portNumber(this.first(c.portNumber));
    const token = this.first(c.Identifier);
    return { kind: 'named', name: token.image, span: this.tokenSpan(token) };
  }

  private portNumber(node: C.PortNumberCstNode): A.PortItem {
    const c = node.children;
    const span = this.nodeSpan(node);
    if (c.ParamRef) return { kind: 'param', name: this.paramName(this.first(c.ParamRef)), span };
    const from = this.integer(this.first(c.from));
    const to = c.to ? this.integer(this.first(c.to)) : from;
    return { kind: 'range', from, to, span };
  }

  private targetDecl(node: C.TargetDeclCstNode): A.TargetDecl {
    const c = node.children;
    const entries: A.TargetEntry[] = [];
    const commas = (c.Comma ?? []).map((t) => t.startOffset);
    for (const entryNode of c.targetEntry ?? []) {
      const entry = this.targetEntry(entryNode);
      const previous = entries[entries.length - 1];
      if (previous && previous.span.line === entry.span.line) {
        const separated = commas.some((o) => o >= previous.span.end && o < entry.span.start);
        if (!separated) this.diagnostics.push(error('PAL2004', entry.span));
      }
      entries.push(entry);
    }
    return { kind: 'target', name: this.name(c.name[0]), entries, span: this.nodeSpan(node) };
  }

  private targetEntry(node: C.TargetEntryCstNode): A.TargetEntry {
    const c = node.children;
    const parts = c.key.map((k) => this.name(k));
    const key: A.Name = {
      text: parts.map((p) => p.text).join('.'),
      span: this.source.span(parts[0]!.span.start, parts[parts.length - 1]!.span.end),
    };
    return { key, value: this.value(this.first(c.value)), span: this.nodeSpan(node) };
  }

  private importDecl(node: C.ImportDeclCstNode): A.ImportDecl {
    const path = this.string(this.first(node.children.StringLiteral));
    return { kind: 'import', path: path.value, pathSpan: path.span, span: this.nodeSpan(node) };
  }

  private defaultDecl(node: C.DefaultDeclCstNode): A.DefaultDecl {
    const c = node.children;
    const direction = this.first(c.direction).children.Ingress ? 'ingress' : 'egress';
    return { kind: 'default', direction, action: this.action(this.first(c.action)).action, span: this.nodeSpan(node) };
  }

  private action(node: C.ActionCstNode): { action: 'allow' | 'deny'; span: Span } {
    const token = node.children.Allow?.[0] ?? node.children.Deny?.[0];
    return { action: node.children.Allow ? 'allow' : 'deny', span: this.tokenSpan(token) };
  }

  private ifStmt(node: C.IfStmtCstNode, depth: number): A.IfStmt {
    const c = node.children;
    const base = {
      kind: 'if' as const,
      condition: this.orExpr(this.first(c.orExpr)),
      then: this.statements(c.then ?? [], depth + 1),
      span: this.nodeSpan(node),
    };
    if (!c.elseBody) return base;
    const body = this.first(c.elseBody).children;
    const elseStatements = body.ifStmt
      ? [this.ifStmt(this.first(body.ifStmt), depth)]
      : this.statements(body.statement ?? [], depth + 1);
    return { ...base, else: elseStatements };
  }

  private orExpr(node: C.OrExprCstNode): A.Expr {
    return this.binary('or', node.children.operand.map((o) => this.andExpr(o)));
  }

  private andExpr(node: C.AndExprCstNode): A.Expr {
    return this.binary('and', node.children.operand.map((o) => this.notExpr(o)));
  }

  private binary(kind: 'and' | 'or', operands: A.Expr[]): A.Expr {
    let expr = this.first(operands);
    for (const right of operands.slice(1)) {
      expr = { kind, left: expr, right, span: this.source.span(expr.span.start, right.span.end) };
    }
    return expr;
  }

  private notExpr(node: C.NotExprCstNode): A.Expr {
    const c = node.children;
    if (c.Not) return { kind: 'not', operand: this.notExpr(this.first(c.notExpr)), span: this.nodeSpan(node) };
    return this.primary(this.first(c.primary));
  }

  private primary(node: C.PrimaryCstNode): A.Expr {
    const c = node.children;
    if (c.orExpr) return this.orExpr(this.first(c.orExpr));
    const name = this.paramName(this.first(c.ParamRef));
    const span = this.nodeSpan(node);
    if (!c.value) return { kind: 'param', name, span };
    return { kind: 'compare', op: c.EqEq ? '==' : '!=', name, value: this.value(this.first(c.value)), span };
  }

  private rule(node: C.RuleCstNode): A.RuleStmt {
    const c = node.children;
    const action = this.action(this.first(c.action));
    // One object per rule (its keys in this order), with the name and description only when written.
    const rule: { -readonly [K in keyof A.RuleStmt]: A.RuleStmt[K] } = {
      kind: 'rule',
      action: action.action,
      actionSpan: action.span,
      source: this.ruleAddresses(this.first(c.source)),
      destination: this.ruleAddresses(this.first(c.destination)),
      services: this.serviceList(this.first(c.serviceList)),
      span: this.nodeSpan(node),
    };
    if (c.name) rule.name = this.name(c.name[0]);
    if (c.StringLiteral) rule.description = this.string(c.StringLiteral[0]);
    return rule;
  }
}
