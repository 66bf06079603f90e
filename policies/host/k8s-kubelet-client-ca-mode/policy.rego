# METADATA
# title: The kubelet's client CA file has mode 644 or more restrictive
# description: >-
#   The kubelet's client CA file: anyone who can read or change them on the node can read credentials or change how the cluster runs. CIS Kubernetes 4.1.7.
# custom:
#   id: PLM-HOST-0067
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 644 or a more restrictive one."
#   command: "chmod 644 {{name}}"
package plimsoll.host.k8s_kubelet_client_ca_mode

import rego.v1

# Only the files of its roles that exist are judged: without one, its control is
# NOT_ASSESSED (the file may be elsewhere, or this is not that kind of node), never passed.
roles := {"kubelet-client-ca"}

applies if {
	input.exists == true
	some role in object.get(input, "roles", [input.role])
	role in roles
}

not_applicable if not applies

deny contains v if {
	bits.and(input.modeBits, 3675) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0644)", [input.path, input.mode]), "path": ["mode"]}
}
