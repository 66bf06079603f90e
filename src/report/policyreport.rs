//! Kubernetes policy reports (`--output policyreport=FILE`, `--output openreports=FILE`): the
//! results as `wgpolicyk8s.io/v1alpha2` PolicyReport objects, one set per namespace, and a
//! ClusterPolicyReport for cluster-scoped resources and for results about no one resource;
//! or the same as OpenReports (`openreports.io/v1alpha1` Report and ClusterReport, the
//! successor API: the results and summary are the same, the group and kinds differ). Read by
//! Policy Reporter, Kyverno's tooling and `kubectl get policyreports`. Validated in tests with
//! the models generated from the published CRDs (tests/reports.rs).
//!
//! The file is a YAML stream whose documents are JSON objects: `kubectl apply -f FILE` takes
//! it, and no value can be re-typed by a YAML 1.1 reader (a message `yes` stays a string).
//!
//! Results: FAIL `fail`, a waived failure `skip` (with the waiver in its properties), ERROR
//! and NOT_ASSESSED `error` (never `pass`: missing data is not compliance), PASS `pass`. At
//! most [`RESULTS_PER_REPORT`] results go in one object, so an object stays far below the
//! API server's size limit; a namespace with more has `plimsoll-2`, `plimsoll-3`, ...

use super::model::{Report, ResourceRef};
use crate::finding::Status;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// Results in one report object (each about 0.5 KB; the API server takes objects to 1.5 MB).
pub const RESULTS_PER_REPORT: usize = 1000;

/// The label every object written carries, so a later apply can find and replace them.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "plimsoll");

/// Which API the objects are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `wgpolicyk8s.io/v1alpha2` PolicyReport / ClusterPolicyReport.
    PolicyReport,
    /// `openreports.io/v1alpha1` Report / ClusterReport.
    OpenReports,
}

impl Flavour {
    fn api_version(self) -> &'static str {
        match self {
            Flavour::PolicyReport => "wgpolicyk8s.io/v1alpha2",
            Flavour::OpenReports => "openreports.io/v1alpha1",
        }
    }

    fn kind(self, namespaced: bool) -> &'static str {
        match (self, namespaced) {
            (Flavour::PolicyReport, true) => "PolicyReport",
            (Flavour::PolicyReport, false) => "ClusterPolicyReport",
            (Flavour::OpenReports, true) => "Report",
            (Flavour::OpenReports, false) => "ClusterReport",
        }
    }
}

