# METADATA
# title: The Docker server certificate key has mode 0400 or more restrictive
# description: >-
#   Looser permissions on the Docker server certificate key let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.14.
# custom:
#   id: PLM-HOST-0014
#   severity: high
#   kinds: [host/File]
#   remediation: "Give the file mode 400 or a more restrictive one."
#   command: "chmod 400 {{name}}"
package plimsoll.host.tls_key_mode

import rego.v1

deny contains v if {
	input.role == "tls-key"
	input.exists == true
	bits.and(input.modeBits, 3839) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0400)", [input.path, input.mode]), "path": ["mode"]}
}
