# METADATA
# title: The daemon keeps the default base device size
# description: >-
#   dm.basesize grows every container's base device under the devicemapper driver; raised before it is needed it lets containers fill the thin pool, and it cannot be lowered without recreating the pool. CIS Docker 2.12.
# custom:
#   id: PLM-HOST-0038
#   severity: low
#   kinds: [host/DockerDaemon]
#   remediation: "Remove dm.basesize from storage-opts in daemon.json (and --storage-opt) until a workload needs more."
#   command: {"edit-daemon-json": ".\"storage-opts\" |= ((. // []) | map(select(startswith(\"dm.basesize\") | not)))"}
package plimsoll.host.daemon_base_device_size

import rego.v1

# Effective daemon settings: a command-line flag wins over daemon.json (dockerd refuses to
# start when both set the same option, so at most one is present in practice).
flag_values(name) := object.get(input.flags, name, [])

config_value(key) := input.config[key] if is_object(input.config)

deny contains v if {
	some opt in flag_values("storage-opt")
	startswith(lower(trim_space(opt)), "dm.basesize")
	v := {"msg": sprintf("the daemon changes the base device size (--storage-opt %s)", [opt]), "path": ["flags", "storage-opt"]}
}

deny contains v if {
	some opt in object.get(input.config, "storage-opts", [])
	is_string(opt)
	startswith(lower(trim_space(opt)), "dm.basesize")
	v := {"msg": sprintf("the daemon changes the base device size (daemon.json storage-opts %s)", [opt]), "path": ["config", "storage-opts"]}
}
