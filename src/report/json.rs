//! JSON output: the report model serialised as is (schema in `docs/output.md`).

use super::model::Report;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // The model is plain data with string keys: serialisation cannot fail.
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}
