#!/usr/bin/env bash
# palisade: deploys the security groups of security-groups.json with the AWS CLI
# source: rulesets/talos-aws.pal
# parameters: allowed_admin_cidrs=[196.45.28.20/32, 2001:db8:45::/48] cni="cilium" enable_nodeport=true vpc_cidr=10.0.0.0/16
# generated file: edit the ruleset, not this file
#
# Usage: VPC_ID=vpc-... ./deploy.sh   (AWS_ENDPOINT_URL, AWS_REGION and credentials as for the aws CLI)
set -euo pipefail

: "${VPC_ID:?set VPC_ID to the id of the VPC the groups belong to}"
for tool in aws jq; do
  command -v "$tool" >/dev/null || { echo "deploy.sh: $tool is required" >&2; exit 1; }
done

# The AWS CLI, at AWS_ENDPOINT_URL when it is set (e.g. a local test endpoint).
ec2() {
  if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
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

# Groups
ensure_group controlplane '{"Description":"palisade role controlplane","GroupName":"controlplane","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"Name","Value":"controlplane"},{"Key":"palisade:role","Value":"controlplane"}]}]}'
ensure_group worker '{"Description":"palisade role worker","GroupName":"worker","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"Name","Value":"worker"},{"Key":"palisade:role","Value":"worker"}]}]}'

# Rules (IpPermissions of one atomic rule each: a protocol/port key and one source)
sync controlplane '{"IpPermissions":[{"FromPort":6443,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Kubernetes API server"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6443,"UserIdGroupPairs":[]},{"FromPort":50000,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Talos API (apid)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":50000,"UserIdGroupPairs":[]},{"FromPort":50001,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":50001,"UserIdGroupPairs":[{"Description":"Talos trustd service","GroupId":"worker"}]},{"FromPort":2379,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":2380,"UserIdGroupPairs":[{"Description":"etcd peer communication","GroupId":"controlplane"}]},{"FromPort":10250,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10250,"UserIdGroupPairs":[{"Description":"Kubelet API (CP-to-CP)","GroupId":"controlplane"}]},{"FromPort":10250,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Kubelet API (admin access)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10250,"UserIdGroupPairs":[]},{"FromPort":10257,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10257,"UserIdGroupPairs":[{"Description":"kube-controller-manager","GroupId":"controlplane"}]},{"FromPort":10259,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10259,"UserIdGroupPairs":[{"Description":"kube-scheduler","GroupId":"controlplane"}]},{"FromPort":6081,"IpProtocol":"udp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6081,"UserIdGroupPairs":[{"Description":"Cilium GENEVE overlay (CP-to-CP)","GroupId":"controlplane"}]},{"FromPort":6081,"IpProtocol":"udp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6081,"UserIdGroupPairs":[{"Description":"Cilium GENEVE overlay (workers-to-CP)","GroupId":"worker"}]},{"FromPort":4240,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":4240,"UserIdGroupPairs":[{"Description":"Cilium health checks (CP-to-CP)","GroupId":"controlplane"}]},{"FromPort":4240,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":4240,"UserIdGroupPairs":[{"Description":"Cilium health checks (workers-to-CP)","GroupId":"worker"}]},{"FromPort":-1,"IpProtocol":"icmp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Ping for connectivity validation"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":-1,"UserIdGroupPairs":[]},{"FromPort":6443,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"196.45.28.20/32","Description":"Kubernetes API (external)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6443,"UserIdGroupPairs":[]},{"FromPort":50000,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"196.45.28.20/32","Description":"Talos API (external)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":50000,"UserIdGroupPairs":[]}]}' '{"IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Allow all outbound traffic"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"-1","IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"Allow all outbound traffic"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]}'
sync worker '{"IpPermissions":[{"FromPort":50000,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":50000,"UserIdGroupPairs":[{"Description":"Talos API from control plane","GroupId":"controlplane"}]},{"FromPort":50000,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Talos API (admin access)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":50000,"UserIdGroupPairs":[]},{"FromPort":10250,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10250,"UserIdGroupPairs":[{"Description":"Kubelet API from control plane","GroupId":"controlplane"}]},{"FromPort":10250,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10250,"UserIdGroupPairs":[{"Description":"Kubelet API (worker-to-worker)","GroupId":"worker"}]},{"FromPort":10250,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Kubelet API (admin access)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":10250,"UserIdGroupPairs":[]},{"FromPort":30000,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":32767,"UserIdGroupPairs":[{"Description":"NodePort services (worker-to-worker)","GroupId":"worker"}]},{"FromPort":30000,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"NodePort services (admin access)"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":32767,"UserIdGroupPairs":[]},{"FromPort":6081,"IpProtocol":"udp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6081,"UserIdGroupPairs":[{"Description":"Cilium GENEVE overlay (CP-to-workers)","GroupId":"controlplane"}]},{"FromPort":6081,"IpProtocol":"udp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":6081,"UserIdGroupPairs":[{"Description":"Cilium GENEVE overlay (worker-to-worker)","GroupId":"worker"}]},{"FromPort":4240,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":4240,"UserIdGroupPairs":[{"Description":"Cilium health checks (CP-to-workers)","GroupId":"controlplane"}]},{"FromPort":4240,"IpProtocol":"tcp","IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":4240,"UserIdGroupPairs":[{"Description":"Cilium health checks (worker-to-worker)","GroupId":"worker"}]},{"FromPort":-1,"IpProtocol":"icmp","IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"Ping for connectivity validation"}],"Ipv6Ranges":[],"PrefixListIds":[],"ToPort":-1,"UserIdGroupPairs":[]}]}' '{"IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Allow all outbound traffic"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]},{"IpProtocol":"-1","IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"Allow all outbound traffic"}],"PrefixListIds":[],"UserIdGroupPairs":[]}]}'

echo "security groups: $IDS"
