//! Edits of one YAML document that keep what the user wrote: comments, key order, quoting,
//! indentation, flow or block style. The text is changed through `yamlpatch` (routes into the
//! document, replace / add / remove / append spans of it), never re-serialised whole.
//!
//! Every edit is checked: the document is parsed before and after, the intended change is
//! made to the parsed value too, and the edited text must parse to exactly that value. An
//! edit that would also change something else (through an anchor and its aliases, say), or
//! that the editor cannot place, is refused with the reason; the document is then left as
//! it was.

use crate::snapshot::PathPart;
use serde_yaml::Value;
use std::borrow::Cow;

/// What to do at a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Set the value (creating missing mappings on the way).
    Set(serde_json::Value),
    /// Make the list contain this item (creating the list when missing).
    Add(serde_json::Value),
    /// Remove the key or list item.
    Remove,
}

/// Why a document could not be edited faithfully.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    /// The document does not parse (the scan would have said so).
    #[error("the document does not parse: {0}")]
    Parse(String),
    /// The path runs through something that is not a mapping or list where one is needed.
    #[error("{path}: {why}")]
    Path {
        /// The field path.
        path: String,
        /// What is in the way.
        why: String,
    },
    /// The editor could not make the edit.
    #[error("the editor could not make the change at {path}: {why}")]
    Editor {
        /// The field path.
        path: String,
        /// Its message.
        why: String,
    },
    /// The edited text does not mean what was intended (anchors and aliases, unusual style).
    #[error(
        "the edited document would not mean what was intended (anchors, aliases or an unusual layout); left as written"
    )]
    Unfaithful,
}

