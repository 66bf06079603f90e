//! Prometheus metrics (`--output prometheus=FILE`): the text exposition format, written for
//! node-exporter's textfile collector (a `.prom` file in its directory) or pushed to a
//! Pushgateway (`curl --data-binary @FILE`). `promtool check metrics` accepts the output
//! (tests/reports.rs).
//!
//! Every series carries the run's `scope` (the key runs are grouped by in the state store),
//! so one node-exporter can hold the files of several scans. Label values are the report's
//! own strings, escaped as the format requires; a namespace or check id cannot break a line.
//!
//! `plimsoll_last_success_timestamp_seconds` is the time of the last scan that read all of
//! its input. A scan that could not (exit 3) writes its own findings but carries the previous
//! success time over from the file it replaces, so an alert on the age of the last success
//! fires for a scanner that keeps failing while still writing files.

use super::model::Report;
use crate::finding::Status;
use crate::snapshot::IssueLevel;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The series that carries the last success over from the previous file.
const LAST_SUCCESS: &str = "plimsoll_last_success_timestamp_seconds";

/// The statuses a benchmark control can have, each a series of `plimsoll_control_status`.
const CONTROL_STATUSES: [Status; 6] = [
    Status::Pass,
    Status::Fail,
    Status::NotAssessed,
    Status::Error,
    Status::Manual,
    Status::Waived,
];

/// The metrics text. `previous` is the file being replaced, if any: its last success time is
/// kept when this scan had input errors.
pub fn render(report: &Report, scope: &str, previous: Option<&str>) -> String {
    let mut out = String::with_capacity(4096 + report.checks.len() * 600);
    let scope = escape(scope);

    // Findings, grouped: one series per (check, severity, status, namespace).
    let mut findings: BTreeMap<(&str, &str, &str, &str), u64> = BTreeMap::new();
    for f in &report.findings {
        let namespace = f
            .resource
            .as_deref()
            .and_then(|r| r.namespace.as_deref())
            .unwrap_or("");
        *findings
            .entry((
                &f.check.id,
                f.severity.as_str(),
                status_label(f.status),
                namespace,
            ))
            .or_default() += 1;
    }
    family(
        &mut out,
        "plimsoll_findings",
        "gauge",
        "Findings of the last scan (failed, waived, error, not_assessed) by check, severity, status and namespace.",
    );
    for ((check, severity, status, namespace), n) in &findings {
        let _ = writeln!(
            out,
            "plimsoll_findings{{scope=\"{scope}\",check=\"{}\",severity=\"{severity}\",status=\"{status}\",namespace=\"{}\"}} {n}",
            escape(check),
            escape(namespace)
        );
    }

    family(
        &mut out,
        "plimsoll_check_resources",
        "gauge",
        "Resources each selected check evaluated in the last scan, by result.",
    );
    for c in &report.checks {
        let check = escape(&c.id);
        for (result, n) in [
            ("passed", c.passed),
            ("failed", c.failed),
            ("waived", c.waived),
            ("error", c.errors),
        ] {
            let _ = writeln!(
                out,
                "plimsoll_check_resources{{scope=\"{scope}\",check=\"{check}\",severity=\"{}\",result=\"{result}\"}} {n}",
                c.severity.as_str()
            );
        }
    }
    family(
        &mut out,
        "plimsoll_check_not_assessed",
        "gauge",
        "1 when a selected check could not be assessed in the last scan (missing data is never a pass).",
    );
    for c in &report.checks {
        let _ = writeln!(
            out,
            "plimsoll_check_not_assessed{{scope=\"{scope}\",check=\"{}\"}} {}",
            escape(&c.id),
            u8::from(c.not_assessed.is_some())
        );
    }

    if let Some(comp) = &report.compliance {
        let bench = escape(&comp.benchmark);
        family(
            &mut out,
            "plimsoll_control_status",
            "gauge",
            "Benchmark controls: 1 for the status the control has, 0 for the others.",
        );
        for c in &comp.controls {
            let control = escape(&c.id);
            for s in CONTROL_STATUSES {
                let _ = writeln!(
                    out,
                    "plimsoll_control_status{{scope=\"{scope}\",benchmark=\"{bench}\",control=\"{control}\",level=\"{}\",status=\"{}\"}} {}",
                    c.level,
                    status_label(s),
                    u8::from(c.status == s)
                );
            }
        }
    }

    let input_errors = report
        .collection_issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
        .count();
    let started = chrono::DateTime::parse_from_rfc3339(&report.scan.started_at)
        .map(|t| t.timestamp())
        .unwrap_or(0);
    let finished = started as f64 + report.scan.duration_ms as f64 / 1000.0;
    let scalars: [(&str, &str, String); 6] = [
        (
            "plimsoll_scan_duration_seconds",
            "Wall time of the last scan.",
            format!("{:.3}", report.scan.duration_ms as f64 / 1000.0),
        ),
        (
            "plimsoll_scan_timestamp_seconds",
            "When the last scan finished (Unix time).",
            format!("{finished:.3}"),
        ),
        (
            "plimsoll_scan_resources",
            "Resources in the last scan's snapshot.",
            report.scan.resources.to_string(),
        ),
        (
            "plimsoll_scan_input_errors",
            "Collection errors of the last scan (part of the input could not be read).",
            input_errors.to_string(),
        ),
        (
            "plimsoll_scan_failed_at_threshold",
            "Failing findings at or above the --fail-on threshold (the gate fails when not 0).",
            report.summary.failed_at_threshold.to_string(),
        ),
        (
            LAST_SUCCESS,
            "When the last scan that read all of its input finished (Unix time; 0 if none yet).",
            if input_errors == 0 {
                format!("{finished:.3}")
            } else {
                previous
                    .and_then(|p| previous_value(p, LAST_SUCCESS, &scope))
                    .unwrap_or_else(|| "0".into())
            },
        ),
    ];
    for (name, help, value) in scalars {
        family(&mut out, name, "gauge", help);
        let _ = writeln!(out, "{name}{{scope=\"{scope}\"}} {value}");
    }
    if let Some(d) = &report.drift {
        for (name, help, value) in [
            (
                "plimsoll_findings_new",
                "Failing findings not in the previous recorded run of the scope.",
                d.new,
            ),
            (
                "plimsoll_findings_resolved",
                "Failing findings of the previous recorded run that are gone.",
                d.resolved.len(),
            ),
        ] {
            family(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name}{{scope=\"{scope}\"}} {value}");
        }
    }
    out
}

/// `# HELP` and `# TYPE` lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A status as a label value: lower case, as Prometheus label values usually are.
fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::NotAssessed => "not_assessed",
        Status::Error => "error",
        Status::Manual => "manual",
        Status::Waived => "waived",
    }
}

