# METADATA
# title: Services do not set externalIPs
# description: >-
#   Anyone who can create or edit a Service can set spec.externalIPs and so intercept traffic
#   the cluster sends to those addresses (CVE-2020-8554, unfixed in Kubernetes itself). Unless
#   an admission control such as the DenyServiceExternalIPs plugin is in place, a Service
#   should not use them; a LoadBalancer or an Ingress serves the same purpose.
# custom:
#   id: PLM-K8S-0065
#   severity: medium
#   kinds: [kubernetes/Service]
#   remediation: Remove spec.externalIPs; expose the Service through a LoadBalancer or an Ingress, and enable the DenyServiceExternalIPs admission plugin.
#   fix: {remove: true}
package plimsoll.kubernetes.service_external_ips

import rego.v1

deny contains v if {
    ips := object.get(object.get(input, "spec", {}), "externalIPs", [])
    count(ips) > 0
    v := {
        "msg": sprintf("Service sets externalIPs %s", [concat(", ", [sprintf("%v", [ip]) | some ip in ips])]),
        "path": "spec.externalIPs",
    }
}
