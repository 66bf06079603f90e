//! `plimsoll scan`: collect -> select checks -> evaluate -> roll up -> report -> exit code.

use super::{Failure, stdout_is_terminal, terminal_width, write_output, write_output_with};
use crate::benchmark::Benchmarks;
use crate::cli::{ClusterArgs, ConfigArgs, OutputArgs, PolicyArgs, ScanArgs, StateArgs, View};
use crate::collect::manifests;
use crate::compliance;
use crate::config::{Config, FailOn};
use crate::drift::store::{self, Store};
use crate::engine::{EvalOptions, Judged, Outcome, Prepared};
use crate::exit::ExitCode;
use crate::policy::Catalogue;
use crate::report::{
    self, OutputSpec, ReportFormat, ReportInput, baseline::Baseline, model::Report,
    model::ScanInfo, model::SkippedCheck, table::TableOptions,
};
use crate::snapshot::{IssueLevel, Resource, Snapshot};
use crate::waiver::Waivers;
use anyhow::{Context, anyhow};
use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

/// Parses `--param KEY=VALUE` flags (VALUE as YAML) into the `data.config` object.
pub(crate) fn parse_params(
    params: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    let mut config = serde_json::Map::new();
    for p in params {
        let (key, value) = p
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| Failure::usage(anyhow!("--param {p:?}: expected KEY=VALUE")))?;
        let yaml: yaml_serde::Value = yaml_serde::from_str(value)
            .with_context(|| format!("--param {key}: value is not valid YAML"))
            .map_err(Failure::usage)?;
        let json = serde_json::to_value(&yaml)
            .with_context(|| format!("--param {key}: value cannot be used as JSON"))
            .map_err(Failure::usage)?;
        config.insert(key.trim().to_string(), json);
    }
    Ok(config)
}

/// The checks a run evaluates, and those it leaves out with a reason.
pub(crate) struct Selection {
    pub(crate) run: Vec<usize>,
    pub(crate) skipped: Vec<SkippedCheck>,
}

/// Chooses checks from the catalogue: by benchmark and level, by `--check`, by the
/// configuration's enable/disable lists, and drops those whose parameters are not configured
/// (templates are off until configured). `--check` is explicit and overrides the
/// configuration's lists.
pub(crate) fn select(
    catalogue: &Catalogue,
    benchmarks: &Benchmarks,
    args: &PolicyArgs,
    config: &serde_json::Map<String, serde_json::Value>,
    file: &Config,
) -> Result<Selection, Failure> {
    let mut wanted: Vec<usize> = (0..catalogue.checks.len()).collect();
    let references = benchmarks.references();
    let matches = |patterns: &[String], id: &str| {
        patterns
            .iter()
            .filter_map(|p| crate::config::pattern_matcher(p).ok())
            .any(|m| m.is_match(id))
    };
    if let Some(id) = &args.benchmark {
        let bench = benchmarks.get(id).map_err(Failure::usage)?;
        let mapped: HashSet<&str> = bench
            .controls_at(args.level.unwrap_or(2))
            .flat_map(|c| c.checks.iter().map(String::as_str))
            .collect();
        wanted.retain(|&i| mapped.contains(catalogue.checks[i].meta.id.as_str()));
    }
    if !args.checks.is_empty() {
        for id in &args.checks {
            if catalogue.get(id).is_none() {
                return Err(Failure::usage(anyhow!(
                    "--check {id}: no such check (see `plimsoll policies list`)"
                )));
            }
        }
        wanted.retain(|&i| args.checks.contains(&catalogue.checks[i].meta.id));
    } else {
        let in_benchmarks = |id: &str, benches: &[String]| {
            references
                .get(id)
                .is_some_and(|refs| refs.iter().any(|r| matches(benches, &r.benchmark)))
        };
        let (enable_b, disable_b) = (&file.benchmarks.enable, &file.benchmarks.disable);
        let (enable_c, disable_c) = (&file.checks.enable, &file.checks.disable);
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
    let mut run = Vec::new();
    let mut skipped = Vec::new();
    for i in wanted {
        let meta = &catalogue.checks[i].meta;
        // A heuristic for a manual control runs only when named: explicitly with --check, or
        // by an enable pattern of plimsoll.yaml.
        if meta.manual && args.checks.is_empty() && !matches(&file.checks.enable, &meta.id) {
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

/// Checks that cannot be (fully) assessed because a kind they need was not collected: the
/// check's index, the reasons, and whether the gap is partial (some objects of the kind were
/// collected, e.g. one node's kubelet did not answer). A partial check still runs on what was
/// collected, so its failures are reported, but it can never PASS.
pub(crate) fn not_assessed(
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
                "{unread} resource(s) of the kinds it reads from the inventory could not be read"
            ));
        }
        if !reasons.is_empty() {
            let partial = issues.iter().all(|i| i.partial);
            out.push((i, reasons.join("; "), partial));
        }
    }
    out
}

