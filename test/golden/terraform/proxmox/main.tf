# palisade: Terraform security groups (hashicorp/aws >= 5)
# source: rulesets/proxmox.pal
# parameters: admin_cidrs=[10.10.0.0/24] dns_servers=[10.40.0.1/32] enable_nodeport=false nodeport_cidrs=[10.40.0.0/24] ntp_servers=[162.159.200.1/32, 162.159.200.123/32]
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

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api-10-10-0-0-24" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.10.0.0/24"
}

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-k8s-api-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubernetes API server"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api-10-10-0-0-24" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.10.0.0/24"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-api-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Talos API (apid)"
  ip_protocol       = "tcp"
  from_port         = 50000
  to_port           = 50000
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "cp-talos-trustd" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Talos trustd (certificate exchange)"
  ip_protocol                  = "tcp"
  from_port                    = 50001
  to_port                      = 50001
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-etcd" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "etcd peer and client"
  ip_protocol                  = "tcp"
  from_port                    = 2379
  to_port                      = 2380
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cp-kubelet-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.22/31"
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

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-controlplane-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-controlplane-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-controlplane-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-controlplane-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-controlplane-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-controlplane-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-controlplane-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-controlplane-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-controlplane-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-controlplane-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-controlplane-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-controlplane-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "cp-k8s-api-controlplane" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Kubernetes API server"
  ip_protocol                  = "tcp"
  from_port                    = 6443
  to_port                      = 6443
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-talos-api-controlplane" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Talos API (apid)"
  ip_protocol                  = "tcp"
  from_port                    = 50000
  to_port                      = 50000
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-etcd" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "etcd peer and client"
  ip_protocol                  = "tcp"
  from_port                    = 2379
  to_port                      = 2380
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-kubelet-controlplane" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Kubelet API"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-controller-manager" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "kube-controller-manager"
  ip_protocol                  = "tcp"
  from_port                    = 10257
  to_port                      = 10257
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-scheduler" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "kube-scheduler"
  ip_protocol                  = "tcp"
  from_port                    = 10259
  to_port                      = 10259
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "wk-talos-api" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Talos API"
  ip_protocol                  = "tcp"
  from_port                    = 50000
  to_port                      = 50000
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_egress_rule" "wk-kubelet-controlplane" {
  security_group_id            = aws_security_group.controlplane.id
  description                  = "Kubelet API"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-controlplane-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-controlplane-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-controlplane-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-controlplane-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-controlplane-10-40-0-11-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-controlplane-10-40-0-12-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-controlplane-10-40-0-21-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-controlplane-10-40-0-22-31" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "outbound-https-controlplane" {
  security_group_id = aws_security_group.controlplane.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-controlplane-162-159-200-1-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "NTP time synchronisation"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.1/32"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-controlplane-162-159-200-123-32" {
  security_group_id = aws_security_group.controlplane.id
  description       = "NTP time synchronisation"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.123/32"
}

resource "aws_vpc_security_group_egress_rule" "dns-controlplane-tcp-53" {
  security_group_id = aws_security_group.controlplane.id
  description       = "DNS"
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "10.40.0.1/32"
}

resource "aws_vpc_security_group_egress_rule" "dns-controlplane-udp-53" {
  security_group_id = aws_security_group.controlplane.id
  description       = "DNS"
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "10.40.0.1/32"
}

resource "aws_vpc_security_group_ingress_rule" "wk-talos-api" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Talos API"
  ip_protocol                  = "tcp"
  from_port                    = 50000
  to_port                      = 50000
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "wk-kubelet-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Kubelet API"
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-worker-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-worker-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-worker-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-geneve-worker-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-worker-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-worker-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-worker-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "cilium-health-worker-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-worker-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-worker-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-worker-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_ingress_rule" "outbound-https-worker-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "cp-k8s-api-worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Kubernetes API server"
  ip_protocol                  = "tcp"
  from_port                    = 6443
  to_port                      = 6443
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-talos-api-worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Talos API (apid)"
  ip_protocol                  = "tcp"
  from_port                    = 50000
  to_port                      = 50000
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-talos-trustd" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Talos trustd (certificate exchange)"
  ip_protocol                  = "tcp"
  from_port                    = 50001
  to_port                      = 50001
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "cp-kubelet-worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Kubelet API"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.controlplane.id
}

resource "aws_vpc_security_group_egress_rule" "wk-kubelet-worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Kubelet API"
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-worker-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-worker-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-worker-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-geneve-worker-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "GENEVE overlay tunnels"
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-worker-10-40-0-11-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.11/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-worker-10-40-0-12-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.12/31"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-worker-10-40-0-21-32" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.21/32"
}

resource "aws_vpc_security_group_egress_rule" "cilium-health-worker-10-40-0-22-31" {
  security_group_id = aws_security_group.worker.id
  description       = "Cilium health checks"
  ip_protocol       = "tcp"
  from_port         = 4240
  to_port           = 4240
  cidr_ipv4         = "10.40.0.22/31"
}

resource "aws_vpc_security_group_egress_rule" "outbound-https-worker" {
  security_group_id = aws_security_group.worker.id
  description       = "Image pulls, Talos installer images, cluster discovery"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-worker-162-159-200-1-32" {
  security_group_id = aws_security_group.worker.id
  description       = "NTP time synchronisation"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.1/32"
}

resource "aws_vpc_security_group_egress_rule" "time-sync-worker-162-159-200-123-32" {
  security_group_id = aws_security_group.worker.id
  description       = "NTP time synchronisation"
  ip_protocol       = "udp"
  from_port         = 123
  to_port           = 123
  cidr_ipv4         = "162.159.200.123/32"
}

resource "aws_vpc_security_group_egress_rule" "dns-worker-tcp-53" {
  security_group_id = aws_security_group.worker.id
  description       = "DNS"
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "10.40.0.1/32"
}

resource "aws_vpc_security_group_egress_rule" "dns-worker-udp-53" {
  security_group_id = aws_security_group.worker.id
  description       = "DNS"
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "10.40.0.1/32"
}

output "controlplane_security_group_id" {
  description = "Security group of role controlplane"
  value       = aws_security_group.controlplane.id
}

output "worker_security_group_id" {
  description = "Security group of role worker"
  value       = aws_security_group.worker.id
}
