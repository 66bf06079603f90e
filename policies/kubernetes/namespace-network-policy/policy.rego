# METADATA
# title: Every namespace has a NetworkPolicy
# description: >-
#   Without a NetworkPolicy every pod of a namespace accepts traffic from anywhere in the
#   cluster. Cross-resource: a Namespace passes when the input holds a NetworkPolicy in it.
#   kube-public and kube-node-lease hold no pods and are not reported. Namespaces only
#   referenced by other objects (no Namespace document) are not evaluated. CIS Kubernetes 5.3.2.
# custom:
#   id: PLM-K8S-0060
#   severity: medium
#   kinds: [kubernetes/Namespace]
#   inventory: [kubernetes/NetworkPolicy]
#   remediation: Add a default-deny NetworkPolicy to the namespace and allow the traffic its workloads need.
package plimsoll.kubernetes.namespace_network_policy

import rego.v1

exempt := {"kube-public", "kube-node-lease"}

deny contains v if {
    name := input.metadata.name
    not name in exempt
    not has_policy(name)
    v := {
        "msg": sprintf("namespace %s has no NetworkPolicy", [name]),
        "path": "metadata.name",
    }
}

# The index holds a namespace only when some NetworkPolicy is in it.
has_policy(ns) if data.index["kubernetes/NetworkPolicy"][ns]
