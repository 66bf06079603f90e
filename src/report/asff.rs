//! AWS Security Finding Format (`--output asff=FILE`, and the findings `--security-hub`
//! imports): the ASFF 2018-10-08 findings of a run, for AWS Security Hub CSPM's
//! `BatchImportFindings` (`aws securityhub batch-import-findings --findings file://FILE`
//! takes the file as written).
//!
//! * `Id` is stable per account, scope, resource and check (`plimsoll/ACCOUNT/UID`, UID being
//!   the OCSF output's finding uid), so a re-run updates the finding instead of adding one.
//! * A failing finding of the previous run that is gone (the state store's comparison) is sent
//!   again with `Compliance.Status` `PASSED`, which Security Hub turns into workflow RESOLVED;
//!   when its resource is gone too, `RecordState` is `ARCHIVED`.
//! * ERROR and NOT_ASSESSED are `NOT_AVAILABLE`, never `PASSED`.
//! * Strings are cut to the documented maximum lengths (Title 256, Description 1,024,
//!   Recommendation 512 characters), and [`batches`] keeps a call within 100 findings and
//!   6 MB.

use super::model::{FindingOut, Report};
use super::ocsf::finding_uid;
use crate::finding::{Severity, Status};
use serde_json::{Value, json};

/// The ASFF schema version.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// Findings per `BatchImportFindings` call.
pub const MAX_FINDINGS_PER_CALL: usize = 100;
/// Bytes per call (the documented 6 MB, with room for the envelope).
pub const MAX_BYTES_PER_CALL: usize = 6 * 1000 * 1000 - 1024;

/// Where the findings go: the account they belong to and the Region of its hub.
#[derive(Debug, Clone)]
pub struct Target {
    /// The 12-digit account id (`AwsAccountId`; the account that calls the import).
    pub account: String,
    /// The Region of the hub.
    pub region: String,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
}

impl Target {
    /// The default product ARN of the account's own findings.
    pub fn product_arn(&self) -> String {
        format!(
            "arn:{}:securityhub:{}:{}:product/{}/default",
            self.partition, self.region, self.account, self.account
        )
    }
}

/// The findings of the report, then the resolved ones, as ASFF objects.
pub fn findings(report: &Report, scope: &str, target: &Target) -> Vec<Value> {
    let now = &report.scan.started_at;
    let mut out: Vec<Value> = report
        .findings
        .iter()
        .map(|f| finding(f, report, scope, target, now))
        .collect();
    if let Some(d) = &report.drift {
        for r in &d.resolved {
            let uid = finding_uid(scope, &r.fingerprint);
            let gone = d.resources.removed.iter().any(|id| id == &r.resource_id);
            let severity =
                serde_json::from_value::<Severity>(json!(r.severity)).unwrap_or(Severity::Info);
            out.push(json!({
                "SchemaVersion": SCHEMA_VERSION,
                "Id": format!("plimsoll/{}/{uid}", target.account),
                "ProductArn": target.product_arn(),
                "ProductName": "Plimsoll",
                "CompanyName": "Plimsoll",
                "GeneratorId": format!("plimsoll/{}", r.check_id),
                "AwsAccountId": target.account,
                "Region": target.region,
                "Types": [TYPE],
                "CreatedAt": if r.first_seen.is_empty() { now } else { &r.first_seen },
                "UpdatedAt": now,
                "LastObservedAt": now,
                "Severity": { "Label": label(severity), "Original": severity.as_str() },
                "FindingProviderFields": { "Severity": { "Label": label(severity), "Original": severity.as_str() }, "Types": [TYPE] },
                "Title": cut(&format!("{}: no longer found", r.check_id), 256),
                "Description": cut(&r.message, 1024),
                "Compliance": { "Status": "PASSED" },
                "RecordState": if gone { "ARCHIVED" } else { "ACTIVE" },
                "Resources": [resource(&r.resource_id, None, target)],
                "ProductFields": {
                    "plimsoll/fingerprint": r.fingerprint,
                    "plimsoll/scope": cut(scope, 2048),
                },
            }));
        }
    }
    out
}

/// The finding type of every Plimsoll finding (ASFF's taxonomy: namespace/category).
const TYPE: &str = "Software and Configuration Checks/Industry and Regulatory Standards";

