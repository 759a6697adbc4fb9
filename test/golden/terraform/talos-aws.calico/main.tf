# palisade: Terraform security groups (hashicorp/aws >= 5)
# source: rulesets/talos-aws.pal
# parameters: allowed_admin_cidrs=[] cni="calico" enable_nodeport=false vpc_cidr=10.0.0.0/16
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

resource "aws_security_group" "controlplane" {
  name        = "${var.environment}-controlplane"
  description = "palisade role controlplane"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name            = "${var.environment}-controlplane"
    "palisade:role" = "controlplane"
  })
}

resource "aws_security_group" "worker" {
  name        = "${var.environment}-worker"
  description = "palisade role worker"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name            = "${var.environment}-worker"
    "palisade:role" = "worker"
  })
}

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-trustd" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Talos trustd service"
  ip_protocol                  = "tcp"
  from_port                    = 50001
  to_port                      = 50001
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-etcd" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "etcd peer communication"
  ip_protocol                  = "tcp"
  from_port                    = 2379
  to_port                      = 2380
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-self" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Kubelet API (CP-to-CP)"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-vpc" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubelet API (admin access)"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "cp-controller-manager" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "kube-controller-manager"
  ip_protocol                  = "tcp"
  from_port                    = 10257
  to_port                      = 10257
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-scheduler" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "kube-scheduler"
  ip_protocol                  = "tcp"
  from_port                    = 10259
  to_port                      = 10259
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-icmp" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Ping for connectivity validation"
  ip_protocol       = "icmp"
  from_port         = -1
  to_port           = -1
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_egress_rule" "controlplane-egress-all-ipv4-any" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Allow all outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "controlplane-egress-all-ipv6-any" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Allow all outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "wk-talos-api-cp" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Talos API from control plane"
  ip_protocol                  = "tcp"
  from_port                    = 50000
  to_port                      = 50000
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "wk-talos-api-vpc" {
  security_group_id = aws_security_group.worker.id
  description       = "Talos API (admin access)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-cp" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Kubelet API from control plane"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-self" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Kubelet API (worker-to-worker)"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-vpc" {
  security_group_id = aws_security_group.worker.id
  description       = "Kubelet API (admin access)"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "wk-icmp" {
  security_group_id = aws_security_group.worker.id
  description       = "Ping for connectivity validation"
  ip_protocol       = "icmp"
  from_port         = -1
  to_port           = -1
  cidr_ipv4         = "10.0.0.0/16"
}

resource "aws_vpc_security_group_egress_rule" "worker-egress-all-ipv4-any" {
  security_group_id = aws_security_group.worker.id
  description       = "Allow all outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "worker-egress-all-ipv6-any" {
  security_group_id = aws_security_group.worker.id
  description       = "Allow all outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

output "controlplane_security_group_id" {
  description = "Security group of role controlplane"
  value       = aws_security_group.controlplane.id
}

output "worker_security_group_id" {
  description = "Security group of role worker"
  value       = aws_security_group.worker.id
}
