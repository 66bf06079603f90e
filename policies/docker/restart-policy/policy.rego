# METADATA
# title: Containers restart on failure at most 5 times
# description: >-
#   A container that restarts without bound (always, unless-stopped, or on-failure without a maximum) can hide a crash loop and keep an exploited process coming back. The CIS audit names --restart always as not compliant (docker-bench passes it). CIS Docker 5.15.
# custom:
#   id: PLM-DKR-0013
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Use --restart on-failure:5 (or no restart policy)."
#   command: "docker update --restart on-failure:5 {{name}}"
package plimsoll.docker.restart_policy

import data.plimsoll.lib.docker
import rego.v1

policy := object.get(docker.host_config, "RestartPolicy", {})

deny contains v if {
	policy.Name in {"always", "unless-stopped"}
	v := {"msg": sprintf("%s restarts %s", [docker.container, policy.Name]), "path": ["data", "HostConfig", "RestartPolicy", "Name"]}
}

deny contains v if {
	policy.Name == "on-failure"
	count := object.get(policy, "MaximumRetryCount", 0)
	not between(count)
	v := {"msg": sprintf("%s restarts on failure %d times (0 = without bound; at most 5)", [docker.container, count]), "path": ["data", "HostConfig", "RestartPolicy", "MaximumRetryCount"]}
}

between(n) if {
	n > 0
	n <= 5
}
