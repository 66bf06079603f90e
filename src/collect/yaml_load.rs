//! One-pass YAML loader for manifests: builds the JSON value and the field line index of one
//! document from a single walk over saphyr-parser's events.
//!
//! Before, a document was parsed twice (yaml_serde for the value, saphyr-parser for the lines)
//! and then copied from yaml_serde's value into JSON; on a 1,000-resource cluster that was 43%
//! of a scan's instructions. Values mean what they mean to kubectl, which reads manifests with
//! sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) before the API server sees them: a check must judge
//! what the cluster will run, not another reading of the same text.
//!
//! * plain scalars resolve as go-yaml v2 resolves them: `null`/`~`/empty; the YAML 1.1
//!   booleans (`true`, `yes`, `on`, `y` and their `false` counterparts, three casings), so
//!   `privileged: on` is privileged; Go's integers (`0x`, `0o`, `0b`, a leading `0` for octal:
//!   `0644` is 420; underscores ignored); floats and `.inf`/`.nan`; everything else (timestamps
//!   included) is a string; quoted and block scalars are strings;
//! * `!!bool`, `!!int`, `!!float` and `!!null` must resolve as such (the error never quotes
//!   the value: it may be a secret), other core tags give strings; local tags (`!Ref x`) are
//!   dropped and the scalar resolves as if untagged;
//! * anchors and aliases, merge keys (`<<: *a`, `<<: [*a, *b]`; keys already present win);
//! * non-string keys become their text (`80: x` → `"80"`); a duplicate key is an error.
//!
//! Nesting is capped at 128 levels and alias expansion at [`MAX_EXPANDED`] nodes, so a hostile
//! document cannot exhaust the stack or memory. Content reached through an alias has no lines
//! of its own; lookups fall back to the alias (see `Location::pos_of`).

use crate::snapshot::Pos;
use crate::snapshot::push_key;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Deepest nesting accepted (yaml_serde's limit too).
const MAX_DEPTH: usize = 128;
/// Most nodes that aliases may copy into one document.
pub(crate) const MAX_EXPANDED: usize = 1_000_000;
/// Most bytes of text that aliases may copy into one document: a 1 MiB scalar behind 20,000
/// aliases is only 20,000 nodes, but 20 GiB.
pub(crate) const MAX_EXPANDED_BYTES: usize = 64 << 20;

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
    expanded_bytes: usize,
    offset: u32,
}

/// Re-indentations tried on one document before its error stands (each is a full re-parse).
const MAX_REINDENTS: usize = 64;

/// Loads `text` (one document; `first_line` is the file line of its first line).
///
/// A quoted scalar whose continuation lines are indented less than its block is an error to
/// the YAML spec and to saphyr, but kubectl's parser (go-yaml v2, like libyaml) reads it, and
/// reads it the same whatever the indentation: leading white space of a continuation line is
/// folded away. Such a document is read again with those lines indented, so Plimsoll accepts
/// what kubectl sends, no stricter, no looser (the value and every line number unchanged).
pub(crate) fn load(text: &str, first_line: u32) -> Result<Loaded, LoadError> {
    let mut fixed: Option<String> = None;
    for _ in 0..=MAX_REINDENTS {
        let current = fixed.as_deref().unwrap_or(text);
        let mut at = None;
        match (load_once(current, first_line, &mut at), at) {
            (Err(e), Some((line, col))) if e.message == QUOTED_INDENT => {
                match reindent_quoted(current, line, col) {
                    Some(t) => fixed = Some(t),
                    None => return Err(e),
                }
            }
            (result, _) => return result,
        }
    }
    load_once(fixed.as_deref().unwrap_or(text), first_line, &mut None)
}

/// saphyr's message for a quoted scalar's under-indented continuation line.
const QUOTED_INDENT: &str = "invalid indentation in quoted scalar";

