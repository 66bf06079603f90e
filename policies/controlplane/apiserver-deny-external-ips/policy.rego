# METADATA
# title: The API server refuses Service externalIPs
# description: >-
#   Without the DenyServiceExternalIPs admission plugin, anyone who may create a Service can intercept traffic to any address (CVE-2020-8554). CIS Kubernetes 1.2.3.
# custom:
#   id: PLM-CP-0003
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Add DenyServiceExternalIPs to --enable-admission-plugins."
package plimsoll.controlplane.apiserver_deny_external_ips

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("enable-admission-plugins", "DenyServiceExternalIPs")
	v := cp.at("enable-admission-plugins", "does not enable the DenyServiceExternalIPs admission plugin")
}
