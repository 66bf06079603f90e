//! Manifest collector: Kubernetes YAML and JSON files, directories (recursive), and stdin.
//!
//! * Multi-document YAML, anchors and merge keys (one pass: values and field lines, see yaml_load.rs), `kind: List`.
//! * Every object becomes a [`Resource`] with a stable id and its location: the file, the line
//!   of its document, and the line of every field (so findings can point at the offending one).
//! * A broken document is a [`CollectionIssue`] naming file and line; the rest of the file and
//!   every other file is still collected.
//! * Snapshot files (`plimsoll collect -o`) given as inputs are read back as they are.
//! * Unknown kinds are kept: user policies may target them.

use crate::snapshot::{
    CollectionIssue, IssueLevel, Location, Resource, Snapshot, SnapshotError, Source, SourceInfo,
    redact_kubernetes,
};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

mod documents;
mod stream;

use documents::{DocError, Documents};

pub use stream::{Chunk, Order, Streamed, stream_inputs};

const COLLECTOR: &str = "manifests";
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Problems that stop collection before anything is read (a wrong invocation, not bad data).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// A path on the command line does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(String),
    /// A directory holds no manifest files.
    #[error("{0}: no manifests (*.yaml, *.yml, *.json) found in this directory")]
    EmptyDirectory(String),
    /// A directory could not be listed.
    #[error("{path}: cannot list directory: {source}")]
    ListDir {
        /// The directory.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Standard input could not be read.
    #[error("-: cannot read standard input: {0}")]
    Stdin(std::io::Error),
    /// A snapshot file given as input is unusable.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// No input at all was given.
    #[error("no input: give files, directories, or - for standard input")]
    NoInput,
}

/// Collects every path (file, directory or `-`) into one snapshot. Snapshot files among the
/// inputs are merged in as they are.
pub fn collect_inputs(paths: &[String]) -> Result<Snapshot, CollectError> {
    let files = input_files(paths)?;
    let mut snapshot = Snapshot {
        sources: sources(paths),
        ..Snapshot::default()
    };

    // Files are independent: parse them in parallel, then merge in input order.
    let parsed: Vec<Result<FileResult, CollectError>> = files
        .par_iter()
        .map(|(name, text)| match text {
            Some(t) => Ok(parse_text(name, t)),
            None => parse_file(name),
        })
        .collect();
    for r in parsed {
        match r? {
            FileResult::Manifests { resources, issues } => {
                snapshot.resources.extend(resources);
                snapshot.issues.extend(issues);
            }
            FileResult::Snapshot(name, s) => {
                // A snapshot brings its own sources: they say what was collected.
                snapshot.sources.retain(|src| src.target != name);
                snapshot.merge(*s);
            }
        }
    }
    disambiguate_ids(&mut snapshot);
    snapshot.normalise();
    Ok(snapshot)
}

/// The files the paths name, in order: (display name, the text of stdin for `-`).
fn input_files(paths: &[String]) -> Result<Vec<(String, Option<String>)>, CollectError> {
    if paths.is_empty() {
        return Err(CollectError::NoInput);
    }
    let mut files: Vec<(String, Option<String>)> = Vec::new();
    for p in paths {
        if p == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(CollectError::Stdin)?;
            files.push(("-".into(), Some(text)));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            if found.is_empty() {
                return Err(CollectError::EmptyDirectory(p.clone()));
            }
            found.sort();
            files.extend(found.into_iter().map(|f| (f.display().to_string(), None)));
        } else if path.exists() {
            files.push((p.clone(), None));
        } else {
            return Err(CollectError::NotFound(p.clone()));
        }
    }
    Ok(files)
}

