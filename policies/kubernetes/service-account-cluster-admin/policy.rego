# METADATA
# title: Service accounts are not bound to cluster-admin
# description: >-
#   A service account bound to cluster-admin turns every pod that runs as it into a cluster
#   superuser: one compromised pod owns the cluster. Cross-resource: the ServiceAccount is
#   matched against the RoleBindings and ClusterRoleBindings in the input.
# custom:
#   id: PLM-K8S-0062
#   severity: critical
#   kinds: [kubernetes/ServiceAccount]
#   inventory: [kubernetes/RoleBinding, kubernetes/ClusterRoleBinding]
#   remediation: Bind the service account to a role with only the permissions its workload needs.
package plimsoll.kubernetes.service_account_cluster_admin

import rego.v1

namespace := object.get(input.metadata, "namespace", "")

deny contains v if {
    # The bindings that name this service account (a ServiceAccount subject without a
    # namespace is in its RoleBinding's), looked up rather than scanned.
    some b in data.subjects.ServiceAccount[namespace][input.metadata.name]
    b.roleRef.kind == "ClusterRole"
    b.roleRef.name == "cluster-admin"
    v := {
        "msg": sprintf("service account %s is bound to cluster-admin by %s %s", [input.metadata.name, b.kind, b.metadata.name]),
        "path": "metadata.name",
    }
}
