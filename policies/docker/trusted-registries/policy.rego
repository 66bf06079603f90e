# METADATA
# title: Containers run images from allowed registries
# description: >-
#   Images from arbitrary registries bypass the organisation's scanning and signing. A template: off until the allowed registry prefixes are configured (the same allowedRegistries parameter as the Kubernetes check), e.g. --param allowedRegistries='[ghcr.io/acme, registry.example.com]'. An image without a registry is a docker.io image; a locally built or imported image counts by its name. Supports CIS Docker 4.2.
# custom:
#   id: PLM-DKR-0027
#   severity: high
#   kinds: [docker/Container]
#   parameters: [allowedRegistries: list]
#   remediation: "Mirror the image into an allowed registry and run it from there, or add the registry to allowedRegistries."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) from the image mirrored into an allowed registry"}
package plimsoll.docker.trusted_registries

import data.plimsoll.lib.docker
import rego.v1

# docker.io/library/nginx for nginx; the first component is a registry if it looks like a host.
normalise(image) := image if {
	count(split(image, "/")) > 1
	is_host(split(image, "/")[0])
}

normalise(image) := concat("/", ["docker.io", image]) if {
	count(split(image, "/")) > 1
	not is_host(split(image, "/")[0])
}

normalise(image) := concat("/", ["docker.io/library", image]) if count(split(image, "/")) == 1

is_host(s) if contains(s, ".")

is_host(s) if contains(s, ":")

is_host(s) if s == "localhost"

allowed(image) if {
	some prefix in data.config.allowedRegistries
	p := trim_suffix(prefix, "/")
	startswith(normalise(image), concat("", [p, "/"]))
}

deny contains v if {
	image := object.get(docker.config, "Image", "")
	not allowed(image)
	v := {"msg": sprintf("%s runs image %q, not from an allowed registry", [docker.container, image]), "path": ["data", "Config", "Image"]}
}
