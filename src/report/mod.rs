//! Reporting: turns evaluation outcomes into the frozen [`model::Report`] and renders it. One
//! output format = one module; formats are a closed enum.

pub mod json;
pub mod model;
pub mod table;

use crate::compliance::{CheckTally, Compliance};
use crate::engine::{Evaluated, Outcome};
use crate::finding::{CisRef, Severity, Status, fingerprint};
use crate::policy::Catalogue;
use crate::snapshot::Snapshot;
use model::{FileLocation, FindingOut, Report, ResourceRef, ScanInfo, Summary};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// The JSON report (docs/output.md).
    Json,
}

/// Everything the report is built from.
pub struct ReportInput<'a> {
    /// The catalogue the outcomes index into.
    pub catalogue: &'a Catalogue,
    /// The evaluated snapshot.
    pub snapshot: &'a Snapshot,
    /// Engine outcomes.
    pub outcomes: &'a [Outcome],
    /// Selected checks that could not be assessed: (check index, reason).
    pub not_assessed: &'a [(usize, String)],
    /// CIS references per check id.
    pub references: &'a BTreeMap<String, Vec<CisRef>>,
    /// Scan metadata.
    pub scan: ScanInfo,
}

/// Per-check tallies for the compliance roll-up.
pub fn tallies(input: &ReportInput<'_>) -> HashMap<String, CheckTally> {
    let mut out: HashMap<String, CheckTally> = HashMap::new();
    for o in input.outcomes {
        let t = out
            .entry(input.catalogue.checks[o.check].meta.id.clone())
            .or_default();
        t.evaluated += 1;
        match &o.result {
            Evaluated::Pass => t.passed += 1,
            Evaluated::Fail(_) => t.failed += 1,
            Evaluated::Error(_) => t.errors += 1,
        }
    }
    for (ci, reason) in input.not_assessed {
        out.entry(input.catalogue.checks[*ci].meta.id.clone())
            .or_default()
            .not_assessed = Some(reason.clone());
    }
    out
}

/// (severity descending, check index, resource index + 1 (0: none), line).
type SortKey = (std::cmp::Reverse<Severity>, usize, usize, u32);

/// Builds the report model.
pub fn build(input: ReportInput<'_>, compliance: Option<Compliance>) -> Report {
    // Findings with an integer sort key: (severity descending, check index, resource index + 1,
    // line). Catalogue and snapshot are sorted by id, so indices order like ids and strings are
    // compared only on ties (sorting 100,000s of findings on strings was measurable).
    let mut keyed: Vec<(SortKey, FindingOut)> = Vec::new();
    let mut summary = Summary::default();
    for s in Severity::DESCENDING {
        summary.failed_by_severity.insert(s, 0);
    }
    // Per-check text shared by all of its findings (100,000s of findings at scale).
    type Shared = (Arc<str>, Arc<str>, Arc<[CisRef]>);
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
            (
                Arc::from(c.meta.title.as_str()),
                Arc::from(c.meta.remediation.as_str()),
                Arc::from(refs),
            )
        })
        .collect();
    for o in input.outcomes {
        let check = &input.catalogue.checks[o.check];
        let (title, remediation, cis) = &shared[o.check];
        let r = &input.snapshot.resources[o.resource];
        if matches!(o.result, Evaluated::Pass) {
            // Most outcomes are passes: count them without building anything.
            summary.passed += 1;
            continue;
        }
        let resource = ResourceRef {
            id: r.id.clone(),
            kind: r.kind().to_string(),
            namespace: r.namespace().map(str::to_string),
            name: r.name().to_string(),
        };
        let mut push = |status: Status, message: String, path: Option<String>| {
            let location = r.location.as_ref().map(|l| FileLocation {
                file: l.file.clone(),
                line: path.as_deref().map(|p| l.line_of(p)).unwrap_or(l.line),
            });
            let key = (
                std::cmp::Reverse(check.meta.severity),
                o.check,
                o.resource + 1,
                location.as_ref().map_or(0, |l| l.line),
            );
            keyed.push((
                key,
                FindingOut {
                    fingerprint: fingerprint(&[
                        &check.meta.id,
                        &r.id,
                        path.as_deref().unwrap_or(""),
                    ]),
                    check_id: check.meta.id.clone(),
                    title: title.clone(),
                    severity: check.meta.severity,
                    status,
                    resource: Some(resource.clone()),
                    message,
                    path,
                    location,
                    cis: cis.clone(),
                    remediation: remediation.clone(),
                },
            ));
        };
        match &o.result {
            Evaluated::Pass => {}
            Evaluated::Fail(vs) => {
                for v in vs {
                    summary.failed += 1;
                    *summary
                        .failed_by_severity
                        .entry(check.meta.severity)
                        .or_default() += 1;
                    if check.meta.severity >= input.scan.fail_on {
                        summary.failed_at_threshold += 1;
                    }
                    push(Status::Fail, v.msg.clone(), v.path.clone());
                }
            }
            Evaluated::Error(e) => {
                summary.errors += 1;
                push(Status::Error, format!("policy error: {e}"), None);
            }
        }
    }
    for (ci, reason) in input.not_assessed {
        let check = &input.catalogue.checks[*ci];
        let (title, remediation, cis) = &shared[*ci];
        summary.not_assessed += 1;
        let key = (std::cmp::Reverse(check.meta.severity), *ci, 0, 0);
        keyed.push((
            key,
            FindingOut {
                fingerprint: fingerprint(&[&check.meta.id, "NOT_ASSESSED"]),
                check_id: check.meta.id.clone(),
                title: title.clone(),
                severity: check.meta.severity,
                status: Status::NotAssessed,
                resource: None,
                message: reason.clone(),
                path: None,
                location: None,
                cis: cis.clone(),
                remediation: remediation.clone(),
            },
        ));
    }
    keyed.sort_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.message.cmp(&b.message))
    });
    let findings: Vec<FindingOut> = keyed.into_iter().map(|(_, f)| f).collect();
    Report {
        schema_version: model::REPORT_SCHEMA_VERSION,
        tool: Default::default(),
        scan: input.scan,
        summary,
        findings,
        compliance,
        collection_issues: input.snapshot.issues.clone(),
    }
}
