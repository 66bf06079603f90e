# METADATA
# title: Containers cannot gain new privileges
# description: >-
#   Without process.noNewPrivileges a setuid binary inside the container can raise the privileges of its process. CIS Docker 5.26.
# custom:
#   id: PLM-CTD-0018
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Run with --security-opt no-new-privileges (allowPrivilegeEscalation: false in Kubernetes), or set no-new-privileges in daemon.json."
package plimsoll.containerd.no_new_privileges

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	object.get(containerd.process, "noNewPrivileges", false) != true
	v := {"msg": sprintf("%s can gain new privileges (noNewPrivileges is not set)", [containerd.container]), "path": ["spec", "process"]}
}
