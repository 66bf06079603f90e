//! The containerd collector: containerd's native gRPC API over its unix socket
//! (`/run/containerd/containerd.sock`, or the dockerd-managed
//! `/var/run/docker/containerd/containerd.sock`). It reads the daemon's version and identity,
//! the namespaces, and in each namespace every container (with or without a running task) and
//! its OCI runtime spec. Docker keeps its containers in namespace `moby`, Kubernetes (CRI) in
//! `k8s.io`, nerdctl in `default`.
//!
//! Resources (`source: containerd`):
//! * `Daemon` — `version`, `revision`, `uuid` and the namespaces read;
//! * `Container` — `data` is the container record (image, runtime, snapshotter, times,
//!   sandbox), `spec` the OCI runtime spec exactly as containerd stores it, `task` the status
//!   and pid of its task (`null` when none exists, e.g. created but never started).
//!
//! Checks read the spec, which is what the runtime will actually apply: the resolved user id,
//! the capability sets, namespaces, mounts, cgroup limits, seccomp, read-only root. A spec that
//! is not JSON (another runtime's type) is a warning issue and the container is left out.
//! Environment values in `process.env` are redacted (names kept).
//!
//! Only containers that exist in containerd are seen: Docker creates its containerd container
//! when a container starts, so a Docker container that was created but never started is only
//! visible through the Docker Engine API (`--docker`).

use super::containerd_api::{
    Api, ListContainersRequest, ListNamespacesRequest, ListTasksRequest, status_name,
};
use crate::snapshot::{
    CollectionIssue, IssueLevel, REDACTED, Resource, Snapshot, Source, SourceInfo,
};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tonic::{Code, Request};

/// The kinds this collector produces (`containerd/<Kind>`).
pub const KINDS: [&str; 2] = ["containerd/Daemon", "containerd/Container"];

/// containerd's own default socket.
pub const DEFAULT_SOCKET: &str = "/run/containerd/containerd.sock";

const COLLECTOR: &str = "containerd";

/// The OCI runtime spec's type URL (containerd's typeurl registration).
const SPEC_TYPE: &str = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

/// How to reach containerd and what to read.
#[derive(Debug, Clone)]
pub struct ContainerdOptions {
    /// The unix socket.
    pub socket: PathBuf,
    /// Namespaces to read; empty means every namespace.
    pub namespaces: Vec<String>,
    /// Per-call timeout.
    pub timeout: Duration,
}

/// A problem that stops the whole collection before it starts.
#[derive(Debug, thiserror::Error)]
pub enum ContainerdError {
    /// A namespace name that containerd would refuse.
    #[error(
        "--containerd-namespace {0:?}: not a containerd namespace name (letters, digits, '.', '_', '-')"
    )]
    Namespace(String),
}

fn issue(level: IssueLevel, message: String, kinds: &[&str], partial: bool) -> CollectionIssue {
    CollectionIssue::new(COLLECTOR, level, message, kinds, partial)
}

/// containerd's rule for namespace names (`pkg/identifiers`): also what makes a valid gRPC
/// metadata value, so a bad name is a usage error instead of a refused call.
fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.len() <= 76
        && ns.starts_with(|c: char| c.is_ascii_alphanumeric())
        && ns
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Collects one containerd. Never fails for an unreachable or refusing daemon: that is
/// recorded as an error issue covering every containerd kind, so the checks are NOT_ASSESSED.
pub async fn collect(opts: &ContainerdOptions) -> Result<Snapshot, ContainerdError> {
    if let Some(bad) = opts.namespaces.iter().find(|n| !valid_namespace(n)) {
        return Err(ContainerdError::Namespace(bad.clone()));
    }
    let target = opts.socket.display().to_string();
    if !opts.socket.exists() {
        return Ok(unreachable(
            &target,
            format!("{target}: cannot reach containerd (no socket at {target})"),
        ));
    }
    Ok(read_daemon(opts, &target).await)
}

