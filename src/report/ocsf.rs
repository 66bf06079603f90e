//! OCSF (`--output ocsf=FILE`): Open Cybersecurity Schema Framework 1.5.0 Compliance Finding
//! events (class 2003), as JSON Lines, for SIEMs and data lakes (Amazon Security Lake, Splunk,
//! Sentinel). Validated in tests against the published 1.5.0 schema (tests/reports.rs).
//!
//! One event per finding of the report (FAIL, WAIVED, ERROR, NOT_ASSESSED), one per
//! benchmark control result when a benchmark was selected, and, when the state store compared
//! the run with the previous one, one `Close` event per failing finding that is gone. A
//! finding's `finding_info.uid` is stable across runs (its scope and fingerprint), so a
//! consumer updates the finding it already holds, and the `Close` event names the same uid.
//!
//! Missing data is never a pass here either: ERROR and NOT_ASSESSED findings carry compliance
//! status `Unknown` with the reason, never `Pass`.

use super::model::{BaselineState, FindingOut, Report};
use crate::finding::{Severity, Status};
use serde_json::{Value, json};
use std::io::Write;

/// The OCSF version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";
/// Compliance Finding.
const CLASS_UID: u64 = 2003;
/// The Findings category.
const CATEGORY_UID: u64 = 2;

/// Activity: a finding first seen, seen again, or gone.
#[derive(Clone, Copy)]
enum Activity {
    Create = 1,
    Update = 2,
    Close = 3,
}