/// `text` with the continuation lines of the quoted scalar that starts at `line` (1-based)
/// and character column `col` (0-based) indented past its opening quote. None when no quoted
/// scalar starts there or it never ends.
fn reindent_quoted(text: &str, line: usize, col: usize) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = lines.get(line.checked_sub(1)?)?;
    let mut chars = first.chars().skip(col);
    let quote = chars.next().filter(|c| *c == '"' || *c == '\'')?;
    let mut rest: String = chars.collect();
    let mut continuation = Vec::new();
    let mut i = line - 1;
    loop {
        let mut it = rest.chars().peekable();
        let mut closed = false;
        while let Some(c) = it.next() {
            match (quote, c) {
                ('"', '\\') => {
                    it.next();
                }
                ('\'', '\'') if it.peek() == Some(&'\'') => {
                    it.next();
                }
                (q, c) if c == q => {
                    closed = true;
                    break;
                }
                _ => {}
            }
        }
        if closed {
            break;
        }
        i += 1;
        rest = lines.get(i)?.to_string();
        continuation.push(i);
    }
    let pad = " ".repeat(col + 1);
    let mut out = String::with_capacity(text.len() + continuation.len() * pad.len());
    for (n, l) in lines.iter().enumerate() {
        if continuation.contains(&n) {
            out.push_str(&pad);
        }
        out.push_str(l);
    }
    Some(out)
}

