# METADATA
# title: Containers add no capabilities beyond the allowed set
# description: >-
#   Added capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container near-root power over the host. Capabilities listed in the dockerAllowedCapabilities parameter are accepted. Docker and Podman spellings (CAP_NET_ADMIN, net_admin) are treated alike. CIS Docker 5.4.
# custom:
#   id: PLM-DKR-0002
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Remove --cap-add from the container, or add the capability to dockerAllowedCapabilities in plimsoll.yaml with the reason it is needed."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --cap-add (or allow the capability)"}
package plimsoll.docker.capabilities

import data.plimsoll.lib.docker
import rego.v1

allowed := {upper(trim_prefix(upper(c), "CAP_")) | some c in object.get(data.config, "dockerAllowedCapabilities", [])}

# Docker's default set: adding one of these explicitly grants nothing the container would
# not have anyway.
defaults := {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

deny contains v if {
	some i, cap in docker.host_config.CapAdd
	name := upper(trim_prefix(upper(cap), "CAP_"))
	not name in allowed
	not name in defaults
	v := {"msg": sprintf("%s adds capability %s", [docker.container, cap]), "path": ["data", "HostConfig", "CapAdd", i]}
}