/// A snapshot recording the daemon as the source and why nothing could be read from it.
fn unreachable(target: &str, message: String) -> Snapshot {
    let mut snapshot = Snapshot::default();
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target: target.to_string(),
        attributes: BTreeMap::new(),
    });
    snapshot
        .issues
        .push(issue(IssueLevel::Error, message, &KINDS, false));
    snapshot
}

/// Explains a gRPC status in one line.
fn describe(target: &str, s: &tonic::Status) -> String {
    let text = s.message();
    match s.code() {
        Code::Unavailable if text.contains("ermission denied") => format!(
            "{target}: permission denied on the socket (run as root, or as the socket's group)"
        ),
        Code::Unavailable => format!("{target}: cannot reach containerd ({text})"),
        Code::DeadlineExceeded => format!("{target}: no answer in time"),
        Code::PermissionDenied => format!("{target}: permission denied: {text}"),
        Code::Unimplemented => format!("{target}: not supported by this containerd: {text}"),
        code => format!("{target}: {code:?}: {text}"),
    }
}

/// A request scoped to a namespace (the `containerd-namespace` header).
fn in_namespace<T>(message: T, ns: &str, timeout: Duration) -> Request<T> {
    let mut req = Request::new(message);
    req.set_timeout(timeout);
    // Names were validated (or came from containerd itself), so they are valid header values.
    if let Ok(v) = ns.parse() {
        req.metadata_mut().insert("containerd-namespace", v);
    }
    req
}

fn plain<T>(message: T, timeout: Duration) -> Request<T> {
    let mut req = Request::new(message);
    req.set_timeout(timeout);
    req
}

async fn connect(socket: &Path, timeout: Duration) -> Result<Api, String> {
    match tokio::time::timeout(timeout, Api::connect(socket.to_path_buf())).await {
        Ok(Ok(channel)) => Ok(channel),
        Ok(Err(e)) => {
            // tonic's transport error hides the io::Error in its source chain.
            let mut text = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                text = s.to_string();
                src = s.source();
            }
            Err(if text.contains("ermission denied") {
                "permission denied on the socket (run as root, or as the socket's group)".into()
            } else {
                format!("cannot reach containerd ({text})")
            })
        }
        Err(_) => Err("no answer in time".into()),
    }
}

async fn read_daemon(opts: &ContainerdOptions, target: &str) -> Snapshot {
    let t = opts.timeout;
    let api = match connect(&opts.socket, t).await {
        Ok(c) => c,
        Err(m) => return unreachable(target, format!("{target}: {m}")),
    };
    let version = match api.version(plain((), t)).await {
        Ok(v) => v,
        Err(s) => return unreachable(target, describe(target, &s)),
    };
    // Server() (containerd 1.5+) gives a UUID that survives restarts: the daemon's identity.
    let uuid = api
        .server(plain((), t))
        .await
        .map(|r| r.uuid)
        .unwrap_or_default();
    let mut snapshot = Snapshot::default();
    let identity = if uuid.is_empty() {
        target.to_string()
    } else {
        uuid.clone()
    };
    let scope = format!("containerd/{}", identity.replace('/', "_"));

    let mut namespaces = opts.namespaces.clone();
    match api
        .namespaces(plain(ListNamespacesRequest::default(), t))
        .await
    {
        Ok(r) => {
            let existing: Vec<String> = r.namespaces.into_iter().map(|n| n.name).collect();
            if namespaces.is_empty() {
                namespaces = existing;
            } else {
                for ns in &namespaces {
                    if !existing.contains(ns) {
                        snapshot.issues.push(issue(
                            IssueLevel::Warning,
                            format!(
                                "{target}: namespace {ns} does not exist (it has no containers)"
                            ),
                            &[],
                            false,
                        ));
                    }
                }
            }
        }
        Err(s) => snapshot.issues.push(issue(
            IssueLevel::Error,
            format!("listing namespaces: {}", describe(target, &s)),
            &["containerd/Container"],
            true,
        )),
    }
    namespaces.sort();
    namespaces.dedup();

    let mut attributes = BTreeMap::new();
    attributes.insert("scope".into(), identity.clone());
    attributes.insert("server".into(), format!("containerd {identity}"));
    attributes.insert("version".into(), version.version.clone());
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target: target.to_string(),
        attributes,
    });
    snapshot.resources.push(resource(
        &scope,
        "-",
        "Daemon",
        &identity,
        json!({"data": {
            "version": version.version,
            "revision": version.revision,
            "uuid": uuid,
            "namespaces": namespaces,
        }}),
    ));

    for ns in &namespaces {
        read_namespace(&api, ns, t, target, &scope, &mut snapshot).await;
    }
    snapshot
}

