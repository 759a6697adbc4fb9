/**
 * Test-side validators for the pfSense and OPNsense artifacts, independent of the backends:
 * every document is parsed by a real XML parser (fast-xml-parser's validator and parser; the
 * golden tests also run xmllint), then checked against the products' rules.
 *
 * - OPNsense: every field name, option value, boolean, number range, Required flag and mask of
 *   the real model definitions (test/fixtures/pfsense/opnsense-Firewall-Filter.xml and
 *   -Alias.xml, OPNsense 26.7); protocols from /etc/protocols, upper case.
 * - pfSense: the rule and alias schema of the reference (§1, §2): element names, values,
 *   `a-b` ports in rules and `a:b` in port aliases, presence flags never written as 0, unique
 *   trackers in palisade's range, alias names (is_validaliasname).
 * - Both: every alias a rule names is defined with the right type.
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, isArray: (n) => ['rule', 'alias'].includes(n) });
type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (typeof v === 'object' && v !== null ? (v as Node) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string) : '');
const fields = (n: Node): string[] => Object.keys(n).filter((k) => !k.startsWith('@_') && k !== '#text');

export function parseChecked(xml: string): Node {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed: ${valid.err.msg} at ${valid.err.line}:${valid.err.col}`);
  return parser.parse(xml) as Node;
}

// ------------------------------------------------------------------ model definitions

interface FieldSpec {
  readonly type: string;
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly multiple: boolean;
  readonly options?: ReadonlySet<string>;
  readonly min?: number;
  readonly max?: number;
  readonly mask?: RegExp;
}

function optionKeys(node: unknown, out: Set<string>): void {
  for (const [k, v] of Object.entries(obj(node))) {
    if (k.startsWith('@_')) continue;
    const attrs = obj(v);
    if (typeof attrs['@_value'] === 'string') out.add(attrs['@_value']);
    else if (typeof v === 'object' && v !== null && fields(attrs).length > 0) optionKeys(v, out);
    else out.add(k);
  }
}

function modelFields(file: string, ...pathTo: string[]): Map<string, FieldSpec> {
  const model = parser.parse(readFileSync(file, 'utf8')) as Node;
  let n: unknown = obj(model)['model'];
  for (const p of pathTo) {
    n = obj(n)[p];
    if (Array.isArray(n)) n = n[0];
  }
  const specs = new Map<string, FieldSpec>();
  for (const name of fields(obj(n))) {
    const f = obj(obj(n)[name]);
    const options = new Set<string>();
    if (f['OptionValues'] !== undefined) optionKeys(f['OptionValues'], options);
    const mask = str(f['Mask']);
    specs.set(name, {
      type: String(f['@_type']),
      required: str(f['Required']) === 'Y',
      hasDefault: f['Default'] !== undefined,
      multiple: str(f['Multiple']) === 'Y',
      ...(f['OptionValues'] !== undefined ? { options } : {}),
      ...(f['MinimumValue'] !== undefined ? { min: Number(str(f['MinimumValue'])) } : {}),
      ...(f['MaximumValue'] !== undefined ? { max: Number(str(f['MaximumValue'])) } : {}),
      ...(mask ? { mask: new RegExp(mask.slice(1, mask.lastIndexOf('/'))) } : {}),
    });
  }
  return specs;
}

const FIXTURES = 'test/fixtures/pfsense';
export const filterFields = modelFields(`${FIXTURES}/opnsense-Firewall-Filter.xml`, 'items', 'rules', 'rule');
export const aliasFields = modelFields(`${FIXTURES}/opnsense-Firewall-Alias.xml`, 'items', 'aliases', 'alias');

const PROTOCOLS = new Set(
  readFileSync('/etc/protocols', 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter(Boolean)
    .map((p) => p.toUpperCase()),
);

const CIDR4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const CIDR6 = /^[0-9a-f:]+:[0-9a-f:]*(\/\d{1,3})?$/i;
const isNet = (v: string): boolean => CIDR4.test(v) || CIDR6.test(v);
const OPN_ALIAS_NAME = /^([a-zA-Z]|(([_a-zA-Z][a-zA-Z0-9]|[a-zA-Z][_a-zA-Z0-9])[_a-zA-Z0-9]{0,29}))$/;

function port(v: string, aliases: ReadonlyMap<string, string>, sep: '-' | ':'): boolean {
  if (aliases.get(v) === 'port') return true;
  const m = /^(\d+)(?:([-:])(\d+))?$/.exec(v);
  if (!m) return false;
  const a = Number(m[1]);
  if (m[3] === undefined) return a >= 1 && a <= 65535;
  return m[2] === sep && a >= 1 && a < Number(m[3]) && Number(m[3]) <= 65535;
}

function checkField(where: string, name: string, value: string, spec: FieldSpec | undefined, aliases: ReadonlyMap<string, string>, problems: string[]): void {
  if (!spec) return void problems.push(`${where}: field <${name}> is not in the model`);
  if (value === '') {
    if (spec.required && !spec.hasDefault) problems.push(`${where}: required field <${name}> is empty`);
    return;
  }
  const values = spec.multiple ? value.split(',') : [value];
  for (const v of values) {
    if (spec.options && !spec.options.has(v) && spec.type !== 'ProtocolField') problems.push(`${where}: <${name}> ${JSON.stringify(v)} is not one of the model's options`);
    if (spec.mask && !spec.mask.test(v)) problems.push(`${where}: <${name}> ${JSON.stringify(v)} does not match the model's mask`);
    switch (spec.type) {
      case 'BooleanField':
        if (v !== '0' && v !== '1') problems.push(`${where}: boolean <${name}> is ${JSON.stringify(v)}`);
        break;
      case 'IntegerField':
      case '.\\FilterSequenceField':
        if (!/^\d+$/.test(v) || (spec.min !== undefined && Number(v) < spec.min) || (spec.max !== undefined && Number(v) > spec.max)) problems.push(`${where}: <${name}> ${v} is out of range`);
        break;
      case 'ProtocolField':
        if (v !== 'any' && v !== 'TCP/UDP' && !PROTOCOLS.has(v)) problems.push(`${where}: protocol ${JSON.stringify(v)} is not an upper-case /etc/protocols name`);
        break;
      case 'NetworkAliasField':
        if (v !== 'any' && !isNet(v) && !['network', 'host'].includes(aliases.get(v) ?? '')) problems.push(`${where}: <${name}> ${JSON.stringify(v)} is no network, and no network alias of the file`);
        if (v === 'any' && values.length > 1) problems.push(`${where}: <${name}> combines any with other values`);
        break;
      case 'PortField':
        if (!port(v, aliases, '-')) problems.push(`${where}: <${name}> ${JSON.stringify(v)} is not a port, an a-b range (a<b) or a port alias`);
        break;
      case 'DescriptionField':
        if ([...v].length > 255 || /[\r\n]/.test(v)) problems.push(`${where}: description longer than 255 characters or with a newline`);
        break;
      case '.\\AliasNameField':
        if (!OPN_ALIAS_NAME.test(v)) problems.push(`${where}: alias name ${JSON.stringify(v)} fails AliasNameField`);
        break;
    }
  }
}

export function validateOpnsense(xml: string): string[] {
  const problems: string[] = [];
  const doc = obj(parseChecked(xml));
  const firewall = obj(obj(obj(doc['opnsense'])['OPNsense'])['Firewall']);
  const aliasNodes = (obj(obj(firewall['Alias'])['aliases'])['alias'] as Node[] | undefined) ?? [];
  const ruleNodes = (obj(obj(firewall['Filter'])['rules'])['rule'] as Node[] | undefined) ?? [];
  const aliases = new Map<string, string>();
  const uuids = new Set<string>();
  for (const a of aliasNodes) {
    const name = str(a['name']);
    if (aliases.has(name)) problems.push(`alias ${name} is defined twice`);
    aliases.set(name, str(a['type']));
  }
  for (const [i, a] of aliasNodes.entries()) {
    const where = `alias ${i + 1} (${str(a['name'])})`;
    for (const f of fields(a)) checkField(where, f, str(a[f]), aliasFields.get(f), aliases, problems);
    for (const entry of str(a['content']).split('\n')) {
      if (str(a['type']) === 'network' && !isNet(entry)) problems.push(`${where}: content ${JSON.stringify(entry)} is not a network`);
      if (str(a['type']) === 'port' && !port(entry, new Map(), ':')) problems.push(`${where}: content ${JSON.stringify(entry)} is not a port or a:b range`);
    }
    uuids.add(String(a['@_uuid']));
  }
  for (const [i, r] of ruleNodes.entries()) {
    const where = `rule ${i + 1} (${str(r['description'])})`;
    for (const f of fields(r)) checkField(where, f, str(r[f]), filterFields.get(f), aliases, problems);
    for (const [f, spec] of filterFields) if (spec.required && !spec.hasDefault && !(f in r)) problems.push(`${where}: required <${f}> is missing`);
    if (str(r['destination_port']) !== '' && !['TCP', 'UDP', 'TCP/UDP'].includes(str(r['protocol']))) problems.push(`${where}: a port with protocol ${str(r['protocol'])}`);
    const uuid = String(r['@_uuid']);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid)) problems.push(`${where}: uuid ${uuid} is not a UUIDv5`);
    if (uuids.has(uuid)) problems.push(`${where}: uuid ${uuid} is used twice`);
    uuids.add(uuid);
  }
  return problems;
}

// ------------------------------------------------------------------ pfSense

const PF_RULE_ELEMENTS = new Set(['id', 'tracker', 'type', 'interface', 'ipprotocol', 'statetype', 'protocol', 'icmptype', 'source', 'destination', 'descr']);
const PF_PROTOCOLS = new Set(['tcp', 'udp', 'tcp/udp', 'icmp', 'esp', 'ah', 'gre', 'etherip', 'ipv6', 'igmp', 'pim', 'ospf', 'sctp', 'carp', 'pfsync']);
const PF_ICMP = new Set(['echorep', 'unreach', 'squench', 'redir', 'althost', 'echoreq', 'routeradv', 'routersol', 'timex', 'paramprob', 'timereq', 'timerep', 'inforeq', 'inforep', 'maskreq', 'maskrep', 'trace', 'dataconv', 'mobredir', 'ipv6-where', 'ipv6-here', 'mobregreq', 'mobregrep', 'skip', 'photuris']);
const PF_ICMP6 = new Set(['unreach', 'toobig', 'timex', 'paramprob', 'echoreq', 'echorep', 'listqry', 'listenrep', 'listendone', 'routersol', 'routeradv', 'neighbrsol', 'neighbradv', 'redir', 'routrrenum', 'niqry', 'nirep', 'mtraceresp', 'mtrace']);
const PRESENCE_FLAGS = ['disabled', 'log', 'floating', 'quick', 'nosync', 'not'];

/** pfSense's is_validaliasname (util.inc), with the interface and keyword checks of the reference. */
function pfAliasNameOk(name: string): boolean {
  return /^[A-Za-z0-9_]{1,31}$/.test(name) && !/^\d+$/.test(name) && !/^_+$/.test(name) && !/^(wan|lan|opt\d+)$/i.test(name) && !/^(pkg_|cpzoneid_)/i.test(name) && !['port', 'pass'].includes(name.toLowerCase());
}

