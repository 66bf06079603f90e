# METADATA
# title: The Docker socket is owned by root:docker
# description: >-
#   Whoever owns the Docker socket can change it, and with it what the Docker daemon trusts or runs. Absent files pass. CIS Docker 3.15.
# custom:
#   id: PLM-HOST-0015
#   severity: high
#   kinds: [host/File]
#   remediation: "Make root:docker the file's owner and group."
#   command: "chown root:docker {{name}}"
package plimsoll.host.docker_sock_owner

import rego.v1

deny contains v if {
	input.role == "docker.sock"
	input.exists == true
	not owned
	v := {"msg": sprintf("%s is owned by %s:%s, not root:docker", [input.path, input.user, input.group]), "path": ["user"]}
}

owned if {
	input.user == "root"
	input.group == "docker"
}
