# METADATA
# title: Docker may manage iptables
# description: >-
#   With iptables management off, Docker's port publishing and network isolation rules are missing or must be kept in sync by hand. CIS Docker 2.4.
# custom:
#   id: PLM-HOST-0032
#   severity: medium
#   kinds: [host/DockerDaemon]
#   remediation: "Remove \"iptables\": false from daemon.json (and --iptables=false)."
#   command: {"edit-daemon-json": "del(.iptables)"}
package plimsoll.host.daemon_iptables

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
	boolean(setting("iptables", "iptables")) == false
	v := {"msg": "the daemon does not manage iptables (iptables: false)", "path": ["config", "iptables"]}
}
