# METADATA
# title: /etc/sysconfig/docker has mode 0644 or more restrictive
# description: >-
#   Looser permissions on /etc/sysconfig/docker let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.21.
# custom:
#   id: PLM-HOST-0022
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 644 or a more restrictive one."
#   command: "chmod 644 {{name}}"
package plimsoll.host.etc_sysconfig_docker_mode

import rego.v1

deny contains v if {
	input.role == "etc-sysconfig-docker"
	input.exists == true
	bits.and(input.modeBits, 3675) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0644)", [input.path, input.mode]), "path": ["mode"]}
}
