# METADATA
# title: The NamespaceLifecycle admission plugin is not disabled
# description: >-
#   Without it, objects can be created in namespaces that are being deleted or do not exist. CIS Kubernetes 1.2.13.
# custom:
#   id: PLM-CP-0013
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Remove NamespaceLifecycle from --disable-admission-plugins."
package plimsoll.controlplane.apiserver_namespace_lifecycle

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.lists("disable-admission-plugins", "NamespaceLifecycle")
	v := cp.at("disable-admission-plugins", "disables the NamespaceLifecycle admission plugin")
}
