# METADATA
# title: Pods get the cluster CA to verify the API server
# description: >-
#   Without --root-ca-file pods cannot verify the API server's certificate and may be talking to an impostor. CIS Kubernetes 1.3.5.
# custom:
#   id: PLM-CP-0034
#   severity: medium
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --root-ca-file to the cluster CA."
package plimsoll.controlplane.controller_manager_root_ca

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("root-ca-file")
	v := cp.at("root-ca-file", "sets no --root-ca-file")
}
