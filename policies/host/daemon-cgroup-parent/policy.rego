# METADATA
# title: The daemon keeps the default cgroup parent
# description: >-
#   A daemon-wide cgroup-parent moves every container out of the default cgroup hierarchy and the limits set on it; it must be a deliberate, reviewed choice. CIS Docker 2.11.
# custom:
#   id: PLM-HOST-0037
#   severity: low
#   kinds: [host/DockerDaemon]
#   remediation: "Remove cgroup-parent from daemon.json (and --cgroup-parent), or waive this check with the reason the cgroup was chosen."
#   command: {"edit-daemon-json": "del(.\"cgroup-parent\")"}
package plimsoll.host.daemon_cgroup_parent

import rego.v1

# Effective daemon settings: a command-line flag wins over daemon.json (dockerd refuses to
# start when both set the same option, so at most one is present in practice).
flag_values(name) := object.get(input.flags, name, [])

config_value(key) := input.config[key] if is_object(input.config)

deny contains v if {
	some value in flag_values("cgroup-parent")
	value != ""
	v := {"msg": sprintf("the daemon puts containers under cgroup parent %s (--cgroup-parent)", [value]), "path": ["flags", "cgroup-parent"]}
}

deny contains v if {
	count(flag_values("cgroup-parent")) == 0
	value := config_value("cgroup-parent")
	value != ""
	v := {"msg": sprintf("the daemon puts containers under cgroup parent %v (daemon.json cgroup-parent)", [value]), "path": ["config", "cgroup-parent"]}
}
