#!/usr/bin/env bash
# palisade: Proxmox VE firewall (pvesh script); run as root on a node, PVE 8 or later
# source: rulesets/bare-metal.pal
# parameters: admin_cidrs=[192.168.10.0/24] k8s_vlan=192.168.30.0/24 ntp_servers=[162.159.200.1/32, 162.159.200.123/32]
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
ensure_ipset admin 'palisade zone admin' 192.168.10.0/24
ensure_ipset k8s-nodes 'palisade role k8s-nodes' 192.168.30.0/24
ensure_ipset ntp-servers 'palisade zone ntp-servers' 162.159.200.1 162.159.200.123

# ---- security group k8s-nodes: 7 rules, first match first
ensure_group k8s-nodes 'palisade role k8s-nodes, addresses +dc/k8s-nodes'
put_rule k8s-nodes 0 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/admin --proto tcp --dport 6443 --comment 'admin-k8s-api: K8s API access'
put_rule k8s-nodes 1 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/admin --proto tcp --dport 50000 --comment 'admin-talos-api: Talos API access'
put_rule k8s-nodes 2 iface\,dest\,proto\,dport\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/k8s-nodes --comment 'intra-cluster: Intra-cluster (all node-to-node)'
put_rule k8s-nodes 3 iface\,source\,proto\,dport\,sport\,log\,icmp-type\,macro --enable 1 --type out --action ACCEPT --dest +dc/k8s-nodes --comment 'intra-cluster: Intra-cluster (all node-to-node)'
put_rule k8s-nodes 4 iface\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type in --action ACCEPT --source +dc/k8s-nodes --proto tcp --dport 443 --comment 'outbound-https: Outbound HTTPS (image pulls)'
put_rule k8s-nodes 5 iface\,source\,dest\,sport\,log\,icmp-type\,macro --enable 1 --type out --action ACCEPT --proto tcp --dport 443 --comment 'outbound-https: Outbound HTTPS (image pulls)'
put_rule k8s-nodes 6 iface\,source\,sport\,log\,icmp-type\,macro --enable 1 --type out --action ACCEPT --dest +dc/ntp-servers --proto udp --dport 123 --comment 'time-sync: Time sync'
trim_group k8s-nodes 7

# The datacenter firewall is left as it is (enable_datacenter = false): VMs are filtered only once it is on.
