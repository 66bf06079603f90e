# METADATA
# title: Containers have a PIDs limit
# description: >-
#   Without a PIDs limit a fork bomb in one container exhausts the process table of the host. CIS Docker 5.29.
# custom:
#   id: PLM-DKR-0020
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Run the container with --pids-limit (for example 100)."
#   command: "docker update --pids-limit \"${PIDS_LIMIT:?set PIDS_LIMIT, e.g. 100}\" {{name}}"
package plimsoll.docker.pids_limit

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	limit := object.get(docker.host_config, "PidsLimit", null)
	not positive(limit)
	v := {"msg": sprintf("%s has no PIDs limit (%v)", [docker.container, limit]), "path": ["data", "HostConfig", "PidsLimit"]}
}

positive(n) if {
	is_number(n)
	n > 0
}
