//! Reporting: turns evaluation outcomes into the frozen [`model::Report`] and renders it. One
//! output format = one module; formats are a closed enum.

pub mod asff;
pub mod baseline;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
mod merge;
pub mod model;
pub mod ocsf;
pub mod policyreport;
pub mod prometheus;
pub mod sarif;
pub mod table;

use crate::compliance::CheckTally;
use crate::engine::{Evaluated, Outcome};
use crate::finding::{CisRef, Fingerprint, Severity, Status};
use crate::policy::Catalogue;
use crate::snapshot::{Assessed, Snapshot};
use crate::waiver::Decisions;
use arcstr::ArcStr;
use model::{CheckOut, FindingOut, Passed, Report, ResourceRef, ScanInfo, Spot, Summary};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use crate::output::{ListFormat, OutputSpec, ReportFormat};
pub use merge::merge;

/// Everything the report is built from.
pub struct ReportInput<'a> {
    /// The catalogue the outcomes index into (severities already remapped).
    pub catalogue: &'a Catalogue,
    /// The evaluated snapshot.
    pub snapshot: &'a Snapshot<Assessed>,
    /// The checks selected for the run that apply to what it scanned, evaluated or not
    /// (catalogue indices).
    pub selected: &'a [usize],
    /// Checks selected but of a platform the run did not scan: (id, why). Not in the report's
    /// checks; a benchmark's controls count them NOT_ASSESSED with the reason.
    pub not_scanned: &'a [(String, String)],
    /// Engine outcomes other than passes.
    pub outcomes: &'a [Outcome],
    /// Passing (check, resource) pairs, when `keep_passes`.
    pub passes: &'a [(u32, u32)],
    /// Passes counted but not listed in `passes`, per check (catalogue index; may be empty).
    pub passes_counted: &'a [usize],
    /// Selected checks that could not be assessed: (check index, reason).
    pub not_assessed: &'a [(usize, String)],
    /// Waived outcomes.
    pub decisions: &'a Decisions,
    /// CIS references per check id.
    pub references: &'a BTreeMap<String, Vec<CisRef>>,
    /// Keep the passing pairs (JUnit lists them).
    pub keep_passes: bool,
    /// Scan metadata.
    pub scan: ScanInfo,
    /// How each configured waiver fared.
    pub waivers: Vec<crate::waiver::WaiverUse>,
    /// The benchmark and level the checks roll up into (`--benchmark`).
    pub benchmark: Option<(&'a crate::benchmark::Benchmark, u8)>,
    /// An earlier report whose findings mark this one's as new or unchanged (`--baseline`).
    pub baseline: Option<&'a baseline::Baseline>,
}

/// The scope the report's runs are grouped by: the state store's, else the one its inputs
/// make (the same key). Sinks that name findings stably across runs (OCSF, Security Hub,
/// Prometheus) carry it.
pub fn scope(report: &Report) -> String {
    report.drift.as_ref().map_or_else(
        || crate::snapshot::scope_key(&report.scan.inputs),
        |d| d.scope.clone(),
    )
}

/// Per-check tallies for the compliance roll-up, from the report's check list and the checks
/// skipped.
fn tallies(report: &Report) -> HashMap<String, CheckTally> {
    let mut tallies: HashMap<String, CheckTally> = report
        .checks
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                CheckTally {
                    evaluated: c.evaluated,
                    passed: c.passed,
                    failed: c.failed,
                    waived: c.waived,
                    errors: c.errors,
                    not_assessed: c.not_assessed.clone(),
                    manual_off: false,
                    kinds: c.kinds.clone(),
                    not_scanned: false,
                },
            )
        })
        .collect();
    for s in &report.scan.checks_skipped {
        let t = tallies.entry(s.id.clone()).or_default();
        t.not_assessed = Some(s.reason.clone());
        t.manual_off = s.manual;
    }
    tallies
}

/// Builds the report model from everything it says: findings, counts, waiver usage, the
/// compliance roll-up and the baseline comparison. Only the state store's comparison
/// (`drift::compare`, which needs the built findings' fingerprints and the store) and the gate
/// count that depends on it are added afterwards, by the pipeline.
pub fn build(input: ReportInput<'_>) -> Report {
    let (waivers, benchmark, baseline) = (input.waivers.clone(), input.benchmark, input.baseline);
    let not_scanned = input.not_scanned;
    let mut report = findings(input);
    report.waivers = waivers;
    report.not_scanned = not_scanned.to_vec();
    if let Some((bench, level)) = benchmark {
        let mut tallies = tallies(&report);
        for (id, why) in not_scanned {
            let t = tallies.entry(id.clone()).or_default();
            t.not_assessed = Some(why.clone());
            t.not_scanned = true;
        }
        report.compliance = Some(crate::compliance::roll_up(bench, level, &tallies));
    }
    if let Some(b) = baseline {
        b.apply(&mut report);
    }
    report
}

