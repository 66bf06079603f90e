# METADATA
# title: Containers do not share the host's UTS namespace
# description: >-
#   A container in the host UTS namespace can change the host's hostname. CIS Docker 5.21.
# custom:
#   id: PLM-DKR-0007
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Remove --uts host."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --uts host"}
package plimsoll.docker.host_uts

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.UTSMode == "host"
	v := {"msg": sprintf("%s shares the host's UTS namespace (UTSMode: host)", [docker.container]), "path": ["data", "HostConfig", "UTSMode"]}
}
