# METADATA
# title: The controller manager's kubeconfig has mode 600 or more restrictive
# description: >-
#   The controller manager's kubeconfig: anyone who can read or change them on the node can read credentials or change how the cluster runs. CIS Kubernetes 1.1.17.
# custom:
#   id: PLM-HOST-0056
#   severity: high
#   kinds: [host/File]
#   remediation: "Give the file mode 600 or a more restrictive one."
#   command: "chmod 600 {{name}}"
package plimsoll.host.k8s_controller_manager_kubeconfig_mode

import rego.v1

# Only the files of its roles that exist are judged: without one, its control is
# NOT_ASSESSED (the file may be elsewhere, or this is not that kind of node), never passed.
roles := {"controller-manager.conf"}

applies if {
	input.exists == true
	some role in object.get(input, "roles", [input.role])
	role in roles
}

not_applicable if not applies

deny contains v if {
	bits.and(input.modeBits, 3711) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0600)", [input.path, input.mode]), "path": ["mode"]}
}
