# METADATA
# title: Pods do not set custom SELinux users, roles or types
# description: >-
#   Setting an SELinux user or role, or a type other than the container types, can lift the
#   confinement SELinux gives containers. Pod Security Standards baseline; part of CIS
#   Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0015
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove seLinuxOptions.user and role, and use only container_t, container_init_t, container_kvm_t or container_engine_t as type.
#   fix: {remove: true}
package plimsoll.kubernetes.selinux_options

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.pod_security_context
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

sources contains s if {
    opts := pod_security_context.seLinuxOptions
    s := {"opts": opts, "path": sprintf("%s.securityContext.seLinuxOptions", [pod_spec_path]), "who": "pod"}
}

sources contains s if {
    some c in containers
    opts := c.sc.seLinuxOptions
    s := {"opts": opts, "path": sprintf("%s.securityContext.seLinuxOptions", [c.path]), "who": sprintf("container %q", [c.name])}
}

deny contains v if {
    some s in sources
    not object.get(s.opts, "type", "") in allowed_types
    v := {
        "msg": sprintf("%s sets SELinux type %q", [s.who, s.opts.type]),
        "path": [s.path, "type"],
    }
}

deny contains v if {
    some s in sources
    some field in ["user", "role"]
    object.get(s.opts, field, "") != ""
    v := {
        "msg": sprintf("%s sets SELinux %s %q", [s.who, field, s.opts[field]]),
        "path": [s.path, field],
    }
}
