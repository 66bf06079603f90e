# METADATA
# title: The Docker socket has mode 0660 or more restrictive
# description: >-
#   Looser permissions on the Docker socket let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.16.
# custom:
#   id: PLM-HOST-0016
#   severity: high
#   kinds: [host/File]
#   remediation: "Give the file mode 660 or a more restrictive one."
#   command: "chmod 660 {{name}}"
package plimsoll.host.docker_sock_mode

import rego.v1

deny contains v if {
	input.role == "docker.sock"
	input.exists == true
	bits.and(input.modeBits, 3663) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0660)", [input.path, input.mode]), "path": ["mode"]}
}
