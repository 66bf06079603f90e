# METADATA
# title: Mounts do not use shared propagation
# description: >-
#   With shared mount propagation, mounts made inside the container appear on the host and the other way round. CIS Docker 5.20.
# custom:
#   id: PLM-DKR-0015
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Remove the shared/rshared propagation option from the volume."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without shared propagation on its mounts"}
package plimsoll.docker.mount_propagation

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some i, m in docker.mounts
	m.Propagation in {"shared", "rshared"}
	v := {"msg": sprintf("%s mounts %s with %s propagation", [docker.container, m.Destination, m.Propagation]), "path": ["data", "Mounts", i, "Propagation"]}
}
