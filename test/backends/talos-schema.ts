/**
 * Checks a Talos patch the way Talos would: every YAML document parsed back with the `yaml`
 * library, validated against its own definition in Talos's JSON schema (v1.13.9, draft 2020-12)
 * with ajv, and against the TypeScript port of Talos's Validate().
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { validateRuleConfig } from '../../src/backends/talos/validate.js';

const schema = JSON.parse(readFileSync('test/fixtures/talos/config.schema.v1.13.9.json', 'utf8')) as object;
// strict: false for the schema's markdownDescription keywords; formats are not needed here.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(schema, 'talos');
const validators = {
  NetworkDefaultActionConfig: ajv.compile({ $ref: 'talos#/$defs/network.DefaultActionConfigV1Alpha1' }),
  NetworkRuleConfig: ajv.compile({ $ref: 'talos#/$defs/network.RuleConfigV1Alpha1' }),
};

/** Every problem with a patch file, as text (empty when Talos would take it). */
export function talosProblems(text: string): string[] {
  const problems: string[] = [];
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return ['no documents'];
  for (const [i, doc] of docs.entries()) {
    problems.push(...doc.errors.map((e) => `document ${i}: ${e.message}`));
    const value = doc.toJS() as Record<string, unknown>;
    const kind = value['kind'] as keyof typeof validators;
    const validate = validators[kind];
    if (!validate) {
      problems.push(`document ${i}: unexpected kind ${String(kind)}`);
      continue;
    }
    if (!validate(value)) problems.push(...(validate.errors ?? []).map((e) => `document ${i} (${kind}): ${e.instancePath} ${e.message}`));
    if (kind === 'NetworkRuleConfig') problems.push(...validateRuleConfig(value).map((e) => `document ${i}: ${e}`));
  }
  return problems;
}

/** The documents of a patch as plain data. */
export function talosDocuments(text: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  return Array.isArray(docs) ? docs.map((d) => d.toJS() as Record<string, unknown>) : [];
}
