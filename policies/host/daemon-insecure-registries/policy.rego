# METADATA
# title: No insecure registries are configured
# description: >-
#   An insecure registry is reached over plain HTTP or unverified TLS: anyone on the path can serve any image. CIS Docker 2.5.
# custom:
#   id: PLM-HOST-0033
#   severity: high
#   kinds: [host/DockerDaemon]
#   remediation: "Remove insecure-registries from daemon.json (and --insecure-registry); give the registry a trusted certificate."
#   command: {"edit-daemon-json": "del(.\"insecure-registries\")"}
package plimsoll.host.daemon_insecure_registries

import rego.v1

# Effective daemon settings: a command-line flag wins over daemon.json (dockerd refuses to
# start when both set the same option, so at most one is present in practice).
flag(name) := input.flags[name][count(input.flags[name]) - 1] if count(object.get(input.flags, name, [])) > 0

setting(name, key) := flag(name) if count(object.get(input.flags, name, [])) > 0

setting(name, key) := input.config[key] if {
	count(object.get(input.flags, name, [])) == 0
	is_object(input.config)
	not is_null(object.get(input.config, key, null))
}

# true / false from a flag ("false", true) or a JSON boolean.
boolean(v) := false if v in {false, "false", "0"}

boolean(v) := true if v in {true, "true", "1"}

deny contains v if {
	some r in object.get(input.flags, "insecure-registry", [])
	v := {"msg": sprintf("the daemon trusts insecure registry %v", [r]), "path": ["flags", "insecure-registry"]}
}

deny contains v if {
	is_object(input.config)
	some r in object.get(input.config, "insecure-registries", [])
	v := {"msg": sprintf("the daemon trusts insecure registry %v", [r]), "path": ["config", "insecure-registries"]}
}
