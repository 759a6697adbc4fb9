#!/usr/bin/env bash
# palisade: Proxmox VE firewall (pvesh script); run as root on a node, PVE 8 or later
# source: rulesets/talos-aws.pal
# parameters: allowed_admin_cidrs=[] cni="cilium" enable_nodeport=false vpc_cidr=10.0.0.0/16
# generated file: edit the ruleset, not this file
set -euo pipefail

have() { pvesh get "$1" --output-format json >/dev/null 2>&1; }
# json CODE [ARG...]: runs perl CODE on the JSON read from standard input, as $d (JSON::PP ships with perl).
json() { local code=$1; shift; perl -MJSON::PP -e 'my $d = JSON::PP->new->decode(join "", <STDIN>); '"$code" "$@"; }

# in_list WORD WORD...: whether the first word is among the others (no pipes: no SIGPIPE races).
in_list() { local x=$1 y; shift; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }

# ensure_ipset NAME COMMENT CIDR...: the cluster IP set NAME holds exactly the CIDRs.
ensure_ipset() {
  local name=$1 comment=$2 path=/cluster/firewall/ipset/$1 current cur cidr
  local -a entries=()
  shift 2
  have "$path" || pvesh create /cluster/firewall/ipset --name "$name" --comment "$comment"
  current=$(pvesh get "$path" --output-format json | json 'print(($_->{nomatch} ? "!" : ""), "$_->{cidr}\n") for @$d')
  [ -z "$current" ] || mapfile -t entries <<<"$current"
  for cur in "${entries[@]}"; do
    if [ "${cur#!}" != "$cur" ] || ! in_list "$cur" "$@"; then pvesh delete "$path/${cur#!}"; fi
  done
  for cidr in "$@"; do
    in_list "$cidr" "${entries[@]}" || pvesh create "$path" --cidr "$cidr"
  done
}

# ensure_group NAME COMMENT: the security group exists, with this comment.
ensure_group() {
  if have "/cluster/firewall/groups/$1"; then
    pvesh create /cluster/firewall/groups --group "$1" --rename "$1" --comment "$2"
  else
    pvesh create /cluster/firewall/groups --group "$1" --comment "$2"
  fi
}

# put_rule GROUP POS DELETE ARG...: rule POS of GROUP is exactly ARG... (fields in DELETE unset).
# A created rule lands at position 0 whatever --pos says, so it is moved to the end.
put_rule() {
  local group=/cluster/firewall/groups/$1 pos=$2 delete=$3
  shift 3
  if have "$group/$pos"; then
    pvesh set "$group/$pos" "$@" --delete "$delete"
  else
    pvesh create "$group" "$@"
    pvesh set "$group/0" --moveto "$((pos + 1))"
  fi
}

# trim_group GROUP COUNT: deletes the rules of GROUP from position COUNT on.
trim_group() {
  while have "/cluster/firewall/groups/$1/$2"; do pvesh delete "/cluster/firewall/groups/$1/$2"; done
}

# attach_group GUEST GROUP COMMENT: the guest has one enabled GROUP rule for GROUP.
attach_group() {
  local rules=$1/firewall/rules pos
  pos=$(pvesh get "$rules" --output-format json |
    json 'for (@$d) { if ($_->{type} eq "group" && $_->{action} eq $ARGV[0]) { print $_->{pos}; last } }' "$2")
  if [ -z "$pos" ]; then
    pvesh create "$rules" --enable 1 --type group --action "$2" --comment "$3"
  else
    pvesh set "$rules/$pos" --enable 1 --comment "$3"
  fi
}

