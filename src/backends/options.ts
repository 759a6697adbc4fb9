/**
 * Target options: checks a `target NAME { ... }` block (and `--set NAME.key=value`) against the
 * backend's option specs and fills in defaults. Unknown keys and wrongly typed values are
 * positioned errors. A spec keyed `PREFIX.<role>` (type `role-list(int)`) accepts one key per
 * declared role, e.g. `vms.controlplane = [101, 102]`; a key naming an undeclared role is an error.
 */
import { didYouMean, error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { OptionValue, Ruleset, TargetBlock } from '../ir/index.js';
import type { Backend, OptionSpec, OptionSpecs, OptionValues } from './types.js';

type Resolved = string | number | boolean | readonly number[] | Record<string, readonly number[]>;

const ROLE_KEY = '.<role>';

function wanted(spec: OptionSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.pattern ? `a string matching ${spec.pattern.source}` : 'a string';
    case 'bool':
      return 'true or false';
    case 'int':
      return `a whole number ${spec.min}-${spec.max}`;
    case 'list(int)':
    case 'role-list(int)':
      return `a list of whole numbers ${spec.min}-${spec.max}, e.g. [${spec.min}, ${spec.min + 1}]`;
  }
}

function intOf(value: OptionValue, min: number, max: number): number | undefined {
  const text = value.kind === 'text' ? value.text.trim() : undefined;
  const n = value.kind === 'int' ? value.value : text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  return n !== undefined && n >= min && n <= max ? n : undefined;
}

function intList(value: OptionValue, min: number, max: number): number[] | undefined {
  // From the command line a list is comma-separated text (`--set proxmox.vms.cp=101,102`).
  const items: OptionValue[] =
    value.kind === 'list'
      ? [...value.items]
      : value.kind === 'text'
        ? value.text.trim() === ''
          ? []
          : value.text.split(',').map((text) => ({ kind: 'text', text }))
        : [value];
  const out: number[] = [];
  for (const item of items) {
    const n = intOf(item, min, max);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

function coerce(spec: OptionSpec, value: OptionValue): Exclude<Resolved, Record<string, readonly number[]>> | undefined {
  const text = value.kind === 'text' ? value.text : undefined;
  switch (spec.type) {
    case 'string': {
      const s = value.kind === 'string' ? value.value : value.kind === 'name' ? value.name : text;
      return s !== undefined && (!spec.pattern || spec.pattern.test(s)) ? s : undefined;
    }
    case 'bool':
      if (value.kind === 'bool') return value.value;
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'int':
      return intOf(value, spec.min, spec.max);
    case 'list(int)':
    case 'role-list(int)':
      return intList(value, spec.min, spec.max);
  }
}

/** The `PREFIX.<role>` spec a key like `vms.controlplane` belongs to, with the role it names. */
function roleSpec(backend: Backend, key: string): { specKey: string; role: string } | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0) return undefined;
  const specKey = `${key.slice(0, dot)}${ROLE_KEY}`;
  return backend.options[specKey]?.type === 'role-list(int)' ? { specKey, role: key.slice(dot + 1) } : undefined;
}

export function resolveOptions<S extends OptionSpecs>(
  backend: Backend<S>,
  block: TargetBlock | undefined,
  diagnostics: Diagnostic[],
  roles: readonly string[] = [],
): OptionValues<S> {
  const values: Record<string, Resolved> = {};
  for (const [key, spec] of Object.entries(backend.options)) values[key] = spec.type === 'role-list(int)' ? {} : spec.default;
  for (const option of block?.options ?? []) {
    const perRole = backend.options[option.key] ? undefined : roleSpec(backend, option.key);
    const specKey = perRole?.specKey ?? option.key;
    const spec = backend.options[specKey];
    if (!spec || (spec.type === 'role-list(int)') !== (perRole !== undefined)) {
      diagnostics.push(
        withExtras(error('PAL3011', option.span, backend.id, option.key), {
          hint: didYouMean(option.key, Object.keys(backend.options)) ?? optionList(backend),
        }),
      );
      continue;
    }
    if (perRole && !roles.includes(perRole.role)) {
      diagnostics.push(
        withExtras(error('PAL3001', option.span, perRole.role), {
          hint: didYouMean(perRole.role, roles) ?? (roles.length > 0 ? `roles are ${roles.join(', ')}` : 'the ruleset declares no role'),
        }),
      );
      continue;
    }
    const v = coerce(spec, option.value);
    if (v === undefined) diagnostics.push(error('PAL4011', option.span, backend.id, option.key, wanted(spec)));
    else if (perRole) (values[specKey] as Record<string, readonly number[]>)[perRole.role] = v as readonly number[];
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
