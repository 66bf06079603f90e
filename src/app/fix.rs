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
    let (config, catalogue, benchmarks) = load_config(&args.config, &args.policy.policies)?;
    let fail_on = match args.fail_on {
        Some(severity) => crate::config::FailOn {
            severity,
            new_only: false,
        },
        None => config.parsed.fail_on.unwrap_or_default(),
    };
    let values = parse_values(&args.values)?;
    let mut plan = plan(PlanRequest {
        config,
        catalogue,
        benchmarks,
        sources: pipeline::Sources {
            inputs: args.inputs.clone(),
            ..Default::default()
        },
        policy: &args.policy,
        fail_on,
        baseline: None,
        keep_passes: false,
        store: None,
        namespaces: Default::default(),
    })?;
    plan.ends_process = false;
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
            write_output(Some(Path::new(file)), new)?;
        }
    }
    let fixed: usize = edited.values().map(|(_, _, cs)| cs.len()).sum();
    // One line per resource and reason, naming its checks.
    let mut grouped: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for s in &skipped {
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
