# METADATA
# title: Pod admission is controlled by a policy mechanism
# description: >-
#   Without Pod Security Admission enforcing baseline or restricted, a ValidatingAdmissionPolicy
#   or a validating webhook on pods, nothing stops a privileged pod from being created.
#   Cross-resource: a Namespace passes when it has a pod-security.kubernetes.io/enforce label of
#   baseline or restricted, or when the input holds an admission control that sees pods being
#   created in namespaces: a validating webhook whose rule covers CREATE of core `pods` with a
#   scope other than Cluster, or a ValidatingAdmissionPolicy with such a rule and a binding
#   that denies. Webhooks for other groups, other operations or cluster-scoped objects, and
#   policies without a binding, do not count. Cluster-wide PSA defaults set in the API server's
#   admission configuration are not visible here. CIS Kubernetes 5.2.1.
# custom:
#   id: PLM-K8S-0061
#   severity: medium
#   kinds: [kubernetes/Namespace]
#   inventory: [kubernetes/ValidatingAdmissionPolicy, kubernetes/ValidatingAdmissionPolicyBinding, kubernetes/ValidatingWebhookConfiguration]
#   remediation: Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline), or deploy an admission policy engine.
#   fix: {set: baseline}
package plimsoll.kubernetes.policy_control_mechanism

import rego.v1

labels := object.get(input.metadata, "labels", {})

psa_enforced if labels["pod-security.kubernetes.io/enforce"] in {"baseline", "restricted"}

cluster_policy if {
    some cfg in data.inventory["kubernetes/ValidatingWebhookConfiguration"]
    some hook in object.get(cfg, "webhooks", [])
    some rule in object.get(hook, "rules", [])
    sees_pod_creation(rule)
}

cluster_policy if {
    some vap in data.inventory["kubernetes/ValidatingAdmissionPolicy"]
    some rule in object.get(object.get(object.get(vap, "spec", {}), "matchConstraints", {}), "resourceRules", [])
    sees_pod_creation(rule)
    some binding in data.inventory["kubernetes/ValidatingAdmissionPolicyBinding"]
    spec := object.get(binding, "spec", {})
    object.get(spec, "policyName", "") == vap.metadata.name
    "Deny" in object.get(spec, "validationActions", [])
}

# A rule (webhook or admission policy) that the API server applies to creating a Pod in a
# namespace: `*` operations, groups and resources match, `*/*` is every resource and
# subresource, and an absent scope is `*`.
sees_pod_creation(rule) if {
    some op in object.get(rule, "operations", [])
    op in {"CREATE", "*"}
    some group in object.get(rule, "apiGroups", [])
    group in {"", "*"}
    some res in object.get(rule, "resources", [])
    res in {"pods", "*", "*/*"}
    object.get(rule, "scope", "*") in {"Namespaced", "*"}
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
