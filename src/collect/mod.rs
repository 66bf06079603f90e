//! Collectors: all network and file I/O happens here, and nothing here evaluates. Each
//! collector turns a source into [`Resource`](crate::snapshot::Resource)s plus
//! [`CollectionIssue`](crate::snapshot::CollectionIssue)s inside a
//! [`Snapshot`](crate::snapshot::Snapshot).

pub mod aws;
pub mod containerd;
pub(crate) mod containerd_api;
pub mod docker;
pub mod host;
pub mod kubernetes;
pub mod manifests;
pub(crate) mod yaml_load;

pub use manifests::{CollectError, collect_inputs};

/// The progress lines every collector of a run draws on stderr, as one set: the live sources
/// are read at the same time, and bars drawn on their own overwrote each other's line.
pub(crate) fn progress() -> &'static indicatif::MultiProgress {
    static BARS: std::sync::OnceLock<indicatif::MultiProgress> = std::sync::OnceLock::new();
    BARS.get_or_init(indicatif::MultiProgress::new)
}

/// A collector's own record type as the JSON body of a resource. The record types are plain
/// data with string keys, which serde_json always serialises; `null` is only the type
/// system's other branch.
pub(crate) fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
