//! Stage 2 and 3: evaluate a plan's resources and build its report. Files are streamed
//! (`collect/manifests/stream.rs`): the documents of the kinds cross-resource checks read (and
//! those whose kind cannot be told without parsing) are parsed first, the rest a chunk at a
//! time, each chunk judged and its bodies dropped before the next is parsed. Resources are then
//! put in the order of a whole collection, waivers decided, and the report model built once.

use super::{PipelineError, Plan};
use crate::collect::manifests;
use crate::engine::{Judged, Outcome, Prepared};
use crate::report::{self, ReportInput, model::Report, model::ScanInfo};
use crate::snapshot::{Assessed, Identified, IssueLevel, Resource, Snapshot};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A finished evaluation.
pub struct Scanned {
    /// The report model, complete but for drift (the command compares with its store).
    pub report: Report,
    /// Part of the input could not be read (exit 3; that part is not recorded).
    pub input_errors: bool,
    /// What was collected, judged: bodies dropped (kept as JSON when the plan has a store).
    pub snapshot: Snapshot<Assessed>,
    /// What the store records of this run, one per scope, when the plan has a store (or
    /// spools): a run that reads several AWS accounts records each as a scope of its own.
    pub records: Vec<Record>,
}

/// One scope's run, as the store records it.
pub struct Record {
    /// The run (`keep` is the command's to set).
    pub run: crate::drift::store::NewRun,
    /// Part of this scope's input could not be read: reported, not recorded (it would show
    /// that part as removed, and as added again next time).
    pub input_errors: bool,
}

/// Runs a plan: collects, evaluates, applies waivers, builds the report once, rolls up
/// compliance and compares with the baseline. Several AWS accounts are evaluated and compared
/// one scope at a time (each account's checks see only that account), then their reports are
/// merged into one (`report::merge`).
pub fn run(plan: &Plan) -> Result<Scanned, PipelineError> {
    let started = Instant::now();
    let started_at = crate::snapshot::now_rfc3339();
    let phase = Instant::now();
    let mut parts = super::collect::live_parts(&plan.sources)?.into_iter();
    let first = parts.next().unwrap_or_default();
    let collected = phase.elapsed();
    let mut scanned = vec![evaluate(plan, first, true, &started_at, collected)?];
    for part in parts {
        scanned.push(evaluate(plan, part, false, &started_at, Duration::ZERO)?);
    }
    let mut out = match scanned.len() {
        1 => scanned.remove(0),
        _ => merge(plan, scanned)?,
    };
    out.report.scan.duration_ms = started.elapsed().as_millis() as u64;
    Ok(out)
}

/// One report of several scopes' (`report::merge`): the gate counted again over all of them.
fn merge(plan: &Plan, parts: Vec<Scanned>) -> Result<Scanned, PipelineError> {
    let benchmark = match &plan.benchmark {
        Some((id, level)) => Some((
            plan.benchmarks
                .get(id)
                .map_err(|e| PipelineError::Usage(e.into()))?,
            *level,
        )),
        None => None,
    };
    let mut reports: Vec<Report> = Vec::with_capacity(parts.len());
    let mut snapshot = Snapshot::default();
    let mut records = Vec::new();
    let mut input_errors = false;
    for p in parts {
        reports.push(p.report);
        snapshot.merge(p.snapshot);
        records.extend(p.records);
        input_errors |= p.input_errors;
    }
    let first = reports.remove(0);
    let mut report = report::merge(first, reports, benchmark, plan.baseline.as_ref());
    report.summary.failed_at_threshold = super::gate::failing_at_threshold(&report);
    Ok(Scanned {
        report,
        input_errors,
        snapshot,
        records,
    })
}

