//! `plimsoll fix PATH...`: scan the manifests, make the fixes the checks declare
//! (`crate::fix`), re-scan the result, then print the diff or write the files.
//!
//! Verification runs on a copy: every input is copied into a temporary directory with the
//! edited files in place of the originals, and scanned with the same plan (cross-resource
//! checks see every file, as in the first scan). A file is kept in the fix only when, in that
//! scan, its fixed findings are gone and no finding appears that the first scan did not have;
//! the others are dropped with the reason and the copy is scanned again. Nothing under the
//! user's paths is written before that, and only with `--write`.

use super::scan::{PlanRequest, load_config, plan};
use super::{Failure, write_output};
use crate::cli::FixArgs;
use crate::exit::ExitCode;
use crate::finding::{Fingerprint, Status};
use crate::fix::{Candidate, Skipped, apply_file, decide, diff};
use crate::pipeline;
use anyhow::anyhow;
use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub(super) fn run(args: FixArgs) -> Result<ExitCode, Failure> {
    if args.json_patch {
        return live(args);
    }
    let (mut plan, values) = fix_plan(
        &args,
        pipeline::Sources {
            inputs: args.inputs.clone(),
            ..Default::default()
        },
    )?;
    let before = pipeline::run(&plan)?;
    let (candidates, mut skipped) = decide(&before.report, &plan.catalogue, &values);

    // Each file's edit; a file that cannot be edited faithfully keeps its findings, with why.
    let mut by_file: BTreeMap<String, Vec<&Candidate>> = BTreeMap::new();
    for c in &candidates {
        by_file.entry(c.file.to_string()).or_default().push(c);
    }
    let mut edited: BTreeMap<String, (String, String, Vec<&Candidate>)> = BTreeMap::new();
    for (file, cs) in by_file {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                skip_all(&mut skipped, &cs, &format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        match apply_file(&text, &cs) {
            Ok(new) if new == text => {}
            Ok(new) => {
                edited.insert(file, (text, new, cs));
            }
            Err(why) => skip_all(&mut skipped, &cs, &format!("{file}: {why}")),
        }
    }

    // Verify on a copy, dropping the files whose fix did not hold, until it does.
    let before_bad: HashSet<Fingerprint> = not_passing(&before.report);
    let mut outcome = None;
    for _ in 0..3 {
        if edited.is_empty() {
            break;
        }
        let copy = tempfile::tempdir()
            .map_err(|e| Failure::usage(anyhow!("cannot make a temporary directory: {e}")))?;
        let inputs = mirror(&args.inputs, copy.path(), &edited)?;
        plan.sources.inputs = inputs;
        let after = pipeline::run(&plan)?;
        let after_bad = not_passing(&after.report);
        let mut failing_files: BTreeMap<String, String> = BTreeMap::new();
        for (file, (_, _, cs)) in &edited {
            if let Some(c) = cs.iter().find(|c| after_bad.contains(&c.fingerprint)) {
                failing_files.insert(
                    file.clone(),
                    format!("the fix of {} did not make it pass", c.check),
                );
            }
        }
        // A finding the first scan did not have: blame the file of its resource.
        for f in &after.report.findings {
            if f.status == Status::Pass || before_bad.contains(&f.fingerprint) {
                continue;
            }
            let original = f
                .location()
                .and_then(|l| original_of(l.file, copy.path(), &args.inputs));
            match original {
                Some(file) if edited.contains_key(&file) => {
                    failing_files.entry(file).or_insert_with(|| {
                        format!("the fix would add a finding: {} {}", f.check.id, f.message)
                    });
                }
                // Not attributable to one file: nothing is fixed.
                _ => {
                    for file in edited.keys() {
                        failing_files.entry(file.clone()).or_insert_with(|| {
                            format!("the fix would add a finding: {} {}", f.check.id, f.message)
                        });
                    }
                }
            }
        }
        if failing_files.is_empty() {
            outcome = Some(after);
            break;
        }
        for (file, why) in failing_files {
            if let Some((_, _, cs)) = edited.remove(&file) {
                skip_all(&mut skipped, &cs, &format!("{file}: {why}"));
            }
        }
    }
    if outcome.is_none() && !edited.is_empty() {
        // Still not holding after three rounds: fix nothing rather than something unverified.
        for (file, (_, _, cs)) in std::mem::take(&mut edited) {
            skip_all(
                &mut skipped,
                &cs,
                &format!("{file}: the fix could not be verified"),
            );
        }
    }

    // Show and write.
    let mut shown = String::new();
    for (file, (old, new, _)) in &edited {
        shown.push_str(&diff(file, old, new));
    }
    if !shown.is_empty() {
        write_output(None, &shown)?;
    }
    if args.write {
        for (file, (_, new, _)) in &edited {
            let path = Path::new(file);
            // The replacement is a new file (created 0600): it gets the original's mode back,
            // so a manifest others read stays readable.
            let mode = std::fs::metadata(path).map(|m| m.permissions()).ok();
            write_output(Some(path), new)?;
            if let Some(mode) = mode {
                std::fs::set_permissions(path, mode).map_err(|e| {
                    Failure::usage(anyhow!("{file}: cannot restore its permissions: {e}"))
                })?;
            }
        }
    }
    let fixed: usize = edited.values().map(|(_, _, cs)| cs.len()).sum();
    warn_skipped(&skipped);
    // The summary, on standard error whatever the log level: the diff is on standard output.
    let _ = writeln!(
        std::io::stderr(),
        "{} {} in {}; {} not fixed{}",
        if args.write { "fixed" } else { "would fix" },
        crate::text::count(fixed, "finding"),
        crate::text::count(edited.len(), "file"),
        skipped.len(),
        if args.write || edited.is_empty() {
            ""
        } else {
            " (--write to apply)"
        }
    );
    // What remains decides: the verified scan of the fixed files, else the first scan.
    let last = outcome.as_ref().unwrap_or(&before);
    Ok(pipeline::gate::exit_code(
        &last.report.summary,
        before.input_errors,
        false,
    ))
}

/// The scan plan of both modes (files or a cluster) and the `--set` values: the
/// configuration, the selection flags and the gate as `scan` reads them. The plan is run more
/// than once (the verification scans), so its values are freed, not left to the process's end.
fn fix_plan(
    args: &FixArgs,
    sources: pipeline::Sources,
) -> Result<(pipeline::Plan, BTreeMap<String, serde_json::Value>), Failure> {
    let (config, catalogue, benchmarks) = load_config(&args.config, &args.policy.policies)?;
    let fail_on = fail_on(args, &config);
    let values = parse_values(&args.values)?;
    let mut plan = plan(PlanRequest {
        config,
        catalogue,
        benchmarks,
        sources,
        policy: &args.policy,
        fail_on,
        baseline: None,
        keep_passes: false,
        store: None,
        namespaces: Default::default(),
    })?;
    plan.ends_process = false;
    Ok((plan, values))
}

/// What is not fixed, one line per resource and reason naming its checks.
fn warn_skipped(skipped: &[Skipped]) {
    let mut grouped: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for s in skipped {
        grouped
            .entry((s.resource.as_str(), s.reason.as_str()))
            .or_default()
            .push(s.check.as_str());
    }
    for ((resource, reason), mut checks) in grouped {
        checks.sort_unstable();
        checks.dedup();
        tracing::warn!("not fixed: {resource} ({}): {reason}", checks.join(", "));
    }
}

/// `--fail-on`, else the configuration's gate.
fn fail_on(args: &FixArgs, config: &crate::config::Config) -> crate::config::FailOn {
    match args.fail_on {
        Some(severity) => crate::config::FailOn {
            severity,
            new_only: false,
        },
        None => config.parsed.fail_on.unwrap_or_default(),
    }
}

/// Every finding that is not a pass (FAIL, ERROR, NOT_ASSESSED; waived ones too).
fn not_passing(report: &crate::report::model::Report) -> HashSet<Fingerprint> {
    report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| f.fingerprint)
        .collect()
}

