//! Stage 4: what a finished report means for the exit status (docs/exit-codes.md). One pure
//! function: whether findings fail the run was decided when the report was built
//! (`summary.failedAtThreshold`, with `--fail-on` and the baseline); here it is combined with
//! input and policy errors, the most serious winning.

use crate::exit::ExitCode;
use crate::report::model::Summary;

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
