/**
 * `--target cloudformation`: template.json with one `AWS::EC2::SecurityGroup` per role and one
 * `AWS::EC2::SecurityGroupIngress` / `SecurityGroupEgress` resource per atomic rule, so groups
 * that reference each other (or themselves) form no circular dependency. Egress rules to CIDRs
 * are listed inline in the group: CloudFormation adds its allow-all egress to a group without
 * inline egress, so a group whose egress is restricted needs at least one. The groups come from
 * the shared lowering of the aws target (../aws/lower.ts).
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { awsCapabilities } from '../aws/index.js';
import { stableJson, type Json } from '../aws/json.js';
import { lowerGroups } from '../aws/lower.js';
import { ROLE_TAG, type SecurityGroup, type SgModel, type SgRule } from '../aws/model.js';
import { headerLines, maxRulesOption } from '../aws/options.js';
import type { Ruleset } from '../../ir/index.js';
import { defineBackend } from '../types.js';

/** A logical id: letters and digits only, from an identifier (`cp-k8s-api` → `CpK8sApi`). */
function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

const groupRef = (g: { role: string }): Json => ({ 'Fn::GetAtt': [`${pascal(g.role)}SecurityGroup`, 'GroupId'] });

/**
 * The protocols whose rules carry from/to ports (ICMP: type and code). Every other protocol
 * ignores them, so a rule of another protocol is all of it; `icmpv6` is one of the four (a
 * `[a-z]+` test missed it and wrote `icmpv6/echo-request` as all of ICMPv6).
 */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);

/** Ports for tcp, udp, icmp and icmpv6 only: cfn-lint (W3687) warns that others ignore them. */
function ports(r: SgRule): Record<string, Json> {
  return r.fromPort !== undefined && PORT_PROTOCOLS.has(r.protocol) ? { FromPort: r.fromPort, ToPort: r.toPort ?? r.fromPort } : {};
}

function cidrOf(r: SgRule): Record<string, Json> {
  if (r.peer.kind === 'ipv4') return { CidrIp: r.peer.cidr };
  if (r.peer.kind === 'ipv6') return { CidrIpv6: r.peer.cidr };
  return {};
}

/** Every rule to a CIDR is inline; the others need their own resource. */
const inline = (r: SgRule): boolean => r.direction === 'egress' && r.peer.kind !== 'group';

function ruleResource(g: SecurityGroup, r: SgRule): Json {
  const ingress = r.direction === 'ingress';
  const peer: Record<string, Json> =
    r.peer.kind === 'group' ? { [ingress ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId']: groupRef(r.peer) } : cidrOf(r);
  return {
    Type: ingress ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress',
    Properties: { GroupId: groupRef(g), IpProtocol: r.protocol, ...ports(r), ...peer, Description: r.description },
  };
}

/** A template's Description holds at most 1024 characters (CloudFormation, cfn-lint E1003). */
const MAX_TEMPLATE_DESCRIPTION = 1024;

/**
 * The header as the template's Description. Long string parameters could push it past the
 * limit; the parameters line is then left out whole (it is palisade's note, not the policy)
 * rather than cut.
 */
function templateDescription(ir: Ruleset): string {
  const full = headerLines(ir, 'CloudFormation security groups').join('; ');
  if ([...full].length <= MAX_TEMPLATE_DESCRIPTION) return full;
  return headerLines({ ...ir, params: [] }, 'CloudFormation security groups').join('; ');
}

function template(model: SgModel, description: string): string {
  const resources: Record<string, Json> = {};
  const outputs: Record<string, Json> = {};
  const used = new Set<string>();
  const unique = (id: string): string => {
    let out = id;
    for (let k = 2; used.has(out); k++) out = `${id}${k}`;
    used.add(out);
    return out;
  };
  for (const g of model.groups) {
    const id = unique(`${pascal(g.role)}SecurityGroup`);
    resources[id] = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupName: { 'Fn::Sub': `\${Environment}-${g.role}` },
        GroupDescription: g.description,
        VpcId: { Ref: 'VpcId' },
        SecurityGroupEgress: g.egress.filter(inline).map((r) => ({
          IpProtocol: r.protocol,
          ...ports(r),
          ...cidrOf(r),
          Description: r.description,
        })),
        Tags: [
          { Key: 'Name', Value: { 'Fn::Sub': `\${Environment}-${g.role}` } },
          { Key: ROLE_TAG, Value: g.role },
        ],
      },
    };
    outputs[unique(`${pascal(g.role)}SecurityGroupId`)] = { Description: `Security group of role ${g.role}`, Value: groupRef(g) };
  }
  for (const g of model.groups) {
    for (const r of [...g.ingress, ...g.egress].filter((x) => !inline(x))) {
      resources[unique(`${pascal(r.id)}${r.direction === 'ingress' ? 'Ingress' : 'Egress'}`)] = ruleResource(g, r);
    }
  }
  return stableJson({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description,
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'VPC the security groups belong to' },
      Environment: { Type: 'String', Description: 'Prefix of the security group names', AllowedPattern: '^[A-Za-z0-9._-]{1,64}$' },
    },
    Resources: resources,
    Outputs: outputs,
  });
}

export const cloudformation = defineBackend({
  id: 'cloudformation',
  description: 'CloudFormation template: AWS::EC2::SecurityGroup per role, one ingress/egress resource per atomic rule',
  capabilities: { ...awsCapabilities, artifacts: 'template.json' },
  options: { max_rules: maxRulesOption },

  check(ir, options) {
    const { model, diagnostics } = lowerGroups(ir, { name_prefix: '', max_rules: options.max_rules }, 'cloudformation');
    const out: Diagnostic[] = [...diagnostics];
    for (const g of model.groups) {
      if (!g.egress.some(inline)) {
        const why = `the egress of role "${g.role}" has no rule to a CIDR: CloudFormation gives a group without inline egress rules an allow-all egress rule, and group references listed inline would be circular`;
        out.push(error('PAL6104', g.span, 'cloudformation', why));
      }
    }
    return out;
  },

  emit(ir, options) {
    const { model } = lowerGroups(ir, { name_prefix: '', max_rules: options.max_rules }, 'cloudformation');
    return [{ path: 'template.json', mediaType: 'application/json', contents: template(model, templateDescription(ir)) }];
  },
});
