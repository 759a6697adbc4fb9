/**
 * deploy.sh: a bash script that creates the security groups and authorizes their rules with the
 * AWS CLI (`--cli-input-json`), safe to run twice. Every value is a shell word quoted by
 * shell-quote; payloads are the JSON of print.ts, with group names replaced by the ids the script
 * resolves (jq `--arg`, never text substitution). The script:
 *
 * - finds each group by name and VPC, creating it when it is missing;
 * - reads each group's rules once and authorizes, in one request per direction, only the atomic
 *   rules it lacks (a second run sends no request that changes anything);
 * - revokes AWS's default allow-all egress where the ruleset does not allow all egress.
 *
 * It adds and never removes rules: rules deployed earlier and no longer in the ruleset stay until
 * revoked (`palisade diff` against `describe-security-groups` shows them).
 */
import { quote } from 'shell-quote';
import { createPayload, rulesPayload } from './print.js';
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

# The atomic rules of a list of IpPermissions, as [protocol, from, to, kind, peer] keys.
ATOMS='def atoms: . as $p | (if ($p.IpProtocol | IN("tcp", "udp", "icmp", "icmpv6")) then [$p.FromPort, $p.ToPort] else [null, null] end) as $ports
  | [(($p.IpRanges // [])[] | ["ipv4", .CidrIp]), (($p.Ipv6Ranges // [])[] | ["ipv6", .CidrIpv6]), (($p.UserIdGroupPairs // [])[] | ["group", .GroupId])]
  | map([$p.IpProtocol] + $ports + .);'

# sync NAME INGRESS_JSON EGRESS_JSON: authorizes the rules group NAME lacks (one request per
# direction, only the missing rules), and revokes AWS's default allow-all egress where the
# ruleset does not allow all egress.
sync() {
  local name="$1" group id want have missing
  id="$(jq -r --arg name "$name" '.[$name]' <<<"$IDS")"
  group="$(ec2 describe-security-groups --group-ids "$id" --query 'SecurityGroups[0]' --output json)"
  for direction in ingress egress; do
    if [[ "$direction" == ingress ]]; then
      want="$(payload "$name" "$2")"
      have="$(jq -c '.IpPermissions // []' <<<"$group")"
    else
      want="$(payload "$name" "$3")"
      have="$(jq -c '.IpPermissionsEgress // []' <<<"$group")"
      # AWS's default egress, where the ruleset does not allow it.
      for stale in '{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}' '{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}'; do
        if jq -e --argjson p "$stale" --argjson have "$have" "$ATOMS"' ($p | atoms[0]) as $k
            | any($have[] | atoms[]; . == $k) and (any(.IpPermissions[] | atoms[]; . == $k) | not)' <<<"$want" >/dev/null; then
          ec2 revoke-security-group-egress --group-id "$id" --ip-permissions "[$stale]" >/dev/null
          echo "revoked the default egress $stale of $name" >&2
        fi
      done
    fi
    missing="$(jq -c --argjson have "$have" "$ATOMS"' [$have[] | atoms[]] as $keys
      | .IpPermissions |= map(select((atoms[0]) as $k | any($keys[]; . == $k) | not))' <<<"$want")"
    if [[ "$(jq '.IpPermissions | length' <<<"$missing")" -gt 0 ]]; then
      tolerate InvalidPermission.Duplicate "authorize-security-group-$direction" --cli-input-json "$missing"
      echo "$name: authorized $(jq '.IpPermissions | length' <<<"$missing") $direction rules" >&2
    fi
  done
}
`;

export function deployScript(model: SgModel, prefix: string, header: readonly string[]): string {
  const lines = ['#!/usr/bin/env bash', ...header.map((h) => `# ${h}`), '#', '# Usage: VPC_ID=vpc-... ./deploy.sh   (AWS_ENDPOINT_URL, AWS_REGION and credentials as for the aws CLI)', PRELUDE];
  lines.push('# Groups');
  for (const g of model.groups) lines.push(quote(['ensure_group', g.name, createPayload(g)]));
  lines.push('', '# Rules (IpPermissions of one atomic rule each: a protocol/port key and one source)');
  for (const g of model.groups) lines.push(quote(['sync', g.name, rulesPayload(g.ingress, prefix), rulesPayload(g.egress, prefix)]));
  lines.push('', 'echo "security groups: $IDS"', '');
  return lines.join('\n');
}
