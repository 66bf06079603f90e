//! Stage 1, collect: the live sources a plan names (clusters, Docker, containerd, AWS, host
//! files), into one snapshot. File inputs are streamed by the evaluation stage
//! (`collect/manifests/stream.rs`), not read here.

use super::{PipelineError, Sources};
use crate::collect::kubernetes;
use crate::snapshot::Snapshot;

/// Fails the run when a source was the only input and gave nothing but errors: a report of
/// zero resources would read as a clean bill of health.
fn nothing_collected(part: &Snapshot, others: bool) -> Result<(), PipelineError> {
    if !others && part.resources.is_empty() && part.has_errors() {
        let messages: Vec<&str> = part.issues.iter().map(|i| i.message.as_str()).collect();
        return Err(PipelineError::Input(
            format!("nothing could be collected: {}", messages.join("; ")).into(),
        ));
    }
    Ok(())
}

/// Collects every live source of `sources`. `has_inputs`: files were given too, so a live
/// source that yields nothing is not the end of the run.
pub fn live(sources: &Sources) -> Result<Snapshot, PipelineError> {
    let has_inputs = !sources.inputs.is_empty();
    let mut snapshot = Snapshot::default();
    let cluster = &sources.cluster;
    if cluster.wanted() {
        use kubernetes::ClusterError;
        let live = kubernetes::collect(cluster).map_err(|e| match e {
            ClusterError::Config(_) => PipelineError::Usage(e.into()),
            ClusterError::Runtime(_) => PipelineError::Input(e.into()),
        })?;
        nothing_collected(&live, has_inputs)?;
        snapshot.merge(live);
    }
    if let Some(opts) = &sources.docker {
        use crate::collect::docker::{self as dk, DockerError};
        let engine = dk::collect(opts).map_err(|e| match e {
            DockerError::Config { .. } => PipelineError::Usage(e.into()),
            DockerError::Runtime(_) => PipelineError::Input(e.into()),
        })?;
        // Host facts (--host-root) are collected after the engine: they are input too.
        let others = has_inputs || !snapshot.resources.is_empty() || sources.host_root.is_some();
        nothing_collected(&engine, others)?;
        snapshot.merge(engine);
    }
    if let Some(opts) = &sources.containerd {
        use crate::collect::containerd::{self as ctd, ContainerdError};
        let daemon = ctd::collect(opts).map_err(|e| match e {
            ContainerdError::Namespace(_) => PipelineError::Usage(e.into()),
            ContainerdError::Runtime(_) => PipelineError::Input(e.into()),
        })?;
        let others = has_inputs || !snapshot.resources.is_empty() || sources.host_root.is_some();
        nothing_collected(&daemon, others)?;
        snapshot.merge(daemon);
    }
    if let Some(opts) = &sources.aws {
        use crate::collect::aws::{self as a, AwsError};
        let account = a::collect(opts).map_err(|e| match e {
            AwsError::Config(_) => PipelineError::Usage(e.into()),
            AwsError::Credentials(_) | AwsError::Runtime(_) => PipelineError::Input(e.into()),
        })?;
        snapshot.merge(account.snapshot);
        if !account.clusters.is_empty() {
            // Each EKS cluster's API, read as a kubeconfig context would be.
            let live = kubernetes::collect_targets(account.clusters, cluster)
                .map_err(|e| PipelineError::Input(e.into()))?;
            snapshot.merge(live);
        }
    }
    if let Some(root) = &sources.host_root {
        if !root.is_dir() {
            return Err(PipelineError::Input(
                format!("--host-root {}: not a directory", root.display()).into(),
            ));
        }
        snapshot.merge(crate::collect::host::collect(root));
    }
    Ok(snapshot)
}