async fn read_namespace(
    api: &Api,
    ns: &str,
    t: Duration,
    target: &str,
    scope: &str,
    snapshot: &mut Snapshot,
) {
    let containers = match api
        .containers(in_namespace(ListContainersRequest::default(), ns, t))
        .await
    {
        Ok(r) => r.containers,
        Err(s) => {
            snapshot.issues.push(issue(
                IssueLevel::Error,
                format!(
                    "namespace {ns}: listing containers: {}",
                    describe(target, &s)
                ),
                &["containerd/Container"],
                true,
            ));
            return;
        }
    };
    // Tasks give the status; without them the containers are still judged by their specs.
    let tasks: HashMap<String, Value> = match api
        .tasks(in_namespace(ListTasksRequest::default(), ns, t))
        .await
    {
        Ok(r) => r
            .tasks
            .into_iter()
            .map(|p| {
                let status = status_name(p.status);
                (p.id, json!({"status": status, "pid": p.pid}))
            })
            .collect(),
        Err(s) => {
            snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!("namespace {ns}: listing tasks: {}", describe(target, &s)),
                &[],
                true,
            ));
            HashMap::new()
        }
    };
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut built = Vec::new();
    for c in containers {
        let spec = match c.spec.as_ref() {
            Some(any)
                if any.type_url.ends_with("runtime-spec/1/Spec") || any.type_url == SPEC_TYPE =>
            {
                serde_json::from_slice::<Value>(&any.value).map_err(|e| e.to_string())
            }
            Some(any) => Err(format!(
                "spec of type {} is not an OCI runtime spec",
                any.type_url
            )),
            None => Err("no runtime spec".into()),
        };
        let mut spec = match spec {
            Ok(s) => s,
            Err(m) => {
                snapshot.issues.push(issue(
                    IssueLevel::Warning,
                    format!("namespace {ns}: container {}: {m}", c.id),
                    &["containerd/Container"],
                    true,
                ));
                continue;
            }
        };
        redact_env(&mut spec);
        let labels: BTreeMap<String, String> = c.labels.into_iter().collect();
        let name = display_name(&c.id, &labels);
        *names.entry(name.clone()).or_default() += 1;
        let data = json!({
            "id": c.id,
            "image": c.image,
            "runtime": c.runtime.as_ref().map(|r| r.name.clone()),
            "snapshotter": c.snapshotter,
            "snapshotKey": c.snapshot_key,
            "createdAt": c.created_at.as_ref().and_then(rfc3339),
            "updatedAt": c.updated_at.as_ref().and_then(rfc3339),
            "sandbox": c.sandbox,
        });
        let task = tasks.get(&c.id).cloned().unwrap_or(Value::Null);
        built.push((name, c.id, labels, data, spec, task));
    }
    for (name, id, labels, data, spec, task) in built {
        // Two containers with one Kubernetes name (a restart not yet garbage-collected) keep
        // distinct ids.
        let name = if names.get(&name).copied().unwrap_or(0) > 1 {
            format!("{name}@{}", id.chars().take(12).collect::<String>())
        } else {
            name
        };
        let mut r = resource(
            scope,
            ns,
            "Container",
            &name,
            json!({"data": data, "spec": spec, "task": task}),
        );
        if let Some(m) = r.object.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert("namespace".into(), json!(ns));
            m.insert("labels".into(), json!(labels));
        }
        snapshot.resources.push(r);
    }
}

