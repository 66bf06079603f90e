//! `plimsoll benchmarks list`.

use super::{Failure, write_output};
use crate::benchmark::Benchmarks;
use crate::exit::ExitCode;

/// Lists the embedded benchmark definitions.
pub(super) fn list(colour: bool) -> Result<ExitCode, Failure> {
    let benchmarks = Benchmarks::builtin().map_err(Failure::usage)?;
    let mut t = super::list_table(colour);
    t.set_header(vec![
        "ID",
        "TITLE",
        "VERSION",
        "CONTROLS",
        "LEVEL 1",
        "AUTOMATED BY PLIMSOLL",
        "COVERAGE",
    ]);
    for b in &benchmarks.all {
        let l1 = b.controls.iter().filter(|c| c.level == 1).count();
        let automated = b.controls.iter().filter(|c| !c.checks.is_empty()).count();
        t.add_row(vec![
            b.id.clone(),
            b.title.clone(),
            b.version.clone(),
            b.controls.len().to_string(),
            l1.to_string(),
            automated.to_string(),
            coverage(b),
        ]);
    }
    write_output(None, &format!("{t}\n"))?;
    Ok(ExitCode::Success)
}

/// The benchmark's automated controls (CIS's own label) that a check decides, of all its
/// automated controls: `76 of 80 automated (95.0%)`; `-` for a benchmark without any.
fn coverage(b: &crate::benchmark::Benchmark) -> String {
    use crate::benchmark::Assessment;
    let automated: Vec<_> = b
        .controls
        .iter()
        .filter(|c| c.assessment == Assessment::Automated)
        .collect();
    if automated.is_empty() {
        return "-".into();
    }
    let covered = automated.iter().filter(|c| !c.checks.is_empty()).count();
    format!(
        "{covered} of {} automated ({:.1}%)",
        automated.len(),
        100.0 * covered as f64 / automated.len() as f64
    )
}
