# METADATA
# title: Probes and lifecycle hooks do not name a host
# description: >-
#   A probe or lifecycle hook with a host makes the kubelet connect to that address from the
#   node's network, past network policies: a way to reach the node's own services or other
#   hosts. The Pod Security Standards baseline forbids the host field from policy version 1.34.
# custom:
#   id: PLM-K8S-0079
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove host from the probe's or hook's httpGet or tcpSocket; it then targets the pod's own IP.
#   fix: {remove: true}
package plimsoll.kubernetes.probe_host

import data.plimsoll.lib.kubernetes.containers
import rego.v1

handlers := [
	["livenessProbe", "httpGet"], ["livenessProbe", "tcpSocket"],
	["readinessProbe", "httpGet"], ["readinessProbe", "tcpSocket"],
	["startupProbe", "httpGet"], ["startupProbe", "tcpSocket"],
	["lifecycle.postStart", "httpGet"], ["lifecycle.postStart", "tcpSocket"],
	["lifecycle.preStop", "httpGet"], ["lifecycle.preStop", "tcpSocket"],
]

deny contains v if {
	some c in containers
	some [where, kind] in handlers
	host := object.get(c.container, array.concat(split(where, "."), [kind, "host"]), "")
	host != ""
	v := {
		"msg": sprintf("container %q %s %s targets host %s", [c.name, where, kind, host]),
		"path": [c.path, where, kind, "host"],
	}
}
