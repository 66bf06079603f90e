# METADATA
# title: Containers have a CPU share or limit
# description: >-
#   Without CPU shares, a CPU quota or a CPU limit every container competes equally for the host CPU, and a busy one starves the rest. CIS Docker 5.12.
# custom:
#   id: PLM-DKR-0010
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Run the container with --cpu-shares, --cpus or --cpu-quota."
#   command: "docker update --cpus \"${CPUS:?set CPUS to the limit, e.g. 1.5}\" {{name}}"
package plimsoll.docker.cpu_priority

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	no_shares
	object.get(docker.host_config, "NanoCpus", 0) <= 0
	object.get(docker.host_config, "CpuQuota", 0) <= 0
	v := {"msg": sprintf("%s has no CPU shares, quota or limit", [docker.container]), "path": ["data", "HostConfig", "CpuShares"]}
}

# 1024 is the default weight: CIS 5.12 reads it as no shares set.
no_shares if object.get(docker.host_config, "CpuShares", 0) <= 0

no_shares if object.get(docker.host_config, "CpuShares", 0) == 1024