/// A finding's stable id: its scope and fingerprint, hashed so that the scope (a cluster
/// server URL, manifest paths) is not spelled out in every event. Shared with the Security Hub
/// output, whose `Id` carries it too.
pub fn finding_uid(scope: &str, fingerprint: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(scope.as_bytes());
    h.update([0]);
    h.update(fingerprint.as_bytes());
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the events, one JSON object per line.
pub fn write(report: &Report, scope: &str, w: &mut dyn Write) -> std::io::Result<()> {
    let time = millis(&report.scan.started_at).unwrap_or(0);
    let metadata = json!({
        "version": OCSF_VERSION,
        "product": {
            "name": "Plimsoll",
            "vendor_name": "Plimsoll",
            "version": report.tool.version,
            "url_string": crate::HOMEPAGE,
        },
        "log_name": scope,
    });
    let standards = standards(report);
    let name_standard = |id: &str| standard_name(report, id);
    for f in &report.findings {
        let selected = report.compliance.as_ref().map(|c| c.benchmark.as_str());
        let event = finding_event(f, scope, time, &metadata, &name_standard, selected);
        serde_json::to_writer(&mut *w, &event)?;
        w.write_all(b"\n")?;
    }
    if let Some(comp) = &report.compliance {
        let standard = format!("{} v{}", comp.title, comp.version);
        for c in &comp.controls {
            let severity = c
                .checks
                .iter()
                .filter_map(|id| report.checks.iter().find(|k| &k.id == id))
                .map(|k| k.severity)
                .max()
                .unwrap_or(Severity::Info);
            let (compliance_status, status_id) = compliance_status(c.status);
            let uid = finding_uid(scope, &format!("control/{}/{}", comp.benchmark, c.id));
            let mut event = base(Activity::Update, time, severity, &metadata);
            event["status"] = json!(c.status.as_str());
            event["status_code"] = json!(c.status.as_str());
            event["status_id"] = json!(1);
            event["message"] = json!(format!("{} {}: {}", c.id, c.title, c.status.as_str()));
            event["finding_info"] = json!({
                "uid": uid,
                "title": format!("{} {}", c.id, c.title),
                "desc": c.section,
                "types": ["Control"],
            });
            let mut compliance = json!({
                "control": c.id,
                "standards": [standard],
                "requirements": [format!("{} {}", comp.benchmark, c.id)],
                "status": compliance_status,
                "status_id": status_id,
                "checks": c.checks.iter().map(|id| json!({"uid": id})).collect::<Vec<_>>(),
            });
            if let Some(reason) = &c.reason {
                compliance["status_details"] = json!([reason]);
            }
            event["compliance"] = compliance;
            event["unmapped"] = json!({
                "benchmark": comp.benchmark,
                "level": c.level,
                "passed": c.passed,
                "failed": c.failed,
                "waived": c.waived,
            });
            serde_json::to_writer(&mut *w, &event)?;
            w.write_all(b"\n")?;
        }
    }
    if let Some(d) = &report.drift {
        for r in &d.resolved {
            let severity =
                serde_json::from_value::<Severity>(json!(r.severity)).unwrap_or(Severity::Info);
            let mut event = base(Activity::Close, time, severity, &metadata);
            event["status"] = json!("Resolved");
            event["status_code"] = json!(Status::Pass.as_str());
            event["status_id"] = json!(4);
            event["message"] = json!(format!("no longer found: {}", r.message));
            let mut info = json!({
                "uid": finding_uid(scope, &r.fingerprint),
                "title": r.check_id,
                "desc": r.message,
                "types": ["Check"],
            });
            if let Some(first) = millis(&r.first_seen) {
                info["first_seen_time"] = json!(first);
            }
            event["finding_info"] = info;
            event["compliance"] = json!({
                "control": r.check_id,
                "standards": standards,
                "status": "Pass",
                "status_id": 1,
                "checks": [{"uid": r.check_id, "status": "Pass", "status_id": 1}],
            });
            event["resources"] = json!([{ "uid": r.resource_id }]);
            event["unmapped"] = json!({ "fingerprint": r.fingerprint, "scope": scope });
            serde_json::to_writer(&mut *w, &event)?;
            w.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The control a finding's check backs: in the selected benchmark if it maps to one there,
/// else its first CIS reference, else the check itself.
fn control_of<'a>(f: &'a FindingOut, selected: Option<&str>) -> &'a str {
    f.check
        .cis
        .iter()
        .find(|c| Some(c.benchmark.as_str()) == selected)
        .or(f.check.cis.first())
        .map_or(&*f.check.id, |c| c.control.as_str())
}

/// The event for one finding.
fn finding_event(
    f: &FindingOut,
    scope: &str,
    time: i64,
    metadata: &Value,
    name_standard: &dyn Fn(&str) -> String,
    selected: Option<&str>,
) -> Value {
    let activity = match f.baseline_state {
        Some(BaselineState::Unchanged) => Activity::Update,
        _ => Activity::Create,
    };
    let mut event = base(activity, time, f.severity, metadata);
    let fingerprint = f.fingerprint.to_string();
    let (compliance_status, compliance_id) = compliance_status(f.status);
    event["status"] = json!(match f.status {
        Status::Waived => "Suppressed",
        _ => "New",
    });
    event["status_id"] = json!(if f.status == Status::Waived { 3 } else { 1 });
    event["status_code"] = json!(f.status.as_str());
    event["message"] = json!(&*f.message);
    let mut info = json!({
        "uid": finding_uid(scope, &fingerprint),
        "title": &*f.check.title,
        "desc": &*f.message,
        "types": ["Check"],
        "src_url": crate::check_doc_url(&f.check.id),
    });
    if let Some(first) = f.first_seen.as_deref().and_then(millis) {
        info["first_seen_time"] = json!(first);
        info["last_seen_time"] = json!(time);
    }
    event["finding_info"] = info;
    let mut compliance = json!({
        "control": control_of(f, selected),
        "standards": f.check.cis.iter().map(|c| name_standard(&c.benchmark)).collect::<std::collections::BTreeSet<_>>(),
        "requirements": f.check.cis.iter().map(|c| format!("{} {}", c.benchmark, c.control)).collect::<Vec<_>>(),
        "status": compliance_status,
        "status_id": compliance_id,
        "checks": [{
            "uid": &*f.check.id,
            "name": &*f.check.title,
            "severity": caption(f.severity),
            "severity_id": severity_id(f.severity),
            "status": compliance_status,
            "status_id": compliance_id,
        }],
    });
    if matches!(f.status, Status::Error | Status::NotAssessed) {
        compliance["status_details"] = json!([&*f.message]);
    }
    if let Some(w) = &f.waiver {
        compliance["status_details"] = json!([format!("waived: {}", w.reason)]);
    }
    event["compliance"] = compliance;
    if let Some(r) = &f.resource {
        let mut resource = json!({
            "uid": r.id,
            "name": r.name,
            "type": r.kind,
        });
        if let Some(ns) = &r.namespace {
            resource["namespace"] = json!(ns);
        }
        event["resources"] = json!([resource]);
    }
    event["remediation"] = json!({
        "desc": f.remediation_text(),
        "references": [crate::check_doc_url(&f.check.id)],
    });
    let mut unmapped = json!({ "fingerprint": fingerprint, "scope": scope });
    if let Some(p) = &f.path {
        unmapped["path"] = json!(&**p);
    }
    if let Some(l) = f.location() {
        unmapped["file"] = json!(l.file);
        unmapped["line"] = json!(l.line);
    }
    event["unmapped"] = unmapped;
    event
}

/// The fields every event has.
fn base(activity: Activity, time: i64, severity: Severity, metadata: &Value) -> Value {
    let activity_id = activity as u64;
    json!({
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": activity_id,
        "activity_name": match activity {
            Activity::Create => "Create",
            Activity::Update => "Update",
            Activity::Close => "Close",
        },
        "type_uid": CLASS_UID * 100 + activity_id,
        "time": time,
        "severity_id": severity_id(severity),
        "severity": caption(severity),
        "metadata": metadata,
    })
}

/// The benchmarks named by the report's checks, as "Title vVersion" where the report knows
/// them (the selected benchmark), else the benchmark id.
fn standards(report: &Report) -> Vec<String> {
    let mut ids: Vec<&str> = report
        .checks
        .iter()
        .flat_map(|c| c.cis.iter().map(|r| r.benchmark.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| standard_name(report, id))
        .collect()
}

fn standard_name(report: &Report, id: &str) -> String {
    match &report.compliance {
        Some(c) if c.benchmark == id => format!("{} v{}", c.title, c.version),
        _ => id.to_string(),
    }
}

/// The compliance object's status and status id for a result: Pass 1, Fail 3 (a waived
/// failure is still a failure of the control's requirement), Unknown 0 for what could not be
/// assessed or needs a person.
fn compliance_status(s: Status) -> (&'static str, u64) {
    match s {
        Status::Pass => ("Pass", 1),
        Status::Fail | Status::Waived => ("Fail", 3),
        Status::Error | Status::NotAssessed | Status::Manual => ("Unknown", 0),
    }
}

fn severity_id(s: Severity) -> u64 {
    match s {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn caption(s: Severity) -> &'static str {
    match s {
        Severity::Info => "Informational",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// Milliseconds since the epoch of an RFC 3339 time (OCSF timestamps are in ms).
fn millis(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::finding_uid;

    #[test]
    fn a_finding_uid_depends_on_scope_and_fingerprint_only() {
        let a = finding_uid("k8s:prod@https://x", "0123456789abcdef");
        assert_eq!(a, finding_uid("k8s:prod@https://x", "0123456789abcdef"));
        assert_ne!(a, finding_uid("k8s:dev@https://x", "0123456789abcdef"));
        assert_eq!(a.len(), 32);
    }
}
