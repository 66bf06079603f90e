//! Host facts under `--host-root DIR` (default `/`): what the Docker daemon's configuration
//! and files look like on the machine itself, which the Engine API does not show.
//!
//! * `host/DockerDaemon` — `/etc/docker/daemon.json` (parsed) and the command line of every
//!   running `dockerd` (from `DIR/proc/*/cmdline`), as `config` and `flags`;
//! * `host/File` — owner, group and mode of the files CIS Docker Section 3 names: the systemd
//!   units, `/etc/docker`, `daemon.json`, `/etc/default/docker`, `/etc/sysconfig/docker`, the
//!   Docker and containerd sockets (including the dockerd-managed containerd socket), the TLS
//!   files daemon.json points at and registry certificates under `/etc/docker/certs.d`.
//!
//! * `host/Kubelet`, `host/KubeProxy` — the command line and flags of each running kubelet and
//!   kube-proxy (from `DIR/proc/*/cmdline`), for what the API does not show;
//! * `host/File` too — the Kubernetes node files of CIS Kubernetes 1.1 and 4.1: the static pod
//!   manifests, kubeconfigs, the etcd data directory, the kubelet's unit, kubeconfig, client
//!   CA and configuration, the CNI configuration and the PKI tree; each with every role it
//!   plays (`roles`).
//!
//! A Docker file that does not exist is recorded as absent (its controls pass: there is
//! nothing to protect); an absent Kubernetes file is left out, so its controls are
//! NOT_ASSESSED (it may live elsewhere on this node). A file or directory that exists but
//! cannot be read is a collection issue for its kind, so the checks that need it are
//! NOT_ASSESSED rather than passed.

use crate::snapshot::{CollectionIssue, IssueLevel, Resource, Snapshot, Source, SourceInfo};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const COLLECTOR: &str = "host";

/// Where each role's file may be, first match wins (paths relative to the host root).
const FILES: &[(&str, &[&str])] = &[
    (
        "docker.service",
        &[
            "etc/systemd/system/docker.service",
            "lib/systemd/system/docker.service",
            "usr/lib/systemd/system/docker.service",
        ],
    ),
    (
        "docker.socket",
        &[
            "etc/systemd/system/docker.socket",
            "lib/systemd/system/docker.socket",
            "usr/lib/systemd/system/docker.socket",
        ],
    ),
    ("docker-config-dir", &["etc/docker"]),
    ("daemon.json", &["etc/docker/daemon.json"]),
    ("etc-default-docker", &["etc/default/docker"]),
    ("etc-sysconfig-docker", &["etc/sysconfig/docker"]),
    ("docker.sock", &["var/run/docker.sock", "run/docker.sock"]),
    (
        "containerd.sock",
        &[
            "run/containerd/containerd.sock",
            "var/run/docker/containerd/containerd.sock",
            "run/docker/containerd/containerd.sock",
        ],
    ),
];

/// The Kubernetes node files of CIS Kubernetes 1.1 and 4.1, by role, first match wins (the
/// kubeadm layout, then other common ones). Unlike the Docker files, an absent one is left
/// out: its checks then judge nothing and their controls are NOT_ASSESSED (the file may be
/// elsewhere, or this is not that kind of node), never passed.
const KUBERNETES_FILES: &[(&str, &[&str])] = &[
    (
        "kube-apiserver.yaml",
        &["etc/kubernetes/manifests/kube-apiserver.yaml"],
    ),
    (
        "kube-controller-manager.yaml",
        &["etc/kubernetes/manifests/kube-controller-manager.yaml"],
    ),
    (
        "kube-scheduler.yaml",
        &["etc/kubernetes/manifests/kube-scheduler.yaml"],
    ),
    ("etcd.yaml", &["etc/kubernetes/manifests/etcd.yaml"]),
    ("etcd-data-dir", &["var/lib/etcd"]),
    ("admin.conf", &["etc/kubernetes/admin.conf"]),
    ("admin.conf", &["etc/kubernetes/super-admin.conf"]),
    ("scheduler.conf", &["etc/kubernetes/scheduler.conf"]),
    (
        "controller-manager.conf",
        &["etc/kubernetes/controller-manager.conf"],
    ),
    (
        "kubelet-service",
        &[
            "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "etc/systemd/system/kubelet.service",
            "usr/lib/systemd/system/kubelet.service",
            "lib/systemd/system/kubelet.service",
        ],
    ),
    (
        "proxy-kubeconfig",
        &[
            "etc/kubernetes/proxy.conf",
            "var/lib/kube-proxy/kubeconfig.conf",
        ],
    ),
    (
        "kubelet.conf",
        &["etc/kubernetes/kubelet.conf", "var/lib/kubelet/kubeconfig"],
    ),
    ("kubelet-client-ca", &["etc/kubernetes/pki/ca.crt"]),
    (
        "kubelet-config",
        &[
            "var/lib/kubelet/config.yaml",
            "etc/kubernetes/kubelet/kubelet-config.json",
        ],
    ),
];

