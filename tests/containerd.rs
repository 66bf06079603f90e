//! The containerd collector end to end against a real containerd: the one a real `dockerd`
//! starts and manages (tests/support/dockerd.rs), read over its native gRPC socket. Docker's
//! running containers live in its namespace `moby`; a privileged container is created with
//! `ctr` in a second namespace (the sandbox cannot start one, but containerd holds its spec).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use support::bin::run as plimsoll;
use support::dockerd::Dockerd;

/// Check numbers that exist as both PLM-DKR-NNNN (Engine API) and PLM-CTD-NNNN (OCI spec).
const MIRRORED: [&str; 17] = [
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0009", "0010", "0011", "0014", "0015",
    "0016", "0018", "0020", "0021", "0022",
];

/// Failing check ids per resource name, for one family (`PLM-CTD-` or `PLM-DKR-`).
fn failing(report: &Value, family: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let id = f["checkId"].as_str().unwrap();
        if f["status"] == "FAIL"
            && let Some(n) = id.strip_prefix(family)
        {
            out.entry(f["resource"]["name"].as_str().unwrap().to_string())
                .or_default()
                .insert(n.to_string());
        }
    }
    out
}

/// One engine with misconfigured running containers, a hardened one and a ctr-created
/// privileged container; returns (engine, docker name -> container id).
fn populated() -> (Dockerd, BTreeMap<&'static str, String>) {
    let engine = Dockerd::start();
    engine.import_busybox();
    let sock = engine.socket();
    let fake = sock.with_file_name("fake-docker.sock");
    std::fs::write(&fake, "").unwrap();
    let mount_sock = format!("{}:/var/run/docker.sock", fake.display());
    let runs: [(&str, Vec<&str>); 4] = [
        ("default", vec!["-e", "DB_PASSWORD=s3cr3t-value"]),
        (
            "insecure",
            vec![
                "--network",
                "host",
                "--pid",
                "host",
                "--cap-add",
                "SYS_ADMIN",
                "-v",
                "/:/host",
                "-v",
                &mount_sock,
                "--security-opt",
                "seccomp=unconfined",
                "--device",
                "/dev/null:/dev/xnull",
            ],
        ),
        ("shared", vec!["--ipc", "host", "--uts", "host"]),
        (
            "hardened",
            vec![
                "--user",
                "1000:1000",
                "--read-only",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                "64m",
                "--cpu-shares",
                "512",
                "--pids-limit",
                "50",
                "--network",
                "none",
            ],
        ),
    ];
    let mut ids = BTreeMap::new();
    for (name, flags) in runs {
        let args = [
            &["run", "-d", "--name", name][..],
            &flags,
            &["local/busybox:1"],
        ]
        .concat();
        ids.insert(name, engine.must(&args));
    }
    // A privileged container straight in containerd, in its own namespace.
    let image = sock.with_file_name("busybox.tar");
    engine.must(&["save", "-o", image.to_str().unwrap(), "local/busybox:1"]);
    let ns = ["-n", "plimsoll-test"];
    engine.ctr(
        &[
            &ns[..],
            &["images", "import", "--snapshotter", "native"],
            &[image.to_str().unwrap()],
        ]
        .concat(),
    );
    engine.ctr(
        &[
            &ns[..],
            &[
                "containers",
                "create",
                "--snapshotter",
                "native",
                "--privileged",
                "docker.io/local/busybox:1",
                "ctr-privileged",
            ],
        ]
        .concat(),
    );
    (engine, ids)
}

