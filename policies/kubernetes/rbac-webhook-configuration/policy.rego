# METADATA
# title: Roles do not grant changing admission webhook configurations
# description: >-
#   Whoever can change admission webhook configurations can disable policy enforcement or route every object of the cluster through a webhook of their own. CIS Kubernetes 5.1.12.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0050
#   severity: high
#   kinds: [kubernetes/ClusterRole]
#   remediation: Restrict write access to validating and mutating webhook configurations to cluster administrators.
package plimsoll.kubernetes.rbac_webhook_configuration

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {"admissionregistration.k8s.io"}, {"validatingwebhookconfigurations", "mutatingwebhookconfigurations"}, {"create", "update", "patch", "delete"})
    v := {
        "msg": sprintf("%s %s can change admission webhook configurations", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
