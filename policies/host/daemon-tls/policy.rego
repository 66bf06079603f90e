# METADATA
# title: A daemon listening on TCP requires TLS client authentication
# description: >-
#   A Docker API on a TCP port without --tlsverify and certificates is root access for anyone who can reach the port. CIS Docker 2.8 (v1.8 numbering).
# custom:
#   id: PLM-HOST-0034
#   severity: critical
#   kinds: [host/DockerDaemon]
#   remediation: "Set tlsverify, tlscacert, tlscert and tlskey in daemon.json (or listen on the unix socket only)."
#   command: {"manual": "the CA, certificate and key are yours to issue: set tlsverify, tlscacert, tlscert and tlskey in daemon.json, or listen on the unix socket only"}
package plimsoll.host.daemon_tls

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

hosts contains h if {
	some h in object.get(input.flags, "host", [])
}

hosts contains h if {
	is_object(input.config)
	some h in object.get(input.config, "hosts", [])
}

deny contains v if {
	some h in hosts
	startswith(h, "tcp://")
	not verified
	v := {"msg": sprintf("the daemon listens on %s without TLS client verification", [h]), "path": ["config", "tlsverify"]}
}

verified if {
	boolean(setting("tlsverify", "tlsverify")) == true
	setting("tlscacert", "tlscacert")
	setting("tlscert", "tlscert")
	setting("tlskey", "tlskey")
}