/// A name that survives a container being recreated where one exists: Kubernetes pod and
/// container names (CRI labels), nerdctl's name label; else the container id (Docker's
/// containerd containers are keyed by the Docker container id).
fn display_name(id: &str, labels: &BTreeMap<String, String>) -> String {
    let get = |k: &str| labels.get(k).filter(|v| !v.is_empty());
    if let (Some(pns), Some(pod)) = (
        get("io.kubernetes.pod.namespace"),
        get("io.kubernetes.pod.name"),
    ) {
        let container = get("io.kubernetes.container.name")
            .cloned()
            .unwrap_or_else(|| "sandbox".into());
        return format!("{pns}/{pod}/{container}");
    }
    if let Some(n) = get("nerdctl/name") {
        return n.clone();
    }
    id.to_string()
}

/// `containerd/<daemon>/<namespace>/<Kind>/<name>`.
fn resource(scope: &str, ns: &str, kind: &str, name: &str, body: Value) -> Resource {
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!("containerd.io/v1"));
    obj.insert("kind".into(), json!(kind));
    obj.insert("metadata".into(), json!({"name": name}));
    if let Value::Object(m) = body {
        obj.extend(m);
    }
    Resource::new(
        format!("{scope}/{ns}/{kind}/{name}"),
        Source::Containerd,
        obj,
    )
}

/// `process.env: ["NAME=value"]` -> `["NAME=<redacted>"]`.
fn redact_env(spec: &mut Value) {
    if let Some(env) = spec
        .get_mut("process")
        .and_then(|p| p.get_mut("env"))
        .and_then(Value::as_array_mut)
    {
        for e in env.iter_mut() {
            if let Some(s) = e.as_str()
                && let Some((name, _)) = s.split_once('=')
            {
                *e = Value::String(format!("{name}={REDACTED}"));
            }
        }
    }
}

/// RFC 3339 in UTC, as the other collectors write times.
fn rfc3339(ts: &prost_types::Timestamp) -> Option<String> {
    let nanos = u32::try_from(ts.nanos).ok()?;
    chrono::DateTime::from_timestamp(ts.seconds, nanos)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_survive_recreation_where_labels_allow() {
        let labels = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let cri = labels(&[
            ("io.kubernetes.pod.namespace", "shop"),
            ("io.kubernetes.pod.name", "web-0"),
            ("io.kubernetes.container.name", "web"),
        ]);
        assert_eq!(display_name("abc", &cri), "shop/web-0/web");
        let sandbox = labels(&[
            ("io.kubernetes.pod.namespace", "shop"),
            ("io.kubernetes.pod.name", "web-0"),
        ]);
        assert_eq!(display_name("abc", &sandbox), "shop/web-0/sandbox");
        assert_eq!(
            display_name("abc", &labels(&[("nerdctl/name", "db")])),
            "db"
        );
        assert_eq!(display_name("abc", &BTreeMap::new()), "abc");
    }

    #[test]
    fn namespace_names_follow_containerd() {
        for ok in ["moby", "k8s.io", "default", "a_b-c"] {
            assert!(valid_namespace(ok), "{ok}");
        }
        for bad in ["", "a/b", "-x", "a b", "ns\n"] {
            assert!(!valid_namespace(bad), "{bad:?}");
        }
    }

    #[test]
    fn env_values_are_redacted_names_kept() {
        let mut spec = json!({"process": {"env": ["PATH=/bin", "TOKEN=abc=def", "BARE"]}});
        redact_env(&mut spec);
        assert_eq!(
            spec["process"]["env"],
            json!(["PATH=<redacted>", "TOKEN=<redacted>", "BARE"])
        );
    }
}