/// Applies `changes` to the document `text`; the edited text (the same text when nothing
/// needed changing).
pub fn edit(text: &str, changes: &[(Vec<PathPart>, Change)]) -> Result<String, EditError> {
    let original: Value =
        serde_yaml::from_str(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let mut expected = original.clone();
    let mut current = Cow::Borrowed(text);
    for (path, change) in changes {
        // A removal that would leave its mapping empty removes the mapping's key instead
        // (`seLinuxOptions: {user: x}` goes whole, not to `seLinuxOptions:`).
        let widened;
        let path = if *change == Change::Remove {
            widened = removal_target(&expected, path);
            &widened
        } else {
            path
        };
        let shown = show(path);
        let ops = plan(&expected, path, change).map_err(|why| EditError::Path {
            path: shown.clone(),
            why,
        })?;
        apply(&mut expected, path, change);
        for op in ops {
            current = Cow::Owned(patch(&current, path, op).map_err(|why| EditError::Editor {
                path: shown.clone(),
                why,
            })?);
        }
    }
    let got: Value = serde_yaml::from_str(&current).map_err(|_| EditError::Unfaithful)?;
    if got != expected {
        return Err(EditError::Unfaithful);
    }
    Ok(current.into_owned())
}

/// The path a removal takes: up through parents that would be left empty, as long as each is
/// a key of a mapping (not a list item, not the document).
fn removal_target(doc: &Value, path: &[PathPart]) -> Vec<PathPart> {
    let mut target = path.to_vec();
    let mut node = doc;
    for p in path {
        match step(node, p) {
            Some(n) => node = n,
            // Nothing to remove: nothing to widen.
            None => return target,
        }
    }
    while target.len() > 1 && matches!(target[target.len() - 2], PathPart::Key(_)) {
        let parent = &target[..target.len() - 1];
        let mut node = doc;
        for p in parent {
            match step(node, p) {
                Some(n) => node = n,
                None => return target,
            }
        }
        match node {
            Value::Mapping(m) if m.len() == 1 => target.truncate(target.len() - 1),
            _ => break,
        }
    }
    target
}

/// One edit of the text: the route (a prefix of the path) and the operation there.
enum Op {
    Replace(usize, Value),
    Add(usize, String, Value),
    Append(Value),
    Remove,
}

/// The operations that make `change` at `path` in a document whose value is `doc`.
fn plan(doc: &Value, path: &[PathPart], change: &Change) -> Result<Vec<Op>, String> {
    // The longest prefix of the path that exists.
    let mut node = doc;
    let mut depth = 0;
    for part in path {
        match step(node, part) {
            Some(next) => {
                node = next;
                depth += 1;
            }
            None => break,
        }
    }
    let exists = depth == path.len();
    let yaml = |v: &serde_json::Value| serde_yaml::to_value(v).map_err(|e| e.to_string());
    match change {
        Change::Remove if exists => Ok(vec![Op::Remove]),
        Change::Remove => Ok(vec![]),
        Change::Set(v) if exists => {
            let v = yaml(v)?;
            Ok(if *node == v {
                vec![]
            } else {
                vec![Op::Replace(depth, v)]
            })
        }
        Change::Add(item) if exists => {
            let item = yaml(item)?;
            match node {
                Value::Sequence(items) if items.contains(&item) => Ok(vec![]),
                Value::Sequence(_) => Ok(vec![Op::Append(item)]),
                Value::Null => Ok(vec![Op::Replace(depth, Value::Sequence(vec![item]))]),
                _ => Err("is not a list".into()),
            }
        }
        Change::Set(_) | Change::Add(_) => {
            let value = match change {
                Change::Add(item) => Value::Sequence(vec![yaml(item)?]),
                Change::Set(v) => yaml(v)?,
                Change::Remove => unreachable_remove(),
            };
            // Build the missing part as nested mappings under the deepest existing node.
            let mut rest = path[depth..].iter().rev();
            let mut nested = value;
            let first = loop {
                match rest.next() {
                    Some(PathPart::Key(k)) if rest.len() == 0 => break k.clone(),
                    Some(PathPart::Key(k)) => {
                        let mut m = serde_yaml::Mapping::new();
                        m.insert(Value::String(k.clone()), nested);
                        nested = Value::Mapping(m);
                    }
                    Some(PathPart::Index(_)) => {
                        return Err("a list item that does not exist".into());
                    }
                    None => return Err("empty path".into()),
                }
            };
            match node {
                Value::Mapping(_) => Ok(vec![Op::Add(depth, first, nested)]),
                Value::Null => {
                    let mut m = serde_yaml::Mapping::new();
                    m.insert(Value::String(first), nested);
                    Ok(vec![Op::Replace(depth, Value::Mapping(m))])
                }
                _ => Err("is not a mapping".into()),
            }
        }
    }
}

/// Never called: `Remove` is handled before. A function so the match stays total without
/// a panic on an input path.
fn unreachable_remove() -> Value {
    Value::Null
}

fn step<'a>(node: &'a Value, part: &PathPart) -> Option<&'a Value> {
    match (node, part) {
        (Value::Mapping(m), PathPart::Key(k)) => m.get(Value::String(k.clone())),
        (Value::Sequence(s), PathPart::Index(i)) => s.get(*i),
        _ => None,
    }
}

fn step_mut<'a>(node: &'a mut Value, part: &PathPart) -> Option<&'a mut Value> {
    match (node, part) {
        (Value::Mapping(m), PathPart::Key(k)) => m.get_mut(Value::String(k.clone())),
        (Value::Sequence(s), PathPart::Index(i)) => s.get_mut(*i),
        _ => None,
    }
}

