# METADATA
# title: Roles do not grant creating pods
# description: >-
#   Whoever can create pods (directly or through a workload controller) can run any image with any service account of the namespace and mount its secrets. CIS Kubernetes 5.1.4.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0043
#   severity: medium
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Restrict create on pods and workload controllers to deployment tooling and operators that need it.
package plimsoll.kubernetes.rbac_create_pods

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {"", "apps", "batch"}, {"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "replicationcontrollers", "jobs", "cronjobs"}, {"create"})
    v := {
        "msg": sprintf("%s %s can create pods (directly or through a workload controller)", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
