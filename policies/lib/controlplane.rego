# Helpers for the control-plane checks. Input is a component of the control plane as its
# static pod shows it (src/snapshot/control_plane.rs): `component` is the binary
# (kube-apiserver, kube-controller-manager, kube-scheduler, etcd), `pod` the pod's name, and
# `flags` its command-line flags by name (`--name=value`, `--name value`, a bare `--name` as
# "true"; the last of a repeated flag), each value a string as the component reads it. An etcd
# setting in an ETCD_* variable makes the component unreadable (its value is masked), so no
# check here sees a flag as absent that etcd reads from its environment.
package plimsoll.lib.controlplane

import rego.v1

flags := object.get(input, "flags", {})

# "kube-apiserver (pod kube-apiserver-cp1)" for messages.
component := sprintf("%s (pod %s)", [input.component, input.pod])

# The flag's value, undefined when the flag is not given.
value(name) := flags[name]

# The flag is given with a value other than the empty string.
set(name) if flags[name] != ""

# The flag's comma-separated list holds `item` (admission plugins, authorization modes).
lists(name, item) if item in split(flags[name], ",")

# The violation for a flag: its message, at the flag (or the pod when it is not given).
at(name, msg) := {"msg": sprintf("%s %s", [component, msg]), "path": ["flags", name]} if flags[name]

at(name, msg) := {"msg": sprintf("%s %s", [component, msg])} if not flags[name]

# A boolean flag as Go's strconv.ParseBool reads it.
true_value(v) if lower(v) in {"1", "t", "true"}

false_value(v) if lower(v) in {"0", "f", "false"}

# A whole number at least `min`; a value that is not a number fails.
at_least(name, min) if to_number(flags[name]) >= min
