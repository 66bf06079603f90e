//! `plimsoll fix`: corrections for what a scan finds, made to the user's YAML as they wrote it.
//!
//! Fixes are data in each check's METADATA (`custom.fix`: set a value at the finding's field
//! path, add a list item, remove a key, a value given as `--set NAME=VALUE`, or why no fix is
//! safe), so user policies carry fixes the same way. [`decide`] turns a report's failing
//! findings into changes (or the reason there is none), [`apply_file`] makes a file's changes
//! document by document through [`edit`], which refuses an edit it cannot make faithfully.
//! The command (`app::fix`) re-scans the edited files before anything is written.

pub mod edit;

use crate::finding::{Fingerprint, Status};
use crate::policy::Catalogue;
use crate::policy::metadata::Fix;
use crate::report::model::{FindingOut, Report, ResourceRef};
use crate::snapshot::{PathPart, parse_path};
use edit::Change;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A change for one finding.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The file the resource was read from.
    pub file: Arc<str>,
    /// A line of the resource's document (1-based).
    pub line: u32,
    /// The resource's kind and name, to check the document is the resource.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The check.
    pub check: String,
    /// The finding's fingerprint (gone after the fix, or the fix did not work).
    pub fingerprint: Fingerprint,
    /// Where, in the document.
    pub path: Vec<PathPart>,
    /// What.
    pub change: Change,
}

/// A failing finding that is not fixed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Check id.
    pub check: String,
    /// Resource id (or the file when the finding has no resource).
    pub resource: String,
    /// Why.
    pub reason: String,
}

/// What to do about each failing finding of `report`: a change, or why not. `values` are the
/// `--set NAME=VALUE` values for fixes that take one.
pub fn decide(
    report: &Report,
    catalogue: &Catalogue,
    values: &BTreeMap<String, serde_json::Value>,
) -> (Vec<Candidate>, Vec<Skipped>) {
    let (found, mut skipped) = changes(report, catalogue, values);
    let mut fixes = Vec::new();
    for (f, r, path, change) in found {
        let Some(location) = f.location() else {
            skipped.push(Skipped {
                check: f.check.id.to_string(),
                resource: r.id.clone(),
                reason: "not read from a file (a live resource: --format json-patch)".into(),
            });
            continue;
        };
        fixes.push(Candidate {
            file: Arc::from(location.file),
            line: location.line,
            kind: r.kind.clone(),
            name: r.name.clone(),
            check: f.check.id.to_string(),
            fingerprint: f.fingerprint,
            path,
            change,
        });
    }
    (fixes, skipped)
}

/// A change for one finding of a live resource.
#[derive(Debug, Clone)]
pub struct LiveCandidate {
    /// The resource.
    pub resource: Arc<ResourceRef>,
    /// The check.
    pub check: String,
    /// Where, in the resource's body.
    pub path: Vec<PathPart>,
    /// What.
    pub change: Change,
}

/// What to do about each failing finding of a report of live resources (read from a cluster,
/// no file): a change of the resource's body, or why not.
pub fn decide_live(
    report: &Report,
    catalogue: &Catalogue,
    values: &BTreeMap<String, serde_json::Value>,
) -> (Vec<LiveCandidate>, Vec<Skipped>) {
    let (found, skipped) = changes(report, catalogue, values);
    let fixes = found
        .into_iter()
        .map(|(f, r, path, change)| LiveCandidate {
            resource: r,
            check: f.check.id.to_string(),
            path,
            change,
        })
        .collect();
    (fixes, skipped)
}

/// Each failing finding about a resource with a field, and the change its check's fix makes;
/// the others with the reason.
#[allow(clippy::type_complexity)]
fn changes<'r>(
    report: &'r Report,
    catalogue: &Catalogue,
    values: &BTreeMap<String, serde_json::Value>,
) -> (
    Vec<(&'r FindingOut, Arc<ResourceRef>, Vec<PathPart>, Change)>,
    Vec<Skipped>,
) {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        let skip = |reason: String| Skipped {
            check: f.check.id.to_string(),
            resource: f
                .resource
                .as_ref()
                .map_or_else(String::new, |r| r.id.clone()),
            reason,
        };
        let Some(check) = catalogue.get(&f.check.id) else {
            skipped.push(skip("the check is not in the catalogue".into()));
            continue;
        };
        let Some(r) = f.resource.clone() else {
            skipped.push(skip("about no one resource".into()));
            continue;
        };
        let Some(path) = f.path.as_deref() else {
            skipped.push(skip("the finding names no field".into()));
            continue;
        };
        match change_for(&check.meta, path, values) {
            Ok((parts, change)) => found.push((f, r, parts, change)),
            Err(why) => skipped.push(skip(why)),
        }
    }
    (found, skipped)
}