/// The intended change, made to the parsed value.
fn apply(doc: &mut Value, path: &[PathPart], change: &Change) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = doc;
    for part in parents {
        if step(node, part).is_none() {
            if matches!(change, Change::Remove) {
                return;
            }
            if let (PathPart::Key(k), Value::Null | Value::Mapping(_)) = (part, &*node) {
                if node.is_null() {
                    *node = Value::Mapping(serde_yaml::Mapping::new());
                }
                if let Value::Mapping(m) = node {
                    m.insert(
                        Value::String(k.clone()),
                        Value::Mapping(serde_yaml::Mapping::new()),
                    );
                }
            }
        }
        match step_mut(node, part) {
            Some(next) => node = next,
            None => return,
        }
    }
    let to_yaml = |v: &serde_json::Value| serde_yaml::to_value(v).unwrap_or(Value::Null);
    match (change, last) {
        (Change::Remove, PathPart::Key(k)) => {
            if let Value::Mapping(m) = node {
                m.remove(Value::String(k.clone()));
            }
        }
        (Change::Remove, PathPart::Index(i)) => {
            if let Value::Sequence(s) = node
                && *i < s.len()
            {
                s.remove(*i);
            }
        }
        (Change::Set(v), PathPart::Key(k)) => {
            if node.is_null() {
                *node = Value::Mapping(serde_yaml::Mapping::new());
            }
            if let Value::Mapping(m) = node {
                m.insert(Value::String(k.clone()), to_yaml(v));
            }
        }
        (Change::Set(v), PathPart::Index(i)) => {
            if let Some(slot) = step_mut(node, &PathPart::Index(*i)) {
                *slot = to_yaml(v);
            }
        }
        (Change::Add(item), part) => {
            let item = to_yaml(item);
            if let (PathPart::Key(k), true) = (part, node.is_null()) {
                let mut m = serde_yaml::Mapping::new();
                m.insert(Value::String(k.clone()), Value::Null);
                *node = Value::Mapping(m);
            }
            if let (Value::Mapping(m), PathPart::Key(k)) = (&mut *node, part)
                && !m.contains_key(Value::String(k.clone()))
            {
                m.insert(Value::String(k.clone()), Value::Null);
            }
            if let Some(list) = step_mut(node, part) {
                match list {
                    Value::Sequence(s) if !s.contains(&item) => s.push(item),
                    Value::Null => *list = Value::Sequence(vec![item]),
                    _ => {}
                }
            }
        }
    }
}

/// One operation on the text, through yamlpatch.
fn patch(text: &str, path: &[PathPart], op: Op) -> Result<String, String> {
    let route_of = |parts: &[PathPart]| -> yamlpath::Route<'static> {
        yamlpath::Route::from(
            parts
                .iter()
                .map(|p| match p {
                    PathPart::Key(k) => yamlpath::Component::Key(Cow::Owned(k.clone())),
                    PathPart::Index(i) => yamlpath::Component::Index(*i),
                })
                .collect::<Vec<_>>(),
        )
    };
    let (route, operation) = match op {
        Op::Replace(depth, v) => {
            let route = route_of(&path[..depth]);
            if let Some(text) = replace_scalar(text, &route, &v)? {
                return Ok(text);
            }
            (route, yamlpatch::Op::Replace(v))
        }
        Op::Add(depth, key, value) => {
            let route = route_of(&path[..depth]);
            if let Some(text) = add_to_block_mapping(text, &route, &key, &value)? {
                return Ok(text);
            }
            (route, yamlpatch::Op::Add { key, value })
        }
        Op::Append(value) => (route_of(path), yamlpatch::Op::Append { value }),
        Op::Remove => (route_of(path), yamlpatch::Op::Remove),
    };
    let doc = yamlpath::Document::new(text.to_string()).map_err(|e| e.to_string())?;
    let appended = match &operation {
        yamlpatch::Op::Append { value } => Some(value.clone()),
        _ => None,
    };
    let first = yamlpatch::Patch {
        route: route.clone(),
        operation,
    };
    match yamlpatch::apply_yaml_patches(&doc, &[first]) {
        Ok(d) => Ok(d.source().to_string()),
        // A flow list (`drop: [NET_RAW]`) takes no block item: it is written again whole,
        // in flow style, in its own span.
        Err(e) => match appended {
            Some(value) => {
                let feature = doc
                    .query_exact(&route)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| e.to_string())?;
                let (start, end) = feature.location.byte_span;
                let mut list: Vec<Value> = serde_yaml::from_str::<Value>(&text[start..end])
                    .ok()
                    .and_then(|v| v.as_sequence().cloned())
                    .ok_or_else(|| e.to_string())?;
                list.push(value);
                let flow =
                    yamlpatch::serialize_flow(&Value::Sequence(list)).map_err(|e| e.to_string())?;
                Ok(format!("{}{flow}{}", &text[..start], &text[end..]))
            }
            None => Err(e.to_string()),
        },
    }
}