export function validatePfsense(xml: string): string[] {
  const problems: string[] = [];
  const doc = obj(parseChecked(xml));
  const root = obj(doc['pfsense']);
  for (const f of fields(root)) if (f !== 'aliases' && f !== 'filter') problems.push(`<pfsense> holds <${f}>`);
  const aliasNodes = (obj(root['aliases'])['alias'] as Node[] | undefined) ?? [];
  const ruleNodes = (obj(root['filter'])['rule'] as Node[] | undefined) ?? [];
  const aliases = new Map<string, string>();
  for (const a of aliasNodes) {
    const name = str(a['name']);
    if (!pfAliasNameOk(name)) problems.push(`alias name ${JSON.stringify(name)} is not valid`);
    if (aliases.has(name)) problems.push(`alias ${name} is defined twice`);
    aliases.set(name, str(a['type']));
    for (const f of fields(a)) if (!['name', 'type', 'address', 'descr', 'detail'].includes(f)) problems.push(`alias ${name}: unexpected <${f}>`);
    for (const entry of str(a['address']).split(' ')) {
      if (str(a['type']) === 'network' && !isNet(entry)) problems.push(`alias ${name}: ${JSON.stringify(entry)} is not a network`);
      if (str(a['type']) === 'port' && !port(entry, new Map(), ':')) problems.push(`alias ${name}: ${JSON.stringify(entry)} is not a port or a:b range`);
    }
    if (!['network', 'port', 'host'].includes(str(a['type']))) problems.push(`alias ${name}: type ${str(a['type'])}`);
  }
  const trackers = new Set<string>();
  for (const [i, r] of ruleNodes.entries()) {
    const where = `rule ${i + 1} (${str(r['descr'])})`;
    for (const f of fields(r)) if (!PF_RULE_ELEMENTS.has(f)) problems.push(`${where}: unexpected <${f}>`);
    for (const flag of PRESENCE_FLAGS) if (flag in r && str(r[flag]) !== '') problems.push(`${where}: presence flag <${flag}> written with a value`);
    const tracker = str(r['tracker']);
    if (!/^\d+$/.test(tracker) || Number(tracker) < 3e9 || Number(tracker) > 4294967295) problems.push(`${where}: tracker ${tracker} is outside 3000000000-4294967295`);
    if (trackers.has(tracker)) problems.push(`${where}: tracker ${tracker} is used twice`);
    trackers.add(tracker);
    if (!['pass', 'block', 'reject'].includes(str(r['type']))) problems.push(`${where}: type ${str(r['type'])}`);
    if (str(r['interface']) === '') problems.push(`${where}: no interface`);
    const family = str(r['ipprotocol']);
    if (!['inet', 'inet6', 'inet46'].includes(family)) problems.push(`${where}: ipprotocol ${family}`);
    const protocol = 'protocol' in r ? str(r['protocol']) : undefined;
    if (protocol !== undefined && !PF_PROTOCOLS.has(protocol)) problems.push(`${where}: protocol ${JSON.stringify(protocol)}`);
    if ('icmptype' in r) {
      const table = family === 'inet6' ? PF_ICMP6 : PF_ICMP;
      if (protocol !== 'icmp' || family === 'inet46') problems.push(`${where}: icmptype without icmp in one family`);
      for (const t of str(r['icmptype']).split(',')) if (!table.has(t)) problems.push(`${where}: icmptype ${t}`);
    }
    for (const side of ['source', 'destination']) {
      const end = obj(r[side]);
      const kinds = fields(end).filter((f) => ['any', 'address', 'network'].includes(f));
      if (kinds.length !== 1) problems.push(`${where}: ${side} has ${kinds.length} of any/address/network`);
      for (const f of fields(end)) if (!['any', 'address', 'network', 'port', 'not'].includes(f)) problems.push(`${where}: ${side} holds <${f}>`);
      const address = str(end['address']);
      if ('address' in end && !isNet(address) && !['network', 'host'].includes(aliases.get(address) ?? '')) problems.push(`${where}: ${side} address ${JSON.stringify(address)} is no network and no defined network alias`);
      if ('port' in end) {
        if (side === 'source') problems.push(`${where}: a source port`);
        if (!['tcp', 'udp', 'tcp/udp', 'sctp'].includes(protocol ?? '')) problems.push(`${where}: a port with protocol ${protocol ?? 'any'}`);
        if (!port(str(end['port']), aliases, '-')) problems.push(`${where}: port ${JSON.stringify(str(end['port']))} is not a port, an a-b range or a port alias`);
      }
    }
  }
  return problems;
}
