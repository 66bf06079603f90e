//! The resource envelope: one shape for every collected object, so one selection mechanism
//! (`source/Kind`, e.g. `kubernetes/Deployment`) serves every collector.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The platform a resource belongs to. Policies select resources by `source/kind`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Kubernetes objects, from manifests or a live cluster.
    Kubernetes,
    /// Amazon EKS control-plane objects.
    Eks,
    /// Amazon ECS objects.
    Ecs,
    /// Amazon ECR objects.
    Ecr,
    /// Docker Engine objects.
    Docker,
    /// containerd objects.
    Containerd,
    /// Host files and processes.
    Host,
}

impl Source {
    /// The name used in selectors and ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Kubernetes => "kubernetes",
            Source::Eks => "eks",
            Source::Ecs => "ecs",
            Source::Ecr => "ecr",
            Source::Docker => "docker",
            Source::Containerd => "containerd",
            Source::Host => "host",
        }
    }
}

/// Where a resource came from in a file (manifests only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The file as given on the command line (or `-` for stdin).
    pub file: String,
    /// 1-based line where the resource's document (or `kind: List` item) starts.
    pub line: u32,
    /// Line and column of each field, keyed by the path policies use
    /// (`spec.containers[0].securityContext.privileged`). Lets findings point at the
    /// offending field instead of the top of the document.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Pos>,
}

/// A 1-based line and column in a file. Serialised as `[line, column]`; a bare line number
/// (snapshots written before columns were recorded) reads as column 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

impl Pos {
    /// A position at the start of `line`.
    pub fn line(line: u32) -> Pos {
        Pos { line, column: 1 }
    }
}

impl Serialize for Pos {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.line, self.column).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Pos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Line(u32),
            LineColumn(u32, u32),
        }
        Ok(match Repr::deserialize(d)? {
            Repr::Line(line) => Pos::line(line),
            Repr::LineColumn(line, column) => Pos { line, column },
        })
    }
}

impl Location {
    /// The position of `path`, or of its closest ancestor present in the file (a missing field
    /// is reported at the object that should contain it), or the document line.
    pub fn pos_of(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.fields.get(p) {
                return *pos;
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return Pos::line(self.line),
            }
        }
    }
}

/// `a.b[0].c` -> `a.b[0]` -> `a.b` -> `a` -> None. Bracketed keys (`a["x.y"]`) are one segment.
pub(crate) fn parent_path(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    let mut depth = 0i32;
    let mut in_quotes = false;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'"' => in_quotes = !in_quotes,
            b']' if !in_quotes => depth += 1,
            b'[' if !in_quotes => {
                depth -= 1;
                if depth == 0 {
                    return if i == 0 { None } else { Some(&path[..i]) };
                }
            }
            b'.' if !in_quotes && depth == 0 => return Some(&path[..i]),
            _ => {}
        }
    }
    None
}

/// One collected object in the common envelope. The object's own body (`apiVersion`, `kind`,
/// `metadata`, `spec`, ...) is kept as-is, after redaction, alongside Plimsoll's `id`, `source`
/// and `location`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Resource {
    /// Stable id: the same object gets the same id on every run (drift and fingerprints rely
    /// on it). Never contains a Kubernetes uid or a container id alone.
    pub id: String,
    /// The platform.
    pub source: Source,
    /// File location, for manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Why the object could not be read as the cluster would read it (a field of the wrong
    /// type, see `snapshot::shape`): every check on it is NOT_ASSESSED, never PASS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// Parts of the body a collector could not read (a per-resource call was refused,
    /// throttled or failed), by body path (`data.repositoryPolicy`), with the reason. The field
    /// itself is left out of the body; checks that declare it in `needs` are NOT_ASSESSED on
    /// this resource, every other check is judged as usual.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gaps: BTreeMap<String, String>,
    /// The object body.
    #[serde(flatten)]
    pub object: serde_json::Map<String, serde_json::Value>,
}

/// The parts of a body that waivers and reports read, kept by an [`Assessed`] resource in one
/// allocation: `apiVersion`, `kind`, `metadata.name` and `metadata.namespace` as one text, and
/// Plimsoll's own annotations when there are any. A streamed scan holds 100,000s of these; as
/// JSON maps they took about 900 bytes each.
#[derive(Debug, Clone, PartialEq)]
struct Head {
    /// The four texts one after another.
    text: Box<str>,
    /// Where `kind`, `name` and `namespace` start in `text`.
    starts: [u32; 3],
    /// `metadata.annotations` with only `plimsoll.io/...` keys; None when there are none.
    annotations: Option<Box<serde_json::Map<String, serde_json::Value>>>,
}

impl Head {
    fn part(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.starts[i - 1] as usize,
        };
        let end = self.starts.get(i).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }
}

