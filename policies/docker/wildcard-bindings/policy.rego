# METADATA
# title: Published ports are bound to a specific host interface
# description: >-
#   A port published without a host address listens on every interface of the host, IPv4 and IPv6, including public ones. Requested bindings of created containers count as well as the effective bindings of running ones; an IPv6 wildcard ([::]) is a wildcard too (docker-bench misses it). CIS Docker 5.14.
# custom:
#   id: PLM-DKR-0012
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Publish ports on one address: -p 10.0.0.5:8080:80 (or 127.0.0.1 for local access)."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) publishing its ports on one address (-p 10.0.0.5:8080:80)"}
package plimsoll.docker.wildcard_bindings

import data.plimsoll.lib.docker
import rego.v1

# One finding per container port, whatever the number of addresses Docker lists for it
# (PortBindings' "" and NetworkSettings' 0.0.0.0 and :: are the same publication).
deny contains v if {
	some cport in {b.container | some b in docker.bindings; docker.wildcard_ip(b.ip)}
	ports := {b.port | some b in docker.bindings; b.container == cport; docker.wildcard_ip(b.ip)}
	v := {"msg": sprintf("%s publishes %s on every interface (host port %s)", [docker.container, cport, concat(", ", sort(ports))]), "path": ["data", "HostConfig", "PortBindings", cport]}
}
