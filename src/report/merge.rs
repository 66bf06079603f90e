//! One report of several scopes' reports: a run that reads several AWS accounts evaluates and
//! compares each account on its own (its checks see only its resources, its drift is against
//! its own previous run), and the outputs show them as one report.
//!
//! Counts are summed; each check's counts are summed by id; the compliance roll-up is made
//! again from the summed counts (a control passes only where it passes in every scope); the
//! findings keep the report order (severity, check, resource); the baseline is applied again
//! to the whole; the drift sums up each scope's and lists them in `drift.scopes`.

use super::baseline::Baseline;
use super::model::{CheckOut, Drift, Passed, Report, ResolvedFinding, ScopeDrift, SkippedCheck};
use crate::benchmark::Benchmark;
use std::collections::BTreeMap;

/// Merges `first` and `rest` into one report. `benchmark`: the roll-up to make again;
/// `baseline`: the `--baseline` to apply again.
pub fn merge(
    first: Report,
    rest: Vec<Report>,
    benchmark: Option<(&Benchmark, u8)>,
    baseline: Option<&Baseline>,
) -> Report {
    let mut out = first;
    let mut checks: BTreeMap<String, CheckOut> = BTreeMap::new();
    let mut passes: Vec<(String, Passed)> = Vec::new();
    let mut drifts: Vec<Drift> = Vec::new();
    let mut take = |report: &mut Report| {
        for p in std::mem::take(&mut report.passes) {
            let id = report.checks.get(p.check).map(|c| c.id.clone());
            passes.extend(id.map(|id| (id, p)));
        }
        for c in std::mem::take(&mut report.checks) {
            match checks.get_mut(&c.id) {
                None => {
                    checks.insert(c.id.clone(), c);
                }
                Some(m) => {
                    m.evaluated += c.evaluated;
                    m.passed += c.passed;
                    m.failed += c.failed;
                    m.waived += c.waived;
                    m.errors += c.errors;
                    m.not_assessed = join_reasons(m.not_assessed.take(), c.not_assessed);
                }
            }
        }
        drifts.extend(report.drift.take());
    };
    take(&mut out);
    for mut part in rest {
        take(&mut part);
        out.scan.inputs.append(&mut part.scan.inputs);
        out.scan.resources += part.scan.resources;
        out.scan.checks_run = out.scan.checks_run.max(part.scan.checks_run);
        out.scan.duration_ms = out.scan.duration_ms.max(part.scan.duration_ms);
        for s in part.scan.checks_skipped {
            if !out.scan.checks_skipped.iter().any(|k| k.id == s.id) {
                out.scan.checks_skipped.push(s);
            }
        }
        let (a, b) = (&mut out.summary, &part.summary);
        a.passed += b.passed;
        a.failed += b.failed;
        a.errors += b.errors;
        a.not_assessed += b.not_assessed;
        a.waived += b.waived;
        for (severity, n) in &b.failed_by_severity {
            *a.failed_by_severity.entry(*severity).or_default() += n;
        }
        out.findings.append(&mut part.findings);
        for (id, why) in part.not_scanned {
            if !out.not_scanned.iter().any(|(k, _)| *k == id) {
                out.not_scanned.push((id, why));
            }
        }
        out.collection_issues.append(&mut part.collection_issues);
        for w in part.waivers {
            match out
                .waivers
                .iter_mut()
                .find(|u| u.name == w.name && u.defined_at == w.defined_at)
            {
                Some(u) => u.matched += w.matched,
                None => out.waivers.push(w),
            }
        }
    }
    out.scan
        .checks_skipped
        .sort_by(|a: &SkippedCheck, b| a.id.cmp(&b.id));
    // A check not assessed as a whole (no resource) says so once, not once per scope.
    let mut whole = std::collections::HashSet::new();
    out.findings
        .retain(|f| f.resource.is_some() || whole.insert((f.check.id.clone(), f.message.clone())));
    // The report order: most serious first, then check, then resource (a whole check's
    // NOT_ASSESSED first); each part's findings of one resource keep their order (stable).
    out.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check.id.cmp(&b.check.id))
            .then_with(|| match (&a.resource, &b.resource) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => crate::text::natural_cmp(&x.id, &y.id),
            })
    });
    out.checks = checks.into_values().collect();
    let position: BTreeMap<&str, usize> = out
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    out.passes = passes
        .into_iter()
        .filter_map(|(id, mut p)| {
            p.check = *position.get(id.as_str())?;
            Some(p)
        })
        .collect();
    if let Some((bench, level)) = benchmark {
        let mut tallies = super::tallies(&out);
        // Checks of a platform no scope scanned stay NOT_ASSESSED, with the reason.
        for (id, why) in &out.not_scanned {
            if !tallies.contains_key(id) {
                let t = tallies.entry(id.clone()).or_default();
                t.not_assessed = Some(why.clone());
                t.not_scanned = true;
            }
        }
        out.compliance = Some(crate::compliance::roll_up(bench, level, &tallies));
    }
    if let Some(b) = baseline {
        b.apply(&mut out);
    }
    out.drift = merge_drift(drifts);
    out
}

/// Two reasons a check was not assessed, each said once.
fn join_reasons(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a == b || a.contains(&b) => Some(a),
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// The drift of several scopes: counts summed, lists joined, each scope listed.
fn merge_drift(drifts: Vec<Drift>) -> Option<Drift> {
    if drifts.is_empty() {
        return None;
    }
    let mut out = Drift::default();
    let mut scopes = Vec::with_capacity(drifts.len());
    for d in drifts {
        scopes.push(ScopeDrift {
            scope: d.scope.clone(),
            previous_run: d.previous_run.clone(),
            new: d.new,
            persisting: d.persisting,
            resolved: d.resolved.len(),
        });
        out.new += d.new;
        out.persisting += d.persisting;
        // The latest run compared with stands for the whole; each scope's is in `scopes`.
        if d.previous_run.as_ref().map(|p| p.id) > out.previous_run.as_ref().map(|p| p.id) {
            out.previous_run = d.previous_run;
        }
        out.resolved.extend(d.resolved);
        out.resources.added.extend(d.resources.added);
        out.resources.removed.extend(d.resources.removed);
        out.resources.changed.extend(d.resources.changed);
    }
    out.scope = scopes
        .iter()
        .map(|s| s.scope.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    out.resolved.sort_by(ResolvedFinding::report_order);
    let natural = |a: &String, b: &String| crate::text::natural_cmp(a, b);
    out.resources.added.sort_by(natural);
    out.resources.removed.sort_by(natural);
    out.resources
        .changed
        .sort_by(|a, b| crate::text::natural_cmp(&a.id, &b.id));
    out.scopes = scopes;
    Some(out)
}
