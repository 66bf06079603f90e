# Helpers for the kubelet checks. Input is a KubeletConfiguration: either read live through
# the API server's nodes/{name}/proxy/configz (the kubelet's effective configuration, defaults
# filled in) or a config file given as a manifest (/var/lib/kubelet/config.yaml), where absent
# fields take the defaults of KubeletConfiguration v1beta1 below. Command-line flags override a
# config file and are not visible in it; configz shows their effect.
package plimsoll.lib.kubelet

import rego.v1

# The node the configuration belongs to (configz) or "this kubelet" (a file).
node := sprintf("node %s", [input.metadata.name]) if input.metadata.name
node := "this kubelet" if not input.metadata.name

# v1beta1 defaults for the fields the checks read.
defaults := {
	"anonymousEnabled": false,
	"authorizationMode": "Webhook",
	"readOnlyPort": 0,
	"streamingConnectionIdleTimeout": "4h0m0s",
	"makeIPTablesUtilChains": true,
	"eventRecordQPS": 50,
	"rotateCertificates": false,
	"podPidsLimit": -1,
	"seccompDefault": false,
	"serverTLSBootstrap": false,
}

anonymous_enabled := object.get(input, ["authentication", "anonymous", "enabled"], defaults.anonymousEnabled)

authorization_mode := object.get(input, ["authorization", "mode"], defaults.authorizationMode)

setting(name) := object.get(input, name, defaults[name])

# A Go duration string is zero when it has no non-zero digit ("0", "0s", "0m0s").
zero_duration(d) if {
	is_string(d)
	not regex.match(`[1-9]`, d)
}

zero_duration(d) if d == 0