/// Loads the configuration the flags point at (or `plimsoll.yaml` in the working directory)
/// and validates it against the catalogue and benchmarks.
pub(crate) fn load_config(
    args: &ConfigArgs,
    catalogue_dirs: &[std::path::PathBuf],
) -> Result<(Config, Catalogue, Benchmarks), Failure> {
    let config = if args.no_config {
        Config::default()
    } else {
        crate::config::discover(args.config.as_deref()).map_err(Failure::usage)?
    };
    let mut dirs: Vec<std::path::PathBuf> =
        config.policies.iter().map(|p| config.resolve(p)).collect();
    dirs.extend(catalogue_dirs.iter().cloned());
    let mut catalogue = Catalogue::load(&dirs).map_err(Failure::usage)?;
    let benchmarks = Benchmarks::builtin().map_err(Failure::usage)?;
    let check_ids: Vec<&str> = catalogue
        .checks
        .iter()
        .map(|c| c.meta.id.as_str())
        .collect();
    let bench_ids: Vec<&str> = benchmarks.all.iter().map(|b| b.id.as_str()).collect();
    config
        .validate(&check_ids, &bench_ids)
        .map_err(Failure::usage)?;
    // Severity remaps: patterns first, exact ids last so they win.
    let mut remaps: Vec<(&String, &crate::finding::Severity)> = config.severity.iter().collect();
    remaps.sort_by_key(|(k, _)| !k.contains(['*', '?', '[']));
    for (pattern, severity) in remaps {
        if let Ok(m) = crate::config::pattern_matcher(pattern) {
            for c in catalogue
                .checks
                .iter_mut()
                .filter(|c| m.is_match(&c.meta.id))
            {
                c.meta.severity = *severity;
            }
        }
    }
    Ok((config, catalogue, benchmarks))
}

/// What to scan and how; shared by `scan` and `waivers audit`.
pub(crate) struct ScanRequest<'a> {
    pub(crate) inputs: &'a [String],
    pub(crate) cluster: &'a ClusterArgs,
    pub(crate) docker: &'a crate::cli::DockerArgs,
    pub(crate) aws: &'a crate::cli::AwsArgs,
    pub(crate) policy: &'a PolicyArgs,
    pub(crate) fail_on: FailOn,
    pub(crate) baseline: Option<std::path::PathBuf>,
    pub(crate) keep_passes: bool,
    /// A state store will record the run: keep each resource's digest and body.
    pub(crate) keep_bodies: bool,
}

/// A finished evaluation.
pub(crate) struct Scanned {
    pub(crate) report: Report,
    pub(crate) input_errors: bool,
    pub(crate) snapshot: Snapshot,
}

