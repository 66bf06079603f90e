# METADATA
# title: Images come from allowed registries
# description: >-
#   Images from arbitrary registries bypass the organisation's scanning and signing. This
#   template is off until the allowed registry prefixes are configured, e.g.
#   --param allowedRegistries='[ghcr.io/acme, 123456789012.dkr.ecr.eu-west-1.amazonaws.com]'.
#   Images without a registry are docker.io images. CIS EKS 5.1.4.
# custom:
#   id: PLM-K8S-0027
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   parameters: [allowedRegistries: list]
#   remediation: Mirror the image into an allowed registry and reference it there, or add the registry to allowedRegistries.
#   fix: {manual: "moving an image to an allowed registry is a build change"}
package plimsoll.kubernetes.allowed_registries

import data.plimsoll.lib.kubernetes.containers
import rego.v1

# docker.io/library/nginx for nginx; the first component is a registry if it looks like a host.
normalise(image) := image if {
    first := split(image, "/")[0]
    count(split(image, "/")) > 1
    is_host(first)
}

normalise(image) := concat("/", ["docker.io", image]) if {
    count(split(image, "/")) > 1
    not is_host(split(image, "/")[0])
}

normalise(image) := concat("/", ["docker.io/library", image]) if {
    count(split(image, "/")) == 1
}

is_host(s) if contains(s, ".")

is_host(s) if contains(s, ":")

is_host(s) if s == "localhost"

allowed(image) if {
    some prefix in data.config.allowedRegistries
    p := trim_suffix(prefix, "/")
    startswith(normalise(image), concat("", [p, "/"]))
}

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    not allowed(image)
    v := {
        "msg": sprintf("container %q image %q is not from an allowed registry", [c.name, image]),
        "path": [c.path, "image"],
    }
}
