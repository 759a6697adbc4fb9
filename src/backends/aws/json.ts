/** JSON with sorted object keys and two-space indentation: the one way AWS artifacts are written. */
type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    const obj = value as { readonly [key: string]: Json | undefined };
    for (const key of Object.keys(obj).sort()) {
      const v = obj[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function stableJson(value: Json, indent: number | undefined = 2): string {
  return JSON.stringify(sortKeys(value), null, indent) + (indent === undefined ? '' : '\n');
}

export type { Json };
