# Helpers for the containerd checks. Input is a containerd/Container resource: `spec` is the
# OCI runtime spec containerd stores (what runc will apply), `data` the container record,
# `metadata.namespace` the containerd namespace (moby = Docker, k8s.io = Kubernetes).
package plimsoll.lib.containerd

import rego.v1

name := input.metadata.name

namespace := object.get(input, ["metadata", "namespace"], "")

labels := object.get(input, ["metadata", "labels"], {})

# Docker's containerd containers are named by their 64-hex id: show the short form, as docker ps.
short_name := substring(name, 0, 12) if regex.match(`^[0-9a-f]{64}$`, name)

short_name := name if not regex.match(`^[0-9a-f]{64}$`, name)

container := sprintf("container %s (namespace %s)", [short_name, namespace])

spec := object.get(input, "spec", {})

process := object.get(spec, "process", {})

linux := object.get(spec, "linux", {})

resources := object.get(linux, "resources", {})

mounts := object.get(spec, "mounts", [])

# CRI pod sandboxes (pause containers) only hold the pod's namespaces; the pod's workload
# containers carry the same settings, so findings attach to those and are not doubled.
sandbox if labels["io.cri-containerd.kind"] == "sandbox"

workload if not sandbox

bounding := object.get(process, ["capabilities", "bounding"], [])

# Without a capabilities object the process keeps whatever runc grants: treat as unknown,
# not as empty (the privileged signature needs SYS_ADMIN explicitly).
has_cap(c) if {
	some b in bounding
	upper(trim_prefix(upper(b), "CAP_")) == c
}

# A device cgroup rule allowing every device: what --privileged (Docker, ctr, CRI) writes.
allows_all_devices if {
	some d in object.get(resources, "devices", [])
	d.allow == true
	object.get(d, "type", "a") == "a"
	not d.major
	not d.minor
}

privileged if {
	allows_all_devices
	has_cap("SYS_ADMIN")
}

# The namespace entry of a type, and its path ("" when the runtime creates a new one).
ns_entry(t) := n if {
	some n in object.get(linux, "namespaces", [])
	n.type == t
}

ns_path(t) := object.get(ns_entry(t), "path", "")

# Host namespace: no entry at all (the runtime does not unshare it), or joined to PID 1's.
# Docker's host network is a path ending in netns/default under its exec root.
host_ns(t) if not ns_entry(t)

host_ns(t) if ns_path(t) == sprintf("/proc/1/ns/%s", [proc_ns_name[t]])

host_ns("network") if endswith(ns_path("network"), "/netns/default")

proc_ns_name := {"network": "net", "pid": "pid", "ipc": "ipc", "uts": "uts", "user": "user", "mount": "mnt", "cgroup": "cgroup"}

uid := object.get(process, ["user", "uid"], 0)

# A user namespace that maps container UID 0 to an unprivileged host UID.
root_remapped if {
	some m in object.get(linux, "uidMappings", [])
	m.containerID == 0
	m.hostID != 0
}

bind_mount(m) if m.type == "bind"

bind_mount(m) if {
	some o in object.get(m, "options", [])
	o in {"bind", "rbind"}
}

read_only(m) if "ro" in object.get(m, "options", [])
