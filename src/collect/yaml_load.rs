//! One-pass YAML loader for manifests: builds the JSON value and the field line index of one
//! document from a single walk over saphyr-parser's events.
//!
//! Before, a document was parsed twice (yaml_serde for the value, saphyr-parser for the lines)
//! and then copied from yaml_serde's value into JSON; on a 1,000-resource cluster that was 43%
//! of a scan's instructions. The value rules are those yaml_serde applies, so findings do not
//! change with the loader:
//!
//! * plain scalars resolve by the YAML 1.2 core schema: `null`/`~`/empty, `true`/`false` in
//!   three casings, integers with `0x`/`0o`/`0b`, floats and `.inf`/`.nan`; digits with a
//!   leading zero (`0644`) stay strings; quoted and block scalars are strings;
//! * `!!bool`, `!!int`, `!!float` and `!!null` must parse as such, other core tags give
//!   strings; local tags (`!Ref x`) are dropped and the scalar resolves as if untagged;
//! * anchors and aliases, merge keys (`<<: *a`, `<<: [*a, *b]`; keys already present win);
//! * non-string keys become their text (`80: x` → `"80"`); a duplicate key is an error.
//!
//! Nesting is capped at 128 levels and alias expansion at [`MAX_EXPANDED`] nodes, so a hostile
//! document cannot exhaust the stack or memory. Content reached through an alias has no lines
//! of its own; lookups fall back to the alias (see `Location::pos_of`).

use super::yaml_lines::push_key;
use crate::snapshot::Pos;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Deepest nesting accepted (yaml_serde's limit too).
const MAX_DEPTH: usize = 128;
/// Most nodes that aliases may copy into one document.
pub(crate) const MAX_EXPANDED: usize = 1_000_000;

/// One loaded document.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// `None` when the document holds only comments.
    pub value: Option<Value>,
    /// The line and column of each mapping key and sequence item, by field path.
    pub fields: BTreeMap<String, Pos>,
    /// A mapping or sequence was used as a key (`{{ .Values.x }}: y` in a Helm template).
    pub complex_key: bool,
}

/// Why a document could not be loaded; `line` is 1-based within the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoadError {
    pub line: u32,
    pub message: String,
}

/// A collection's field path and the position recorded for it (its key's, or its own as a
/// sequence item), entered in the field index when the collection ends so the path is moved
/// there rather than copied; `None` position: the root.
type Path = Option<(String, Option<Pos>)>;

enum Frame {
    Map {
        map: Map<String, Value>,
        path: Path,
        anchor: usize,
        /// The key read and waiting for its value: (key, its path, its position). The path
        /// goes to the field index with the value, or to the value's frame if it is a
        /// collection.
        key: Option<(String, Option<String>, Pos)>,
        /// `<<` values, applied at the end in order.
        merges: Vec<(Value, u32)>,
        /// This container is itself a (complex) key of its parent.
        is_key: bool,
    },
    Seq {
        items: Vec<Value>,
        path: Path,
        anchor: usize,
        is_key: bool,
    },
}

impl Frame {
    fn is_key(&self) -> bool {
        match self {
            Frame::Map { is_key, .. } | Frame::Seq { is_key, .. } => *is_key,
        }
    }
}

/// Where a node that is starting goes.
enum Role {
    Root,
    Key,
    /// A collection's path (a scalar's is recorded at once).
    Value(Path),
}

struct Loader {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    fields: BTreeMap<String, Pos>,
    root: Option<Value>,
    complex_key: bool,
    expanded: usize,
    offset: u32,
}

