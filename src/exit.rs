//! The exit-code contract, in one place. Documented in `docs/exit-codes.md`; every code is
//! covered by a test in `tests/cli.rs`. Values never change meaning once released.

/// Process exit codes. Higher-priority problems win when several apply: a usage or policy
/// error (2) over unreadable input (3) over failing findings (1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// The scan completed and no failing finding reached the `--fail-on` threshold.
    Success = 0,
    /// At least one failing finding at or above the `--fail-on` threshold.
    Findings = 1,
    /// Usage, configuration or policy error (bad flag, unknown benchmark, invalid policy,
    /// a policy that errored during evaluation). Also clap's own code for usage errors.
    Usage = 2,
    /// Some input could not be read or parsed; everything readable was still scanned.
    Input = 3,
}

impl ExitCode {
    /// The numeric process exit status.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// Combines two outcomes: the more serious one wins (Usage > Input > Findings > Success).
    pub fn worst(self, other: ExitCode) -> ExitCode {
        fn rank(c: ExitCode) -> u8 {
            match c {
                ExitCode::Success => 0,
                ExitCode::Findings => 1,
                ExitCode::Input => 2,
                ExitCode::Usage => 3,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ExitCode::Success.code(), 0);
        assert_eq!(ExitCode::Findings.code(), 1);
        assert_eq!(ExitCode::Usage.code(), 2);
        assert_eq!(ExitCode::Input.code(), 3);
    }

    #[test]
    fn worst_prefers_errors_over_findings() {
        assert_eq!(ExitCode::Findings.worst(ExitCode::Input), ExitCode::Input);
        assert_eq!(ExitCode::Input.worst(ExitCode::Usage), ExitCode::Usage);
        assert_eq!(ExitCode::Usage.worst(ExitCode::Findings), ExitCode::Usage);
        assert_eq!(
            ExitCode::Success.worst(ExitCode::Findings),
            ExitCode::Findings
        );
    }
}