/// The parts of a judged resource's body the state store needs: its digest, and the body as
/// JSON (stored once per digest, and compared field by field when the digest changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Retained {
    /// The body's digest (`drift::digest`).
    pub digest: String,
    /// The body, serialised; None when the store already holds it (the digest is that of the
    /// previous run of the scope).
    pub body: Option<Body>,
}

/// A resource body as JSON text, held LZ4-compressed until the store writes it: a scope's
/// first run keeps every body from the evaluation to the record (10,000 Deployments: 11 MB
/// of JSON, about half that compressed). The store and the spool see the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Body(Box<[u8]>);

/// A body that does not decompress: memory damaged, never an input (bodies are compressed
/// here, from the JSON this process wrote).
#[derive(Debug, thiserror::Error)]
#[error("a resource body held in memory does not decompress: {0}")]
pub struct BodyError(String);

impl Body {
    /// The body of this JSON text: its length (little-endian u32, as lz4_flex prepends it)
    /// and its LZ4 block, compressed into the thread's scratch buffer and copied out at its
    /// size (a vector sized for the worst case and shrunk was often left in place by the
    /// allocator, keeping the room it had asked for).
    pub fn new(json: &str) -> Body {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let input = json.as_bytes();
        SCRATCH.with_borrow_mut(|out| {
            let room = 4 + lz4_flex::block::get_maximum_output_size(input.len());
            if out.len() < room {
                out.resize(room, 0);
            }
            let size = u32::try_from(input.len()).ok();
            match (size, lz4_flex::block::compress_into(input, &mut out[4..])) {
                (Some(size), Ok(n)) => {
                    out[..4].copy_from_slice(&size.to_le_bytes());
                    Body(Box::from(&out[..4 + n]))
                }
                // Over 4 GiB, or a buffer too small (it is sized for the worst case): the
                // crate's own allocating form.
                _ => Body(lz4_flex::block::compress_prepend_size(input).into_boxed_slice()),
            }
        })
    }

    /// The body of a resource's object: its JSON written into the thread's buffer, then
    /// compressed (one allocation a body, of about half its size).
    pub fn of(object: &serde_json::Map<String, serde_json::Value>) -> Body {
        thread_local! {
            static JSON: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        JSON.with_borrow_mut(|buf| {
            buf.clear();
            // A map of JSON values always serialises; were it not to, the body is empty, as
            // `to_string(..).unwrap_or_default()` gave.
            if serde_json::to_writer(&mut *buf, object).is_err() {
                buf.clear();
            }
            Body::new(std::str::from_utf8(buf).unwrap_or_default())
        })
    }

    /// The JSON text.
    pub fn text(&self) -> Result<String, BodyError> {
        let bytes = lz4_flex::block::decompress_size_prepended(&self.0)
            .map_err(|e| BodyError(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| BodyError(e.to_string()))
    }

    /// The bytes it takes compressed.
    pub fn compressed_len(&self) -> usize {
        self.0.len()
    }
}

impl From<&str> for Body {
    fn from(json: &str) -> Body {
        Body::new(json)
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes compressed)", self.0.len())
    }
}

/// As its JSON text (the spool keeps a run's bodies as text).
impl serde::Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.text().map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }
}

impl<'de> serde::Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Body, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Body::new(&text))
    }
}

impl Resource {
    /// Why `check_needs` cannot be judged on this resource: the first needed body path that a
    /// collector recorded as unreadable, or that is absent from the body (a response without
    /// the field says nothing about it). None when every needed path is there.
    pub fn missing(&self, check_needs: &[String]) -> Option<String> {
        check_needs.iter().find_map(|path| {
            if let Some(why) = self.gaps.get(path) {
                return Some(format!("{path} could not be read: {why}"));
            }
            let mut parts = path.split('.');
            let first = parts.next()?;
            let mut at = self.object.get(first);
            for p in parts {
                at = at.and_then(|v| v.get(p));
            }
            at.is_none()
                .then(|| format!("the collected object has no {path}"))
        })
    }

    /// Builds a resource without a file location.
    pub fn new(
        id: String,
        source: Source,
        object: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        Resource {
            id,
            source,
            location: None,
            unreadable: None,
            gaps: BTreeMap::new(),
            object,
        }
    }

