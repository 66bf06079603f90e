//! The report model, schema version 1: the frozen shape every reporter renders and the JSON
//! output serialises (documented in `docs/output.md`). Internal types never leak into it;
//! changing a field here is a schema change.

use crate::compliance::Compliance;
use crate::finding::{CisRef, Fingerprint, Severity, Status};
use crate::snapshot::{CollectionIssue, SourceInfo, ToolInfo};
pub use crate::waiver::{WaiverRef, WaiverSource, WaiverUse};
use arcstr::ArcStr;
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
    /// The checks that were selected, with their metadata and per-check counts (SARIF rules,
    /// JUnit suites).
    pub checks: Vec<CheckOut>,
    /// FAIL, WAIVED, ERROR and NOT_ASSESSED results, most serious first.
    pub findings: Vec<FindingOut>,
    /// Per-control roll-up when a benchmark was selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    /// Problems met collecting the input.
    pub collection_issues: Vec<CollectionIssue>,
    /// The waivers of the configuration: whether each applied, matched or has expired.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverUse>,
    /// The baseline report the findings were compared with (`--baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// What changed since the previous recorded run of the same scope (state store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// Check x resource pairs that passed; kept only for formats that list passes (JUnit),
    /// never serialised.
    #[serde(skip)]
    pub passes: Vec<Passed>,
    /// Checks selected but of a platform the run did not scan: (id, why). Not in `checks`;
    /// kept so a merged report (`report::merge`) can roll them up again. Never serialised.
    #[serde(skip)]
    pub not_scanned: Vec<(String, String)>,
}

/// A check x resource pair that passed.
#[derive(Debug, Clone)]
pub struct Passed {
    /// Index into [`Report::checks`].
    pub check: usize,
    /// The resource.
    pub resource: ResourceRef,
}

/// One selected check, with what it did in this scan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckOut {
    /// Check id.
    pub id: String,
    /// Title.
    pub title: Arc<str>,
    /// What it checks and why it matters.
    pub description: String,
    /// Severity (after any remap in the configuration).
    pub severity: Severity,
    /// `source/Kind` selectors it evaluates.
    pub kinds: Vec<String>,
    /// CIS controls it maps to.
    pub cis: Arc<[CisRef]>,
    /// How to fix a failure.
    pub remediation: Arc<str>,
    /// Resources evaluated.
    pub evaluated: usize,
    /// Resources that passed.
    pub passed: usize,
    /// Resources that failed (not counting waived ones).
    pub failed: usize,
    /// Resources whose failure was waived.
    pub waived: usize,
    /// Resources where the policy errored.
    pub errors: usize,
    /// Why the check could not be (fully) assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_assessed: Option<String>,
}

/// The `--baseline` comparison.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineInfo {
    /// The baseline report file.
    pub file: String,
    /// Failing findings not in the baseline.
    pub new: usize,
    /// Failing findings also in the baseline.
    pub unchanged: usize,
    /// Baseline failures no longer present.
    pub absent: usize,
}

/// Drift since the previous run of the same scope.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// The scope runs are grouped by (sources: cluster context and server, manifest paths).
    pub scope: String,
    /// The run compared with; absent on the first recorded run of the scope, which is its
    /// baseline (no finding is then new, and none carries a `baselineState`).
    pub previous_run: Option<PreviousRun>,
    /// Failing findings not in the previous run.
    pub new: usize,
    /// Failing findings also in the previous run.
    pub persisting: usize,
    /// Failing findings of the previous run that are gone.
    pub resolved: Vec<ResolvedFinding>,
    /// Resources added, removed and changed.
    pub resources: ResourceDrift,
    /// A run of several scopes (AWS accounts): each scope's comparison, the counts above being
    /// their sums and `previousRun` the latest of theirs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeDrift>,
}

/// One scope's comparison in a run of several.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeDrift {
    /// The scope.
    pub scope: String,
    /// The run of this scope compared with; absent on its first recorded run.
    pub previous_run: Option<PreviousRun>,
    /// Failing findings not in that run.
    pub new: usize,
    /// Failing findings also in that run.
    pub persisting: usize,
    /// Failing findings of that run that are gone.
    pub resolved: usize,
}

/// The run drift compares with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviousRun {
    /// Run id in the store.
    pub id: i64,
    /// When it started.
    pub started_at: String,
}

/// A failing finding of the previous run that is gone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedFinding {
    /// Fingerprint.
    pub fingerprint: String,
    /// Check id.
    pub check_id: String,
    /// Resource id.
    pub resource_id: String,
    /// Severity.
    pub severity: String,
    /// The message it had.
    pub message: String,
    /// When it was first seen.
    pub first_seen: String,
}

