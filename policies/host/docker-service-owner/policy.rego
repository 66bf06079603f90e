# METADATA
# title: The docker.service unit is owned by root:root
# description: >-
#   Whoever owns the docker.service unit can change it, and with it what the Docker daemon trusts or runs. Absent files pass. CIS Docker 3.1.
# custom:
#   id: PLM-HOST-0001
#   severity: medium
#   kinds: [host/File]
#   remediation: "Make root:root the file's owner and group."
#   command: "chown root:root {{name}}"
package plimsoll.host.docker_service_owner

import rego.v1

deny contains v if {
	input.role == "docker.service"
	input.exists == true
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:root", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "root"
}
