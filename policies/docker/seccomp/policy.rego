# METADATA
# title: Containers keep the default seccomp profile
# description: >-
#   seccomp=unconfined lets the container make every system call, including the rarely needed ones most kernel exploits use. CIS Docker 5.22.
# custom:
#   id: PLM-DKR-0016
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Remove --security-opt seccomp=unconfined; use a custom profile if the default blocks a call the application needs."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without seccomp=unconfined"}
package plimsoll.docker.seccomp

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some i, opt in docker.security_opts
	regex.match(`^seccomp[=:]unconfined$`, opt)
	v := {"msg": sprintf("%s runs without seccomp (%s)", [docker.container, opt]), "path": ["data", "HostConfig", "SecurityOpt", i]}
}