/// Collects, evaluates, applies waivers, rolls up and compares with the baseline.
pub(crate) fn evaluate(
    req: &ScanRequest<'_>,
    config_file: &Config,
    catalogue: &Catalogue,
    benchmarks: &Benchmarks,
) -> Result<Scanned, Failure> {
    let started = Instant::now();
    let started_at = crate::snapshot::now_rfc3339();
    let eval_timeout = super::positive_secs(req.policy.eval_timeout, "--eval-timeout")?;
    // Parameters: the configuration's, then --param on top.
    let mut config: serde_json::Map<String, serde_json::Value> = config_file
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    config.extend(parse_params(&req.policy.params)?);
    let selection = select(catalogue, benchmarks, req.policy, &config, config_file)?;
    let waivers = Waivers::from_config(config_file, chrono::Local::now().date_naive())
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    // Read the baseline before the (possibly long) collection: a wrong path fails fast.
    let baseline = match &req.baseline {
        Some(p) => Some(Baseline::load(p).map_err(Failure::usage)?),
        None => None,
    };

    // Live sources are read whole; files are streamed (collect/manifests/stream.rs): the
    // documents of the kinds cross-resource checks read (and those whose kind cannot be told
    // without parsing) are parsed first, the rest a chunk at a time, each chunk judged and
    // shrunk before the next is parsed. So a 100,000-resource file is never held parsed.
    let phase = Instant::now();
    let mut snapshot = super::gather_live(
        req.cluster,
        req.docker,
        req.aws,
        true,
        !req.inputs.is_empty(),
    )?;
    let inventory_kinds: BTreeSet<&str> = selection
        .run
        .iter()
        .flat_map(|&i| {
            catalogue.checks[i]
                .meta
                .inventory
                .iter()
                .map(String::as_str)
        })
        .collect();
    let first_pass = Instant::now();
    let mut streamed = match req.inputs.is_empty() {
        true => None,
        false => Some(
            manifests::stream_inputs(req.inputs, &|sel: &str| inventory_kinds.contains(sel))
                .map_err(Failure::input)?,
        ),
    };
    if let Some(s) = &streamed {
        tracing::debug!(
            "first pass: {} resources parsed up front, {} kinds left for the second, in {:.2}s",
            s.snapshot.resources.len(),
            s.deferred_kinds.len(),
            first_pass.elapsed().as_secs_f64()
        );
    }
    // The input order of each resource that came from a file (None: a live source).
    let mut order: Vec<Option<manifests::Order>> = vec![None; snapshot.resources.len()];
    let mut present: BTreeSet<String> = BTreeSet::new();
    if let Some(s) = &mut streamed {
        order.extend(s.order.drain(..).map(Some));
        snapshot.merge(std::mem::take(&mut s.snapshot));
        present.extend(s.deferred_kinds.iter().cloned());
    }
    present.extend(snapshot.resources.iter().map(|r| r.selector()));
    let mut parse_time = phase.elapsed();

    let opts = EvalOptions {
        timeout: eval_timeout,
        config,
        compiled: !req.policy.interpreter,
    };
    // Collection issues that make checks NOT_ASSESSED name kinds; only live sources and
    // snapshot files (read in the first pass) record those.
    let gaps = not_assessed(catalogue, &selection.run, &snapshot);
    let evaluated: Vec<usize> = selection
        .run
        .iter()
        .copied()
        .filter(|i| !gaps.iter().any(|(n, _, partial)| n == i && !partial))
        .collect();
    let not_assessed: Vec<(usize, String)> = gaps.into_iter().map(|(i, r, _)| (i, r)).collect();
    let phase = Instant::now();
    let prepared =
        Prepared::with_inventory(catalogue, &evaluated, &snapshot.resources, &present, &opts)
            .map_err(Failure::usage)?;
    tracing::info!(
        "compiled {} checks in {:.2}s{}",
        evaluated.len(),
        phase.elapsed().as_secs_f64(),
        super::peak_rss()
    );
    let phase = Instant::now();
    let mut judged = Judged::default();
    let keep_bodies = req.keep_bodies;
    let shrunk = move |r: &mut Resource, outcomes: &mut [Outcome]| shrink(r, outcomes, keep_bodies);
    let first = prepared.judge(&mut snapshot.resources, &shrunk);
    // Without JUnit, passes are only counted: 1.5 million pairs at 100,000 resources.
    let mut passes_counted: Option<Vec<usize>> =
        (!req.keep_passes).then(|| vec![0; catalogue.checks.len()]);
    append(&mut judged, first, 0, passes_counted.as_deref_mut());
    let mut eval_time = phase.elapsed();
    if let Some(s) = &streamed {
        // Each document is parsed and judged on one worker, so the chunk's wall time is split
        // between collection and evaluation in proportion to the time the workers spent on
        // each (`Made::making`, `Made::judging`).
        let mut waited_at = Instant::now();
        s.for_each_chunk(CHUNK, |chunk| {
            // Waiting for the reader thread is collection time.
            parse_time += waited_at.elapsed();
            let started = Instant::now();
            let offset = snapshot.resources.len();
            let made = prepared.judge_made(&chunk.docs, &|d| {
                let (resources, order, issues) = d.parse();
                (resources, (order, issues))
            }, &shrunk);
            let wall = started.elapsed();
            let busy = (made.making + made.judging).as_secs_f64();
            let parsing = match busy > 0.0 {
                true => wall.mul_f64(made.making.as_secs_f64() / busy),
                false => Duration::ZERO,
            };
            parse_time += parsing;
            eval_time += wall.saturating_sub(parsing);
            let mut resources = made.resources;
            // The first pass read these documents' kinds off their `kind:` lines; had it read
            // one wrong, its checks could have been left out. Say so rather than pass it.
            for r in &resources {
                let sel = r.selector();
                if inventory_kinds.contains(sel.as_str()) || !present.contains(&sel) {
                    let at = r.location.as_ref().map(|l| (l.file.clone(), l.line));
                    snapshot.issues.push(crate::snapshot::CollectionIssue {
                        level: IssueLevel::Error,
                        collector: "manifests".into(),
                        message: format!(
                            "{}: {} was not recognised before parsing; its checks may be incomplete (please report this)",
                            at.as_ref().map(|(f, l)| format!("{f}:{l}")).unwrap_or_default(),
                            r.id
                        ),
                        file: at.as_ref().map(|(f, _)| f.clone()),
                        line: at.map(|(_, l)| l),
                        kinds: Vec::new(),
                        partial: false,
                    });
                }
            }
            append(&mut judged, made.judged, offset, passes_counted.as_deref_mut());
            snapshot.resources.append(&mut resources);
            // Reading problems first, then each document's, as the chunk lists them.
            snapshot.issues.extend(chunk.issues);
            for (orders, mut issues) in made.extras {
                order.extend(orders.into_iter().map(Some));
                snapshot.issues.append(&mut issues);
            }
            waited_at = Instant::now();
        });
        parse_time += waited_at.elapsed();
    }
    let phase = Instant::now();
    arrange(&mut snapshot, &mut judged, &order);
    parse_time += phase.elapsed();
    tracing::info!(
        "collected {} resources in {:.2}s{}",
        snapshot.resources.len(),
        parse_time.as_secs_f64(),
        super::peak_rss()
    );
    for issue in snapshot
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Warning)
    {
        tracing::warn!("{}", issue.message);
    }
    let outcomes = &judged.outcomes;
    tracing::info!(
        "evaluated {} check x resource pairs in {:.2}s{}",
        outcomes.len() + judged.passes.len() + passes_counted.iter().flatten().sum::<usize>(),
        eval_time.as_secs_f64(),
        super::peak_rss()
    );
    let phase = Instant::now();
    let decisions = waivers.decide_all(catalogue, &snapshot, outcomes);
    if decisions.forbidden_annotations > 0 {
        tracing::warn!(
            "{} annotation waiver(s) ignored: the configuration sets allowAnnotationWaivers: false",
            decisions.forbidden_annotations
        );
    }
    for a in &decisions.empty_annotations {
        tracing::warn!("annotation waiver without a reason ignored: {a}");
    }

    let references = benchmarks.references();
    let scan = ScanInfo {
        started_at,
        duration_ms: 0,
        inputs: snapshot.sources.clone(),
        benchmark: req.policy.benchmark.clone(),
        level: req
            .policy
            .benchmark
            .as_ref()
            .map(|_| req.policy.level.unwrap_or(2)),
        fail_on: req.fail_on.severity,
        fail_on_new: req.fail_on.new_only,
        resources: snapshot.resources.len(),
        checks_run: evaluated.len(),
        checks_skipped: selection.skipped.clone(),
        policy_digest: crate::finding::fingerprint(
            &selection
                .run
                .iter()
                .flat_map(|&i| {
                    let c = &catalogue.checks[i];
                    [c.meta.id.as_str(), c.source.as_str()]
                })
                .collect::<Vec<_>>(),
        ),
    };
    let input = ReportInput {
        catalogue,
        snapshot: &snapshot,
        selected: &selection.run,
        outcomes,
        passes: &judged.passes,
        passes_counted: passes_counted.as_deref().unwrap_or_default(),
        not_assessed: &not_assessed,
        decisions: &decisions,
        references: &references,
        keep_passes: req.keep_passes,
        scan,
    };
    let mut report = report::build(input);
    report.waivers = waivers.usage(&decisions.matched);
    for w in report.waivers.iter().filter(|w| w.expired && w.matched > 0) {
        tracing::warn!(
            "waiver {} ({}) expired on {}: its {} finding(s) count again",
            w.name,
            w.defined_at,
            w.expires.as_deref().unwrap_or("?"),
            w.matched
        );
    }
    if let Some(id) = &req.policy.benchmark {
        let mut tallies = report::tallies(&report);
        for s in &selection.skipped {
            let t = tallies.entry(s.id.clone()).or_default();
            t.not_assessed = Some(s.reason.clone());
            t.manual_off = s.manual;
        }
        let bench = benchmarks.get(id).map_err(Failure::usage)?;
        report.compliance = Some(compliance::roll_up(
            bench,
            req.policy.level.unwrap_or(2),
            &tallies,
        ));
    }
    if let Some(b) = &baseline {
        b.apply(&mut report);
    }
    tracing::info!(
        "report model built in {:.2}s{}",
        phase.elapsed().as_secs_f64(),
        super::peak_rss()
    );
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
    let input_errors = snapshot.has_errors();
    // The process ends soon after this: freeing hundreds of MB of small allocations one by
    // one only delays the exit (measured 0.2-0.4 s at 10,000 resources); the OS reclaims it.
    std::mem::forget(judged);
    std::mem::forget(prepared);
    Ok(Scanned {
        report,
        input_errors,
        snapshot,
    })
}

