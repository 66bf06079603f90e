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
    CollectionIssue, Identified, IssueLevel, Location, Resource, Snapshot, SnapshotError, Source,
    SourceInfo, redact_kubernetes,
};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

mod documents;
mod encoding;
#[cfg(test)]
mod fuzz;
mod stream;

use documents::{DocError, Documents};

/// How standard input (`-` on the command line) is named in reports, messages and locations.
pub const STDIN: &str = "<stdin>";

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
    /// A path names something that is not a file, a pipe or a directory (a device: reading
    /// `/dev/zero` would never end).
    #[error("{0}: not a regular file, a pipe or a directory; not read")]
    NotAFile(String),
    /// A directory could not be listed.
    #[error("{path}: cannot list directory: {source}")]
    ListDir {
        /// The directory.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Standard input (or a pipe named on the command line) could not be read.
    #[error("{0}: {1}")]
    Stdin(String, String),
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
    let (files, skipped) = input_files(paths)?;
    let mut snapshot = Snapshot {
        sources: sources(paths),
        issues: skipped,
        ..Snapshot::default()
    };

    // Files are independent: parse them in parallel, then merge in input order.
    let parsed: Vec<Result<FileResult, CollectError>> = files
        .par_iter()
        .map(|i| match &i.text {
            Some(t) => Ok(parse_text(&i.name, t)),
            None => parse_file(&i.name, &i.path),
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

/// One input: the name messages use, the path it is opened by (a file name that is not UTF-8
/// shows lossily but must still be opened by its real bytes), and the text of standard input
/// or a pipe, read whole since it cannot be read twice.
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) text: Option<String>,
}

/// The inputs the paths name, in order.
type Inputs = Vec<Input>;

/// The files the paths name, in order: (display name, the text of stdin or a pipe, read
/// whole since it cannot be read twice), and the problems met walking directories
/// (entries that are not files, directories that cannot be listed: their siblings are
/// still scanned).
fn input_files(paths: &[String]) -> Result<(Inputs, Vec<CollectionIssue>), CollectError> {
    if paths.is_empty() {
        return Err(CollectError::NoInput);
    }
    let mut files: Inputs = Vec::new();
    let mut skipped = Vec::new();
    let read_whole = |name: &str, r: &mut dyn Read| {
        encoding::read_bounded(r)
            .and_then(encoding::decode)
            .map_err(|e| CollectError::Stdin(name.to_string(), e))
    };
    for p in paths {
        if p == "-" {
            files.push(Input {
                name: STDIN.into(),
                path: PathBuf::from("-"),
                text: Some(read_whole(STDIN, &mut std::io::stdin())?),
            });
            continue;
        }
        let path = Path::new(p);
        let Ok(meta) = std::fs::metadata(path) else {
            return Err(CollectError::NotFound(p.clone()));
        };
        let kind = meta.file_type();
        if kind.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, &mut skipped, true)?;
            if found.is_empty() && skipped.is_empty() {
                return Err(CollectError::EmptyDirectory(p.clone()));
            }
            found.sort();
            files.extend(found.into_iter().map(|f| Input {
                name: f.display().to_string(),
                path: f,
                text: None,
            }));
        } else if kind.is_file() {
            files.push(Input {
                name: p.clone(),
                path: path.to_path_buf(),
                text: None,
            });
        } else if is_fifo(&kind) {
            // `plimsoll scan <(helm template ...)`: a pipe, read once, whole and bounded.
            let mut f = std::fs::File::open(path)
                .map_err(|e| CollectError::Stdin(p.clone(), e.to_string()))?;
            files.push(Input {
                name: p.clone(),
                path: path.to_path_buf(),
                text: Some(read_whole(p, &mut f)?),
            });
        } else {
            return Err(CollectError::NotAFile(p.clone()));
        }
    }
    Ok((files, skipped))
}

