# METADATA
# title: Containers cannot gain new privileges
# description: >-
#   Without no-new-privileges, setuid and setgid binaries and file capabilities inside the container can raise the privileges of a process. The daemon-wide setting (daemon.json "no-new-privileges") also satisfies this, but is only visible with the host collector. CIS Docker 5.26.
# custom:
#   id: PLM-DKR-0018
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Run the container with --security-opt no-new-privileges (or set it daemon-wide)."
package plimsoll.docker.no_new_privileges

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	not has_nnp
	v := {"msg": sprintf("%s does not set no-new-privileges", [docker.container]), "path": ["data", "HostConfig", "SecurityOpt"]}
}

has_nnp if {
	some opt in docker.security_opts
	regex.match(`^no-new-privileges(=true|:true)?$`, opt)
}
