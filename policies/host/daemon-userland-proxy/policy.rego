# METADATA
# title: The userland proxy is disabled
# description: >-
#   The userland proxy (docker-proxy) runs a process per published port and is only needed on kernels without hairpin NAT; off, published ports are handled by iptables alone. CIS Docker 2.17 (v1.8 numbering).
# custom:
#   id: PLM-HOST-0036
#   severity: low
#   kinds: [host/DockerDaemon]
#   remediation: "Set \"userland-proxy\": false in daemon.json."
#   command: {"edit-daemon-json": ".\"userland-proxy\" = false"}
package plimsoll.host.daemon_userland_proxy

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
	v := {"msg": "the daemon runs the userland proxy", "path": ["config", "userland-proxy"]}
}

off if boolean(setting("userland-proxy", "userland-proxy")) == false
