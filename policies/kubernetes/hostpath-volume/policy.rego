# METADATA
# title: Pods do not mount hostPath volumes
# description: >-
#   A hostPath volume exposes the node's filesystem to the pod; mounting /, /var/run or the
#   container runtime socket hands over the node. CIS Kubernetes 5.2.11, Pod Security Standards
#   baseline.
# custom:
#   id: PLM-K8S-0011
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Replace hostPath volumes with emptyDir, configMap, secret or persistent volume claims.
#   fix: {manual: "another volume type in place of the host path is the workload's design"}
package plimsoll.kubernetes.hostpath_volume

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    some i, vol in pod_spec.volumes
    vol.hostPath
    v := {
        "msg": sprintf("volume %q mounts host path %s", [vol.name, object.get(vol.hostPath, "path", "?")]),
        "path": sprintf("%s.volumes[%d].hostPath", [pod_spec_path, i]),
    }
}
