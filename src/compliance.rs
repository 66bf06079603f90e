//! Per-control roll-up of check results for one benchmark and level: PASS, FAIL, MANUAL or
//! NOT_ASSESSED. Missing data is never a pass: a control whose checks evaluated nothing, or
//! could not run, is NOT_ASSESSED with the reason.

use crate::benchmark::{Assessment, Benchmark};
use crate::finding::Status;
use serde::Serialize;
use std::collections::HashMap;

/// What one check did across the snapshot.
#[derive(Debug, Clone, Default)]
pub struct CheckTally {
    /// Resources evaluated.
    pub evaluated: usize,
    /// Resources that passed.
    pub passed: usize,
    /// Resources with at least one violation (not waived).
    pub failed: usize,
    /// Resources whose violations are waived.
    pub waived: usize,
    /// Resources where the policy errored.
    pub errors: usize,
    /// Why the check could not be assessed (missing collection, not configured).
    pub not_assessed: Option<String>,
    /// Not run because it is a heuristic for a manual control that was not enabled.
    pub manual_off: bool,
    /// The kinds it evaluates (`kubernetes/KubeAPIServer`), to say what was missing when it
    /// evaluated nothing.
    pub kinds: Vec<String>,
    /// Of a platform the run did not scan (an EKS check in a manifest scan): it does not hold
    /// back a control that checks of the scanned platforms decide.
    pub not_scanned: bool,
}

/// One control's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlResult {
    /// CIS number.
    pub id: String,
    /// Title.
    pub title: String,
    /// Section heading.
    pub section: String,
    /// CIS level.
    pub level: u8,
    /// CIS's automated/manual label.
    pub assessment: Assessment,
    /// Rolled-up status.
    pub status: Status,
    /// Checks deciding the control.
    pub checks: Vec<String>,
    /// Resources passing across its checks.
    pub passed: usize,
    /// Resources failing across its checks.
    pub failed: usize,
    /// Resources whose failures are waived (the control passes with exceptions).
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// Why NOT_ASSESSED or MANUAL, or the waivers of a PASS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts of controls per status.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceSummary {
    /// Controls in the selected profile.
    pub total: usize,
    /// PASS controls.
    pub pass: usize,
    /// FAIL controls.
    pub fail: usize,
    /// MANUAL controls.
    pub manual: usize,
    /// NOT_ASSESSED controls.
    pub not_assessed: usize,
    /// Share of controls decided (PASS or FAIL) by the scan, in percent.
    pub assessed_coverage: f64,
}

/// A benchmark's controls at one level, rolled up.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Compliance {
    /// Benchmark id.
    pub benchmark: String,
    /// Benchmark title.
    pub title: String,
    /// Benchmark version.
    pub version: String,
    /// Selected level (2 includes level 1 controls).
    pub level: u8,
    /// Counts.
    pub summary: ComplianceSummary,
    /// Controls in benchmark order.
    pub controls: Vec<ControlResult>,
}

