# Helpers for the AWS checks (EKS, ECS, ECR). Input is one AWS resource: `data` is the
# collector's DTO in the camelCase of the AWS API reference, with fields the API did not
# return left out; `metadata.namespace` is the region and `metadata.labels` the tags.
package plimsoll.lib.aws

import rego.v1

d := object.get(input, "data", {})

name := input.metadata.name

region := object.get(input, ["metadata", "namespace"], "")

tags := object.get(input, ["metadata", "labels"], {})

# "EKS cluster prod (eu-west-1)".
describe(what) := sprintf("%s %s (%s)", [what, name, region])

# Tag keys the organisation requires (template parameter awsRequiredTags).
required_tags := object.get(data.config, "awsRequiredTags", [])

missing_tags contains k if {
	some k in required_tags
	not tags[k]
}

# "1.29" < "1.30": compare as numbers, minor by minor.
version_parts(v) := [to_number(p) | some p in split(trim_prefix(v, "v"), ".")]

version_below(v, min) if {
	a := version_parts(v)
	b := version_parts(min)
	a[0] < b[0]
}

version_below(v, min) if {
	a := version_parts(v)
	b := version_parts(min)
	a[0] == b[0]
	a[1] < b[1]
}

# The oldest Kubernetes minor version EKS still supports in standard support (parameter
# eksMinimumVersion). Default as of November 2026: 1.32 (1.31 left standard support in
# November 2025 and extended support in November 2026).
minimum_version := object.get(data.config, "eksMinimumVersion", "1.32")

# Capabilities accepted in addition to none (shared with the Docker checks).
allowed_capabilities := {upper(trim_prefix(upper(c), "CAP_")) | some c in object.get(data.config, "dockerAllowedCapabilities", [])}

# Host paths that must not be mounted into containers.
sensitive_path(p) if p == "/"

sensitive_path(p) if {
	some dir in ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/var/lib/docker", "/var/run", "/run"]
	some prefix in [dir, concat("", [dir, "/"])]
	startswith(p, prefix)
}

runtime_socket(p) if {
	some s in ["docker.sock", "containerd.sock", "crio.sock", "podman.sock"]
	endswith(p, concat("/", ["", s]))
}