/// Documents parsed and judged at a time in a streamed scan: enough for both cores to stay
/// busy, few enough that a chunk's bodies (about 20 KB each, field positions included) stay
/// small.
const CHUNK: usize = 1024;

/// Appends `more` (indices into a slice that starts at `offset`) to `all`; its passes are
/// only counted, per check, when `counted` is given.
fn append(all: &mut Judged, more: Judged, offset: usize, counted: Option<&mut [usize]>) {
    all.outcomes.extend(more.outcomes.into_iter().map(|mut o| {
        o.resource += offset;
        o
    }));
    match counted {
        Some(counts) => {
            for (c, _) in more.passes {
                counts[c as usize] += 1;
            }
        }
        None => all
            .passes
            .extend(more.passes.into_iter().map(|(c, r)| (c, r + offset as u32))),
    }
}

/// Drops the body of a judged resource (see `Resource::shrink`) once the file positions of its
/// findings' fields are resolved, keeping with `keep_bodies` (a state store is open) the digest
/// and body the store records. Runs on the worker that judged the resource.
fn shrink(r: &mut Resource, outcomes: &mut [Outcome], keep_bodies: bool) {
    use crate::engine::Evaluated;
    if let Some(l) = &r.location {
        for o in outcomes.iter_mut() {
            let Evaluated::Fail(vs) = &mut o.result else {
                continue;
            };
            for v in vs {
                v.pos = Some(match v.path.as_deref() {
                    Some(p) => l.pos_of(p),
                    None => crate::snapshot::Pos::line(l.line),
                });
            }
        }
    }
    if keep_bodies && r.retained.is_none() {
        r.retained = Some(Box::new(crate::snapshot::Retained {
            digest: crate::drift::digest(r),
            body: serde_json::to_string(&r.object).unwrap_or_default(),
        }));
    }
    r.shrink();
}

