# METADATA
# title: An audit policy is set
# description: >-
#   Without --audit-policy-file the API server audits nothing, whatever else is set. CIS Kubernetes 3.2.1.
# custom:
#   id: PLM-CP-0029
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Write an audit policy and set --audit-policy-file."
package plimsoll.controlplane.apiserver_audit_policy

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("audit-policy-file")
	v := cp.at("audit-policy-file", "has no audit policy (no --audit-policy-file)")
}
