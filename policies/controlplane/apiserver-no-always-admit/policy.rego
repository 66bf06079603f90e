# METADATA
# title: The AlwaysAdmit admission plugin is off
# description: >-
#   AlwaysAdmit admits every request and defeats the other admission plugins. CIS Kubernetes 1.2.10.
# custom:
#   id: PLM-CP-0010
#   severity: critical
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Remove AlwaysAdmit from --enable-admission-plugins."
package plimsoll.controlplane.apiserver_no_always_admit

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.lists("enable-admission-plugins", "AlwaysAdmit")
	v := cp.at("enable-admission-plugins", "enables the AlwaysAdmit admission plugin")
}
