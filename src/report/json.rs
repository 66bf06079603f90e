//! JSON output: the report model serialised as is (schema in `docs/output.md`).

use super::model::Report;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // The model is plain data with string keys: serialisation cannot fail.
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes the report as pretty JSON with a trailing newline, straight to `out`: a report of
/// 100,000s of findings is never held as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