/// Evaluates one scope's part of the input: `snapshot` (what the live sources read), and the
/// file inputs when `with_files`.
fn evaluate(
    plan: &Plan,
    mut snapshot: Snapshot,
    with_files: bool,
    started_at: &str,
    collected: Duration,
) -> Result<Scanned, PipelineError> {
    let Plan {
        catalogue,
        benchmarks,
        sources,
        selection,
        waivers,
        baseline,
        ..
    } = plan;

    // Live sources are read whole; files are streamed (collect/manifests/stream.rs): the
    // documents of the kinds cross-resource checks read (and those whose kind cannot be told
    // without parsing) are parsed first, the rest a chunk at a time, each chunk judged and
    // shrunk before the next is parsed. So a 100,000-resource file is never held parsed.
    let phase = Instant::now();
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
    let mut streamed = match sources.inputs.is_empty() || !with_files {
        true => None,
        false => Some(
            manifests::stream_inputs(&sources.inputs, &|sel: &str| inventory_kinds.contains(sel))
                .map_err(|e| PipelineError::Input(e.into()))?,
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
    let namespaces = &plan.namespaces;
    present.extend(snapshot.resources.iter().map(|r| r.selector()));
    let mut parse_time = collected + phase.elapsed();

    // Only the checks of the platforms the run read appear in its outputs: a manifest scan
    // has no Docker, ECS or EKS checks. They stay in a benchmark's roll-up, NOT_ASSESSED.
    let platforms = super::select::scanned_platforms(sources, &present, &snapshot.issues);
    let applies = |i: &usize| super::select::applies(&catalogue.checks[*i].meta, &platforms);
    let selected: Vec<usize> = selection.run.iter().copied().filter(applies).collect();
    let skipped: Vec<_> = selection
        .skipped
        .iter()
        .filter(|s| {
            catalogue
                .get(&s.id)
                .is_none_or(|c| super::select::applies(&c.meta, &platforms))
        })
        .cloned()
        .collect();
    let not_scanned: Vec<(String, String)> = selection
        .run
        .iter()
        .filter(|i| !applies(i))
        .map(|&i| &catalogue.checks[i].meta)
        .chain(
            selection
                .skipped
                .iter()
                .filter_map(|s| catalogue.get(&s.id).map(|c| &c.meta))
                .filter(|m| !super::select::applies(m, &platforms)),
        )
        .map(|m| {
            let wanted: BTreeSet<&str> = m
                .kinds
                .iter()
                .filter_map(|k| k.split_once('/').map(|(p, _)| p))
                .collect();
            let wanted: Vec<&str> = wanted.into_iter().collect();
            (
                m.id.clone(),
                format!("nothing from {} was scanned", wanted.join(" or ")),
            )
        })
        .collect();
    // Collection issues that make checks NOT_ASSESSED name kinds; only live sources and
    // snapshot files (read in the first pass) record those.
    let gaps = super::select::not_assessed(catalogue, &selected, &snapshot);
    let evaluated: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|i| !gaps.iter().any(|(n, _, partial)| n == i && !partial))
        .collect();
    let not_assessed: Vec<(usize, String)> = gaps.into_iter().map(|(i, r, _)| (i, r)).collect();
    let phase = Instant::now();
    let prepared = Prepared::with_inventory(
        catalogue,
        &evaluated,
        &snapshot.resources,
        &present,
        &plan.eval,
    )
    .map_err(|e| PipelineError::Usage(e.into()))?;
    tracing::info!(
        "compiled {} checks in {:.2}s{}",
        evaluated.len(),
        phase.elapsed().as_secs_f64(),
        crate::memory::peak()
    );
    // Other namespaces' objects stay in the inventory (a NetworkPolicy elsewhere still
    // decides what a cross-namespace check says) but are not judged.
    if !namespaces.all() {
        keep_namespaces(namespaces, &mut snapshot.resources, &mut order);
    }
    let phase = Instant::now();
    let mut judged = Judged::default();
    let for_store = plan.store.is_some() || plan.record_offline || plan.keep_bodies;
    // The previous run's digests: a resource unchanged since needs no body kept.
    let prior = match &plan.store {
        Some(store) => crate::drift::prior_resources(store, &snapshot.sources)
            .map_err(|e| PipelineError::Usage(e.into()))?,
        None => crate::drift::Prior::default(),
    };
    let held = &prior;
    let assessed =
        move |r: Resource, outcomes: &mut [Outcome]| assess(r, outcomes, for_store, held);
    let (resources, first) = prepared.judge(std::mem::take(&mut snapshot.resources), &assessed);
    let mut snapshot = snapshot.with_resources(resources);
    // Without JUnit, passes are only counted: 1.5 million pairs at 100,000 resources.
    let mut passes_counted: Option<Vec<usize>> =
        (!plan.keep_passes).then(|| vec![0; catalogue.checks.len()]);
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
                let (mut resources, mut order, issues) = d.parse();
                if !namespaces.all() {
                    keep_namespaces(namespaces, &mut resources, &mut order);
                }
                (resources, (order, issues))
            }, &assessed);
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
                    let at = r.file_line().map(|(f, l)| (f.to_string(), l));
                    let message = format!(
                        "{}: {} was not recognised before parsing; its checks may be incomplete (please report this)",
                        at.as_ref().map(|(f, l)| format!("{f}:{l}")).unwrap_or_default(),
                        r.id
                    );
                    let (file, line) = at.unzip();
                    snapshot.issues.push(crate::snapshot::CollectionIssue::at(
                        "manifests",
                        IssueLevel::Error,
                        message,
                        file,
                        line,
                    ));
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
        crate::memory::peak()
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
        crate::memory::peak()
    );
    let phase = Instant::now();
    let decisions = waivers.decide_all(catalogue, &snapshot, outcomes);
    if decisions.forbidden_annotations > 0 {
        tracing::warn!(
            "{} ignored: the configuration sets allowAnnotationWaivers: false",
            crate::text::count(decisions.forbidden_annotations, "annotation waiver")
        );
    }
    for a in &decisions.empty_annotations {
        tracing::warn!("annotation waiver without a reason ignored: {a}");
    }

    let references = benchmarks.references();
    let scan = ScanInfo {
        started_at: started_at.to_string(),
        duration_ms: 0,
        inputs: snapshot.sources.clone(),
        benchmark: plan.benchmark.as_ref().map(|(id, _)| id.clone()),
        level: plan.benchmark.as_ref().map(|(_, level)| *level),
        fail_on: plan.fail_on.severity,
        fail_on_new: plan.fail_on.new_only,
        resources: snapshot.resources.len(),
        checks_run: evaluated.len(),
        checks_skipped: skipped,
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
    let usage = waivers.usage(&decisions.matched);
    for w in usage.iter().filter(|w| w.expired && w.matched > 0) {
        tracing::warn!(
            "waiver {} ({}) expired on {}: its {} again",
            w.name,
            w.defined_at,
            w.expires.as_deref().unwrap_or("?"),
            match w.matched {
                1 => "finding counts".to_string(),
                n => format!("{n} findings count"),
            }
        );
    }
    let benchmark = match &plan.benchmark {
        Some((id, level)) => Some((
            benchmarks
                .get(id)
                .map_err(|e| PipelineError::Usage(e.into()))?,
            *level,
        )),
        None => None,
    };
    let input = ReportInput {
        catalogue,
        snapshot: &snapshot,
        selected: &selected,
        not_scanned: &not_scanned,
        outcomes,
        passes: &judged.passes,
        passes_counted: passes_counted.as_deref().unwrap_or_default(),
        not_assessed: &not_assessed,
        decisions: &decisions,
        references: &references,
        keep_passes: plan.keep_passes,
        scan,
        waivers: usage,
        benchmark,
        baseline: baseline.as_ref(),
    };
    let mut report = report::build(input);
    let pending = match &plan.store {
        Some(store) => Some(drift(plan, store, &mut report, &mut snapshot, prior)?),
        None if plan.record_offline => {
            let pending = crate::drift::compare(None, &mut report, &mut snapshot, false, prior)
                .map_err(|e| PipelineError::Usage(e.into()))?;
            // Nothing was compared: no drift section rather than one that says "first run".
            report.drift = None;
            Some(pending)
        }
        None => None,
    };
    let input_errors = snapshot.has_errors();
    let records = pending
        .map(|p| Record {
            run: crate::drift::new_run(&report, p, 0),
            input_errors,
        })
        .into_iter()
        .collect();
    report.summary.failed_at_threshold = super::gate::failing_at_threshold(&report);
    tracing::info!(
        "report model built in {:.2}s{}",
        phase.elapsed().as_secs_f64(),
        crate::memory::peak()
    );
    if plan.ends_process {
        // The process ends soon after this: freeing hundreds of MB of small allocations one
        // by one only delays the exit (measured 0.2-0.4 s at 10,000 resources); the OS
        // reclaims it. A caller running plans in a loop keeps the default and frees them.
        std::mem::forget(judged);
        std::mem::forget(prepared);
    }
    Ok(Scanned {
        report,
        input_errors,
        snapshot,
        records,
    })
}

