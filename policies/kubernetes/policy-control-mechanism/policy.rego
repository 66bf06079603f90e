# METADATA
# title: Pod admission is controlled by a policy mechanism
# description: >-
#   Without Pod Security Admission enforcing baseline or restricted, a ValidatingAdmissionPolicy
#   or a validating webhook on pods, nothing stops a privileged pod from being created.
#   Cross-resource: a Namespace passes when it has a pod-security.kubernetes.io/enforce label of
#   baseline or restricted, or when the input holds a ValidatingAdmissionPolicy or a validating
#   webhook covering pods. Cluster-wide PSA defaults set in the API server's admission
#   configuration are not visible here. CIS Kubernetes 5.2.1.
# custom:
#   id: PLM-K8S-0061
#   severity: medium
#   kinds: [kubernetes/Namespace]
#   inventory: [kubernetes/ValidatingAdmissionPolicy, kubernetes/ValidatingWebhookConfiguration]
#   remediation: Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline), or deploy an admission policy engine.
package plimsoll.kubernetes.policy_control_mechanism

import rego.v1

labels := object.get(input.metadata, "labels", {})

psa_enforced if labels["pod-security.kubernetes.io/enforce"] in {"baseline", "restricted"}

cluster_policy if count(data.inventory["kubernetes/ValidatingAdmissionPolicy"]) > 0

cluster_policy if {
    some cfg in data.inventory["kubernetes/ValidatingWebhookConfiguration"]
    some hook in object.get(cfg, "webhooks", [])
    some rule in object.get(hook, "rules", [])
    some res in object.get(rule, "resources", [])
    res in {"pods", "*", "*/*"}
}

deny contains v if {
    not psa_enforced
    not cluster_policy
    level := object.get(labels, "pod-security.kubernetes.io/enforce", "not set")
    v := {
        "msg": sprintf("namespace %s has no pod admission control (pod-security enforce: %s, no admission policy or pod webhook in the input)", [input.metadata.name, level]),
        "path": "metadata.labels[\"pod-security.kubernetes.io/enforce\"]",
    }
}
