# METADATA
# title: Containers do not run as root
# description: >-
#   A container process running as UID 0 is root on the host if it escapes. The image's default user counts when the container sets none (docker-bench looks only at the container). CIS Docker 4.1.
# custom:
#   id: PLM-DKR-0022
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Create a user in the image (USER 10001) or run the container with --user UID:GID."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) with --user UID:GID"}
package plimsoll.docker.root_user

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.runs_as_root
	v := {"msg": sprintf("%s runs as root (user %q)", [docker.container, docker.user]), "path": ["data", "Config", "User"]}
}
