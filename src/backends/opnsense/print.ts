/**
 * Prints the MVC records (fields.ts) as an `<opnsense>` document for Diagnostics ▸ Backup &
 * Restore (areas "Aliases" and "Firewall Rules"): `<OPNsense><Firewall><Alias>` and
 * `<Filter><rules>`, every record with its stable uuid. The restore replaces those sections, so
 * the document is meant to be merged with the exported ones (docs/targets/opnsense.md).
 */
import type { PfModel } from '../pf-common/model.js';
import { buildXml, type XmlNode } from '../pf-common/xml.js';
import { ALIAS_MODEL_VERSION, FILTER_MODEL_VERSION, mvcModel, type Fields } from './fields.js';

function record(uuid: string, fields: Fields): Record<string, XmlNode> {
  return { '@_uuid': uuid, ...fields };
}

export function printOpnsense(model: PfModel): string {
  const { rules, aliases } = mvcModel(model);
  return `${buildXml({
    opnsense: {
      OPNsense: {
        Firewall: {
          Alias: {
            '@_version': ALIAS_MODEL_VERSION,
            geoip: { url: '' },
            aliases: aliases.length > 0 ? { alias: aliases.map((a) => record(a.uuid, a.fields)) } : '',
          },
          Filter: {
            '@_version': FILTER_MODEL_VERSION,
            rules: rules.length > 0 ? { rule: rules.map((r) => record(r.uuid, r.fields)) } : '',
          },
        },
      },
    },
  }).trimEnd()}\n`;
}
