/**
 * `pfsense:FILE` for `palisade diff`: reads palisade's pfsense.xml, a `<filter>` or `<aliases>`
 * section export, or a full exported config.xml back into a policy: the rules of one interface
 * (select.ts), first match, then pf's implicit default deny (read-policy.ts). On the LAN of a
 * full config.xml, the anti-lockout rule pfSense adds in front of the user's rules is modelled
 * too, unless `<webgui><noantilockout>` turns it off. WAN's "block private networks" and
 * "block bogons" rules depend on lists outside the file and are an error.
 */
import { SourceFile } from '../../diagnostics/index.js';
import type { AclRule } from '../../analysis/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { TRACKER_MAX, TRACKER_MIN } from '../pf-common/ids.js';
import { ReadEnv, invalid, type ReadAlias } from '../pf-common/read-env.js';
import { implicitRules } from '../pf-common/implicit.js';
import { readLegacyRule } from '../pf-common/read-legacy.js';
import { aclRules, readFiles } from '../pf-common/read-policy.js';
import { child, children, elementSpans, interfaceAddresses, isElement, text } from '../pf-common/read-xml.js';
import { selectInterface, type PlacedRule } from '../pf-common/select.js';
import { parseXml } from '../pf-common/xml.js';

export function readPfsense(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  return readFiles(files, context, 'pfsense', readFile);
}

function readFile(source: SourceFile): AclRule[] {
  const parsed = parseXml(source.text);
  if (!parsed.ok) {
    return invalid(source.span(parsed.offset, parsed.offset + 1), `not well-formed XML: ${parsed.message}`);
  }
  const doc = parsed.doc;
  const root = child(doc, 'pfsense') ?? doc;
  if (!isElement(root) || (!('filter' in root) && !('aliases' in root))) {
    return invalid(source.span(0, 0), 'expected a <pfsense> document, or a <filter> or <aliases> section');
  }
  const aliasSpans = elementSpans(source, /<aliases[\s>]/, 'alias');
  const aliases = new Map<string, ReadAlias>();
  children(child(root, 'aliases'), 'alias').forEach((a, i) => {
    const name = text(child(a, 'name')).trim();
    const entries = text(child(a, 'address')).split(/\s+/).filter(Boolean);
    aliases.set(name, { name, type: text(child(a, 'type')).trim(), entries, span: aliasSpans[i] });
  });
  const interfaces = interfaceAddresses(root);
  const env = new ReadEnv(aliases, interfaces);

  const ruleSpans = elementSpans(source, /<filter[\s>]/, 'rule');
  const placed: PlacedRule[] = [];
  children(child(root, 'filter'), 'rule').forEach((node, i) => {
    const rule = readLegacyRule(node, 'pfsense', ruleSpans[i]);
    if (!rule) return;
    const tracker = Number(text(child(node, 'tracker')).trim());
    placed.push({ ...rule, marked: tracker >= TRACKER_MIN && tracker <= TRACKER_MAX });
  });
  const groups = new Map<string, string[]>();
  for (const g of children(child(root, 'ifgroups'), 'ifgroupentry')) {
    groups.set(text(child(g, 'ifname')).trim(), text(child(g, 'members')).split(/\s+/).filter(Boolean));
  }
  const selection = selectInterface(placed, groups, source.span(0, 0));
  const implicit = selection.interface ? implicitRules(root, selection.interface, source, 'pfsense') : [];
  return [...implicit, ...selection.rules].flatMap((r) => aclRules(r, env));
}
