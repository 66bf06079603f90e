//! The image people run: `scripts/oci-image.py` (what `make image` calls) packs the static
//! binary under test (`make test` builds for musl) and the CA certificates, with no base image,
//! into an OCI archive; a real dockerd loads and runs it against the demo manifests, and with a
//! mounted kubeconfig against the loopback test API server.

// Test code: a failed setup step should panic with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::apiserver::{ApiServer, Behaviour, Cluster, TOKEN};
use support::dockerd::Dockerd;

/// The static binary to put in the image: the one under test when it is static (`make test`),
/// else one built for musl here (a plain `cargo test`).
fn static_binary() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plimsoll"));
    let file = Command::new("file").arg(&bin).output();
    let statically = file.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("static"));
    if statically {
        return bin;
    }
    let target = "x86_64-unknown-linux-musl";
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--bin", "plimsoll", "--target", target])
        .current_dir(support::bin::root())
        .status()
        .expect("cargo runs");
    assert!(
        built.success(),
        "a static build needs musl-tools and the {target} target"
    );
    support::bin::root().join(format!("target/{target}/debug/plimsoll"))
}

/// Makes `dir` and its files readable by the image's user (uid 65532).
fn readable(dir: &Path) {
    let status = Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_image_runs_from_scratch_against_manifests_and_a_cluster() {
    let work = tempfile::Builder::new()
        .prefix("img")
        .tempdir_in("/tmp")
        .unwrap();
    let tar = work.path().join("plimsoll-image.tar");
    let made = Command::new("python3")
        .arg(support::bin::root().join("scripts/oci-image.py"))
        .arg(static_binary())
        .arg("/etc/ssl/certs/ca-certificates.crt")
        .arg(&tar)
        .arg("plimsoll:test")
        .output()
        .expect("python3 runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    // Nothing but the binary, the certificates, passwd/group and empty directories: no shell,
    // no base image.
    let listing = Command::new("tar").arg("-tf").arg(&tar).output().unwrap();
    let blobs = String::from_utf8_lossy(&listing.stdout).to_string();
    assert!(
        blobs.contains("oci-layout") && blobs.contains("index.json"),
        "{blobs}"
    );

    let engine = Dockerd::start();
    engine.must(&["load", "-i", tar.to_str().unwrap()]);
    let inspect: Value = serde_json::from_str(&engine.must(&["image", "inspect", "plimsoll:test"]))
        .expect("inspect JSON");
    let config = &inspect[0]["Config"];
    assert_eq!(config["User"], "65532:65532");
    assert_eq!(config["Entrypoint"][0], "/usr/local/bin/plimsoll");
    assert_eq!(inspect[0]["RootFS"]["Layers"].as_array().unwrap().len(), 1);

    // The demo manifests, mounted read-only, no network: findings, so exit 1, and JSON.
    let demo = support::bin::root().join("fixtures/demo");
    let mount = format!("{}:/demo:ro", demo.display());
    let out = engine.docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        &mount,
        "plimsoll:test",
        "scan",
        "/demo",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(report["scan"]["resources"], 15);

    // A cluster through a mounted kubeconfig (its CA file at the same path inside), on the
    // host's loopback: the static binary reads it, verifies TLS, and records the run in the
    // image user's home.
    let server = ApiServer::start(
        Cluster::from_dir(&support::bin::root().join("fixtures/cluster")),
        Behaviour::default(),
    );
    let kube = tempfile::Builder::new()
        .prefix("kube")
        .tempdir_in("/tmp")
        .unwrap();
    let kubeconfig = server.kubeconfig(kube.path(), &[("prod", TOKEN)]);
    readable(kube.path());
    let mount = format!("{0}:{0}:ro", kube.path().display());
    let out = engine.docker(&[
        "run",
        "--rm",
        "--network",
        "host",
        "-v",
        &mount,
        "plimsoll:test",
        "scan",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["resource"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("k8s/prod/"))),
        "the cluster's findings"
    );
    assert!(
        report["drift"]["scope"].is_string(),
        "the run was recorded: {stderr}"
    );

    let version = engine.must(&[
        "run",
        "--rm",
        "--network",
        "none",
        "plimsoll:test",
        "--version",
    ]);
    assert!(version.starts_with("plimsoll "), "{version}");
}
