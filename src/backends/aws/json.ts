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

/** Indented with a final newline (a file), or `compact` on one line (a shell word). */
export function stableJson(value: Json, compact = false): string {
  return compact ? JSON.stringify(sortKeys(value)) : JSON.stringify(sortKeys(value), null, 2) + '\n';
}

export type { Json };
