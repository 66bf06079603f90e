# METADATA
# title: Containers run with an AppArmor profile where the host supports AppArmor
# description: >-
#   On a host with AppArmor, a container without a profile (or with unconfined) loses the confinement of file, network and capability use that docker-default gives. Evaluated only when the engine reports AppArmor support: on a host without it, the control does not apply (docker-bench fails every container there). CIS Docker 5.2.
# custom:
#   id: PLM-DKR-0024
#   severity: medium
#   kinds: [docker/Container]
#   inventory: [docker/Engine]
#   remediation: "Remove --security-opt apparmor=unconfined; run with the default or a custom profile."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without apparmor=unconfined"}
package plimsoll.docker.apparmor

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.engine_has("apparmor")
	profile := object.get(input, ["data", "AppArmorProfile"], "")
	profile in {"", "unconfined"}
	v := {"msg": sprintf("%s has no AppArmor profile (%q) on a host with AppArmor", [docker.container, profile]), "path": ["data", "AppArmorProfile"]}
}
