//! `plimsoll fleet`: the view across every scope a store holds (docs/fleet.md).

use super::{Failure, write_output};
use crate::cli::{FleetArgs, FleetFormat};
use crate::drift::fleet;
use crate::exit::ExitCode;
use anyhow::anyhow;

pub(super) fn run(args: FleetArgs, colour: bool) -> Result<ExitCode, Failure> {
    let quiet = fleet::parse_hours(&args.quiet_after).ok_or_else(|| {
        Failure::usage(anyhow!(
            "--quiet-after {:?}: a number and a unit: m, h, d or w (36h, 2d)",
            args.quiet_after
        ))
    })?;
    let store = super::history::open_to_read(args.state.clone())?;
    if args.format == FleetFormat::Html {
        // One page with every view: scopes, their trends, and the matrix.
        let runs = args.trend.unwrap_or(30) as usize;
        let rows = fleet::scopes(&store, quiet).map_err(Failure::usage)?;
        let (matrix_scopes, matrix) = fleet::matrix(&store).map_err(Failure::usage)?;
        let trend = fleet::trend(&store, runs).map_err(Failure::usage)?;
        let page = crate::drift::fleet_page::render(&crate::drift::fleet_page::FleetView {
            store: store.path(),
            quiet_after: &args.quiet_after,
            scopes: &rows,
            matrix_scopes: &matrix_scopes,
            matrix: &matrix,
            trend: &trend,
            trend_runs: runs,
        })
        .map_err(Failure::usage)?;
        write_output(None, &page)?;
        return Ok(ExitCode::Success);
    }
    let json = args.format == FleetFormat::Json;
    let pct = |p: Option<f64>| p.map_or("-".to_string(), |p| format!("{p:.1}%"));
    let text = if args.matrix {
        let (scopes, cells) = fleet::matrix(&store).map_err(Failure::usage)?;
        if json {
            to_json(&serde_json::json!({ "scopes": scopes, "controls": cells }))
        } else {
            let mut t = super::list_table(colour);
            let mut header = vec!["CONTROL".to_string()];
            header.extend(scopes.iter().cloned());
            t.set_header(header);
            let mut controls: Vec<&String> = cells.keys().collect();
            controls.sort_by(|a, b| crate::text::natural_cmp(a, b));
            for c in controls {
                let mut row = vec![c.clone()];
                row.extend(
                    scopes
                        .iter()
                        .map(|s| cells[c].get(s).cloned().unwrap_or_else(|| "-".into())),
                );
                t.add_row(row);
            }
            format!(
                "{t}\n{} x {}\n",
                crate::text::count(cells.len(), "control"),
                crate::text::count(scopes.len(), "scope")
            )
        }
    } else if let Some(n) = args.trend {
        let trend = fleet::trend(&store, n as usize).map_err(Failure::usage)?;
        if json {
            to_json(&trend)
        } else {
            let mut t = super::list_table(colour);
            t.set_header(vec!["SCOPE", "RUNS", "PASS RATE, OLDEST TO NEWEST"]);
            for (scope, points) in &trend {
                let rates: Vec<String> = points.iter().map(|p| pct(p.pass_rate)).collect();
                t.add_row(vec![
                    scope.clone(),
                    points.len().to_string(),
                    rates.join(" → "),
                ]);
            }
            format!("{t}\n")
        }
    } else {
        let rows = fleet::scopes(&store, quiet).map_err(Failure::usage)?;
        if json {
            to_json(&rows)
        } else {
            let mut t = super::list_table(colour);
            t.set_header(vec![
                "SCOPE",
                "LAST RUN",
                "RESOURCES",
                "FAILED",
                "CRIT/HIGH",
                "PASS RATE",
                "FAILING CONTROLS",
                "NEW",
                "STATUS",
            ]);
            for r in &rows {
                let sev = |k: &str| r.failed_by_severity[k].as_u64().unwrap_or(0);
                let failing = match r.failing_controls.len() {
                    0 => "-".to_string(),
                    n if n <= 5 => r.failing_controls.join(", "),
                    n => format!("{} (+{} more)", r.failing_controls[..5].join(", "), n - 5),
                };
                t.add_row(vec![
                    r.scope.clone(),
                    r.last_run.clone(),
                    r.resources.to_string(),
                    r.failed.to_string(),
                    format!("{}/{}", sev("critical"), sev("high")),
                    format!("{} ({})", pct(r.pass_rate), r.pass_rate_of),
                    failing,
                    r.new.to_string(),
                    if r.quiet {
                        format!("QUIET {:.0}h", r.age_hours)
                    } else {
                        String::new()
                    },
                ]);
            }
            let quiet_n = rows.iter().filter(|r| r.quiet).count();
            format!(
                "{t}\n{} in {}; {} with no run for {}\n",
                crate::text::count(rows.len(), "scope"),
                store.path(),
                quiet_n,
                args.quiet_after
            )
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::Success)
}

fn to_json(v: &impl serde::Serialize) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
}