/// Why a control whose checks evaluated nothing is NOT_ASSESSED: the kinds that were missing,
/// and for the control plane's, where they come from.
fn nothing_evaluated(mut kinds: Vec<&str>) -> String {
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.is_empty() {
        return "no resources of the kinds its checks evaluate were in the input".into();
    }
    let control_plane: Vec<String> = crate::snapshot::control_plane::selectors().collect();
    if kinds.iter().all(|k| control_plane.iter().any(|c| c == k)) {
        return format!(
            "no {} in the input: a self-managed control plane shows its components as static pods (mirror pods in kube-system, or /etc/kubernetes/manifests scanned as files); a managed control plane (EKS, GKE, AKS) does not",
            kinds.join(" or ")
        );
    }
    format!(
        "no {} in the input for its checks to judge",
        kinds.join(" or ")
    )
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Rolls check tallies up to controls. Waived failures do not fail a control: it passes with
/// the exceptions named in its reason.
pub fn roll_up(bench: &Benchmark, level: u8, tallies: &HashMap<String, CheckTally>) -> Compliance {
    let mut controls = Vec::new();
    let mut summary = ComplianceSummary::default();
    for c in bench.controls_at(level) {
        let (mut passed, mut failed, mut evaluated, mut errors, mut waived) = (0, 0, 0, 0, 0);
        let mut reasons = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        // A control decided by checks of several platforms (NSA/CISA encryption at rest: the
        // API server's flag or EKS's setting) is judged by those of the platforms scanned.
        let scanned: Vec<&String> = c
            .checks
            .iter()
            .filter(|id| !tallies.get(*id).is_some_and(|t| t.not_scanned))
            .collect();
        let judged: Vec<&String> = match scanned.is_empty() {
            true => c.checks.iter().collect(),
            false => scanned,
        };
        for id in judged {
            match tallies.get(id) {
                Some(t) => {
                    kinds.extend(t.kinds.iter().map(String::as_str));
                    passed += t.passed;
                    failed += t.failed;
                    waived += t.waived;
                    evaluated += t.evaluated;
                    errors += t.errors;
                    if let Some(r) = &t.not_assessed {
                        reasons.push(format!("{id}: {r}"));
                    }
                }
                None => reasons.push(format!("{id}: not in the catalogue")),
            }
        }
        let (status, reason) = if c.checks.is_empty()
            && let Some(needs) = &c.needs
        {
            (Status::NotAssessed, Some(format!("needs {needs}")))
        } else if c.checks.is_empty()
            || c.checks
                .iter()
                .all(|id| tallies.get(id).is_some_and(|t| t.manual_off))
        {
            (
                Status::Manual,
                Some(
                    c.note
                        .clone()
                        .unwrap_or_else(|| "no automated check; assess manually".into()),
                ),
            )
        } else if failed > 0 {
            (Status::Fail, None)
        } else if errors > 0 {
            (
                Status::NotAssessed,
                Some(crate::text::count(errors, "policy evaluation error")),
            )
        } else if !reasons.is_empty() {
            (Status::NotAssessed, Some(reasons.join("; ")))
        } else if evaluated == 0 {
            (Status::NotAssessed, Some(nothing_evaluated(kinds)))
        } else if waived > 0 {
            (
                Status::Pass,
                Some(crate::text::count(waived, "waived resource")),
            )
        } else {
            (Status::Pass, None)
        };
        match status {
            Status::Pass => summary.pass += 1,
            Status::Fail => summary.fail += 1,
            Status::Manual => summary.manual += 1,
            _ => summary.not_assessed += 1,
        }
        controls.push(ControlResult {
            id: c.id.clone(),
            title: c.title.clone(),
            section: c.section.clone(),
            level: c.level,
            assessment: c.assessment,
            status,
            checks: c.checks.clone(),
            passed,
            failed,
            waived,
            reason,
        });
    }
    summary.total = controls.len();
    summary.assessed_coverage = if summary.total == 0 {
        0.0
    } else {
        ((summary.pass + summary.fail) as f64 * 1000.0 / summary.total as f64).round() / 10.0
    };
    Compliance {
        benchmark: bench.id.clone(),
        title: bench.title.clone(),
        version: bench.version.clone(),
        level,
        summary,
        controls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench() -> Benchmark {
        Benchmark::parse(
            "b.yaml",
            "id: b\ntitle: B\nversion: '1'\ncontrols:\n\
             - {id: '1', title: a, section: s, level: 1, assessment: manual, checks: [A]}\n\
             - {id: '2', title: b, section: s, level: 1, assessment: manual, checks: [B]}\n\
             - {id: '3', title: c, section: s, level: 1, assessment: manual}\n\
             - {id: '4', title: d, section: s, level: 2, assessment: manual, checks: [C]}\n\
             - {id: '5', title: e, section: s, level: 1, assessment: manual, checks: [D]}\n\
             - {id: '6', title: f, section: s, level: 1, assessment: automated, needs: node files}\n",
        )
        .unwrap()
    }

    #[test]
    fn statuses_roll_up_and_missing_data_is_not_a_pass() {
        let mut t = HashMap::new();
        t.insert(
            "A".to_string(),
            CheckTally {
                evaluated: 2,
                passed: 1,
                failed: 1,
                ..Default::default()
            },
        );
        t.insert(
            "B".to_string(),
            CheckTally {
                evaluated: 3,
                passed: 3,
                ..Default::default()
            },
        );
        t.insert("C".to_string(), CheckTally::default());
        t.insert(
            "D".to_string(),
            CheckTally {
                not_assessed: Some("403".into()),
                ..Default::default()
            },
        );
        let c = roll_up(&bench(), 2, &t);
        let status: Vec<Status> = c.controls.iter().map(|c| c.status).collect();
        assert_eq!(
            status,
            vec![
                Status::Fail,
                Status::Pass,
                Status::Manual,
                Status::NotAssessed,
                Status::NotAssessed,
                Status::NotAssessed
            ]
        );
        assert_eq!(c.controls[5].reason.as_deref(), Some("needs node files"));
        assert_eq!(c.summary.assessed_coverage, 33.3);
        assert_eq!(roll_up(&bench(), 1, &t).summary.total, 5);
    }

    /// A control decided by checks of two platforms is judged by the scanned one's; with
    /// neither scanned it is NOT_ASSESSED; a check that evaluated nothing names its kinds.
    #[test]
    fn unscanned_platforms_do_not_hold_back_a_control_and_missing_kinds_are_named() {
        let b = Benchmark::parse(
            "b.yaml",
            "id: b\ntitle: B\nversion: '1'\ncontrols:\n\
             - {id: '1', title: a, section: s, level: 1, assessment: automated, checks: [CP, EKS]}\n\
             - {id: '2', title: b, section: s, level: 1, assessment: automated, checks: [CP2]}\n",
        )
        .unwrap();
        let unscanned = CheckTally {
            not_assessed: Some("nothing from eks was scanned".into()),
            not_scanned: true,
            ..Default::default()
        };
        let mut t = HashMap::new();
        t.insert("EKS".to_string(), unscanned.clone());
        t.insert(
            "CP".to_string(),
            CheckTally {
                evaluated: 1,
                passed: 1,
                ..Default::default()
            },
        );
        t.insert(
            "CP2".to_string(),
            CheckTally {
                kinds: vec!["kubernetes/KubeAPIServer".into()],
                ..Default::default()
            },
        );
        let c = roll_up(&b, 1, &t);
        assert_eq!(c.controls[0].status, Status::Pass);
        assert_eq!(c.controls[1].status, Status::NotAssessed);
        let reason = c.controls[1].reason.as_deref().unwrap();
        assert!(
            reason.starts_with("no kubernetes/KubeAPIServer in the input"),
            "{reason}"
        );
        assert!(reason.contains("managed control plane"), "{reason}");
        t.insert("CP".to_string(), unscanned);
        let c = roll_up(&b, 1, &t);
        assert_eq!(c.controls[0].status, Status::NotAssessed);
    }
}