/// One source per path given.
fn sources(paths: &[String]) -> Vec<SourceInfo> {
    paths
        .iter()
        .map(|p| SourceInfo {
            collector: COLLECTOR.into(),
            target: p.clone(),
            attributes: Default::default(),
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CollectError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CollectError::ListDir {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        // Hidden entries (.git, .github) are never manifests to scan.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

enum FileResult {
    Manifests {
        resources: Vec<Resource>,
        issues: Vec<CollectionIssue>,
    },
    Snapshot(String, Box<Snapshot>),
}

fn issue(file: &str, line: Option<u32>, message: String, level: IssueLevel) -> CollectionIssue {
    CollectionIssue {
        level,
        collector: COLLECTOR.into(),
        message,
        file: Some(file.to_string()),
        line,
        kinds: Vec::new(),
        partial: false,
    }
}

fn parse_file(name: &str) -> Result<FileResult, CollectError> {
    let bytes = match std::fs::read(name) {
        Ok(b) => b,
        Err(e) => {
            return Ok(FileResult::Manifests {
                resources: vec![],
                issues: vec![issue(
                    name,
                    None,
                    format!("{name}: cannot read: {e}"),
                    IssueLevel::Error,
                )],
            });
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Ok(FileResult::Manifests {
                resources: vec![],
                issues: vec![issue(
                    name,
                    None,
                    format!(
                        "{name}: not UTF-8 text (byte {})",
                        e.utf8_error().valid_up_to()
                    ),
                    IssueLevel::Error,
                )],
            });
        }
    };
    // A snapshot is JSON with a marker kind. Read only `kind` first (serde skips the rest
    // without building values), then parse the snapshot once.
    if text.trim_start().starts_with('{') && text.contains(crate::snapshot::SNAPSHOT_KIND) {
        #[derive(serde::Deserialize)]
        struct Kind {
            kind: Option<String>,
        }
        let is_snapshot = match serde_json::from_str::<Kind>(&text) {
            Ok(k) => k.kind.as_deref() == Some(crate::snapshot::SNAPSHOT_KIND),
            // A malformed snapshot should say so, not be read as a manifest.
            Err(_) => true,
        };
        if is_snapshot {
            return Ok(FileResult::Snapshot(
                name.to_string(),
                Box::new(Snapshot::from_json_str(name, &text)?),
            ));
        }
    }
    Ok(parse_text(name, &text))
}

/// Splits a stream into documents at `---` / `...` lines, so one broken document loses
/// nothing else. Returns `(first line, text)`; the separator line is blanked to keep columns.
fn split_documents(text: &str) -> Vec<(u32, String)> {
    // Text in memory is valid UTF-8: the reader cannot fail.
    Documents::new(text.as_bytes())
        .filter_map(Result::ok)
        .collect()
}

/// Parses one manifest text (a file's content or stdin).
fn parse_text(name: &str, text: &str) -> FileResult {
    // Documents are independent: parse them in parallel (a single 10,000-object file would
    // otherwise be parsed on one core), then keep their input order.
    let parts: Vec<(Vec<Resource>, Vec<CollectionIssue>)> = split_documents(text)
        .par_iter()
        .map(|(first_line, doc)| {
            let mut resources = Vec::new();
            let mut issues = Vec::new();
            parse_document(name, *first_line, doc, &mut resources, &mut issues);
            (resources, issues)
        })
        .collect();
    let mut resources = Vec::new();
    let mut issues = Vec::new();
    for (r, i) in parts {
        resources.extend(r);
        issues.extend(i);
    }
    FileResult::Manifests { resources, issues }
}

/// Parses one document into resources (several for `kind: List`) or an issue.
fn parse_document(
    name: &str,
    first_line: u32,
    doc: &str,
    resources: &mut Vec<Resource>,
    issues: &mut Vec<CollectionIssue>,
) {
    let loaded = match super::yaml_load::load(doc, first_line) {
        Ok(l) => l,
        Err(e) => {
            let line = first_line + e.line.saturating_sub(1);
            let mut msg = format!("{name}:{line}: invalid YAML: {}", e.message);
            if doc.contains("{{") {
                msg.push_str(" (this looks like a Helm template: render it with `helm template` and scan the output)");
            }
            issues.push(issue(name, Some(line), msg, IssueLevel::Error));
            return;
        }
    };
    // `name: {{ .Values.name }}` is valid YAML (a flow mapping used as a key): an unrendered
    // template would otherwise be scanned as garbage. Quoted "{{ }}" strings stay valid.
    if loaded.complex_key && doc.contains("{{") {
        let rel = doc.lines().position(|l| l.contains("{{")).unwrap_or(0) as u32;
        let line = first_line + rel;
        issues.push(issue(
            name,
            Some(line),
            format!("{name}:{line}: unrendered template syntax `{{{{ }}}}`: this looks like a Helm template; render it with `helm template` and scan the output"),
            IssueLevel::Error,
        ));
        return;
    }
    let fields = loaded.fields;
    let json = loaded.value.unwrap_or(Value::Null);
    let obj = match json {
        Value::Null => return, // only comments
        Value::Object(o) => o,
        _ => {
            issues.push(issue(
                name,
                Some(first_line),
                format!("{name}:{first_line}: document is not a mapping; skipped"),
                IssueLevel::Warning,
            ));
            return;
        }
    };
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let api = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() || api.is_empty() {
        issues.push(issue(
            name,
            Some(first_line),
            format!("{name}:{first_line}: not a Kubernetes object (no apiVersion/kind); skipped"),
            IssueLevel::Warning,
        ));
        return;
    }
    let doc_line = first_content_line(doc, first_line);
    if kind == "List" || (kind.ends_with("List") && obj.get("items").is_some_and(Value::is_array)) {
        let items = match obj.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        for (i, item) in items.into_iter().enumerate() {
            let prefix = format!("items[{i}]");
            let Value::Object(item) = item else {
                issues.push(issue(
                    name,
                    Some(fields.get(&prefix).map_or(doc_line, |p| p.line)),
                    format!("{name}: {prefix} is not an object; skipped"),
                    IssueLevel::Warning,
                ));
                return;
            };
            let item_fields = fields
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(&prefix)
                        .and_then(|rest| {
                            rest.strip_prefix('.')
                                .or_else(|| rest.strip_prefix('[').map(|_| rest))
                        })
                        .map(|rest| (rest.to_string(), *v))
                })
                .collect();
            let line = fields.get(&prefix).map_or(doc_line, |p| p.line);
            resources.push(make_resource(item, name, line, item_fields));
        }
    } else {
        resources.push(make_resource(obj, name, doc_line, fields));
    }
}

/// The first line of a document that is neither blank nor a comment: where a reader expects
/// the object to start.
fn first_content_line(doc: &str, first_line: u32) -> u32 {
    for (i, line) in doc.lines().enumerate() {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return first_line + i as u32;
        }
    }
    first_line
}

/// API groups whose kinds are unambiguous without the group in the id.
fn is_builtin_group(group: &str) -> bool {
    group.is_empty()
        || matches!(
            group,
            "apps" | "batch" | "policy" | "autoscaling" | "extensions"
        )
        || group.ends_with(".k8s.io")
}

fn make_resource(
    mut obj: Map<String, Value>,
    file: &str,
    line: u32,
    fields: std::collections::BTreeMap<String, crate::snapshot::Pos>,
) -> Resource {
    redact_kubernetes(&mut obj);
    let id = object_id("manifests", &obj);
    let mut r = Resource::new(id, Source::Kubernetes, obj);
    // Only paths inside the object matter to findings; drop nothing else.
    r.location = Some(Location {
        file: file.to_string(),
        line,
        fields,
    });
    r
}

/// The stable id of a Kubernetes object: `k8s/<scope>/<namespace|->/<Kind[.group]>/<name>`.
/// `scope` is `manifests` or the cluster's name. Built-in groups are left out of the kind part
/// so a Deployment has the same id whichever apps version it was written with.
pub(crate) fn object_id(scope: &str, obj: &serde_json::Map<String, Value>) -> String {
    let api = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let group = api.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let kind_part = if is_builtin_group(group) {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let meta = obj.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .or_else(|| {
            meta.and_then(|m| m.get("generateName"))
                .and_then(Value::as_str)
        })
        .unwrap_or("unnamed");
    let ns = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("-");
    format!("k8s/{scope}/{ns}/{kind_part}/{name}")
}

/// Two documents describing the same object (overlays, copies) must not share an id: the
/// later ones get `~2`, `~3` in input order, and a warning says where.
fn disambiguate_ids(snapshot: &mut Snapshot) {
    let warnings = disambiguate(&mut snapshot.resources);
    snapshot.issues.extend(warnings);
}

/// [`disambiguate_ids`] over resources in input order; returns the warnings.
pub fn disambiguate(resources: &mut [Resource]) -> Vec<CollectionIssue> {
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut warnings = Vec::new();
    for r in resources.iter_mut() {
        let here = r
            .location
            .as_ref()
            .map(|l| format!("{}:{}", l.file, l.line))
            .unwrap_or_default();
        match seen.get_mut(&r.id) {
            None => {
                seen.insert(r.id.clone(), (1, here));
            }
            Some((count, first)) => {
                *count += 1;
                warnings.push(CollectionIssue {
                    level: IssueLevel::Warning,
                    collector: COLLECTOR.into(),
                    message: format!(
                        "{here}: {} is also defined at {first}; reported as {}~{count}",
                        r.id, r.id
                    ),
                    file: r.location.as_ref().map(|l| l.file.clone()),
                    line: r.location.as_ref().map(|l| l.line),
                    kinds: Vec::new(),
                    partial: false,
                });
                r.id = format!("{}~{count}", r.id);
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Resource>, Vec<CollectionIssue>) {
        match parse_text("t.yaml", text) {
            FileResult::Manifests { resources, issues } => (resources, issues),
            FileResult::Snapshot(..) => panic!("not a snapshot"),
        }
    }

    #[test]
    fn multi_document_with_anchors_and_lines() {
        let text = "# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: &m\n    namespace: ns\n  name: b\ndata:\n  copy: *m\n";
        let (res, issues) = parse(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(res.len(), 2);
        assert_eq!(res[0].id, "k8s/manifests/ns/ConfigMap/a");
        assert_eq!(res[0].location.as_ref().unwrap().line, 2);
        assert_eq!(
            res[1].id, "k8s/manifests/ns/ConfigMap/b",
            "merge key applied"
        );
        assert_eq!(res[1].location.as_ref().unwrap().line, 8);
        assert_eq!(
            res[1].location.as_ref().unwrap().fields["metadata.name"].line,
            13
        );
        assert_eq!(
            res[1].object["data"]["copy"]["namespace"], "ns",
            "alias resolved"
        );
    }

    #[test]
    fn broken_document_is_reported_and_others_kept() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\n";
        let (res, issues) = parse(text);
        assert_eq!(res.len(), 2);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].level, IssueLevel::Error);
        let line = issues[0].line.unwrap();
        assert!(
            (8..=9).contains(&line),
            "line {line}: {}",
            issues[0].message
        );
        assert!(
            issues[0].message.starts_with("t.yaml:"),
            "{}",
            issues[0].message
        );
    }

    #[test]
    fn list_items_become_resources_with_their_lines() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: a\n- apiVersion: custom.example.com/v1\n  kind: Widget\n  metadata:\n    name: w\n";
        let (res, _) = parse(text);
        assert_eq!(res.len(), 2);
        assert_eq!(res[0].location.as_ref().unwrap().line, 4);
        assert_eq!(
            res[0].location.as_ref().unwrap().fields["metadata.name"].line,
            7
        );
        assert_eq!(
            res[1].id, "k8s/manifests/-/Widget.custom.example.com/w",
            "unknown kinds kept"
        );
    }

    #[test]
    fn json_manifest_has_lines() {
        let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n  \"spec\": {\n    \"hostPID\": true\n  }\n}\n";
        let (res, issues) = parse(text);
        assert!(issues.is_empty());
        assert_eq!(
            res[0].location.as_ref().unwrap().fields["spec.hostPID"].line,
            6
        );
    }

    #[test]
    fn non_kubernetes_yaml_is_a_warning() {
        let (res, issues) = parse("replicaCount: 2\nimage: nginx\n");
        assert!(res.is_empty());
        assert_eq!(issues[0].level, IssueLevel::Warning);
    }
}
