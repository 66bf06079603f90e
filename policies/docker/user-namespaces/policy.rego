# METADATA
# title: User namespace remapping is enabled
# description: >-
#   With userns-remap, root in a container is an unprivileged user on the host, which turns most container escapes into non-events. CIS Docker 2.10 (v1.8 numbering), Level 2.
# custom:
#   id: PLM-DKR-0036
#   severity: low
#   kinds: [docker/Engine]
#   remediation: "Set \"userns-remap\": \"default\" in daemon.json (check volume ownership first)."
#   command: {"edit-daemon-json": ".\"userns-remap\" = \"default\""}
package plimsoll.docker.user_namespaces

import rego.v1

deny contains v if {
	not remapped
	v := {"msg": sprintf("engine %s does not remap user namespaces", [input.metadata.name]), "path": ["info", "SecurityOptions"]}
}

remapped if {
	some opt in object.get(input.info, "SecurityOptions", [])
	startswith(opt, "name=userns")
}
