# METADATA
# title: Roles do not grant approving certificate signing requests
# description: >-
#   Whoever can approve CertificateSigningRequests can mint client certificates for any identity, system:masters included. CIS Kubernetes 5.1.11.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0049
#   severity: high
#   kinds: [kubernetes/ClusterRole]
#   remediation: Remove update/patch on certificatesigningrequests/approval except for the cluster's certificate controller.
package plimsoll.kubernetes.rbac_csr_approval

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {"certificates.k8s.io"}, {"certificatesigningrequests/approval"}, {"update", "patch"})
    v := {
        "msg": sprintf("%s %s can approve certificate signing requests", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
