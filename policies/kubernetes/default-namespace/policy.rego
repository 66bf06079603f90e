# METADATA
# title: Resources are not placed in the default namespace
# description: >-
#   The default namespace is where everything lands by accident; workloads there share
#   policies, quotas and RBAC with whatever else was dropped in. Objects Kubernetes itself
#   creates there (the kubernetes Service, the default ServiceAccount, kube-root-ca.crt) are
#   not reported. Manifests without a namespace are not reported either: where they land
#   depends on the context they are applied with. CIS Kubernetes 5.6.4.
# custom:
#   id: PLM-K8S-0030
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob, kubernetes/Service, kubernetes/ConfigMap, kubernetes/Secret, kubernetes/ServiceAccount, kubernetes/Role, kubernetes/RoleBinding, kubernetes/Ingress, kubernetes/NetworkPolicy, kubernetes/PersistentVolumeClaim]
#   remediation: Create a dedicated namespace for the application and move the resource there.
#   fix: {manual: "the namespace is the deployment's to choose"}
package plimsoll.kubernetes.default_namespace

import rego.v1

builtin := {["Service", "kubernetes"], ["ServiceAccount", "default"], ["ConfigMap", "kube-root-ca.crt"]}

deny contains v if {
    input.metadata.namespace == "default"
    not [input.kind, input.metadata.name] in builtin
    v := {
        "msg": sprintf("%s %s is in the default namespace", [input.kind, input.metadata.name]),
        "path": "metadata.namespace",
    }
}
