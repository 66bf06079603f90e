# METADATA
# title: Every namespace has a NetworkPolicy
# description: >-
#   Without a NetworkPolicy every pod of a namespace accepts traffic from anywhere in the
#   cluster. Cross-resource: a Namespace passes when the input holds a NetworkPolicy or a
#   CiliumNetworkPolicy in it, or a CiliumClusterwideNetworkPolicy that selects it (an empty
#   endpointSelector selects every namespace; a matchLabels on the pod's namespace label selects
#   that one; a policy selecting pods by other labels is not counted, as which namespaces it
#   reaches cannot be read from the policy). kube-public and kube-node-lease hold no pods and are
#   not reported. Namespaces only referenced by other objects (no Namespace document) are not
#   evaluated. CIS Kubernetes 5.3.2.
# custom:
#   id: PLM-K8S-0060
#   severity: medium
#   kinds: [kubernetes/Namespace]
#   inventory: [kubernetes/NetworkPolicy, kubernetes/CiliumNetworkPolicy, kubernetes/CiliumClusterwideNetworkPolicy]
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

# The index holds a namespace only when some policy of that kind is in it.
has_policy(ns) if data.index["kubernetes/NetworkPolicy"][ns]

has_policy(ns) if data.index["kubernetes/CiliumNetworkPolicy"][ns]

has_policy(ns) if {
    some ccnp in data.inventory["kubernetes/CiliumClusterwideNetworkPolicy"]
    some spec in cilium_specs(ccnp)
    selects_namespace(object.get(spec, "endpointSelector", null), ns)
}

# A Cilium policy holds one rule in `spec` or several in `specs`.
cilium_specs(p) := [s | some s in array.concat([object.get(p, "spec", null)], object.get(p, "specs", [])); is_object(s)]

# An empty selector selects every endpoint, in every namespace.
selects_namespace(sel, _) if {
    is_object(sel)
    count(object.get(sel, "matchLabels", {})) == 0
    count(object.get(sel, "matchExpressions", [])) == 0
}

selects_namespace(sel, ns) if {
    some key in {"io.kubernetes.pod.namespace", "k8s:io.kubernetes.pod.namespace"}
    sel.matchLabels[key] == ns
}
