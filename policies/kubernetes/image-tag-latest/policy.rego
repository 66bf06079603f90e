# METADATA
# title: Images are pinned to a version, not latest
# description: >-
#   An image without a tag, or tagged latest, changes under the workload on the next pull:
#   deployments stop being reproducible and a compromised upstream image rolls out silently.
# custom:
#   id: PLM-K8S-0025
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Reference a specific version tag (better, a digest) instead of latest or no tag.
#   fix: {manual: "the version to pin is the image's owner's to choose"}
package plimsoll.kubernetes.image_tag_latest

import data.plimsoll.lib.kubernetes.containers
import rego.v1

# The tag of an image reference, if any (a registry port is not a tag).
tag(image) := t if {
    parts := split(image, "/")
    last := parts[count(parts) - 1]
    contains(last, ":")
    t := split(last, ":")[1]
}

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    not contains(image, "@")
    not tag(image)
    v := {
        "msg": sprintf("container %q uses image %q without a tag (implies latest)", [c.name, image]),
        "path": [c.path, "image"],
    }
}

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    not contains(image, "@")
    tag(image) == "latest"
    v := {
        "msg": sprintf("container %q uses image %q tagged latest", [c.name, image]),
        "path": [c.path, "image"],
    }
}
