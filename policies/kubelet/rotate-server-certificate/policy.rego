# METADATA
# title: Kubelet serving certificate rotation is not disabled
# description: >-
#   The RotateKubeletServerCertificate feature gate lets the kubelet request and renew its serving certificate from the cluster CA (with serverTLSBootstrap); turning it off leaves a static serving certificate to expire or be replaced by hand. CIS Kubernetes 4.2.11, CIS EKS 3.2.9.
# custom:
#   id: PLM-NODE-0010
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Remove RotateKubeletServerCertificate: false from featureGates (the gate is on by default) and restart the kubelet."
package plimsoll.kubelet.rotate_server_certificate

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	input.featureGates.RotateKubeletServerCertificate == false
	v := {
		"msg": sprintf("%s disables serving certificate rotation (featureGates.RotateKubeletServerCertificate: false)", [kubelet.node]),
		"path": ["featureGates", "RotateKubeletServerCertificate"],
	}
}
