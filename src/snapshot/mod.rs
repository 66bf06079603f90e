//! The snapshot: everything a scan evaluates, as plain data that can be written to a file
//! (`plimsoll collect -o snap.json`) and read back (`plimsoll scan snap.json`) with the same
//! result. Format documented in `docs/snapshot.md`.
//!
//! Collectors build a [`Snapshot`] and never evaluate; the engine reads it and never does I/O.

pub mod control_plane;
mod redact;
mod resource;
pub mod shape;

pub use redact::{REDACTED, redact_kubernetes};
pub use resource::{
    Assessed, Body, BodyError, Identified, Location, Origin, Pos, Resource, Retained, Source,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The `kind` marker that tells a snapshot file from a Kubernetes JSON manifest.
pub const SNAPSHOT_KIND: &str = "PlimsollSnapshot";
/// Current snapshot schema version. Readers reject newer versions instead of guessing.
pub const SCHEMA_VERSION: u32 = 1;

/// Errors reading or writing a snapshot file.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The snapshot path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid snapshot JSON.
    #[error("{path}:{line}:{column}: not a valid Plimsoll snapshot: {message}")]
    Parse {
        /// The snapshot path.
        path: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// The snapshot was written by a newer Plimsoll with an unknown schema.
    #[error(
        "{path}: snapshot schemaVersion {found} is newer than this plimsoll supports ({SCHEMA_VERSION}); upgrade plimsoll"
    )]
    NewerSchema {
        /// The snapshot path.
        path: String,
        /// The version found in the file.
        found: u32,
    },
}

/// Who wrote a snapshot or report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ToolInfo {
    /// Always `plimsoll`.
    pub name: String,
    /// The writing tool's version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "plimsoll".into(),
            version: crate::VERSION.into(),
        }
    }
}

/// One input a snapshot was collected from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    /// The collector (`manifests`, later `kubernetes`, `eks`, ...).
    pub collector: String,
    /// What it read: a file or directory path, `-` for stdin, a cluster context, ...
    pub target: String,
    /// Facts about the target: for a cluster its id scope, server URL, Kubernetes version
    /// and pod counts. Drift groups runs by these.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// The key runs are grouped by: every source of the scan, sorted. A cluster is its context
/// and API server; manifests are their absolute paths (so the key does not depend on the
/// working directory); a snapshot keeps the sources it was collected from, so an offline scan
/// of a cluster's snapshot continues that cluster's history.
pub fn scope_key(sources: &[SourceInfo]) -> String {
    let mut parts: Vec<String> = sources
        .iter()
        .map(
            |s| match (s.collector.as_str(), s.attributes.get("server")) {
                (_, Some(server)) => format!(
                    "{}:{}@{server}",
                    s.collector,
                    s.attributes.get("scope").unwrap_or(&s.target)
                ),
                ("manifests", None) if s.target != "-" => {
                    let abs = std::fs::canonicalize(&s.target)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|_| s.target.clone());
                    format!("manifests:{abs}")
                }
                _ => format!("{}:{}", s.collector, s.target),
            },
        )
        .collect();
    parts.sort();
    parts.dedup();
    parts.join(" + ")
}

/// How serious a collection problem is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum IssueLevel {
    /// Something could not be read or parsed: the run's exit code reflects it.
    Error,
    /// Something was skipped or ambiguous but nothing was lost.
    Warning,
}

/// A problem met during collection. It travels inside the snapshot so an offline scan reports
/// exactly what a live one did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CollectionIssue {
    /// Error or warning.
    pub level: IssueLevel,
    /// The collector that met it.
    pub collector: String,
    /// One line, naming the file/line or resource.
    pub message: String,
    /// The file concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line concerned, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Resource kinds (`kubernetes/Pod`) that could not be collected because of this issue.
    /// Checks that need them report NOT_ASSESSED rather than PASS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// Only some objects of `kinds` are missing (one node's kubelet did not answer): checks
    /// still run on the rest and report their failures, but cannot PASS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

impl CollectionIssue {
    /// An issue a live collector met: not tied to a file, about the `kinds` it could not (or
    /// could only partly, `partial`) collect. One constructor for every collector.
    pub fn new(
        collector: &str,
        level: IssueLevel,
        message: String,
        kinds: &[&str],
        partial: bool,
    ) -> CollectionIssue {
        CollectionIssue {
            level,
            collector: collector.into(),
            message,
            file: None,
            line: None,
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            partial,
        }
    }

    /// An issue about one place in the input: a file and line, or (`file` None) a live
    /// resource named in the message. It names no kind: the rest of the input is judged.
    pub fn at(
        collector: &str,
        level: IssueLevel,
        message: String,
        file: Option<String>,
        line: Option<u32>,
    ) -> CollectionIssue {
        CollectionIssue {
            file,
            line,
            ..CollectionIssue::new(collector, level, message, &[], false)
        }
    }
}

