# METADATA
# title: Containers cannot gain new privileges
# description: >-
#   Without no-new-privileges, setuid and setgid binaries and file capabilities inside the container can raise the privileges of a process. The daemon-wide setting (daemon.json "no-new-privileges": true, or the flag) also satisfies this; it is visible when the host is read with --host-root. CIS Docker 5.26.
# custom:
#   id: PLM-DKR-0018
#   severity: medium
#   kinds: [docker/Container]
#   inventory: [host/DockerDaemon]
#   remediation: "Run the container with --security-opt no-new-privileges (or set it daemon-wide)."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) with --security-opt no-new-privileges"}
package plimsoll.docker.no_new_privileges

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	not has_nnp
	not daemon_wide
	v := {"msg": sprintf("%s does not set no-new-privileges (nor does the daemon)", [docker.container]), "path": ["data", "HostConfig", "SecurityOpt"]}
}

# The daemon sets it for every container (host collector, --host-root).
daemon_wide if {
	some d in object.get(data.inventory, "host/DockerDaemon", [])
	nnp_setting(d)
}

nnp_setting(d) if {
	some f in object.get(d.flags, "no-new-privileges", [])
	f in {true, "true"}
}

nnp_setting(d) if {
	count(object.get(d.flags, "no-new-privileges", [])) == 0
	is_object(d.config)
	d.config["no-new-privileges"] == true
}

has_nnp if {
	some opt in docker.security_opts
	regex.match(`^no-new-privileges(=true|:true)?$`, opt)
}
