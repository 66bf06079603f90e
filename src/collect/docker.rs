//! The Docker Engine collector (bollard): one engine per run, over a unix socket, TCP or TCP
//! with TLS, including Podman's Docker-compatible socket. It reads `/info` and `/version`,
//! **every** container (`all=true`: created and exited ones too; the CIS audits use
//! `docker ps --all`, and a privileged container that was created but never started is still a
//! finding), their inspect documents, the images they use (inspect and history) and the
//! networks.
//!
//! Resources (`source: docker`):
//! * `Engine` — `info` and `version` under one object, and `runtime` (`docker` or `podman`);
//! * `Container` — `data` is the inspect document, `image` the image's `Config` (its default
//!   user and healthcheck count when the container sets none);
//! * `Image` — `data` is the inspect document plus `history` (the `CreatedBy` lines);
//! * `Network` — `data` is the network.
//!
//! Encodings that differ between Docker and Podman are normalised here, so one policy serves
//! both: capability names lose `CAP_` and `null` lists become `[]`; Podman's always-present,
//! empty `State.Health` is dropped when no healthcheck is configured. Environment values are
//! redacted (names kept).

use crate::collect::to_value;
use crate::snapshot::{
    CollectionIssue, IssueLevel, REDACTED, Resource, Snapshot, Source, SourceInfo,
};
use bollard::Docker;
use futures::StreamExt;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

/// The kinds this collector produces (`docker/<Kind>`).
pub const KINDS: [&str; 4] = [
    "docker/Engine",
    "docker/Container",
    "docker/Image",
    "docker/Network",
];

const COLLECTOR: &str = "docker";

/// How to reach the engine.
#[derive(Debug, Clone, Default)]
pub struct DockerOptions {
    /// `unix:///path`, `tcp://host:port`, `https://…`; default `DOCKER_HOST`, else the local
    /// socket.
    pub host: Option<String>,
    /// Verify the daemon's certificate and present a client certificate (`tcp://` only).
    pub tls_verify: bool,
    /// Directory with `ca.pem`, `cert.pem`, `key.pem` (default `DOCKER_CERT_PATH`, else
    /// `~/.docker`).
    pub cert_path: Option<PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// A problem that stops the whole collection before it starts (bad configuration).
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    /// The host URL or TLS material is unusable.
    #[error("--docker-host {host}: {message}")]
    Config {
        /// The host.
        host: String,
        /// Why.
        message: String,
    },
}

/// The host the options resolve to.
pub fn resolve_host(opts: &DockerOptions) -> String {
    opts.host
        .clone()
        .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_string())
}

fn connect(opts: &DockerOptions, host: &str) -> Result<Docker, DockerError> {
    let timeout = opts.timeout.as_secs().max(1);
    let config = |message: String| DockerError::Config {
        host: host.to_string(),
        message,
    };
    let tls = opts.tls_verify || host.starts_with("https://");
    let result = if host.starts_with("unix://") {
        Docker::connect_with_unix(host, timeout, bollard::API_DEFAULT_VERSION)
    } else if (host.starts_with("tcp://") || host.starts_with("https://")) && tls {
        let dir = opts
            .cert_path
            .clone()
            .or_else(|| std::env::var_os("DOCKER_CERT_PATH").map(PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))
            .ok_or_else(|| config("no certificate directory: pass --docker-cert-path".into()))?;
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            if !dir.join(f).is_file() {
                return Err(config(format!("{} is missing", dir.join(f).display())));
            }
        }
        Docker::connect_with_ssl(
            host,
            &dir.join("key.pem"),
            &dir.join("cert.pem"),
            &dir.join("ca.pem"),
            timeout,
            bollard::API_DEFAULT_VERSION,
        )
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, timeout, bollard::API_DEFAULT_VERSION)
    } else {
        return Err(config(
            "expected unix://PATH, tcp://HOST:PORT or https://HOST:PORT".into(),
        ));
    };
    result.map_err(|e| config(e.to_string()))
}

fn issue(level: IssueLevel, message: String, kinds: &[&str], partial: bool) -> CollectionIssue {
    CollectionIssue::new(COLLECTOR, level, message, kinds, partial)
}

