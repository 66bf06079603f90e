# METADATA
# title: Containers do not share the host's user namespace
# description: >-
#   With user namespace remapping on, --userns host puts the container back into the host user namespace: root in it is root on the host. CIS Docker 5.31.
# custom:
#   id: PLM-DKR-0008
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Remove --userns host."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --userns host"}
package plimsoll.docker.host_userns

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.UsernsMode == "host"
	v := {"msg": sprintf("%s shares the host's user namespace (UsernsMode: host)", [docker.container]), "path": ["data", "HostConfig", "UsernsMode"]}
}
