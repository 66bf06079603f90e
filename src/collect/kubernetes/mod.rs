//! Live Kubernetes clusters: kubeconfig contexts or the in-cluster service account.
//!
//! Per cluster: `/version` first (an unreachable server, rejected credentials or a TLS failure
//! stop that cluster with one clear issue instead of one per kind), then every kind in
//! [`kinds::KINDS`] listed page by page with bounded concurrency, pods last so pods owned by a
//! collected controller are folded into it as their pages arrive (a finding on a pod template
//! is reported once, on the Deployment or CronJob, not once per replica), then each node's
//! kubelet configuration through `nodes/{name}/proxy/configz`.
//!
//! A 403 on a list is not a failed run: it becomes a collection issue naming the kind, checks
//! that need that kind report NOT_ASSESSED with the reason, and everything else is evaluated.

mod exec;
mod fetch;
pub(crate) mod kinds;

use crate::collect::manifests::object_id;
use crate::snapshot::{
    CollectionIssue, IssueLevel, Resource, Snapshot, Source, SourceInfo, redact_kubernetes,
};
use fetch::{FetchError, Fetcher, Stats, chain as error_chain};
use futures::StreamExt;
use kinds::{KINDS, KUBELET_API_VERSION, KUBELET_KIND, KindSpec, POD_OWNERS, SINGLE_OBJECTS};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What to collect from, and how hard to push the API server.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Kubeconfig file; default: `KUBECONFIG` (several files merged) or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// Contexts to scan; default: the current context.
    pub contexts: Vec<String>,
    /// Scan every context in the kubeconfig.
    pub all_contexts: bool,
    /// Use the pod's service account instead of a kubeconfig.
    pub in_cluster: bool,
    /// Name used in resource ids instead of the context name (one cluster only).
    pub cluster_name: Option<String>,
    /// Time limit for one request.
    pub request_timeout: Duration,
    /// Objects per list page.
    pub page_size: u32,
    /// Largest answer read from the API server (`--max-response-mib`).
    pub max_response_bytes: u64,
    /// Lists (and configz reads) in flight at once.
    pub concurrency: usize,
    /// Retries of a request after 429, 5xx or a transport failure.
    pub retries: u32,
    /// First retry delay (doubles each retry).
    pub backoff: Duration,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// Scan the default kubeconfig's current context though no flag named a cluster (a scan
    /// given no input at all, as kubectl would).
    pub current_context: bool,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            kubeconfig: None,
            contexts: Vec::new(),
            all_contexts: false,
            in_cluster: false,
            cluster_name: None,
            request_timeout: Duration::from_secs(30),
            page_size: 500,
            max_response_bytes: fetch::MAX_RESPONSE_BYTES,
            concurrency: 4,
            retries: 4,
            backoff: Duration::from_millis(250),
            progress: false,
            current_context: false,
        }
    }
}

impl ClusterOptions {
    /// True if any live-cluster flag was given.
    pub fn wanted(&self) -> bool {
        self.kubeconfig.is_some()
            || !self.contexts.is_empty()
            || self.all_contexts
            || self.in_cluster
            || self.current_context
    }
}

/// Problems that stop collection before any cluster is contacted.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The kubeconfig or the context selection is wrong.
    #[error("{0}")]
    Config(String),
}

/// Makes a target's connection settings usable right before it is contacted: signs a
/// short-lived credential (an EKS token is valid for 15 minutes), so it is fresh however long
/// the clusters before it took.
pub type Prepare = Box<dyn FnOnce(&mut kube::Config) -> Result<(), String> + Send>;

/// One cluster to collect: a kubeconfig context, the in-cluster service account, or a cluster
/// another collector discovered (an EKS cluster of an AWS account).
pub struct Target {
    /// The id scope (`k8s/<scope>/...`).
    pub scope: String,
    /// How messages name it (`context prod`).
    pub label: String,
    /// Connection settings, or why they could not be built.
    pub config: Result<kube::Config, String>,
    /// Run just before connecting; an error is recorded like an unreachable server.
    pub prepare: Option<Prepare>,
    /// What to do when the server rejects the credentials (401), where the kubeconfig advice
    /// does not fit (an EKS token is refused when the principal has no access to the cluster).
    pub unauthorized_hint: Option<String>,
}

