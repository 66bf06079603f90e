# METADATA
# title: Containers do not publish privileged host ports
# description: >-
#   Host ports below 1024 are reserved for system services; publishing one from a container puts it where clients trust a system service. CIS Docker 5.8.
# custom:
#   id: PLM-DKR-0023
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Publish the service on a port of 1024 or above, behind a load balancer or proxy if it must be reached on 80/443."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) publishing a host port of 1024 or above"}
package plimsoll.docker.privileged_ports

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some b in docker.bindings
	port := to_number(b.port)
	port > 0
	port < 1024
	v := {"msg": sprintf("%s publishes %s on privileged host port %d", [docker.container, b.container, port]), "path": ["data", "HostConfig", "PortBindings", b.container]}
}
