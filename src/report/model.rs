//! The report model, schema version 1: the frozen shape every reporter renders and the JSON
//! output serialises (documented in `docs/output.md`). Internal types never leak into it;
//! changing a field here is a schema change.

use crate::compliance::Compliance;
use crate::finding::{CisRef, Severity, Status};
use crate::snapshot::{CollectionIssue, SourceInfo, ToolInfo};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Report schema version.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// A whole scan report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool.
    pub tool: ToolInfo,
    /// What was scanned and how.
    pub scan: ScanInfo,
    /// Counts.
    pub summary: Summary,
    /// FAIL, ERROR and NOT_ASSESSED results, most serious first.
    pub findings: Vec<FindingOut>,
    /// Per-control roll-up when a benchmark was selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    /// Problems met collecting the input.
    pub collection_issues: Vec<CollectionIssue>,
}

/// Scan metadata.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanInfo {
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Inputs.
    pub inputs: Vec<SourceInfo>,
    /// Selected benchmark id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// Selected level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// The `--fail-on` threshold.
    pub fail_on: Severity,
    /// Resources in the snapshot.
    pub resources: usize,
    /// Checks evaluated.
    pub checks_run: usize,
    /// Checks not run, with the reason (e.g. a parameter not configured).
    pub checks_skipped: Vec<SkippedCheck>,
}

/// A check that was not run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedCheck {
    /// Check id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// Counts over the scan.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Check x resource evaluations that passed.
    pub passed: usize,
    /// Failing findings.
    pub failed: usize,
    /// Policy errors.
    pub errors: usize,
    /// Not assessed.
    pub not_assessed: usize,
    /// Failing findings per severity (all five keys present).
    pub failed_by_severity: BTreeMap<Severity, usize>,
    /// Failing findings at or above the `--fail-on` threshold.
    pub failed_at_threshold: usize,
}

/// The resource a finding is about.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// Stable resource id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Namespace, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
}

/// A file location.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileLocation {
    /// The file.
    pub file: String,
    /// 1-based line of the offending field (or of the resource when no field is named).
    pub line: u32,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingOut {
    /// Check id.
    pub check_id: String,
    /// Check title (shared by every finding of the check).
    pub title: Arc<str>,
    /// Severity.
    pub severity: Severity,
    /// FAIL, ERROR or NOT_ASSESSED.
    pub status: Status,
    /// The resource (absent when a whole kind could not be assessed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceRef>,
    /// What is wrong (or why it could not be assessed).
    pub message: String,
    /// The offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where in a file (manifests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<FileLocation>,
    /// CIS controls the check maps to.
    pub cis: Arc<[CisRef]>,
    /// How to fix it.
    pub remediation: Arc<str>,
    /// Stable across runs: check id, resource id and field.
    pub fingerprint: String,
}
