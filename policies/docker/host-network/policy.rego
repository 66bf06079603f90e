# METADATA
# title: Containers do not share the host's network namespace
# description: >-
#   A container on the host network sees every interface of the host, can bind its ports and reach services listening on localhost. CIS Docker 5.10.
# custom:
#   id: PLM-DKR-0004
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Remove --network host; publish the ports the service needs instead."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --network host"}
package plimsoll.docker.host_network

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.NetworkMode == "host"
	v := {"msg": sprintf("%s shares the host's network namespace (NetworkMode: host)", [docker.container]), "path": ["data", "HostConfig", "NetworkMode"]}
}
