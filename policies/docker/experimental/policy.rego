# METADATA
# title: Experimental features are off
# description: >-
#   Experimental features are unsupported and change without notice; they do not belong on a production engine. CIS Docker 2.19 (v1.8 numbering).
# custom:
#   id: PLM-DKR-0032
#   severity: medium
#   kinds: [docker/Engine]
#   remediation: "Remove \"experimental\": true from daemon.json (or --experimental)."
#   command: {"edit-daemon-json": "del(.experimental)"}
package plimsoll.docker.experimental

import rego.v1

# Podman's compatible API reports ExperimentalBuild: true as a constant; it has no
# experimental mode.
deny contains v if {
	input.info.ExperimentalBuild == true
	object.get(input, "runtime", "docker") != "podman"
	v := {"msg": sprintf("engine %s runs with experimental features", [input.metadata.name]), "path": ["info", "ExperimentalBuild"]}
}

deny contains v if {
	input.version.Experimental == true
	not input.info.ExperimentalBuild
	v := {"msg": sprintf("engine %s runs with experimental features", [input.metadata.name]), "path": ["version", "Experimental"]}
}