/// A scalar replaced by a scalar in its own span, in the quoting style it had (yamlpatch
/// 1.24 writes a whole flow mapping again, respaced, to change one value in it). None when
/// either is not a scalar, or the new text would need another style.
fn replace_scalar(
    text: &str,
    route: &yamlpath::Route<'_>,
    value: &Value,
) -> Result<Option<String>, String> {
    if route.is_empty() || !matches!(value, Value::Bool(_) | Value::Number(_) | Value::String(_)) {
        return Ok(None);
    }
    let doc = yamlpath::Document::new(text.to_string()).map_err(|e| e.to_string())?;
    let Some(feature) = doc.query_exact(route).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let (start, end) = feature.location.byte_span;
    let old = &text[start..end];
    if old.contains('\n') || old.starts_with(['{', '[', '|', '>', '&', '*', '!']) {
        return Ok(None);
    }
    let new = match value {
        Value::String(s) if old.starts_with('\'') => format!("'{}'", s.replace('\'', "''")),
        Value::String(s) if old.starts_with('"') => {
            serde_json::to_string(s).map_err(|e| e.to_string())?
        }
        other => {
            // Plain, as serde_yaml writes it (it quotes a string that would read as another
            // type: `"true"`, `"1"`).
            let t = serde_yaml::to_string(other).map_err(|e| e.to_string())?;
            let t = t.trim_end().to_string();
            if t.contains('\n') {
                return Ok(None);
            }
            t
        }
    };
    Ok(Some(format!("{}{new}{}", &text[..start], &text[end..])))
}

/// Adds `key: value` at the end of the block mapping at `route`, at its keys' indentation,
/// the value in block style (yamlpatch 1.24 indents a nested mapping added inside a list item
/// one level short). None when the mapping is not a block mapping (flow: yamlpatch's Add).
fn add_to_block_mapping(
    text: &str,
    route: &yamlpath::Route<'_>,
    key: &str,
    value: &Value,
) -> Result<Option<String>, String> {
    let doc = yamlpath::Document::new(text.to_string()).map_err(|e| e.to_string())?;
    let feature = if route.is_empty() {
        doc.top_feature().map_err(|e| e.to_string())?
    } else {
        match doc.query_exact(route).map_err(|e| e.to_string())? {
            Some(f) => f,
            None => return Ok(None),
        }
    };
    let (start, end) = feature.location.byte_span;
    let body = &text[start..end];
    if body.trim_start().starts_with('{') || !body.contains(':') {
        return Ok(None);
    }
    let column = feature.location.point_span.0.1;
    let indent = " ".repeat(column);
    let mut entry = serde_yaml::Mapping::new();
    entry.insert(Value::String(key.to_string()), value.clone());
    let block = serde_yaml::to_string(&Value::Mapping(entry)).map_err(|e| e.to_string())?;
    // serde_yaml writes lists at the key's indentation (`key:\n- a`), as kubectl does.
    let mut lines = String::new();
    for line in block.lines() {
        lines.push_str(&indent);
        lines.push_str(line);
        lines.push('\n');
    }
    // After the line the mapping ends on (its trailing comment included); a span may end
    // with that line's newline already.
    let at = if text[..end].ends_with('\n') {
        end
    } else {
        match text[end..].find('\n') {
            Some(i) => end + i + 1,
            None => return Ok(Some(format!("{text}\n{lines}"))),
        }
    };
    Ok(Some(format!("{}{lines}{}", &text[..at], &text[at..])))
}

