# METADATA
# title: kube-proxy serves its metrics on the loopback address only
# description: >-
#   kube-proxy's metrics endpoint bound to every address shows the node's services and traffic
#   to anyone on the network. Read from the running kube-proxy's command line (--host-root on
#   the node); when its settings come from a --config file inside its container, which is not
#   read, the check is not assessed rather than passed. CIS Kubernetes 4.3.1.
# custom:
#   id: PLM-NODE-0016
#   severity: low
#   kinds: [host/KubeProxy]
#   remediation: "Set --metrics-bind-address=127.0.0.1:10249 (or metricsBindAddress: 127.0.0.1:10249 in its configuration) and restart kube-proxy."
#   command: {"manual": "kube-proxy's arguments or configuration live in its DaemonSet or ConfigMap (kubectl -n kube-system edit configmap kube-proxy)"}
package plimsoll.host.kube_proxy_metrics_bind

import rego.v1

# 127.0.0.1:10249 when not given (kube-proxy's default).
address := object.get(input.flags, "metrics-bind-address", "127.0.0.1:10249")

# The host part of host:port, brackets of an IPv6 address removed.
host := trim(h, "[]") if {
	parts := regex.find_all_string_submatch_n(`^(.*):[0-9]*$`, address, 1)
	count(parts) == 1
	h := parts[0][1]
}

host := address if not regex.match(`:[0-9]*$`, address)

loopback if host in {"127.0.0.1", "localhost", "::1"}

deny contains v if {
	not from_config_file
	not loopback
	v := {"msg": sprintf("kube-proxy serves its metrics on %s (--metrics-bind-address)", [address]), "path": ["flags", "metrics-bind-address"]}
}

# Its settings come from a file inside its container: not judged here.
from_config_file if {
	input.flags.config
	not input.flags["metrics-bind-address"]
}

not_applicable if from_config_file
