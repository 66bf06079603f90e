# Helpers for the Docker checks. Input is a docker/Container resource: `data` is the engine's
# inspect document (normalised by the collector: capability names without CAP_, lists never
# null), `image` the Config of its image. Fields follow the Engine API (PascalCase).
package plimsoll.lib.docker

import rego.v1

name := input.metadata.name

container := sprintf("container %s", [name])

host_config := object.get(input, ["data", "HostConfig"], {})

config := object.get(input, ["data", "Config"], {})

image_config := object.get(input, "image", {}) if is_object(input.image)

image_config := {} if not is_object(input.image)

# The user the container process starts as: the container's own setting, else the image's
# default (CIS 4.1 counts both; docker-bench looks only at the container).
user := config.User if {
	is_string(config.User)
	config.User != ""
}

user := image_config.User if {
	not config_user_set
	is_string(image_config.User)
	image_config.User != ""
}

user := "" if {
	not config_user_set
	not image_user_set
}

config_user_set if {
	is_string(config.User)
	config.User != ""
}

image_user_set if {
	is_string(image_config.User)
	image_config.User != ""
}

# "0", "root", "0:0", "root:root" and an empty user all run as UID 0.
runs_as_root if user == ""

runs_as_root if {
	user != ""
	uid := split(user, ":")[0]
	uid in {"0", "root"}
}

security_opts := object.get(host_config, "SecurityOpt", [])

mounts := object.get(input, ["data", "Mounts"], [])

# Requested port bindings (all containers) and effective ones (running containers):
# [{"container": "80/tcp", "ip": "0.0.0.0", "port": "8080"}]. Docker discards the requested
# ones of a container on the host network (its ports are the host's; the host-network check
# reports that), so they are not counted there.
bindings contains {"container": cport, "ip": object.get(b, "HostIp", ""), "port": object.get(b, "HostPort", "")} if {
	object.get(host_config, "NetworkMode", "") != "host"
	some cport, list in object.get(host_config, "PortBindings", {})
	is_array(list)
	some b in list
}

bindings contains {"container": cport, "ip": object.get(b, "HostIp", ""), "port": object.get(b, "HostPort", "")} if {
	some cport, list in object.get(input, ["data", "NetworkSettings", "Ports"], {})
	is_array(list)
	some b in list
}

# Every interface: empty (Docker binds 0.0.0.0 and ::), IPv4 or IPv6 wildcard.
wildcard_ip(ip) if ip in {"", "0.0.0.0", "::", "[::]"}

# The engine (for checks that depend on what the daemon supports).
engines := object.get(data.inventory, "docker/Engine", [])

engine_security_options contains opt if {
	some e in engines
	some opt in object.get(e, ["info", "SecurityOptions"], [])
}

engine_has(feature) if {
	some opt in engine_security_options
	startswith(opt, sprintf("name=%s", [feature]))
}