    /// The resource once judged: its body dropped, keeping what waivers, reports and the state
    /// store read (see [`Assessed`]). The positions of its findings' fields must have been
    /// resolved before (`Violation::pos`): the field positions go with the body.
    pub fn assess(self, retained: Option<Retained>) -> Assessed {
        let parts = [
            self.api_version(),
            self.kind(),
            self.name(),
            self.namespace().unwrap_or(""),
        ];
        let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut starts = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                starts[i - 1] = text.len() as u32;
            }
            text.push_str(p);
        }
        let annotations = self.annotations().and_then(|a| {
            let kept: serde_json::Map<String, serde_json::Value> = a
                .iter()
                .filter(|(k, _)| k.starts_with("plimsoll.io/"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!kept.is_empty()).then(|| Box::new(kept))
        });
        let head = Head {
            text: text.into_boxed_str(),
            starts,
            annotations,
        };
        Assessed {
            origin: self.location.map(|l| Origin {
                file: l.file,
                line: l.line,
            }),
            id: self.id,
            source: self.source,
            head,
            retained: retained.map(Box::new),
        }
    }

    /// `metadata.annotations`, if there are any.
    pub fn annotations(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.object
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.as_object())
            .filter(|a| !a.is_empty())
    }

    fn str_field(&self, key: &str) -> &str {
        self.object.get(key).and_then(|v| v.as_str()).unwrap_or("")
    }

    fn metadata_str(&self, key: &str) -> Option<&str> {
        self.object
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(|v| v.as_str())
    }

    /// The object's kind (`Deployment`), or empty.
    pub fn kind(&self) -> &str {
        self.str_field("kind")
    }

    /// The object's `apiVersion`, or empty.
    pub fn api_version(&self) -> &str {
        self.str_field("apiVersion")
    }

    /// `metadata.name`, or empty.
    pub fn name(&self) -> &str {
        self.metadata_str("name").unwrap_or("")
    }

    /// `metadata.namespace`, if set.
    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace").filter(|s| !s.is_empty())
    }

    /// The selector policies use: `kubernetes/Deployment`.
    pub fn selector(&self) -> String {
        format!("{}/{}", self.source.as_str(), self.kind())
    }
}

/// Where a judged resource's document starts in its file (manifests only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file as given on the command line (or `-` for stdin).
    pub file: String,
    /// 1-based line where the document (or `kind: List` item) starts.
    pub line: u32,
}

/// A resource after evaluation ([`Resource::assess`]): what waivers, reports and the state
/// store read of it, without its body. A type of its own so that nothing after evaluation can
/// read a body that is no longer there: a streamed scan holds 100,000s of these, and an empty
/// body read by mistake would answer "no such field" about every resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    /// Stable id ([`Resource::id`]); duplicates within files get a `~N` suffix.
    pub id: String,
    /// The platform.
    pub source: Source,
    /// File and line, for manifests (field positions are resolved into the findings).
    pub origin: Option<Origin>,
    /// `apiVersion`, `kind`, name, namespace and Plimsoll's annotations.
    head: Head,
    /// The body's digest and JSON, kept when a state store records the run.
    pub retained: Option<Box<Retained>>,
}

impl Assessed {
    /// The object's kind (`Deployment`), or empty.
    pub fn kind(&self) -> &str {
        self.head.part(1)
    }

    /// The object's `apiVersion`, or empty.
    pub fn api_version(&self) -> &str {
        self.head.part(0)
    }

    /// `metadata.name`, or empty.
    pub fn name(&self) -> &str {
        self.head.part(2)
    }

    /// `metadata.namespace`, if set.
    pub fn namespace(&self) -> Option<&str> {
        Some(self.head.part(3)).filter(|s| !s.is_empty())
    }

    /// Plimsoll's own annotations (`plimsoll.io/...`: waivers), if there are any.
    pub fn annotations(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.head.annotations.as_deref()
    }

    /// The selector policies use: `kubernetes/Deployment`.
    pub fn selector(&self) -> String {
        format!("{}/{}", self.source.as_str(), self.kind())
    }
}

/// What sorting and de-duplicating read of both forms of a resource.
pub trait Identified {
    /// The resource id.
    fn id(&self) -> &str;
    /// Gives the resource another id (duplicates within files: `~N`).
    fn set_id(&mut self, id: String);
    /// The file and line it came from, for manifests.
    fn file_line(&self) -> Option<(&str, u32)>;
}

impl Identified for Resource {
    fn id(&self) -> &str {
        &self.id
    }
    fn set_id(&mut self, id: String) {
        self.id = id;
    }
    fn file_line(&self) -> Option<(&str, u32)> {
        self.location.as_ref().map(|l| (l.file.as_str(), l.line))
    }
}

