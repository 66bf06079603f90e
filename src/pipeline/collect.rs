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

/// Collects every live source of `sources`, concurrently on one async runtime (each source
/// also reads its own parts concurrently), and merges them in a fixed order so the snapshot
/// does not depend on which answered first. `has_inputs`: files were given too, so a live
/// source that yields nothing is not the end of the run.
pub fn live(sources: &Sources) -> Result<Snapshot, PipelineError> {
    let has_inputs = !sources.inputs.is_empty();
    let cluster = &sources.cluster;
    // Checked before anything is read: a wrong path fails in a moment, not after a cluster.
    if let Some(root) = &sources.host_root
        && !root.is_dir()
    {
        return Err(PipelineError::Input(
            format!("--host-root {}: not a directory", root.display()).into(),
        ));
    }
    let wanted = cluster.wanted()
        || sources.docker.is_some()
        || sources.containerd.is_some()
        || sources.aws.is_some();
    let (clusters, engine, daemon, account) = if wanted {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| {
                PipelineError::Input(format!("cannot start the collectors' runtime: {e}").into())
            })?;
        runtime.block_on(async {
            tokio::join!(
                async {
                    match cluster.wanted() {
                        true => Some(kubernetes::collect(cluster).await),
                        false => None,
                    }
                },
                async {
                    match &sources.docker {
                        Some(o) => Some(crate::collect::docker::collect(o).await),
                        None => None,
                    }
                },
                async {
                    match &sources.containerd {
                        Some(o) => Some(crate::collect::containerd::collect(o).await),
                        None => None,
                    }
                },
                async {
                    match &sources.aws {
                        Some(o) => Some(account_and_clusters(o, cluster).await),
                        None => None,
                    }
                },
            )
        })
    } else {
        (None, None, None, None)
    };

    // Errors first, in a fixed order (clusters, engine, containerd, account): the same one
    // wins whichever source answered first.
    let clusters = clusters.transpose().map_err(Fault::into_pipeline)?;
    let engine = engine.transpose().map_err(Fault::into_pipeline)?;
    let daemon = daemon.transpose().map_err(Fault::into_pipeline)?;
    let account = account.transpose().map_err(Fault::into_pipeline)?;
    // A cluster, engine or containerd that gave nothing but errors ends the run, unless
    // something else is input: files, host facts, or what another source read.
    let parts = [clusters.as_ref(), engine.as_ref(), daemon.as_ref()];
    let read = |s: Option<&Snapshot>| s.is_some_and(|s| !s.resources.is_empty());
    for (i, part) in parts.iter().enumerate() {
        if let Some(part) = part {
            let others = has_inputs
                || sources.host_root.is_some()
                || read(account.as_ref())
                || parts
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && read(*other));
            nothing_collected(part, others)?;
        }
    }
    let mut snapshot = Snapshot::default();
    for part in [clusters, engine, daemon, account].into_iter().flatten() {
        snapshot.merge(part);
    }
    if let Some(root) = &sources.host_root {
        snapshot.merge(crate::collect::host::collect(root));
    }
    Ok(snapshot)
}

/// An AWS account, then (with `include_kubernetes`) the API of each of its EKS clusters, read
/// as a kubeconfig context would be.
async fn account_and_clusters(
    opts: &crate::collect::aws::AwsOptions,
    cluster: &kubernetes::ClusterOptions,
) -> Result<Snapshot, crate::collect::aws::AwsError> {
    let account = crate::collect::aws::collect(opts).await?;
    let mut snapshot = account.snapshot;
    if !account.clusters.is_empty() {
        snapshot.merge(kubernetes::collect_targets(account.clusters, cluster).await);
    }
    Ok(snapshot)
}
