# METADATA
# title: Daemon.json has mode 0644 or more restrictive
# description: >-
#   Looser permissions on daemon.json let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.18.
# custom:
#   id: PLM-HOST-0018
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 644 or a more restrictive one."
#   command: "chmod 644 {{name}}"
package plimsoll.host.daemon_json_mode

import rego.v1

deny contains v if {
	input.role == "daemon.json"
	input.exists == true
	bits.and(input.modeBits, 3675) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0644)", [input.path, input.mode]), "path": ["mode"]}
}
