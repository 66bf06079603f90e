# METADATA
# title: The ingress-nginx controller refuses snippet annotations
# description: >-
#   With allow-snippet-annotations "true" in its ConfigMap, ingress-nginx copies any Ingress's
#   snippet annotations into its nginx configuration, so whoever can create an Ingress in any
#   namespace can read the controller's token and every Secret it sees (CVE-2021-25742 and its
#   successors). PLM-K8S-0068 finds the annotations; this finds the switch that lets them work.
# custom:
#   id: PLM-K8S-0076
#   severity: high
#   kinds: [kubernetes/ConfigMap]
#   remediation: Set allow-snippet-annotations to "false" in the ingress-nginx controller's ConfigMap (the default since controller 1.9).
#   fix: {set: "false"}
package plimsoll.kubernetes.ingress_nginx_allow_snippets

import rego.v1

deny contains v if {
    value := object.get(object.get(input, "data", {}), "allow-snippet-annotations", "")
    lower(sprintf("%v", [value])) == "true"
    v := {
        "msg": sprintf("ConfigMap %s lets ingress-nginx take snippet annotations (allow-snippet-annotations: %v)", [input.metadata.name, value]),
        "path": "data.allow-snippet-annotations",
    }
}
