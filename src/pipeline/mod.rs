//! The scan pipeline as a library: a validated [`Plan`] in, a [`Scanned`] report out.
//!
//! A command builds a plan from its flags and `plimsoll.yaml` (`app/scan.rs`, `app/waivers.rs`)
//! and calls [`run`]; nothing here knows about clap. The stages are functions a reader can
//! find, in order:
//!
//! 1. [`collect::live`]: the live sources (clusters, engines, AWS, host files) into a snapshot;
//! 2. [`evaluate::run`]: file inputs streamed in chunks, every resource judged by the prepared
//!    engine (`engine::Prepared::judge`), which turns each [`Resource`](crate::snapshot::Resource)
//!    into its bodiless judged form ([`Assessed`](crate::snapshot::Assessed)); resources put in
//!    their final order;
//! 3. waivers decided (`waiver::Waivers::decide_all`), then the report model built once from
//!    complete inputs (`report::build`: findings, waiver usage, the compliance roll-up, the
//!    baseline comparison); drift against the state store compared (`drift::compare`, which
//!    needs the built findings), then the gate counted once ([`gate::failing_at_threshold`]);
//! 4. [`gate::exit_code`]: what the finished report means for the exit status.
//!
//! Writing the outputs and recording the run in the store stay with the command: they are
//! about where this run is shown and kept, not what it found.

pub mod collect;
pub mod evaluate;
pub mod gate;
pub mod select;

use crate::benchmark::Benchmarks;
use crate::collect::aws::AwsOptions;
use crate::collect::containerd::ContainerdOptions;
use crate::collect::docker::DockerOptions;
use crate::collect::kubernetes::ClusterOptions;
use crate::config::{Config, FailOn};
use crate::drift::store::Store;
use crate::engine::EvalOptions;
use crate::policy::Catalogue;
use crate::report::baseline::Baseline;
use crate::waiver::Waivers;
use std::path::PathBuf;

pub use evaluate::{Scanned, run};
pub use select::Selection;

/// An error that stops a run, by whose fault: the request (2) or the input (3).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A usage, configuration or policy problem (exit 2).
    #[error(transparent)]
    Usage(Box<dyn std::error::Error + Send + Sync>),
    /// Input that could not be read (exit 3).
    #[error(transparent)]
    Input(Box<dyn std::error::Error + Send + Sync>),
}

/// Where resources come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Manifest and snapshot files, directories, `-` for standard input.
    pub inputs: Vec<String>,
    /// Live Kubernetes clusters (read when [`ClusterOptions::wanted`]); also how the EKS
    /// clusters of `aws` are read with `include_kubernetes`.
    pub cluster: ClusterOptions,
    /// A Docker (or Podman) engine.
    pub docker: Option<DockerOptions>,
    /// A containerd daemon.
    pub containerd: Option<ContainerdOptions>,
    /// An AWS account.
    pub aws: Option<AwsOptions>,
    /// Host files under this root (the CIS Docker host section).
    pub host_root: Option<PathBuf>,
}

impl Sources {
    /// Whether anything live is read (a cluster, an engine, an account, a host): what run
    /// history is kept for by default. Files alone are not: their drift is their diff.
    pub fn live(&self) -> bool {
        self.cluster.wanted()
            || self.docker.is_some()
            || self.containerd.is_some()
            || self.aws.is_some()
            || self.host_root.is_some()
    }
}

/// Everything a run needs, validated: the configuration file is parsed once, the catalogue
/// loaded and checked against it, the checks chosen, parameters merged, waivers and baseline
/// read. Building one can fail (exit 2); running one only on its input.
pub struct Plan {
    /// `plimsoll.yaml` (or the defaults), validated against the catalogue.
    pub config: Config,
    /// The checks known (built-in and `--policies`), severities remapped by the configuration.
    pub catalogue: Catalogue,
    /// The benchmark definitions.
    pub benchmarks: Benchmarks,
    /// What to read.
    pub sources: Sources,
    /// The checks that run and those left out with a reason.
    pub selection: Selection,
    /// `--benchmark`: roll findings up per control of this benchmark, at `level`.
    pub benchmark: Option<(String, u8)>,
    /// Time limit, parameters (`data.config`) and engine of the evaluation.
    pub eval: EvalOptions,
    /// The waivers in force today.
    pub waivers: Waivers,
    /// What fails the run.
    pub fail_on: FailOn,
    /// A previous report whose findings are not new.
    pub baseline: Option<Baseline>,
    /// The state store: drift against the previous run of the same scope (and, without a
    /// baseline, which findings are new). The command records the run after its outputs.
    pub store: Option<Store>,
    /// The store is out of reach: the run is prepared for recording (the command spools it)
    /// without comparing, and the report carries no drift.
    pub record_offline: bool,
    /// Keep every passing (check, resource) pair, for JUnit's test cases; else they are counted.
    pub keep_passes: bool,
    /// Keep every resource's body (JSON) in the judged snapshot, as a store's run does
    /// (`plimsoll fix --format json-patch` patches the bodies of live resources).
    pub keep_bodies: bool,
    /// The process exits after this run (the CLI): its large intermediate values are left to
    /// the operating system instead of being freed one allocation at a time.
    pub ends_process: bool,
    /// Which namespaces' Kubernetes objects are judged (`-n`, `--exclude-namespace`).
    pub namespaces: Namespaces,
}

/// `-n/--namespace` and `--exclude-namespace`: the namespaces whose Kubernetes objects a run
/// judges. Objects of other namespaces are not judged nor counted as scanned, but stay in the
/// inventory cross-resource checks read; a Namespace object belongs to the namespace it
/// names; other cluster-scoped objects and other sources are always judged.
#[derive(Debug, Default)]
pub struct Namespaces {
    /// Keep only these (empty: every namespace).
    pub include: Vec<globset::GlobMatcher>,
    /// Never these.
    pub exclude: Vec<globset::GlobMatcher>,
}

impl Namespaces {
    /// The filter the flags describe; a pattern that does not compile is a usage error.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Namespaces, PipelineError> {
        let compile = |flag: &str, list: &[String]| {
            list.iter()
                .map(|p| {
                    crate::config::pattern_matcher(p)
                        .map_err(|e| PipelineError::Usage(format!("{flag} {p}: {e}").into()))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Namespaces {
            include: compile("--namespace", include)?,
            exclude: compile("--exclude-namespace", exclude)?,
        })
    }

    /// Whether nothing is filtered.
    pub fn all(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether `r` is judged.
    pub fn keeps(&self, r: &crate::snapshot::Resource) -> bool {
        if r.source != crate::snapshot::Source::Kubernetes {
            return true;
        }
        let ns = match (r.kind(), r.namespace()) {
            ("Namespace", _) => r.name(),
            (_, Some(ns)) => ns,
            (_, None) => return true,
        };
        let any = crate::config::any_match;
        (self.include.is_empty() || any(&self.include, ns)) && !any(&self.exclude, ns)
    }
}