/// The report objects: namespaced ones first (by namespace), then the cluster-wide ones.
pub fn objects(report: &Report, flavour: Flavour) -> Vec<Value> {
    let seconds = chrono::DateTime::parse_from_rfc3339(&report.scan.started_at)
        .map(|t| t.timestamp())
        .unwrap_or(0);
    // Namespace (None: cluster-wide) -> results.
    let mut groups: BTreeMap<Option<&str>, Vec<Value>> = BTreeMap::new();
    for f in &report.findings {
        let result = result_of(f.status);
        let extra = match f.status {
            Status::Waived => f
                .waiver
                .as_ref()
                .map(|w| ("waiver".to_string(), w.reason.clone())),
            Status::Error | Status::NotAssessed | Status::Manual => {
                Some(("status".to_string(), f.status.as_str().to_string()))
            }
            Status::Fail | Status::Pass => None,
        };
        let mut properties = Map::new();
        properties.insert("fingerprint".into(), json!(f.fingerprint.to_string()));
        if let Some(p) = &f.path {
            properties.insert("path".into(), json!(&**p));
        }
        if let Some(l) = f.location() {
            properties.insert("file".into(), json!(format!("{}:{}", l.file, l.line)));
        }
        if let Some((k, v)) = extra {
            properties.insert(k, json!(v));
        }
        let mut r = result_entry(
            &f.check.id,
            &f.check.title,
            f.check
                .cis
                .iter()
                .map(|c| format!("{} {}", c.benchmark, c.control)),
            f.severity.as_str(),
            result,
            &f.message,
            seconds,
            f.resource.as_deref(),
        );
        r["properties"] = Value::Object(properties);
        groups
            .entry(f.resource.as_deref().and_then(|r| r.namespace.as_deref()))
            .or_default()
            .push(r);
    }
    for p in &report.passes {
        let c = &report.checks[p.check];
        let r = result_entry(
            &c.id,
            &c.title,
            c.cis
                .iter()
                .map(|c| format!("{} {}", c.benchmark, c.control)),
            c.severity.as_str(),
            "pass",
            "",
            seconds,
            Some(&p.resource),
        );
        groups
            .entry(p.resource.namespace.as_deref())
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    // Namespaced first: BTreeMap puts None first, so take it last.
    let cluster = groups.remove(&None);
    let ordered = groups
        .into_iter()
        .chain(cluster.map(|results| (None, results)));
    for (namespace, results) in ordered {
        for (n, chunk) in results.chunks(RESULTS_PER_REPORT).enumerate() {
            let name = if n == 0 {
                "plimsoll".to_string()
            } else {
                format!("plimsoll-{}", n + 1)
            };
            let mut metadata = json!({
                "name": name,
                "labels": { MANAGED_BY.0: MANAGED_BY.1 },
            });
            if let Some(ns) = namespace {
                metadata["namespace"] = json!(ns);
            }
            let mut summary = BTreeMap::from([
                ("pass", 0u64),
                ("fail", 0),
                ("warn", 0),
                ("error", 0),
                ("skip", 0),
            ]);
            for r in chunk {
                if let Some(n) = r["result"].as_str().and_then(|k| summary.get_mut(k)) {
                    *n += 1;
                }
            }
            out.push(json!({
                "apiVersion": flavour.api_version(),
                "kind": flavour.kind(namespace.is_some()),
                "metadata": metadata,
                "summary": summary,
                "results": chunk,
            }));
        }
    }
    out
}

/// A status as a policy report result. What could not be assessed is `error` ("the policy
/// could not be evaluated"), never `pass` or `skip`; a waived failure is `skip`, as Kyverno
/// reports a failure its PolicyException allows.
fn result_of(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Waived => "skip",
        Status::Error | Status::NotAssessed | Status::Manual => "error",
    }
}

/// One result.
#[allow(clippy::too_many_arguments)]
fn result_entry(
    check: &str,
    title: &str,
    controls: impl Iterator<Item = String>,
    severity: &str,
    result: &str,
    message: &str,
    seconds: i64,
    resource: Option<&ResourceRef>,
) -> Value {
    let controls: Vec<String> = controls.collect();
    let mut r = json!({
        "source": "plimsoll",
        "policy": check,
        "rule": title,
        "result": result,
        "severity": severity,
        "scored": true,
        "timestamp": { "seconds": seconds, "nanos": 0 },
    });
    if !message.is_empty() {
        r["message"] = json!(message);
    }
    if !controls.is_empty() {
        r["category"] = json!(controls.join(", "));
    }
    if let Some(res) = resource {
        let mut reference = json!({ "kind": res.kind, "name": res.name });
        if let Some(ns) = &res.namespace {
            reference["namespace"] = json!(ns);
        }
        r["resources"] = json!([reference]);
    }
    r
}

/// Writes the objects as a YAML stream of JSON documents.
pub fn write(report: &Report, flavour: Flavour, w: &mut dyn Write) -> std::io::Result<()> {
    for (n, object) in objects(report, flavour).iter().enumerate() {
        if n > 0 {
            w.write_all(b"---\n")?;
        }
        serde_json::to_writer_pretty(&mut *w, object)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::result_of;
    use crate::finding::Status;

    #[test]
    fn what_was_not_assessed_is_an_error_never_a_pass() {
        assert_eq!(result_of(Status::NotAssessed), "error");
        assert_eq!(result_of(Status::Error), "error");
        assert_eq!(result_of(Status::Fail), "fail");
        assert_eq!(result_of(Status::Waived), "skip");
        assert_eq!(result_of(Status::Pass), "pass");
    }
}
