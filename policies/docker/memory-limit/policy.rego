# METADATA
# title: Containers have a memory limit
# description: >-
#   Without a memory limit one container can exhaust the host memory and get other containers or the daemon killed. CIS Docker 5.11.
# custom:
#   id: PLM-DKR-0009
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Run the container with --memory (and --memory-swap)."
#   command: "docker update --memory \"${MEMORY:?set MEMORY to the limit, e.g. 512m}\" --memory-swap \"$MEMORY\" {{name}}"
package plimsoll.docker.memory_limit

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	object.get(docker.host_config, "Memory", 0) <= 0
	v := {"msg": sprintf("%s has no memory limit", [docker.container]), "path": ["data", "HostConfig", "Memory"]}
}
