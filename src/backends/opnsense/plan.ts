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

/** JSON text with object keys sorted at every level (arrays keep their order). */
export function sortedJson(value: Json): string {
  const sort = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      const o = v as { readonly [key: string]: Json };
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sort(o[k]!)]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
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