/// Checks the shape of a Kubernetes resource as the API server would decode it (see
/// [`shape`]): null values are removed, and a field of the wrong type marks the resource
/// unreadable (its checks are NOT_ASSESSED) and gives the error issue that names its file and
/// line, or its id. Other sources are left as they are.
pub fn admit(r: &mut Resource, collector: &str) -> Option<CollectionIssue> {
    if r.source != Source::Kubernetes {
        return None;
    }
    let e = shape::admit(&mut r.object).err()?;
    let at = r
        .location
        .as_ref()
        .map(|l| (l.file.clone(), l.pos_of(&e.path).line));
    let name = match r.name() {
        "" => r.id.as_str(),
        n => n,
    };
    let message = format!(
        "{}{} {name}: {e} (the API server would not accept it); its checks are NOT_ASSESSED",
        at.as_ref()
            .map(|(f, l)| format!("{f}:{l}: "))
            .unwrap_or_default(),
        match r.kind() {
            "" => "object",
            k => k,
        },
    );
    r.unreadable = Some(e.to_string());
    let (file, line) = at.unzip();
    Some(CollectionIssue::at(
        collector,
        IssueLevel::Error,
        message,
        file,
        line,
    ))
}

/// A collected snapshot: resources plus the problems met collecting them. Collected resources
/// carry their bodies ([`Resource`], the default); once judged, the pipeline holds a
/// `Snapshot<Assessed>` whose resources no longer have one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot<R = Resource> {
    /// Always [`SNAPSHOT_KIND`].
    pub kind: String,
    /// Schema version, [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: ToolInfo,
    /// RFC 3339 time the collection finished.
    pub created_at: String,
    /// The inputs collected.
    pub sources: Vec<SourceInfo>,
    /// Collected resources, sorted by id.
    pub resources: Vec<R>,
    /// Collection problems.
    #[serde(default)]
    pub issues: Vec<CollectionIssue>,
}

impl<R> Default for Snapshot<R> {
    fn default() -> Self {
        Snapshot {
            kind: SNAPSHOT_KIND.into(),
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::default(),
            created_at: now_rfc3339(),
            sources: Vec::new(),
            resources: Vec::new(),
            issues: Vec::new(),
        }
    }
}

/// The current time as RFC 3339 with second precision, UTC.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl<R: Identified> Snapshot<R> {
    /// Sorts resources (by id, in natural order: `web2` before `web10`) and issues so the file
    /// is deterministic whatever order collection ran in.
    pub fn normalise(&mut self) {
        self.resources
            .sort_by(|a, b| crate::text::natural_cmp(a.id(), b.id()));
        self.issues
            .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    }

    /// Appends another snapshot's content (several inputs in one scan).
    pub fn merge(&mut self, other: Snapshot<R>) {
        self.sources.extend(other.sources);
        self.resources.extend(other.resources);
        self.issues.extend(other.issues);
    }

    /// True if any collection problem is an error (the run exits with the input-error code).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.level == IssueLevel::Error)
    }

    /// The same snapshot holding `resources` instead (the judged form of its resources).
    pub fn with_resources<T>(self, resources: Vec<T>) -> Snapshot<T> {
        Snapshot {
            kind: self.kind,
            schema_version: self.schema_version,
            tool: self.tool,
            created_at: self.created_at,
            sources: self.sources,
            resources,
            issues: self.issues,
        }
    }
}

impl Snapshot {
    /// Serialises to pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses snapshot JSON text; `path` is used in error messages.
    pub fn from_json_str(path: &str, text: &str) -> Result<Snapshot, SnapshotError> {
        // Check the version before the full parse so a newer schema gets the right message.
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Header {
            schema_version: Option<u32>,
        }
        if let Ok(h) = serde_json::from_str::<Header>(text)
            && let Some(v) = h.schema_version
            && v > SCHEMA_VERSION
        {
            return Err(SnapshotError::NewerSchema {
                path: path.into(),
                found: v,
            });
        }
        let mut snapshot: Snapshot =
            serde_json::from_str(text).map_err(|e| SnapshotError::Parse {
                path: path.into(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        // A snapshot may be older than a check of the reader, or edited by hand: its objects
        // are held to the same shape as collected ones.
        for r in snapshot
            .resources
            .iter_mut()
            .filter(|r| r.unreadable.is_none())
        {
            if let Some(issue) = admit(r, "snapshot") {
                snapshot.issues.push(issue);
            }
        }
        Ok(snapshot)
    }

    /// Reads a snapshot file.
    pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
            path: display.clone(),
            source,
        })?;
        Self::from_json_str(&display, &text)
    }
}

/// Appends one path segment for a mapping key: `a.b`, or `a["x.y/z"]` when the key would be
/// ambiguous in dotted form. Field paths are written this way by policies and reports
/// (`metadata.annotations["a.b/c"]`), built by the YAML loader for line lookups
/// ([`Location::pos_of`]), by shape admission and by drift for its field-level diff.
pub(crate) fn push_key(parent: &str, key: &str) -> String {
    // Built by hand: `format!` was a visible part of loading (one path per key).
    let mut s = String::with_capacity(parent.len() + 5 + key.len());
    s.push_str(parent);
    push_segment(&mut s, key);
    s
}

