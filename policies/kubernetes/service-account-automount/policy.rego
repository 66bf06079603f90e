# METADATA
# title: Service accounts do not mount their token by default
# description: >-
#   A ServiceAccount without automountServiceAccountToken false gives its token to every pod
#   that runs as it, whether the pod talks to the API server or not; a pod that needs the
#   token can still ask for it (automountServiceAccountToken true in its spec). CIS Kubernetes
#   5.1.6 (service account tokens are only mounted where necessary). The default service
#   accounts are PLM-K8S-0044's.
# custom:
#   id: PLM-K8S-0077
#   severity: low
#   kinds: [kubernetes/ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the ServiceAccount, and to true only in the pod specs that call the API server.
#   fix: {set: false}
package plimsoll.kubernetes.service_account_automount

import rego.v1

deny contains v if {
    input.metadata.name != "default"
    not input.automountServiceAccountToken == false
    v := {
        "msg": sprintf("service account %s mounts its token into every pod that uses it", [input.metadata.name]),
        "path": "automountServiceAccountToken",
    }
}
