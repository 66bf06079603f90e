//! `plimsoll diff OLD NEW`: drift between two files, no store needed; or, with `--state`,
//! between two recorded runs of a store (the fleet's, say). Two snapshots compare
//! resources (added, removed, changed fields); two JSON reports compare findings by
//! fingerprint (new, resolved, persisting). Exit 0 when nothing differs, 1 when something
//! does, like diff(1).

use super::{Failure, write_output};
use crate::cli::DiffArgs;
use crate::drift;
use crate::exit::ExitCode;
use crate::report::ListFormat;
use crate::report::model::{ResolvedFinding, ResourceDrift};
use crate::snapshot::Snapshot;
use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// The finding fields a diff of reports needs.
#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ReportFinding {
    fingerprint: String,
    check_id: String,
    status: String,
    severity: String,
    message: String,
    #[serde(default)]
    resource: Option<ResourceId>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    first_seen: String,
}

/// Failing findings of two sides by fingerprint: new, resolved, and how many persist.
fn compare_findings(
    fa: &BTreeMap<String, ReportFinding>,
    fb: &BTreeMap<String, ReportFinding>,
) -> FindingDiff {
    let new: Vec<ReportFinding> = fb
        .iter()
        .filter(|(fp, _)| !fa.contains_key(*fp))
        .map(|(_, f)| f.clone())
        .collect();
    let resolved: Vec<ResolvedFinding> = fa
        .iter()
        .filter(|(fp, _)| !fb.contains_key(*fp))
        .map(|(fp, f)| ResolvedFinding {
            fingerprint: fp.clone(),
            check_id: f.check_id.clone(),
            resource_id: f
                .resource
                .as_ref()
                .map(|r| r.id.clone())
                .unwrap_or_default(),
            severity: f.severity.clone(),
            message: f.message.clone(),
            first_seen: f.first_seen.clone(),
        })
        .collect();
    FindingDiff {
        persisting: fb.len() - new.len(),
        new,
        resolved,
    }
}

/// One line per new finding.
fn write_new(new: &[ReportFinding], text: &mut String) {
    for f in new {
        let _ = writeln!(
            text,
            "  new      {} {} {}: {}",
            f.severity.to_uppercase(),
            f.check_id,
            f.resource.as_ref().map_or("-", |r| r.id.as_str()),
            f.message
        );
    }
}

#[derive(Deserialize, Serialize, Clone)]
struct ResourceId {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportFile {
    #[allow(dead_code)]
    schema_version: u32,
    findings: Vec<ReportFinding>,
}

enum Input {
    Snapshot(Box<Snapshot>),
    Report(Vec<ReportFinding>),
}

fn read(path: &Path) -> Result<Input, Failure> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))
        .map_err(Failure::input)?;
    let head: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| {
            format!(
                "{}: not JSON (give a snapshot or a JSON report)",
                path.display()
            )
        })
        .map_err(Failure::input)?;
    let name = path.display().to_string();
    if head.get("findings").is_some() && head.get("schemaVersion").is_some() {
        let r: ReportFile = serde_json::from_value(head)
            .with_context(|| format!("{name}: not a plimsoll JSON report"))
            .map_err(Failure::input)?;
        Ok(Input::Report(r.findings))
    } else {
        let mut s = Snapshot::from_json_str(&name, &text).map_err(Failure::input)?;
        s.normalise();
        Ok(Input::Snapshot(Box::new(s)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FindingDiff {
    new: Vec<ReportFinding>,
    resolved: Vec<ResolvedFinding>,
    persisting: usize,
}

pub(super) fn run(args: DiffArgs) -> Result<ExitCode, Failure> {
    if args.state.is_some() {
        return runs(args);
    }
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let (json, text, differs) = match (old, new) {
        (Input::Snapshot(a), Input::Snapshot(b)) => {
            let index = |s: &Snapshot| -> HashMap<String, (String, String)> {
                s.resources
                    .iter()
                    .map(|r| (r.id.clone(), (r.kind().to_string(), drift::digest(r))))
                    .collect()
            };
            // By id through a map, not a binary search: snapshot files written by older
            // versions are in byte order, newer ones in natural order.
            let at = |s: &Snapshot| -> HashMap<String, usize> {
                s.resources
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.id.clone(), i))
                    .collect()
            };
            let (at_a, at_b) = (at(&a), at(&b));
            let body = |s: &Snapshot, at: &HashMap<String, usize>, id: &str| {
                at.get(id).map(|&i| drift::leaves(&s.resources[i].object))
            };
            let (ia, ib) = (index(&a), index(&b));
            // Bodies are looked up by id on both sides (a snapshot has no digest table).
            let digest_to_id: HashMap<&str, &str> = ia
                .iter()
                .map(|(id, (_, d))| (d.as_str(), id.as_str()))
                .collect();
            let d: ResourceDrift = drift::resource_drift(
                &ia,
                &ib,
                |digest| digest_to_id.get(digest).and_then(|id| body(&a, &at_a, id)),
                |id| body(&b, &at_b, id),
            );
            let differs = !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty());
            let mut text = format!(
                "Resources: {} added, {} removed, {} changed ({} -> {}).\n",
                d.added.len(),
                d.removed.len(),
                d.changed.len(),
                args.old.display(),
                args.new.display()
            );
            crate::report::table::write_drift_lists(&d, &[], &mut text);
            (serde_json::to_string_pretty(&d), text, differs)
        }
        (Input::Report(a), Input::Report(b)) => {
            let failing = |v: &[ReportFinding]| -> BTreeMap<String, ReportFinding> {
                v.iter()
                    .filter(|f| f.status == "FAIL")
                    .map(|f| (f.fingerprint.clone(), f.clone()))
                    .collect()
            };
            let diff = compare_findings(&failing(&a), &failing(&b));
            let mut text = format!(
                "Findings: {} new, {} resolved, {} persisting ({} -> {}).\n",
                diff.new.len(),
                diff.resolved.len(),
                diff.persisting,
                args.old.display(),
                args.new.display()
            );
            write_new(&diff.new, &mut text);
            crate::report::table::write_drift_lists(
                &ResourceDrift::default(),
                &diff.resolved,
                &mut text,
            );
            let differs = !(diff.new.is_empty() && diff.resolved.is_empty());
            (serde_json::to_string_pretty(&diff), text, differs)
        }
        _ => {
            return Err(Failure::usage(anyhow!(
                "{} and {} are not the same kind of file: compare two snapshots or two JSON reports",
                args.old.display(),
                args.new.display()
            )));
        }
    };
    finish(&args, json, text, differs)
}