#[test]
fn containerd_specs_are_judged_and_agree_with_the_engine_api() {
    let (engine, ids) = populated();
    let socket = engine.containerd_socket();
    let socket = socket.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Every namespace: Docker's and ctr's.
    let out = plimsoll(
        d,
        &[
            "scan",
            "--containerd",
            socket,
            "--no-config",
            "--no-state",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = std::fs::read_to_string(d.join("report.json")).unwrap();
    assert!(!text.contains("s3cr3t"), "an env value leaked");
    let report: Value = serde_json::from_str(&text).unwrap();
    let f = failing(&report, "PLM-CTD-");
    let want = |name: &str, checks: &[&str]| {
        let got = f.get(name).cloned().unwrap_or_default();
        for c in checks {
            assert!(got.contains(*c), "{name}: PLM-CTD-{c} missing from {got:?}");
        }
    };
    want(
        &ids["insecure"],
        &[
            "0002", "0003", "0004", "0005", "0009", "0014", "0016", "0021", "0022",
        ],
    );
    want(&ids["shared"], &["0006", "0007"]);
    want(
        &ids["default"],
        &["0009", "0010", "0011", "0018", "0020", "0022"],
    );
    want("ctr-privileged", &["0001"]);
    assert!(
        !f.contains_key(&ids["hardened"]),
        "the hardened container passes every containerd check: {:?}",
        f.get(&ids["hardened"])
    );
    // Namespaces and tasks: Docker's containers run, ctr's container has no task.
    let containers: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["resource"]["kind"] == "Container")
        .collect();
    assert!(
        containers
            .iter()
            .any(|x| x["resource"]["namespace"] == "plimsoll-test")
    );
    let src = &report["scan"]["inputs"][0];
    assert_eq!(src["collector"], "containerd");
    assert!(
        src["attributes"]["version"]
            .as_str()
            .unwrap()
            .starts_with("1.")
    );
    let collect = plimsoll(d, &["collect", "--containerd", socket, "-o", "snap.json"]);
    assert_eq!(collect.code, 0, "{}", collect.stderr);
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("snap.json")).unwrap()).unwrap();
    let by_name = |n: &str| {
        snap["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["metadata"]["name"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("{n} in the snapshot"))
    };
    assert_eq!(by_name(&ids["hardened"])["task"]["status"], "running");
    assert!(by_name("ctr-privileged")["task"].is_null());
    assert_eq!(
        by_name(&ids["default"])["spec"]["process"]["env"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.as_str().unwrap().starts_with("DB_PASSWORD="))
            .map(|e| e.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["DB_PASSWORD=<redacted>"]
    );

    // The Engine API and the OCI spec give the same verdicts on the same running containers.
    let both = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            &engine.host(),
            "--no-host-facts",
            "--containerd",
            socket,
            "--containerd-namespace",
            "moby",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(both.code, 1, "{}", both.stderr);
    let both: Value = serde_json::from_str(&both.stdout).unwrap();
    let dkr = failing(&both, "PLM-DKR-");
    let ctd = failing(&both, "PLM-CTD-");
    for (name, id) in &ids {
        let engine_view: BTreeSet<String> = dkr
            .get(*name)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|n| MIRRORED.contains(&n.as_str()))
            .collect();
        let spec_view = ctd.get(id).cloned().unwrap_or_default();
        assert_eq!(engine_view, spec_view, "{name}: Engine API vs OCI spec");
    }
    assert!(
        !ctd.contains_key("ctr-privileged"),
        "--namespace moby leaves other namespaces out"
    );

    // The CIS Docker controls are decided from containerd alone.
    let controls = plimsoll(
        d,
        &[
            "scan",
            "--containerd",
            socket,
            "--no-config",
            "--no-state",
            "--benchmark",
            "cis-docker-1.8",
            "--format",
            "json",
        ],
    );
    let controls: Value = serde_json::from_str(&controls.stdout).unwrap();
    let status = |id: &str| {
        controls["compliance"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("5.5"), "FAIL", "the ctr privileged container");
    assert_eq!(status("5.32"), "FAIL", "the docker.sock mount");
}

#[test]
fn a_missing_namespace_is_reported_and_a_missing_socket_is_an_input_error() {
    let engine = Dockerd::start();
    let socket = engine.containerd_socket();
    let socket = socket.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = plimsoll(
        d,
        &[
            "scan",
            "--containerd",
            socket,
            "--containerd-namespace",
            "k8s.io",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("namespace k8s.io does not exist"),
        "{}",
        out.stderr
    );
    let bad = plimsoll(
        d,
        &[
            "scan",
            "--containerd",
            socket,
            "--containerd-namespace",
            "a/b",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("--containerd-namespace \"a/b\""),
        "{}",
        bad.stderr
    );

    let gone = d.join("gone.sock");
    let gone = gone.to_str().unwrap();
    let out = plimsoll(d, &["scan", "--containerd", gone, "--no-state"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot reach containerd"),
        "{}",
        out.stderr
    );
    // With other input the scan goes on, and every containerd check is NOT_ASSESSED.
    std::fs::write(
        d.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n  - {name: a, image: x/y:1, securityContext: {privileged: true}}\n",
    )
    .unwrap();
    let out = plimsoll(
        d,
        &[
            "scan",
            "pod.yaml",
            "--containerd",
            gone,
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let na: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "NOT_ASSESSED")
        .filter_map(|f| f["checkId"].as_str())
        .filter(|c| c.starts_with("PLM-CTD-"))
        .collect();
    assert_eq!(na.len(), MIRRORED.len(), "{na:?}");
    assert!(
        failing(&report, "PLM-K8S-")
            .get("p")
            .is_some_and(|s| s.contains("0001")),
        "the manifest is still judged"
    );
}
