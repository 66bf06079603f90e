# METADATA
# title: Ingresses carry no ingress-nginx snippet annotations
# description: >-
#   ingress-nginx copies configuration-snippet, server-snippet and auth-snippet annotations
#   into its own nginx configuration: whoever can create an Ingress can read the controller's
#   service account token and every Secret it sees (CVE-2021-25742, and again
#   CVE-2025-1974's family). Recent versions refuse them unless allow-snippet-annotations is
#   on; older ones and re-enabled ones do not.
# custom:
#   id: PLM-K8S-0068
#   severity: high
#   kinds: [kubernetes/Ingress]
#   remediation: Remove the snippet annotations and express the configuration with the controller's dedicated annotations or a ConfigMap the platform team owns; keep allow-snippet-annotations off.
#   fix: {remove: true}
package plimsoll.kubernetes.ingress_nginx_snippets

import rego.v1

snippets := {
    "nginx.ingress.kubernetes.io/configuration-snippet",
    "nginx.ingress.kubernetes.io/server-snippet",
    "nginx.ingress.kubernetes.io/auth-snippet",
    "nginx.ingress.kubernetes.io/stream-snippet",
    "nginx.org/server-snippets",
    "nginx.org/location-snippets",
}

deny contains v if {
    some key, _ in object.get(input.metadata, "annotations", {})
    key in snippets
    v := {
        "msg": sprintf("Ingress carries the snippet annotation %s", [key]),
        "path": sprintf("metadata.annotations[%q]", [key]),
    }
}
