# METADATA
# title: The /etc/docker directory has mode 0755 or more restrictive
# description: >-
#   Looser permissions on the /etc/docker directory let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.6.
# custom:
#   id: PLM-HOST-0006
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 755 or a more restrictive one."
#   command: "chmod 755 {{name}}"
package plimsoll.host.docker_config_dir_mode

import rego.v1

deny contains v if {
	input.role == "docker-config-dir"
	input.exists == true
	bits.and(input.modeBits, 3602) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0755)", [input.path, input.mode]), "path": ["mode"]}
}