impl ResolvedFinding {
    /// The order resolved findings are listed in: check, resource (natural order), message.
    pub fn report_order(a: &ResolvedFinding, b: &ResolvedFinding) -> std::cmp::Ordering {
        a.check_id
            .cmp(&b.check_id)
            .then_with(|| crate::text::natural_cmp(&a.resource_id, &b.resource_id))
            .then_with(|| a.message.cmp(&b.message))
    }
}

/// Resource changes between two runs or snapshots.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDrift {
    /// New resource ids.
    pub added: Vec<String>,
    /// Resource ids that are gone.
    pub removed: Vec<String>,
    /// Resources whose content changed.
    pub changed: Vec<ChangedResource>,
}

/// One changed resource.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedResource {
    /// Resource id.
    pub id: String,
    /// The changed fields (values of secret-bearing fields redacted).
    pub changes: Vec<FieldChange>,
}

/// One changed field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// The field path.
    pub path: String,
    /// The old value (JSON), absent when the field was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The new value (JSON), absent when the field was removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// A finding's state relative to the baseline (SARIF `baselineState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the baseline.
    New,
    /// Also in the baseline.
    Unchanged,
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
    /// `--fail-on new`: only failing findings not in the baseline count for the gate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_new: bool,
    /// Resources in the snapshot.
    pub resources: usize,
    /// Checks evaluated.
    pub checks_run: usize,
    /// Checks not run, with the reason (e.g. a parameter not configured).
    pub checks_skipped: Vec<SkippedCheck>,
    /// Digest of the selected checks (ids and Rego sources): tells runs made with different
    /// policies apart.
    pub policy_digest: String,
}

/// A check that was not run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedCheck {
    /// Check id.
    pub id: String,
    /// Why.
    pub reason: String,
    /// Skipped because it backs a manual control and was not enabled: the control rolls up
    /// as MANUAL, not NOT_ASSESSED.
    #[serde(skip)]
    pub manual: bool,
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
    /// Failing findings waived by the configuration or an annotation (not in `failed`).
    pub waived: usize,
    /// Failing findings at or above the `--fail-on` threshold (with `--fail-on new`: new ones
    /// only). The gate fails when this is not zero.
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
    /// The file it was read from (manifests; shared by the resources of one file). Findings'
    /// locations name it; not part of the serialised reference.
    #[serde(skip)]
    pub file: Option<Arc<str>>,
}

/// A file location, as serialised and rendered: the file of the finding's resource and the
/// finding's [`Spot`] in it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct FileLocation<'a> {
    /// The file.
    pub file: &'a str,
    /// 1-based line of the offending field (or of the resource when no field is named).
    pub line: u32,
    /// 1-based column of that field.
    pub column: u32,
}

/// Where in its resource's file a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The texts every finding of a check carries, held once per check and shared by its
/// findings.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckText {
    /// Check id.
    pub id: Arc<str>,
    /// Check title.
    pub title: Arc<str>,
    /// CIS controls the check maps to.
    pub cis: Arc<[CisRef]>,
    /// How to fix a failure.
    pub remediation: Arc<str>,
    /// The exact command that fixes a failure on a live platform, rendered per finding
    /// ([`FindingOut::command`]).
    pub command: Option<Arc<crate::policy::command::Command>>,
}

/// One finding. Its texts are shared with the other findings of the same check, resource or
/// message, so a large run holds no string per finding (a 100,000-resource cluster has about
/// 750,000 findings, 72 bytes each). Serialised as `checkId`, `title`, `severity`, `status`,
/// `resource`, `message`, `path`, `location`, `cis`, `remediation`, `command`, `fingerprint`, `waiver`,
/// `baselineState`, `firstSeen` (absent optional fields left out).
#[derive(Debug, Clone)]
pub struct FindingOut {
    /// The check's id, title, CIS references and remediation.
    pub check: Arc<CheckText>,
    /// Severity.
    pub severity: Severity,
    /// FAIL, WAIVED, ERROR or NOT_ASSESSED.
    pub status: Status,
    /// The resource (absent when a whole kind could not be assessed).
    pub resource: Option<Arc<ResourceRef>>,
    /// What is wrong (or why it could not be assessed).
    pub message: ArcStr,
    /// The offending field.
    pub path: Option<ArcStr>,
    /// Where in its resource's file (manifests; see [`FindingOut::location`]). The file is
    /// the resource's, so a finding does not hold its name (72 bytes a finding, not 88).
    pub spot: Option<Spot>,
    /// Stable across runs: check id, resource id and field.
    pub fingerprint: Fingerprint,
    /// Why it is waived (status WAIVED); boxed, as few findings are.
    pub waiver: Option<Box<WaiverRef>>,
    /// New or unchanged relative to `--baseline` or the previous run (failing and waived
    /// findings only).
    pub baseline_state: Option<BaselineState>,
    /// When the state store first saw this finding (RFC 3339).
    pub first_seen: Option<ArcStr>,
}

