//! Stage 1, collect: the live sources a plan names (clusters, Docker, containerd, AWS, host
//! files), into one snapshot. File inputs are streamed by the evaluation stage
//! (`collect/manifests/stream.rs`), not read here.

use super::{PipelineError, Sources};
use crate::collect::kubernetes;
use crate::snapshot::Snapshot;

/// Whose fault a collector's error is: the request (a bad flag or configuration: exit 2) or
/// the input (unreachable, refused, unreadable: exit 3). One implementation per collector
/// error type, so the mapping is stated once per collector, next to its variants.
trait Fault: std::error::Error + Send + Sync + Sized + 'static {
    fn is_usage(&self) -> bool;

    fn into_pipeline(self) -> PipelineError {
        match self.is_usage() {
            true => PipelineError::Usage(self.into()),
            false => PipelineError::Input(self.into()),
        }
    }
}

impl Fault for kubernetes::ClusterError {
    fn is_usage(&self) -> bool {
        matches!(self, kubernetes::ClusterError::Config(_))
    }
}

impl Fault for crate::collect::docker::DockerError {
    fn is_usage(&self) -> bool {
        matches!(self, crate::collect::docker::DockerError::Config { .. })
    }
}

impl Fault for crate::collect::containerd::ContainerdError {
    fn is_usage(&self) -> bool {
        matches!(
            self,
            crate::collect::containerd::ContainerdError::Namespace(_)
        )
    }
}

impl Fault for crate::collect::aws::AwsError {
    fn is_usage(&self) -> bool {
        matches!(self, crate::collect::aws::AwsError::Config(_))
    }
}

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
        let live = kubernetes::collect(cluster).map_err(Fault::into_pipeline)?;
        nothing_collected(&live, has_inputs)?;
        snapshot.merge(live);
    }
    if let Some(opts) = &sources.docker {
        let engine = crate::collect::docker::collect(opts).map_err(Fault::into_pipeline)?;
        // Host facts (--host-root) are collected after the engine: they are input too.
        let others = has_inputs || !snapshot.resources.is_empty() || sources.host_root.is_some();
        nothing_collected(&engine, others)?;
        snapshot.merge(engine);
    }
    if let Some(opts) = &sources.containerd {
        let daemon = crate::collect::containerd::collect(opts).map_err(Fault::into_pipeline)?;
        let others = has_inputs || !snapshot.resources.is_empty() || sources.host_root.is_some();
        nothing_collected(&daemon, others)?;
        snapshot.merge(daemon);
    }
    if let Some(opts) = &sources.aws {
        let account = crate::collect::aws::collect(opts).map_err(Fault::into_pipeline)?;
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
