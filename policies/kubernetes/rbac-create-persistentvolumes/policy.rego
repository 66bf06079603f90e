# METADATA
# title: Roles do not grant creating persistent volumes
# description: >-
#   A subject that can create PersistentVolumes can create one with a hostPath and mount the node's filesystem. CIS Kubernetes 5.1.9.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0047
#   severity: medium
#   kinds: [kubernetes/ClusterRole]
#   remediation: Let users create PersistentVolumeClaims against StorageClasses instead of PersistentVolumes.
package plimsoll.kubernetes.rbac_create_persistentvolumes

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {""}, {"persistentvolumes"}, {"create"})
    v := {
        "msg": sprintf("%s %s can create persistent volumes", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
