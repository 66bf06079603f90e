# METADATA
# title: Containers do not use the default bridge network (docker0)
# description: >-
#   On the default bridge every container can reach every other one, with no name resolution and no network isolation between applications; user-defined networks isolate them. CIS Docker 5.30, Level 2.
# custom:
#   id: PLM-DKR-0026
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Create a user-defined network per application (docker network create) and attach the containers to it."
package plimsoll.docker.default_bridge

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some name, _ in object.get(input, ["data", "NetworkSettings", "Networks"], {})
	name == "bridge"
	v := {"msg": sprintf("%s is attached to the default bridge network", [docker.container]), "path": ["data", "NetworkSettings", "Networks", "bridge"]}
}

deny contains v if {
	docker.host_config.NetworkMode in {"bridge", "default"}
	not object.get(input, ["data", "NetworkSettings", "Networks"], null)
	v := {"msg": sprintf("%s uses the default bridge network", [docker.container]), "path": ["data", "HostConfig", "NetworkMode"]}
}
