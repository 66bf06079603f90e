# METADATA
# title: Containers do not share the host's process namespace
# description: >-
#   A container in the host PID namespace sees and can signal every process of the host and read their environment. In the spec the pid namespace entry is missing or joined to PID 1's. CIS Docker 5.16.
# custom:
#   id: PLM-CTD-0005
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Remove --pid host (hostPID: true in Kubernetes)."
package plimsoll.containerd.host_pid

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.host_ns("pid")
	v := {"msg": sprintf("%s shares the host's process namespace", [containerd.container]), "path": ["spec", "linux", "namespaces"]}
}
