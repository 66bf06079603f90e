# METADATA
# title: The ServiceAccount admission plugin is not disabled
# description: >-
#   Without it, pods are not given service accounts and their tokens are not managed. CIS Kubernetes 1.2.12.
# custom:
#   id: PLM-CP-0012
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Remove ServiceAccount from --disable-admission-plugins."
package plimsoll.controlplane.apiserver_serviceaccount_plugin

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.lists("disable-admission-plugins", "ServiceAccount")
	v := cp.at("disable-admission-plugins", "disables the ServiceAccount admission plugin")
}