/// Directories whose every entry is a node file of a role (CIS 1.1.9, 1.1.19-1.1.21): the
/// CNI configuration, and the PKI tree (its certificates, keys and other files apart).
const KUBERNETES_DIRS: &[(&str, &str)] = &[
    ("cni-config", "etc/cni/net.d"),
    ("pki", "etc/kubernetes/pki"),
];

/// Reads the host facts under `root`.
pub fn collect(root: &Path) -> Snapshot {
    let mut snapshot = Snapshot::default();
    let hostname = std::fs::read_to_string(root.join("etc/hostname"))
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let scope = format!("host/{hostname}");
    let mut attributes = BTreeMap::new();
    attributes.insert("scope".into(), hostname.clone());
    attributes.insert("server".into(), format!("root {}", root.display()));
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target: root.display().to_string(),
        attributes,
    });
    let names = Names::read(root);

    // daemon.json and the dockerd command lines.
    let daemon_json = root.join("etc/docker/daemon.json");
    let config = match std::fs::read_to_string(&daemon_json) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                snapshot.issues.push(issue(
                    IssueLevel::Error,
                    format!("{}: not valid JSON: {e}", daemon_json.display()),
                    &["host/DockerDaemon"],
                ));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!("{}: cannot read: {e}", daemon_json.display()),
                &["host/DockerDaemon"],
            ));
            None
        }
    };
    let daemons = dockerd_command_lines(root);
    let daemon_count = daemons.len().max(1);
    // No daemon.json and no running dockerd: Docker is not here, and its daemon checks have
    // nothing to judge (they report NOT_ASSESSED for want of resources, not PASS).
    let docker_here = config.is_some() || !daemons.is_empty();
    let mut tls_files: Vec<(&str, String)> = Vec::new();
    let entries: Vec<(String, Vec<String>)> = if daemons.is_empty() {
        vec![("dockerd".to_string(), Vec::new())]
    } else {
        daemons
    };
    for (i, (_, args)) in entries.iter().enumerate().filter(|_| docker_here) {
        let flags = parse_flags(args);
        let name = if daemon_count == 1 {
            "dockerd".to_string()
        } else {
            format!("dockerd-{}", i + 1)
        };
        for (key, role) in [
            ("tlscacert", "tls-ca"),
            ("tlscert", "tls-cert"),
            ("tlskey", "tls-key"),
        ] {
            let path = flags
                .get(key)
                .and_then(|v| v.last())
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    config
                        .as_ref()
                        .and_then(|c| c.get(key))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            if let Some(p) = path
                && !tls_files.iter().any(|(_, q)| *q == p)
            {
                tls_files.push((role, p));
            }
        }
        let mut obj = Map::new();
        obj.insert("apiVersion".into(), json!("host.plimsoll.io/v1"));
        obj.insert("kind".into(), json!("DockerDaemon"));
        obj.insert("metadata".into(), json!({"name": name}));
        obj.insert("config".into(), config.clone().unwrap_or(Value::Null));
        obj.insert("configFile".into(), json!(daemon_json.exists()));
        obj.insert("running".into(), json!(!args.is_empty()));
        obj.insert("commandLine".into(), json!(args));
        obj.insert(
            "flags".into(),
            Value::Object(
                flags
                    .into_iter()
                    .map(|(k, v)| (k, Value::Array(v)))
                    .collect(),
            ),
        );
        snapshot.resources.push(Resource::new(
            format!("{scope}/-/DockerDaemon/{name}"),
            Source::Host,
            obj,
        ));
    }

    // The kubelet's and kube-proxy's command lines: flags the API cannot show (configz has no
    // --hostname-override; kube-proxy has no configz). None running: no resource, and their
    // checks are NOT_ASSESSED.
    for (binary, kind) in [("kubelet", "Kubelet"), ("kube-proxy", "KubeProxy")] {
        for (i, (pid, args)) in command_lines(root, binary).into_iter().enumerate() {
            let tokens: Vec<(String, String)> =
                args.iter().map(|a| (a.clone(), String::new())).collect();
            let (flags, _) = crate::snapshot::control_plane::parse_flags(tokens.iter());
            let name = match i {
                0 => binary.to_string(),
                n => format!("{binary}-{}", n + 1),
            };
            let mut obj = Map::new();
            obj.insert("apiVersion".into(), json!("host.plimsoll.io/v1"));
            obj.insert("kind".into(), json!(kind));
            obj.insert("metadata".into(), json!({"name": name}));
            obj.insert("pid".into(), json!(pid));
            obj.insert("commandLine".into(), json!(args));
            obj.insert("flags".into(), Value::Object(flags));
            snapshot.resources.push(Resource::new(
                format!("{scope}/-/{kind}/{name}"),
                Source::Host,
                obj,
            ));
        }
    }

    // Files: the first existing candidate of each role, or the first candidate as absent.
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(role, candidates)| {
            let found = candidates
                .iter()
                .find(|c| root.join(c).symlink_metadata().is_ok())
                .unwrap_or(&candidates[0]);
            (role.to_string(), format!("/{found}"))
        })
        .collect();
    for (role, p) in tls_files {
        files.push((role.to_string(), p));
    }
    let certs = root.join("etc/docker/certs.d");
    match std::fs::read_dir(&certs) {
        Ok(dirs) => {
            let mut found: Vec<String> = Vec::new();
            for d in dirs.flatten() {
                if let Ok(inner) = std::fs::read_dir(d.path()) {
                    for f in inner.flatten() {
                        if let Ok(rel) = f.path().strip_prefix(root) {
                            found.push(format!("/{}", rel.display()));
                        }
                    }
                }
            }
            found.sort();
            files.extend(found.into_iter().map(|p| ("registry-cert".to_string(), p)));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => snapshot.issues.push(issue(
            IssueLevel::Warning,
            format!("{}: cannot list: {e}", certs.display()),
            &["host/File"],
        )),
    }
    // Kubernetes node files: only those that exist.
    for (role, candidates) in KUBERNETES_FILES {
        if let Some(found) = candidates
            .iter()
            .find(|c| root.join(c).symlink_metadata().is_ok())
        {
            files.push((role.to_string(), format!("/{found}")));
        }
    }
    for (role, dir) in KUBERNETES_DIRS {
        match walk(root, dir, *role == "pki") {
            Ok(found) => {
                for path in found {
                    let role = match *role {
                        "pki" if path == format!("/{dir}") => "pki-dir",
                        "pki" if path.ends_with(".crt") => "pki-cert",
                        "pki" if path.ends_with(".key") => "pki-key",
                        "pki" => "pki-file",
                        other => other,
                    };
                    files.push((role.to_string(), path));
                }
            }
            Err(e) => snapshot.issues.push(issue(
                IssueLevel::Warning,
                format!("{}: cannot list: {e}", root.join(dir).display()),
                &["host/File"],
            )),
        }
    }
    // One resource per path, with every role it plays (the kubelet's client CA is also a
    // PKI certificate); `role` is the first.
    let mut roles_of: Vec<(String, Vec<String>)> = Vec::new();
    for (role, path) in files {
        match roles_of.iter_mut().find(|(p, _)| *p == path) {
            Some((_, roles)) => {
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
            None => roles_of.push((path, vec![role])),
        }
    }
    for (path, roles) in roles_of {
        let role = roles[0].clone();
        let on_host = root.join(path.trim_start_matches('/'));
        let mut obj = Map::new();
        obj.insert("apiVersion".into(), json!("host.plimsoll.io/v1"));
        obj.insert("kind".into(), json!("File"));
        obj.insert("metadata".into(), json!({"name": path}));
        obj.insert("role".into(), json!(role));
        obj.insert("roles".into(), json!(roles));
        obj.insert("path".into(), json!(path));
        match on_host.symlink_metadata() {
            Ok(m) => {
                let kind = if m.file_type().is_dir() {
                    "directory"
                } else if m.file_type().is_symlink() {
                    "symlink"
                } else if std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()) {
                    "socket"
                } else {
                    "file"
                };
                obj.insert("exists".into(), json!(true));
                obj.insert("type".into(), json!(kind));
                obj.insert("uid".into(), json!(m.uid()));
                obj.insert("gid".into(), json!(m.gid()));
                obj.insert("user".into(), json!(names.user(m.uid())));
                obj.insert("group".into(), json!(names.group(m.gid())));
                obj.insert("mode".into(), json!(format!("{:04o}", m.mode() & 0o7777)));
                obj.insert("modeBits".into(), json!(m.mode() & 0o7777));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                obj.insert("exists".into(), json!(false));
            }
            Err(e) => {
                snapshot.issues.push(issue(
                    IssueLevel::Warning,
                    format!("{}: cannot stat: {e}", on_host.display()),
                    &["host/File"],
                ));
                continue;
            }
        }
        snapshot.resources.push(Resource::new(
            format!("{scope}/-/File{path}"),
            Source::Host,
            obj,
        ));
    }
    snapshot
}

