# METADATA
# title: The Docker server certificate is owned by root:root
# description: >-
#   Whoever owns the Docker server certificate can change it, and with it what the Docker daemon trusts or runs. Absent files pass. CIS Docker 3.11.
# custom:
#   id: PLM-HOST-0011
#   severity: medium
#   kinds: [host/File]
#   remediation: "Make root:root the file's owner and group."
#   command: "chown root:root {{name}}"
package plimsoll.host.tls_cert_owner

import rego.v1

deny contains v if {
	input.role == "tls-cert"
	input.exists == true
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:root", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "root"
}