/// Appends the segment [`push_key`] adds for `key` to `path` in place.
pub(crate) fn push_segment(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| !matches!(b, b'.' | b'[' | b']' | b'"' | b' ' | b'\t'));
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str("[\"");
        for (i, part) in key.split('"').enumerate() {
            if i > 0 {
                path.push_str("\\\"");
            }
            path.push_str(part);
        }
        path.push_str("\"]");
    }
}

/// One step of a field path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// Reads a field path as policies and reports write it (`spec.containers[0].image`,
/// `metadata.labels["a.b/c"]`; the inverse of [`push_key`] and of `[n]` indices). None for a
/// path it cannot read whole, rather than a guess.
pub fn parse_path(path: &str) -> Option<Vec<PathPart>> {
    let mut parts = Vec::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    let mut key = String::new();
    let flush = |key: &mut String, parts: &mut Vec<PathPart>| {
        if !key.is_empty() {
            parts.push(PathPart::Key(std::mem::take(key)));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                if key.is_empty() && parts.last().is_none() {
                    return None;
                }
                flush(&mut key, &mut parts);
                i += 1;
            }
            b'[' => {
                flush(&mut key, &mut parts);
                if bytes.get(i + 1) == Some(&b'"') {
                    // A quoted key: up to the unescaped quote before `]`.
                    let mut j = i + 2;
                    let mut k = String::new();
                    loop {
                        match bytes.get(j)? {
                            b'\\' if bytes.get(j + 1) == Some(&b'"') => {
                                k.push('"');
                                j += 2;
                            }
                            b'"' => break,
                            _ => {
                                let c = path[j..].chars().next()?;
                                k.push(c);
                                j += c.len_utf8();
                            }
                        }
                    }
                    if bytes.get(j + 1) != Some(&b']') {
                        return None;
                    }
                    parts.push(PathPart::Key(k));
                    i = j + 2;
                } else {
                    let end = path[i..].find(']')? + i;
                    parts.push(PathPart::Index(path[i + 1..end].parse().ok()?));
                    i = end + 1;
                }
            }
            b']' | b'"' => return None,
            _ => {
                let c = path[i..].chars().next()?;
                key.push(c);
                i += c.len_utf8();
            }
        }
    }
    flush(&mut key, &mut parts);
    (!parts.is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_are_read_back_as_they_are_written() {
        use PathPart::{Index, Key};
        assert_eq!(
            parse_path("spec.template.spec.containers[1].securityContext.privileged"),
            Some(vec![
                Key("spec".into()),
                Key("template".into()),
                Key("spec".into()),
                Key("containers".into()),
                Index(1),
                Key("securityContext".into()),
                Key("privileged".into())
            ])
        );
        let written = push_key("metadata.labels", "pod-security.kubernetes.io/en\"force");
        assert_eq!(
            parse_path(&written),
            Some(vec![
                Key("metadata".into()),
                Key("labels".into()),
                Key("pod-security.kubernetes.io/en\"force".into())
            ])
        );
        assert_eq!(parse_path("a[x]"), None);
        assert_eq!(parse_path("a[\"b"), None);
        assert_eq!(parse_path(""), None);
    }

    #[test]
    fn round_trip_preserves_everything() {
        let mut snap = Snapshot::default();
        let mut obj = serde_json::Map::new();
        obj.insert("apiVersion".into(), "v1".into());
        obj.insert("kind".into(), "Pod".into());
        snap.resources.push(Resource::new(
            "k8s/x/-/Pod/a".into(),
            Source::Kubernetes,
            obj,
        ));
        snap.issues.push(CollectionIssue {
            level: IssueLevel::Error,
            collector: "manifests".into(),
            message: "bad".into(),
            file: Some("a.yaml".into()),
            line: Some(3),
            kinds: vec![],
            partial: false,
        });
        let text = snap.to_json();
        let back = Snapshot::from_json_str("s.json", &text).unwrap();
        assert_eq!(back, snap);
    }

    #[test]
    fn newer_schema_is_a_clear_error() {
        let text = r#"{"kind":"PlimsollSnapshot","schemaVersion":99}"#;
        let err = Snapshot::from_json_str("s.json", text).unwrap_err();
        assert!(
            err.to_string().contains("schemaVersion 99 is newer"),
            "{err}"
        );
    }

    #[test]
    fn malformed_snapshot_names_line() {
        let text = "{\"kind\":\"PlimsollSnapshot\",\n\"schemaVersion\": 1,\n\"resources\": 3}";
        let err = Snapshot::from_json_str("s.json", text).unwrap_err();
        assert!(err.to_string().starts_with("s.json:3:"), "{err}");
    }
}