impl FindingOut {
    /// The file location, when the finding has a spot and its resource a file.
    pub fn location(&self) -> Option<FileLocation<'_>> {
        let spot = self.spot?;
        let file = self.resource.as_ref()?.file.as_deref()?;
        Some(FileLocation {
            file,
            line: spot.line,
            column: spot.column,
        })
    }
}

impl FindingOut {
    /// The exact command that fixes this failure (the check's `custom.command` rendered for
    /// its resource); only for FAIL findings with a resource.
    pub fn command(&self) -> Option<String> {
        if self.status != Status::Fail {
            return None;
        }
        let r = self.resource.as_deref()?;
        self.check
            .command
            .as_ref()?
            .render(crate::policy::command::ResourceRef {
                id: &r.id,
                namespace: r.namespace.as_deref(),
                name: &r.name,
            })
    }

    /// The remediation, followed by the exact command when there is one: for a format with
    /// one remediation text per finding (OCSF).
    pub fn remediation_text(&self) -> std::borrow::Cow<'_, str> {
        match self.command() {
            Some(c) => format!("{} Run: {c}", self.check.remediation).into(),
            None => std::borrow::Cow::Borrowed(&self.check.remediation),
        }
    }
}

impl Serialize for FindingOut {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let present = [
            self.resource.is_some(),
            self.path.is_some(),
            self.location().is_some(),
            self.waiver.is_some(),
            self.baseline_state.is_some(),
            self.first_seen.is_some(),
        ];
        let command = self.command();
        let fields = 8 + present.iter().filter(|p| **p).count() + usize::from(command.is_some());
        let mut st = s.serialize_struct("FindingOut", fields)?;
        st.serialize_field("checkId", &*self.check.id)?;
        st.serialize_field("title", &*self.check.title)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("status", &self.status)?;
        if let Some(r) = &self.resource {
            st.serialize_field("resource", r)?;
        }
        st.serialize_field("message", &*self.message)?;
        if let Some(p) = &self.path {
            st.serialize_field("path", &**p)?;
        }
        if let Some(l) = &self.location() {
            st.serialize_field("location", l)?;
        }
        st.serialize_field("cis", &*self.check.cis)?;
        st.serialize_field("remediation", &*self.check.remediation)?;
        if let Some(c) = &command {
            st.serialize_field("command", c)?;
        }
        st.serialize_field("fingerprint", &self.fingerprint)?;
        if let Some(w) = &self.waiver {
            st.serialize_field("waiver", w)?;
        }
        if let Some(b) = &self.baseline_state {
            st.serialize_field("baselineState", b)?;
        }
        if let Some(f) = &self.first_seen {
            st.serialize_field("firstSeen", &**f)?;
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large scan holds one of these per failing (check, resource, violation): its size is
    /// the report's memory (750,000 findings at 100,000 resources).
    /// The command is the check's template filled in for the finding's resource, on FAIL
    /// findings only, in the JSON and in the one-text remediations.
    #[test]
    fn a_failing_finding_carries_its_rendered_command() {
        use crate::policy::command::{Command, RawCommand};
        let command = Command::from_raw(RawCommand::Template(
            "docker update --pids-limit 100 {{name}}".into(),
        ))
        .unwrap();
        let mut f = FindingOut {
            check: Arc::new(CheckText {
                id: Arc::from("PLM-DKR-0020"),
                title: Arc::from("t"),
                cis: Arc::from(vec![]),
                remediation: Arc::from("Set a PIDs limit."),
                command: Some(Arc::new(command)),
            }),
            severity: Severity::Low,
            status: Status::Fail,
            resource: Some(Arc::new(ResourceRef {
                id: "docker/h/-/Container/web 1".into(),
                kind: "Container".into(),
                namespace: None,
                name: "web 1".into(),
                file: None,
            })),
            message: ArcStr::from("m"),
            path: None,
            spot: None,
            fingerprint: Fingerprint::of(&["PLM-DKR-0020", "docker/h/-/Container/web 1"]),
            waiver: None,
            baseline_state: None,
            first_seen: None,
        };
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["command"], "docker update --pids-limit 100 'web 1'");
        assert_eq!(
            f.remediation_text(),
            "Set a PIDs limit. Run: docker update --pids-limit 100 'web 1'"
        );
        f.status = Status::Waived;
        assert!(serde_json::to_value(&f).unwrap().get("command").is_none());
        assert_eq!(f.remediation_text(), "Set a PIDs limit.");
    }

    #[test]
    fn a_finding_is_nine_words() {
        assert_eq!(std::mem::size_of::<Option<ArcStr>>(), 8);
        assert_eq!(std::mem::size_of::<FindingOut>(), 72);
    }
}
