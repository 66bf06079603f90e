//! The CSV report (`--format csv`, `--output csv=FILE`): one row per finding, for spreadsheets.
//! RFC 4180 (the `csv` crate quotes fields holding commas, quotes or line breaks), a header
//! row, and a column order that never changes: new columns are only ever added at the end.
//!
//! A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or
//! a carriage return) is written with a leading `'`: a resource named `=HYPERLINK(...)` in a
//! scanned manifest must not run in the auditor's spreadsheet (OWASP's "CSV injection").

use super::model::{BaselineState, Report};

/// The columns, in order.
pub const COLUMNS: [&str; 14] = [
    "severity",
    "status",
    "check",
    "title",
    "resource",
    "kind",
    "namespace",
    "name",
    "file",
    "line",
    "message",
    "first_seen",
    "baseline",
    "fingerprint",
];

/// Why the CSV could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the CSV report could not be written: {0}")]
pub struct CsvError(String);

/// The report as CSV text.
pub fn render(report: &Report) -> Result<String, CsvError> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(report.findings.len() * 200 + 200));
    w.write_record(COLUMNS)
        .map_err(|e| CsvError(e.to_string()))?;
    for f in &report.findings {
        let r = f.resource.as_deref();
        let location = f.location();
        let record = [
            f.severity.as_str().to_string(),
            f.status.as_str().to_string(),
            f.check.id.to_string(),
            f.check.title.to_string(),
            r.map(|r| r.id.clone()).unwrap_or_default(),
            r.map(|r| r.kind.clone()).unwrap_or_default(),
            r.and_then(|r| r.namespace.clone()).unwrap_or_default(),
            r.map(|r| r.name.clone()).unwrap_or_default(),
            location.map(|l| l.file.to_string()).unwrap_or_default(),
            location.map(|l| l.line.to_string()).unwrap_or_default(),
            f.message.to_string(),
            f.first_seen.as_deref().unwrap_or_default().to_string(),
            match f.baseline_state {
                Some(BaselineState::New) => "new".into(),
                Some(_) => "unchanged".into(),
                None => String::new(),
            },
            f.fingerprint.to_string(),
        ];
        w.write_record(record.iter().map(|c| inert(c).into_owned()))
            .map_err(|e| CsvError(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| CsvError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CsvError(e.to_string()))
}

/// A cell a spreadsheet will not evaluate.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_made_inert_and_text_is_left_alone() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("-1+2"), "'-1+2");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("web-1"), "web-1");
        assert_eq!(inert(""), "");
    }
}