/// Explains a bollard error in one line.
fn describe(host: &str, e: &bollard::errors::Error) -> String {
    use bollard::errors::Error as E;
    match e {
        E::DockerResponseServerError {
            status_code,
            message,
        } => format!("{host}: the engine answered {status_code}: {message}"),
        E::RequestTimeoutError => format!("{host}: no answer in time"),
        other => {
            // The HTTP client's own text is "client error (Connect)": the reason is the I/O
            // error further down the source chain.
            let mut kind = None;
            let mut detail = Vec::new();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(other);
            while let Some(s) = source {
                if let Some(io) = s.downcast_ref::<std::io::Error>() {
                    kind.get_or_insert(io.kind());
                }
                let text = s.to_string();
                if !detail.iter().any(|d: &String| d.contains(&text)) {
                    detail.push(text);
                }
                source = s.source();
            }
            let detail = detail.join(": ");
            use std::io::ErrorKind as K;
            match kind {
                Some(K::ConnectionRefused) => format!(
                    "{host}: cannot reach the Docker engine: connection refused (is the daemon running?)"
                ),
                Some(K::NotFound) => {
                    format!("{host}: cannot reach the Docker engine: no such socket")
                }
                Some(K::PermissionDenied) => format!(
                    "{host}: cannot reach the Docker engine: permission denied on the socket (run as root or a member of the docker group)"
                ),
                Some(K::TimedOut) => format!("{host}: cannot reach the Docker engine: timed out"),
                _ => format!("{host}: cannot reach the Docker engine: {detail}"),
            }
        }
    }
}

/// Collects one engine. Never fails for an unreachable or refusing engine: that is recorded as
/// an error issue covering every Docker kind, so the checks are NOT_ASSESSED.
pub async fn collect(opts: &DockerOptions) -> Result<Snapshot, DockerError> {
    let host = resolve_host(opts);
    // No socket file means no engine here: an input problem, not a configuration one.
    if let Some(path) = host.strip_prefix("unix://") {
        use std::os::unix::fs::FileTypeExt;
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(unreachable(
                    &host,
                    format!("{host}: cannot reach the Docker engine (no socket at {path})"),
                ));
            }
            // Connecting to a regular file is "connection refused", which would send the
            // user looking for a stopped daemon.
            Ok(m) if !m.file_type().is_socket() => {
                return Ok(unreachable(
                    &host,
                    format!("{host}: cannot reach the Docker engine: {path} is not a socket"),
                ));
            }
            _ => {}
        }
    }
    let docker = connect(opts, &host)?;
    Ok(read_engine(docker, &host).await)
}

/// A snapshot that records the engine as the source and why nothing could be read from it:
/// an error covering every Docker kind, so their checks are NOT_ASSESSED.
fn unreachable(host: &str, message: String) -> Snapshot {
    let mut snapshot = Snapshot::default();
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target: host.to_string(),
        attributes: BTreeMap::new(),
    });
    snapshot
        .issues
        .push(issue(IssueLevel::Error, message, &KINDS, false));
    snapshot
}

