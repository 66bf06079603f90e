# METADATA
# title: The kubelet read-only port is disabled
# description: >-
#   The read-only port (usually 10255) serves pod specs, environment and metrics without any authentication or authorization. CIS Kubernetes 4.2.4, CIS EKS 3.2.4.
# custom:
#   id: PLM-NODE-0004
#   severity: high
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set readOnlyPort: 0 in the kubelet configuration (or --read-only-port=0) and restart the kubelet."
package plimsoll.kubelet.read_only_port

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	port := kubelet.setting("readOnlyPort")
	port > 0
	v := {
		"msg": sprintf("%s serves the unauthenticated read-only API on port %d", [kubelet.node, port]),
		"path": ["readOnlyPort"],
	}
}
