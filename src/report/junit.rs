//! JUnit XML for CI test dashboards: one `<testsuite>` per selected check, one `<testcase>`
//! per check and resource. A failing resource has one `<failure>` carrying every violation
//! and the remediation; a waived one is `<skipped>` with the reason; a policy error is an
//! `<error>`; a resource a check could not assess is `<skipped>` with `NOT_ASSESSED:` and the
//! reason (never a passing case); a check that could not be assessed at all is one skipped
//! case with the reason.
//! Passing resources are plain test cases, so dashboards count them.
//!
//! Written by hand: the format is a handful of elements, and the only subtlety, escaping
//! (including characters XML 1.0 cannot carry at all), is in [`escape`].

use super::model::{FindingOut, Report};
use crate::finding::Status;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text for an XML attribute or element. Characters XML 1.0 forbids (most C0
/// controls) are replaced: a single one would make the whole file unreadable.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// What one test case holds.
#[derive(Default)]
struct Case<'a> {
    failures: Vec<&'a FindingOut>,
    waived: Vec<&'a FindingOut>,
    errors: Vec<&'a FindingOut>,
    not_assessed: Vec<&'a FindingOut>,
    file: Option<(&'a str, u32)>,
}

fn location_suffix(f: &FindingOut) -> String {
    match (&f.location(), &f.path) {
        (Some(l), _) => format!(" ({}:{})", l.file, l.line),
        (None, Some(p)) => format!(" ({p})"),
        (None, None) => String::new(),
    }
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    // check id -> resource id -> case; BTreeMap keeps the output in a stable order.
    let mut cases: BTreeMap<&str, BTreeMap<&str, Case>> = BTreeMap::new();
    let mut not_assessed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in &report.findings {
        let Some(r) = &f.resource else {
            not_assessed
                .entry(&*f.check.id)
                .or_default()
                .push(&f.message);
            continue;
        };
        let case = cases
            .entry(&*f.check.id)
            .or_default()
            .entry(r.id.as_str())
            .or_default();
        if case.file.is_none() {
            case.file = f.location().map(|l| (l.file, l.line));
        }
        match f.status {
            Status::Fail => case.failures.push(f),
            Status::Waived => case.waived.push(f),
            Status::Error => case.errors.push(f),
            Status::NotAssessed => case.not_assessed.push(f),
            Status::Pass | Status::Manual => {}
        }
    }
    let mut passes: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for p in &report.passes {
        passes.entry(p.check).or_default().push(&p.resource.id);
    }

    let mut body = String::new();
    let (mut total, mut total_fail, mut total_err, mut total_skip) = (0, 0, 0, 0);
    for (ci, check) in report.checks.iter().enumerate() {
        let mut suite = String::new();
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        let classname = escape(&check.id);
        if let Some(reasons) = not_assessed.get(check.id.as_str()) {
            tests += 1;
            skipped += 1;
            let _ = writeln!(
                suite,
                "    <testcase classname=\"{classname}\" name=\"(not assessed)\">\n      <skipped message=\"{}\"/>\n    </testcase>",
                escape(&format!("NOT_ASSESSED: {}", reasons.join("; ")))
            );
        }
        if let Some(by_resource) = cases.get(check.id.as_str()) {
            for (resource, case) in by_resource {
                tests += 1;
                let file_attr = case
                    .file
                    .filter(|(f, _)| *f != crate::collect::manifests::STDIN)
                    .map(|(f, l)| format!(" file=\"{}\" line=\"{l}\"", escape(f)))
                    .unwrap_or_default();
                let _ = writeln!(
                    suite,
                    "    <testcase classname=\"{classname}\" name=\"{}\"{file_attr}>",
                    escape(resource)
                );
                if !case.failures.is_empty() {
                    failures += 1;
                    let first = case.failures[0];
                    let message = if case.failures.len() > 1 {
                        format!("{} (+{} more)", first.message, case.failures.len() - 1)
                    } else {
                        first.message.to_string()
                    };
                    let mut text = String::new();
                    for f in &case.failures {
                        let _ = writeln!(text, "{}{}", f.message, location_suffix(f));
                    }
                    let _ = write!(text, "Remediation: {}", check.remediation);
                    // One testcase per resource: its failures share the resource's command.
                    if let Some(c) = case.failures.iter().find_map(|f| f.command()) {
                        let _ = write!(text, "\nRun: {c}");
                    }
                    let _ = writeln!(
                        suite,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        escape(&message),
                        check.severity,
                        escape(&text)
                    );
                } else if !case.errors.is_empty() {
                    errors += 1;
                    let _ = writeln!(
                        suite,
                        "      <error message=\"{}\" type=\"policy-error\"/>",
                        escape(&case.errors[0].message)
                    );
                } else if let Some(f) = case.not_assessed.first() {
                    skipped += 1;
                    let _ = writeln!(
                        suite,
                        "      <skipped message=\"{}\"/>",
                        escape(&format!("NOT_ASSESSED: {}", f.message))
                    );
                } else if let Some(w) = case.waived.first().and_then(|f| f.waiver.as_ref()) {
                    skipped += 1;
                    let _ = writeln!(
                        suite,
                        "      <skipped message=\"{}\"/>",
                        escape(&format!("WAIVED: {}", w.reason))
                    );
                }
                suite.push_str("    </testcase>\n");
            }
        }
        for resource in passes.get(&ci).map(Vec::as_slice).unwrap_or(&[]) {
            tests += 1;
            let _ = writeln!(
                suite,
                "    <testcase classname=\"{classname}\" name=\"{}\"/>",
                escape(resource)
            );
        }
        let cis: Vec<String> = check
            .cis
            .iter()
            .map(|r| format!("{} {} (L{})", r.benchmark, r.control, r.level))
            .collect();
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">",
            escape(&format!("{} {}", check.id, check.title))
        );
        let _ = writeln!(
            body,
            "    <properties>\n      <property name=\"severity\" value=\"{}\"/>\n      <property name=\"cis\" value=\"{}\"/>\n    </properties>",
            check.severity,
            escape(&cis.join("; "))
        );
        body.push_str(&suite);
        body.push_str("  </testsuite>\n");
        total += tests;
        total_fail += failures;
        total_err += errors;
        total_skip += skipped;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"plimsoll\" tests=\"{total}\" failures=\"{total_fail}\" errors=\"{total_err}\" skipped=\"{total_skip}\" time=\"{:.3}\" timestamp=\"{}\">",
        report.scan.duration_ms as f64 / 1000.0,
        escape(&report.scan.started_at)
    );
    out.push_str(&body);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\n"
        );
    }
}
