/**
 * `--target terraform`: main.tf in the seed's style: variables `vpc_id`, `environment` and
 * `tags`; one `aws_security_group` per role; one `aws_vpc_security_group_ingress_rule` or
 * `_egress_rule` resource per atomic rule (rule, source, protocol/ports), named after the rule;
 * explicit egress (Terraform removes AWS's default egress rule); an output per group id.
 * The groups come from the shared lowering of the aws target (../aws/lower.ts).
 */
import { lowerGroups } from '../aws/lower.js';
import { awsCapabilities } from '../aws/index.js';
import { ROLE_TAG, type SecurityGroup, type SgModel, type SgRule } from '../aws/model.js';
import { headerLines, maxRulesOption } from '../aws/options.js';
import { defineBackend } from '../types.js';
import { attr, expr, num, printHcl, str, type HclBlock, type HclValue } from './hcl.js';

const groupName = (role: string): HclValue => ({ kind: 'template', parts: [{ expr: 'var.environment' }, { text: `-${role}` }] });
const groupId = (role: string): HclValue => expr(`aws_security_group.${role}.id`);

function variable(name: string, description: string, type: string, def?: HclValue): HclBlock {
  return {
    kind: 'block',
    type: 'variable',
    labels: [name],
    body: [attr('description', str(description)), attr('type', expr(type)), ...(def ? [attr('default', def)] : [])],
  };
}

function group(g: SecurityGroup): HclBlock {
  return {
    kind: 'block',
    type: 'resource',
    labels: ['aws_security_group', g.role],
    body: [
      attr('name', groupName(g.role)),
      attr('description', str(g.description)),
      attr('vpc_id', expr('var.vpc_id')),
      'blank',
      attr('tags', {
        kind: 'call',
        name: 'merge',
        args: [
          expr('var.tags'),
          {
            kind: 'object',
            entries: [
              ['Name', groupName(g.role)],
              [ROLE_TAG, str(g.role)],
            ],
          },
        ],
      }),
    ],
  };
}

/**
 * The protocols whose rules carry from/to ports (ICMP: type and code). Every other protocol
 * ignores them, so a rule of another protocol is all of it; `icmpv6` is one of the four (a
 * `[a-z]+` test missed it and wrote `icmpv6/echo-request` as all of ICMPv6).
 */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);

function rule(g: SecurityGroup, r: SgRule): HclBlock {
  const ports = PORT_PROTOCOLS.has(r.protocol) && r.fromPort !== undefined;
  const peer =
    r.peer.kind === 'ipv4'
      ? attr('cidr_ipv4', str(r.peer.cidr))
      : r.peer.kind === 'ipv6'
        ? attr('cidr_ipv6', str(r.peer.cidr))
        : attr('referenced_security_group_id', groupId(r.peer.role));
  return {
    kind: 'block',
    type: 'resource',
    labels: [`aws_vpc_security_group_${r.direction}_rule`, r.id],
    body: [
      attr('security_group_id', groupId(g.role)),
      attr('description', str(r.description)),
      attr('ip_protocol', str(r.protocol)),
      ...(ports ? [attr('from_port', num(r.fromPort!)), attr('to_port', num(r.toPort ?? r.fromPort!))] : []),
      peer,
    ],
  };
}

export const terraform = defineBackend({
  id: 'terraform',
  description: 'Terraform (HCL): aws_security_group per role, one aws_vpc_security_group_*_rule per atomic rule',
  capabilities: { ...awsCapabilities, artifacts: 'main.tf' },
  options: { max_rules: maxRulesOption },

  check(ir, options) {
    return [...lowerGroups(ir, { name_prefix: '', max_rules: options.max_rules }, 'terraform').diagnostics];
  },

  emit(ir, options) {
    const { model } = lowerGroups(ir, { name_prefix: '', max_rules: options.max_rules }, 'terraform');
    const header = headerLines(ir, 'Terraform security groups (hashicorp/aws >= 5)');
    return [{ path: 'main.tf', mediaType: 'text/x-terraform', contents: printHcl(header, blocks(model)) }];
  },
});

/**
 * The blocks of main.tf in order, made one at a time: a rule's block is printed and dropped
 * before the next is made (at 100k rules, a million of them held at once cost gigabytes).
 */
function* blocks(model: SgModel): Generator<HclBlock> {
  yield variable('vpc_id', 'ID of the VPC the security groups belong to', 'string');
  yield variable('environment', 'Prefix of the security group names', 'string');
  yield variable('tags', 'Tags for every security group', 'map(string)', { kind: 'object', entries: [] });
  for (const g of model.groups) yield group(g);
  for (const g of model.groups) {
    for (const r of g.ingress) yield rule(g, r);
    for (const r of g.egress) yield rule(g, r);
  }
  for (const g of model.groups) {
    yield {
      kind: 'block',
      type: 'output',
      labels: [`${g.role}_security_group_id`],
      body: [attr('description', str(`Security group of role ${g.role}`)), attr('value', groupId(g.role))],
    };
  }
}
