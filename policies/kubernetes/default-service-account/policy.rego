# METADATA
# title: Workloads use a dedicated service account
# description: >-
#   Pods that run as their namespace's default service account share one identity with every
#   other such pod: any role granted to one is granted to all. CIS Kubernetes 5.1.5.
# custom:
#   id: PLM-K8S-0033
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Create a ServiceAccount for the workload and set serviceAccountName to it.
package plimsoll.kubernetes.default_service_account

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    object.get(pod_spec, "serviceAccountName", object.get(pod_spec, "serviceAccount", "default")) == "default"
    v := {
        "msg": "pod runs as the namespace's default service account",
        "path": [pod_spec_path, "serviceAccountName"],
    }
}
