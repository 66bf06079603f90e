# METADATA
# title: Kubelet serving certificate rotation is not turned off
# description: >-
#   Turning the RotateKubeletServerCertificate gate off leaves kubelets serving certificates that expire or are never renewed. CIS Kubernetes 1.3.6.
# custom:
#   id: PLM-CP-0035
#   severity: medium
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Remove RotateKubeletServerCertificate=false from --feature-gates."
package plimsoll.controlplane.controller_manager_rotate_server_cert

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	some gate in split(cp.value("feature-gates"), ",")
	[name, value] := split(trim_space(gate), "=")
	name == "RotateKubeletServerCertificate"
	cp.false_value(value)
	v := cp.at("feature-gates", "turns off RotateKubeletServerCertificate")
}
