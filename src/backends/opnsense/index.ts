/**
 * `--target opnsense`: `opnsense-config.xml` (the MVC aliases and filter rules in an
 * `<opnsense>` document for Backup & Restore) and `opnsense-api-plan.json` (the same as calls to
 * `/api/firewall/...`). See docs/targets/opnsense.md.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { lowerRuleset } from '../pf-common/lower.js';
import { pfCapabilities, pfOptions } from '../pf-common/options.js';
import { defineBackend } from '../types.js';
import { SEQUENCE_STEP } from './fields.js';
import { printPlan } from './plan.js';
import { printOpnsense } from './print.js';
import { readOpnsense } from './read.js';

const MAX_DESCRIPTION = 255;
const MAX_SEQUENCE = 999_999;

export const opnsense = defineBackend({
  id: 'opnsense',
  description: 'OPNsense MVC aliases and filter rules on one interface (config.xml sections and an API plan)',
  capabilities: pfCapabilities('opnsense-config.xml (MVC <Alias> and <Filter>) and opnsense-api-plan.json'),
  options: pfOptions,

  check(ir, options) {
    const { model, diagnostics } = lowerRuleset(ir, 'opnsense', options);
    const out: Diagnostic[] = [...diagnostics];
    if (!model) return out;
    const reported = new Set<string>();
    for (const rule of model.rules) {
      if ([...rule.description].length > MAX_DESCRIPTION && !reported.has(rule.ruleName)) {
        reported.add(rule.ruleName);
        out.push(error('PAL6002', rule.span, 'opnsense', rule.ruleName, `its name and description are longer than the ${MAX_DESCRIPTION} characters an OPNsense description holds`));
      }
    }
    if (model.rules.length * SEQUENCE_STEP > MAX_SEQUENCE) {
      const last = model.rules[Math.floor(MAX_SEQUENCE / SEQUENCE_STEP)]!;
      out.push(error('PAL6002', last.span, 'opnsense', last.ruleName, `OPNsense sequence numbers end at ${MAX_SEQUENCE}: at most ${Math.floor(MAX_SEQUENCE / SEQUENCE_STEP)} rules`));
    }
    return out;
  },

  emit(ir, options) {
    const { model } = lowerRuleset(ir, 'opnsense', options);
    if (!model) return [];
    return [
      { path: 'opnsense-config.xml', mediaType: 'application/xml', contents: printOpnsense(model) },
      { path: 'opnsense-api-plan.json', mediaType: 'application/json', contents: printPlan(model) },
    ];
  },

  read: readOpnsense,
});
