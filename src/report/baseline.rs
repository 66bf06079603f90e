//! `--baseline`: compare this scan's failing findings with a previous JSON report by
//! fingerprint (check id + resource id + field, never a line number, so moving code around
//! does not make a finding new). Marks each finding `new` or `unchanged` and counts the
//! baseline failures that are gone; `--fail-on new` then gates on new findings only.

use super::model::{BaselineInfo, BaselineState, Report};
use crate::finding::{Fingerprint, Status};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// A baseline that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Unreadable file.
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not a plimsoll JSON report.
    #[error(
        "{path}: not a plimsoll JSON report ({reason}); give a report written with --format json"
    )]
    NotAReport {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportHead {
    schema_version: u32,
    findings: Vec<FindingHead>,
}

#[derive(Deserialize)]
struct FindingHead {
    fingerprint: String,
    status: Status,
}

/// The fingerprints of a previous report's failing (and waived) findings.
pub struct Baseline {
    file: String,
    known: HashSet<Fingerprint>,
    /// Fingerprints that are not 16 hex digits (an edited file): they match nothing.
    unreadable: usize,
}

impl Baseline {
    /// Reads a JSON report.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: file.clone(),
            source,
        })?;
        let head: ReportHead =
            serde_json::from_str(&text).map_err(|e| BaselineError::NotAReport {
                path: file.clone(),
                reason: e.to_string(),
            })?;
        if head.schema_version != super::model::REPORT_SCHEMA_VERSION {
            return Err(BaselineError::NotAReport {
                path: file,
                reason: format!("report schema version {}", head.schema_version),
            });
        }
        let mut known = HashSet::new();
        let mut unreadable = 0;
        for f in head
            .findings
            .into_iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Waived))
        {
            match Fingerprint::parse(&f.fingerprint) {
                Some(fp) => {
                    known.insert(fp);
                }
                None => unreadable += 1,
            }
        }
        Ok(Baseline {
            file,
            known,
            unreadable,
        })
    }

    /// Marks the report's findings and records the comparison.
    pub fn apply(&self, report: &mut Report) {
        let mut info = BaselineInfo {
            file: self.file.clone(),
            new: 0,
            unchanged: 0,
            absent: 0,
        };
        let mut present = HashSet::new();
        for f in &mut report.findings {
            if !matches!(f.status, Status::Fail | Status::Waived) {
                continue;
            }
            if self.known.contains(&f.fingerprint) {
                present.insert(f.fingerprint);
                f.baseline_state = Some(BaselineState::Unchanged);
                info.unchanged += 1;
            } else {
                f.baseline_state = Some(BaselineState::New);
                info.new += 1;
            }
        }
        info.absent = self.known.len() - present.len() + self.unreadable;
        report.baseline = Some(info);
    }
}