/// Collects every requested cluster into one snapshot. Per-cluster failures (unreachable,
/// rejected credentials) are recorded as error issues and the other clusters still collected.
pub async fn collect(opts: &ClusterOptions) -> Result<Snapshot, ClusterError> {
    let targets = resolve_targets(opts).await?;
    Ok(collect_all(targets, opts).await)
}

/// Collects clusters another collector found (EKS clusters of an AWS account), with the same
/// settings and the same handling of failures as kubeconfig contexts.
pub async fn collect_targets(targets: Vec<Target>, opts: &ClusterOptions) -> Snapshot {
    collect_all(targets, opts).await
}

/// The clusters one after the other (each already reads its kinds concurrently). When several
/// are scanned, one that cannot be read leaves its kinds partly collected, not missing: the
/// checks still judge the clusters that were read (their failures are reported), and cannot
/// pass.
async fn collect_all(targets: Vec<Target>, opts: &ClusterOptions) -> Snapshot {
    let several = targets.len() > 1;
    let mut snapshot = Snapshot::default();
    for target in targets {
        snapshot.merge(collect_target(target, opts).await);
    }
    if several {
        for i in snapshot.issues.iter_mut().filter(|i| !i.kinds.is_empty()) {
            i.partial = true;
        }
    }
    snapshot
}

