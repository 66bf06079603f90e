//! The policy case runner (regorus has no `opa test`): every check folder has `cases/pass-*`
//! and `cases/fail-*` directories, each with an `input.yaml` (any manifests, collected by the
//! real manifest collector), an optional `config.yaml` (policy parameters) and an optional
//! `expected.yaml` listing the exact failing findings:
//!
//! ```yaml
//! findings:
//!   - resource: Deployment/web          # Kind/name or namespace/Kind/name
//!     path: spec.template.spec.containers[0].securityContext.privileged   # optional
//!     line: 21                           # optional: file line of the offending field
//! ```
//!
//! A `pass-` case must evaluate at least one resource and find nothing; a `fail-` case must
//! find something; a `not-assessed-` case (a check with `needs`) must judge nothing: every
//! resource it evaluates is NOT_ASSESSED, never passed; a `not-applicable-` case (a check with
//! a `not_applicable` rule) must leave every resource of its kinds unjudged. All run through
//! the same loader and engine as a scan.
//!
//! A `fix-` case (required for a check that declares a fix) holds an `input.yaml` the check
//! fails, an `expected.yaml` that is the file as `plimsoll fix` must leave it, byte for byte,
//! and an optional `values.yaml` (the `--set` values). The fixed file must pass the check,
//! and fixing it again must change nothing.

use crate::engine::{EvalOptions, Evaluated, Prepared};
use crate::policy::Catalogue;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Check id.
    pub check: String,
    /// Case directory name (or `-` for a check-level problem such as missing cases).
    pub case: String,
    /// Whether the case holds.
    pub ok: bool,
    /// Why not, when it does not.
    pub detail: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    findings: Vec<ExpectedFinding>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    resource: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    line: Option<u32>,
}

fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs every case of every check of the catalogue that was loaded from disk.
pub fn run_all(catalogue: &Catalogue) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for (ci, check) in catalogue.checks.iter().enumerate() {
        let Some(dir) = &check.dir else { continue };
        let dirs = case_dirs(dir);
        let name = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        let has = |prefix: &str| dirs.iter().any(|d| name(d).starts_with(prefix));
        if crate::fix::fixable(&check.meta) && !has("fix-") {
            results.push(CaseResult {
                check: check.meta.id.clone(),
                case: "-".into(),
                ok: false,
                detail: format!(
                    "{}: declares a fix, so needs at least one cases/fix-* directory",
                    dir.display()
                ),
            });
        }
        if !has("pass-") || !has("fail-") {
            results.push(CaseResult {
                check: check.meta.id.clone(),
                case: "-".into(),
                ok: false,
                detail: format!(
                    "{}: needs at least one cases/pass-* and one cases/fail-* directory",
                    dir.display()
                ),
            });
        }
        for d in &dirs {
            let case = name(d);
            let outcome = run_case(catalogue, ci, d, &case);
            results.push(CaseResult {
                check: check.meta.id.clone(),
                case,
                ok: outcome.is_ok(),
                detail: outcome.err().unwrap_or_default(),
            });
        }
    }
    results
}

fn resource_matches(spec: &str, kind: &str, ns: Option<&str>, name: &str) -> bool {
    let parts: Vec<&str> = spec.split('/').collect();
    match parts.as_slice() {
        [k, n] => *k == kind && *n == name,
        [s, k, n] => *k == kind && *n == name && ns == Some(*s),
        _ => false,
    }
}

/// A failing finding of a case: (kind, name, line, field path).
type Failing = (String, String, u32, Option<String>);

/// The failing findings of one check on one input file.
fn failures(
    catalogue: &Catalogue,
    ci: usize,
    input: &Path,
    opts: &EvalOptions,
) -> Result<Vec<Failing>, String> {
    let snapshot = crate::collect::collect_inputs(&[input.display().to_string()])
        .map_err(|e| e.to_string())?;
    if snapshot.has_errors() {
        let msgs: Vec<&str> = snapshot.issues.iter().map(|i| i.message.as_str()).collect();
        return Err(format!("input errors: {}", msgs.join("; ")));
    }
    let prepared = Prepared::new(catalogue, &[ci], &snapshot, opts).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for o in prepared.evaluate(&snapshot) {
        let r = &snapshot.resources[o.resource];
        match &o.result {
            Evaluated::Fail(vs) => {
                for v in vs {
                    let line = r.location.as_ref().map_or(0, |l| l.line);
                    out.push((
                        r.kind().to_string(),
                        r.name().to_string(),
                        line,
                        v.path.as_deref().map(str::to_string),
                    ));
                }
            }
            Evaluated::Pass => {}
            other => return Err(format!("{}: {other:?}", r.id)),
        }
    }
    Ok(out)
}

