# palisade: Terraform security groups (hashicorp/aws >= 5)
# source: rulesets/bare-metal.pal
# parameters: admin_cidrs=[192.168.10.0/24] k8s_vlan=192.168.30.0/24 ntp_servers=[162.159.200.1/32, 162.159.200.123/32]
# generated file: edit the ruleset, not this file

variable "vpc_id" {
  description = "ID of the VPC the security groups belong to"
  type        = string
}

variable "environment" {
  description = "Prefix of the security group names"
  type        = string
}

variable "tags" {
  description = "Tags for every security group"
  type        = map(string)
  default     = {}
}

resource "aws_security_group" "k8s-nodes" {
  name        = "${var.environment}-k8s-nodes"
  description = "palisade role k8s-nodes"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name            = "${var.environment}-k8s-nodes"
    "palisade:role" = "k8s-nodes"
  })
}

resource "aws_vpc_security_group_ingress_rule" "admin-k8s-api" {
  security_group_id = aws_security_group.k8s-nodes.id
  description       = "K8s API access"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "192.168.10.0/24"
}

resource "aws_vpc_security_group_ingress_rule" "admin-talos-api" {
  security_group_id = aws_security_group.k8s-nodes.id
  description       = "Talos API access"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "192.168.10.0/24"
}

resource "aws_vpc_security_group_ingress_rule" "intra-cluster" {
  security_group_id            = aws_security_group.k8s-nodes.id
  description                  = "Intra-cluster (all node-to-node)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.k8s-nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https" {
  security_group_id            = aws_security_group.k8s-nodes.id
  description                  = "Outbound HTTPS (image pulls)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.k8s-nodes.id
}

resource "aws_vpc_security_group_egress_rule" "intra-cluster" {
  security_group_id            = aws_security_group.k8s-nodes.id
  description                  = "Intra-cluster (all node-to-node)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.k8s-nodes.id
}

resource "aws_vpc_security_group_egress_rule" "outbound-https" {
  security_group_id = aws_security_group.k8s-nodes.id
  description       = "Outbound HTTPS (image pulls)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-162-159-200-1-32" {
  security_group_id = aws_security_group.k8s-nodes.id
  description       = "Time sync"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.1/32"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-162-159-200-123-32" {
  security_group_id = aws_security_group.k8s-nodes.id
  description       = "Time sync"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.123/32"
}

output "k8s-nodes_security_group_id" {
  description = "Security group of role k8s-nodes"
  value       = aws_security_group.k8s-nodes.id
}