/// Puts the resources in the order of a whole collection: the files' resources in input order
/// get the same unique ids as `collect_inputs` gives them, then everything is sorted by id
/// (outcome indices follow the resources).
fn arrange(snapshot: &mut Snapshot, judged: &mut Judged, order: &[Option<manifests::Order>]) {
    let n = snapshot.resources.len();
    let (mut live, mut files): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&i| order.get(i).copied().flatten().is_none());
    files.sort_by_key(|&i| order[i]);
    let split = live.len();
    live.extend(files);
    permute(snapshot, judged, &live);
    let warnings = manifests::disambiguate(&mut snapshot.resources[split..]);
    snapshot.issues.extend(warnings);
    let mut by_id: Vec<usize> = (0..n).collect();
    by_id.sort_by(|&a, &b| snapshot.resources[a].id.cmp(&snapshot.resources[b].id));
    permute(snapshot, judged, &by_id);
    snapshot.normalise();
}

/// Reorders the resources so that new position `i` holds old position `perm[i]`.
fn permute(snapshot: &mut Snapshot, judged: &mut Judged, perm: &[usize]) {
    let mut new_of = vec![0usize; perm.len()];
    for (new, &old) in perm.iter().enumerate() {
        new_of[old] = new;
    }
    // In place, one cycle of the permutation at a time: a second vector of 100,000s of
    // resources was the largest allocation of a streamed scan's collection.
    let resources = &mut snapshot.resources;
    let mut done = vec![false; perm.len()];
    for start in 0..perm.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = perm[at];
            if from == start {
                break;
            }
            resources.swap(at, from);
            at = from;
        }
    }
    for o in &mut judged.outcomes {
        o.resource = new_of[o.resource];
    }
    for p in &mut judged.passes {
        p.1 = new_of[p.1 as usize] as u32;
    }
    judged.outcomes.sort_by_key(|o| (o.check, o.resource));
    judged.passes.sort_unstable();
}

