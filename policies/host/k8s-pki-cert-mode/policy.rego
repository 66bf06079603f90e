# METADATA
# title: Kubernetes PKI certificates have mode 644 or more restrictive
# description: >-
#   Kubernetes PKI certificates: anyone who can read or change them on the node can read credentials or change how the cluster runs. CIS Kubernetes 1.1.20.
# custom:
#   id: PLM-HOST-0059
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 644 or a more restrictive one."
#   command: "chmod 644 {{name}}"
package plimsoll.host.k8s_pki_cert_mode

import rego.v1

# Only the files of its roles that exist are judged: without one, its control is
# NOT_ASSESSED (the file may be elsewhere, or this is not that kind of node), never passed.
roles := {"pki-cert"}

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
