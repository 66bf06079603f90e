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

/// Collects every live source of `sources` into one snapshot (`plimsoll collect`): the parts of
/// [`live_parts`] merged.
pub fn live(sources: &Sources) -> Result<Snapshot, PipelineError> {
    let mut snapshot = Snapshot::default();
    for part in live_parts(sources)? {
        snapshot.merge(part);
    }
    Ok(snapshot)
}

/// Collects every live source of `sources`, concurrently on one async runtime (each source
/// also reads its own parts concurrently), and merges them in a fixed order so the snapshot
/// does not depend on which answered first. One part, unless several AWS accounts were read:
/// then each account is a part of its own (a scope with its own checks and history), after the
/// part of everything else (left out when there is nothing else, files included).
pub fn live_parts(sources: &Sources) -> Result<Vec<Snapshot>, PipelineError> {
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
    let (clusters, engine, daemon, accounts) = if wanted {
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
                        Some(o) => Some(accounts_and_clusters(o, cluster).await),
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
    let mut accounts = accounts
        .transpose()
        .map_err(Fault::into_pipeline)?
        .unwrap_or_default();
    // A cluster, engine or containerd that gave nothing but errors ends the run, unless
    // something else is input: files, host facts, or what another source read.
    let parts = [clusters.as_ref(), engine.as_ref(), daemon.as_ref()];
    let read = |s: Option<&Snapshot>| s.is_some_and(|s| !s.resources.is_empty());
    let accounts_read = accounts.iter().any(|a| read(Some(a)));
    for (i, part) in parts.iter().enumerate() {
        if let Some(part) = part {
            let others = has_inputs
                || sources.host_root.is_some()
                || accounts_read
                || parts
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && read(*other));
            nothing_collected(part, others)?;
        }
    }
    // So does every account, when none of them (nor anything else) could be read.
    let others = has_inputs || sources.host_root.is_some() || parts.iter().any(|p| read(*p));
    for account in &accounts {
        nothing_collected(account, others || accounts_read)?;
    }
    let mut snapshot = Snapshot::default();
    for part in [clusters, engine, daemon].into_iter().flatten() {
        snapshot.merge(part);
    }
    if accounts.len() == 1
        && let Some(account) = accounts.pop()
    {
        snapshot.merge(account);
    }
    if let Some(root) = &sources.host_root {
        snapshot.merge(crate::collect::host::collect(root));
    }
    let empty = snapshot.sources.is_empty()
        && snapshot.resources.is_empty()
        && snapshot.issues.is_empty()
        && !has_inputs;
    let mut out = Vec::with_capacity(accounts.len() + 1);
    if !empty || accounts.is_empty() {
        out.push(snapshot);
    }
    out.extend(accounts);
    Ok(out)
}

/// The AWS accounts, each then (with `include_kubernetes`) with the API of each of its EKS
/// clusters, read as a kubeconfig context would be: one snapshot per account.
async fn accounts_and_clusters(
    opts: &crate::collect::aws::AwsOptions,
    cluster: &kubernetes::ClusterOptions,
) -> Result<Vec<Snapshot>, crate::collect::aws::AwsError> {
    let mut out = Vec::new();
    for account in crate::collect::aws::collect(opts).await? {
        let mut snapshot = account.snapshot;
        if !account.clusters.is_empty() {
            snapshot.merge(kubernetes::collect_targets(account.clusters, cluster).await);
        }
        out.push(snapshot);
    }
    Ok(out)
}