/// Loads `text` (one document; `first_line` is the file line of its first line).
pub(crate) fn load(text: &str, first_line: u32) -> Result<Loaded, LoadError> {
    let mut parser = Parser::new_from_str(text);
    let mut l = Loader {
        stack: Vec::new(),
        anchors: HashMap::new(),
        fields: BTreeMap::new(),
        root: None,
        complex_key: false,
        expanded: 0,
        offset: first_line.saturating_sub(1),
    };
    let mut documents = 0;
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| LoadError {
            line: e.marker().line() as u32,
            message: e.info().to_string(),
        })?;
        let rel_line = span.start.line() as u32;
        let pos = Pos {
            line: rel_line + l.offset,
            // saphyr counts columns from 0.
            column: span.start.col() as u32 + 1,
        };
        let fail = |message: String| LoadError {
            line: rel_line,
            message,
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(fail("more than one document in a single document".into()));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let role = l.role(pos, false);
                let value = scalar(&text, style, tag.as_deref()).map_err(fail)?;
                if anchor != 0 {
                    l.anchors.insert(anchor, value.clone());
                }
                l.deliver(role, value, Some(&text), pos).map_err(fail)?;
            }
            Event::Alias(id) => {
                let role = l.role(pos, false);
                let Some(anchored) = l.anchors.get(&id) else {
                    return Err(fail("alias to an unknown anchor".into()));
                };
                // Counted before copying, so a bomb stops before it is built.
                l.expanded += count(anchored);
                if l.expanded > MAX_EXPANDED {
                    return Err(fail(format!(
                        "aliases expand to more than {MAX_EXPANDED} nodes"
                    )));
                }
                let value = anchored.clone();
                l.deliver(role, value, None, pos).map_err(fail)?;
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if l.stack.len() >= MAX_DEPTH {
                    return Err(fail(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let role = l.role(pos, true);
                let (path, is_key) = match role {
                    Role::Root => (Some((String::new(), None)), false),
                    Role::Key => {
                        l.complex_key = true;
                        (None, true)
                    }
                    Role::Value(path) => (path, false),
                };
                l.stack.push(match event {
                    Event::MappingStart(..) => Frame::Map {
                        map: Map::new(),
                        path,
                        anchor,
                        key: None,
                        merges: Vec::new(),
                        is_key,
                    },
                    _ => Frame::Seq {
                        items: Vec::new(),
                        path,
                        anchor,
                        is_key,
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = l.stack.pop() else {
                    return Err(fail("unbalanced end of a collection".into()));
                };
                let is_key = frame.is_key();
                let (value, anchor, path) = match frame {
                    Frame::Map {
                        mut map,
                        anchor,
                        merges,
                        path,
                        ..
                    } => {
                        for (source, line) in merges {
                            merge(&mut map, source).map_err(|m| LoadError { line, message: m })?;
                        }
                        (Value::Object(map), anchor, path)
                    }
                    Frame::Seq {
                        items,
                        anchor,
                        path,
                        ..
                    } => (Value::Array(items), anchor, path),
                };
                if let Some((path, Some(at))) = path {
                    l.fields.entry(path).or_insert(at);
                }
                if anchor != 0 {
                    l.anchors.insert(anchor, value.clone());
                }
                let role = if is_key {
                    Role::Key
                } else {
                    match l.stack.last() {
                        None => Role::Root,
                        // The value's path was taken at its start; it is not needed again.
                        Some(_) => Role::Value(None),
                    }
                };
                l.deliver(role, value, None, pos).map_err(fail)?;
            }
        }
    }
    Ok(Loaded {
        value: l.root,
        fields: l.fields,
        complex_key: l.complex_key,
    })
}

impl Loader {
    /// The role of a node starting at `pos` in the innermost collection; records the position
    /// of a scalar sequence item (a key's is recorded with its value, a collection's when it
    /// ends). Each path is built once and moved into the field index, never copied.
    fn role(&mut self, pos: Pos, container: bool) -> Role {
        match self.stack.last_mut() {
            None => Role::Root,
            Some(Frame::Map { key: None, .. }) => Role::Key,
            // A collection takes its key's path (recorded when it ends); a scalar's is
            // recorded when it is delivered.
            Some(Frame::Map {
                key: Some((_, path, at)),
                ..
            }) => match container {
                true => Role::Value(path.take().map(|p| (p, Some(*at)))),
                false => Role::Value(None),
            },
            Some(Frame::Seq { items, path, .. }) => {
                let Some((parent, _)) = path.as_ref() else {
                    return Role::Value(None);
                };
                let child = item_path(parent, items.len());
                if container {
                    Role::Value(Some((child, Some(pos))))
                } else {
                    self.fields.entry(child).or_insert(pos);
                    Role::Value(None)
                }
            }
        }
    }

    /// Hands a finished node to its collection. `text` is a scalar key's source text.
    fn deliver(
        &mut self,
        role: Role,
        value: Value,
        text: Option<&str>,
        pos: Pos,
    ) -> Result<(), String> {
        match role {
            Role::Root => {
                self.root = Some(value);
                Ok(())
            }
            Role::Key => {
                let Some(Frame::Map { path, key, map, .. }) = self.stack.last_mut() else {
                    return Err("a key outside a mapping".into());
                };
                let name = match value {
                    Value::String(s) => s,
                    Value::Null => "null".into(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                if map.contains_key(&name) {
                    return Err(format!("duplicate key {name:?}"));
                }
                // Complex keys have no path; neither does what sits under them.
                let child = match (text, path) {
                    (Some(_), Some((p, _))) => Some(push_key(p, &name)),
                    _ => None,
                };
                *key = Some((name, child, pos));
                Ok(())
            }
            Role::Value(_) => match self.stack.last_mut() {
                Some(Frame::Map {
                    map, key, merges, ..
                }) => {
                    let Some((name, path, at)) = key.take() else {
                        return Err("a value without a key".into());
                    };
                    // A scalar's (or alias's) path; a collection took its own.
                    if let Some(path) = path {
                        self.fields.entry(path).or_insert(at);
                    }
                    let line = at.line - self.offset;
                    if name == "<<" {
                        if !merges.is_empty() {
                            return Err("duplicate key \"<<\"".into());
                        }
                        merges.push((value, line));
                    } else {
                        map.insert(name, value);
                    }
                    Ok(())
                }
                Some(Frame::Seq { items, .. }) => {
                    items.push(value);
                    Ok(())
                }
                None => {
                    self.root = Some(value);
                    Ok(())
                }
            },
        }
    }
}

/// The path of item `i` of the sequence at `parent`.
fn item_path(parent: &str, i: usize) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(parent.len() + 8);
    s.push_str(parent);
    // Writing to a String cannot fail.
    let _ = write!(s, "[{i}]");
    s
}

/// Applies one `<<` value: a mapping, or a sequence of mappings; keys already present win.
fn merge(map: &mut Map<String, Value>, source: Value) -> Result<(), String> {
    let sources = match source {
        Value::Object(m) => vec![m],
        Value::Array(items) => items
            .into_iter()
            .map(|i| match i {
                Value::Object(m) => Ok(m),
                Value::Array(_) => Err("invalid merge key: a sequence inside a merge list".into()),
                _ => Err("invalid merge key: a scalar inside a merge list".into()),
            })
            .collect::<Result<_, String>>()?,
        _ => return Err("invalid merge key: expected a mapping or a list of mappings".into()),
    };
    for m in sources {
        for (k, v) in m {
            map.entry(k).or_insert(v);
        }
    }
    Ok(())
}

/// Nodes in a value, for the alias expansion budget.
fn count(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(count).sum::<usize>(),
        _ => 1,
    }
}

/// The value of one scalar (see the module docs for the rules).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let plain = style == ScalarStyle::Plain;
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        let bad = |what: &str| format!("invalid value {text:?}: expected {what}");
        return match tag.suffix.as_str() {
            "bool" => parse_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| bad("a boolean")),
            "int" => parse_int(text).ok_or_else(|| bad("an integer")),
            "float" => parse_float(text).ok_or_else(|| bad("a float")),
            "null" => is_null(text)
                .then_some(Value::Null)
                .ok_or_else(|| bad("null")),
            _ => Ok(Value::String(text.to_string())),
        };
    }
    if !plain {
        return Ok(Value::String(text.to_string()));
    }
    Ok(resolve_plain(text))
}