async fn read_engine(docker: Docker, host: &str) -> Snapshot {
    let docker = match docker.negotiate_version().await {
        Ok(d) => d,
        Err(e) => {
            return unreachable(host, describe(host, &e));
        }
    };
    let (info, version) = match (docker.info().await, docker.version().await) {
        (Ok(i), Ok(v)) => (to_value(&i), to_value(&v)),
        (Err(e), _) | (_, Err(e)) => {
            return unreachable(host, describe(host, &e));
        }
    };
    let mut snapshot = Snapshot::default();
    let name = info["Name"].as_str().unwrap_or("engine").to_string();
    // The daemon's ID is stable across restarts; Podman may leave it empty.
    let engine_id = info["ID"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or(&name)
        .replace(':', "-");
    let scope = format!("docker/{engine_id}");
    let mut attributes = BTreeMap::new();
    attributes.insert("scope".into(), name.clone());
    attributes.insert("server".into(), format!("engine {engine_id}"));
    if let Some(v) = version["Version"].as_str() {
        attributes.insert("version".into(), v.to_string());
    }
    let podman = version["Components"].as_array().is_some_and(|c| {
        c.iter()
            .any(|c| c["Name"].as_str().is_some_and(|n| n.contains("Podman")))
    });
    if podman {
        attributes.insert("runtime".into(), "podman".into());
    }
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target: host.to_string(),
        attributes,
    });
    // Podman's compatible /info always says ExperimentalBuild: true (a constant: Podman has no
    // experimental daemon mode), so checks need to know which runtime answered.
    let runtime = if podman { "podman" } else { "docker" };
    snapshot.resources.push(resource(
        &scope,
        "Engine",
        &name,
        json!({"runtime": runtime, "info": info, "version": version}),
    ));

    // Containers: all of them.
    let list = docker
        .list_containers(Some(bollard::query_parameters::ListContainersOptions {
            all: true,
            ..Default::default()
        }))
        .await;
    let summaries = match list {
        Ok(l) => l,
        Err(e) => {
            snapshot.issues.push(issue(
                IssueLevel::Error,
                format!("listing containers: {}", describe(host, &e)),
                &["docker/Container", "docker/Image"],
                false,
            ));
            Vec::new()
        }
    };
    let ids: Vec<String> = summaries.iter().filter_map(|c| c.id.clone()).collect();
    let inspected: Vec<(String, Result<Value, String>)> = futures::stream::iter(ids)
        .map(|id| {
            let docker = docker.clone();
            async move {
                let r = docker
                    .inspect_container(&id, None)
                    .await
                    .map(|c| to_value(&c))
                    .map_err(|e| describe(host, &e));
                (id, r)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut image_ids = BTreeSet::new();
    let mut containers = Vec::new();
    for (id, r) in inspected {
        match r {
            Ok(v) => {
                if let Some(img) = v["Image"].as_str() {
                    image_ids.insert(img.to_string());
                }
                containers.push(v);
            }
            // Removed between list and inspect: not an error.
            Err(m) if m.contains("404") => {}
            Err(m) => snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!("container {id}: {m}"),
                &["docker/Container"],
                true,
            )),
        }
    }

    // Images the containers use: inspect and history.
    // (image id, (inspect, history) or the error).
    type ImageRead = (String, Result<(Value, Value), String>);
    let images: Vec<ImageRead> = futures::stream::iter(image_ids)
        .map(|id| {
            let docker = docker.clone();
            async move {
                let inspect = docker.inspect_image(&id).await;
                let history = docker.image_history(&id).await;
                let r = match (inspect, history) {
                    (Ok(i), Ok(h)) => Ok((to_value(&i), to_value(&h))),
                    (Err(e), _) | (_, Err(e)) => Err(describe(host, &e)),
                };
                (id, r)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut image_config: BTreeMap<String, Value> = BTreeMap::new();
    for (id, r) in images {
        match r {
            Ok((mut inspect, history)) => {
                redact_env(&mut inspect["Config"]);
                image_config.insert(id.clone(), inspect["Config"].clone());
                let created_by: Vec<Value> = history
                    .as_array()
                    .map(|h| h.iter().map(|l| l["CreatedBy"].clone()).collect())
                    .unwrap_or_default();
                inspect["history"] = Value::Array(created_by);
                let name = inspect["RepoTags"][0]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| id.trim_start_matches("sha256:").chars().take(12).collect());
                snapshot
                    .resources
                    .push(resource(&scope, "Image", &name, json!({"data": inspect})));
            }
            Err(m) => snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!("image {id}: {m}"),
                &["docker/Image"],
                true,
            )),
        }
    }
    for mut c in containers {
        normalise_container(&mut c);
        let name = c["Name"]
            .as_str()
            .unwrap_or("unnamed")
            .trim_start_matches('/')
            .to_string();
        let image = c["Image"]
            .as_str()
            .and_then(|i| image_config.get(i))
            .cloned()
            .unwrap_or(Value::Null);
        let labels = c["Config"]["Labels"].clone();
        let mut r = resource(
            &scope,
            "Container",
            &name,
            json!({"data": c, "image": image}),
        );
        if labels.is_object() {
            r.object
                .get_mut("metadata")
                .and_then(Value::as_object_mut)
                .map(|m| m.insert("labels".into(), labels));
        }
        snapshot.resources.push(r);
    }

    match docker
        .list_networks(None::<bollard::query_parameters::ListNetworksOptions>)
        .await
    {
        Ok(nets) => {
            for n in nets {
                let v = to_value(&n);
                let name = v["Name"].as_str().unwrap_or("unnamed").to_string();
                snapshot
                    .resources
                    .push(resource(&scope, "Network", &name, json!({"data": v})));
            }
        }
        Err(e) => snapshot.issues.push(issue(
            IssueLevel::Warning,
            format!("listing networks: {}", describe(host, &e)),
            &["docker/Network"],
            false,
        )),
    }
    snapshot
}