/// One parse of `text`; a scanner error also sets `at` to its (line, column) for `load`'s
/// retry.
fn load_once(
    text: &str,
    first_line: u32,
    at: &mut Option<(usize, usize)>,
) -> Result<Loaded, LoadError> {
    let mut parser = Parser::new_from_str(text);
    let mut l = Loader {
        stack: Vec::new(),
        anchors: HashMap::new(),
        fields: BTreeMap::new(),
        root: None,
        complex_key: false,
        expanded: 0,
        expanded_bytes: 0,
        offset: first_line.saturating_sub(1),
    };
    let mut documents = 0;
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| {
            *at = Some((e.marker().line(), e.marker().col()));
            LoadError {
                line: e.marker().line() as u32,
                message: e.info().to_string(),
            }
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
                let (nodes, bytes) = count(anchored);
                l.expanded += nodes;
                l.expanded_bytes += bytes;
                if l.expanded > MAX_EXPANDED {
                    return Err(fail(format!(
                        "aliases expand to more than {MAX_EXPANDED} nodes"
                    )));
                }
                if l.expanded_bytes > MAX_EXPANDED_BYTES {
                    return Err(fail(format!(
                        "aliases expand to more than {} MiB of text",
                        MAX_EXPANDED_BYTES >> 20
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

/// Nodes and bytes of text (keys and strings) in a value, for the alias expansion budgets.
fn count(v: &Value) -> (usize, usize) {
    let add = |(n, b): (usize, usize), (n2, b2): (usize, usize)| (n + n2, b + b2);
    match v {
        Value::Array(items) => items.iter().map(count).fold((1, 0), add),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| add((0, k.len()), count(v)))
            .fold((1, 0), add),
        Value::String(s) => (1, s.len()),
        _ => (1, 8),
    }
}

/// The value of one scalar (see the module docs for the rules). Error messages never quote
/// the scalar: it may be a secret (a Secret's `stringData`, an env value).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let plain = style == ScalarStyle::Plain;
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        let suffix = tag.suffix.as_str();
        let bad = || format!("a value tagged !!{suffix} is not a valid {suffix}");
        let resolved = resolve(text);
        return match (suffix, &resolved) {
            ("bool", Value::Bool(_)) | ("int", Value::Number(_)) | ("null", Value::Null) => {
                Ok(resolved)
            }
            ("int", _) | ("bool", _) | ("null", _) => Err(bad()),
            ("float", Value::Number(n)) => Ok(n
                .as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or(resolved.clone(), Value::Number)),
            ("float", Value::String(s)) if matches!(s.as_str(), ".inf" | "-.inf" | ".nan") => {
                Ok(resolved)
            }
            ("float", _) => Err(bad()),
            _ => Ok(Value::String(text.to_string())),
        };
    }
    if !plain {
        return Ok(Value::String(text.to_string()));
    }
    Ok(resolve(text))
}

/// A plain scalar's value as go-yaml v2 resolves it (kubectl reads manifests with it, through
/// sigs.k8s.io/yaml): the YAML 1.1 booleans and nulls by name, then, for text that starts
/// like a number, Go's integer syntax (`0x`, `0o`, `0b`, a leading `0` for octal, underscores
/// ignored), then a float; anything else is a string. Timestamps stay strings, as they do on
/// their way to JSON.
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        // Infinities and NaN have no JSON number: they stay the strings they were.
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::String(".inf".into());
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::String("-.inf".into()),
        ".nan" | ".NaN" | ".NAN" => return Value::String(".nan".into()),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => finite(text).unwrap_or_else(|| Value::String(text.to_string())),
        b'0'..=b'9' | b'+' | b'-' => {
            let digits: std::borrow::Cow<'_, str> = match text.contains('_') {
                true => text.replace('_', "").into(),
                false => text.into(),
            };
            go_int(&digits)
                .or_else(|| is_float_syntax(&digits).then(|| finite(&digits)).flatten())
                .unwrap_or_else(|| Value::String(text.to_string()))
        }
        _ => Value::String(text.to_string()),
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: an optional sign, then
/// `0x`/`0o`/`0b` or a leading `0` (octal) or decimal digits. None if it is not one.
fn go_int(s: &str) -> Option<Value> {
    let (negative, signed, body) = match s.as_bytes().first()? {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = |p: &str| body.get(..2).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let (radix, digits) = if lower("0x") {
        (16, &body[2..])
    } else if lower("0o") {
        (8, &body[2..])
    } else if lower("0b") {
        (2, &body[2..])
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    // from_str_radix accepts a sign of its own; the sign was taken above.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    match (negative, magnitude) {
        (true, m) if m <= i64::MAX as u64 + 1 => Some(Value::from((m as i64).wrapping_neg())),
        (true, _) => None,
        (false, m) if m <= i64::MAX as u64 => Some(Value::from(m)),
        // ParseUint takes no sign: `+` and a value past i64 is left to the float rule.
        (false, m) => (!signed).then(|| Value::from(m)),
    }
}

/// go-yaml's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float_syntax(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(b);
    if i == 0 {
        // `.5`
        if b.first() != Some(&b'.') || digits(&b[1..]) == 0 {
            return false;
        }
        i = 1 + digits(&b[1..]);
    } else if b.get(i) == Some(&b'.') {
        i += 1 + digits(&b[i + 1..]);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let rest = &b[i + 1..];
        let rest = rest
            .strip_prefix(b"-")
            .or_else(|| rest.strip_prefix(b"+"))
            .unwrap_or(rest);
        let n = digits(rest);
        return n > 0 && n == rest.len();
    }
    i == b.len()
}

/// A finite float (Go's ParseFloat fails on overflow; Rust's also reads `inf` and `nan`).
fn finite(s: &str) -> Option<Value> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
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
            "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 0b101\nf: 0644\ng: 1.5\nh: 1e3\ni: .inf\nj: -.Inf\nk: .nan\nl: true\nm: False\nn1: yes\no: ~\np:\nq: \"1\"\nr: '~'\ns: |\n  x\nt: +7\nu: inf\nv: 1_000\nw: -0\nx: 18446744073709551615\ny1: 99999999999999999999\n",
        );
        assert_eq!(
            v,
            json!({"a": 1, "b": -2, "c": 31, "d": 15, "e": 5, "f": 420, "g": 1.5, "h": 1000.0,
                   "i": ".inf", "j": "-.inf", "k": ".nan", "l": true, "m": false, "n1": true,
                   "o": null, "p": null, "q": "1", "r": "~", "s": "x\n", "t": 7, "u": "inf",
                   "v": 1000, "w": 0, "x": 18446744073709551615u64, "y1": 1e20})
        );
    }

    #[test]
    fn yaml_1_1_values_as_kubectl_reads_them() {
        let v = value(
            "a: on\nb: Off\nc: y\nd: NO\ne: 08\nf: -0b101\ng: 0o17\nh: .5\ni: 1e999\nj: 2001-12-14\nk: 1:20\nl: +18446744073709551615\nm: 0x\nn1: 1_0.5\no: !!bool yes\np: !!float 1\nq: !!int 0644\nr: 'on'\nyes: key\ns: 0B11\nt: -9223372036854775808\n",
        );
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": true, "d": false, "e": 8.0, "f": -5, "g": 15,
                   "h": 0.5, "i": "1e999", "j": "2001-12-14", "k": "1:20",
                   "l": 18446744073709551615.0, "m": "0x", "n1": 10.5, "o": true, "p": 1.0,
                   "q": 420, "r": "on", "true": "key", "s": 3, "t": i64::MIN})
        );
    }

    #[test]
    fn bad_tagged_values_are_not_quoted() {
        for (text, tag) in [
            ("a: !!int hunter2\n", "int"),
            ("a: !!bool hunter2\n", "bool"),
            ("a: !!float hunter2\n", "float"),
            ("a: !!null hunter2\n", "null"),
        ] {
            let e = load(text, 1).unwrap_err();
            assert!(!e.message.contains("hunter2"), "{}", e.message);
            assert!(e.message.contains(tag), "{}", e.message);
        }
    }

    #[test]
    fn tags_keys_anchors_and_merges() {
        let v = value(
            "a: !!str 12\nb: !Ref 12\nc: !Ref '12'\n80: http\ntrue: t\nbase: &b {x: 1, yy: 2}\nm:\n  <<: *b\n  yy: 3\nl:\n  <<: [{p: 1}, {p: 2, q: 2}]\nseq: &s [1, 2]\ncopy: *s\n",
        );
        assert_eq!(
            v,
            json!({"a": "12", "b": 12, "c": "12", "80": "http", "true": "t",
                   "base": {"x": 1, "yy": 2}, "m": {"yy": 3, "x": 1}, "l": {"p": 1, "q": 2},
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
        assert!(err("a: !!int x\n").message.contains("!!int"));
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
    fn alias_text_bombs_are_refused() {
        // 2 MiB behind 40 aliases: few nodes, 80 MiB of copies.
        let mut text = format!("a: &big {}\nl:\n", "x".repeat(2 << 20));
        for _ in 0..40 {
            text.push_str("- *big\n");
        }
        let e = load(&text, 1).unwrap_err();
        assert!(e.message.contains("MiB of text"), "{}", e.message);
        // Within the budget, aliases are expanded as before.
        let ok = format!("a: &s {}\nl: [*s, *s]\n", "x".repeat(1000));
        assert_eq!(value(&ok)["l"][1].as_str().map(str::len), Some(1000));
    }

    #[test]
    fn empty_and_comment_only_documents_have_no_value() {
        assert!(load("# only a comment\n", 1).unwrap().value.is_none());
        assert_eq!(load("---\n", 1).unwrap().value, Some(Value::Null));
    }

    /// kubectl's parser reads a quoted scalar whose continuation lines are indented less than
    /// its list item; so does Plimsoll, with the same value and lines.
    #[test]
    fn under_indented_quoted_continuations_read_as_kubectl_reads_them() {
        for (text, want) in [
            (
                "args:\n- \"first line\n continued \\\"here\\\"\"\nafter: 1\n",
                "first line continued \"here\"",
            ),
            ("a:\n  b:\n  - 'it''s\n x'\n  c: 2\n", "it's x"),
        ] {
            let loaded = load(text, 1).unwrap_or_else(|e| panic!("{text:?}: {}", e.message));
            let root = loaded.value.unwrap();
            let value = root.pointer("/args/0").or_else(|| root.pointer("/a/b/0"));
            assert_eq!(value.and_then(|v| v.as_str()), Some(want), "{text:?}");
        }
        let loaded = load("args:\n- \"x\n y\"\nafter: 1\n", 1).unwrap();
        assert_eq!(loaded.fields.get("after").map(|p| p.line), Some(4));
        // Never closed: still an error.
        assert!(load("args:\n- \"x\n y\n", 1).is_err());
    }
}
