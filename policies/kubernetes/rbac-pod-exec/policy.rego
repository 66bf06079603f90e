# METADATA
# title: Roles do not grant exec, attach or port-forward into pods
# description: >-
#   pods/exec and pods/attach run commands in, and read the terminal of, any pod the role
#   reaches, with its service account token and secrets; pods/portforward reaches the pod's
#   ports past every NetworkPolicy. The API server checks these as create (and, for websocket
#   upgrades of older clients, get) on the subresource. Roles Kubernetes itself creates are
#   not reported.
# custom:
#   id: PLM-K8S-0069
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Grant pods/exec, pods/attach and pods/portforward only to break-glass roles bound to named people for a limited time; use kubectl debug with audited access instead.
#   fix: {manual: "who needs a shell in the pods is the role owner's call"}
package plimsoll.kubernetes.rbac_pod_exec

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    some sub in ["pods/exec", "pods/attach", "pods/portforward"]
    grants(r.rule, {""}, {sub}, {"create", "get"})
    v := {
        "msg": sprintf("%s %s grants %s", [input.kind, input.metadata.name, sub]),
        "path": r.path,
    }
}