/// `docker/<engine>/-/<Kind>/<name>`: stable while the engine and the name are (a container
/// recreated under the same name keeps its history).
fn resource(scope: &str, kind: &str, name: &str, body: Value) -> Resource {
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!("docker.engine/v1"));
    obj.insert("kind".into(), json!(kind));
    obj.insert("metadata".into(), json!({"name": name}));
    if let Value::Object(m) = body {
        obj.extend(m);
    }
    Resource::new(format!("{scope}/-/{kind}/{name}"), Source::Docker, obj)
}

/// `["NAME=value"]` -> `["NAME=<redacted>"]`.
fn redact_env(config: &mut Value) {
    if let Some(env) = config.get_mut("Env").and_then(Value::as_array_mut) {
        for e in env.iter_mut() {
            if let Some(s) = e.as_str()
                && let Some((name, _)) = s.split_once('=')
            {
                *e = Value::String(format!("{name}={REDACTED}"));
            }
        }
    }
}

/// One shape for Docker and Podman (see the module docs).
fn normalise_container(c: &mut Value) {
    redact_env(&mut c["Config"]);
    if let Some(hc) = c.get_mut("HostConfig").and_then(Value::as_object_mut) {
        for key in ["CapAdd", "CapDrop"] {
            let caps: Vec<Value> = hc
                .get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| {
                            let up = s.to_ascii_uppercase();
                            json!(up.strip_prefix("CAP_").unwrap_or(&up))
                        })
                        .collect()
                })
                .unwrap_or_default();
            hc.insert(key.into(), Value::Array(caps));
        }
        for key in ["SecurityOpt", "Devices", "Binds"] {
            if hc.get(key).is_none_or(Value::is_null) {
                hc.insert(key.into(), json!([]));
            }
        }
    }
    // Podman reports {"Status": ""} without a configured healthcheck.
    let configured = !c["Config"]["Healthcheck"].is_null();
    if !configured
        && c["State"]["Health"]["Status"]
            .as_str()
            .is_none_or(str::is_empty)
        && let Some(state) = c.get_mut("State").and_then(Value::as_object_mut)
    {
        state.remove("Health");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_and_podman_shapes_normalise_alike() {
        let mut docker = json!({
            "Config": {"Env": ["PASSWORD=hunter2", "PATH=/bin"], "Healthcheck": null},
            "HostConfig": {"CapAdd": ["CAP_NET_ADMIN"], "CapDrop": null, "SecurityOpt": null},
            "State": {"Status": "created"}
        });
        let mut podman = json!({
            "Config": {"Env": ["PASSWORD=hunter2"]},
            "HostConfig": {"CapAdd": ["net_admin"], "CapDrop": [], "SecurityOpt": []},
            "State": {"Status": "running", "Health": {"Status": "", "FailingStreak": 0}}
        });
        normalise_container(&mut docker);
        normalise_container(&mut podman);
        assert_eq!(docker["HostConfig"]["CapAdd"], json!(["NET_ADMIN"]));
        assert_eq!(podman["HostConfig"]["CapAdd"], json!(["NET_ADMIN"]));
        assert_eq!(docker["HostConfig"]["CapDrop"], json!([]));
        assert_eq!(docker["HostConfig"]["SecurityOpt"], json!([]));
        assert!(podman["State"].get("Health").is_none());
        assert_eq!(docker["Config"]["Env"][0], "PASSWORD=<redacted>");
        assert!(!podman.to_string().contains("hunter2"));
    }
}
