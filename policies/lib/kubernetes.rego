# Shared helpers for Kubernetes checks: the pod spec of any workload kind with its path, the
# containers of a pod spec with theirs, effective security settings (container over pod), and
# RBAC rule matching. Checks import it as data.plimsoll.lib.kubernetes.
package plimsoll.lib.kubernetes

import rego.v1

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# Path of the pod spec inside the object, per kind.
pod_spec_path := "spec" if input.kind == "Pod"

pod_spec_path := "spec.jobTemplate.spec.template.spec" if input.kind == "CronJob"

pod_spec_path := "spec.template.spec" if input.kind in template_kinds

pod_spec := object.get(input, "spec", {}) if input.kind == "Pod"

pod_spec := s if {
	input.kind == "CronJob"
	s := input.spec.jobTemplate.spec.template.spec
}

pod_spec := s if {
	input.kind in template_kinds
	s := input.spec.template.spec
}

# Metadata of the pod (template), where AppArmor annotations live.
pod_metadata_path := "metadata" if input.kind == "Pod"

pod_metadata_path := "spec.jobTemplate.spec.template.metadata" if input.kind == "CronJob"

pod_metadata_path := "spec.template.metadata" if input.kind in template_kinds

pod_metadata := object.get(input, "metadata", {}) if input.kind == "Pod"

pod_metadata := object.get(input.spec.jobTemplate.spec.template, "metadata", {}) if input.kind == "CronJob"

pod_metadata := object.get(input.spec.template, "metadata", {}) if input.kind in template_kinds

pod_security_context := object.get(pod_spec, "securityContext", {})

container_fields := ["containers", "initContainers", "ephemeralContainers"]

# Every container of the pod spec: {container, name, path, field, sc, eff, add, drop}, where
# sc is its securityContext ({} when absent), eff the effective security context (container over
# pod) and add/drop its capabilities, upper-cased without CAP_.
# Computed once per resource and shared by every check: regorus function calls are costly,
# so checks read these fields instead of calling helpers per container. An array, not a set:
# walking a set of objects compares whole objects at every step (in the RVM, a tree search
# from the previous element), and no two containers are equal anyway.
containers := [c |
	some field in container_fields
	some i, container in object.get(pod_spec, field, [])
	sc := object.get(container, "securityContext", {})
	caps := object.get(sc, "capabilities", {})
	c := {
		"container": container,
		"name": object.get(container, "name", sprintf("%s[%d]", [field, i])),
		"path": sprintf("%s.%s[%d]", [pod_spec_path, field, i]),
		"field": field,
		"sc": sc,
		# Security settings as the kubelet applies them: the container's over the pod's. Only
		# top-level keys are overridden, which is all checks compare (e.g. seccompProfile.type).
		"eff": object.union(pod_security_context, sc),
		"add": {upper(trim_prefix(upper(cap), "CAP_")) | some cap in object.get(caps, "add", [])},
		"drop": {upper(trim_prefix(upper(cap), "CAP_")) | some cap in object.get(caps, "drop", [])},
	}
]

container_security_context(c) := c.sc

# A security setting as the kubelet applies it: the container's value wins over the pod's.
effective(c, key) := c.eff[key]

# Path of the field that decides `effective(c, key)` (the container's, else the pod's, else
# where the container's would go).
effective_path(c, key) := sprintf("%s.securityContext.%s", [c.path, key]) if {
	has_key(c.sc, key)
}

effective_path(c, key) := sprintf("%s.securityContext.%s", [pod_spec_path, key]) if {
	not has_key(c.sc, key)
	has_key(pod_security_context, key)
}

effective_path(c, key) := sprintf("%s.securityContext.%s", [c.path, key]) if {
	not has_key(c.sc, key)
	not has_key(pod_security_context, key)
}

has_key(obj, key) if {
	_ = obj[key]
}

# Capabilities of a container ("add" or "drop"), upper-cased and without a CAP_ prefix.
capabilities(c, "add") := c.add

capabilities(c, "drop") := c.drop

# Default objects that Kubernetes itself creates and reconciles: not the user's to fix.
is_bootstrap_default if {
	input.metadata.labels["kubernetes.io/bootstrapping"] == "rbac-defaults"
}

# RBAC: rules of a Role/ClusterRole with their index.
rbac_rules := [r |
	input.kind in {"Role", "ClusterRole"}
	not is_bootstrap_default
	some i, rule in object.get(input, "rules", [])
	r := {"rule": rule, "path": sprintf("rules[%d]", [i])}
]

# A rule grants `verb` on `resource` in `group`, matched as the API server's RBAC authorizer
# matches: `*` is every resource, and `*/sub` is the subresource `sub` of every resource.
grants(rule, groups, resources, verbs) if {
	some g in object.get(rule, "apiGroups", [""])
	g in ({"*"} | groups)
	some res in object.get(rule, "resources", [])
	resource_matches(res, resources)
	some v in object.get(rule, "verbs", [])
	v in ({"*"} | verbs)
}

resource_matches(res, resources) if res in ({"*"} | resources)

resource_matches(res, resources) if {
	startswith(res, "*/")
	some wanted in resources
	parts := split(wanted, "/")
	count(parts) == 2
	res == concat("", ["*/", parts[1]])
}

# A resource entry that is a wildcard: `*` or `*/subresource`.
is_wildcard_resource(res) if res == "*"

is_wildcard_resource(res) if startswith(res, "*/")