fn skip_all(skipped: &mut Vec<Skipped>, cs: &[&Candidate], reason: &str) {
    for c in cs {
        skipped.push(Skipped {
            check: c.check.clone(),
            resource: format!("{} {}", c.kind, c.name),
            reason: reason.to_string(),
        });
    }
}

/// `--set NAME=VALUE`: the value read as YAML (`512Mi` a string, `2` a number).
fn parse_values(given: &[String]) -> Result<BTreeMap<String, serde_json::Value>, Failure> {
    given
        .iter()
        .map(|s| {
            let (k, v) = s
                .split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| Failure::usage(anyhow!("--set {s}: expected NAME=VALUE")))?;
            let value: serde_json::Value =
                yaml_serde::from_str(v).map_err(|e| Failure::usage(anyhow!("--set {s}: {e}")))?;
            Ok((k.to_string(), value))
        })
        .collect()
}

/// Copies every input into `dir` (input N under `dir/N/`), with the edited files' new text
/// in place of theirs; returns the copies' paths, in the order of the inputs.
fn mirror(
    inputs: &[String],
    dir: &Path,
    edited: &BTreeMap<String, (String, String, Vec<&Candidate>)>,
) -> Result<Vec<String>, Failure> {
    let fail = |p: &Path, e: std::io::Error| {
        Failure::usage(anyhow!(
            "{}: cannot copy for verification: {e}",
            p.display()
        ))
    };
    let mut out = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        let src = Path::new(input);
        let base = dir.join(n.to_string());
        let meta = std::fs::metadata(src).map_err(|e| fail(src, e))?;
        let target = if meta.is_dir() {
            base.clone()
        } else {
            base.join(src.file_name().unwrap_or_default())
        };
        let mut stack = vec![(src.to_path_buf(), target.clone())];
        while let Some((from, to)) = stack.pop() {
            let m = std::fs::symlink_metadata(&from).map_err(|e| fail(&from, e))?;
            if m.is_dir() {
                std::fs::create_dir_all(&to).map_err(|e| fail(&to, e))?;
                for entry in std::fs::read_dir(&from).map_err(|e| fail(&from, e))? {
                    let entry = entry.map_err(|e| fail(&from, e))?;
                    stack.push((entry.path(), to.join(entry.file_name())));
                }
            } else if m.is_file() {
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
                }
                let key = from.to_string_lossy().to_string();
                match edited.get(&key) {
                    Some((_, new, _)) => std::fs::write(&to, new).map_err(|e| fail(&to, e))?,
                    None => {
                        std::fs::copy(&from, &to).map_err(|e| fail(&from, e))?;
                    }
                }
            }
        }
        out.push(target.to_string_lossy().to_string());
    }
    Ok(out)
}