/// Compares the report with the previous run of its scope in the store; without a baseline,
/// that run decides which findings are new.
fn drift(
    plan: &Plan,
    store: &crate::drift::store::Store,
    report: &mut Report,
    snapshot: &mut Snapshot<Assessed>,
    prior: crate::drift::Prior,
) -> Result<crate::drift::Pending, PipelineError> {
    let mark = report.baseline.is_none();
    let phase = Instant::now();
    let pending = crate::drift::compare(Some(store), report, snapshot, mark, prior)
        .map_err(|e| PipelineError::Usage(e.into()))?;
    tracing::info!(
        "compared with the previous run in {:.3}s",
        phase.elapsed().as_secs_f64()
    );
    if mark
        && plan.fail_on.new_only
        && report
            .drift
            .as_ref()
            .is_some_and(|d| d.previous_run.is_none())
    {
        tracing::warn!(
            "no earlier run of this scope in {}: this run is its baseline, so no finding counts as new",
            store.path()
        );
    }
    Ok(pending)
}

/// Drops the resources (and their input order, kept beside them) of the namespaces the plan
/// leaves out.
fn keep_namespaces<T>(
    namespaces: &super::Namespaces,
    resources: &mut Vec<Resource>,
    order: &mut Vec<T>,
) {
    let keep: Vec<bool> = resources.iter().map(|r| namespaces.keeps(r)).collect();
    let (mut a, mut b) = (keep.iter(), keep.iter());
    order.retain(|_| a.next().copied().unwrap_or(true));
    resources.retain(|_| b.next().copied().unwrap_or(true));
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

/// The judged form of a resource (`Resource::assess`), once the file positions of its
/// findings' fields are resolved, keeping with `for_store` (a state store records the run) the
/// digest and body the store records. Runs on the worker that judged the resource.
fn assess(
    r: Resource,
    outcomes: &mut [Outcome],
    for_store: bool,
    prior: &crate::drift::Prior,
) -> Assessed {
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
    let retained = for_store.then(|| {
        let digest = crate::drift::digest(&r);
        let held = prior.holds(&r.id, &digest);
        crate::snapshot::Retained {
            body: (!held).then(|| crate::snapshot::Body::of(&r.object)),
            digest,
        }
    });
    r.assess(retained)
}

/// Puts the resources in the order of a whole collection: the files' resources in input order
/// get the same unique ids as `collect_inputs` gives them, then everything is sorted by id
/// (outcome indices follow the resources).
fn arrange(
    snapshot: &mut Snapshot<Assessed>,
    judged: &mut Judged,
    order: &[Option<manifests::Order>],
) {
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
    by_id.sort_by(|&a, &b| {
        crate::text::natural_cmp(&snapshot.resources[a].id, &snapshot.resources[b].id)
    });
    permute(snapshot, judged, &by_id);
    snapshot.normalise();
}

/// Reorders the resources so that new position `i` holds old position `perm[i]`.
fn permute(snapshot: &mut Snapshot<Assessed>, judged: &mut Judged, perm: &[usize]) {
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
                .map(|i| {
                    Resource::new(format!("r{i}"), Source::Kubernetes, Default::default())
                        .assess(None)
                })
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
