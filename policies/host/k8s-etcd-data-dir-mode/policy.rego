# METADATA
# title: The etcd data directory has mode 700 or more restrictive
# description: >-
#   The etcd data directory: anyone who can read or change them on the node can read credentials or change how the cluster runs. CIS Kubernetes 1.1.11.
# custom:
#   id: PLM-HOST-0050
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 700 or a more restrictive one."
#   command: "chmod 700 {{name}}"
package plimsoll.host.k8s_etcd_data_dir_mode

import rego.v1

# Only the files of its roles that exist are judged: without one, its control is
# NOT_ASSESSED (the file may be elsewhere, or this is not that kind of node), never passed.
roles := {"etcd-data-dir"}

applies if {
	input.exists == true
	some role in object.get(input, "roles", [input.role])
	role in roles
}

not_applicable if not applies

deny contains v if {
	bits.and(input.modeBits, 3647) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0700)", [input.path, input.mode]), "path": ["mode"]}
}
