# METADATA
# title: The kubelet limits process IDs per pod
# description: >-
#   Without podPidsLimit one pod can fork until the node runs out of process IDs, taking every other pod on the node down with it. CIS Kubernetes 4.2.13.
# custom:
#   id: PLM-NODE-0012
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: Set podPidsLimit to a positive number suited to the workloads (for example 4096) and restart the kubelet.
package plimsoll.kubelet.pod_pids_limit

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	limit := kubelet.setting("podPidsLimit")
	limit <= 0
	v := {
		"msg": sprintf("%s does not limit process IDs per pod (podPidsLimit: %v)", [kubelet.node, limit]),
		"path": ["podPidsLimit"],
	}
}
