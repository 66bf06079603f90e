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

/// Keeps the entries of `map` whose key passes `keep`, in a map of just their size (`retain`
/// would keep the body's capacity, and 100,000s of shrunk resources are held).
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
    /// What drift needs of the body once it is dropped ([`Resource::shrink`]); never
    /// serialised.
    #[serde(skip)]
    pub retained: Option<Box<Retained>>,
    /// What a shrunk resource keeps of its body ([`Resource::shrink`]), which is then empty;
    /// never serialised.
    #[serde(skip)]
    head: Option<Head>,
}

/// The parts of a body that waivers and reports read, kept by a shrunk resource in one
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

/// The parts of a shrunk resource's body the state store needs: its digest, and the body as
/// JSON (stored once per digest, and compared field by field when the digest changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Retained {
    /// The body's digest (`drift::digest`).
    pub digest: String,
    /// The body, serialised.
    pub body: String,
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
            retained: None,
            head: None,
        }
    }

    /// Drops the body of a judged resource, keeping what waivers and reports read: the id,
    /// source, file and line, `apiVersion`, `kind`, and of `metadata` the name, namespace and
    /// Plimsoll's own annotations (`plimsoll.io/...`, waivers), in a compact [`Head`]. The
    /// positions of its findings' fields must have been resolved before (`Violation::pos`). A
    /// streamed scan holds 100,000s of resources this way instead of their bodies and the
    /// position of every field.
    pub fn shrink(&mut self) {
        if self.head.is_none() {
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
            self.head = Some(Head {
                text: text.into_boxed_str(),
                starts,
                annotations,
            });
        }
        self.object = serde_json::Map::new();
        if let Some(l) = &mut self.location {
            l.fields = BTreeMap::new();
        }
    }

    /// Whether [`Resource::shrink`] dropped the body.
    pub fn is_shrunk(&self) -> bool {
        self.head.is_some()
    }

    /// `metadata.annotations`, if there are any (a shrunk resource keeps only Plimsoll's).
    pub fn annotations(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        match &self.head {
            Some(h) => h.annotations.as_deref(),
            None => self
                .object
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.as_object()),
        }
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
        match &self.head {
            Some(h) => h.part(1),
            None => self.str_field("kind"),
        }
    }

    /// The object's `apiVersion`, or empty.
    pub fn api_version(&self) -> &str {
        match &self.head {
            Some(h) => h.part(0),
            None => self.str_field("apiVersion"),
        }
    }

    /// `metadata.name`, or empty.
    pub fn name(&self) -> &str {
        match &self.head {
            Some(h) => h.part(2),
            None => self.metadata_str("name").unwrap_or(""),
        }
    }

    /// `metadata.namespace`, if set.
    pub fn namespace(&self) -> Option<&str> {
        match &self.head {
            Some(h) => Some(h.part(3)),
            None => self.metadata_str("namespace"),
        }
        .filter(|s| !s.is_empty())
    }

    /// The selector policies use: `kubernetes/Deployment`.
    pub fn selector(&self) -> String {
        format!("{}/{}", self.source.as_str(), self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shrunk_resource_keeps_what_reports_and_waivers_read() {
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
        let before = r.clone();
        r.shrink();
        assert!(r.is_shrunk() && !before.is_shrunk());
        assert!(r.object.is_empty());
        assert!(r.location.as_ref().unwrap().fields.is_empty());
        assert_eq!(r.location.as_ref().unwrap().line, 3);
        for x in [&before, &r] {
            assert_eq!(x.api_version(), "apps/v1");
            assert_eq!(x.kind(), "Deployment");
            assert_eq!(x.name(), "web");
            assert_eq!(x.namespace(), Some("shop"));
            assert_eq!(x.selector(), "kubernetes/Deployment");
        }
        let kept = r.annotations().unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept["plimsoll.io/waive"], "PLM-1: ok");
        // Shrinking twice changes nothing; a resource without namespace or annotations.
        let once = r.clone();
        r.shrink();
        assert_eq!(r, once);
        let mut bare = Resource::new(
            "x".into(),
            Source::Kubernetes,
            serde_json::from_str(r#"{"kind":"Namespace","metadata":{"name":"n"}}"#).unwrap(),
        );
        bare.shrink();
        assert_eq!(
            (bare.kind(), bare.name(), bare.api_version()),
            ("Namespace", "n", "")
        );
        assert_eq!(bare.namespace(), None);
        assert!(bare.annotations().is_none());
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