/// One finding.
fn finding(f: &FindingOut, report: &Report, scope: &str, target: &Target, now: &str) -> Value {
    let fingerprint = f.fingerprint.to_string();
    let uid = finding_uid(scope, &fingerprint);
    let compliance = match f.status {
        Status::Fail | Status::Waived => "FAILED",
        Status::Pass => "PASSED",
        Status::Error | Status::NotAssessed | Status::Manual => "NOT_AVAILABLE",
    };
    let requirements: Vec<String> = f
        .check
        .cis
        .iter()
        .take(32)
        .map(|c| {
            cut(
                &format!("{}/{}", standard(report, &c.benchmark), c.control),
                256,
            )
        })
        .collect();
    let mut compliance = json!({ "Status": compliance });
    if !requirements.is_empty() {
        compliance["RelatedRequirements"] = json!(requirements);
    }
    let mut product_fields = serde_json::Map::new();
    product_fields.insert("plimsoll/fingerprint".into(), json!(fingerprint));
    product_fields.insert("plimsoll/check".into(), json!(&*f.check.id));
    product_fields.insert("plimsoll/status".into(), json!(f.status.as_str()));
    product_fields.insert("plimsoll/scope".into(), json!(cut(scope, 2048)));
    if let Some(p) = &f.path {
        product_fields.insert("plimsoll/path".into(), json!(cut(p, 2048)));
    }
    if let Some(w) = &f.waiver {
        product_fields.insert("plimsoll/waiver".into(), json!(cut(&w.reason, 2048)));
    }
    // A command is given whole or not at all: a cut one would run as a different command.
    let command = f.command();
    if let Some(c) = command.as_deref().filter(|c| c.chars().count() <= 2048) {
        product_fields.insert("plimsoll/command".into(), json!(c));
    }
    let severity = json!({ "Label": label(f.severity), "Original": f.severity.as_str() });
    let resource_id = f.resource.as_ref().map_or("", |r| r.id.as_str());
    json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": format!("plimsoll/{}/{uid}", target.account),
        "ProductArn": target.product_arn(),
        "ProductName": "Plimsoll",
        "CompanyName": "Plimsoll",
        "GeneratorId": format!("plimsoll/{}", f.check.id),
        "AwsAccountId": target.account,
        "Region": target.region,
        "Types": [TYPE],
        "CreatedAt": f.first_seen.as_deref().unwrap_or(now),
        "UpdatedAt": now,
        "FirstObservedAt": f.first_seen.as_deref().unwrap_or(now),
        "LastObservedAt": now,
        "Severity": severity,
        "FindingProviderFields": { "Severity": severity, "Types": [TYPE] },
        "Title": cut(&f.check.title, 256),
        "Description": cut(&f.message, 1024),
        "Remediation": { "Recommendation": {
            "Text": recommendation(&f.check.remediation, command.as_deref()),
            "Url": crate::check_doc_url(&f.check.id),
        }},
        "SourceUrl": crate::check_doc_url(&f.check.id),
        "Compliance": compliance,
        "RecordState": "ACTIVE",
        "Resources": [resource(if resource_id.is_empty() { &f.check.id } else { resource_id },
            f.resource.as_ref().map(|r| r.kind.as_str()), target)],
        "ProductFields": product_fields,
    })
}

/// A resource: AWS ones by their ARN and ASFF type, the others as `Other` with the Plimsoll
/// id (a Kubernetes object, a container, a file).
fn resource(id: &str, kind: Option<&str>, target: &Target) -> Value {
    let kind = match kind {
        Some("Repository") if id.starts_with("arn:") => "AwsEcrRepository",
        Some("Cluster") if id.contains(":eks:") => "AwsEksCluster",
        Some("Cluster") if id.contains(":ecs:") => "AwsEcsCluster",
        Some("Service") if id.contains(":ecs:") => "AwsEcsService",
        Some("TaskDefinition") if id.contains(":ecs:") => "AwsEcsTaskDefinition",
        _ => "Other",
    };
    json!({
        "Type": kind,
        "Id": cut(id, 512),
        "Partition": target.partition,
        "Region": target.region,
    })
}

/// The benchmark's name where the report knows it (the selected one), else its id.
fn standard(report: &Report, id: &str) -> String {
    match &report.compliance {
        Some(c) if c.benchmark == id => format!("{} v{}", c.title, c.version),
        _ => id.to_string(),
    }
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// The recommendation: the remediation with its command when both fit in ASFF's 512
/// characters, else the remediation alone (the command is in `ProductFields` then): a cut
/// command would run as a different one.
fn recommendation(remediation: &str, command: Option<&str>) -> String {
    if let Some(c) = command {
        let text = format!("{remediation} Run: {c}");
        if text.chars().count() <= 512 {
            return text;
        }
    }
    cut(remediation, 512)
}

/// At most `max` characters, cut at a character boundary, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The findings in calls: at most [`MAX_FINDINGS_PER_CALL`] and [`MAX_BYTES_PER_CALL`] each,
/// each call's body as `{"Findings": [...]}` text.
pub fn batches(findings: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = 0;
    for f in findings {
        let text = f.to_string();
        if !current.is_empty()
            && (current.len() == MAX_FINDINGS_PER_CALL
                || size + text.len() + 1 > MAX_BYTES_PER_CALL)
        {
            out.push(format!("{{\"Findings\":[{}]}}", current.join(",")));
            current.clear();
            size = 0;
        }
        size += text.len() + 1;
        current.push(text);
    }
    if !current.is_empty() {
        out.push(format!("{{\"Findings\":[{}]}}", current.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{MAX_BYTES_PER_CALL, batches, cut};
    use serde_json::json;

    #[test]
    fn long_texts_are_cut_at_a_character_boundary() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("ééééé", 3), "éé…");
        assert_eq!(cut("ééééé", 3).chars().count(), 3);
    }

    #[test]
    fn calls_hold_at_most_100_findings_and_6_mb() {
        let small: Vec<_> = (0..250).map(|i| json!({ "Id": i })).collect();
        let calls = batches(&small);
        assert_eq!(calls.len(), 3);
        let first: serde_json::Value = serde_json::from_str(&calls[0]).unwrap();
        assert_eq!(first["Findings"].as_array().unwrap().len(), 100);
        let big: Vec<_> = (0..60)
            .map(|i| json!({ "Id": i, "Description": "x".repeat(200_000) }))
            .collect();
        let calls = batches(&big);
        assert!(calls.iter().all(|c| c.len() <= MAX_BYTES_PER_CALL + 1024));
        assert_eq!(calls.len(), 3, "29 findings of 200 KB fit in 6 MB");
        let n: usize = calls
            .iter()
            .map(|c| {
                serde_json::from_str::<serde_json::Value>(c).unwrap()["Findings"]
                    .as_array()
                    .unwrap()
                    .len()
            })
            .sum();
        assert_eq!(n, 60);
    }
}