#[cfg(unix)]
fn is_fifo(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
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

/// Collects the manifest files below `dir`. A subdirectory that cannot be listed and an entry
/// that is not a regular file (a FIFO would block the scan, a device never end) are error
/// issues naming them; everything else is still scanned. Only `top`, the directory given,
/// failing to list is a [`CollectError`].
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<CollectionIssue>,
    top: bool,
) -> Result<(), CollectError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) if top => {
            return Err(CollectError::ListDir {
                path: dir.display().to_string(),
                source,
            });
        }
        Err(e) => {
            let name = dir.display().to_string();
            let message = format!("{name}: cannot list directory: {e}; its files were not scanned");
            skipped.push(issue(&name, None, message, IssueLevel::Error));
            return Ok(());
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Hidden entries (.git, .github) are never manifests to scan.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Symbolic links are followed, as before: the target's type decides.
        let kind = std::fs::metadata(&path).map(|m| m.file_type());
        let is_manifest = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        match kind {
            Ok(k) if k.is_dir() => walk(&path, out, skipped, false)?,
            Ok(k) if k.is_file() && is_manifest => out.push(path),
            Ok(_) if is_manifest => {
                let name = path.display().to_string();
                let message =
                    format!("{name}: not a regular file (a pipe, socket or device); not read");
                skipped.push(issue(&name, None, message, IssueLevel::Error));
            }
            Ok(_) => {}
            Err(e) if is_manifest => {
                let name = path.display().to_string();
                skipped.push(issue(
                    &name,
                    None,
                    format!("{name}: cannot read: {e}"),
                    IssueLevel::Error,
                ));
            }
            Err(_) => {}
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
    CollectionIssue::at(COLLECTOR, level, message, Some(file.to_string()), line)
}

fn parse_file(name: &str, path: &Path) -> Result<FileResult, CollectError> {
    let text = std::fs::File::open(path)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(encoding::read_bounded)
        .and_then(encoding::decode);
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            return Ok(FileResult::Manifests {
                resources: vec![],
                issues: vec![issue(name, None, format!("{name}: {e}"), IssueLevel::Error)],
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
    if let Some((rel, what)) = encoding::first_forbidden(doc) {
        let line = first_line + rel - 1;
        issues.push(issue(
            name,
            Some(line),
            format!("{name}:{line}: invalid YAML: {what} is not allowed (kubectl rejects it too)"),
            IssueLevel::Error,
        ));
        return;
    }
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
    let doc_line = first_content_line(doc, first_line);
    let obj = match json {
        Value::Null => return, // only comments
        Value::Object(o) => o,
        other => {
            // Other YAML (an Ansible playbook) is a warning; a list of what look like
            // Kubernetes objects is an error: kubectl would refuse the file, and its objects
            // must not pass unseen.
            let objects = other.as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i.get("kind").is_some() && i.get("apiVersion").is_some())
            });
            let (what, level) = match (&other, objects) {
                (_, true) => ("a list of Kubernetes objects", IssueLevel::Error),
                (Value::Array(_), _) => ("a list", IssueLevel::Warning),
                _ => ("a scalar", IssueLevel::Warning),
            };
            issues.push(issue(
                name,
                Some(doc_line),
                format!("{name}:{doc_line}: the document is {what}, not a Kubernetes object (a mapping); not read"),
                level,
            ));
            return;
        }
    };
    let kind = obj.get("kind");
    let api = obj.get("apiVersion");
    match (kind, api) {
        (None, None) => {
            // Other YAML in a scanned directory (Helm values, docker-compose files).
            issues.push(issue(
                name,
                Some(doc_line),
                format!("{name}:{doc_line}: not a Kubernetes object (no apiVersion/kind); skipped"),
                IssueLevel::Warning,
            ));
            return;
        }
        (Some(Value::String(k)), Some(Value::String(a))) if !k.is_empty() && !a.is_empty() => {}
        _ => {
            // Half an object, or a wrong-typed kind: the cluster would refuse it, and its
            // checks could not be chosen; never passed over quietly.
            issues.push(issue(
                name,
                Some(doc_line),
                format!("{name}:{doc_line}: apiVersion and kind must both be non-empty strings; the object was not read"),
                IssueLevel::Error,
            ));
            return;
        }
    }
    let kind = kind.and_then(Value::as_str).unwrap_or("");
    let is_list = kind == "List" || (kind.ends_with("List") && obj.contains_key("items"));
    if !is_list {
        let r = make_resource(obj, name, doc_line, fields, issues);
        // A control-plane static pod also gives its component (snapshot::control_plane).
        let component = crate::snapshot::control_plane::derive(&r);
        resources.push(r);
        resources.extend(component);
        return;
    }
    let items = match obj.get("items") {
        Some(Value::Array(items)) => items.clone(),
        None => Vec::new(),
        Some(_) => {
            let line = fields.get("items").map_or(doc_line, |p| p.line);
            issues.push(issue(
                name,
                Some(line),
                format!("{name}:{line}: items of a {kind} must be a list; the list was not read"),
                IssueLevel::Error,
            ));
            return;
        }
    };
    for (i, item) in items.into_iter().enumerate() {
        let prefix = format!("items[{i}]");
        let line = fields.get(&prefix).map_or(doc_line, |p| p.line);
        let item = match item {
            Value::Object(item) => item,
            _ => {
                issues.push(issue(
                    name,
                    Some(line),
                    format!("{name}:{line}: {prefix} is not an object; not read"),
                    IssueLevel::Error,
                ));
                continue;
            }
        };
        let item_kind = item.get("kind").and_then(Value::as_str).unwrap_or("");
        let item_api = item.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if item_kind.is_empty()
            || item_api.is_empty()
            || item_kind.ends_with("List") && item.contains_key("items")
        {
            issues.push(issue(
                name,
                Some(line),
                format!("{name}:{line}: {prefix} must be an object with apiVersion and kind (not another list); not read"),
                IssueLevel::Error,
            ));
            continue;
        }
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
        let r = make_resource(item, name, line, item_fields, issues);
        let component = crate::snapshot::control_plane::derive(&r);
        resources.push(r);
        resources.extend(component);
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

/// The resource of one object, its shape checked (`snapshot::admit`): an object the API
/// server would not accept is kept, marked unreadable, with an error issue.
fn make_resource(
    mut obj: Map<String, Value>,
    file: &str,
    line: u32,
    fields: std::collections::BTreeMap<String, crate::snapshot::Pos>,
    issues: &mut Vec<CollectionIssue>,
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
    issues.extend(crate::snapshot::admit(&mut r, COLLECTOR));
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
pub fn disambiguate<R: Identified>(resources: &mut [R]) -> Vec<CollectionIssue> {
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut warnings = Vec::new();
    for r in resources.iter_mut() {
        let at = r.file_line().map(|(f, l)| (f.to_string(), l));
        let here = at
            .as_ref()
            .map(|(f, l)| format!("{f}:{l}"))
            .unwrap_or_default();
        match seen.get_mut(r.id()) {
            None => {
                seen.insert(r.id().to_string(), (1, here));
            }
            Some((count, first)) => {
                *count += 1;
                let id = r.id().to_string();
                let (file, line) = at.unzip();
                warnings.push(CollectionIssue::at(
                    COLLECTOR,
                    IssueLevel::Warning,
                    format!("{here}: {id} is also defined at {first}; reported as {id}~{count}"),
                    file,
                    line,
                ));
                r.set_id(format!("{id}~{count}"));
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
