# METADATA
# title: Secrets are mounted as files, not environment variables
# description: >-
#   Environment variables leak into logs, crash dumps, child processes and `kubectl describe`;
#   secrets mounted as files do not, and they update without a restart. CIS Kubernetes 5.4.1.
# custom:
#   id: PLM-K8S-0028
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Mount the Secret as a volume and read it from a file instead of env valueFrom.secretKeyRef or envFrom.secretRef.
#   fix: {manual: "mounting the secret as a file changes how the application reads it"}
package plimsoll.kubernetes.secrets_in_env

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    some i, env in c.container.env
    ref := env.valueFrom.secretKeyRef
    v := {
        "msg": sprintf("container %q reads secret %s into environment variable %s", [c.name, object.get(ref, "name", "?"), env.name]),
        "path": sprintf("%s.env[%d].valueFrom.secretKeyRef", [c.path, i]),
    }
}

deny contains v if {
    some c in containers
    some i, src in c.container.envFrom
    ref := src.secretRef
    v := {
        "msg": sprintf("container %q loads secret %s into its environment", [c.name, object.get(ref, "name", "?")]),
        "path": sprintf("%s.envFrom[%d].secretRef", [c.path, i]),
    }
}
