# METADATA
# title: Service account tokens are mounted only where needed
# description: >-
#   Every pod gets an API token for its service account unless automounting is turned off on
#   the pod or the service account; a compromised pod then talks to the API server with that
#   identity. Cross-resource: the pod's ServiceAccount from the same input is taken into
#   account. CIS Kubernetes 5.1.6.
# custom:
#   id: PLM-K8S-0029
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   inventory: [kubernetes/ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the pod (or its ServiceAccount) unless it calls the Kubernetes API.
#   fix: {set: false}
package plimsoll.kubernetes.service_account_token_automount

import data.plimsoll.lib.kubernetes.has_key
import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

sa_name := object.get(pod_spec, "serviceAccountName", object.get(pod_spec, "serviceAccount", "default"))

namespace := object.get(input.metadata, "namespace", "")

# A lookup in the index, not a scan of every ServiceAccount for every workload.
sa_disables if data.index["kubernetes/ServiceAccount"][namespace][sa_name].automountServiceAccountToken == false

deny contains v if {
    pod_spec.automountServiceAccountToken == true
    v := {
        "msg": sprintf("pod mounts the API token of service account %s (automountServiceAccountToken: true)", [sa_name]),
        "path": [pod_spec_path, "automountServiceAccountToken"],
    }
}

deny contains v if {
    not has_key(pod_spec, "automountServiceAccountToken")
    not sa_disables
    v := {
        "msg": sprintf("pod mounts the API token of service account %s: neither the pod nor the service account sets automountServiceAccountToken: false", [sa_name]),
        "path": [pod_spec_path, "automountServiceAccountToken"],
    }
}
