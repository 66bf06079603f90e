# METADATA
# title: The etcd data directory is owned by etcd:etcd
# description: >-
#   The etcd data directory: an owner other than etcd:etcd can change them. CIS Kubernetes 1.1.12.
# custom:
#   id: PLM-HOST-0051
#   severity: medium
#   kinds: [host/File]
#   remediation: "Make etcd:etcd the file's owner and group."
#   command: "chown etcd:etcd {{name}}"
package plimsoll.host.k8s_etcd_data_dir_owner

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
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not etcd:etcd", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "etcd"
	input.group == "etcd"
}
