//! Stage 4: what a finished report means for the gate. Two pure functions: which failing
//! findings count against `--fail-on` (once the baseline or the previous run has marked the new
//! ones), and the exit status (docs/exit-codes.md), the most serious outcome winning.

use crate::exit::ExitCode;
use crate::finding::Status;
use crate::report::model::{BaselineState, Report, Summary};

/// The failing findings the gate judges: FAIL (not waived), at or above the threshold, and
/// with `--fail-on new` only those the baseline (or previous run) does not have.
pub fn failing_at_threshold(report: &Report) -> usize {
    let threshold = report.scan.fail_on;
    let new_only = report.scan.fail_on_new;
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.severity >= threshold)
        .filter(|f| !new_only || f.baseline_state == Some(BaselineState::New))
        .count()
}

/// The exit code of a scan: 1 for failing findings at the threshold (never with `exit_zero`),
/// 3 when part of the input could not be read, 2 when a policy failed to evaluate.
pub fn exit_code(summary: &Summary, input_errors: bool, exit_zero: bool) -> ExitCode {
    let mut code = ExitCode::Success;
    if summary.failed_at_threshold > 0 && !exit_zero {
        code = ExitCode::Findings;
    }
    if input_errors {
        code = code.worst(ExitCode::Input);
    }
    if summary.errors > 0 {
        code = code.worst(ExitCode::Usage);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_serious_outcome_wins() {
        let mut r = Summary::default();
        assert_eq!(exit_code(&r, false, false), ExitCode::Success);
        r.failed_at_threshold = 2;
        assert_eq!(exit_code(&r, false, false), ExitCode::Findings);
        assert_eq!(exit_code(&r, false, true), ExitCode::Success);
        assert_eq!(exit_code(&r, true, false), ExitCode::Input);
        r.errors = 1;
        assert_eq!(exit_code(&r, true, true), ExitCode::Usage);
    }
}
