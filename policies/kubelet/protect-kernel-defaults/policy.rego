# METADATA
# title: The kubelet protects the kernel's defaults
# description: >-
#   With protectKernelDefaults the kubelet refuses to start when the kernel's settings differ
#   from what it needs, rather than changing them (vm.overcommit_memory, kernel.panic, ...):
#   a node whose kernel settings were tuned by hand fails loudly instead of running with
#   values no one chose. CIS Kubernetes 4.2.6 in versions before 1.8.
# custom:
#   id: PLM-NODE-0014
#   severity: low
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set protectKernelDefaults: true in the kubelet configuration (or --protect-kernel-defaults), set the kernel parameters it needs in sysctl.d, and restart the kubelet."
package plimsoll.kubelet.protect_kernel_defaults

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	object.get(input, "protectKernelDefaults", false) != true
	v := {
		"msg": sprintf("%s does not protect the kernel's defaults (protectKernelDefaults is not true)", [kubelet.node]),
		"path": ["protectKernelDefaults"],
	}
}