/// Where each report goes: the main report (`--format`) to standard output or a bare
/// `--output FILE`, and any `FORMAT=FILE` outputs. Flags replace the configuration's files.
fn plan_outputs(
    args: &OutputArgs,
    config: &Config,
) -> Result<Vec<(ReportFormat, Option<std::path::PathBuf>)>, Failure> {
    let specs: Vec<OutputSpec> = if args.outputs.is_empty() {
        config
            .output
            .files
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut o = OutputSpec::parse(s).map_err(|e| {
                    Failure::usage(config.invalid(&format!("output.files[{i}]"), e))
                })?;
                o.path = config.resolve(&o.path);
                Ok(o)
            })
            .collect::<Result<_, Failure>>()?
    } else {
        args.outputs
            .iter()
            .map(|s| OutputSpec::parse(s).map_err(|e| Failure::usage(anyhow!("--output {e}"))))
            .collect::<Result<_, _>>()?
    };
    let chosen = args.format.or(config.output.format);
    let mut main: Option<OutputSpec> = None;
    let mut plan = Vec::new();
    for spec in specs {
        match spec.format {
            None if main.is_some() => {
                return Err(Failure::usage(anyhow!(
                    "--output {}: only one output may omit FORMAT= (it receives the --format report); \
                     write others as FORMAT=FILE",
                    spec.path.display()
                )));
            }
            None => main = Some(spec),
            Some(f) => plan.push((f, Some(spec.path))),
        }
    }
    // The main report: the chosen format, else the one its file's extension names
    // (`-o report.sarif` is SARIF, not a table in a .sarif file), else the table.
    let format = match (&main, chosen) {
        (Some(m), Some(f)) => {
            m.agrees(f)
                .map_err(|e| Failure::usage(anyhow!("--output {e}")))?;
            f
        }
        (Some(m), None) => m.extension_format().unwrap_or(ReportFormat::Table),
        (None, f) => f.unwrap_or(ReportFormat::Table),
    };
    plan.insert(0, (format, main.map(|m| m.path)));
    let mut seen = HashSet::new();
    for (_, p) in &plan {
        if let Some(p) = p
            && !seen.insert(p.clone())
        {
            return Err(Failure::usage(anyhow!(
                "--output: {} is given twice",
                p.display()
            )));
        }
    }
    Ok(plan)
}