/// A label value escaped as the exposition format requires: backslash, double quote, line feed.
fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// The value of `name{...scope="SCOPE"...}` in an earlier file or a Pushgateway's page (which
/// adds `job` and `instance` labels); None when absent or not a number (a file that is not
/// ours carries nothing over).
fn previous_value(text: &str, name: &str, scope: &str) -> Option<String> {
    let start = format!("{name}{{");
    let label = format!("scope=\"{scope}\"");
    let value = text.lines().find_map(|l| {
        let labels = l.strip_prefix(&start)?;
        let (labels, value) = labels.rsplit_once("} ")?;
        // The label whole: at the start or after a comma, and ending the list or before one
        // (a scope may hold commas itself: `123456789012/eu-west-1,us-east-1`).
        labels
            .match_indices(&label)
            .any(|(i, _)| {
                (i == 0 || labels[..i].ends_with(','))
                    && matches!(labels[i + label.len()..].chars().next(), None | Some(','))
            })
            .then_some(value.trim())
    })?;
    value.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::{escape, previous_value};

    #[test]
    fn label_values_cannot_break_a_line() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn the_last_success_is_read_back_only_for_the_same_scope_and_only_as_a_number() {
        let text =
            "# HELP x\nplimsoll_last_success_timestamp_seconds{scope=\"a\"} 1700000000.000\n";
        let name = super::LAST_SUCCESS;
        assert_eq!(
            previous_value(text, name, "a").as_deref(),
            Some("1700000000.000")
        );
        assert_eq!(previous_value(text, name, "b"), None);
        let bad = "plimsoll_last_success_timestamp_seconds{scope=\"a\"} 1 # }\n";
        assert_eq!(previous_value(bad, name, "a"), None);
        // As a Pushgateway shows it.
        let pushed = "plimsoll_last_success_timestamp_seconds{instance=\"\",job=\"plimsoll\",scope=\"a\"} 1.7e+09\n";
        assert_eq!(
            previous_value(pushed, name, "a").as_deref(),
            Some("1.7e+09")
        );
        let commas = "plimsoll_last_success_timestamp_seconds{job=\"p\",scope=\"1/a,b\"} 5\n";
        assert_eq!(previous_value(commas, name, "1/a,b").as_deref(), Some("5"));
        assert_eq!(previous_value(commas, name, "1/a"), None);
    }
}
