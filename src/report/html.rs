//! The HTML report (`--format html`, `--output html=FILE`): one self-contained file a person
//! opens in any browser, offline, and prints as evidence.
//!
//! The page is a minijinja template (`html/report.html`, auto-escaped: every text from the
//! scanned input is HTML-escaped) with the stylesheet and script inlined, and the findings as
//! a JSON block the script renders with DOM text nodes only (`html/report.js`): names,
//! messages and file names can never become markup or script. The block is escaped for its
//! place (`<`, `>`, `&` and the two JavaScript line separators as `\u` escapes), so a message
//! holding `</script>` cannot end it. A Content-Security-Policy forbids every network request
//! and allows only this page's own style and script, by their SHA-256.

use super::model::{FindingOut, Report};
use serde::Serialize;
use std::collections::HashMap;

const TEMPLATE: &str = include_str!("html/report.html");
/// The stylesheet both pages share (the fleet page's is in `drift/fleet_page.rs`).
pub(crate) const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Resources listed per drift list before "and N more".
const DRIFT_LIST: usize = 200;

/// Why the page could not be made (a template fault: a bug, not the input's).
#[derive(Debug, thiserror::Error)]
#[error("the HTML report could not be rendered: {0}")]
pub struct HtmlError(pub(crate) String);

/// The page.
pub fn render(report: &Report) -> Result<String, HtmlError> {
    fill("report.html", TEMPLATE, &Page::of(report))
}

/// `template` filled with `page`, HTML-escaped (the name's `.html` turns auto-escaping on).
pub(crate) fn fill(name: &str, template: &str, page: &impl Serialize) -> Result<String, HtmlError> {
    let mut env = minijinja::Environment::new();
    // A field the template names that the page lacks is an error, not an empty cell.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template(name, template)
        .map_err(|e| HtmlError(e.to_string()))?;
    env.get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(page)))
        .map_err(|e| HtmlError(e.to_string()))
}

/// The CSP: nothing from anywhere, but this page's own style and script.
fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256(CSS),
        sha256(JS)
    )
}

