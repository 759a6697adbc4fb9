/**
 * `--target aws`: security-groups.json, the groups in the shape `aws ec2 describe-security-groups`
 * prints (one group per role), and deploy.sh, which creates them with the AWS CLI.
 * The shared lowering (lower.ts) also serves the terraform and cloudformation targets.
 */
import { defineBackend } from '../types.js';
import { deployScript } from './deploy.js';
import { lowerGroups } from './lower.js';
import { headerLines, maxRulesOption, namePrefixOption } from './options.js';
import { describeShape } from './print.js';
import { readSecurityGroups } from './read.js';

export const awsCapabilities = {
  ordered: false,
  deny: false,
  egress: true,
  ipv6: true,
  icmpTypes: true,
  stateful: true,
  needsRoleAddresses: false,
} as const;

export const aws = defineBackend({
  id: 'aws',
  description: 'EC2 security groups as describe-security-groups JSON, plus a deploy script for the AWS CLI',
  capabilities: { ...awsCapabilities, artifacts: 'security-groups.json and deploy.sh' },
  options: {
    name_prefix: namePrefixOption,
    max_rules: maxRulesOption,
    vpc_id: {
      type: 'string',
      default: '',
      pattern: /^(vpc-[0-9a-f]{1,17})?$/,
      description: 'VpcId written into security-groups.json (the deploy script takes VPC_ID from its environment)',
    },
  },

  check(ir, options) {
    return [...lowerGroups(ir, options, 'aws').diagnostics];
  },

  emit(ir, options) {
    const { model } = lowerGroups(ir, options, 'aws');
    return [
      { path: 'security-groups.json', mediaType: 'application/json', contents: describeShape(model, options.name_prefix, options.vpc_id) },
      {
        path: 'deploy.sh',
        mediaType: 'text/x-shellscript',
        contents: deployScript(model, options.name_prefix, headerLines(ir, 'deploys the security groups of security-groups.json with the AWS CLI')),
      },
    ];
  },

  read: readSecurityGroups,
});
