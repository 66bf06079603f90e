//! SARIF 2.1.0 for code scanning. One run (GitHub no longer merges several runs of one
//! upload), one rule per selected check, one result per FAIL or WAIVED finding. Manifest
//! findings carry a physical location (file, line and column of the offending field); every
//! finding also carries a logical location, the resource id. GitHub rejects the whole upload
//! when one result lacks a physical location ("locationFromSarifResult: expected at least one
//! location"), and the SARIF Multitool does not check that; so a live resource, which has no
//! file, gets its resource id as a relative artifact URI (`k8s/prod/default/Deployment/web`),
//! the way image scanners name the image. NOT_ASSESSED checks, policy errors and collection problems are tool execution
//! notifications, not results: they are not findings in the code, but they must not vanish.
//!
//! Validated in the tests by the Microsoft SARIF Multitool with GitHub's rules.

use super::model::{BaselineState, FindingOut, Report, Summary, WaiverSource};
use crate::finding::{Severity, Status};
use crate::snapshot::IssueLevel;
use serde::Serialize;
use serde_json::{Value, json};
use std::cell::Cell;

/// SARIF `level` for a severity: GitHub shows errors and warnings as alerts.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a 0-10 score as a string): over 9 critical, 7-8.9 high,
/// 4-6.9 medium, below 4 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.5",
    }
}

/// `Containers do not run privileged` -> `ContainersDoNotRunPrivileged` (SARIF rule names are
/// identifiers).
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A file path as given on the command line -> a SARIF URI: relative paths stay relative
/// (code scanning resolves them against the repository root), absolute ones become `file://`
/// URIs; characters outside RFC 3986's unreserved set and `/` are percent-encoded.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule(c: &super::model::CheckOut) -> Value {
    let url = crate::check_doc_url(&c.id);
    let cis_text: Vec<String> = c
        .cis
        .iter()
        .map(|r| format!("{} {} (Level {})", r.benchmark, r.control, r.level))
        .collect();
    let mut tags = vec!["security".to_string(), "compliance".to_string()];
    for k in &c.kinds {
        if let Some((source, _)) = k.split_once('/')
            && !tags.iter().any(|t| t == source)
        {
            tags.push(source.to_string());
        }
    }
    for r in c.cis.iter() {
        tags.push(format!("{}/{}", r.benchmark, r.control));
        let level = format!("cis-level-{}", r.level);
        if !tags.contains(&level) {
            tags.push(level);
        }
    }
    let cis_line = if cis_text.is_empty() {
        String::new()
    } else {
        format!("\n\nCIS: {}.", cis_text.join("; "))
    };
    let description = if c.description.is_empty() {
        c.title.to_string()
    } else {
        c.description.clone()
    };
    json!({
        "id": c.id,
        "name": rule_name(&c.title),
        "shortDescription": {"text": c.title.as_ref()},
        "fullDescription": {"text": description},
        "help": {
            "text": format!("{description}\n\nRemediation: {}{cis_line}", c.remediation),
            "markdown": format!(
                "**{}**\n\n{description}\n\n**Remediation:** {}{}\n\n[{} in the Plimsoll check reference]({url})",
                c.title,
                c.remediation,
                cis_line.replace("CIS:", "**CIS:**"),
                c.id
            ),
        },
        "helpUri": url,
        "defaultConfiguration": {"level": level(c.severity)},
        "properties": {
            "tags": tags,
            "security-severity": security_severity(c.severity),
            "precision": "high",
            "problem.severity": level(c.severity),
            "plimsollSeverity": c.severity.as_str(),
            "cis": c.cis.as_ref(),
        },
    })
}

fn locations(f: &FindingOut) -> Vec<Value> {
    let mut loc = serde_json::Map::new();
    match (&f.location(), &f.resource) {
        (Some(l), _) if l.file != crate::collect::manifests::STDIN => {
            loc.insert(
                "physicalLocation".into(),
                json!({
                    "artifactLocation": {"uri": file_uri(l.file)},
                    "region": {"startLine": l.line, "startColumn": l.column},
                }),
            );
        }
        (_, Some(r)) => {
            loc.insert(
                "physicalLocation".into(),
                json!({
                    "artifactLocation": {"uri": file_uri(&r.id)},
                    "region": {"startLine": 1},
                }),
            );
        }
        _ => {}
    }
    if let Some(r) = &f.resource {
        let mut logical = json!({
            "name": r.name,
            "fullyQualifiedName": r.id,
            "kind": "resource",
        });
        if let Some(p) = &f.path {
            logical["decoratedName"] = json!(format!("{}/{}: {p}", r.kind, r.name));
        }
        loc.insert("logicalLocations".into(), json!([logical]));
    }
    if loc.is_empty() {
        Vec::new()
    } else {
        vec![Value::Object(loc)]
    }
}

