# METADATA
# title: The cluster creator is not an implicit administrator
# description: >-
#   bootstrapClusterCreatorAdminPermissions gives whoever created the cluster permanent, invisible cluster-admin. Grant administrators through access entries instead, where they are listed and can be revoked.
# custom:
#   id: PLM-EKS-0010
#   severity: low
#   kinds: [eks/Cluster]
#   remediation: "Create the cluster with bootstrapClusterCreatorAdminPermissions false and an explicit access entry for the administrators."
#   command: {"manual": "set at creation: give the administrators access entries, then remove the creator's (aws eks delete-access-entry)"}
package plimsoll.eks.creator_admin

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.accessConfig.bootstrapClusterCreatorAdminPermissions == true
	v := {"msg": sprintf("%s makes its creator an implicit cluster-admin", [aws.describe("EKS cluster")]), "path": ["data", "accessConfig", "bootstrapClusterCreatorAdminPermissions"]}
}
