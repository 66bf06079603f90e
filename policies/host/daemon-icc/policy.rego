# METADATA
# title: Traffic between containers on the default bridge is restricted
# description: >-
#   With inter-container communication on (the default), every container on the default bridge can reach every port of every other. CIS Docker 2.2.
# custom:
#   id: PLM-HOST-0030
#   severity: medium
#   kinds: [host/DockerDaemon]
#   remediation: "Set \"icc\": false in daemon.json (or --icc=false) and link or network the containers that must talk."
#   command: {"edit-daemon-json": ".icc = false"}
package plimsoll.host.daemon_icc

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
	not off
	v := {"msg": "the daemon allows traffic between containers on the default bridge (icc is not false)", "path": ["config", "icc"]}
}

off if boolean(setting("icc", "icc")) == false
