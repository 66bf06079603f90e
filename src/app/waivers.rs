//! `plimsoll waivers audit`: the configured waivers, with the ones that have expired and the
//! ones that waive nothing. Whether a waiver is used depends on the resources, so usage comes
//! from a scan of the given inputs or from the JSON report of an earlier scan; without
//! either, only expiry is judged.

use super::scan::load_config;
use super::{Failure, write_output};
use crate::cli::AuditArgs;
use crate::engine::EvalOptions as EngineOptions;
use crate::exit::ExitCode;
use crate::pipeline;
use crate::report::ListFormat;
use crate::report::model::WaiverUse;
use crate::waiver::Waivers;
use anyhow::Context;
use serde::{Deserialize, Serialize};

/// Days before expiry at which a waiver is flagged as expiring soon.
const SOON_DAYS: i64 = 14;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditRow {
    #[serde(flatten)]
    waiver: WaiverUse,
    /// `active`, `expiring` (within 14 days), `expired`, `unused`, or `unknown` (no usage
    /// data: give INPUT or --report).
    status: &'static str,
}

#[derive(Deserialize)]
struct ReportWaivers {
    #[serde(default)]
    waivers: Vec<WaiverUse>,
}

pub(super) fn audit(args: AuditArgs, colour: bool) -> Result<ExitCode, Failure> {
    let (config, catalogue, benchmarks) = load_config(&args.config, &args.policies)?;
    if config.waivers.is_empty() {
        let where_ = config.path.as_ref().map_or_else(
            || "no configuration file".into(),
            |p| p.display().to_string(),
        );
        write_output(None, &format!("No waivers configured ({where_}).\n"))?;
        return Ok(ExitCode::Success);
    }
    let today = chrono::Local::now().date_naive();
    let waivers = Waivers::from_config(&config, today);
    let has_cluster = args.cluster.kubeconfig.is_some()
        || !args.cluster.contexts.is_empty()
        || args.cluster.all_contexts
        || args.cluster.in_cluster;
    let (uses, known): (Vec<WaiverUse>, bool) = if let Some(path) = &args.report {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))
            .map_err(Failure::input)?;
        let r: ReportWaivers = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a plimsoll JSON report", path.display()))
            .map_err(Failure::usage)?;
        // The report's counts, matched to this configuration's waivers by name; a waiver the
        // report does not know (added since) has no usage data.
        let current = waivers.usage(&[]);
        let mut all_known = true;
        let uses = current
            .into_iter()
            .map(|mut w| {
                match r
                    .waivers
                    .iter()
                    .find(|o| o.name == w.name && o.check == w.check)
                {
                    Some(o) => w.matched = o.matched,
                    None => all_known = false,
                }
                w
            })
            .collect();
        (uses, all_known)
    } else if !args.inputs.is_empty() || has_cluster {
        // Every check the configuration enables, with its parameters: the scan the waivers
        // were written for.
        let params: serde_json::Map<String, serde_json::Value> = config
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let selection = pipeline::select::select(
            &catalogue,
            &benchmarks,
            None,
            &pipeline::select::Filters::default(),
            &params,
            &config,
        )?;
        let plan = pipeline::Plan {
            sources: pipeline::Sources {
                inputs: args.inputs.clone(),
                cluster: super::cluster_options(&args.cluster, true)?,
                ..Default::default()
            },
            selection,
            benchmark: None,
            eval: EngineOptions {
                config: params,
                ..EngineOptions::default()
            },
            waivers: Waivers::from_config(&config, today),
            fail_on: Default::default(),
            baseline: None,
            store: None,
            record_offline: false,
            keep_passes: false,
            keep_bodies: false,
            ends_process: true,
            namespaces: Default::default(),
            config,
            catalogue,
            benchmarks,
        };
        (pipeline::run(&plan)?.report.waivers, true)
    } else {
        (waivers.usage(&[]), false)
    };

    let rows: Vec<AuditRow> = uses
        .into_iter()
        .map(|w| {
            let days_left = w
                .expires
                .as_deref()
                .and_then(|d| crate::config::parse_date(d).ok())
                .map(|d| (d - today).num_days());
            let status = if w.expired {
                "expired"
            } else if known && w.matched == 0 {
                "unused"
            } else if days_left.is_some_and(|d| d <= SOON_DAYS) {
                "expiring"
            } else if known {
                "active"
            } else {
                "unknown"
            };
            AuditRow { waiver: w, status }
        })
        .collect();
    let problems = rows
        .iter()
        .filter(|r| matches!(r.status, "expired" | "unused"))
        .count();
    let text = match args.format {
        ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        ),
        ListFormat::Table | ListFormat::Markdown => {
            let mut t = super::list_table(colour);
            t.set_header(vec![
                "WAIVER", "CHECK", "STATUS", "EXPIRES", "MATCHED", "DEFINED", "REASON",
            ]);
            for r in &rows {
                let w = &r.waiver;
                t.add_row(vec![
                    w.name.clone(),
                    w.check.clone(),
                    r.status.to_uppercase(),
                    w.expires.clone().unwrap_or_else(|| "-".into()),
                    if known || w.expired {
                        w.matched.to_string()
                    } else {
                        "?".into()
                    },
                    w.defined_at.clone(),
                    w.reason.clone(),
                ]);
            }
            let mut text = format!("{t}\n{} waivers, {problems} expired or unused.", rows.len());
            if !known {
                text.push_str(
                    " Usage unknown: give the scan's INPUT (or cluster flags) or --report REPORT.",
                );
            }
            text.push('\n');
            text
        }
    };
    write_output(None, &text)?;
    Ok(if problems > 0 {
        ExitCode::Findings
    } else {
        ExitCode::Success
    })
}
