# METADATA
# title: Containers hold no capabilities beyond the runtime default and the allowed set
# description: >-
#   Capabilities in the spec's bounding set beyond the 14 the runtimes grant by default (CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP) give near-root power over the host. Capabilities listed in the dockerAllowedCapabilities parameter are accepted. Privileged containers are reported by PLM-CTD-0001 instead. CIS Docker 5.4.
# custom:
#   id: PLM-CTD-0002
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Remove the added capability (--cap-add, securityContext.capabilities.add), or add it to dockerAllowedCapabilities in plimsoll.yaml with the reason it is needed."
package plimsoll.containerd.capabilities

import data.plimsoll.lib.containerd
import rego.v1

default_caps := {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

allowed := {upper(trim_prefix(upper(c), "CAP_")) | some c in object.get(data.config, "dockerAllowedCapabilities", [])}

deny contains v if {
	containerd.workload
	not containerd.privileged
	some i, c in containerd.bounding
	cap := upper(trim_prefix(upper(c), "CAP_"))
	not cap in default_caps
	not cap in allowed
	v := {"msg": sprintf("%s holds capability %s", [containerd.container, cap]), "path": ["spec", "process", "capabilities", "bounding", i]}
}
