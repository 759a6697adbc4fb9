/**
 * Parameters: declared types, defaults, and the values given by a vars file (YAML or JSON) and
 * `--set NAME=VALUE` (later wins). Every value is checked against the declared type and made
 * canonical (CIDRs in canonical form); a bad value is reported where it was written.
 */
import { parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { didYouMean, error, messages, withExtras, type Diagnostic, type SourceFile, type Span } from '../diagnostics/index.js';
import type { ParamDecl, Value } from '../parser/ast.js';
import { checkAddress, codePointName, FORBIDDEN_IN_STRING } from '../parser/literals.js';
import type { BoundParam, ParamType, ParamValue } from './types.js';

export const PARAM_TYPES: readonly ParamType[] = ['bool', 'int', 'string', 'cidr', 'list(cidr)', 'list(string)', 'list(int)'];

/** `--set KEY=VALUE`, with spans into the command line so errors point at the argument. */
export interface Assignment {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: string;
  readonly valueSpan: Span;
}

export interface BindResult {
  readonly params: ReadonlyMap<string, BoundParam>;
  /** `--set` assignments whose key is not a parameter but `target.option`. */
  readonly targetAssignments: readonly Assignment[];
}

type Coerced = { ok: true; value: ParamValue } | { ok: false; why: string; span?: Span };

const elementType = (t: ParamType): 'cidr' | 'string' | 'int' | undefined =>
  t === 'list(cidr)' ? 'cidr' : t === 'list(string)' ? 'string' : t === 'list(int)' ? 'int' : undefined;

function describe(v: Value): string {
  switch (v.kind) {
    case 'int':
      return 'a number';
    case 'string':
      return 'a string';
    case 'bool':
      return 'a boolean';
    case 'address':
      return 'an address';
    case 'name':
      return `the name ${JSON.stringify(v.name)}`;
    case 'param':
      return 'a parameter reference';
    case 'list':
      return 'a list';
  }
}

/** A value written in a .pal file (a default, or the right side of `==`), as a value of `type`. */
export function coerceValue(type: ParamType, v: Value): Coerced {
  const element = elementType(type);
  if (element) {
    const items = v.kind === 'list' ? v.items : [v];
    const out: (string | number)[] = [];
    for (const item of items) {
      const c = coerceValue(element, item);
      if (!c.ok) return { ...c, span: c.span ?? item.span };
      out.push(c.value as string | number);
    }
    return { ok: true, value: element === 'int' ? (out as number[]) : (out as string[]) };
  }
  const wrong = (): Coerced => ({ ok: false, why: `${describe(v)} is not a ${type}`, span: v.span });
  switch (type) {
    case 'bool':
      return v.kind === 'bool' ? { ok: true, value: v.value } : wrong();
    case 'int':
      return v.kind === 'int' ? { ok: true, value: v.value } : wrong();
    case 'string':
      return v.kind === 'string' ? { ok: true, value: v.value } : wrong();
    case 'cidr':
      return v.kind === 'address' ? { ok: true, value: v.cidr } : wrong();
    default:
      return wrong();
  }
}

/** A scalar written as text (`--set`, or a YAML scalar), as a value of a scalar type. */
function coerceText(type: 'bool' | 'int' | 'string' | 'cidr', text: string, span: Span): Coerced {
  switch (type) {
    case 'bool':
      if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
      return { ok: false, why: `${JSON.stringify(text)} is not true or false`, span };
    case 'int':
      if (/^\d{1,10}$/.test(text) && Number(text) <= 4294967295) return { ok: true, value: Number(text) };
      return { ok: false, why: `${JSON.stringify(text)} is not a whole number`, span };
    case 'string': {
      const bad = FORBIDDEN_IN_STRING.exec(text);
      if (bad) return { ok: false, why: messages.PAL6901(codePointName(bad[0])), span };
      return { ok: true, value: text };
    }
    case 'cidr': {
      const checked = checkAddress(text, text.includes(':') ? 6 : 4, span);
      return checked.ok ? { ok: true, value: checked.value.cidr } : { ok: false, why: checked.diagnostic.message, span };
    }
  }
}

/** `--set` text: lists are comma-separated (an empty value is the empty list). */
function coerceSetText(type: ParamType, text: string, span: Span): Coerced {
  const element = elementType(type);
  if (!element) return coerceText(type as 'bool' | 'int' | 'string' | 'cidr', text, span);
  if (text.trim() === '') return { ok: true, value: [] };
  const out: (string | number)[] = [];
  let offset = 0;
  for (const part of text.split(',')) {
    const lead = part.length - part.trimStart().length;
    const item = part.trim();
    const itemSpan = span.source.span(span.start + offset + lead, span.start + offset + lead + item.length);
    const c = coerceText(element, item, itemSpan);
    if (!c.ok) return c;
    out.push(c.value as string | number);
    offset += part.length + 1;
  }
  return { ok: true, value: element === 'int' ? (out as number[]) : (out as string[]) };
}

/** A YAML node from a vars file. */
function coerceYaml(type: ParamType, node: YamlNode | null, source: SourceFile, fallback: Span): Coerced {
  const spanOf = (n: YamlNode | null): Span => (n?.range ? source.span(n.range[0], n.range[1]) : fallback);
  const element = elementType(type);
  if (element) {
    const items = isSeq(node) ? node.items : [node];
    const out: (string | number)[] = [];
    for (const item of items) {
      const c = coerceYaml(element, item as YamlNode | null, source, spanOf(item as YamlNode | null));
      if (!c.ok) return c;
      out.push(c.value as string | number);
    }
    return { ok: true, value: element === 'int' ? (out as number[]) : (out as string[]) };
  }
  const span = spanOf(node);
  if (!isScalar(node)) return { ok: false, why: `expected a single ${type}`, span };
  const v = node.value;
  if (type === 'bool') return typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, why: 'expected true or false', span };
  if (type === 'int') {
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4294967295
      ? { ok: true, value: v }
      : { ok: false, why: 'expected a whole number', span };
  }
  if (typeof v !== 'string') return { ok: false, why: `expected a ${type === 'string' ? 'string' : 'CIDR'} in quotes or plain`, span };
  return coerceText(type as 'string' | 'cidr', v, span);
}

