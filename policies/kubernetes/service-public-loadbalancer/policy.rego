# METADATA
# title: LoadBalancer Services are internal or source-restricted
# description: >-
#   A LoadBalancer Service gets a cloud load balancer that is public by default: the workload
#   is on the internet unless the Service asks for an internal load balancer or restricts
#   loadBalancerSourceRanges.
# custom:
#   id: PLM-K8S-0032
#   severity: medium
#   kinds: [kubernetes/Service]
#   remediation: Add the cloud's internal load balancer annotation, or set loadBalancerSourceRanges to the networks that need access.
package plimsoll.kubernetes.service_public_loadbalancer

import rego.v1

annotations := object.get(input.metadata, "annotations", {})

internal if annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] in {"true", "0.0.0.0/0"}

internal if annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"

internal if annotations["networking.gke.io/load-balancer-type"] == "Internal"

internal if annotations["cloud.google.com/load-balancer-type"] == "Internal"

internal if annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"

restricted if {
    ranges := object.get(input.spec, "loadBalancerSourceRanges", [])
    count(ranges) > 0
    not "0.0.0.0/0" in ranges
    not "::/0" in ranges
}

deny contains v if {
    input.spec.type == "LoadBalancer"
    not internal
    not restricted
    v := {
        "msg": sprintf("Service %s gets a load balancer open to the internet", [input.metadata.name]),
        "path": "spec.type",
    }
}
