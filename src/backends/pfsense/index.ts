/**
 * `--target pfsense`: `pfsense.xml`, a `<pfsense>` document with the `<aliases>` and `<filter>`
 * sections for Diagnostics ▸ Backup & Restore (restore areas "aliases" and "filter", merged into
 * an exported backup first: a restore replaces the whole section). See docs/targets/pfsense.md.
 */
import { lowerRuleset } from '../pf-common/lower.js';
import { pfCapabilities, pfOptions } from '../pf-common/options.js';
import { defineBackend } from '../types.js';
import { printPfsense } from './print.js';
import { readPfsense } from './read.js';

export const pfsense = defineBackend({
  id: 'pfsense',
  description: 'pfSense aliases and filter rules on one interface (config.xml sections for Backup & Restore)',
  capabilities: pfCapabilities('pfsense.xml (<aliases> and <filter> sections)'),
  options: pfOptions,

  check(ir, options) {
    return lowerRuleset(ir, 'pfsense', options).diagnostics;
  },

  emit(ir, options) {
    const { model } = lowerRuleset(ir, 'pfsense', options);
    if (!model) return [];
    return [{ path: 'pfsense.xml', mediaType: 'application/xml', contents: printPfsense(model) }];
  },

  read: readPfsense,
});
