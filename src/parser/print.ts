/**
 * Prints the AST back as canonical .pal text: one statement per line, single spaces, two-space
 * indentation inside blocks. `parse(print(ast))` gives the same AST (a property test checks it).
 */
import type * as A from './ast.js';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function printValue(v: A.Value): string {
  switch (v.kind) {
    case 'int':
      return String(v.value);
    case 'string':
      return quote(v.value);
    case 'bool':
      return String(v.value);
    case 'address':
      return printAddressLiteral(v);
    case 'name':
      return v.name;
    case 'param':
      return `$${v.name.text}`;
    case 'list':
      return v.bracketed ? `[${v.items.map(printValue).join(', ')}]` : v.items.map(printValue).join(', ');
  }
}

function printAddressLiteral(a: A.AddressLiteral): string {
  return a.prefixed ? a.cidr : a.cidr.slice(0, a.cidr.indexOf('/'));
}

export function printAddressTerm(t: A.AddressTerm): string {
  switch (t.kind) {
    case 'name':
      return t.name.text;
    case 'address':
      return printAddressLiteral(t);
    case 'param':
      return `$${t.name.text}`;
    case 'any':
      return 'any';
    case 'group':
      return `[${printAddressExpr(t.expr)}]`;
  }
}

/** `a, b except c` (as in a declaration). */
export function printAddressExpr(e: A.AddressExpr): string {
  const include = e.include.map(printAddressTerm).join(', ');
  return e.exclude.length === 0 ? include : `${include} except ${e.exclude.map(printAddressTerm).join(', ')}`;
}

/** `[a, b] except c` (as in a rule, where lists are bracketed). */
export function printRuleAddresses(e: A.AddressExpr): string {
  const side = (terms: readonly A.AddressTerm[]): string => {
    const printed = terms.map(printAddressTerm);
    return printed.length === 1 ? printed[0]! : `[${printed.join(', ')}]`;
  };
  return e.exclude.length === 0 ? side(e.include) : `${side(e.include)} except ${side(e.exclude)}`;
}

function printPortItem(p: A.PortItem): string {
  switch (p.kind) {
    case 'range':
      return p.from === p.to ? String(p.from) : `${p.from}-${p.to}`;
    case 'named':
      return p.name;
    case 'param':
      return `$${p.name.text}`;
  }
}

export function printServiceTerm(t: A.ServiceTerm): string {
  switch (t.kind) {
    case 'protocol':
      return t.ports ? `${t.protocol}/${t.ports.map(printPortItem).join(',')}` : t.protocol;
    case 'number':
      return `proto/${t.number}`;
    case 'any':
      return 'any';
    case 'name':
      return t.name.text;
  }
}

export function printServices(terms: readonly A.ServiceTerm[]): string {
  return terms.map(printServiceTerm).join(', ');
}

export function printExpr(e: A.Expr): string {
  switch (e.kind) {
    case 'param':
      return `$${e.name.text}`;
    case 'compare':
      return `$${e.name.text} ${e.op} ${printValue(e.value)}`;
    case 'not':
      return `not ${wrap(e.operand, e)}`;
    case 'and':
    case 'or':
      return `${wrap(e.left, e)} ${e.kind} ${wrap(e.right, e)}`;
  }
}

const precedence = (e: A.Expr): number => (e.kind === 'or' ? 1 : e.kind === 'and' ? 2 : e.kind === 'not' ? 3 : 4);

/** Parenthesises an operand that binds more loosely than its parent (or equally, on the right). */
function wrap(child: A.Expr, parent: A.Expr): string {
  const needs =
    precedence(child) < precedence(parent) ||
    (precedence(child) === precedence(parent) && (parent.kind === 'and' || parent.kind === 'or') && parent.right === child);
  return needs ? `(${printExpr(child)})` : printExpr(child);
}

export function printStatement(s: A.Statement, indent = ''): string {
  switch (s.kind) {
    case 'param':
      return `${indent}param ${s.name.text}: ${s.type.text} = ${printValue(s.value)}`;
    case 'zone':
      return `${indent}zone ${s.name.text} = ${printAddressExpr(s.addresses)}`;
    case 'role':
      return s.addresses ? `${indent}role ${s.name.text} = ${printAddressExpr(s.addresses)}` : `${indent}role ${s.name.text}`;
    case 'service':
      return `${indent}service ${s.name.text} = ${printServices(s.services)}`;
    case 'target': {
      const entries = s.entries.map((e) => `${indent}  ${e.key.text} = ${printValue(e.value)}`);
      return entries.length === 0 ? `${indent}target ${s.name.text} {}` : [`${indent}target ${s.name.text} {`, ...entries, `${indent}}`].join('\n');
    }
    case 'import':
      return `${indent}import ${quote(s.path)}`;
    case 'default':
      return `${indent}default ${s.direction} ${s.action}`;
    case 'if': {
      const lines = [`${indent}if ${printExpr(s.condition)} {`, ...s.then.map((t) => printStatement(t, `${indent}  `))];
      if (!s.else) return [...lines, `${indent}}`].join('\n');
      const only = s.else.length === 1 ? s.else[0] : undefined;
      if (only?.kind === 'if') return [...lines, `${indent}} else ${printStatement(only, indent).trimStart()}`].join('\n');
      return [...lines, `${indent}} else {`, ...s.else.map((t) => printStatement(t, `${indent}  `)), `${indent}}`].join('\n');
    }
    case 'rule': {
      const parts = [
        s.name ? `${s.name.text} ` : '',
        `${s.action} ${printRuleAddresses(s.source)} -> ${printRuleAddresses(s.destination)} ${printServices(s.services)}`,
        s.description ? ` ${quote(s.description.value)}` : '',
      ];
      return indent + parts.join('');
    }
  }
}

export function printProgram(statements: readonly A.Statement[]): string {
  return statements.map((s) => printStatement(s)).join('\n') + '\n';
}
