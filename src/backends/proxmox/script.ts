/**
 * Prints the model as a re-runnable bash script of `pvesh` commands (`--target proxmox`).
 *
 * The helper functions at the top are fixed text; every command that carries a name, an
 * address or a comment is printed word by word through shell-quote's `quote`. Each object is
 * reconciled, never blindly created, so a second run leaves the same state:
 *
 * - IP sets: created if missing; entries not wanted (or marked nomatch) deleted, missing added;
 * - security groups: created if missing (else their comment is updated); rule `i` is set in place
 *   with every field (`--delete` for the absent ones, `--enable 1`), or created, which PVE puts at
 *   position 0 whatever `pos` says, and moved to the end with `--moveto`; surplus rules deleted;
 * - VMs: the enabled `GROUP` rule for the role's group is found (and enabled) or created, and the
 *   firewall options are set; opt-in, `firewall=1` on the NIC; opt-in, the datacenter switch.
 */
import { quote } from 'shell-quote';
import type { PveFirewall, PveRule } from './model.js';
import { RULE_FIELDS } from './model.js';

export interface ScriptOptions {
  readonly node: string;
  readonly guest: string;
  readonly nic: string;
  readonly nic_firewall: boolean;
}

// `$%{` stands for bash's `${` inside this template.
const HELPERS = String.raw`have() { pvesh get "$1" --output-format json >/dev/null 2>&1; }
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
  for cur in "$%{entries[@]}"; do
    if [ "$%{cur#!}" != "$cur" ] || ! in_list "$cur" "$@"; then pvesh delete "$path/$%{cur#!}"; fi
  done
  for cidr in "$@"; do
    in_list "$cidr" "$%{entries[@]}" || pvesh create "$path" --cidr "$cidr"
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
}`.replaceAll('$%{', '$' + '{');

/** `--field value` words of a rule, in the writer's order, with `--enable 1` first. */
export function ruleWords(rule: PveRule): string[] {
  const words = ['--enable', rule.enable ? '1' : '0', '--type', rule.type, '--action', rule.action];
  for (const field of RULE_FIELDS) {
    const value = rule[field];
    if (value !== undefined) words.push(`--${field}`, value);
  }
  return words;
}

/** `--delete` lists by which fields are unset (bit i: RULE_FIELDS[i]): a few shapes serve every rule. */
const unsetLists = new Map<number, string>();

/** The optional fields a rule leaves unset, for `pvesh set --delete`. */
export function unsetFields(rule: PveRule): string {
  let mask = 0;
  for (let i = 0; i < RULE_FIELDS.length; i++) if (rule[RULE_FIELDS[i]!] === undefined) mask |= 1 << i;
  let list = unsetLists.get(mask);
  if (list === undefined) unsetLists.set(mask, (list = RULE_FIELDS.filter((f) => rule[f] === undefined).join(',')));
  return list;
}

/** Words that quote() leaves as they are: none of the characters it escapes or quotes. */
const PLAIN = /^[A-Za-z0-9_./+%-]+$/;

/** One word as quote([word]) prints it (quote() treats each string word on its own). */
export function shellWord(word: string): string {
  return PLAIN.test(word) ? word : quote([word]);
}

/** Lines per block of the script. */
const BLOCK = 4096;

export function printScript(model: PveFirewall, options: ScriptOptions, header: readonly string[]): string {
  const lines: string[] = ['#!/usr/bin/env bash', ...header.map((h) => `# ${h}`), 'set -euo pipefail', '', HELPERS, ''];
  // Words that need quoting (comments) repeat in every group of a rule: each is quoted once.
  // Plain words (names, address lists) are written as they are, never kept: at 100k rules a
  // table of every distinct word outgrew the script.
  const quoted = new Map<string, string>();
  const word = (w: string): string => {
    if (PLAIN.test(w)) return w;
    let q = quoted.get(w);
    if (q === undefined) quoted.set(w, (q = quote([w])));
    return q;
  };
  // Lines are joined block by block, so none outlives its block (a script runs to a million
  // lines at 100k rules: kept to the end, every line would be copied into the old generation).
  const blocks: string[] = [];
  const cmd = (...words: string[]): void => {
    lines.push(words.map(word).join(' '));
    if (lines.length >= BLOCK) {
      blocks.push(lines.join('\n'));
      lines.length = 0;
    }
  };
  lines.push('# ---- cluster IP sets (+dc/<name>): zones and roles');
  for (const ipset of model.ipsets) cmd('ensure_ipset', ipset.name, ipset.comment, ...ipset.cidrs);
  for (const group of model.groups) {
    lines.push('', `# ---- security group ${group.name}: ${group.rules.length} rules, first match first`);
    cmd('ensure_group', group.name, group.comment);
    group.rules.forEach((rule, i) => cmd('put_rule', group.name, String(i), unsetFields(rule), ...ruleWords(rule)));
    cmd('trim_group', group.name, String(group.rules.length));
  }
  for (const guest of model.guests) {
    const path = `/nodes/${options.node}/${options.guest}/${guest.vmid}`;
    lines.push('', `# ---- ${options.guest} ${guest.vmid}: role ${guest.role}`);
    for (const rule of guest.rules) cmd('attach_group', path, rule.action, rule.comment ?? '');
    const o = guest.options;
    cmd('pvesh', 'set', `${path}/firewall/options`, '--enable', o.enable ? '1' : '0', '--policy_in', o.policy_in, '--policy_out', o.policy_out);
    if (options.nic_firewall) cmd('nic_firewall', path, options.nic);
  }
  lines.push('');
  if (model.datacenterEnable) {
    lines.push('# ---- the datacenter switch (enable_datacenter = true): this also arms every node\'s host firewall');
    cmd('pvesh', 'set', '/cluster/firewall/options', '--enable', '1');
  } else {
    lines.push('# The datacenter firewall is left as it is (enable_datacenter = false): VMs are filtered only once it is on.');
  }
  // The final newline as an empty last line: appending it to the joined text would copy it.
  lines.push('');
  blocks.push(lines.join('\n'));
  return blocks.join('\n');
}
