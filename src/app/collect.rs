//! `plimsoll collect`: inputs to a snapshot file, nothing evaluated.

use super::{Failure, write_output};
use crate::cli::CollectArgs;
use crate::exit::ExitCode;
use crate::snapshot::IssueLevel;

/// Collects and writes the snapshot. Collection problems are recorded inside it; the exit code
/// is 3 if any was an error, so a pipeline notices before evaluating elsewhere.
pub(super) fn run(args: CollectArgs) -> Result<ExitCode, Failure> {
    let sources = super::sources(&args.inputs, &args.cluster, &args.docker, &args.aws, true)?;
    let snapshot = super::gather(&sources)?;
    for issue in &snapshot.issues {
        match issue.level {
            IssueLevel::Error => tracing::error!("{}", issue.message),
            IssueLevel::Warning => tracing::warn!("{}", issue.message),
        }
    }
    let mut text = snapshot.to_json();
    text.push('\n');
    write_output(args.output.as_deref(), &text)?;
    if let Some(path) = &args.output {
        tracing::info!(
            "wrote {} ({} resources, {} issues)",
            path.display(),
            snapshot.resources.len(),
            snapshot.issues.len()
        );
    }
    Ok(if snapshot.has_errors() {
        ExitCode::Input
    } else {
        ExitCode::Success
    })
}