pub(super) fn run(args: ScanArgs, colour: bool) -> Result<ExitCode, Failure> {
    let (config, catalogue, benchmarks) = load_config(&args.config, &args.policy.policies)?;
    let outputs = plan_outputs(&args.output, &config)?;
    let view = args.output.view;
    if view == Some(View::Controls) && args.policy.benchmark.is_none() {
        return Err(Failure::usage(anyhow!(
            "--view controls needs --benchmark ID (see `plimsoll benchmarks list`)"
        )));
    }
    let fail_on = match args.gate.fail_on {
        Some(f) => f,
        None => match &config.gate.fail_on {
            // Validated with the configuration.
            Some(s) => s
                .parse()
                .map_err(|e: String| Failure::usage(config.invalid("gate.failOn", e)))?,
            None => FailOn::default(),
        },
    };
    let baseline = args
        .gate
        .baseline
        .clone()
        .or_else(|| config.gate.baseline.as_ref().map(|p| config.resolve(p)));
    let exit_zero = args.gate.exit_zero || config.gate.exit_zero.unwrap_or(false);
    // The state store is opened before collecting: a locked or damaged store fails in a
    // second, not after a cluster scan.
    let mut store = open_state(&args.state)?;
    if fail_on.new_only && baseline.is_none() && store.is_none() {
        let why = "needs a baseline: --baseline REPORT (a JSON report of an earlier scan) or \
                   the state store (not with --no-state)";
        // Say where `new` was asked for: the flag, or the line of plimsoll.yaml.
        return Err(Failure::usage(match args.gate.fail_on {
            Some(_) => anyhow!("--fail-on new {why}"),
            None => anyhow!(config.invalid("gate.failOn", format!("`new` {why}"))),
        }));
    }
    let req = ScanRequest {
        inputs: &args.inputs,
        cluster: &args.cluster,
        docker: &args.docker,
        aws: &args.aws,
        policy: &args.policy,
        fail_on,
        baseline,
        keep_passes: outputs.iter().any(|(f, _)| *f == ReportFormat::Junit),
        keep_bodies: store.is_some(),
    };
    let Scanned {
        mut report,
        input_errors,
        snapshot,
    } = evaluate(&req, &config, &catalogue, &benchmarks)?;
    let pending = match &store {
        Some(s) => {
            let mark = report.baseline.is_none();
            let phase = Instant::now();
            let pending =
                crate::drift::compare(s, &mut report, &snapshot, mark).map_err(Failure::usage)?;
            tracing::info!(
                "compared with the previous run in {:.2}s",
                phase.elapsed().as_secs_f64()
            );
            if mark
                && fail_on.new_only
                && report
                    .drift
                    .as_ref()
                    .is_some_and(|d| d.previous_run.is_none())
            {
                tracing::warn!(
                    "no earlier run of this scope in {}: every finding counts as new",
                    s.path()
                );
            }
            Some(pending)
        }
        None => None,
    };

    let phase = Instant::now();
    // Input errors also go to stderr when the table is not what the user is looking at.
    let table_on_stdout = outputs
        .iter()
        .any(|(f, p)| *f == ReportFormat::Table && p.is_none());
    if !table_on_stdout {
        for issue in report
            .collection_issues
            .iter()
            .filter(|i| i.level == IssueLevel::Error)
        {
            tracing::error!("{}", issue.message);
        }
    }
    for (format, path) in &outputs {
        let path = path.as_deref();
        match format {
            // Written as they are rendered: at 100,000s of findings the text alone is GBs.
            ReportFormat::Json => {
                write_output_with(path, |w| report::json::write(&mut report, w))?;
            }
            ReportFormat::Sarif => {
                write_output_with(path, |w| report::sarif::write(&report, w))?;
            }
            ReportFormat::Junit => write_output(path, &report::junit::render(&report))?,
            ReportFormat::Table => {
                let to_terminal = path.is_none() && stdout_is_terminal();
                let text = report::table::render(
                    &report,
                    TableOptions {
                        colour: colour && to_terminal,
                        width: if to_terminal { terminal_width() } else { None },
                        findings: view != Some(View::Controls),
                        controls: view != Some(View::Findings),
                    },
                );
                write_output(path, &text)?;
            }
        }
        if let Some(p) = path {
            tracing::info!("wrote {} report to {}", format.as_str(), p.display());
        }
    }
    tracing::info!(
        "reported in {:.2}s{}",
        phase.elapsed().as_secs_f64(),
        super::peak_rss()
    );
    if let (Some(s), Some(pending)) = (store.as_mut(), pending) {
        if input_errors {
            // A run that could not read part of its input would show that part as removed,
            // and as added again next time: it is reported, not recorded.
            tracing::warn!(
                "run not recorded in {}: part of the input could not be read",
                s.path()
            );
        } else {
            let phase = Instant::now();
            let id = crate::drift::record(s, &report, pending, args.state.keep as usize)
                .map_err(Failure::usage)?;
            tracing::info!(
                "recorded run {id} in {} in {:.2}s",
                s.path(),
                phase.elapsed().as_secs_f64()
            );
        }
    }

    let mut code = ExitCode::Success;
    if report.summary.failed_at_threshold > 0 && !exit_zero {
        code = ExitCode::Findings;
    }
    if input_errors {
        code = code.worst(ExitCode::Input);
    }
    if report.summary.errors > 0 {
        tracing::error!(
            "{} policy evaluation error(s); see the report",
            report.summary.errors
        );
        code = code.worst(ExitCode::Usage);
    }
    std::mem::forget(report);
    std::mem::forget(snapshot);
    Ok(code)
}

