# METADATA
# title: The docker.service unit has mode 0644 or more restrictive
# description: >-
#   Looser permissions on the docker.service unit let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.2.
# custom:
#   id: PLM-HOST-0002
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 644 or a more restrictive one."
#   command: "chmod 644 {{name}}"
package plimsoll.host.docker_service_mode

import rego.v1

deny contains v if {
	input.role == "docker.service"
	input.exists == true
	bits.and(input.modeBits, 3675) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0644)", [input.path, input.mode]), "path": ["mode"]}
}
