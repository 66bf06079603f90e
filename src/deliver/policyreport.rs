//! `--apply-reports policyreport|openreports`: the run's policy report objects (`report::policyreport`)
//! written into the cluster that was scanned, so Policy Reporter and `kubectl get
//! policyreports` show them. Server-side apply under the field manager `plimsoll` (an object
//! another tool also writes keeps that tool's fields); then the objects Plimsoll wrote before
//! (label `app.kubernetes.io/managed-by=plimsoll`) that this run did not write are deleted, so
//! a namespace whose findings are gone, or a report split in fewer parts, leaves nothing
//! stale.
//!
//! A cluster without the CRDs (Policy Reporter's or Kyverno's install brings them) answers
//! 404: that is one clear error, not a silent skip.

use crate::report::policyreport::{Flavour, MANAGED_BY};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::discovery::ApiResource;
use serde_json::Value;
use std::collections::BTreeSet;

/// Why the reports could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing policy reports to {cluster}: {why}")]
pub struct ApplyError {
    cluster: String,
    why: String,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Objects applied.
    pub applied: usize,
    /// Stale objects deleted.
    pub deleted: usize,
}

/// The API resources of a flavour: (namespaced, cluster-wide).
fn resources(flavour: Flavour) -> (ApiResource, ApiResource) {
    let make = |group: &str, version: &str, kind: &str, plural: &str| ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: format!("{group}/{version}"),
        kind: kind.into(),
        plural: plural.into(),
    };
    match flavour {
        Flavour::PolicyReport => (
            make(
                "wgpolicyk8s.io",
                "v1alpha2",
                "PolicyReport",
                "policyreports",
            ),
            make(
                "wgpolicyk8s.io",
                "v1alpha2",
                "ClusterPolicyReport",
                "clusterpolicyreports",
            ),
        ),
        Flavour::OpenReports => (
            make("openreports.io", "v1alpha1", "Report", "reports"),
            make(
                "openreports.io",
                "v1alpha1",
                "ClusterReport",
                "clusterreports",
            ),
        ),
    }
}

/// Applies `objects` (of `flavour`) through `client` and deletes the stale ones.
pub async fn apply(
    client: &kube::Client,
    cluster: &str,
    flavour: Flavour,
    objects: &[Value],
) -> Result<Applied, ApplyError> {
    let fail = |why: String| ApplyError {
        cluster: cluster.to_string(),
        why,
    };
    let (namespaced, cluster_wide) = resources(flavour);
    let params = PatchParams::apply("plimsoll").force();
    let mut written: BTreeSet<(String, Option<String>, String)> = BTreeSet::new();
    for object in objects {
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        let namespace = object["metadata"]["namespace"].as_str();
        let (api, resource): (Api<DynamicObject>, &ApiResource) = match namespace {
            Some(ns) => (
                Api::namespaced_with(client.clone(), ns, &namespaced),
                &namespaced,
            ),
            None => (Api::all_with(client.clone(), &cluster_wide), &cluster_wide),
        };
        api.patch(name, &params, &Patch::Apply(object))
            .await
            .map_err(|e| fail(explain(&e, resource)))?;
        written.insert((
            resource.plural.clone(),
            namespace.map(str::to_string),
            name.to_string(),
        ));
    }
    let mut deleted = 0;
    let selector = format!("{}={}", MANAGED_BY.0, MANAGED_BY.1);
    for resource in [&namespaced, &cluster_wide] {
        let all: Api<DynamicObject> = Api::all_with(client.clone(), resource);
        let listed = all
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| fail(explain(&e, resource)))?;
        for o in listed.items {
            let name = o.metadata.name.clone().unwrap_or_default();
            let ns = o.metadata.namespace.clone();
            if written.contains(&(resource.plural.clone(), ns.clone(), name.clone())) {
                continue;
            }
            let api: Api<DynamicObject> = match &ns {
                Some(ns) => Api::namespaced_with(client.clone(), ns, resource),
                None => Api::all_with(client.clone(), resource),
            };
            api.delete(&name, &DeleteParams::default())
                .await
                .map_err(|e| fail(explain(&e, resource)))?;
            deleted += 1;
        }
    }
    Ok(Applied {
        applied: written.len(),
        deleted,
    })
}

/// One line for a failed call; a 404 on the resource means the CRD is not installed.
fn explain(e: &kube::Error, resource: &ApiResource) -> String {
    match e {
        kube::Error::Api(s) if s.code == 404 => format!(
            "the cluster does not serve {} ({}): install the CRDs (Policy Reporter or Kyverno \
             bring them)",
            resource.plural, resource.api_version
        ),
        kube::Error::Api(s) if s.code == 403 => format!(
            "forbidden to write {} ({}): grant the scanner's service account create, patch, \
             list and delete on them (deploy/kubernetes/rbac.yaml)",
            resource.plural, resource.api_version
        ),
        other => crate::net::chain(other),
    }
}
