/**
 * Options under which the targets that refuse the generated policy with their defaults accept it,
 * so the bench also times a compile that writes output (`palisade compile ... --set K=V`):
 *
 * - aws, terraform, cloudformation: a role's group needs several hundred rules per direction and
 *   family (one per CIDR, port range and ICMP type), over AWS's default quota of 60 (PAL6101);
 *   1000 is the most AWS allows (rules per group times groups per interface).
 * - talos, talos-nft: the policy denies ICMP that Talos always accepts (PAL6201; `icmp=talos`
 *   accepts Talos's built-in handling), denies egress, which Talos does not filter (`egress=
 *   elsewhere`: enforced by another firewall), and its roles' 10.96-10.111 /24s lie in Talos's
 *   default service subnet 10.96.0.0/12, whose traffic Talos always accepts (the pod and service
 *   subnets are moved to 100.64.0.0/16 and 100.65.0.0/16, which no role overlaps).
 *
 * Each is still exact: with these options the targets refuse nothing and widen nothing (the
 * warnings they print name what is left to another firewall or to Talos's own accepts).
 */
export const ACCEPTING: Readonly<Record<string, readonly string[]>> = {
  aws: ['aws.max_rules=1000'],
  terraform: ['terraform.max_rules=1000'],
  cloudformation: ['cloudformation.max_rules=1000'],
  ...Object.fromEntries(
    ['talos', 'talos-nft'].map((t) => [t, [`${t}.icmp=talos`, `${t}.egress=elsewhere`, `${t}.pod-subnets=100.64.0.0/16`, `${t}.service-subnets=100.65.0.0/16`]]),
  ),
};

/** Every target's accepting options together (each only names its own target's options). */
export const ALL_ACCEPTING: readonly string[] = Object.values(ACCEPTING).flat();