/// A CSP source for `text`: `sha256-` and its digest in base64.
pub(crate) fn sha256(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[derive(Serialize)]
struct Page {
    csp: String,
    css: &'static str,
    js: &'static str,
    title: String,
    tool_version: String,
    started_at: String,
    duration: String,
    policy_digest: String,
    resources: usize,
    checks_run: usize,
    inputs: Vec<String>,
    summary: super::model::Summary,
    severities: Vec<SeverityCount>,
    /// Failed findings by severity, as one stacked bar (inline SVG).
    severity_bar: Vec<Bar>,
    /// The benchmark's controls by status, as one stacked bar.
    control_bar: Vec<Bar>,
    pass_rate: String,
    gate: String,
    benchmark: Option<Benchmark>,
    findings_count: usize,
    drift: Option<DriftPart>,
    issues: Vec<crate::snapshot::CollectionIssue>,
    skipped: Vec<super::model::SkippedCheck>,
    data: String,
}

/// One segment of a stacked bar: position and width in a 600-wide box, numbers this code
/// computed.
#[derive(Serialize)]
struct Bar {
    x: String,
    width: String,
    class: String,
    label: String,
}

/// Segments of a 600-wide bar for `(class, label, count)` parts, in order; empty parts left out.
fn bar(parts: &[(String, String, usize)]) -> Vec<Bar> {
    let total: usize = parts.iter().map(|p| p.2).sum();
    if total == 0 {
        return Vec::new();
    }
    let mut x = 0.0;
    parts
        .iter()
        .filter(|p| p.2 > 0)
        .map(|(class, label, n)| {
            let width = 600.0 * *n as f64 / total as f64;
            let b = Bar {
                x: format!("{x:.1}"),
                width: format!("{width:.1}"),
                class: class.clone(),
                label: format!("{label}: {n}"),
            };
            x += width;
            b
        })
        .collect()
}

#[derive(Serialize)]
struct SeverityCount {
    name: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct Benchmark {
    id: String,
    title: String,
    version: String,
    level: u8,
    score: String,
    coverage: String,
    pass: usize,
    fail: usize,
    manual: usize,
    not_assessed: usize,
    total: usize,
    controls: Vec<Control>,
}

#[derive(Serialize)]
struct Control {
    id: String,
    title: String,
    status: &'static str,
    passed: usize,
    failed: usize,
    reason: String,
}

#[derive(Serialize)]
struct DriftPart {
    line: String,
    resolved: Vec<super::model::ResolvedFinding>,
    resources: Vec<DriftList>,
}

#[derive(Serialize)]
struct DriftList {
    title: &'static str,
    ids: Vec<String>,
    more: usize,
}

impl Page {
    fn of(report: &Report) -> Page {
        let scan = &report.scan;
        let s = &report.summary;
        let (passed, evaluated) = report
            .checks
            .iter()
            .fold((0, 0), |(p, e), c| (p + c.passed, e + c.evaluated));
        let pass_rate = match evaluated {
            0 => "n/a".to_string(),
            e => format!("{:.1}%", 100.0 * passed as f64 / e as f64),
        };
        let inputs: Vec<String> = scan
            .inputs
            .iter()
            .map(|i| format!("{} {}", i.collector, i.target))
            .collect();
        let title = match inputs.as_slice() {
            [] => "no input".to_string(),
            [one] => one.clone(),
            [first, rest @ ..] => format!(
                "{first} and {}",
                crate::text::count(rest.len(), "more source")
            ),
        };
        let benchmark = report.compliance.as_ref().map(|c| {
            let m = &c.summary;
            Benchmark {
                id: c.benchmark.clone(),
                title: c.title.clone(),
                version: c.version.clone(),
                level: c.level,
                score: match m.pass + m.fail {
                    0 => "n/a".into(),
                    n => format!("{:.1}%", 100.0 * m.pass as f64 / n as f64),
                },
                coverage: format!("{:.1}%", m.assessed_coverage),
                pass: m.pass,
                fail: m.fail,
                manual: m.manual,
                not_assessed: m.not_assessed,
                total: m.total,
                controls: c
                    .controls
                    .iter()
                    .map(|r| Control {
                        id: r.id.clone(),
                        title: r.title.clone(),
                        status: r.status.as_str(),
                        passed: r.passed,
                        failed: r.failed,
                        reason: r.reason.clone().unwrap_or_default(),
                    })
                    .collect(),
            }
        });
        let drift = report.drift.as_ref().map(|d| {
            let list = |title, ids: Vec<String>| DriftList {
                title,
                more: ids.len().saturating_sub(DRIFT_LIST),
                ids: ids.into_iter().take(DRIFT_LIST).collect(),
            };
            DriftPart {
                line: super::table::drift_headline(d),
                resolved: d.resolved.clone(),
                resources: vec![
                    list("Resources added", d.resources.added.clone()),
                    list("Resources removed", d.resources.removed.clone()),
                    list(
                        "Resources changed",
                        d.resources.changed.iter().map(|c| c.id.clone()).collect(),
                    ),
                ],
            }
        });
        Page {
            csp: csp(),
            css: CSS,
            js: JS,
            title,
            tool_version: report.tool.version.clone(),
            started_at: scan.started_at.clone(),
            duration: format!("{:.2} s", scan.duration_ms as f64 / 1000.0),
            policy_digest: scan.policy_digest.clone(),
            resources: scan.resources,
            checks_run: scan.checks_run,
            inputs,
            summary: s.clone(),
            severities: crate::finding::Severity::DESCENDING
                .iter()
                .map(|sev| SeverityCount {
                    name: sev.as_str(),
                    count: s.failed_by_severity.get(sev).copied().unwrap_or(0),
                })
                .collect(),
            severity_bar: bar(&crate::finding::Severity::DESCENDING
                .iter()
                .map(|sev| {
                    (
                        format!("sev-{}", sev.as_str()),
                        sev.as_str().to_string(),
                        s.failed_by_severity.get(sev).copied().unwrap_or(0),
                    )
                })
                .collect::<Vec<_>>()),
            control_bar: report
                .compliance
                .as_ref()
                .map(|c| {
                    let m = &c.summary;
                    bar(&[
                        ("st-PASS".into(), "pass".into(), m.pass),
                        ("st-FAIL".into(), "fail".into(), m.fail),
                        ("st-MANUAL".into(), "manual".into(), m.manual),
                        (
                            "st-NOT_ASSESSED".into(),
                            "not assessed".into(),
                            m.not_assessed,
                        ),
                    ])
                })
                .unwrap_or_default(),
            pass_rate,
            gate: super::table::gate_line(report).unwrap_or_default(),
            benchmark,
            findings_count: report.findings.len(),
            drift,
            issues: report.collection_issues.clone(),
            skipped: scan.checks_skipped.clone(),
            data: data(report),
        }
    }
}

/// The findings as the script reads them, escaped to sit inside a `<script>` element: each
/// check once (id, title, severity, remediation, CIS references), each finding as an array
/// (see `report.js` for the fields).
fn data(report: &Report) -> String {
    #[derive(Serialize)]
    struct Check<'a> {
        id: &'a str,
        title: &'a str,
        severity: &'a str,
        remediation: &'a str,
        cis: Vec<String>,
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut checks: Vec<Check<'_>> = Vec::new();
    // Rows are written one at a time into the text (a JSON value per finding held 15 times
    // the memory of its text at 100,000 findings).
    let mut rows = String::with_capacity(report.findings.len() * 200);
    for (n, f) in report.findings.iter().enumerate() {
        let ci = *index.entry(&f.check.id).or_insert_with(|| {
            checks.push(Check {
                id: &f.check.id,
                title: &f.check.title,
                severity: f.severity.as_str(),
                remediation: &f.check.remediation,
                cis: f
                    .check
                    .cis
                    .iter()
                    .map(|c| format!("{} {} (level {})", c.benchmark, c.control, c.level))
                    .collect(),
            });
            checks.len() - 1
        });
        if n > 0 {
            rows.push(',');
        }
        rows.push_str(&escape_for_script(&row(ci, f)));
    }
    let checks = escape_for_script(&serde_json::to_string(&checks).unwrap_or_default());
    format!("{{\"checks\":{checks},\"findings\":[{rows}]}}")
}

/// One finding as the script reads it (JSON array text; fields in `report.js`).
fn row(ci: usize, f: &FindingOut) -> String {
    let r = f.resource.as_deref();
    let location = f
        .location()
        .map(|l| format!("{}:{}", l.file, l.line))
        .unwrap_or_default();
    let fields = (
        ci,
        f.status.as_str(),
        f.severity.as_str(),
        r.map(|r| r.id.as_str()).unwrap_or(""),
        r.map(|r| r.kind.as_str()).unwrap_or(""),
        r.and_then(|r| r.namespace.as_deref()).unwrap_or(""),
        r.map(|r| r.name.as_str()).unwrap_or(""),
        location,
        &*f.message,
        f.first_seen.as_deref().unwrap_or(""),
        match f.baseline_state {
            Some(super::model::BaselineState::New) => "new",
            Some(_) => "unchanged",
            None => "",
        },
    );
    serde_json::to_string(&fields).unwrap_or_default()
}

/// JSON text made safe inside a `<script>` element: nothing in it can close the element or
/// start markup, and JavaScript's own line separators are escaped.
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 50);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_block_cannot_end_its_script_element() {
        let json =
            serde_json::json!({"m": "</script><script>alert(1)</script> & \u{2028}"}).to_string();
        let safe = escape_for_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back["m"], "</script><script>alert(1)</script> & \u{2028}",
            "the escapes read back as the same text"
        );
    }

    #[test]
    fn the_policy_allows_only_the_page_own_style_and_script() {
        let p = csp();
        assert!(p.starts_with("default-src 'none';"));
        assert!(p.contains(&sha256(JS)) && p.contains(&sha256(CSS)));
        assert!(!p.contains("unsafe"));
    }
}
