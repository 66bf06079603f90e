# METADATA
# title: The kubelet applies the RuntimeDefault seccomp profile by default
# description: >-
#   With seccompDefault the kubelet runs every container without an explicit profile under the runtime's default seccomp filter instead of Unconfined. CIS Kubernetes 4.2.14.
# custom:
#   id: PLM-NODE-0013
#   severity: low
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set seccompDefault: true (or --seccomp-default) and restart the kubelet; test workloads first, a few need syscalls the default profile blocks."
package plimsoll.kubelet.seccomp_default

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	not kubelet.setting("seccompDefault") == true
	v := {
		"msg": sprintf("%s runs containers without a seccomp profile as Unconfined (seccompDefault is not true)", [kubelet.node]),
		"path": ["seccompDefault"],
	}
}