# nic_firewall GUEST NIC: firewall=1 on the NIC, keeping its other settings (model, MAC, bridge).
nic_firewall() {
  local config=$1/config value
  value=$(pvesh get "$config" --output-format json |
    json 'my $v = $d->{$ARGV[0]} // exit 3; exit 0 if ",$v," =~ /,firewall=1,/;
          print join(",", (grep { !/^firewall=/ } split /,/, $v), "firewall=1")' "$2") ||
    { echo "palisade: $config has no $2" >&2; exit 1; }
  [ -z "$value" ] || pvesh set "$config" "--$2" "$value"
}

# ---- cluster IP sets (+dc/<name>): zones and roles
ensure_ipset controlplane 'palisade role controlplane' 10.0.1.0/24
ensure_ipset vpc 'palisade zone vpc' 10.0.0.0/16
ensure_ipset worker 'palisade role worker' 10.0.2.0/24 10.0.12.0/24

# ---- security group controlplane: 13 rules, first match first
ensure_group controlplane 'palisade role controlplane, addresses +dc/controlplane'
put_rule controlplane 0 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto tcp --dport 6443 --comment 'cp-k8s-api: Kubernetes API server'
put_rule controlplane 1 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto tcp --dport 50000 --comment 'cp-talos-api: Talos API (apid)'
put_rule controlplane 2 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto tcp --dport 50001 --comment 'cp-talos-trustd: Talos trustd service'
put_rule controlplane 3 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 2379\:2380 --comment 'cp-etcd: etcd peer communication'
put_rule controlplane 4 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 10250 --comment 'cp-kubelet-self: Kubelet API (CP-to-CP)'
put_rule controlplane 5 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto tcp --dport 10250 --comment 'cp-kubelet-vpc: Kubelet API (admin access)'
put_rule controlplane 6 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 10257 --comment 'cp-controller-manager: kube-controller-manager'
put_rule controlplane 7 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 10259 --comment 'cp-scheduler: kube-scheduler'
put_rule controlplane 8 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto udp --dport 6081 --comment 'cp-cilium-geneve-cp: Cilium GENEVE overlay (CP-to-CP)'
put_rule controlplane 9 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto udp --dport 6081 --comment 'cp-cilium-geneve-worker: Cilium GENEVE overlay (workers-to-CP)'
put_rule controlplane 10 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 4240 --comment 'cp-cilium-health-cp: Cilium health checks (CP-to-CP)'
put_rule controlplane 11 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto tcp --dport 4240 --comment 'cp-cilium-health-worker: Cilium health checks (workers-to-CP)'
put_rule controlplane 12 iface\,dest\,dport\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto icmp --comment 'cp-icmp: Ping for connectivity validation'
trim_group controlplane 13

# ---- security group worker: 10 rules, first match first
ensure_group worker 'palisade role worker, addresses +dc/worker'
put_rule worker 0 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 50000 --comment 'wk-talos-api-cp: Talos API from control plane'
put_rule worker 1 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto tcp --dport 50000 --comment 'wk-talos-api-vpc: Talos API (admin access)'
put_rule worker 2 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 10250 --comment 'wk-kubelet-cp: Kubelet API from control plane'
put_rule worker 3 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto tcp --dport 10250 --comment 'wk-kubelet-self: Kubelet API (worker-to-worker)'
put_rule worker 4 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto tcp --dport 10250 --comment 'wk-kubelet-vpc: Kubelet API (admin access)'
put_rule worker 5 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto udp --dport 6081 --comment 'wk-cilium-geneve-cp: Cilium GENEVE overlay (CP-to-workers)'
put_rule worker 6 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto udp --dport 6081 --comment 'wk-cilium-geneve-worker: Cilium GENEVE overlay (worker-to-worker)'
put_rule worker 7 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/controlplane --proto tcp --dport 4240 --comment 'wk-cilium-health-cp: Cilium health checks (CP-to-workers)'
put_rule worker 8 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/worker --proto tcp --dport 4240 --comment 'wk-cilium-health-worker: Cilium health checks (worker-to-worker)'
put_rule worker 9 iface\,dest\,dport\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/vpc --proto icmp --comment 'wk-icmp: Ping for connectivity validation'
trim_group worker 10

# The datacenter firewall is left as it is (enable_datacenter = false): VMs are filtered only once it is on.
