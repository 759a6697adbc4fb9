/**
 * Target options: checks a `target NAME { ... }` block (and `--set NAME.key=value`) against the
 * backend's option specs and fills in defaults. Unknown keys and wrongly typed values are
 * positioned errors.
 */
import { didYouMean, error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { OptionValue, Ruleset, TargetBlock } from '../ir/index.js';
import type { Backend, OptionSpec, OptionSpecs, OptionValues } from './types.js';

function wanted(spec: OptionSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.pattern ? `a string matching ${spec.pattern.source}` : 'a string';
    case 'bool':
      return 'true or false';
    case 'int':
      return `a whole number ${spec.min}-${spec.max}`;
  }
}

function coerce(spec: OptionSpec, value: OptionValue): string | number | boolean | undefined {
  const text = value.kind === 'text' ? value.text : undefined;
  switch (spec.type) {
    case 'string': {
      const s = value.kind === 'string' ? value.value : value.kind === 'name' ? value.name : text;
      return s !== undefined && (!spec.pattern || spec.pattern.test(s)) ? s : undefined;
    }
    case 'bool':
      if (value.kind === 'bool') return value.value;
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'int': {
      const n = value.kind === 'int' ? value.value : text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
      return n !== undefined && n >= spec.min && n <= spec.max ? n : undefined;
    }
  }
}

export function resolveOptions<S extends OptionSpecs>(
  backend: Backend<S>,
  block: TargetBlock | undefined,
  diagnostics: Diagnostic[],
): OptionValues<S> {
  const values: Record<string, string | number | boolean> = {};
  for (const [key, spec] of Object.entries(backend.options)) values[key] = spec.default;
  for (const option of block?.options ?? []) {
    const spec = backend.options[option.key];
    if (!spec) {
      diagnostics.push(
        withExtras(error('PAL3011', option.span, backend.id, option.key), {
          hint: didYouMean(option.key, Object.keys(backend.options)) ?? optionList(backend),
        }),
      );
      continue;
    }
    const v = coerce(spec, option.value);
    if (v === undefined) diagnostics.push(error('PAL4011', option.span, backend.id, option.key, wanted(spec)));
    else values[option.key] = v;
  }
  return values as OptionValues<S>;
}

function optionList(backend: Backend): string {
  const keys = Object.keys(backend.options);
  return keys.length === 0 ? `the ${backend.id} target has no options` : `options are ${keys.join(', ')}`;
}

export function targetBlock(ir: Ruleset, id: string): TargetBlock | undefined {
  return ir.targets.find((t) => t.name === id);
}
