//! One module per subcommand. Each returns the [`ExitCode`] of a completed run, or a
//! [`Failure`] carrying the code for the error that stopped it. anyhow is used here, at the
//! CLI edge, for context; library modules have their own error enums.

mod benchmarks;
mod collect;
mod policies;
mod scan;

use crate::cli::{BenchmarksCommand, Cli, Command, PoliciesCommand};
use crate::exit::ExitCode;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// An error that ends a run, with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: ExitCode,
    /// The error, shown as one line.
    pub error: anyhow::Error,
}

impl Failure {
    /// Usage, configuration or policy error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: ExitCode::Usage,
            error: error.into(),
        }
    }

    /// Input that could not be read (exit 3).
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: ExitCode::Input,
            error: error.into(),
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let colour = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match cli.command {
        Command::Scan(args) => scan::run(args, colour),
        Command::Collect(args) => collect::run(args),
        Command::Policies(PoliciesCommand::List { policies, format }) => {
            policies::list(&policies, format, colour)
        }
        Command::Policies(PoliciesCommand::Test { dirs }) => policies::test(&dirs),
        Command::Benchmarks(BenchmarksCommand::List) => benchmarks::list(colour),
    }
}

/// Writes `content` to `path` atomically (a temporary file in the same directory, then a
/// rename), so a reader never sees half a report; or to standard output when `path` is None.
pub(crate) fn write_output(path: Option<&Path>, content: &str) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(content.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::usage(anyhow::anyhow!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
        Some(path) => {
            let fail = |e: std::io::Error| {
                Failure::usage(anyhow::anyhow!("{}: cannot write: {e}", path.display()))
            };
            // Only a regular file (or a new one) is replaced by rename. Renaming over a device
            // (`-o /dev/null`), a FIFO or a symlink would replace the special file itself, so
            // those are written in place.
            let special = std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
            if special {
                return std::fs::write(path, content).map_err(fail);
            }
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "out".into());
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let result = std::fs::write(&tmp, content).and_then(|_| std::fs::rename(&tmp, path));
            if let Err(e) = result {
                let _ = std::fs::remove_file(&tmp);
                return Err(fail(e));
            }
            Ok(())
        }
    }
}

/// Whether standard output is a terminal (colour and width decisions).
pub(crate) fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Terminal width from `COLUMNS`, when set.
pub(crate) fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
