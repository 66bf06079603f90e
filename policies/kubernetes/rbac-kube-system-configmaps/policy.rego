# METADATA
# title: Roles do not grant changing ConfigMaps in kube-system
# description: >-
#   The ConfigMaps of kube-system configure the cluster's own components: CoreDNS's Corefile
#   (rewrite every name lookup in the cluster to an attacker's address), kube-proxy, the
#   aws-auth mapping of IAM roles to cluster groups on EKS. Write access to them is control of
#   the cluster. Reported: Roles in kube-system, and ClusterRoles (a RoleBinding in kube-system
#   or any ClusterRoleBinding gives their rules there); roles Kubernetes itself creates are not.
# custom:
#   id: PLM-K8S-0082
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Grant update, patch, create and delete on kube-system ConfigMaps only to the cluster's administrators, and name the ConfigMaps a controller needs in resourceNames.
#   fix: {manual: "who may change the cluster's own configuration is the cluster owner's call"}
package plimsoll.kubernetes.rbac_kube_system_configmaps

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

applies if input.kind == "ClusterRole"

applies if {
	input.kind == "Role"
	input.metadata.namespace == "kube-system"
}

deny contains v if {
	applies
	some r in rbac_rules
	grants(r.rule, {""}, {"configmaps"}, {"update", "patch", "create", "delete", "deletecollection"})
	verbs := concat(", ", sort([verb | some verb in object.get(r.rule, "verbs", []); verb in {"*", "update", "patch", "create", "delete", "deletecollection"}]))
	v := {
		"msg": sprintf("%s %s grants %s on ConfigMaps%s", [input.kind, input.metadata.name, verbs, scope]),
		"path": r.path,
	}
}

scope := " in kube-system" if input.kind == "Role"

scope := " wherever it is bound (kube-system included)" if input.kind == "ClusterRole"