/// Turns the flags into targets, the way kubectl resolves a kubeconfig.
async fn resolve_targets(opts: &ClusterOptions) -> Result<Vec<Target>, ClusterError> {
    if opts.in_cluster {
        let config = kube::Config::incluster().map_err(|e| {
            ClusterError::Config(format!(
                "--in-cluster: no service account environment ({e}); run inside a pod, or use --kubeconfig"
            ))
        })?;
        let scope = opts
            .cluster_name
            .clone()
            .unwrap_or_else(|| "in-cluster".into());
        return Ok(vec![Target {
            label: format!("cluster {scope} (in-cluster service account)"),
            scope,
            config: Ok(config),
            prepare: None,
            unauthorized_hint: None,
        }]);
    }
    let (kubeconfig, origin) = match &opts.kubeconfig {
        Some(path) => (
            kube::config::Kubeconfig::read_from(path).map_err(|e| {
                ClusterError::Config(format!(
                    "kubeconfig {}: {}",
                    path.display(),
                    error_chain(&e)
                ))
            })?,
            path.display().to_string(),
        ),
        None => (
            kube::config::Kubeconfig::read().map_err(|e| {
                ClusterError::Config(format!(
                    "cannot load a kubeconfig from KUBECONFIG or ~/.kube/config: {}",
                    error_chain(&e)
                ))
            })?,
            std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
        ),
    };
    let available: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    let names: Vec<String> = if opts.all_contexts {
        if available.is_empty() {
            return Err(ClusterError::Config(format!(
                "kubeconfig {origin} has no contexts"
            )));
        }
        available.clone()
    } else if !opts.contexts.is_empty() {
        for c in &opts.contexts {
            if !available.contains(c) {
                return Err(ClusterError::Config(format!(
                    "context {c:?} is not in kubeconfig {origin} (contexts: {})",
                    if available.is_empty() {
                        "none".into()
                    } else {
                        available.join(", ")
                    }
                )));
            }
        }
        let mut names = opts.contexts.clone();
        names.dedup();
        names
    } else {
        match &kubeconfig.current_context {
            Some(c) if !c.is_empty() => vec![c.clone()],
            _ => {
                return Err(ClusterError::Config(format!(
                    "kubeconfig {origin} has no current-context; pass --context NAME or --all-contexts"
                )));
            }
        }
    };
    if opts.cluster_name.is_some() && names.len() > 1 {
        return Err(ClusterError::Config(
            "--cluster-name names one cluster; it cannot be used with several contexts".into(),
        ));
    }
    let mut targets = Vec::new();
    for name in names {
        let options = kube::config::KubeConfigOptions {
            context: Some(name.clone()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
            .await
            .map_err(|e| error_chain(&e));
        let scope = opts
            .cluster_name
            .clone()
            .unwrap_or_else(|| name.replace('/', ":"));
        targets.push(Target {
            label: format!("context {name}"),
            scope,
            config,
            prepare: None,
            unauthorized_hint: None,
        });
    }
    Ok(targets)
}

fn issue(level: IssueLevel, message: String, kinds: Vec<String>) -> CollectionIssue {
    CollectionIssue {
        kinds,
        ..CollectionIssue::new("kubernetes", level, message, &[], false)
    }
}

fn progress_bar(opts: &ClusterOptions, label: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !opts.progress || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = crate::collect::progress().add(indicatif::ProgressBar::new_spinner());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
    {
        bar.set_style(style);
    }
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The `controller: true` owner's uid.
fn controller_uid(obj: &Map<String, Value>) -> Option<&str> {
    obj.get("metadata")?
        .get("ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))?
        .get("uid")?
        .as_str()
}

fn uid(obj: &Map<String, Value>) -> Option<&str> {
    obj.get("metadata")?.get("uid")?.as_str()
}

fn name_of(obj: &Map<String, Value>) -> &str {
    obj.get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// A list's kept objects and how many the server sent, or why it failed.
type ListResult = Result<(Vec<Map<String, Value>>, usize), FetchError>;

/// One kind the collector reads, for documentation and the RBAC in `deploy/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedKind {
    /// API group (empty: core).
    pub group: &'static str,
    /// Resource name in RBAC rules and URLs.
    pub resource: &'static str,
    /// Listed in this namespace only (a Role grants it); None: cluster-wide.
    pub namespace: Option<&'static str>,
    /// Kind.
    pub kind: &'static str,
    /// Why it is read.
    pub purpose: &'static str,
}

/// Every API resource the collector reads with `list` (plus `get nodes/proxy` for configz
/// and `get` on the objects it reads whole), for docs and the least-privilege ClusterRole.
pub fn collected_kinds() -> Vec<CollectedKind> {
    KINDS
        .iter()
        .map(|k| CollectedKind {
            group: k.group,
            resource: k.plural,
            namespace: k.namespace,
            kind: k.kind,
            purpose: k.purpose,
        })
        .collect()
}

/// Objects of one kind, as listed.
struct Listed {
    spec: &'static KindSpec,
    objects: Vec<Map<String, Value>>,
}

/// A client for a target's configuration: its preparation run, exec credentials resolved,
/// our timeouts set. The error is one line.
async fn connect(
    config: Result<kube::Config, String>,
    prepare: Option<Prepare>,
    opts: &ClusterOptions,
) -> Result<kube::Client, String> {
    let mut c = config.map_err(|e| format!("invalid kubeconfig context: {e}"))?;
    if let Some(prepare) = prepare {
        prepare(&mut c)?;
    }
    exec::resolve(&mut c, opts.request_timeout).await?;
    // Our own per-request timeout (fetch.rs) fires first with a clear message; the client's
    // read timeout is only a backstop.
    c.read_timeout = Some(opts.request_timeout + Duration::from_secs(5));
    c.connect_timeout = Some(opts.request_timeout.min(Duration::from_secs(10)));
    // Retries are ours: counted, logged, and also applied to 500 and transport errors.
    c.default_retry = false;
    kube::Client::try_from(c).map_err(|e| format!("cannot build a client: {}", error_chain(&e)))
}

/// A client for each cluster `opts` names, connected as the collector connects: for writing
/// back to the clusters a scan read (policy reports). (label, client or why not).
pub async fn clients(
    opts: &ClusterOptions,
) -> Result<Vec<(String, Result<kube::Client, String>)>, ClusterError> {
    let mut out = Vec::new();
    for t in resolve_targets(opts).await? {
        let client = connect(t.config, t.prepare, opts).await;
        out.push((t.label, client));
    }
    Ok(out)
}

async fn collect_target(target: Target, opts: &ClusterOptions) -> Snapshot {
    let started = Instant::now();
    let mut snapshot = Snapshot::default();
    let mut attributes = BTreeMap::new();
    attributes.insert("scope".to_string(), target.scope.clone());
    let all_kinds = kinds::all_selectors();
    let fatal = |snapshot: &mut Snapshot, attributes: BTreeMap<String, String>, message: String| {
        snapshot.sources.push(SourceInfo {
            collector: "kubernetes".into(),
            target: target.label.clone(),
            attributes,
        });
        snapshot.issues.push(issue(
            IssueLevel::Error,
            format!("{}: {message}", target.label),
            all_kinds.clone(),
        ));
    };
    if let Ok(c) = &target.config {
        attributes.insert("server".into(), c.cluster_url.to_string());
    }
    let client = match connect(target.config, target.prepare, opts).await {
        Ok(c) => c,
        Err(e) => {
            fatal(&mut snapshot, attributes, e);
            return snapshot;
        }
    };
    let fetcher = Fetcher {
        client,
        timeout: opts.request_timeout,
        max_bytes: opts.max_response_bytes,
        retries: opts.retries,
        backoff: opts.backoff,
        stats: Stats::default(),
    };
    let bar = progress_bar(opts, &target.label);
    bar.set_message("connecting");

    // One probe first: if the server cannot be reached or rejects us, say so once.
    match fetcher.get("/version", "application/json").await {
        Ok(text) => {
            if let Some(v) = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
                v.get("gitVersion")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            }) {
                attributes.insert("version".into(), v);
            }
        }
        Err(e) => {
            bar.finish_and_clear();
            let message = match (&e, &target.unauthorized_hint) {
                (
                    FetchError::Api {
                        code: 401, message, ..
                    },
                    Some(hint),
                ) => {
                    format!("the API server rejected the credentials (401 {message}): {hint}")
                }
                _ => e.describe(),
            };
            fatal(&mut snapshot, attributes, message);
            return snapshot;
        }
    }

    let listed_objects = AtomicUsize::new(0);
    let kinds_done = AtomicUsize::new(0);
    let total_kinds = KINDS.len();
    let on_page = |n: usize| {
        let total = listed_objects.fetch_add(n, Ordering::Relaxed) + n;
        bar.set_message(format!(
            "listing: {}/{total_kinds} kinds, {total} objects",
            kinds_done.load(Ordering::Relaxed)
        ));
    };
    let keep_all = |_: &Map<String, Value>| true;

    // Phase 1: every kind but pods, concurrently.
    let (pod_spec, controllers): (Vec<&'static KindSpec>, Vec<&'static KindSpec>) =
        KINDS.iter().partition(|k| k.kind == "Pod");
    let results: Vec<(&'static KindSpec, ListResult)> = futures::stream::iter(controllers)
        .map(|spec| {
            let fetcher = &fetcher;
            let on_page = &on_page;
            let kinds_done = &kinds_done;
            async move {
                let r = fetcher.list(spec, opts.page_size, &keep_all, on_page).await;
                kinds_done.fetch_add(1, Ordering::Relaxed);
                (spec, r)
            }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;

    let mut listed: Vec<Listed> = Vec::new();
    let mut failed_kinds: HashSet<&str> = HashSet::new();
    for (spec, result) in results {
        match result {
            Ok((objects, _)) => listed.push(Listed { spec, objects }),
            Err(e) => {
                failed_kinds.insert(spec.kind);
                if let Some(i) = list_issue(&target.label, spec, &e) {
                    snapshot.issues.push(i);
                } else {
                    listed.push(Listed {
                        spec,
                        objects: Vec::new(),
                    });
                }
            }
        }
    }

    // Phase 2: pods; those owned by a collected controller are dropped as pages arrive.
    let owner_uids: HashSet<String> = listed
        .iter()
        .filter(|l| POD_OWNERS.contains(&l.spec.kind))
        .flat_map(|l| l.objects.iter().filter_map(uid).map(str::to_string))
        .collect();
    let pods_seen;
    let mut pods_kept = 0;
    {
        let keep = |pod: &Map<String, Value>| {
            controller_uid(pod).is_none_or(|owner| !owner_uids.contains(owner))
        };
        let spec = pod_spec[0];
        match fetcher.list(spec, opts.page_size, &keep, &on_page).await {
            Ok((objects, seen)) => {
                pods_seen = seen;
                pods_kept = objects.len();
                listed.push(Listed { spec, objects });
            }
            Err(e) => {
                pods_seen = 0;
                if let Some(i) = list_issue(&target.label, spec, &e) {
                    snapshot.issues.push(i);
                }
            }
        }
        kinds_done.fetch_add(1, Ordering::Relaxed);
    }
    attributes.insert("pods".into(), pods_seen.to_string());
    attributes.insert(
        "podsReportedViaOwners".into(),
        (pods_seen - pods_kept).to_string(),
    );

    // Fold ReplicaSets into Deployments and Jobs into CronJobs the same way.
    let parent_uids: HashSet<String> = listed
        .iter()
        .filter(|l| matches!(l.spec.kind, "Deployment" | "CronJob"))
        .flat_map(|l| l.objects.iter().filter_map(uid).map(str::to_string))
        .collect();
    for l in listed
        .iter_mut()
        .filter(|l| matches!(l.spec.kind, "ReplicaSet" | "Job"))
    {
        l.objects
            .retain(|o| controller_uid(o).is_none_or(|owner| !parent_uids.contains(owner)));
    }

    // Objects fetched whole beyond metadata-only lists (aws-auth on EKS).
    for (ns, plural, name) in SINGLE_OBJECTS {
        let Some(spec) = KINDS.iter().find(|k| k.plural == *plural) else {
            continue;
        };
        if failed_kinds.contains(spec.kind) {
            continue;
        }
        let path = format!("/api/v1/namespaces/{ns}/{plural}/{name}");
        match fetcher.get(&path, "application/json").await {
            Ok(text) => match serde_json::from_str::<Map<String, Value>>(&text) {
                Ok(obj) => {
                    if let Some(l) = listed.iter_mut().find(|l| l.spec.kind == spec.kind) {
                        l.objects.retain(|o| {
                            !(name_of(o) == *name
                                && o.get("metadata").and_then(|m| m.get("namespace"))
                                    == Some(&Value::String((*ns).to_string())))
                        });
                        l.objects.push(obj);
                    }
                }
                Err(e) => tracing::warn!("{}: {path}: {e}", target.label),
            },
            Err(FetchError::Api { code: 404, .. }) => {}
            Err(e) => snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!(
                    "{}: cannot read {ns}/{name}: {}",
                    target.label,
                    e.describe()
                ),
                Vec::new(),
            )),
        }
    }

    // Phase 3: kubelet configuration of each node.
    let mut resources: Vec<Resource> = Vec::new();
    if failed_kinds.contains("Node") {
        snapshot.issues.push(issue(
            IssueLevel::Warning,
            format!(
                "{}: kubelet configuration not read: the node list is not available",
                target.label
            ),
            vec![format!("kubernetes/{KUBELET_KIND}")],
        ));
    } else {
        let nodes: Vec<String> = listed
            .iter()
            .filter(|l| l.spec.kind == "Node")
            .flat_map(|l| l.objects.iter())
            .filter(|n| !is_fargate(n))
            .map(|n| name_of(n).to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let (kubelets, issues) =
            read_kubelets(&fetcher, &target.scope, &target.label, opts, &bar, nodes).await;
        resources.extend(kubelets);
        snapshot.issues.extend(issues);
    }
    bar.finish_and_clear();

    for l in listed {
        let api_version = l.spec.api_version();
        for obj in l.objects {
            let obj = normalise(&api_version, l.spec.kind, obj);
            let id = object_id(&target.scope, &obj);
            let mut r = Resource::new(id, Source::Kubernetes, obj);
            snapshot
                .issues
                .extend(crate::snapshot::admit(&mut r, "kubernetes"));
            // A control-plane mirror pod also gives its component (snapshot::control_plane).
            let component = crate::snapshot::control_plane::derive(&r);
            resources.push(r);
            resources.extend(component);
        }
    }
    let stats = &fetcher.stats;
    tracing::info!(
        "{}: {} resources ({} pods listed, {} reported through their controllers) from {} requests, {} pages, {} retries in {:.2}s",
        target.label,
        resources.len(),
        pods_seen,
        pods_seen - pods_kept,
        stats.requests.load(Ordering::Relaxed),
        stats.pages.load(Ordering::Relaxed),
        stats.retries.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    snapshot.sources.push(SourceInfo {
        collector: "kubernetes".into(),
        target: target.label.clone(),
        attributes,
    });
    snapshot.resources = resources;
    snapshot
}

/// Reads each node's kubelet configuration through `nodes/{name}/proxy/configz`, with bounded
/// concurrency and one retry (a kubelet that is down will not be back in seconds). A 403 is
/// one issue for all nodes; any other failure is a partial issue naming its node.
async fn read_kubelets(
    fetcher: &Fetcher,
    scope: &str,
    label: &str,
    opts: &ClusterOptions,
    bar: &indicatif::ProgressBar,
    nodes: Vec<String>,
) -> (Vec<Resource>, Vec<CollectionIssue>) {
    let selector = format!("kubernetes/{KUBELET_KIND}");
    let read = AtomicUsize::new(0);
    let total = nodes.len();
    let answers: Vec<(String, Result<String, FetchError>)> = futures::stream::iter(nodes)
        .map(|node| {
            let read = &read;
            async move {
                let r = fetcher
                    .get_with_retries(
                        &format!("/api/v1/nodes/{node}/proxy/configz"),
                        "application/json",
                        opts.retries.min(1),
                    )
                    .await;
                let n = read.fetch_add(1, Ordering::Relaxed) + 1;
                bar.set_message(format!("kubelet configz: {n}/{total} nodes"));
                (node, r)
            }
        })
        .buffer_unordered(opts.concurrency.max(1) * 2)
        .collect()
        .await;
    let mut resources = Vec::new();
    let mut issues = Vec::new();
    let mut forbidden = None;
    let mut failures = Vec::new();
    for (node, answer) in answers {
        match answer.and_then(|text| parse_configz(&node, &text)) {
            Ok(obj) => {
                let id = object_id(scope, &obj);
                resources.push(Resource::new(id, Source::Kubernetes, obj));
            }
            Err(e) if e.code() == Some(403) => forbidden = Some(e.describe()),
            Err(e) => failures.push(format!("node {node}: {}", e.describe())),
        }
    }
    if let Some(reason) = forbidden {
        issues.push(issue(
            IssueLevel::Warning,
            format!(
                "{label}: kubelet configuration not read (get nodes/proxy is needed for configz): {reason}"
            ),
            vec![selector.clone()],
        ));
    }
    failures.sort();
    for f in failures {
        let mut i = issue(
            IssueLevel::Warning,
            format!("{label}: kubelet configuration not read for {f}"),
            vec![selector.clone()],
        );
        // The other nodes were read: their findings stand, but no PASS is possible.
        i.partial = true;
        issues.push(i);
    }
    (resources, issues)
}

fn is_fargate(node: &Map<String, Value>) -> bool {
    node.get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("eks.amazonaws.com/compute-type"))
        .and_then(Value::as_str)
        == Some("fargate")
}

/// The issue for a failed list, or None when the kind is simply not served by this cluster
/// (404: an older Kubernetes without ValidatingAdmissionPolicy has none of them).
fn list_issue(label: &str, spec: &KindSpec, e: &FetchError) -> Option<CollectionIssue> {
    let selector = spec.selector();
    match e.code() {
        Some(404) => {
            tracing::debug!("{label}: {} not served by this cluster", spec.plural);
            None
        }
        Some(403) => Some(issue(
            IssueLevel::Warning,
            format!(
                "{label}: cannot list {} ({}); checks that need {} are NOT_ASSESSED; grant list on {} (docs/kubernetes.md)",
                spec.plural,
                e.describe(),
                spec.kind,
                spec.plural
            ),
            vec![selector],
        )),
        _ => Some(issue(
            IssueLevel::Error,
            format!("{label}: listing {} failed: {}", spec.plural, e.describe()),
            vec![selector],
        )),
    }
}

/// `{"kubeletconfig": {...}}` into a `KubeletConfiguration` object named after the node.
fn parse_configz(node: &str, text: &str) -> Result<Map<String, Value>, FetchError> {
    let mut v: Map<String, Value> = serde_json::from_str(text)
        .map_err(|e| FetchError::Decode(format!("configz of node {node} is not JSON: {e}")))?;
    let Some(Value::Object(cfg)) = v.remove("kubeletconfig") else {
        return Err(FetchError::Decode(format!(
            "configz of node {node} has no kubeletconfig object"
        )));
    };
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), KUBELET_API_VERSION.into());
    obj.insert("kind".into(), KUBELET_KIND.into());
    let mut meta = Map::new();
    meta.insert("name".into(), node.into());
    obj.insert("metadata".into(), Value::Object(meta));
    for (k, v) in cfg {
        if k != "apiVersion" && k != "kind" {
            obj.insert(k, v);
        }
    }
    Ok(obj)
}

/// Puts `apiVersion`/`kind` back (list items lack them), drops what changes on every read
/// without meaning anything (status, resourceVersion; a node's image list), and redacts.
fn normalise(api_version: &str, kind: &str, obj: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::with_capacity(obj.len() + 2);
    out.insert("apiVersion".into(), api_version.into());
    out.insert("kind".into(), kind.into());
    for (k, v) in obj {
        if k == "apiVersion" || k == "kind" || (k == "status" && kind != "Node") {
            continue;
        }
        out.insert(k, v);
    }
    if let Some(Value::Object(meta)) = out.get_mut("metadata") {
        meta.remove("resourceVersion");
    }
    if let Some(Value::Object(status)) = out.get_mut("status") {
        status.remove("images");
    }
    redact_kubernetes(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn controller_owner_is_found() {
        let pod = obj(json!({"metadata": {"ownerReferences": [
            {"kind": "Node", "uid": "n", "controller": false},
            {"kind": "ReplicaSet", "uid": "rs-1", "controller": true}]}}));
        assert_eq!(controller_uid(&pod), Some("rs-1"));
        assert_eq!(controller_uid(&obj(json!({"metadata": {}}))), None);
    }

    #[test]
    fn normalise_restores_kind_and_drops_volatile_fields() {
        let o = normalise(
            "v1",
            "Secret",
            obj(
                json!({"metadata": {"name": "s", "resourceVersion": "9"}, "data": {"k": "c2VjcmV0"},
                       "status": {}}),
            ),
        );
        assert_eq!(o["apiVersion"], "v1");
        assert_eq!(o["kind"], "Secret");
        assert!(o["metadata"].get("resourceVersion").is_none());
        assert!(o.get("status").is_none());
        assert_eq!(o["data"]["k"], crate::snapshot::REDACTED);
        let node = normalise(
            "v1",
            "Node",
            obj(json!({"metadata": {"name": "n"}, "status": {"images": [1], "nodeInfo": {}}})),
        );
        assert!(node["status"].get("images").is_none());
        assert!(node["status"].get("nodeInfo").is_some());
    }

    #[test]
    fn configz_becomes_a_kubelet_configuration() {
        let o = parse_configz("n1", r#"{"kubeletconfig": {"readOnlyPort": 10255}}"#).unwrap();
        assert_eq!(o["kind"], KUBELET_KIND);
        assert_eq!(o["metadata"]["name"], "n1");
        assert_eq!(o["readOnlyPort"], 10255);
        assert!(parse_configz("n1", "{}").is_err());
    }
}