/// The original path of a file of the verification copy.
fn original_of(copied: &str, dir: &Path, inputs: &[String]) -> Option<String> {
    let rest = Path::new(copied).strip_prefix(dir).ok()?;
    let mut parts = rest.components();
    let n: usize = parts.next()?.as_os_str().to_str()?.parse().ok()?;
    let input = Path::new(inputs.get(n)?);
    let rel: PathBuf = parts.collect();
    Some(if input.is_dir() {
        input.join(rel).to_string_lossy().to_string()
    } else {
        input.to_string_lossy().to_string()
    })
}

/// `--json-patch`: one RFC 6902 patch per live resource, with its `kubectl patch` command.
/// Each patch is applied to the resource's body here, and the patched bodies are scanned as
/// manifests: a patch is printed only if the findings it fixes are gone and none appears.
fn live(args: FixArgs) -> Result<ExitCode, Failure> {
    use crate::fix::{decide_live, json_patch};
    use serde_json::{Value, json};
    let mut cluster = super::cluster_options(&args.cluster, true)?;
    if !cluster.wanted() {
        cluster.current_context = true;
    }
    let context = args.cluster.contexts.first().cloned();
    let (mut plan, values) = fix_plan(
        &args,
        pipeline::Sources {
            cluster,
            ..Default::default()
        },
    )?;
    plan.keep_bodies = true;
    let before = pipeline::run(&plan)?;
    let (candidates, mut skipped) = decide_live(&before.report, &plan.catalogue, &values);

    // Per resource: its changes, its patch and its patched body.
    let mut by_resource: BTreeMap<String, Vec<&crate::fix::LiveCandidate>> = BTreeMap::new();
    for c in &candidates {
        by_resource
            .entry(c.resource.id.clone())
            .or_default()
            .push(c);
    }
    let mut patches: Vec<(Vec<&crate::fix::LiveCandidate>, Vec<Value>, Value)> = Vec::new();
    for (id, cs) in by_resource {
        let body = before
            .snapshot
            .resources
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.retained.as_ref())
            .and_then(|k| k.body.as_ref())
            .and_then(|b| b.text().ok())
            .and_then(|b| serde_json::from_str::<Value>(&b).ok());
        let Some(body) = body else {
            skip_live(&mut skipped, &cs, "its body was not kept");
            continue;
        };
        let changes: Vec<_> = cs
            .iter()
            .map(|c| (c.path.clone(), c.change.clone()))
            .collect();
        match json_patch(&body, &changes) {
            Ok((ops, _)) if ops.is_empty() => {}
            Ok((ops, after)) => patches.push((cs, ops, after)),
            Err(why) => skip_live(&mut skipped, &cs, &why),
        }
    }

    // Verify: the patched bodies scanned as manifests.
    if !patches.is_empty() {
        let dir = tempfile::tempdir()
            .map_err(|e| Failure::usage(anyhow!("cannot make a temporary directory: {e}")))?;
        let file = dir.path().join("patched.yaml");
        let text: Vec<String> = patches
            .iter()
            .map(|(_, _, after)| serde_json::to_string_pretty(after).unwrap_or_default())
            .collect();
        std::fs::write(&file, text.join("\n---\n"))
            .map_err(|e| Failure::usage(anyhow!("{}: {e}", file.display())))?;
        plan.sources = pipeline::Sources {
            inputs: vec![file.display().to_string()],
            ..Default::default()
        };
        plan.keep_bodies = false;
        let after = pipeline::run(&plan)?;
        let key = |check: &str, r: &crate::report::model::ResourceRef, path: Option<&str>| {
            format!(
                "{check} {}/{}/{} {}",
                r.kind,
                r.namespace.as_deref().unwrap_or("-"),
                r.name,
                path.unwrap_or("")
            )
        };
        let before_keys: HashSet<String> = before
            .report
            .findings
            .iter()
            .filter_map(|f| Some(key(&f.check.id, f.resource.as_deref()?, f.path.as_deref())))
            .collect();
        let mut bad: BTreeMap<String, String> = BTreeMap::new();
        for f in after
            .report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
        {
            let Some(r) = f.resource.as_deref() else {
                continue;
            };
            let k = key(&f.check.id, r, f.path.as_deref());
            let resource = format!(
                "{}/{}/{}",
                r.kind,
                r.namespace.as_deref().unwrap_or("-"),
                r.name
            );
            let fixed_here = patches.iter().any(|(cs, _, _)| {
                cs.iter().any(|c| {
                    c.check == *f.check.id
                        && c.resource.kind == r.kind
                        && c.resource.name == r.name
                        && c.resource.namespace == r.namespace
                        && f.path
                            .as_deref()
                            .and_then(crate::snapshot::parse_path)
                            .as_deref()
                            == Some(&c.path[..])
                })
            });
            let reads_others = plan
                .catalogue
                .get(&f.check.id)
                .is_some_and(|c| !c.meta.inventory.is_empty());
            if fixed_here {
                bad.entry(resource)
                    .or_insert(format!("the fix of {} did not make it pass", f.check.id));
            } else if !before_keys.contains(&k) && !reads_others {
                bad.entry(resource).or_insert(format!(
                    "the patch would add a finding: {} {}",
                    f.check.id, f.message
                ));
            }
        }
        patches.retain(|(cs, _, _)| {
            let r = &cs[0].resource;
            let name = format!(
                "{}/{}/{}",
                r.kind,
                r.namespace.as_deref().unwrap_or("-"),
                r.name
            );
            match bad.get(&name) {
                Some(why) => {
                    skip_live(&mut skipped, cs, why);
                    false
                }
                None => true,
            }
        });
    }

    let out: Vec<Value> = patches
        .iter()
        .map(|(cs, ops, _)| {
            let r = &cs[0].resource;
            let mut checks: Vec<&str> = cs.iter().map(|c| c.check.as_str()).collect();
            checks.sort_unstable();
            checks.dedup();
            let patch = serde_json::to_string(ops).unwrap_or_default();
            let mut command = String::from("kubectl");
            if let Some(c) = &context {
                command.push_str(&format!(" --context {}", shell_quote(c)));
            }
            command.push_str(&format!(
                " patch {} {}",
                r.kind.to_lowercase(),
                shell_quote(&r.name)
            ));
            if let Some(ns) = &r.namespace {
                command.push_str(&format!(" -n {}", shell_quote(ns)));
            }
            command.push_str(&format!(" --type=json -p {}", shell_quote(&patch)));
            json!({
                "resource": r.id,
                "kind": r.kind,
                "namespace": r.namespace,
                "name": r.name,
                "checks": checks,
                "patch": ops,
                "command": command,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&out)
        .map_err(|e| Failure::usage(anyhow!("cannot write the patches: {e}")))?;
    text.push('\n');
    write_output(None, &text)?;
    let fixed: usize = patches.iter().map(|(cs, _, _)| cs.len()).sum();
    warn_skipped(&skipped);
    let _ = writeln!(
        std::io::stderr(),
        "{} for {} in {}; {} not fixed",
        crate::text::count(patches.len(), "patch"),
        crate::text::count(fixed, "finding"),
        crate::text::count(patches.len(), "resource"),
        skipped.len()
    );
    // What would remain once the patches are applied decides.
    let fixed_keys: HashSet<(String, String)> = patches
        .iter()
        .flat_map(|(cs, _, _)| cs.iter().map(|c| (c.check.clone(), c.resource.id.clone())))
        .collect();
    let threshold = plan.fail_on.severity;
    let remaining = before
        .report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.severity >= threshold)
        .filter(|f| {
            f.resource
                .as_ref()
                .is_none_or(|r| !fixed_keys.contains(&(f.check.id.to_string(), r.id.clone())))
        })
        .count();
    Ok(match (before.input_errors, remaining) {
        (true, _) => ExitCode::Input,
        (false, 0) => ExitCode::Success,
        _ => ExitCode::Findings,
    })
}

fn skip_live(skipped: &mut Vec<Skipped>, cs: &[&crate::fix::LiveCandidate], reason: &str) {
    for c in cs {
        skipped.push(Skipped {
            check: c.check.clone(),
            resource: c.resource.id.clone(),
            reason: reason.to_string(),
        });
    }
}

/// A word for a POSIX shell: single-quoted unless plainly safe.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'=')
        })
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
