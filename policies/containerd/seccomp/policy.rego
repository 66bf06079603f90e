# METADATA
# title: Containers run with a seccomp profile
# description: >-
#   Without linux.seccomp in the spec (or with a profile whose default action allows every call and lists no rule) the container can make every system call, including the ones kernel exploits use. Note that ctr and nerdctl apply no seccomp profile unless asked. CIS Docker 5.22.
# custom:
#   id: PLM-CTD-0016
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Keep the runtime default seccomp profile (do not pass seccomp=unconfined; seccompProfile: RuntimeDefault in Kubernetes; ctr run --seccomp)."
package plimsoll.containerd.seccomp

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	not containerd.linux.seccomp
	v := {"msg": sprintf("%s runs without a seccomp profile", [containerd.container]), "path": ["spec", "linux"]}
}

deny contains v if {
	containerd.workload
	s := containerd.linux.seccomp
	s.defaultAction == "SCMP_ACT_ALLOW"
	count(object.get(s, "syscalls", [])) == 0
	v := {"msg": sprintf("%s has a seccomp profile that allows every system call", [containerd.container]), "path": ["spec", "linux", "seccomp", "defaultAction"]}
}
