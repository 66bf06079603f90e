# METADATA
# title: The TLS CA certificate has mode 0444 or more restrictive
# description: >-
#   Looser permissions on the TLS CA certificate let other users read or change it. Setuid, setgid and sticky bits count as looser. Absent files pass. CIS Docker 3.10.
# custom:
#   id: PLM-HOST-0010
#   severity: medium
#   kinds: [host/File]
#   remediation: "Give the file mode 444 or a more restrictive one."
#   command: "chmod 444 {{name}}"
package plimsoll.host.tls_ca_mode

import rego.v1

deny contains v if {
	input.role == "tls-ca"
	input.exists == true
	bits.and(input.modeBits, 3803) != 0
	v := {"msg": sprintf("%s has mode %s (at most 0444)", [input.path, input.mode]), "path": ["mode"]}
}
