//! Plimsoll: a compliance scanner for container platforms.
//!
//! A scan is a pipeline of pure stages joined by plain data (see `docs/architecture.md`):
//! collectors produce a [`snapshot::Snapshot`], the [`engine`] evaluates it against the
//! [`policy`] catalogue, [`compliance`] rolls findings up per benchmark control, and the
//! [`report`] writers render one frozen report model. The binary in `main.rs` is a thin shell
//! around [`app`].

pub mod app;
pub mod benchmark;
pub mod cases;
pub mod cli;
pub mod collect;
pub mod compliance;
pub mod config;
pub mod deliver;
pub mod drift;
pub mod embedded;
pub mod engine;
pub mod exit;
pub mod finding;
pub mod fix;
pub mod memory;
pub mod net;
pub mod output;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod snapshot;
pub mod text;
pub mod waiver;

/// The tool version reported in snapshots and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The project's home, for SARIF `informationUri` and links into `docs/`.
pub const HOMEPAGE: &str = env!("CARGO_PKG_REPOSITORY");

/// Link to a check's entry in the generated `docs/checks.md`.
pub fn check_doc_url(id: &str) -> String {
    format!(
        "{HOMEPAGE}/blob/main/docs/checks.md#{}",
        id.to_ascii_lowercase()
    )
}