/// The report's findings, checks and counts.
fn findings(input: ReportInput<'_>) -> Report {
    // Findings are built in their report order, most serious first: (severity descending,
    // check, resource, then line, path and message within one outcome). Catalogue and
    // snapshot are sorted by id, so indices order like ids. Only the outcome indices are
    // sorted, and each outcome's few findings among themselves: sorting 100,000s of findings
    // with their keys held a second copy of the keys and was a visible part of the report.
    // Sized once: growing by doubling held up to twice the findings at the peak.
    let expected = input
        .outcomes
        .iter()
        .map(|o| match &o.result {
            Evaluated::Fail(vs) => vs.len(),
            Evaluated::Pass => 0,
            Evaluated::Error(_) | Evaluated::NotAssessed(_) => 1,
        })
        .sum::<usize>()
        + input.not_assessed.len();
    let mut findings: Vec<FindingOut> = Vec::with_capacity(expected);
    let severity = |ci: usize| std::cmp::Reverse(input.catalogue.checks[ci].meta.severity);
    // Report positions as 4-byte units (an index with a tag), sorted by (severity, check,
    // resource + 1 (0: a whole kind not assessed), unit): the keys are read from the outcomes
    // during the sort instead of being held beside each unit (40 bytes a unit, 20 MB at
    // 100,000 resources).
    debug_assert!(input.outcomes.len() < NOT_ASSESSED_UNIT as usize);
    let mut units: Vec<u32> = (0..input.outcomes.len() as u32)
        .chain((0..input.not_assessed.len() as u32).map(|ni| ni | NOT_ASSESSED_UNIT))
        .collect();
    units.sort_unstable_by_key(|&u| match Unit::of(u) {
        Unit::Outcome(oi) => {
            let o = &input.outcomes[oi];
            (severity(o.check), o.check, o.resource + 1, u)
        }
        Unit::NotAssessed(ni) => {
            let ci = input.not_assessed[ni].0;
            (severity(ci), ci, 0, u)
        }
    });
    let mut summary = Summary::default();
    for s in Severity::DESCENDING {
        summary.failed_by_severity.insert(s, 0);
    }
    // Per-check text shared by all of its findings (100,000s of findings at scale).
    let shared: Vec<Shared> = input
        .catalogue
        .checks
        .iter()
        .map(|c| {
            let refs: Vec<CisRef> = input
                .references
                .get(&c.meta.id)
                .cloned()
                .unwrap_or_default();
            Arc::new(model::CheckText {
                id: Arc::from(c.meta.id.as_str()),
                title: Arc::from(c.meta.title.as_str()),
                cis: Arc::from(refs),
                remediation: Arc::from(c.meta.remediation.as_str()),
                command: c.meta.command.clone().map(Arc::new),
            })
        })
        .collect();
    // Per-check counts, indexed like the catalogue; only selected checks are reported.
    let mut counts: Vec<CheckOut> = input
        .catalogue
        .checks
        .iter()
        .zip(&shared)
        .map(|(c, text)| CheckOut {
            id: c.meta.id.clone(),
            title: text.title.clone(),
            description: c.meta.description.clone(),
            severity: c.meta.severity,
            kinds: c.meta.kinds.clone(),
            cis: text.cis.clone(),
            remediation: text.remediation.clone(),
            evaluated: 0,
            passed: 0,
            failed: 0,
            waived: 0,
            errors: 0,
            not_assessed: None,
        })
        .collect();
    let mut passes = Vec::new();
    let resource_ref = |r: &Assessed| ResourceRef {
        id: r.id.clone(),
        kind: r.kind().to_string(),
        namespace: r.namespace().map(str::to_string),
        name: r.name().to_string(),
        file: None,
    };
    for (ci, &n) in input.passes_counted.iter().enumerate() {
        counts[ci].evaluated += n;
        counts[ci].passed += n;
        summary.passed += n;
    }
    for &(ci, ri) in input.passes {
        let (ci, ri) = (ci as usize, ri as usize);
        let count = &mut counts[ci];
        count.evaluated += 1;
        count.passed += 1;
        summary.passed += 1;
        if input.keep_passes {
            passes.push((ci, resource_ref(&input.snapshot.resources[ri])));
        }
    }
    // Serially: the counts, one resource reference per resource (shared by its findings,
    // with one file name per file), and a slot per finding in report order. Then the findings
    // themselves, in parallel, straight into the report's vector.
    let mut refs: Vec<Option<Arc<ResourceRef>>> = vec![None; input.snapshot.resources.len()];
    let mut last_file: Option<Arc<str>> = None;
    for o in input.outcomes {
        let r = &input.snapshot.resources[o.resource];
        if matches!(o.result, Evaluated::Pass) || refs[o.resource].is_some() {
            continue;
        }
        let mut reference = resource_ref(r);
        if let Some(l) = &r.origin {
            // Resources of one file are neighbours: one shared name per file.
            let file = match &last_file {
                Some(f) if **f == *l.file => f.clone(),
                _ => Arc::from(l.file.as_str()),
            };
            last_file = Some(file.clone());
            reference.file = Some(file);
        }
        refs[o.resource] = Some(Arc::new(reference));
    }
    let finding = |slot: &Slot| -> FindingOut {
        if slot.outcome == NOT_ASSESSED {
            let (ci, reason) = &input.not_assessed[slot.violation as usize];
            return not_assessed(input.catalogue, &shared, *ci, reason);
        }
        let oi = slot.outcome as usize;
        let o = &input.outcomes[oi];
        let check = &input.catalogue.checks[o.check];
        let r = &input.snapshot.resources[o.resource];
        let waiver = input.decisions.waived.get(&oi);
        let (status, message, path) = match &o.result {
            Evaluated::Fail(vs) => {
                let v = &vs[slot.violation as usize];
                let status = match waiver {
                    Some(_) => Status::Waived,
                    None => Status::Fail,
                };
                (status, v.msg.clone(), v.path.clone())
            }
            Evaluated::Error(e) => (
                Status::Error,
                ArcStr::from(format!("policy error: {e}")),
                None,
            ),
            Evaluated::NotAssessed(why) => (
                Status::NotAssessed,
                ArcStr::from(format!("not assessed: {why}")),
                None,
            ),
            Evaluated::Pass => (Status::Pass, ArcStr::new(), None),
        };
        let spot = slot.pos.map(|pos| Spot {
            line: pos.line,
            column: pos.column,
        });
        FindingOut {
            fingerprint: Fingerprint::of(&[&check.meta.id, &r.id, path.as_deref().unwrap_or("")]),
            check: shared[o.check].clone(),
            severity: check.meta.severity,
            status,
            resource: refs[o.resource].clone(),
            message,
            path,
            spot,
            waiver: waiver.cloned().map(Box::new),
            baseline_state: None,
            first_seen: None,
        }
    };
    // Slots are turned into findings a batch at a time, so they are never all held.
    let mut slots: Vec<Slot> = Vec::with_capacity(SLOTS);
    // Resources each check could not assess (unreadable), by catalogue index.
    let mut unreadable = vec![0usize; counts.len()];
    for unit in units.iter().map(|&u| Unit::of(u)) {
        if slots.len() >= SLOTS {
            findings.par_extend(slots.par_iter().map(&finding));
            slots.clear();
        }
        let oi = match unit {
            Unit::Outcome(oi) => oi,
            Unit::NotAssessed(ni) => {
                let (ci, reason) = &input.not_assessed[ni];
                summary.not_assessed += 1;
                counts[*ci].not_assessed = Some(reason.clone());
                slots.push(Slot {
                    outcome: NOT_ASSESSED,
                    violation: ni as u32,
                    pos: None,
                });
                continue;
            }
        };
        let o = &input.outcomes[oi];
        let check = &input.catalogue.checks[o.check];
        let r = &input.snapshot.resources[o.resource];
        let count = &mut counts[o.check];
        if let Evaluated::NotAssessed(_) = &o.result {
            // Not judged: the resource could not be read, or lacks data the check needs. Counted
            // apart, so the check (and its benchmark controls) can never PASS.
            summary.not_assessed += 1;
            unreadable[o.check] += 1;
            slots.push(Slot {
                outcome: oi as u32,
                violation: 0,
                pos: r
                    .origin
                    .as_ref()
                    .map(|o| crate::snapshot::Pos::line(o.line)),
            });
            continue;
        }
        count.evaluated += 1;
        if matches!(o.result, Evaluated::Pass) {
            // Most outcomes are passes: count them without building anything.
            summary.passed += 1;
            count.passed += 1;
            if input.keep_passes {
                passes.push((o.check, resource_ref(r)));
            }
            continue;
        }
        let waived = input.decisions.waived.contains_key(&oi);
        match (&o.result, waived) {
            (Evaluated::Fail(_), true) => count.waived += 1,
            (Evaluated::Fail(_), false) => count.failed += 1,
            _ => count.errors += 1,
        }
        // Field positions were resolved when the resource was judged (its body and their
        // positions are gone); a violation without one points at the document.
        let pos_of = |pos: Option<crate::snapshot::Pos>| {
            r.origin
                .as_ref()
                .map(|o| pos.unwrap_or(crate::snapshot::Pos::line(o.line)))
        };
        match &o.result {
            Evaluated::Pass | Evaluated::NotAssessed(_) => {}
            Evaluated::Fail(vs) => {
                let start = slots.len();
                for (k, v) in vs.iter().enumerate() {
                    if waived {
                        summary.waived += 1;
                    } else {
                        summary.failed += 1;
                        *summary
                            .failed_by_severity
                            .entry(check.meta.severity)
                            .or_default() += 1;
                    }
                    slots.push(Slot {
                        outcome: oi as u32,
                        violation: k as u32,
                        pos: pos_of(v.pos),
                    });
                }
                // Unstable: slots equal in all of these are the same violation.
                slots[start..].sort_unstable_by(|a, b| {
                    let (va, vb) = (&vs[a.violation as usize], &vs[b.violation as usize]);
                    a.line()
                        .cmp(&b.line())
                        .then_with(|| va.path.cmp(&vb.path))
                        .then_with(|| va.msg.cmp(&vb.msg))
                });
            }
            Evaluated::Error(_) => {
                summary.errors += 1;
                slots.push(Slot {
                    outcome: oi as u32,
                    violation: 0,
                    pos: pos_of(None),
                });
            }
        }
    }
    if !slots.is_empty() {
        findings.par_extend(slots.par_iter().map(&finding));
    }
    for (count, n) in counts.iter_mut().zip(unreadable).filter(|(_, n)| *n > 0) {
        let unread = format!(
            "{} not assessed: unreadable, or without the data the check needs",
            crate::text::count(n, "resource")
        );
        count.not_assessed = Some(match count.not_assessed.take() {
            Some(why) => format!("{why}; {unread}"),
            None => unread,
        });
    }
    // Report positions of the selected checks, in catalogue (id) order.
    let mut selected = input.selected.to_vec();
    selected.sort_unstable();
    selected.dedup();
    let mut position = vec![usize::MAX; counts.len()];
    for (pos, &ci) in selected.iter().enumerate() {
        position[ci] = pos;
    }
    let passes = passes
        .into_iter()
        .filter(|(ci, _)| position[*ci] != usize::MAX)
        .map(|(ci, resource)| Passed {
            check: position[ci],
            resource,
        })
        .collect();
    let mut counts: Vec<Option<CheckOut>> = counts.into_iter().map(Some).collect();
    let checks = selected
        .iter()
        .filter_map(|&ci| counts.get_mut(ci).and_then(Option::take))
        .collect();
    Report {
        schema_version: model::REPORT_SCHEMA_VERSION,
        tool: Default::default(),
        scan: input.scan,
        summary,
        checks,
        findings,
        compliance: None,
        collection_issues: input.snapshot.issues.clone(),
        waivers: Vec::new(),
        baseline: None,
        drift: None,
        passes,
        not_scanned: Vec::new(),
    }
}

