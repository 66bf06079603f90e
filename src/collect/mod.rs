//! Collectors: all network and file I/O happens here, and nothing here evaluates. Each
//! collector turns a source into [`Resource`](crate::snapshot::Resource)s plus
//! [`CollectionIssue`](crate::snapshot::CollectionIssue)s inside a
//! [`Snapshot`](crate::snapshot::Snapshot).

pub mod aws;
pub mod containerd;
pub mod docker;
pub mod host;
pub mod kubernetes;
pub mod manifests;
pub(crate) mod yaml_load;

pub use manifests::{CollectError, collect_inputs};
