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
