# METADATA
# title: Containers do not use the default bridge network (docker0)
# description: >-
#   On the default bridge every container can reach every other one, with no name resolution and no network isolation between applications; user-defined networks isolate them. A daemon run with --bridge=none has no default bridge: its containers' empty `bridge` entry is no network, and nothing is reported. CIS Docker 5.30, Level 2.
# custom:
#   id: PLM-DKR-0026
#   severity: low
#   kinds: [docker/Container]
#   inventory: [docker/Network]
#   remediation: "Create a user-defined network per application (docker network create) and attach the containers to it."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) on a user-defined network (--network NAME)"}
package plimsoll.docker.default_bridge

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some name, net in object.get(input, ["data", "NetworkSettings", "Networks"], {})
	name == "bridge"
	# With --bridge=none the entry is there but joined to no network.
	object.get(net, "NetworkID", "") != ""
	v := {"msg": sprintf("%s is attached to the default bridge network", [docker.container]), "path": ["data", "NetworkSettings", "Networks", "bridge"]}
}

deny contains v if {
	docker.host_config.NetworkMode in {"bridge", "default"}
	# Created, never started: no network joined yet, the mode says which it will be.
	count(object.get(input, ["data", "NetworkSettings", "Networks"], {})) == 0
	default_bridge_exists
	v := {"msg": sprintf("%s uses the default bridge network", [docker.container]), "path": ["data", "HostConfig", "NetworkMode"]}
}

# The engine has a default bridge (dockerd without --bridge=none).
default_bridge_exists if {
	some n in data.inventory["docker/Network"]
	object.get(n, ["data", "Name"], "") == "bridge"
}
