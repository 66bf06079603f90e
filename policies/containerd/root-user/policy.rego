# METADATA
# title: Containers do not run as root
# description: >-
#   The spec's process.user.uid is the user the runtime actually starts, after the image default and any override. UID 0 is root on the host too unless a user namespace maps it to an unprivileged host UID. CIS Docker 4.1.
# custom:
#   id: PLM-CTD-0022
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Run as a non-root user (--user, USER in the image, runAsNonRoot in Kubernetes) or enable user namespaces."
package plimsoll.containerd.root_user

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.uid == 0
	not containerd.root_remapped
	v := {"msg": sprintf("%s runs as root (uid 0)", [containerd.container]), "path": ["spec", "process", "user", "uid"]}
}
