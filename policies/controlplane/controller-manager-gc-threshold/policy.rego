# METADATA
# title: Terminated pods are garbage-collected at a set threshold
# description: >-
#   The default threshold (12,500 terminated pods) can let terminated pods pile up and degrade the control plane. CIS Kubernetes 1.3.1.
# custom:
#   id: PLM-CP-0030
#   severity: low
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --terminated-pod-gc-threshold to a value fit for the cluster (for example 10)."
package plimsoll.controlplane.controller_manager_gc_threshold

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("terminated-pod-gc-threshold")
	v := cp.at("terminated-pod-gc-threshold", "sets no --terminated-pod-gc-threshold")
}