/// A `fix-` case: see the module documentation.
fn run_fix_case(
    catalogue: &Catalogue,
    ci: usize,
    dir: &Path,
    opts: &EvalOptions,
) -> Result<(), String> {
    let check = &catalogue.checks[ci];
    let input = dir.join("input.yaml");
    let text = std::fs::read_to_string(&input).map_err(|e| format!("{}: {e}", input.display()))?;
    let expected_path = dir.join("expected.yaml");
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    let values_path = dir.join("values.yaml");
    let values: std::collections::BTreeMap<String, serde_json::Value> = if values_path.exists() {
        let t = std::fs::read_to_string(&values_path)
            .map_err(|e| format!("{}: {e}", values_path.display()))?;
        yaml_serde::from_str(&t).map_err(|e| format!("{}: {e}", values_path.display()))?
    } else {
        Default::default()
    };
    let found = failures(catalogue, ci, &input, opts)?;
    if found.is_empty() {
        return Err("the input does not fail the check: nothing to fix".into());
    }
    let mut candidates = Vec::new();
    for (kind, name, line, path) in found {
        let path = path.ok_or("a finding names no field")?;
        let (parts, change) = crate::fix::change_for(&check.meta, &path, &values)?;
        candidates.push(crate::fix::Candidate {
            file: input.display().to_string().into(),
            line,
            kind,
            name,
            check: check.meta.id.clone(),
            fingerprint: crate::finding::Fingerprint(0),
            path: parts,
            change,
        });
    }
    let refs: Vec<&crate::fix::Candidate> = candidates.iter().collect();
    let fixed = crate::fix::apply_file(&text, &refs)?;
    if fixed != expected {
        return Err(format!(
            "the fixed file differs from expected.yaml:\n{}",
            crate::fix::diff("expected.yaml", &expected, &fixed)
        ));
    }
    // The fixed file passes, and a second fix changes nothing.
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let again = tmp.path().join("input.yaml");
    std::fs::write(&again, &fixed).map_err(|e| e.to_string())?;
    let left = failures(catalogue, ci, &again, opts)?;
    if !left.is_empty() {
        return Err(format!("the fixed file still fails: {left:?}"));
    }
    let twice = crate::fix::apply_file(&fixed, &refs)?;
    if twice != fixed {
        return Err("fixing the fixed file changed it again".into());
    }
    Ok(())
}