/// A JSON array whose items are made one at a time while it is written: a run with 100,000s
/// of results never holds them all as values.
struct LazySeq<F>(Cell<Option<F>>);

impl<F, I> Serialize for LazySeq<F>
where
    F: FnOnce() -> I,
    I: Iterator<Item = Value>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let items = self
            .0
            .take()
            .ok_or_else(|| S::Error::custom("results written twice"))?;
        s.collect_seq(items())
    }
}

#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R> {
    tool: Value,
    invocations: [Value; 1],
    column_kind: &'static str,
    results: R,
    properties: RunProperties,
}

#[derive(Serialize)]
struct RunProperties {
    summary: Summary,
    benchmark: Option<String>,
}

/// The SARIF result of a FAIL or WAIVED finding; None for the others (notifications).
fn result(f: &FindingOut, index: &std::collections::HashMap<&str, usize>) -> Option<Value> {
    if !matches!(f.status, Status::Fail | Status::Waived) {
        return None;
    }
    let mut r = json!({
        "kind": "fail",
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": locations(f),
        "partialFingerprints": {"plimsollFingerprint/v1": f.fingerprint},
        "properties": {"severity": f.severity.as_str()},
    });
    r["ruleId"] = json!(f.check.id);
    if let Some(i) = index.get(&*f.check.id) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(p) = &f.path {
        r["properties"]["path"] = json!(p);
    }
    if let Some(res) = &f.resource {
        r["properties"]["resource"] = json!(res.id);
    }
    if let Some(c) = f.command() {
        r["properties"]["command"] = json!(c);
    }
    if let Some(w) = &f.waiver {
        r["suppressions"] = json!([{
            "kind": match w.source {
                WaiverSource::Config => "external",
                WaiverSource::Annotation => "inSource",
            },
            "status": "accepted",
            "justification": w.reason,
        }]);
    }
    if let Some(b) = f.baseline_state {
        r["baselineState"] = json!(match b {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        });
    }
    Some(r)
}

/// Renders the report as SARIF 2.1.0.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as SARIF 2.1.0, results made as they are written.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let index: std::collections::HashMap<&str, usize> = report
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let rules: Vec<Value> = report.checks.iter().map(rule).collect();
    let mut notifications = Vec::new();
    for f in &report.findings {
        if matches!(f.status, Status::Fail | Status::Waived) {
            continue;
        }
        let (lvl, what) = if f.status == Status::Error {
            ("error", "policy error")
        } else {
            ("warning", "not assessed")
        };
        let mut n = json!({
            "level": lvl,
            "message": {"text": format!("{} {what}: {}", f.check.id, f.message)},
            "descriptor": {"id": f.status.as_str()},
            "associatedRule": {"id": f.check.id},
        });
        if let Some(i) = index.get(&*f.check.id) {
            n["associatedRule"]["index"] = json!(i);
        }
        let locs = locations(f);
        if !locs.is_empty() {
            n["locations"] = json!(locs);
        }
        notifications.push(n);
    }
    for issue in &report.collection_issues {
        let mut n = json!({
            "level": match issue.level {
                IssueLevel::Error => "error",
                IssueLevel::Warning => "warning",
            },
            "message": {"text": issue.message},
            "descriptor": {"id": "COLLECTION"},
        });
        if let (Some(file), Some(line)) = (&issue.file, issue.line)
            && file != crate::collect::manifests::STDIN
        {
            n["locations"] = json!([{"physicalLocation": {
                "artifactLocation": {"uri": file_uri(file)},
                "region": {"startLine": line},
            }}]);
        }
        notifications.push(n);
    }
    let input_errors = report
        .collection_issues
        .iter()
        .any(|i| i.level == IssueLevel::Error);
    let mut invocation = json!({
        "executionSuccessful": !input_errors && report.summary.errors == 0,
        "startTimeUtc": report.scan.started_at,
    });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let index = &index;
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "Plimsoll",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": crate::HOMEPAGE,
                "rules": rules,
            }}),
            invocations: [invocation],
            column_kind: "unicodeCodePoints",
            results: LazySeq(Cell::new(Some(|| {
                report.findings.iter().filter_map(move |f| result(f, index))
            }))),
            properties: RunProperties {
                summary: report.summary.clone(),
                benchmark: report.scan.benchmark.clone(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(
            rule_name("Containers do not run privileged"),
            "ContainersDoNotRunPrivileged"
        );
        assert_eq!(rule_name("RBAC: no `*` verbs"), "RBACNoVerbs");
        assert_eq!(file_uri("./k8s/app one.yaml"), "k8s/app%20one.yaml");
        assert_eq!(file_uri("/tmp/a#b.yaml"), "file:///tmp/a%23b.yaml");
        assert_eq!(file_uri("k8s\\win.yaml"), "k8s/win.yaml");
    }
}
