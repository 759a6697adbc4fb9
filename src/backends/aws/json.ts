/** JSON with sorted object keys and two-space indentation: the one way AWS artifacts are written. */
type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/** Whether `keys` is in the order Array.prototype.sort() (no comparator) would put it. */
function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * `value` with every object's keys sorted. Arrays and objects already in that order (builders
 * write their objects' keys sorted) are returned as they are, not copied: a template of a
 * million rules is then held once, not twice, while it is printed.
 */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) {
    const list = value as readonly Json[];
    let out: Json[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const s = sortKeys(v);
      if (out === undefined && s !== v) out = list.slice(0, i);
      out?.push(s);
    }
    return out ?? list;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as { readonly [key: string]: Json | undefined };
    const keys = Object.keys(obj);
    const sorted = inOrder(keys);
    if (!sorted) keys.sort();
    let out: Record<string, Json> | undefined = sorted ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]!];
      const s = v === undefined ? undefined : sortKeys(v);
      if (out === undefined && (s === undefined || s !== v)) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!]!;
      }
      if (out !== undefined && s !== undefined) out[keys[i]!] = s;
    }
    return out ?? value;
  }
  return value;
}

/** Indented with a final newline (a file), or `compact` on one line (a shell word). */
export function stableJson(value: Json, compact = false): string {
  return compact ? JSON.stringify(sortKeys(value)) : JSON.stringify(sortKeys(value), null, 2) + '\n';
}

export type { Json };
