# METADATA
# title: Containers do not run privileged
# description: >-
#   The OCI spec of a privileged container allows every device and grants CAP_SYS_ADMIN with the full capability set: it is root on the host. Found from the spec, so it holds for Docker, nerdctl, ctr and Kubernetes containers alike. CIS Docker 5.5.
# custom:
#   id: PLM-CTD-0001
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Recreate the container without --privileged (privileged: false in Kubernetes); grant the single capability or device it needs instead."
package plimsoll.containerd.privileged

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.privileged
	v := {"msg": sprintf("%s is privileged: every device is allowed and it holds CAP_SYS_ADMIN", [containerd.container]), "path": ["spec", "linux", "resources", "devices"]}
}