fn run_case(catalogue: &Catalogue, ci: usize, dir: &Path, case: &str) -> Result<(), String> {
    let check = &catalogue.checks[ci];
    if case.starts_with("fix-") {
        let mut opts = EvalOptions::default();
        let config_path = dir.join("config.yaml");
        if config_path.exists() {
            let text = std::fs::read_to_string(&config_path)
                .map_err(|e| format!("{}: {e}", config_path.display()))?;
            let value: serde_json::Value = yaml_serde::from_str(&text)
                .map_err(|e| format!("{}: {e}", config_path.display()))?;
            opts.config = value.as_object().cloned().unwrap_or_default();
        }
        return run_fix_case(catalogue, ci, dir, &opts);
    }
    let input = ["input.yaml", "input.yml", "input.json"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .ok_or_else(|| format!("{}: no input.yaml", dir.display()))?;
    let snapshot = crate::collect::collect_inputs(&[input.display().to_string()])
        .map_err(|e| e.to_string())?;
    if snapshot.has_errors() {
        let msgs: Vec<&str> = snapshot.issues.iter().map(|i| i.message.as_str()).collect();
        return Err(format!("input errors: {}", msgs.join("; ")));
    }
    let mut opts = EvalOptions::default();
    let config_path = dir.join("config.yaml");
    if config_path.exists() {
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| format!("{}: {e}", config_path.display()))?;
        let value: serde_json::Value =
            yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", config_path.display()))?;
        opts.config = value
            .as_object()
            .cloned()
            .ok_or_else(|| format!("{}: must be a mapping", config_path.display()))?;
    }
    for p in &check.meta.parameters {
        if !opts.config.contains_key(p) {
            return Err(format!(
                "the check needs parameter {p}: set it in {}/config.yaml",
                dir.display()
            ));
        }
    }
    let prepared = Prepared::new(catalogue, &[ci], &snapshot, &opts).map_err(|e| e.to_string())?;
    let outcomes = prepared.evaluate(&snapshot);
    if check.builtin {
        // Built-in checks run compiled to regorus's VM in scans; the interpreter is the
        // reference. Every case must come out the same in both.
        opts.compiled = false;
        let reference = Prepared::new(catalogue, &[ci], &snapshot, &opts)
            .map_err(|e| e.to_string())?
            .evaluate(&snapshot);
        if reference != outcomes {
            return Err(format!(
                "the compiled check (RVM) and the interpreter disagree: {outcomes:?} vs {reference:?}"
            ));
        }
    }
    if case.starts_with("not-applicable-") {
        // The input holds resources of the check's kinds, and the check judges none of them.
        let present = snapshot
            .resources
            .iter()
            .any(|r| check.meta.kinds.contains(&r.selector()));
        return match (present, outcomes.first()) {
            (false, _) => Err(format!(
                "no resource in the input matches the check's kinds {:?}",
                check.meta.kinds
            )),
            (true, Some(o)) => Err(format!(
                "expected the check not to apply, got {:?} on {}",
                o.result, snapshot.resources[o.resource].id
            )),
            (true, None) => Ok(()),
        };
    }
    if outcomes.is_empty() {
        return Err(format!(
            "no resource in the input matches the check's kinds {:?}",
            check.meta.kinds
        ));
    }
    if case.starts_with("not-assessed-") {
        return match outcomes
            .iter()
            .find(|o| !matches!(o.result, Evaluated::NotAssessed(_)))
        {
            Some(o) => Err(format!(
                "expected every resource NOT_ASSESSED, got {:?} on {}",
                o.result, snapshot.resources[o.resource].id
            )),
            None => Ok(()),
        };
    }
    let mut found = Vec::new();
    for o in &outcomes {
        match &o.result {
            Evaluated::Pass => {}
            Evaluated::Error(e) => return Err(format!("policy error: {e}")),
            Evaluated::NotAssessed(e) => return Err(format!("not assessed: {e}")),
            Evaluated::Fail(vs) => {
                let r = &snapshot.resources[o.resource];
                for v in vs {
                    let line = r.location.as_ref().map(|l| {
                        v.path
                            .as_deref()
                            .map(|p| l.pos_of(p).line)
                            .unwrap_or(l.line)
                    });
                    found.push((
                        r.kind().to_string(),
                        r.namespace().map(str::to_string),
                        r.name().to_string(),
                        v.clone(),
                        line,
                    ));
                }
            }
        }
    }
    let describe = |f: &(
        String,
        Option<String>,
        String,
        crate::engine::Violation,
        Option<u32>,
    )| {
        format!(
            "{}/{} {} (line {}): {}",
            f.0,
            f.2,
            f.3.path.as_deref().unwrap_or("-"),
            f.4.unwrap_or(0),
            f.3.msg
        )
    };
    if case.starts_with("pass-") && !found.is_empty() {
        return Err(format!(
            "expected no findings, got: {}",
            found.iter().map(describe).collect::<Vec<_>>().join(" | ")
        ));
    }
    if case.starts_with("fail-") && found.is_empty() {
        return Err("expected at least one finding, got none".into());
    }
    let expected_path = dir.join("expected.yaml");
    if expected_path.exists() {
        let text = std::fs::read_to_string(&expected_path)
            .map_err(|e| format!("{}: {e}", expected_path.display()))?;
        let expected: Expected =
            yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", expected_path.display()))?;
        let mut remaining = found.clone();
        for e in &expected.findings {
            let pos = remaining.iter().position(|f| {
                resource_matches(&e.resource, &f.0, f.1.as_deref(), &f.2)
                    && e.path
                        .as_ref()
                        .is_none_or(|p| f.3.path.as_deref() == Some(p.as_str()))
                    && e.line.is_none_or(|l| f.4 == Some(l))
            });
            match pos {
                Some(i) => {
                    remaining.remove(i);
                }
                None => {
                    return Err(format!(
                        "expected finding not produced: {} {} line {:?}; got: {}",
                        e.resource,
                        e.path.as_deref().unwrap_or("-"),
                        e.line,
                        found.iter().map(describe).collect::<Vec<_>>().join(" | ")
                    ));
                }
            }
        }
        if !remaining.is_empty() {
            return Err(format!(
                "unexpected findings: {}",
                remaining
                    .iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    Ok(())
}
