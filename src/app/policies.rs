//! `plimsoll policies list` and `plimsoll policies test`.

use super::{Failure, write_output};
use crate::benchmark::Benchmarks;
use crate::exit::ExitCode;
use crate::policy::{Catalogue, IdRule, cases};
use crate::report::Format;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckOut<'a> {
    id: &'a str,
    title: &'a str,
    severity: crate::finding::Severity,
    kinds: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    inventory: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    parameters: &'a [String],
    cis: Vec<crate::finding::CisRef>,
    remediation: &'a str,
    builtin: bool,
    file: &'a str,
}

/// Lists the catalogue.
pub(super) fn list(dirs: &[PathBuf], format: Format, colour: bool) -> Result<ExitCode, Failure> {
    let catalogue = Catalogue::load(dirs).map_err(Failure::usage)?;
    let refs = Benchmarks::builtin().map_err(Failure::usage)?.references();
    let rows: Vec<CheckOut> = catalogue
        .checks
        .iter()
        .map(|c| CheckOut {
            id: &c.meta.id,
            title: &c.meta.title,
            severity: c.meta.severity,
            kinds: &c.meta.kinds,
            inventory: &c.meta.inventory,
            parameters: &c.meta.parameters,
            cis: refs.get(&c.meta.id).cloned().unwrap_or_default(),
            remediation: &c.meta.remediation,
            builtin: c.builtin,
            file: &c.file,
        })
        .collect();
    let text = match format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        ),
        Format::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(super::terminal_width().unwrap_or(160));
            if !colour || !super::stdout_is_terminal() {
                t.force_no_tty();
            }
            t.set_header(vec!["ID", "SEVERITY", "TITLE", "KINDS", "CIS"]);
            for r in &rows {
                let kinds = if r.kinds.len() > 3 {
                    format!("{} (+{} more)", r.kinds[..2].join(", "), r.kinds.len() - 2)
                } else {
                    r.kinds.join(", ")
                };
                let cis: Vec<String> = r
                    .cis
                    .iter()
                    .map(|c| format!("{} {} (L{})", c.benchmark, c.control, c.level))
                    .collect();
                let title = if r.parameters.is_empty() {
                    r.title.to_string()
                } else {
                    format!("{} [needs --param {}]", r.title, r.parameters.join(", "))
                };
                t.add_row(vec![
                    r.id.to_string(),
                    r.severity.to_string(),
                    title,
                    kinds,
                    cis.join("\n"),
                ]);
            }
            format!("{t}\n{} checks\n", rows.len())
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::Success)
}

/// Runs the cases of the checks in `dirs`. Exit 1 if any case fails.
pub(super) fn test(dirs: &[PathBuf]) -> Result<ExitCode, Failure> {
    // Built-in checks (PLM- ids, e.g. the repository's policies/) and user checks alike.
    let catalogue = Catalogue::from_dirs(dirs, IdRule::Either).map_err(Failure::usage)?;
    let results = cases::run_all(&catalogue);
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    for r in &results {
        if r.ok {
            passed += 1;
            text.push_str(&format!("ok    {} {}\n", r.check, r.case));
        } else {
            failed += 1;
            text.push_str(&format!("FAIL  {} {}: {}\n", r.check, r.case, r.detail));
        }
    }
    text.push_str(&format!(
        "{} checks, {passed} cases passed, {failed} failed\n",
        catalogue.checks.len()
    ));
    write_output(None, &text)?;
    Ok(if failed > 0 {
        ExitCode::Findings
    } else {
        ExitCode::Success
    })
}