/// The paths under `dir` (relative to `root`), as host paths: its files, and with `itself`
/// the directory and its subdirectories too, recursively (symbolic links are not followed).
/// A directory that does not exist gives nothing.
fn walk(root: &Path, dir: &str, itself: bool) -> std::io::Result<Vec<String>> {
    let top = root.join(dir);
    if top.symlink_metadata().is_err() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut pending = vec![top];
    while let Some(d) = pending.pop() {
        if itself && let Ok(rel) = d.strip_prefix(root) {
            out.push(format!("/{}", rel.display()));
        }
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(&d)?.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let is_dir = p.symlink_metadata().map(|m| m.is_dir()).unwrap_or(false);
            if is_dir && itself {
                pending.push(p);
            } else if !is_dir && let Ok(rel) = p.strip_prefix(root) {
                out.push(format!("/{}", rel.display()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Host facts are read file by file: a file that cannot be read leaves its kinds partly
/// collected.
fn issue(level: IssueLevel, message: String, kinds: &[&str]) -> CollectionIssue {
    CollectionIssue::new(COLLECTOR, level, message, kinds, true)
}

/// Whether a `dockerd` running under `root` serves the unix socket `url` (`unix:///path`):
/// its `-H`/`--host` names it, or it has none and the socket is the default one (`fd://`,
/// socket activation, serves the default one too).
pub fn dockerd_serves(root: &Path, url: &str) -> bool {
    let Some(path) = url.strip_prefix("unix://") else {
        return false;
    };
    let canonical = |p: &str| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    let wanted = canonical(path);
    let default = canonical("/var/run/docker.sock");
    dockerd_command_lines(root).iter().any(|(_, args)| {
        let flags = parse_flags(args);
        let hosts: Vec<&str> = flags
            .get("host")
            .map(|h| h.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if hosts.is_empty() {
            return wanted == default;
        }
        hosts.iter().any(|h| match h.strip_prefix("unix://") {
            Some(p) => canonical(p) == wanted,
            None => h.starts_with("fd://") && wanted == default,
        })
    })
}

/// Command lines (NUL-separated `cmdline`) of the processes whose program is `dockerd`,
/// sorted, as (pid, args without the program).
fn dockerd_command_lines(root: &Path) -> Vec<(String, Vec<String>)> {
    command_lines(root, "dockerd")
}

/// The command lines (after the program) of every process of `binary` under `root/proc`, by
/// pid, in a stable order.
fn command_lines(root: &Path, binary: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let Ok(procs) = std::fs::read_dir(root.join("proc")) else {
        return out;
    };
    for p in procs.flatten() {
        let name = p.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(raw) = std::fs::read(p.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        let is_binary = args
            .first()
            .map(PathBuf::from)
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy() == binary))
            .unwrap_or(false);
        if is_binary {
            out.push((name, args[1..].to_vec()));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// `--icc=false -H tcp://x --tlsverify` -> {"icc": ["false"], "host": ["tcp://x"],
/// "tlsverify": [true]}. Short options are mapped to their long names; a flag that takes no
/// value is `true`.
pub fn parse_flags(args: &[String]) -> BTreeMap<String, Vec<Value>> {
    const SHORT: &[(&str, &str)] = &[
        ("-H", "host"),
        ("-G", "group"),
        ("-D", "debug"),
        ("-l", "log-level"),
        ("-p", "pidfile"),
        ("-g", "graph"),
    ];
    // Boolean flags: a following argument is never their value.
    const BOOLEAN: &[&str] = &[
        "tlsverify",
        "tls",
        "debug",
        "icc",
        "iptables",
        "ip6tables",
        "live-restore",
        "no-new-privileges",
        "userland-proxy",
        "selinux-enabled",
        "experimental",
        "ip-forward",
        "ip-masq",
        "rootless",
        "raw-logs",
        "validate",
    ];
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let (name, inline) = if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            }
        } else if let Some((_, long)) = SHORT
            .iter()
            .find(|(s, _)| a == s || a.starts_with(&format!("{s}=")))
        {
            (
                long.to_string(),
                a.split_once('=').map(|(_, v)| v.to_string()),
            )
        } else {
            i += 1;
            continue;
        };
        let value = match inline {
            Some(v) => Value::String(v),
            None if BOOLEAN.contains(&name.as_str()) => Value::Bool(true),
            None => match args.get(i + 1) {
                Some(next) if !next.starts_with('-') => {
                    i += 1;
                    Value::String(next.clone())
                }
                _ => Value::Bool(true),
            },
        };
        out.entry(name).or_default().push(value);
        i += 1;
    }
    out
}

/// User and group names from the host's own passwd and group files.
struct Names {
    users: BTreeMap<u32, String>,
    groups: BTreeMap<u32, String>,
}

impl Names {
    fn read(root: &Path) -> Names {
        let table = |file: &str| -> BTreeMap<u32, String> {
            std::fs::read_to_string(root.join(file))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| {
                    let mut parts = l.split(':');
                    let name = parts.next()?;
                    let id = parts.nth(1)?.parse().ok()?;
                    Some((id, name.to_string()))
                })
                .collect()
        };
        Names {
            users: table("etc/passwd"),
            groups: table("etc/group"),
        }
    }

    fn user(&self, uid: u32) -> String {
        self.users
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| uid.to_string())
    }

    fn group(&self, gid: u32) -> String {
        self.groups
            .get(&gid)
            .cloned()
            .unwrap_or_else(|| gid.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dockerd_serves_the_socket_its_flags_name_or_the_default() {
        let root = tempfile::tempdir().unwrap();
        let proc = |pid: &str, args: &[&str]| {
            let d = root.path().join("proc").join(pid);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("cmdline"), args.join("\0") + "\0").unwrap();
        };
        proc("10", &["/usr/bin/dockerd", "-H", "unix:///tmp/a.sock"]);
        proc("11", &["/usr/bin/containerd"]);
        let r = root.path();
        assert!(dockerd_serves(r, "unix:///tmp/a.sock"));
        assert!(!dockerd_serves(r, "unix:///tmp/b.sock"));
        assert!(!dockerd_serves(r, "tcp://127.0.0.1:2375"));
        assert!(!dockerd_serves(r, "unix:///var/run/docker.sock"));
        proc(
            "12",
            &[
                "dockerd",
                "-H",
                "fd://",
                "--containerd=/run/containerd/containerd.sock",
            ],
        );
        assert!(dockerd_serves(r, "unix:///var/run/docker.sock"));
    }

    #[test]
    fn flags_long_short_inline_and_boolean() {
        let args: Vec<String> = [
            "-H",
            "fd://",
            "--host=tcp://0.0.0.0:2376",
            "--tlsverify",
            "--icc=false",
            "--log-level",
            "debug",
            "--userland-proxy",
            "--insecure-registry",
            "r.local:5000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let f = parse_flags(&args);
        assert_eq!(f["host"], vec![json!("fd://"), json!("tcp://0.0.0.0:2376")]);
        assert_eq!(f["tlsverify"], vec![json!(true)]);
        assert_eq!(f["icc"], vec![json!("false")]);
        assert_eq!(f["log-level"], vec![json!("debug")]);
        assert_eq!(f["userland-proxy"], vec![json!(true)]);
        assert_eq!(f["insecure-registry"], vec![json!("r.local:5000")]);
    }
}