/// A path as messages show it.
fn show(path: &[PathPart]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            PathPart::Key(k) => s = crate::snapshot::push_key(&s, k),
            PathPart::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{Change, EditError, edit};
    use crate::snapshot::parse_path;
    use serde_json::json;

    fn one(text: &str, path: &str, change: Change) -> Result<String, EditError> {
        edit(text, &[(parse_path(path).unwrap(), change)])
    }

    #[test]
    fn a_value_is_replaced_in_place_keeping_comments_and_quotes() {
        let text = "spec:\n  # keep me\n  hostNetwork: true   # why\n  name: 'web'\n";
        let out = one(text, "spec.hostNetwork", Change::Set(json!(false))).unwrap();
        assert_eq!(
            out,
            "spec:\n  # keep me\n  hostNetwork: false   # why\n  name: 'web'\n"
        );
    }

    #[test]
    fn missing_mappings_are_created_under_the_deepest_existing_one() {
        let text = "spec:\n  containers:\n  - name: a\n    image: x\n";
        let out = one(
            text,
            "spec.containers[0].securityContext.allowPrivilegeEscalation",
            Change::Set(json!(false)),
        )
        .unwrap();
        let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(
            v["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"],
            serde_yaml::Value::Bool(false)
        );
        assert!(
            out.starts_with("spec:\n  containers:\n  - name: a\n    image: x\n"),
            "{out}"
        );
        // Deeper still, one level at a time, in block style at the keys' indentation.
        let mut cur = text.to_string();
        for (p, v) in [
            ("spec.containers[0].resources.limits.memory", "256Mi"),
            ("spec.containers[0].resources.requests.cpu", "100m"),
            ("spec.containers[0].resources.limits.cpu", "500m"),
        ] {
            cur = one(&cur, p, Change::Set(json!(v))).unwrap();
        }
        assert_eq!(
            cur,
            "spec:\n  containers:\n  - name: a\n    image: x\n    resources:\n      limits:\n        memory: 256Mi\n        cpu: 500m\n      requests:\n        cpu: 100m\n"
        );
    }

    #[test]
    fn list_items_are_added_once_to_block_and_flow_lists() {
        let block = "caps:\n  drop:\n  - NET_RAW\n";
        let out = one(block, "caps.drop", Change::Add(json!("ALL"))).unwrap();
        assert_eq!(out, "caps:\n  drop:\n  - NET_RAW\n  - ALL\n");
        assert_eq!(
            one(&out, "caps.drop", Change::Add(json!("ALL"))).unwrap(),
            out
        );
        let flow = "caps: {drop: [NET_RAW]}  # flow\n";
        let out = one(flow, "caps.drop", Change::Add(json!("ALL"))).unwrap();
        let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(
            v["caps"]["drop"][1],
            serde_yaml::Value::String("ALL".into())
        );
        assert!(out.contains("# flow"), "{out}");
    }

    #[test]
    fn a_key_is_removed_and_a_missing_one_is_left_alone() {
        let text = "ports:\n- containerPort: 80\n  hostPort: 80\n";
        let out = one(text, "ports[0].hostPort", Change::Remove).unwrap();
        assert_eq!(out, "ports:\n- containerPort: 80\n");
        assert_eq!(one(&out, "ports[0].hostPort", Change::Remove).unwrap(), out);
    }

    #[test]
    fn an_edit_through_an_anchor_that_would_change_its_aliases_is_refused() {
        let text = "a: &sc\n  privileged: true\nb: *sc\n";
        let r = one(text, "a.privileged", Change::Set(json!(false)));
        // Either refused, or made so that only `a` changed; never `b` changed silently.
        if let Ok(out) = r {
            let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(v["b"]["privileged"], serde_yaml::Value::Bool(true), "{out}");
        }
    }
}
