//! The Docker collector end to end against a real `dockerd` (tests/support/dockerd.rs):
//! containers created with deliberate misconfigurations and one hardened container, scanned
//! through the Engine API with the real binary.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use support::bin::run as plimsoll;
use support::dockerd::Dockerd;

/// The hardened container both engines run: it must pass every Docker check.
const HARDENED: &[&str] = &[
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
    "--restart",
    "on-failure:5",
    "--health-cmd",
    "true",
    "local/busybox:1",
];

/// Failing check ids per resource name.
fn failing(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        if f["status"] == "FAIL" {
            out.entry(f["resource"]["name"].as_str().unwrap().to_string())
                .or_default()
                .insert(f["checkId"].as_str().unwrap().to_string());
        }
    }
    out
}

fn has(map: &BTreeMap<String, BTreeSet<String>>, name: &str, check: &str) -> bool {
    map.get(name).is_some_and(|s| s.contains(check))
}

#[test]
fn a_real_engine_is_scanned_with_every_container_including_created_ones() {
    let engine = Dockerd::start();
    engine.import_busybox();
    let sock = engine.socket();
    let fake = sock.with_file_name("fake-docker.sock");
    std::fs::write(&fake, "").unwrap();
    let mount_sock = format!("{}:/var/run/docker.sock", fake.display());
    // Misconfigured containers, created and never started (the sandbox cannot start a
    // privileged one, and a created container is a container all the same).
    engine.must(&[
        "create",
        "--name",
        "insecure",
        "--network",
        "host",
        "--pid",
        "host",
        "--ipc",
        "host",
        "--cap-add",
        "NET_ADMIN",
        "--cap-add",
        "SYS_ADMIN",
        "-v",
        &mount_sock,
        "-v",
        "/:/host",
        "--restart",
        "always",
        "--security-opt",
        "seccomp=unconfined",
        "-e",
        "DB_PASSWORD=s3cr3t-value",
        "local/busybox:1",
    ]);
    engine.must(&[
        "create",
        "--name",
        "privileged",
        "--privileged",
        "local/busybox:1",
    ]);
    engine.must(&[
        "create",
        "--name",
        "ports",
        "-p",
        "0.0.0.0:8080:80",
        "-p",
        "80:81",
        "--uts",
        "host",
        "--device",
        "/dev/null:/dev/xnull",
        "--cgroup-parent",
        "custom.slice",
        "local/busybox:1",
    ]);
    // A hardened container that runs.
    engine.must(&[&["run", "-d", "--name", "hardened"], HARDENED].concat());

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host = engine.host();
    let out = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            &host,
            "--no-config",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    let f = failing(&report);
    for check in [
        "PLM-DKR-0002",
        "PLM-DKR-0003",
        "PLM-DKR-0004",
        "PLM-DKR-0005",
        "PLM-DKR-0006",
        "PLM-DKR-0013",
        "PLM-DKR-0016",
        "PLM-DKR-0021",
        "PLM-DKR-0022",
    ] {
        assert!(
            has(&f, "insecure", check),
            "insecure: {check} in {:?}",
            f.get("insecure")
        );
    }
    assert!(
        has(&f, "privileged", "PLM-DKR-0001"),
        "created privileged container found"
    );
    for check in [
        "PLM-DKR-0007",
        "PLM-DKR-0012",
        "PLM-DKR-0014",
        "PLM-DKR-0017",
        "PLM-DKR-0023",
    ] {
        assert!(
            has(&f, "ports", check),
            "ports: {check} in {:?}",
            f.get("ports")
        );
    }
    assert!(
        !f.contains_key("hardened"),
        "the hardened container passes: {:?}",
        f.get("hardened")
    );
    // The engine itself: this test daemon keeps logs locally and has no authz plugin.
    let engine_name = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["resource"]["kind"] == "Engine")
        .map(|x| x["resource"]["name"].as_str().unwrap().to_string())
        .expect("an engine finding");
    assert!(has(&f, &engine_name, "PLM-DKR-0034") && has(&f, &engine_name, "PLM-DKR-0035"));
    // The IPv4 wildcard and the empty host address are both reported.
    let wild: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["checkId"] == "PLM-DKR-0012")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert_eq!(wild.len(), 2, "{wild:?}");
    // Source recorded with the engine's identity; the environment value never leaves.
    let src = &report["scan"]["inputs"][0];
    assert_eq!(src["collector"], "docker");
    assert!(
        src["attributes"]["server"]
            .as_str()
            .unwrap()
            .starts_with("engine ")
    );
    assert!(
        !std::fs::read_to_string(d.join("report.json"))
            .unwrap()
            .contains("s3cr3t")
    );
    let collect = plimsoll(d, &["collect", "--docker-host", &host, "-o", "snap.json"]);
    assert_eq!(collect.code, 0, "{}", collect.stderr);
    let snap = std::fs::read_to_string(d.join("snap.json")).unwrap();
    assert!(!snap.contains("s3cr3t") && snap.contains("DB_PASSWORD=<redacted>"));
    // Offline: the same findings from the snapshot.
    let offline = plimsoll(
        d,
        &[
            "scan",
            "snap.json",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let offline: Value = serde_json::from_str(&offline.stdout).unwrap();
    assert_eq!(failing(&offline), f);
    // The table names containers by name.
    let table = plimsoll(
        d,
        &["scan", "--docker-host", &host, "--no-config", "--no-state"],
    );
    assert!(
        table.stdout.contains("Container/privileged"),
        "{}",
        table.stdout
    );
    // The summary gives the command for the first failing container of a check.
    assert!(
        table.stdout.contains(
            r#"run: docker update --memory "${MEMORY:?set MEMORY to the limit, e.g. 512m}""#
        ),
        "{}",
        table.stdout
    );
    // The commands the findings name, run as printed (with the values they ask for), fix
    // what `docker update` can change in place; the rest name why there is no command.
    let mut ran = BTreeSet::new();
    for x in report["findings"].as_array().unwrap() {
        if x["resource"]["name"] != "insecure" {
            continue;
        }
        let check = x["checkId"].as_str().unwrap();
        let Some(command) = x["command"].as_str() else {
            continue;
        };
        let run = std::process::Command::new("bash")
            .args(["-c", command])
            .env("DOCKER_HOST", &host)
            .env("MEMORY", "64m")
            .env("CPUS", "0.5")
            .env("PIDS_LIMIT", "100")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{check}: {command}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        ran.insert(check.to_string());
    }
    let expected: BTreeSet<String> = [
        "PLM-DKR-0009",
        "PLM-DKR-0010",
        "PLM-DKR-0013",
        "PLM-DKR-0020",
    ]
    .map(String::from)
    .into();
    assert_eq!(ran, expected);
    let again = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            &host,
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let again = failing(&serde_json::from_str(&again.stdout).unwrap());
    let before = f["insecure"].clone();
    let after = again["insecure"].clone();
    assert_eq!(
        before.difference(&after).cloned().collect::<BTreeSet<_>>(),
        expected,
        "fixed by the commands"
    );
    assert!(after.is_subset(&before), "nothing new: {after:?}");
}

#[test]
fn an_unreachable_engine_is_an_input_error_and_its_checks_are_not_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gone = format!("unix://{}/nothing.sock", d.display());
    let out = plimsoll(
        d,
        &["scan", "--docker-host", &gone, "--no-config", "--no-state"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot reach the Docker engine")
            || out.stderr.contains("nothing could be collected"),
        "{}",
        out.stderr
    );
    // With other input, the Docker checks are NOT_ASSESSED and the rest still runs.
    std::fs::write(
        d.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n  - {name: a, image: x/y:1, securityContext: {privileged: true}}\n",
    )
    .unwrap();
    let mixed = plimsoll(
        d,
        &[
            "scan",
            "pod.yaml",
            "--docker-host",
            &gone,
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(mixed.code, 3, "an input error wins over findings");
    let report: Value = serde_json::from_str(&mixed.stdout).unwrap();
    let na: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "NOT_ASSESSED")
        .map(|f| f["checkId"].as_str().unwrap())
        .collect();
    assert!(
        na.contains(&"PLM-DKR-0001") && na.contains(&"PLM-DKR-0030"),
        "{na:?}"
    );
    assert!(
        failing(&report)
            .get("p")
            .is_some_and(|s| s.contains("PLM-K8S-0001"))
    );
    // Why the engine cannot be reached is said, not "client error (Connect)".
    let stale = d.join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    std::fs::write(d.join("file.sock"), "").unwrap();
    for (sock, why) in [
        ("stale.sock", "connection refused"),
        ("file.sock", "is not a socket"),
    ] {
        let host = format!("unix://{}", d.join(sock).display());
        let out = plimsoll(
            d,
            &["scan", "--docker-host", &host, "--no-config", "--no-state"],
        );
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(out.stderr.contains(why), "{why}: {}", out.stderr);
        assert!(!out.stderr.contains("client error"), "{}", out.stderr);
    }
    // With --host-root the host checks still report, and the Docker ones are NOT_ASSESSED.
    std::fs::create_dir_all(d.join("host/etc/docker")).unwrap();
    std::fs::write(d.join("host/etc/docker/daemon.json"), "{}").unwrap();
    let host_only = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            &gone,
            "--host-root",
            "host",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(host_only.code, 3, "{}", host_only.stderr);
    let report: Value = serde_json::from_str(&host_only.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", host_only.stdout, host_only.stderr));
    let judged: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .map(|f| f["checkId"].as_str().unwrap())
        .collect();
    assert!(
        judged.iter().any(|c| c.starts_with("PLM-HOST-")),
        "host checks judged: {judged:?}"
    );
    let bad = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            "ftp://x",
            "--no-config",
            "--no-state",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("expected unix://PATH"),
        "{}",
        bad.stderr
    );
}

#[test]
fn podmans_compatible_api_gives_the_same_verdicts() {
    use support::podman::Podman;
    let podman = Podman::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    podman.import(&support::dockerd::busybox_rootfs(d));
    podman.must(&[
        "create",
        "--name",
        "insecure",
        "--network",
        "host",
        "--cap-add",
        "NET_ADMIN",
        "--cap-add",
        "SYS_ADMIN",
        "local/busybox:1",
    ]);
    podman.must(&[
        "create",
        "--name",
        "privileged",
        "--privileged",
        "local/busybox:1",
    ]);
    podman.must(
        &[
            &[
                "run",
                "-d",
                "--name",
                "hardened",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
            ],
            HARDENED,
        ]
        .concat(),
    );
    let host = podman.host();
    let out = plimsoll(
        d,
        &[
            "scan",
            "--docker-host",
            &host,
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        report["scan"]["inputs"][0]["attributes"]["runtime"],
        "podman"
    );
    let f = failing(&report);
    // Podman spells capabilities without CAP_ and in its own default sets; the verdicts match.
    for check in ["PLM-DKR-0002", "PLM-DKR-0004", "PLM-DKR-0019"] {
        assert!(
            has(&f, "insecure", check),
            "insecure: {check} in {:?}",
            f.get("insecure")
        );
    }
    assert!(
        has(&f, "privileged", "PLM-DKR-0001"),
        "{:?}",
        f.get("privileged")
    );
    let caps: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["checkId"] == "PLM-DKR-0002")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert!(
        caps.iter()
            .any(|m| m.ends_with("adds capability NET_ADMIN")),
        "{caps:?}"
    );
    // The hardened container passes, although Podman reports a health object for everything;
    // the engine's constant ExperimentalBuild: true is not a finding.
    assert!(!f.contains_key("hardened"), "{:?}", f.get("hardened"));
    assert!(!f.values().any(|c| c.contains("PLM-DKR-0032")), "{f:?}");
}

#[test]
fn the_host_collector_reads_a_running_dockerds_command_line() {
    let engine = Dockerd::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host = engine.host();
    // This machine's own /: /proc holds the test daemon (started with --iptables=false).
    let out = plimsoll(
        d,
        &[
            "collect",
            "--docker-host",
            &host,
            "--host-root",
            "/",
            "-o",
            "snap.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("snap.json")).unwrap()).unwrap();
    let ours = snap["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["kind"] == "DockerDaemon"
                && r["commandLine"].as_array().is_some_and(|a| {
                    a.iter()
                        .any(|x| x.as_str().is_some_and(|s| s.contains(&host)))
                })
        })
        .expect("the test dockerd's command line");
    assert_eq!(ours["flags"]["iptables"], serde_json::json!(["false"]));
    let name = ours["metadata"]["name"].as_str().unwrap().to_string();
    let scan = plimsoll(
        d,
        &[
            "scan",
            "snap.json",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&scan.stdout).unwrap();
    assert!(has(&failing(&report), &name, "PLM-HOST-0032"), "{name}");

    // Without --host-root: this dockerd serves the socket and runs here, so `/` is read by
    // default; --no-host-facts turns that off.
    let collectors = |extra: &[&str]| {
        let out = plimsoll(
            d,
            &[&["collect", "--docker-host", &host, "-o", "s.json"], extra].concat(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let snap: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("s.json")).unwrap()).unwrap();
        snap["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["collector"].as_str().unwrap().to_string(),
                    s["target"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let default = collectors(&[]);
    assert!(
        default.iter().any(|(c, t)| c == "host" && t == "/"),
        "{default:?}"
    );
    let off = collectors(&["--no-host-facts"]);
    assert!(off.iter().all(|(c, _)| c != "host"), "{off:?}");
}
