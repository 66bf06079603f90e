# METADATA
# title: Published ports are bound to a specific host interface
# description: >-
#   A port published without a host address listens on every interface of the host, IPv4 and IPv6, including public ones. Requested bindings of created containers count as well as the effective bindings of running ones; an IPv6 wildcard ([::]) is a wildcard too (docker-bench misses it). CIS Docker 5.14.
# custom:
#   id: PLM-DKR-0012
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Publish ports on one address: -p 10.0.0.5:8080:80 (or 127.0.0.1 for local access)."
package plimsoll.docker.wildcard_bindings

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some b in docker.bindings
	docker.wildcard_ip(b.ip)
	v := {"msg": sprintf("%s publishes %s on every interface (host port %s, address %q)", [docker.container, b.container, b.port, b.ip]), "path": ["data", "HostConfig", "PortBindings", b.container]}
}
