//! `plimsoll history`: the recorded runs, newest first, with their counts.

use super::{Failure, write_output};
use crate::cli::HistoryArgs;
use crate::drift::store::{self, Store};
use crate::exit::ExitCode;
use crate::report::ListFormat;
use anyhow::anyhow;

/// Opens the store `--state` (or the default) names for reading: listing must work on a store
/// the user may read but not write (another user's file, the fleet's reader role). An older
/// schema is upgraded first, which needs write access.
pub(super) fn open_to_read(state: Option<std::path::PathBuf>) -> Result<Store, Failure> {
    let at = state
        .or_else(store::default_path)
        .map(|p| store::Location::parse(p.as_os_str()))
        .ok_or_else(|| Failure::usage(anyhow!("no state store: pass --state PATH|URL")))?;
    if !at.may_exist() {
        return Err(Failure::input(anyhow!(
            "{}: no state store yet (a scan records one unless --no-state)",
            at.display()
        )));
    }
    let wait = std::time::Duration::from_secs(10);
    match Store::open_read_only(&at, wait).map_err(Failure::usage)? {
        Some(store) => Ok(store),
        None => Store::open(&at, wait).map_err(Failure::usage),
    }
}

pub(super) fn run(args: HistoryArgs, colour: bool) -> Result<ExitCode, Failure> {
    let store = open_to_read(args.state.clone())?;
    let runs = store
        .history(args.scope.as_deref(), args.limit)
        .map_err(Failure::usage)?;
    let text = match args.format {
        ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&runs).unwrap_or_default()
        ),
        ListFormat::Table | ListFormat::Markdown => {
            let mut t = super::list_table(colour);
            t.set_header(vec![
                "RUN",
                "STARTED",
                "SCOPE",
                "RESOURCES",
                "FAILED",
                "CRIT/HIGH",
                "WAIVED",
                "NOT ASSESSED",
                "PASSED",
            ]);
            for r in &runs {
                let sev = |k: &str| r.failed_by_severity[k].as_u64().unwrap_or(0);
                t.add_row(vec![
                    r.id.to_string(),
                    r.started_at.clone(),
                    r.scope.clone(),
                    r.resources.to_string(),
                    r.failed.to_string(),
                    format!("{}/{}", sev("critical"), sev("high")),
                    r.waived.to_string(),
                    r.not_assessed.to_string(),
                    r.passed.to_string(),
                ]);
            }
            format!(
                "{t}\n{} in {}\n",
                crate::text::count(runs.len(), "run"),
                store.path()
            )
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::Success)
}
