# METADATA
# title: Services are not of type NodePort
# description: >-
#   A NodePort Service opens the same port on every node of the cluster, reachable by
#   anything that can reach a node, outside the ingress and load balancer controls.
# custom:
#   id: PLM-K8S-0031
#   severity: medium
#   kinds: [kubernetes/Service]
#   remediation: Use a ClusterIP Service behind an Ingress or an internal LoadBalancer instead of NodePort.
package plimsoll.kubernetes.service_nodeport

import rego.v1

deny contains v if {
    input.spec.type == "NodePort"
    v := {
        "msg": sprintf("Service %s opens node ports on every node", [input.metadata.name]),
        "path": "spec.type",
    }
}
