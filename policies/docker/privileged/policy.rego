# METADATA
# title: Containers do not run privileged
# description: >-
#   A privileged container has every capability, all host devices and no seccomp or AppArmor confinement: it is root on the host. Created containers count too: they run privileged the moment they start. CIS Docker 5.5.
# custom:
#   id: PLM-DKR-0001
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Recreate the container without --privileged; grant the single capability or device it needs instead."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --privileged"}
package plimsoll.docker.privileged

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.Privileged == true
	v := {"msg": sprintf("%s runs privileged", [docker.container]), "path": ["data", "HostConfig", "Privileged"]}
}
