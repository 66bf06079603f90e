# METADATA
# title: Containers use the default cgroup parent
# description: >-
#   A custom --cgroup-parent moves the container out of the daemon's cgroup and its resource limits; it must be a deliberate, reviewed choice. CIS Docker 5.25.
# custom:
#   id: PLM-DKR-0017
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Remove --cgroup-parent unless the cgroup is set up for it."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --cgroup-parent"}
package plimsoll.docker.cgroup_parent

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	parent := object.get(docker.host_config, "CgroupParent", "")
	parent != ""
	v := {"msg": sprintf("%s uses cgroup parent %s", [docker.container, parent]), "path": ["data", "HostConfig", "CgroupParent"]}
}
