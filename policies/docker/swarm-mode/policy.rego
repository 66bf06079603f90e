# METADATA
# title: Swarm mode is off unless the host is a swarm node
# description: >-
#   An active swarm opens management ports (2377, 7946, 4789) and keeps cluster secrets on the host; a standalone engine should not have it on. CIS Docker 5.1.
# custom:
#   id: PLM-DKR-0033
#   severity: low
#   kinds: [docker/Engine]
#   remediation: "docker swarm leave (or waive this check for hosts that are swarm nodes)."
#   command: "docker swarm leave"
package plimsoll.docker.swarm_mode

import rego.v1

deny contains v if {
	state := object.get(input.info, ["Swarm", "LocalNodeState"], "inactive")
	state in {"active", "pending", "locked"}
	v := {"msg": sprintf("engine %s is in swarm mode (%s)", [input.metadata.name, state]), "path": ["info", "Swarm", "LocalNodeState"]}
}
