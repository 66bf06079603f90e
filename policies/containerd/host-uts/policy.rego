# METADATA
# title: Containers do not share the host's UTS namespace
# description: >-
#   A container in the host UTS namespace can change the host's hostname and domain name. In the spec the uts namespace entry is missing or joined to PID 1's. CIS Docker 5.21.
# custom:
#   id: PLM-CTD-0007
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Remove --uts host."
package plimsoll.containerd.host_uts

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.host_ns("uts")
	v := {"msg": sprintf("%s shares the host's UTS namespace", [containerd.container]), "path": ["spec", "linux", "namespaces"]}
}
