# METADATA
# title: Containers do not share the host's IPC namespace
# description: >-
#   A container in the host IPC namespace can read and write the shared memory of every host process. In the spec the ipc namespace entry is missing or joined to PID 1's. CIS Docker 5.17.
# custom:
#   id: PLM-CTD-0006
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Remove --ipc host (hostIPC: true in Kubernetes)."
package plimsoll.containerd.host_ipc

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.host_ns("ipc")
	v := {"msg": sprintf("%s shares the host's IPC namespace", [containerd.container]), "path": ["spec", "linux", "namespaces"]}
}
