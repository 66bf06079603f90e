# METADATA
# title: The daemon's log level is info
# description: >-
#   Debug logging records request bodies and secrets and fills the disk; warn and above drop the events an investigation needs. CIS Docker 2.3.
# custom:
#   id: PLM-HOST-0031
#   severity: low
#   kinds: [host/DockerDaemon]
#   remediation: "Remove log-level from daemon.json and --log-level/-D from the command line (info is the default)."
#   command: {"edit-daemon-json": "del(.\"log-level\", .debug)"}
package plimsoll.host.daemon_log_level

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
	level := setting("log-level", "log-level")
	level != "info"
	v := {"msg": sprintf("the daemon logs at level %v", [level]), "path": ["config", "log-level"]}
}

deny contains v if {
	boolean(setting("debug", "debug")) == true
	v := {"msg": "the daemon runs with debug logging", "path": ["config", "debug"]}
}
