# METADATA
# title: The daemon stops containers from gaining new privileges
# description: >-
#   With no-new-privileges set daemon-wide, every container runs with it unless it opts out: setuid binaries and file capabilities cannot raise privileges. CIS Docker 2.15 (v1.8 numbering).
# custom:
#   id: PLM-HOST-0035
#   severity: medium
#   kinds: [host/DockerDaemon]
#   remediation: "Set \"no-new-privileges\": true in daemon.json."
#   command: {"edit-daemon-json": ".\"no-new-privileges\" = true"}
package plimsoll.host.daemon_no_new_privileges

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
	not on
	v := {"msg": "the daemon does not set no-new-privileges for containers", "path": ["config", "no-new-privileges"]}
}

on if boolean(setting("no-new-privileges", "no-new-privileges")) == true
