//! Which checks a run evaluates (by benchmark and level, `--check`, the configuration's
//! enable and disable lists, parameters configured), and which cannot be assessed because a
//! kind they read was not (fully) collected.

use super::PipelineError;
use crate::benchmark::Benchmarks;
use crate::config::Config;
use crate::policy::Catalogue;
use crate::report::model::SkippedCheck;
use crate::snapshot::Snapshot;
use std::collections::{BTreeSet, HashSet};

/// The checks a run evaluates, and those it leaves out with a reason.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Catalogue indices of the checks that run.
    pub run: Vec<usize>,
    /// Those left out, with why.
    pub skipped: Vec<SkippedCheck>,
}

/// The command line's choice of checks.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// `--check`: run only the checks these match (ids or patterns, any case). Explicit: it
    /// overrides the configuration's lists, and a manual heuristic named by its exact id runs.
    pub only: Vec<String>,
    /// `--skip-check`: never the checks these match.
    pub skip: Vec<String>,
    /// `--severity`: only checks of these severities (after the configuration's remapping).
    pub severities: Vec<crate::finding::Severity>,
}

/// Chooses checks from the catalogue: by benchmark and level, by `--check`, by the
/// configuration's enable/disable lists, by `--skip-check` and `--severity`, and drops those
/// whose parameters are not configured (templates are off until configured). `--check` is
/// explicit and overrides the configuration's lists. A pattern that matches no check is a
/// usage error: a misspelt id must not quietly select nothing.
pub fn select(
    catalogue: &Catalogue,
    benchmarks: &Benchmarks,
    benchmark: Option<(&str, u8)>,
    filters: &Filters,
    config: &serde_json::Map<String, serde_json::Value>,
    file: &Config,
) -> Result<Selection, PipelineError> {
    let compile = |flag: &str, patterns: &[String]| {
        patterns
            .iter()
            .map(|p| {
                let m = crate::config::id_matcher(p)
                    .map_err(|e| PipelineError::Usage(format!("{flag} {p}: {e}").into()))?;
                if !catalogue.checks.iter().any(|c| m.is_match(&c.meta.id)) {
                    return Err(PipelineError::Usage(
                        format!("{flag} {p}: no such check (see `plimsoll policies list`)").into(),
                    ));
                }
                Ok(m)
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let only = compile("--check", &filters.only)?;
    let skip = compile("--skip-check", &filters.skip)?;
    let named = |id: &str| filters.only.iter().any(|p| p.eq_ignore_ascii_case(id));
    let checks = &filters.only;
    let mut wanted: Vec<usize> = (0..catalogue.checks.len()).collect();
    let references = benchmarks.references();
    let matches = crate::config::any_match;
    if let Some((id, level)) = benchmark {
        let bench = benchmarks
            .get(id)
            .map_err(|e| PipelineError::Usage(e.into()))?;
        let mapped: HashSet<&str> = bench
            .controls_at(level)
            .flat_map(|c| c.checks.iter().map(String::as_str))
            .collect();
        wanted.retain(|&i| mapped.contains(catalogue.checks[i].meta.id.as_str()));
    }
    if !only.is_empty() {
        wanted.retain(|&i| matches(&only, &catalogue.checks[i].meta.id));
    } else {
        let in_benchmarks = |id: &str, benches: &[globset::GlobMatcher]| {
            references
                .get(id)
                .is_some_and(|refs| refs.iter().any(|r| matches(benches, &r.benchmark)))
        };
        let parsed = &file.parsed;
        let (enable_b, disable_b) = (&parsed.benchmarks.enable, &parsed.benchmarks.disable);
        let (enable_c, disable_c) = (&parsed.checks.enable, &parsed.checks.disable);
        wanted.retain(|&i| {
            let id = catalogue.checks[i].meta.id.as_str();
            let enabled = match (enable_b.is_empty(), enable_c.is_empty()) {
                (true, true) => true,
                _ => in_benchmarks(id, enable_b) || matches(enable_c, id),
            };
            // A check disabled with its benchmark still runs for another benchmark it maps to.
            let benchmark_off = !disable_b.is_empty()
                && references
                    .get(id)
                    .is_some_and(|refs| refs.iter().all(|r| matches(disable_b, &r.benchmark)));
            enabled && !benchmark_off && !matches(disable_c, id)
        });
    }
    wanted.retain(|&i| {
        let meta = &catalogue.checks[i].meta;
        !matches(&skip, &meta.id)
            && (filters.severities.is_empty() || filters.severities.contains(&meta.severity))
    });
    let mut run = Vec::new();
    let mut skipped = Vec::new();
    for i in wanted {
        let meta = &catalogue.checks[i].meta;
        // A heuristic for a manual control runs only when named: by its id with --check, or
        // by an enable pattern of plimsoll.yaml.
        let asked = match checks.is_empty() {
            true => matches(&file.parsed.checks.enable, &meta.id),
            false => named(&meta.id),
        };
        if meta.manual && !asked {
            skipped.push(SkippedCheck {
                id: meta.id.clone(),
                reason: format!(
                    "a heuristic for a control CIS assesses manually: off by default; run it with --check {} or checks.enable in plimsoll.yaml",
                    meta.id
                ),
                manual: true,
            });
            continue;
        }
        if let Some(group) = &meta.optional
            && !asked
        {
            skipped.push(SkippedCheck {
                id: meta.id.clone(),
                reason: format!(
                    "an opt-in {group} check: off by default; run it with --check {} or checks.enable in plimsoll.yaml",
                    meta.id
                ),
                manual: false,
            });
            continue;
        }
        let missing: Vec<&str> = meta
            .parameters
            .iter()
            .filter(|p| !config.contains_key(p.as_str()))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            run.push(i);
        } else {
            skipped.push(SkippedCheck {
                id: meta.id.clone(),
                reason: format!(
                    "not configured: set {} (or parameters in plimsoll.yaml)",
                    missing
                        .iter()
                        .map(|m| format!("--param {m}=..."))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                manual: false,
            });
        }
    }
    Ok(Selection { run, skipped })
}

/// What is wrong with one given parameter, against the checks of the catalogue: a name no
/// check declares (in `parameters` or `options`), or a value of another type than declared.
/// A misspelt name was accepted silently, and `allowedRegistries=ghcr.io/acme` (a string where
/// a list belongs) flagged the very registry it meant to allow.
pub fn parameter_problem(
    catalogue: &Catalogue,
    name: &str,
    value: &serde_json::Value,
) -> Option<String> {
    let declared = catalogue
        .checks
        .iter()
        .map(|c| &c.meta)
        .filter(|m| m.parameters.iter().chain(&m.options).any(|p| p == name))
        .collect::<Vec<_>>();
    if declared.is_empty() {
        let mut known: Vec<&str> = catalogue
            .checks
            .iter()
            .flat_map(|c| c.meta.parameters.iter().chain(&c.meta.options))
            .map(String::as_str)
            .collect();
        known.sort_unstable();
        known.dedup();
        let near = known.iter().find(|k| {
            let common = k
                .chars()
                .zip(name.chars())
                .take_while(|(a, b)| a == b)
                .count();
            k.eq_ignore_ascii_case(name)
                || strsim_close(k, name)
                || common + 2 >= k.chars().count().min(name.chars().count())
        });
        return Some(format!(
            "no check reads this parameter{}; known: {}",
            near.map(|n| format!(" (did you mean {n}?)"))
                .unwrap_or_default(),
            known.join(", ")
        ));
    }
    let ty = declared.iter().find_map(|m| m.parameter_types.get(name))?;
    (!ty.admits(value)).then(|| {
        let example = match ty.as_str() {
            "list" => format!("{name}='[a, b]'"),
            "object" => format!("{name}='{{key: value}}'"),
            "number" => format!("{name}=3"),
            "boolean" => format!("{name}=true"),
            _ => format!("{name}=text"),
        };
        format!(
            "must be a {} (e.g. {example}), not {}",
            ty.as_str(),
            serde_json::to_string(value).unwrap_or_default()
        )
    })
}

/// Whether two names differ by at most one edit (a typo).
fn strsim_close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// The platforms a run reads (`kubernetes`, `eks`, `docker`, ...): those of the sources it
/// was asked to read (files are Kubernetes manifests or snapshots), of every kind present in
/// its input (`present`: selectors, snapshot files included), and of the kinds its collection
/// problems name. A check of another platform does not apply to the run.
pub fn scanned_platforms(
    sources: &super::Sources,
    present: &BTreeSet<String>,
    issues: &[crate::snapshot::CollectionIssue],
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut add = |p: &str| {
        out.insert(p.to_string());
    };
    if !sources.inputs.is_empty() || sources.cluster.wanted() {
        add("kubernetes");
    }
    if sources.docker.is_some() {
        add("docker");
    }
    if sources.containerd.is_some() {
        add("containerd");
    }
    if let Some(aws) = &sources.aws {
        for p in ["eks", "ecs", "ecr"] {
            add(p);
        }
        if aws.include_kubernetes {
            add("kubernetes");
        }
    }
    if sources.host_root.is_some() {
        add("host");
    }
    let selectors = present.iter().map(String::as_str).chain(
        issues
            .iter()
            .flat_map(|i| i.kinds.iter().map(String::as_str)),
    );
    for sel in selectors {
        if let Some((platform, _)) = sel.split_once('/') {
            add(platform);
        }
    }
    out
}

/// Whether a check reads a kind of one of the `platforms` a run scanned.
pub fn applies(meta: &crate::policy::Metadata, platforms: &BTreeSet<String>) -> bool {
    meta.kinds.iter().any(|k| {
        k.split_once('/')
            .is_some_and(|(p, _)| platforms.contains(p))
    })
}

/// Checks that cannot be (fully) assessed because a kind they need was not collected: the
/// check's index, the reasons, and whether the gap is partial (some objects of the kind were
/// collected, e.g. one node's kubelet did not answer). A partial check still runs on what was
/// collected, so its failures are reported, but it can never PASS.
pub fn not_assessed(
    catalogue: &Catalogue,
    selected: &[usize],
    snapshot: &Snapshot,
) -> Vec<(usize, String, bool)> {
    let mut out = Vec::new();
    for &i in selected {
        let meta = &catalogue.checks[i].meta;
        let needs: BTreeSet<&str> = meta
            .kinds
            .iter()
            .chain(&meta.inventory)
            .map(String::as_str)
            .collect();
        let issues: Vec<&crate::snapshot::CollectionIssue> = snapshot
            .issues
            .iter()
            .filter(|issue| issue.kinds.iter().any(|k| needs.contains(k.as_str())))
            .collect();
        // Unreadable resources are left out of the inventory: a check reading it cannot PASS.
        let unread = snapshot
            .resources
            .iter()
            .filter(|r| r.unreadable.is_some())
            .filter(|r| meta.inventory.iter().any(|k| *k == r.selector()))
            .count();
        let mut reasons: Vec<String> = issues.iter().map(|i| i.message.clone()).collect();
        if unread > 0 {
            reasons.push(format!(
                "{} of the kinds it reads from the inventory could not be read",
                crate::text::count(unread, "resource")
            ));
        }
        if !reasons.is_empty() {
            let partial = issues.iter().all(|i| i.partial);
            out.push((i, reasons.join("; "), partial));
        }
    }
    out
}
