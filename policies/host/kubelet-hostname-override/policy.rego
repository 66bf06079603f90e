# METADATA
# title: The kubelet does not override its hostname
# description: >-
#   With --hostname-override the node's name differs from its hostname, and TLS between the
#   API server and the kubelet can fail verification or be set up to skip it. The flag has no
#   field in the kubelet configuration that configz returns: it is read from the running
#   kubelet's command line (--host-root on the node). CIS Kubernetes 4.2.7.
# custom:
#   id: PLM-NODE-0015
#   severity: low
#   kinds: [host/Kubelet]
#   remediation: Remove --hostname-override from the kubelet's arguments (its systemd drop-in or KUBELET_EXTRA_ARGS) and restart the kubelet; on clouds that need it, waive this check.
#   command: {"manual": "the flag comes from the kubelet's systemd drop-in or an environment file, which differ by distribution"}
package plimsoll.host.kubelet_hostname_override

import rego.v1

deny contains v if {
	name := input.flags["hostname-override"]
	name != ""
	v := {"msg": sprintf("the kubelet overrides its hostname (--hostname-override=%s)", [name]), "path": ["flags", "hostname-override"]}
}