impl Identified for Assessed {
    fn id(&self) -> &str {
        &self.id
    }
    fn set_id(&mut self, id: String) {
        self.id = id;
    }
    fn file_line(&self) -> Option<(&str, u32)> {
        self.origin.as_ref().map(|o| (o.file.as_str(), o.line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_held_compressed_and_read_and_spooled_as_its_text() {
        let json = serde_json::json!({
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web", "tier": "frontend"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "a", "image": "x:1", "securityContext": {"privileged": false}},
                {"name": "b", "image": "x:1", "securityContext": {"privileged": false}}
            ]}}}
        })
        .to_string();
        let body = Body::new(&json);
        assert_eq!(body.text().unwrap(), json);
        assert!(body.compressed_len() < json.len(), "{body:?}");
        // The spool's JSON holds the text, as it did before bodies were compressed.
        let spooled = serde_json::to_string(&Some(&body)).unwrap();
        assert_eq!(spooled, serde_json::to_string(&json).unwrap());
        let back: Body = serde_json::from_str(&spooled).unwrap();
        assert_eq!(back, body);
        assert_eq!(Body::new("").text().unwrap(), "");
        // Damaged bytes are an error, not some other text.
        assert!(
            Body(vec![9, 0, 0, 0, 0xff].into_boxed_slice())
                .text()
                .is_err()
        );
    }

    #[test]
    fn an_assessed_resource_keeps_what_reports_and_waivers_read() {
        let body = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "labels": {"a": "b"},
                "annotations": {"plimsoll.io/waive": "PLM-1: ok", "other": "x"}},
            "spec": {"replicas": 2}
        });
        let serde_json::Value::Object(object) = body else {
            unreachable!()
        };
        let mut r = Resource::new("k/Deployment/shop/web".into(), Source::Kubernetes, object);
        r.location = Some(Location {
            file: "f.yaml".into(),
            line: 3,
            fields: BTreeMap::from([("spec".to_string(), Pos::line(9))]),
        });
        let a = r.clone().assess(None);
        assert_eq!(a.file_line(), Some(("f.yaml", 3)));
        assert_eq!(
            (a.id(), r.id()),
            ("k/Deployment/shop/web", "k/Deployment/shop/web")
        );
        assert_eq!(a.api_version(), r.api_version());
        assert_eq!(a.api_version(), "apps/v1");
        assert_eq!((a.kind(), r.kind()), ("Deployment", "Deployment"));
        assert_eq!((a.name(), r.name()), ("web", "web"));
        assert_eq!((a.namespace(), r.namespace()), (Some("shop"), Some("shop")));
        assert_eq!(a.selector(), r.selector());
        assert_eq!(r.annotations().map(|m| m.len()), Some(2));
        let kept = a.annotations().unwrap();
        assert_eq!(kept.len(), 1, "only Plimsoll's own annotations are kept");
        assert_eq!(kept["plimsoll.io/waive"], "PLM-1: ok");
        let stored = Retained {
            digest: "d".into(),
            body: Some(Body::new("{}")),
        };
        assert_eq!(
            r.assess(Some(stored.clone())).retained.as_deref(),
            Some(&stored)
        );
        // A resource without apiVersion, namespace or annotations.
        let bare = Resource::new(
            "x".into(),
            Source::Kubernetes,
            serde_json::from_str(r#"{"kind":"Namespace","metadata":{"name":"n"}}"#).unwrap(),
        )
        .assess(None);
        assert_eq!(
            (bare.kind(), bare.name(), bare.api_version()),
            ("Namespace", "n", "")
        );
        assert_eq!(bare.namespace(), None);
        assert!(bare.annotations().is_none() && bare.file_line().is_none());
    }

    #[test]
    fn parent_path_walks_segments() {
        assert_eq!(parent_path("a.b[0].c"), Some("a.b[0]"));
        assert_eq!(parent_path("a.b[0]"), Some("a.b"));
        assert_eq!(parent_path("a.b"), Some("a"));
        assert_eq!(parent_path("a"), None);
        assert_eq!(
            parent_path(r#"metadata.annotations["a.b/c"]"#),
            Some("metadata.annotations")
        );
    }

    #[test]
    fn line_of_falls_back_to_closest_ancestor() {
        let mut loc = Location {
            file: "f".into(),
            line: 1,
            fields: BTreeMap::new(),
        };
        loc.fields.insert("spec".into(), Pos::line(5));
        loc.fields
            .insert("spec.containers[0]".into(), Pos { line: 8, column: 5 });
        assert_eq!(
            loc.pos_of("spec.containers[0].resources.limits"),
            Pos { line: 8, column: 5 }
        );
        assert_eq!(loc.pos_of("spec.volumes").line, 5);
        assert_eq!(loc.pos_of("status"), Pos::line(1));
        let json = serde_json::to_string(&loc.fields).unwrap();
        assert_eq!(json, r#"{"spec":[5,1],"spec.containers[0]":[8,5]}"#);
        let old: BTreeMap<String, Pos> = serde_json::from_str(r#"{"spec":5}"#).unwrap();
        assert_eq!(old["spec"], Pos::line(5));
    }
}
