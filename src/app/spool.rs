//! `plimsoll spool`: the runs kept locally because a shared (PostgreSQL) store could not be
//! reached, listed, or delivered with `--deliver` (a later scan delivers them too).

use super::{Failure, write_output};
use crate::cli::SpoolArgs;
use crate::drift::spool;
use crate::drift::store::{Location, Store};
use crate::exit::ExitCode;
use crate::report::ListFormat;
use anyhow::anyhow;

pub(super) fn run(args: SpoolArgs, colour: bool) -> Result<ExitCode, Failure> {
    let dir = args
        .spool
        .clone()
        .or_else(spool::default_dir)
        .ok_or_else(|| Failure::usage(anyhow!("no spool directory: pass --spool DIR")))?;
    if args.deliver {
        let given = args.state.as_ref().ok_or_else(|| {
            Failure::usage(anyhow!(
                "--deliver needs the store: --state postgres://... (or PLIMSOLL_STATE)"
            ))
        })?;
        let at = Location::parse(given.as_os_str());
        let wait = super::positive_secs(args.state_wait, "--state-wait")?;
        let mut store = Store::open(&at, wait).map_err(Failure::usage)?;
        let done = spool::deliver(&dir, &mut store).map_err(Failure::usage)?;
        for bad in &done.unreadable {
            tracing::warn!("spooled run left in place: {bad}");
        }
        write_output(
            None,
            &format!(
                "Delivered {} to {}.\n",
                crate::text::count(done.ids.len(), "run"),
                store.path()
            ),
        )?;
        return Ok(if done.unreadable.is_empty() {
            ExitCode::Success
        } else {
            ExitCode::Input
        });
    }
    let listed = spool::list(&dir).map_err(Failure::usage)?;
    let text = match args.format {
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = listed
                .iter()
                .map(|l| match &l.run {
                    Ok(r) => serde_json::json!({
                        "file": l.path.display().to_string(),
                        "store": r.store,
                        "scope": r.run.record.scope,
                        "startedAt": r.run.record.started_at,
                        "resources": r.run.record.resources,
                        "failed": r.run.record.failed,
                        "reason": r.reason,
                    }),
                    Err(why) => serde_json::json!({
                        "file": l.path.display().to_string(),
                        "error": why,
                    }),
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            )
        }
        ListFormat::Table | ListFormat::Markdown => {
            let mut t = super::list_table(colour);
            t.set_header(vec!["STARTED", "SCOPE", "STORE", "RESOURCES", "FAILED"]);
            for l in &listed {
                match &l.run {
                    Ok(r) => t.add_row(vec![
                        r.run.record.started_at.clone(),
                        r.run.record.scope.clone(),
                        r.store.clone(),
                        r.run.record.resources.to_string(),
                        r.run.record.failed.to_string(),
                    ]),
                    Err(why) => t.add_row(vec![
                        "?".into(),
                        format!("unreadable: {why}"),
                        l.path.display().to_string(),
                        String::new(),
                        String::new(),
                    ]),
                };
            }
            format!(
                "{t}\n{} in {}\n",
                crate::text::count(listed.len(), "spooled run"),
                dir.display()
            )
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::Success)
}