/// A finding to build: which outcome (or check not assessed), which of the outcome's
/// violations, and where in its file.
/// 20 bytes, as there is one per finding.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Index into the outcomes; `NOT_ASSESSED` for a check not assessed.
    outcome: u32,
    /// Index into the outcome's violations, or into the checks not assessed.
    violation: u32,
    /// None: the resource is not from a file.
    pos: Option<crate::snapshot::Pos>,
}

const NOT_ASSESSED: u32 = u32::MAX;

/// Findings built per parallel batch.
const SLOTS: usize = 1 << 16;

impl Slot {
    fn line(&self) -> u32 {
        self.pos.map_or(0, |p| p.line)
    }
}

/// A check's texts shared by all of its findings.
type Shared = Arc<model::CheckText>;

/// What a report position is made from: an engine outcome, or a check that could not be
/// assessed at all (both by index into their [`ReportInput`] lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    NotAssessed(usize),
    Outcome(usize),
}

/// The tag of a not-assessed unit; outcome units are their index (fewer than 2^31 outcomes:
/// that many would need 100s of GB).
const NOT_ASSESSED_UNIT: u32 = 1 << 31;

impl Unit {
    fn of(u: u32) -> Unit {
        match u & NOT_ASSESSED_UNIT {
            0 => Unit::Outcome(u as usize),
            _ => Unit::NotAssessed((u & !NOT_ASSESSED_UNIT) as usize),
        }
    }
}

/// The finding of a check that could not be assessed.
fn not_assessed(catalogue: &Catalogue, shared: &[Shared], ci: usize, reason: &str) -> FindingOut {
    let check = &catalogue.checks[ci];
    FindingOut {
        fingerprint: Fingerprint::of(&[&check.meta.id, "NOT_ASSESSED"]),
        check: shared[ci].clone(),
        severity: check.meta.severity,
        status: Status::NotAssessed,
        resource: None,
        message: ArcStr::from(reason),
        path: None,
        spot: None,
        waiver: None,
        baseline_state: None,
        first_seen: None,
    }
}