fn finish(
    args: &DiffArgs,
    json: serde_json::Result<String>,
    text: String,
    differs: bool,
) -> Result<ExitCode, Failure> {
    let out = match args.format {
        ListFormat::Json => format!("{}\n", json.unwrap_or_default()),
        ListFormat::Table | ListFormat::Markdown => text,
    };
    write_output(None, &out)?;
    Ok(if differs {
        ExitCode::Findings
    } else {
        ExitCode::Success
    })
}

/// Two runs of a store (`--state`): resources by digest (bodies for the changed ones) and
/// failing findings by fingerprint.
fn runs(args: DiffArgs) -> Result<ExitCode, Failure> {
    let id = |p: &Path| -> Result<i64, Failure> {
        p.to_str()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(|| {
                Failure::usage(anyhow!(
                    "{}: with --state, give two run ids (see `plimsoll history`)",
                    p.display()
                ))
            })
    };
    let (a, b) = (id(&args.old)?, id(&args.new)?);
    let store = super::history::open_to_read(args.state.clone())?;
    let scope_of = |run: i64| -> Result<String, Failure> {
        store
            .rows(&format!("SELECT scope FROM runs WHERE id = {run}"))
            .map_err(Failure::usage)?
            .first()
            .map(|r| r[0].text().to_string())
            .ok_or_else(|| Failure::input(anyhow!("no run {run} in {}", store.path())))
    };
    let (sa, sb) = (scope_of(a)?, scope_of(b)?);
    let (ra, rb) = (
        store.resources(a).map_err(Failure::usage)?,
        store.resources(b).map_err(Failure::usage)?,
    );
    let changed = |from: &HashMap<String, (String, String)>,
                   to: &HashMap<String, (String, String)>|
     -> Vec<String> {
        to.iter()
            .filter_map(|(id, (_, d))| {
                from.get(id)
                    .filter(|(_, old)| old != d)
                    .map(|(_, old)| old.clone())
            })
            .collect()
    };
    // The digests each run had for the resources whose digest differs between them.
    let (was, now) = (changed(&ra, &rb), changed(&rb, &ra));
    let old_bodies = store
        .bodies(&sa, &was.iter().map(String::as_str).collect::<Vec<_>>())
        .map_err(Failure::usage)?;
    let new_bodies = store
        .bodies(&sb, &now.iter().map(String::as_str).collect::<Vec<_>>())
        .map_err(Failure::usage)?;
    let leaves = |bodies: &HashMap<String, String>, digest: &str| {
        bodies
            .get(digest)
            .and_then(|t| {
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok()
            })
            .map(|m| drift::leaves(&m))
    };
    let d: ResourceDrift = drift::resource_drift(
        &ra,
        &rb,
        |digest| leaves(&old_bodies, digest),
        |id| {
            rb.get(id)
                .and_then(|(_, digest)| leaves(&new_bodies, digest))
        },
    );
    // Stored findings in the shape a report's have, so both kinds of diff share one comparison.
    let failing = |run: i64| -> Result<BTreeMap<String, ReportFinding>, Failure> {
        Ok(store
            .findings(run)
            .map_err(Failure::usage)?
            .into_iter()
            .filter(|(_, f)| f.status == "FAIL")
            .map(|(fp, f)| {
                let finding = ReportFinding {
                    fingerprint: fp.clone(),
                    check_id: f.check_id,
                    status: f.status,
                    severity: f.severity,
                    message: f.message,
                    resource: Some(ResourceId { id: f.resource_id }),
                    first_seen: f.first_seen,
                };
                (fp, finding)
            })
            .collect())
    };
    let findings = compare_findings(&failing(a)?, &failing(b)?);
    let mut text = format!(
        "Runs {a} ({sa}) -> {b} ({sb}): resources {} added, {} removed, {} changed; findings {} \
         new, {} resolved.\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        findings.new.len(),
        findings.resolved.len()
    );
    write_new(&findings.new, &mut text);
    crate::report::table::write_drift_lists(&d, &findings.resolved, &mut text);
    let differs = !(d.added.is_empty()
        && d.removed.is_empty()
        && d.changed.is_empty()
        && findings.new.is_empty()
        && findings.resolved.is_empty());
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "old": {"run": a, "scope": sa},
        "new": {"run": b, "scope": sb},
        "resources": d,
        "findings": findings,
    }));
    finish(&args, json, text, differs)
}
