# METADATA
# title: Every control-plane log type is enabled
# description: >-
#   api, audit, authenticator, controllerManager and scheduler logs together explain incidents: authentication failures are only in the authenticator log. Every logging group is read, not only the first (as some tools do).
# custom:
#   id: PLM-EKS-0006
#   severity: low
#   kinds: [eks/Cluster]
#   remediation: "Enable all five log types."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --logging '{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"authenticator\",\"controllerManager\",\"scheduler\"],\"enabled\":true}]}'"
package plimsoll.eks.control_plane_logging

import data.plimsoll.lib.aws
import rego.v1

types := ["api", "audit", "authenticator", "controllerManager", "scheduler"]

deny contains v if {
	missing := [t | some t in types; not logs(t)]
	count(missing) > 0
	v := {"msg": sprintf("%s does not log %s", [aws.describe("EKS cluster"), concat(", ", missing)]), "path": ["data", "logging"]}
}

logs(t) if {
	some g in object.get(aws.d, ["logging", "clusterLogging"], [])
	g.enabled == true
	t in g.types
}
