/**
 * Prints a Talos patch as multi-document YAML with the `yaml` library: a NetworkDefaultActionConfig
 * and one NetworkRuleConfig per document of the model. Single ports are YAML integers and ranges
 * `"lo-hi"` strings (Talos's PortRange parser takes nothing else); comments carry the rule each
 * document comes from.
 */
import { Document, Scalar, YAMLSeq } from 'yaml';
import { oneLine } from '../nftables/print.js';
import type { TalosPatch, TalosRuleDoc } from './model.js';

function portSeq(doc: Document, rule: TalosRuleDoc): YAMLSeq {
  const seq = new YAMLSeq();
  for (const [lo, hi] of rule.ports) {
    if (lo === hi) {
      seq.items.push(doc.createNode(lo));
    } else {
      const s = doc.createNode(`${lo}-${hi}`) as Scalar;
      s.type = Scalar.QUOTE_DOUBLE;
      seq.items.push(s);
    }
  }
  return seq;
}

function ruleDocument(rule: TalosRuleDoc): Document {
  const doc = new Document({
    apiVersion: 'v1alpha1',
    kind: 'NetworkRuleConfig',
    name: rule.name,
    portSelector: { ports: [], protocol: rule.protocol },
    ingress: rule.ingress.map((e) => (e.except === undefined ? { subnet: e.subnet } : { subnet: e.subnet, except: e.except })),
  });
  doc.setIn(['portSelector', 'ports'], portSeq(doc, rule));
  const comment = rule.description === undefined ? rule.origin : `${rule.origin}: ${rule.description}`;
  doc.contents!.commentBefore = ` ${oneLine(comment)}`;
  return doc;
}

/** The patch file: `header` lines as comments at the top, then the documents. */
export function printPatch(patch: TalosPatch, header: readonly string[]): string {
  const first = new Document({ apiVersion: 'v1alpha1', kind: 'NetworkDefaultActionConfig', ingress: patch.defaultAction });
  first.commentBefore = header.map((h) => ` ${oneLine(h)}`).join('\n');
  const docs = [first, ...patch.rules.map(ruleDocument)];
  return docs
    .map((d) => {
      d.directives!.docStart = true;
      return d.toString({ lineWidth: 0 });
    })
    .join('');
}
