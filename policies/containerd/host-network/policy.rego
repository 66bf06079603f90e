# METADATA
# title: Containers do not share the host's network namespace
# description: >-
#   A container in the host network namespace can bind any host port and reach services on the host's loopback interface. In the spec this is a missing network namespace entry, or one joined to the host's (Docker: a path ending in netns/default). CIS Docker 5.10.
# custom:
#   id: PLM-CTD-0004
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Remove --network host (hostNetwork: true in Kubernetes); publish the ports the container needs."
package plimsoll.containerd.host_network

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	containerd.host_ns("network")
	v := {"msg": sprintf("%s shares the host's network namespace", [containerd.container]), "path": ["spec", "linux", "namespaces"]}
}