fn resolve_plain(text: &str) -> Value {
    if text.is_empty() || is_null(text) {
        return Value::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    // Only text that starts like a number can be one; most scalars are names and images.
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        if let Some(n) = parse_int(text) {
            return n;
        }
        if let Some(f) = parse_float(text) {
            return f;
        }
    }
    Value::String(text.to_string())
}

fn is_null(v: &str) -> bool {
    matches!(v, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits after a leading zero (`0644`, `-012`): a string in YAML 1.2, not an octal number.
fn leading_zero_digits(v: &str) -> bool {
    let d = v.strip_prefix(['-', '+']).unwrap_or(v);
    d.len() > 1 && d.starts_with('0') && d[1..].bytes().all(|b| b.is_ascii_digit())
}

/// An integer: decimal, `0x`, `0o` or `0b`, optionally signed. Values outside i64/u64 are left
/// to the float rule.
fn parse_int(v: &str) -> Option<Value> {
    let (negative, body) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    if body.starts_with(['+', '-']) || body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else {
        if leading_zero_digits(v) {
            return None;
        }
        (10, body)
    };
    // from_str_radix accepts a sign of its own; the sign was taken above.
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(Value::from(magnitude));
    }
    match magnitude {
        0 => Some(Value::from(0u64)),
        m if m <= i64::MAX as u64 + 1 => Some(Value::from((m as i64).wrapping_neg())),
        _ => None,
    }
}

/// A float, `.inf` or `.nan`. Infinities and NaN have no JSON number: they become the strings
/// `.inf`, `-.inf` and `.nan` (as they did through yaml_serde's value).
fn parse_float(v: &str) -> Option<Value> {
    if leading_zero_digits(v) {
        return None;
    }
    let (negative, body) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    if body.starts_with(['+', '-']) {
        return None;
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(Value::String(
            if negative { "-.inf" } else { ".inf" }.into(),
        ));
    }
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return Some(Value::String(".nan".into()));
    }
    // Rust also reads `inf` and `nan`; YAML does not, hence the finite check.
    let f: f64 = body.parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    serde_json::Number::from_f64(if negative { -f } else { f }).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(text: &str) -> Value {
        load(text, 1).unwrap().value.unwrap()
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let v = value(
            "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 0b101\nf: 0644\ng: 1.5\nh: 1e3\ni: .inf\nj: -.Inf\nk: .nan\nl: true\nm: False\nn: yes\no: ~\np:\nq: \"1\"\nr: '~'\ns: |\n  x\nt: +7\nu: inf\nv: 1_000\nw: -0\nx: 18446744073709551615\ny: 99999999999999999999\n",
        );
        assert_eq!(
            v,
            json!({"a": 1, "b": -2, "c": 31, "d": 15, "e": 5, "f": "0644", "g": 1.5, "h": 1000.0,
                   "i": ".inf", "j": "-.inf", "k": ".nan", "l": true, "m": false, "n": "yes",
                   "o": null, "p": null, "q": "1", "r": "~", "s": "x\n", "t": 7, "u": "inf",
                   "v": "1_000", "w": 0, "x": 18446744073709551615u64, "y": 1e20})
        );
    }

    #[test]
    fn tags_keys_anchors_and_merges() {
        let v = value(
            "a: !!str 12\nb: !Ref 12\nc: !Ref '12'\n80: http\ntrue: t\nbase: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nl:\n  <<: [{p: 1}, {p: 2, q: 2}]\nseq: &s [1, 2]\ncopy: *s\n",
        );
        assert_eq!(
            v,
            json!({"a": "12", "b": 12, "c": "12", "80": "http", "true": "t",
                   "base": {"x": 1, "y": 2}, "m": {"y": 3, "x": 1}, "l": {"p": 1, "q": 2},
                   "seq": [1, 2], "copy": [1, 2]})
        );
    }

    #[test]
    fn lines_of_keys_and_items() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a.b/c: x\nspec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: true\n  - name: d\n";
        let loaded = load(text, 10).unwrap();
        let f = &loaded.fields;
        assert_eq!(f["kind"].line, 11);
        assert_eq!(f["metadata.annotations[\"a.b/c\"]"].line, 15);
        assert_eq!(
            f["spec.containers[0]"],
            Pos {
                line: 18,
                column: 5
            }
        );
        assert_eq!(
            f["spec.containers[0].securityContext.privileged"],
            Pos {
                line: 20,
                column: 7
            }
        );
        assert_eq!(
            f["spec.containers[1].name"],
            Pos {
                line: 21,
                column: 5
            }
        );
    }

    #[test]
    fn lines_in_flow_style_and_after_complex_keys() {
        let text = "spec: {containers: [{name: a}, {name: b, image: x}]}\n? [a, b]\n: v\nz: 1\n";
        let f = load(text, 1).unwrap().fields;
        assert_eq!(
            f["spec.containers[1].image"],
            Pos {
                line: 1,
                column: 42
            }
        );
        assert_eq!(f["z"].line, 4);
    }

    #[test]
    fn complex_keys_are_flagged_and_have_no_path() {
        let loaded = load("? [a, b]\n: v\nname: {{ .Values.x }}\nz: 1\n", 1).unwrap();
        assert!(loaded.complex_key);
        assert_eq!(loaded.fields["z"].line, 4);
        let paths: Vec<&str> = loaded.fields.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            ["name", "z"],
            "nothing under a complex key has a path"
        );
    }

    #[test]
    fn bad_documents_name_their_line() {
        let err = |t: &str| load(t, 1).unwrap_err();
        assert_eq!(err("a: 1\na: 2\n").line, 2);
        assert!(err("a: 1\na: 2\n").message.contains("duplicate key \"a\""));
        assert!(err("a: !!int x\n").message.contains("an integer"));
        assert_eq!(err("a: 1\nb: [unclosed\nc: 2\n").line, 3);
        assert!(err("a: 1\n<<: 5\n").message.contains("merge"));
        assert!(err("a: *nothing\n").message.contains("anchor"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(err(&deep).message.contains("nesting"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        assert!(
            load(&text, 1)
                .unwrap_err()
                .message
                .contains("aliases expand")
        );
    }

    #[test]
    fn empty_and_comment_only_documents_have_no_value() {
        assert!(load("# only a comment\n", 1).unwrap().value.is_none());
        assert_eq!(load("---\n", 1).unwrap().value, Some(Value::Null));
    }
}
