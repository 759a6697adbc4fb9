/**
 * The pfSense/OPNsense XML writer writes fast-xml-parser's XMLBuilder's bytes (same options) on
 * random trees of the shapes the emitters build: nested elements, repeated elements, attributes,
 * text with every character XML escapes, empty text, `true` attributes, `#text`, and the
 * `<?xml?>` declaration.
 */
import fc from 'fast-check';
import { XMLBuilder } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildXml, XML_BUILDER_OPTIONS, type XmlElement, type XmlNode } from '../../src/backends/pf-common/xml.js';

const reference = new XMLBuilder(XML_BUILDER_OPTIONS);
const referenceXml = (root: XmlElement): string => reference.build({ '?xml': { '@_version': '1.0' }, ...root }) as string;

const text = fc.oneof(
  fc.constantFrom('', 'true', 'a & b', '<rule>', "it's \"quoted\"", 'line\nbreak', ' padded ', ']]>'),
  fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', '"', "'", '\n', '\t', 'é', '😀', ';') }),
);
const name = fc.constantFrom('rule', 'alias', 'descr', 'source', 'any', 'port', 'x-y', 'a.b');
const attribute = fc.constantFrom('@_uuid', '@_version', '@_id');

const { node } = fc.letrec<{ node: XmlNode; element: Record<string, XmlNode | XmlNode[]> }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('element')),
  element: fc
    .tuple(
      fc.dictionary(attribute, text, { maxKeys: 2 }),
      fc.dictionary(name, fc.oneof(tie('node'), fc.array(tie('node'), { maxLength: 3 })), { maxKeys: 4 }),
      fc.option(text, { nil: undefined }),
    )
    .map(([attrs, children, t]) => ({ ...attrs, ...children, ...(t === undefined ? {} : { '#text': t }) })),
}));

describe('buildXml', () => {
  it("writes XMLBuilder's bytes", () => {
    fc.assert(
      fc.property(fc.dictionary(name, fc.oneof(node, fc.array(node, { maxLength: 3 })), { minKeys: 1, maxKeys: 3 }), (root) => {
        expect(buildXml(root)).toBe(referenceXml(root));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a document as the emitters build it', () => {
    const root = {
      opnsense: {
        Filter: {
          '@_version': '1.0.5',
          rules: { rule: [{ '@_uuid': 'u1', description: 'a <b> & "c"', source_port: '' }, { '@_uuid': 'true', log: '0' }] },
        },
        empty: '',
      },
    };
    expect(buildXml(root)).toBe(
      [
        '<?xml version="1.0"?>',
        '<opnsense>',
        '\t<Filter version="1.0.5">',
        '\t\t<rules>',
        '\t\t\t<rule uuid="u1">',
        '\t\t\t\t<description>a &lt;b&gt; &amp; &quot;c&quot;</description>',
        '\t\t\t\t<source_port></source_port>',
        '\t\t\t</rule>',
        '\t\t\t<rule uuid>',
        '\t\t\t\t<log>0</log>',
        '\t\t\t</rule>',
        '\t\t</rules>',
        '\t</Filter>',
        '\t<empty></empty>',
        '</opnsense>',
        '',
      ].join('\n'),
    );
    expect(buildXml(root)).toBe(referenceXml(root));
  });
});