export function bindParams(
  decls: readonly ParamDecl[],
  options: { readonly set?: readonly Assignment[] | undefined; readonly vars?: SourceFile | undefined },
  diagnostics: Diagnostic[],
): BindResult {
  const params = new Map<string, BoundParam>();
  const declared = new Map<string, ParamDecl>();
  for (const decl of decls) {
    const name = decl.name.text;
    const earlier = declared.get(name);
    if (earlier) {
      diagnostics.push(
        withExtras(error('PAL3004', decl.name.span, 'parameter', name), {
          related: [{ span: earlier.name.span, message: 'first declared here' }],
        }),
      );
      continue;
    }
    declared.set(name, decl);
    const type = decl.type.text as ParamType;
    if (!PARAM_TYPES.includes(type)) {
      diagnostics.push(withExtras(error('PAL4007', decl.type.span, decl.type.text), { hint: didYouMean(decl.type.text, PARAM_TYPES) }));
      continue;
    }
    const c = coerceValue(type, decl.value);
    if (!c.ok) {
      diagnostics.push(error('PAL4008', c.span ?? decl.value.span, name, type, c.why));
      continue;
    }
    params.set(name, { name, type, value: c.value, origin: 'default', span: decl.span });
  }

  const rebind = (name: string, c: Coerced, origin: 'vars' | 'set', span: Span): void => {
    const p = params.get(name);
    if (!p) return;
    if (c.ok) params.set(name, { ...p, value: c.value, origin });
    else diagnostics.push(error('PAL4008', c.span ?? span, name, p.type, c.why));
  };

  if (options.vars) bindVars(options.vars, declared, params, rebind, diagnostics);

  const targetAssignments: Assignment[] = [];
  for (const a of options.set ?? []) {
    const p = params.get(a.key);
    if (p) {
      rebind(a.key, coerceSetText(p.type, a.value, a.valueSpan), 'set', a.valueSpan);
    } else if (a.key.includes('.')) {
      targetAssignments.push(a);
    } else if (!declared.has(a.key)) {
      diagnostics.push(withExtras(error('PAL3003', a.keySpan, a.key), { hint: didYouMean(a.key, declared.keys()) }));
    }
  }
  return { params, targetAssignments };
}

function bindVars(
  source: SourceFile,
  declared: ReadonlyMap<string, ParamDecl>,
  params: ReadonlyMap<string, BoundParam>,
  rebind: (name: string, c: Coerced, origin: 'vars', span: Span) => void,
  diagnostics: Diagnostic[],
): void {
  const doc = parseDocument(source.text, { uniqueKeys: true });
  for (const e of doc.errors) {
    diagnostics.push(error('PAL4012', source.span(e.pos[0], e.pos[1]), e.message.split('\n')[0] ?? e.message));
  }
  if (doc.errors.length > 0) return;
  const root = doc.contents;
  if (root === null) return;
  if (!isMap(root)) {
    const span = root.range ? source.span(root.range[0], root.range[1]) : source.span(0, 0);
    diagnostics.push(error('PAL4012', span, 'expected a mapping of parameter names to values'));
    return;
  }
  for (const pair of root.items) {
    const keyNode = pair.key as YamlNode | null;
    const keySpan = keyNode?.range ? source.span(keyNode.range[0], keyNode.range[1]) : source.span(0, 0);
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const p = params.get(key);
    if (!p) {
      if (!declared.has(key)) {
        diagnostics.push(withExtras(error('PAL3003', keySpan, key), { hint: didYouMean(key, declared.keys()) }));
      }
      continue;
    }
    rebind(key, coerceYaml(p.type, pair.value as YamlNode | null, source, keySpan), 'vars', keySpan);
  }
}
