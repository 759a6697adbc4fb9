/**
 * `target NAME { ... }` blocks and `--set target.key=value` overrides, as data for the
 * backends. Which targets and keys exist is the backends' business (see src/compile.ts).
 */
import { error, withExtras, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { TargetDecl, Value } from '../parser/ast.js';
import type { Assignment } from './params.js';
import type { BoundParam, OptionValue, TargetBlock, TargetOption } from './types.js';

export function lowerTargets(
  decls: readonly TargetDecl[],
  assignments: readonly Assignment[],
  params: ReadonlyMap<string, BoundParam>,
  diagnostics: Diagnostic[],
): TargetBlock[] {
  const blocks = new Map<string, { name: string; span: Span; nameSpan: Span; options: Map<string, TargetOption> }>();
  for (const decl of decls) {
    const name = decl.name.text;
    const earlier = blocks.get(name);
    if (earlier) {
      diagnostics.push(
        withExtras(error('PAL3004', decl.name.span, 'target block', name), {
          related: [{ span: earlier.span, message: 'first declared here' }],
        }),
      );
      continue;
    }
    const options = new Map<string, TargetOption>();
    for (const entry of decl.entries) {
      const first = options.get(entry.key.text);
      if (first) {
        diagnostics.push(
          withExtras(error('PAL3004', entry.key.span, 'option', entry.key.text), {
            related: [{ span: first.span, message: 'first set here' }],
          }),
        );
        continue;
      }
      const value = optionValue(entry.value, params, diagnostics);
      if (value) options.set(entry.key.text, { key: entry.key.text, value, span: entry.span });
    }
    blocks.set(name, { name, span: decl.span, nameSpan: decl.name.span, options });
  }
  for (const a of assignments) {
    const dot = a.key.indexOf('.');
    const target = a.key.slice(0, dot);
    const key = a.key.slice(dot + 1);
    let block = blocks.get(target);
    if (!block) {
      const nameSpan = a.keySpan.source.span(a.keySpan.start, a.keySpan.start + dot);
      block = { name: target, span: a.keySpan, nameSpan, options: new Map() };
      blocks.set(target, block);
    }
    const span = a.keySpan.source.span(a.keySpan.start, a.valueSpan.end);
    block.options.set(key, { key, value: { kind: 'text', text: a.value }, span });
  }
  return [...blocks.values()]
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((b) => ({ name: b.name, span: b.span, nameSpan: b.nameSpan, options: [...b.options.values()] }));
}

function optionValue(v: Value, params: ReadonlyMap<string, BoundParam>, diagnostics: Diagnostic[]): OptionValue | undefined {
  switch (v.kind) {
    case 'int':
      return { kind: 'int', value: v.value };
    case 'string':
      return { kind: 'string', value: v.value };
    case 'bool':
      return { kind: 'bool', value: v.value };
    case 'address':
      return { kind: 'address', cidr: v.cidr };
    case 'name':
      return { kind: 'name', name: v.name };
    case 'list': {
      const items = v.items.map((i) => optionValue(i, params, diagnostics));
      return items.every((i) => i !== undefined) ? { kind: 'list', items: items as OptionValue[] } : undefined;
    }
    case 'param': {
      const p = params.get(v.name.text);
      if (!p) {
        diagnostics.push(error('PAL3003', v.name.span, v.name.text));
        return undefined;
      }
      return paramOption(p);
    }
  }
}

function paramOption(p: BoundParam): OptionValue {
  switch (p.type) {
    case 'bool':
      return { kind: 'bool', value: p.value as boolean };
    case 'int':
      return { kind: 'int', value: p.value as number };
    case 'string':
      return { kind: 'string', value: p.value as string };
    case 'cidr':
      return { kind: 'address', cidr: p.value as string };
    case 'list(cidr)':
      return { kind: 'list', items: (p.value as string[]).map((cidr) => ({ kind: 'address', cidr })) };
    case 'list(int)':
      return { kind: 'list', items: (p.value as number[]).map((value) => ({ kind: 'int', value })) };
    case 'list(string)':
      return { kind: 'list', items: (p.value as string[]).map((value) => ({ kind: 'string', value })) };
  }
}