/// Opens the state store the flags point at; None with `--no-state`, or when no default
/// location exists (no HOME).
pub(crate) fn open_state(args: &StateArgs) -> Result<Option<Store>, Failure> {
    if args.no_state {
        return Ok(None);
    }
    let path = match args.state.clone().or_else(store::default_path) {
        Some(p) => p,
        None => {
            tracing::warn!(
                "no state directory (set XDG_STATE_HOME or HOME, or --state): drift off"
            );
            return Ok(None);
        }
    };
    let wait = super::positive_secs(args.state_wait, "--state-wait")?;
    Store::open(&path, wait).map(Some).map_err(Failure::usage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Evaluated, Outcome};
    use crate::snapshot::Source;

    #[test]
    fn permute_moves_resources_and_follows_their_outcomes() {
        // Cycles of several lengths and fixed points.
        let perm = [3usize, 0, 4, 1, 2, 5, 7, 6];
        let mut snapshot = Snapshot {
            resources: (0..perm.len())
                .map(|i| Resource::new(format!("r{i}"), Source::Kubernetes, Default::default()))
                .collect(),
            ..Default::default()
        };
        let mut judged = Judged {
            outcomes: (0..perm.len())
                .map(|i| Outcome {
                    check: 0,
                    resource: i,
                    result: Evaluated::Error(format!("r{i}")),
                })
                .collect(),
            passes: (0..perm.len() as u32).map(|i| (1, i)).collect(),
        };
        permute(&mut snapshot, &mut judged, &perm);
        let ids: Vec<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
        let expected: Vec<String> = perm.iter().map(|o| format!("r{o}")).collect();
        assert_eq!(ids, expected);
        for o in &judged.outcomes {
            let Evaluated::Error(id) = &o.result else {
                unreachable!()
            };
            assert_eq!(&snapshot.resources[o.resource].id, id);
        }
        let passes: Vec<u32> = judged.passes.iter().map(|p| p.1).collect();
        assert_eq!(passes, (0..perm.len() as u32).collect::<Vec<_>>());
    }
}
