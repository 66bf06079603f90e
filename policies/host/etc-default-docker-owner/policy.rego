# METADATA
# title: /etc/default/docker is owned by root:root
# description: >-
#   Whoever owns /etc/default/docker can change it, and with it what the Docker daemon trusts or runs. Absent files pass. CIS Docker 3.19.
# custom:
#   id: PLM-HOST-0019
#   severity: medium
#   kinds: [host/File]
#   remediation: "Make root:root the file's owner and group."
#   command: "chown root:root {{name}}"
package plimsoll.host.etc_default_docker_owner

import rego.v1

deny contains v if {
	input.role == "etc-default-docker"
	input.exists == true
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:root", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "root"
}
