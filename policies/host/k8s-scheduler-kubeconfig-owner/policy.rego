# METADATA
# title: The scheduler's kubeconfig is owned by root:root
# description: >-
#   The scheduler's kubeconfig: an owner other than root:root can change them. CIS Kubernetes 1.1.16.
# custom:
#   id: PLM-HOST-0055
#   severity: high
#   kinds: [host/File]
#   remediation: "Make root:root the file's owner and group."
#   command: "chown root:root {{name}}"
package plimsoll.host.k8s_scheduler_kubeconfig_owner

import rego.v1

# Only the files of its roles that exist are judged: without one, its control is
# NOT_ASSESSED (the file may be elsewhere, or this is not that kind of node), never passed.
roles := {"scheduler.conf"}

applies if {
	input.exists == true
	some role in object.get(input, "roles", [input.role])
	role in roles
}

not_applicable if not applies

deny contains v if {
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:root", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "root"
}
