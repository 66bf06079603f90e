# METADATA
# title: Containers keep SELinux labels where the host enforces SELinux
# description: >-
#   label=disable (added by Docker for --privileged, --pid host and --ipc host) turns SELinux separation off for the container. Any other security option is not SELinux confinement: docker-bench passes a container for having any SecurityOpt at all. Evaluated only when the engine reports SELinux support. CIS Docker 5.3.
# custom:
#   id: PLM-DKR-0025
#   severity: medium
#   kinds: [docker/Container]
#   inventory: [docker/Engine]
#   remediation: "Remove --security-opt label=disable (and the host namespace options that add it); set label=type:... only with a reviewed policy."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without label=disable"}
package plimsoll.docker.selinux

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.engine_has("selinux")
	some i, opt in docker.security_opts
	regex.match(`^label[=:]disable$`, opt)
	v := {"msg": sprintf("%s disables SELinux labelling (%s)", [docker.container, opt]), "path": ["data", "HostConfig", "SecurityOpt", i]}
}

deny contains v if {
	docker.engine_has("selinux")
	object.get(input, ["data", "ProcessLabel"], "") == ""
	not disabled
	v := {"msg": sprintf("%s has no SELinux process label", [docker.container]), "path": ["data", "ProcessLabel"]}
}

disabled if {
	some opt in docker.security_opts
	regex.match(`^label[=:]disable$`, opt)
}
