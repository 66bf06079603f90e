# METADATA
# title: Containers have a health check
# description: >-
#   Without a health check the engine (and any orchestrator) cannot tell a hung container from a working one. Judged by configuration, the container's or its image's HEALTHCHECK, not by the presence of a health object (Podman always reports one; docker-bench is fooled by it). A healthcheck of NONE disables the image's. CIS Docker 5.27 and 4.6.
# custom:
#   id: PLM-DKR-0019
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Add a HEALTHCHECK to the image or run the container with --health-cmd."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) with --health-cmd"}
package plimsoll.docker.healthcheck

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	not configured
	v := {"msg": sprintf("%s has no health check (neither the container nor its image defines one)", [docker.container]), "path": ["data", "Config", "Healthcheck"]}
}

configured if {
	test := docker.config.Healthcheck.Test
	count(test) > 0
	test[0] != "NONE"
}

configured if {
	not docker.config.Healthcheck
	test := docker.image_config.Healthcheck.Test
	count(test) > 0
	test[0] != "NONE"
}
