/**
 * deploy.sh: a bash script that creates the security groups and authorizes their rules with the
 * AWS CLI (`--cli-input-json`), safe to run twice. Every value is a shell word quoted by
 * shell-quote; payloads are the JSON of print.ts, with group names replaced by the ids the script
 * resolves (jq `--arg`, never text substitution). The script:
 *
 * - finds each group by name and VPC, creating it when it is missing;
 * - revokes AWS's default allow-all egress where the ruleset restricts egress;
 * - authorizes each atomic rule on its own, so a rule that already exists
 *   (`InvalidPermission.Duplicate`) leaves the others to be added.
 *
 * It adds and never removes rules: rules deployed earlier and no longer in the ruleset stay until
 * revoked (`palisade diff` against `describe-security-groups` shows them).
 */
import { quote } from 'shell-quote';
import { authorizePayload, createPayload } from './print.js';
import type { SgModel } from './model.js';

const PRELUDE = String.raw`set -euo pipefail

: "${'$'}{VPC_ID:?set VPC_ID to the id of the VPC the groups belong to}"
for tool in aws jq; do
  command -v "$tool" >/dev/null || { echo "deploy.sh: $tool is required" >&2; exit 1; }
done

# The AWS CLI, at AWS_ENDPOINT_URL when it is set (e.g. a local test endpoint).
ec2() {
  if [[ -n "${'$'}{AWS_ENDPOINT_URL:-}" ]]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" ec2 "$@"
  else
    aws ec2 "$@"
  fi
}

# Runs an ec2 command; an error whose code is $1 means "already done" and is not a failure.
tolerate() {
  local code="$1" err
  shift
  if ! err="$(ec2 "$@" 2>&1 >/dev/null)"; then
    if [[ "$err" != *"$code"* ]]; then
      printf '%s\n' "$err" >&2
      return 1
    fi
  fi
}

IDS='{}'

# ensure_group NAME CREATE_JSON: the id of group NAME in $VPC_ID, created when missing.
ensure_group() {
  local name="$1" filters id
  filters="$(jq -cn --arg vpc "$VPC_ID" --arg name "$name" '[{Name: "vpc-id", Values: [$vpc]}, {Name: "group-name", Values: [$name]}]')"
  id="$(ec2 describe-security-groups --filters "$filters" --query 'SecurityGroups[0].GroupId' --output text)"
  if [[ "$id" == "None" || -z "$id" ]]; then
    id="$(ec2 create-security-group --cli-input-json "$(jq -c --arg vpc "$VPC_ID" '.VpcId = $vpc' <<<"$2")" --query GroupId --output text)"
    echo "created $name: $id" >&2
  fi
  if [[ ! "$id" =~ ^sg-[0-9a-f]+$ ]]; then
    echo "deploy.sh: unexpected group id for $name: $id" >&2
    exit 1
  fi
  IDS="$(jq -c --arg name "$name" --arg id "$id" '.[$name] = $id' <<<"$IDS")"
}

# payload NAME JSON: JSON with GroupId set to NAME's id and group names in UserIdGroupPairs
# replaced by their ids.
payload() {
  jq -c --arg name "$1" --argjson ids "$IDS" \
    '.GroupId = $ids[$name] | .IpPermissions[].UserIdGroupPairs[]?.GroupId |= $ids[.]' <<<"$2"
}

# revoke_default_egress NAME: removes the allow-all egress AWS gives every new group.
revoke_default_egress() {
  local all4='{"IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}'
  local all6='{"IpPermissions":[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]}'
  tolerate InvalidPermission.NotFound revoke-security-group-egress --cli-input-json "$(payload "$1" "$all4")"
  tolerate InvalidPermission.NotFound revoke-security-group-egress --cli-input-json "$(payload "$1" "$all6")"
}

# authorize ingress|egress NAME JSON: adds one rule unless it exists.
authorize() {
  tolerate InvalidPermission.Duplicate "authorize-security-group-$1" --cli-input-json "$(payload "$2" "$3")"
}
`;

export function deployScript(model: SgModel, prefix: string, header: readonly string[]): string {
  const lines = ['#!/usr/bin/env bash', ...header.map((h) => `# ${h}`), '#', '# Usage: VPC_ID=vpc-... ./deploy.sh   (AWS_ENDPOINT_URL, AWS_REGION and credentials as for the aws CLI)', PRELUDE];
  lines.push('# Groups');
  for (const g of model.groups) lines.push(quote(['ensure_group', g.name, createPayload(g)]));
  for (const g of model.groups) {
    const allEgress = g.egress.some((r) => r.protocol === '-1' && r.peer.kind === 'ipv4' && r.peer.cidr === '0.0.0.0/0');
    lines.push('', `# ${g.name}`);
    if (!allEgress) lines.push(quote(['revoke_default_egress', g.name]));
    for (const r of [...g.ingress, ...g.egress]) {
      lines.push(quote(['authorize', r.direction, g.name, authorizePayload(r, prefix)]));
    }
  }
  lines.push('', 'echo "security groups: $IDS"', '');
  return lines.join('\n');
}