/// RFC 6902 operations that make `changes` to a resource's body, in order, each computed on
/// the body as the earlier ones left it (list indices stay right); and the body after them.
pub fn json_patch(
    body: &serde_json::Value,
    changes: &[(Vec<PathPart>, Change)],
) -> Result<(Vec<serde_json::Value>, serde_json::Value), String> {
    use serde_json::{Value, json};
    let mut doc = body.clone();
    let mut ops = Vec::new();
    for (path, change) in changes {
        let mut node = &doc;
        let mut depth = 0;
        for part in path {
            let next = match (node, part) {
                (Value::Object(m), PathPart::Key(k)) => m.get(k),
                (Value::Array(a), PathPart::Index(i)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => {
                    node = n;
                    depth += 1;
                }
                None => break,
            }
        }
        let exists = depth == path.len();
        let op = match change {
            Change::Remove if exists => Some(json!({"op": "remove", "path": pointer(path)})),
            Change::Remove => None,
            Change::Set(v) if exists => {
                (node != v).then(|| json!({"op": "replace", "path": pointer(path), "value": v}))
            }
            Change::Add(item) if exists => match node {
                Value::Array(a) if a.contains(item) => None,
                Value::Array(_) => Some(
                    json!({"op": "add", "path": format!("{}/-", pointer(path)), "value": item}),
                ),
                Value::Null => {
                    Some(json!({"op": "replace", "path": pointer(path), "value": [item]}))
                }
                _ => return Err(format!("{}: is not a list", pointer(path))),
            },
            Change::Set(_) | Change::Add(_) => {
                let mut value = match change {
                    Change::Add(item) => json!([item]),
                    Change::Set(v) => v.clone(),
                    Change::Remove => Value::Null,
                };
                if path[depth..]
                    .iter()
                    .any(|p| matches!(p, PathPart::Index(_)))
                {
                    return Err(format!(
                        "{}: a list item that does not exist",
                        pointer(path)
                    ));
                }
                for part in path[depth + 1..].iter().rev() {
                    if let PathPart::Key(k) = part {
                        value = json!({ k.as_str(): value });
                    }
                }
                match node {
                    Value::Object(_) => {
                        Some(json!({"op": "add", "path": pointer(&path[..=depth]), "value": value}))
                    }
                    Value::Null => {
                        let PathPart::Key(k) = &path[depth] else {
                            return Err(format!("{}: not a mapping", pointer(path)));
                        };
                        Some(
                            json!({"op": "replace", "path": pointer(&path[..depth]), "value": { k.as_str(): value }}),
                        )
                    }
                    _ => return Err(format!("{}: not a mapping", pointer(&path[..depth]))),
                }
            }
        };
        if let Some(op) = op {
            let patch: json_patch::Patch = serde_json::from_value(Value::Array(vec![op.clone()]))
                .map_err(|e| e.to_string())?;
            json_patch::patch(&mut doc, &patch).map_err(|e| e.to_string())?;
            ops.push(op);
        }
    }
    Ok((ops, doc))
}

/// A JSON Pointer (RFC 6901) to a path.
fn pointer(path: &[PathPart]) -> String {
    let mut s = String::new();
    for p in path {
        s.push('/');
        match p {
            PathPart::Key(k) => s.push_str(&k.replace('~', "~0").replace('/', "~1")),
            PathPart::Index(i) => s.push_str(&i.to_string()),
        }
    }
    s
}

/// The change a check's fix makes for a finding at `path`, or why there is none.
pub fn change_for(
    meta: &crate::policy::metadata::Metadata,
    path: &str,
    values: &BTreeMap<String, serde_json::Value>,
) -> Result<(Vec<PathPart>, Change), String> {
    let rule = meta.fix.iter().find(|rule| {
        rule.when.as_deref().is_none_or(|w| {
            globset::Glob::new(w)
                .map(|g| g.compile_matcher().is_match(path))
                .unwrap_or(false)
        })
    });
    let Some(rule) = rule else {
        return Err(if meta.fix.is_empty() {
            "the check declares no fix".into()
        } else {
            format!("no fix for a finding at {path}")
        });
    };
    let change = match &rule.fix {
        Fix::Set(v) => Change::Set(v.clone()),
        Fix::Add(v) => Change::Add(v.clone()),
        Fix::Remove => Change::Remove,
        Fix::Param(name) => match values.get(name) {
            Some(v) => Change::Set(v.clone()),
            None => {
                return Err(format!(
                    "needs a value: pass --set {name}=VALUE (a value is never guessed)"
                ));
            }
        },
        Fix::Manual(why) => return Err(format!("no automatic fix: {why}")),
    };
    let mut parts = parse_path(path).ok_or_else(|| format!("cannot read the field path {path}"))?;
    if rule.up >= parts.len() {
        return Err(format!("the fix goes above the document at {path}"));
    }
    parts.truncate(parts.len() - rule.up);
    Ok((parts, change))
}

/// Whether a check declares a fix that can be made (not only `manual`).
pub fn fixable(meta: &crate::policy::metadata::Metadata) -> bool {
    meta.fix.iter().any(|r| !matches!(r.fix, Fix::Manual(_)))
}

/// One document of a YAML stream: its byte range and first line.
struct Doc {
    start: usize,
    end: usize,
    first_line: u32,
    last_line: u32,
}

/// The documents of `text`, between `---` / `...` lines. A separator line with content after
/// it (`--- !tag` or `--- {a: 1}`) is not split here: such a file is refused.
fn documents(text: &str) -> Result<Vec<Doc>, String> {
    let mut docs = Vec::new();
    let (mut start, mut first_line) = (0usize, 1u32);
    let mut offset = 0usize;
    let mut line_no = 0u32;
    for line in text.split_inclusive('\n') {
        line_no += 1;
        let content = line.trim_end_matches(['\n', '\r']);
        let separator = ["---", "..."].iter().any(|m| {
            content == *m
                || content.starts_with(&format!("{m} "))
                || content.starts_with(&format!("{m}\t"))
        });
        if separator {
            let after = content[3..].trim();
            if !after.is_empty() && !after.starts_with('#') {
                return Err(format!(
                    "line {line_no}: content on a document separator line"
                ));
            }
            docs.push(Doc {
                start,
                end: offset,
                first_line,
                last_line: line_no.saturating_sub(1),
            });
            start = offset + line.len();
            first_line = line_no + 1;
        }
        offset += line.len();
    }
    docs.push(Doc {
        start,
        end: text.len(),
        first_line,
        last_line: line_no.max(first_line),
    });
    Ok(docs)
}

/// The file with every candidate's change made (all candidates are of this file). Each
/// document is edited on its own; one that cannot be edited faithfully fails the file, with
/// the reason, so a file is either fixed as a whole or left as it was.
pub fn apply_file(text: &str, candidates: &[&Candidate]) -> Result<String, String> {
    if text.contains('\r') {
        return Err("CRLF line ends: left as written".into());
    }
    if text.starts_with('\u{feff}') {
        return Err("a byte order mark: left as written".into());
    }
    let docs = documents(text)?;
    let mut by_doc: BTreeMap<usize, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates {
        let Some(i) = docs
            .iter()
            // A resource's own line may be its document's `---` line (the collector keeps
            // the separator's line as the document's first).
            .position(|d| c.line + 1 >= d.first_line && c.line <= d.last_line)
        else {
            return Err(format!("line {} is in no document", c.line));
        };
        by_doc.entry(i).or_default().push(c);
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut copied = 0;
    for (i, cs) in by_doc {
        let d = &docs[i];
        let body = &text[d.start..d.end];
        // The document must be the resource itself (not a List holding it).
        let parsed: serde_yaml::Value =
            serde_yaml::from_str(body).map_err(|e| format!("line {}: {e}", d.first_line))?;
        let (kind, name) = (
            parsed["kind"].as_str().unwrap_or_default(),
            parsed["metadata"]["name"].as_str().unwrap_or_default(),
        );
        if let Some(c) = cs.iter().find(|c| c.kind != kind || c.name != name) {
            return Err(format!(
                "line {}: the document is not {} {} itself (a List?)",
                d.first_line, c.kind, c.name
            ));
        }
        let changes: Vec<(Vec<PathPart>, Change)> = cs
            .iter()
            .map(|c| (c.path.clone(), c.change.clone()))
            .collect();
        let edited =
            edit::edit(body, &changes).map_err(|e| format!("line {}: {e}", d.first_line))?;
        out.push_str(&text[copied..d.start]);
        out.push_str(&edited);
        copied = d.end;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// A unified diff of one file's fix, with `a/` and `b/` headers.
pub fn diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{Candidate, apply_file, documents};
    use crate::finding::Fingerprint;
    use crate::fix::edit::Change;
    use crate::snapshot::parse_path;
    use serde_json::json;

    fn candidate(line: u32, name: &str, path: &str, change: Change) -> Candidate {
        Candidate {
            file: "f.yaml".into(),
            line,
            kind: "Pod".into(),
            name: name.into(),
            check: "X".into(),
            fingerprint: Fingerprint(0),
            path: parse_path(path).unwrap(),
            change,
        }
    }

    #[test]
    fn a_json_patch_creates_what_is_missing_and_applies_in_order() {
        use super::json_patch;
        let body = json!({"spec": {"containers": [{"name": "a", "securityContext": null}],
                                    "securityContext": {"sysctls": [{"name": "x"}, {"name": "y"}]}}});
        let changes = vec![
            (
                parse_path("spec.containers[0].securityContext.privileged").unwrap(),
                Change::Set(json!(false)),
            ),
            (
                parse_path("spec.containers[0].resources.limits.memory").unwrap(),
                Change::Set(json!("1Gi")),
            ),
            (
                parse_path("spec.securityContext.sysctls[1]").unwrap(),
                Change::Remove,
            ),
            (
                parse_path("spec.securityContext.sysctls[0]").unwrap(),
                Change::Remove,
            ),
            (
                parse_path("spec.containers[0].securityContext.capabilities.drop").unwrap(),
                Change::Add(json!("ALL")),
            ),
        ];
        let (ops, after) = json_patch(&body, &changes).unwrap();
        assert_eq!(
            ops[0],
            json!({"op": "replace", "path": "/spec/containers/0/securityContext", "value": {"privileged": false}})
        );
        assert_eq!(
            ops[1],
            json!({"op": "add", "path": "/spec/containers/0/resources", "value": {"limits": {"memory": "1Gi"}}})
        );
        assert_eq!(after["spec"]["securityContext"]["sysctls"], json!([]));
        assert_eq!(
            after["spec"]["containers"][0]["securityContext"]["capabilities"]["drop"],
            json!(["ALL"])
        );
        // Nothing left to do: no operation.
        let (again, _) = json_patch(&after, &changes[..2]).unwrap();
        assert!(again.is_empty());
    }

    #[test]
    fn documents_are_found_between_separators_and_content_on_one_is_refused() {
        let text = "a: 1\n---\nb: 2\n--- # two\nc: 3\n";
        let docs = documents(text).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(&text[docs[1].start..docs[1].end], "b: 2\n");
        assert_eq!((docs[2].first_line, docs[2].last_line), (5, 5));
        assert!(documents("--- {a: 1}\n").is_err());
    }

    #[test]
    fn each_document_is_edited_and_the_rest_kept_byte_for_byte() {
        let text = "# head\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n---\n# second\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostIPC: true # why\n";
        let a = candidate(3, "a", "spec.hostPID", Change::Set(json!(false)));
        let b = candidate(12, "b", "spec.hostIPC", Change::Set(json!(false)));
        let out = apply_file(text, &[&a, &b]).unwrap();
        assert_eq!(
            out,
            "# head\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: false\n---\n# second\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostIPC: false # why\n"
        );
        let wrong = candidate(3, "other", "spec.hostPID", Change::Set(json!(false)));
        assert!(apply_file(text, &[&wrong]).is_err());
        assert!(apply_file("kind: Pod\r\n", &[&a]).is_err());
    }
}
