/**
 * The OPNsense API plan (`opnsense-api-plan.json`): the same aliases and rules as the XML, as
 * ordered HTTP calls for `/api/firewall/...` (reference §4), printed as JSON with sorted keys:
 *
 * 1. `POST /api/firewall/alias/import`: every alias, upserted by name, validated all-or-nothing;
 * 2. `POST /api/firewall/alias/reconfigure`;
 * 3. per rule, in order: `GET /api/firewall/filter/get_rule/{uuid}` (`check`); when it exists,
 *    `POST /api/firewall/filter/set_rule/{uuid}`, otherwise the `if_missing` call, `add_rule`;
 * 4. `POST /api/firewall/filter/apply`.
 *
 * Every body value is a string, as the API expects.
 */
import type { PfModel } from '../pf-common/model.js';
import { mvcModel, type Fields } from './fields.js';

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * A copy of a value with every object's keys inserted in sorted order (arrays keep theirs).
 * Plain loops rather than `Object.fromEntries` of mapped pairs: a plan has tens of thousands of
 * records, and same-shaped copies share one hidden class, which JSON.stringify prints fastest.
 */
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as { readonly [key: string]: Json };
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(o).sort()) {
    // `out.__proto__ = x` would set the prototype, not a key.
    if (k === '__proto__') Object.defineProperty(out, k, { value: sortKeys(o[k]!), enumerable: true, writable: true, configurable: true });
    else out[k] = sortKeys(o[k]!);
  }
  return out;
}

/** JSON text with object keys sorted at every level (arrays keep their order). */
export function sortedJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

const ALIAS_IMPORT_FIELDS = ['enabled', 'name', 'type', 'content', 'description'];

function pick(fields: Fields, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, fields[k] ?? '']));
}

export function printPlan(model: PfModel): string {
  const { rules, aliases } = mvcModel(model);
  const steps: Json[] = [];
  if (aliases.length > 0) {
    steps.push({
      method: 'POST',
      path: '/api/firewall/alias/import',
      body: { data: { aliases: { alias: Object.fromEntries(aliases.map((a) => [a.uuid, pick(a.fields, ALIAS_IMPORT_FIELDS)])) } } },
    });
    steps.push({ method: 'POST', path: '/api/firewall/alias/reconfigure', body: {} });
  }
  for (const r of rules) {
    const body = { rule: { ...r.fields } };
    steps.push({
      uuid: r.uuid,
      check: { method: 'GET', path: `/api/firewall/filter/get_rule/${r.uuid}` },
      method: 'POST',
      path: `/api/firewall/filter/set_rule/${r.uuid}`,
      body,
      if_missing: { method: 'POST', path: '/api/firewall/filter/add_rule', body },
    });
  }
  steps.push({ method: 'POST', path: '/api/firewall/filter/apply', body: {} });
  return sortedJson({ format: 'palisade-opnsense-api-plan/1', interface: model.interface, steps });
}
