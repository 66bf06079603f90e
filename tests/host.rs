//! The host collector (`--host-root`) end to end: a host filesystem laid out in a temporary
//! directory with real owners and modes (the tests run as root, as `make test` does in CI),
//! daemon.json and a dockerd command line under `proc/`, scanned by the real binary.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::bin::run as plimsoll;

/// Writes `path` under `root` with `mode` and owner `uid:gid`.
fn file(root: &Path, path: &str, text: &str, mode: u32, uid: u32, gid: u32) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
}

/// A host with Docker installed: units, /etc/docker, daemon.json, TLS files, a registry
/// certificate, the socket (a real unix socket), passwd and group, and a running dockerd.
fn host(root: &Path, loose: bool, daemon_json: &str) {
    let (unit_mode, key_mode, owner) = if loose {
        (0o664, 0o644, 1000)
    } else {
        (0o644, 0o400, 0)
    };
    file(root, "etc/hostname", "node-7\n", 0o644, 0, 0);
    file(
        root,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
        0o644,
        0,
        0,
    );
    file(
        root,
        "etc/group",
        "root:x:0:\ndocker:x:998:\napp:x:1000:\n",
        0o644,
        0,
        0,
    );
    file(
        root,
        "lib/systemd/system/docker.service",
        "[Service]\n",
        unit_mode,
        owner,
        0,
    );
    file(
        root,
        "lib/systemd/system/docker.socket",
        "[Socket]\n",
        0o644,
        0,
        0,
    );
    file(root, "etc/docker/daemon.json", daemon_json, 0o644, 0, 0);
    std::fs::set_permissions(
        root.join("etc/docker"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    file(root, "etc/docker/tls/ca.pem", "ca", 0o444, 0, 0);
    file(root, "etc/docker/tls/cert.pem", "cert", 0o444, 0, 0);
    file(root, "etc/docker/tls/key.pem", "key", key_mode, 0, 0);
    file(
        root,
        "etc/docker/certs.d/registry.example.com/ca.crt",
        "ca",
        0o444,
        0,
        0,
    );
    std::fs::create_dir_all(root.join("var/run")).unwrap();
    let sock = root.join("var/run/docker.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::fs::set_permissions(
        &sock,
        std::fs::Permissions::from_mode(if loose { 0o666 } else { 0o660 }),
    )
    .unwrap();
    std::os::unix::fs::chown(&sock, Some(0), Some(998)).unwrap();
    let cmdline = "/usr/bin/dockerd\0-H\0fd://\0--containerd=/run/containerd/containerd.sock\0";
    file(root, "proc/812/cmdline", cmdline, 0o444, 0, 0);
}

const HARDENED_JSON: &str = r#"{"icc": false, "no-new-privileges": true, "userland-proxy": false,
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
  "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/cert.pem",
  "tlskey": "/etc/docker/tls/key.pem", "live-restore": true}"#;

fn failing(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .map(|f| {
            (
                f["checkId"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_hardened_host_passes_and_a_loose_one_fails_where_it_is_loose() {
    let good = tempfile::tempdir().unwrap();
    host(good.path(), false, HARDENED_JSON);
    let out = plimsoll(
        good.path(),
        &[
            "scan",
            "--host-root",
            ".",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let report: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    assert_eq!(failing(&report), BTreeSet::new(), "{}", out.stdout);
    assert_eq!(out.code, 0);
    assert_eq!(report["scan"]["inputs"][0]["attributes"]["scope"], "node-7");

    let bad = tempfile::tempdir().unwrap();
    host(
        bad.path(),
        true,
        r#"{"insecure-registries": ["registry.local:5000"], "log-level": "debug", "iptables": false,
            "hosts": ["tcp://0.0.0.0:2375"], "tlscacert": "/etc/docker/tls/ca.pem",
            "tlscert": "/etc/docker/tls/cert.pem", "tlskey": "/etc/docker/tls/key.pem"}"#,
    );
    let out = plimsoll(
        bad.path(),
        &[
            "scan",
            "--host-root",
            ".",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let f = failing(&report);
    let expected: BTreeSet<(String, String)> = [
        ("PLM-HOST-0001", "/lib/systemd/system/docker.service"),
        ("PLM-HOST-0002", "/lib/systemd/system/docker.service"),
        ("PLM-HOST-0014", "/etc/docker/tls/key.pem"),
        ("PLM-HOST-0016", "/var/run/docker.sock"),
        ("PLM-HOST-0030", "dockerd"),
        ("PLM-HOST-0031", "dockerd"),
        ("PLM-HOST-0032", "dockerd"),
        ("PLM-HOST-0033", "dockerd"),
        ("PLM-HOST-0034", "dockerd"),
        ("PLM-HOST-0035", "dockerd"),
        ("PLM-HOST-0036", "dockerd"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(f, expected);
    // The owner is named from the host's own passwd file, the mode in octal.
    let unit = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["checkId"] == "PLM-HOST-0001")
        .unwrap();
    assert!(
        unit["message"]
            .as_str()
            .unwrap()
            .contains("owned by app:root"),
        "{unit}"
    );
    // The running dockerd's command line was read from proc/.
    assert_eq!(
        plimsoll(
            bad.path(),
            &["collect", "--host-root", ".", "-o", "snap.json"]
        )
        .code,
        0
    );
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(bad.path().join("snap.json")).unwrap())
            .unwrap();
    let daemon = snap["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "DockerDaemon")
        .unwrap();
    assert_eq!(daemon["flags"]["host"], serde_json::json!(["fd://"]));
    assert_eq!(daemon["running"], true);

    // CIS Docker Sections 2 and 3 are decided now.
    let bench = plimsoll(
        bad.path(),
        &[
            "scan",
            "--host-root",
            ".",
            "--no-config",
            "--no-state",
            "--benchmark",
            "cis-docker-1.8",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&bench.stdout).unwrap();
    let status = |id: &str| {
        report["compliance"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("3.1"), "FAIL");
    assert_eq!(status("3.3"), "PASS");
    assert_eq!(
        status("3.21"),
        "PASS",
        "/etc/sysconfig/docker is absent: nothing to protect"
    );
    assert_eq!(status("2.8"), "FAIL");
    assert_eq!(status("5.5"), "NOT_ASSESSED", "no engine was read");
}

#[test]
fn no_docker_on_the_host_and_a_broken_daemon_json() {
    let empty = tempfile::tempdir().unwrap();
    let out = plimsoll(
        empty.path(),
        &[
            "scan",
            "--host-root",
            ".",
            "--no-config",
            "--no-state",
            "--benchmark",
            "cis-docker-1.8",
            "--format",
            "json",
        ],
    );
    let report: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    let control = |id: &str| {
        report["compliance"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
    // No daemon.json and no dockerd: the daemon settings are not assessed, never passed.
    assert_eq!(control("2.2")["status"], "NOT_ASSESSED");
    assert_eq!(control("3.1")["status"], "PASS");

    let broken = tempfile::tempdir().unwrap();
    file(
        broken.path(),
        "etc/docker/daemon.json",
        "{\"icc\": false,,}",
        0o644,
        0,
        0,
    );
    let out = plimsoll(
        broken.path(),
        &[
            "scan",
            "--host-root",
            ".",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("etc/docker/daemon.json: not valid JSON"),
        "{}",
        out.stderr
    );
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let na: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "NOT_ASSESSED")
        .map(|f| f["checkId"].as_str().unwrap())
        .collect();
    assert!(na.contains(&"PLM-HOST-0030"), "{na:?}");
    let missing = plimsoll(
        broken.path(),
        &["scan", "--host-root", "nope", "--no-config", "--no-state"],
    );
    assert_eq!(missing.code, 3);
    assert!(missing.stderr.contains("--host-root nope: not a directory"));
}

/// A kubeadm control-plane node's files (CIS Kubernetes 1.1 and 4.1) with real owners and
/// modes, and its kubelet's and kube-proxy's command lines (4.2.7, 4.3.1): hardened, every control with a check passes; loosened, the loosened ones fail,
/// at the file; a file that is not there (no kube-proxy kubeconfig on a kubeadm node) leaves
/// its controls NOT_ASSESSED, never passed. The shared CA file plays two roles (PKI
/// certificate and kubelet client CA) and is judged under both.
#[test]
fn kubernetes_node_files_decide_cis_1_1_and_4_1() {
    let scan = |loose: bool| -> Value {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (tight, conf, key, owner) = match loose {
            false => (0o600, 0o600, 0o600, 0),
            true => (0o644, 0o640, 0o644, 1000),
        };
        file(root, "etc/hostname", "cp1\n", 0o644, 0, 0);
        file(
            root,
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\netcd:x:998:998::/var/lib/etcd:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n",
            0o644,
            0,
            0,
        );
        file(
            root,
            "etc/group",
            "root:x:0:\netcd:x:998:\napp:x:1000:\n",
            0o644,
            0,
            0,
        );
        for m in [
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
            "etcd",
        ] {
            let path = format!("etc/kubernetes/manifests/{m}.yaml");
            file(root, &path, "kind: Pod\n", tight, owner, 0);
        }
        for k in [
            "admin",
            "super-admin",
            "scheduler",
            "controller-manager",
            "kubelet",
        ] {
            file(
                root,
                &format!("etc/kubernetes/{k}.conf"),
                "kind: Config\n",
                conf,
                0,
                0,
            );
        }
        for c in ["ca", "apiserver", "etcd/ca"] {
            file(
                root,
                &format!("etc/kubernetes/pki/{c}.crt"),
                "cert\n",
                0o644,
                0,
                0,
            );
            file(
                root,
                &format!("etc/kubernetes/pki/{c}.key"),
                "key\n",
                key,
                0,
                0,
            );
        }
        file(root, "etc/kubernetes/pki/sa.pub", "pub\n", 0o644, owner, 0);
        file(
            root,
            "etc/cni/net.d/10-flannel.conflist",
            "{}\n",
            tight,
            0,
            0,
        );
        file(
            root,
            "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "[Service]\n",
            tight,
            0,
            0,
        );
        file(
            root,
            "var/lib/kubelet/config.yaml",
            "kind: KubeletConfiguration\n",
            conf,
            0,
            0,
        );
        // The running kubelet and kube-proxy, as /proc shows them.
        let kubelet = match loose {
            false => "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0",
            true => {
                "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--hostname-override\0cp1.internal\0"
            }
        };
        file(root, "proc/812/cmdline", kubelet, 0o444, 0, 0);
        let proxy = match loose {
            false => "/usr/local/bin/kube-proxy\0--config=/var/lib/kube-proxy/config.conf\0",
            true => "/usr/local/bin/kube-proxy\0--metrics-bind-address=0.0.0.0:10249\0",
        };
        file(root, "proc/1207/cmdline", proxy, 0o444, 0, 0);
        let data = root.join("var/lib/etcd");
        std::fs::create_dir_all(data.join("member")).unwrap();
        let data_mode = if loose { 0o755 } else { 0o700 };
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(data_mode)).unwrap();
        std::os::unix::fs::chown(&data, Some(998), Some(998)).unwrap();
        let out = plimsoll(
            root,
            &[
                "scan",
                "--host-root",
                root.to_str().unwrap(),
                "--benchmark",
                "cis-kubernetes-1.12",
                "--no-state",
                "--format",
                "json",
            ],
        );
        assert!(out.code <= 1, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let statuses = |report: &Value| -> std::collections::BTreeMap<String, String> {
        report["compliance"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                let id = c["id"].as_str().unwrap();
                id.starts_with("1.1.") || id.starts_with("4.1.") || id == "4.2.7" || id == "4.3.1"
            })
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let hardened = statuses(&scan(false));
    assert_eq!(hardened.len(), 33);
    for (id, status) in &hardened {
        let expected = match id.as_str() {
            // No kube-proxy kubeconfig on a kubeadm node: nothing to judge; kube-proxy's
            // metrics address is in its --config file, inside its container: not read.
            "4.1.3" | "4.1.4" | "4.3.1" => "NOT_ASSESSED",
            _ => "PASS",
        };
        assert_eq!(status, expected, "hardened {id}: {hardened:?}");
    }
    let report = scan(true);
    let loose = statuses(&report);
    for id in [
        "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.11",
        "1.1.13", "1.1.15", "1.1.17", "1.1.19", "1.1.21", "4.1.1", "4.1.5", "4.1.9", "4.2.7",
        "4.3.1",
    ] {
        assert_eq!(loose[id], "FAIL", "loose {id}: {loose:?}");
    }
    // Not loosened: owners of the kubeconfigs, the certificates' modes, the data dir's owner.
    for id in ["1.1.14", "1.1.20", "1.1.12", "4.1.7", "4.1.8"] {
        assert_eq!(loose[id], "PASS", "loose {id}: {loose:?}");
    }
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["checkId"] == "PLM-HOST-0040")
        .expect("the API server manifest's mode");
    assert_eq!(
        f["resource"]["name"],
        "/etc/kubernetes/manifests/kube-apiserver.yaml"
    );
    assert_eq!(
        f["command"],
        "chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml"
    );
}
