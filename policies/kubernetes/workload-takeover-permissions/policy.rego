# METADATA
# title: Workloads do not run with takeover permissions
# description: >-
#   A pod's service account token is in every one of its containers: whatever the account may
#   do, anyone who gets code running in the pod may do. Reported: workloads whose service
#   account is bound (by a RoleBinding in its namespace or a ClusterRoleBinding) to a role
#   that grants a way to take the cluster or the namespace over, short of cluster-admin
#   itself (PLM-K8S-0062): every verb on every resource, reading Secrets, creating pods or
#   workloads, bind, escalate or impersonate, nodes/proxy, minting service account tokens,
#   exec into pods, changing admission webhooks, approving certificate requests, creating
#   persistent volumes. Cross-resource: bindings and roles are looked up in the input.
# custom:
#   id: PLM-K8S-0087
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   inventory: [kubernetes/RoleBinding, kubernetes/ClusterRoleBinding, kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Give the workload a service account of its own, bound to a role with only what it calls; move controllers that need such rights to a namespace few can deploy into.
#   fix: {manual: "which permissions the workload needs is its owner's call"}
package plimsoll.kubernetes.workload_takeover_permissions

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

namespace := object.get(input.metadata, "namespace", "default")

service_account := object.get(pod_spec, "serviceAccountName", object.get(pod_spec, "serviceAccount", "default"))

# [api groups, resources, verbs, what it gives]
takeovers := [
	[{"*"}, {"*"}, {"*"}, "every verb on every resource"],
	[{""}, {"secrets"}, {"get", "list", "watch"}, "reading Secrets"],
	[{""}, {"pods"}, {"create"}, "creating pods (with any service account of the namespace)"],
	[{"apps", "batch"}, {"deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs"}, {"create", "update", "patch"}, "creating or changing workloads"],
	[{"rbac.authorization.k8s.io"}, {"roles", "clusterroles"}, {"bind", "escalate"}, "bind or escalate on roles"],
	[{""}, {"users", "groups", "serviceaccounts"}, {"impersonate"}, "impersonation"],
	[{""}, {"nodes/proxy"}, {"get", "create"}, "the kubelet API through nodes/proxy"],
	[{""}, {"serviceaccounts/token"}, {"create"}, "minting service account tokens"],
	[{""}, {"pods/exec"}, {"create", "get"}, "exec into pods"],
	[{"admissionregistration.k8s.io"}, {"mutatingwebhookconfigurations", "validatingwebhookconfigurations"}, {"create", "update", "patch"}, "changing admission webhooks"],
	[{"certificates.k8s.io"}, {"certificatesigningrequests/approval"}, {"update", "patch"}, "approving certificate requests"],
	[{""}, {"persistentvolumes"}, {"create"}, "creating persistent volumes (host paths)"],
]

# The roles bound to the service account: ClusterRoles by any binding, Roles by RoleBindings
# of its namespace.
bound contains [b, role] if {
	some b in data.subjects.ServiceAccount[namespace][service_account]
	b.roleRef.kind == "ClusterRole"
	b.roleRef.name != "cluster-admin"
	role := data.index["kubernetes/ClusterRole"][""][b.roleRef.name]
}

bound contains [b, role] if {
	some b in data.subjects.ServiceAccount[namespace][service_account]
	b.kind == "RoleBinding"
	b.roleRef.kind == "Role"
	role := data.index["kubernetes/Role"][namespace][b.roleRef.name]
}

# What each bound role gives, as "<binding kind> <binding> binds <role kind> <role>: <what>".
gives contains sprintf("%s %s binds %s %s: %s", [b.kind, b.metadata.name, role.kind, role.metadata.name, what]) if {
	some [b, role] in bound
	some rule in object.get(role, "rules", [])
	some [groups, resources, verbs, what] in takeovers
	grants(rule, groups, resources, verbs)
}

# One finding per workload (its fingerprint is the field), naming every grant.
deny contains v if {
	count(gives) > 0
	v := {
		"msg": sprintf("runs as service account %s, which can take over: %s", [service_account, concat("; ", sort(gives))]),
		"path": sprintf("%s.serviceAccountName", [data.plimsoll.lib.kubernetes.pod_spec_path]),
	}
}
