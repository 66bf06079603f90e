# METADATA
# title: Pods use only restricted volume types
# description: >-
#   The Pod Security Standards restricted profile allows only configMap, csi, downwardAPI,
#   emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes; other types
#   (hostPath, nfs, iscsi, ...) reach outside the pod's sandbox. Part of CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0018
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Use one of the allowed volume types; reach network storage through persistent volume claims.
package plimsoll.kubernetes.restricted_volume_types

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

allowed := {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}

deny contains v if {
    some i, vol in pod_spec.volumes
    some kind, _ in vol
    kind != "name"
    not kind in allowed
    v := {
        "msg": sprintf("volume %q has type %s, not allowed by the restricted profile", [vol.name, kind]),
        "path": sprintf("%s.volumes[%d].%s", [pod_spec_path, i, kind]),
    }
}
