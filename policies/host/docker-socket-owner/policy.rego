# METADATA
# title: The docker.socket unit is owned by root:root
# description: >-
#   Whoever owns the docker.socket unit can change it, and with it what the Docker daemon trusts or runs. Absent files pass. CIS Docker 3.3.
# custom:
#   id: PLM-HOST-0003
#   severity: high
#   kinds: [host/File]
#   remediation: "Make root:root the file's owner and group."
#   command: "chown root:root {{name}}"
package plimsoll.host.docker_socket_owner

import rego.v1

deny contains v if {
	input.role == "docker.socket"
	input.exists == true
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:root", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "root"
}
