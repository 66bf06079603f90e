//! Run history and drift end to end through the real binary and a real SQLite file: drift
//! between runs (findings and resources), first-seen times, `--fail-on new` from the store,
//! history and retention, concurrent runs, a lock held by another writer, a process killed in
//! the middle of its write, damaged and newer stores, `plimsoll diff`, and a live cluster
//! whose offline snapshot continues its history.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use support::bin::{Out, assert_exit, root, run};

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn report(out: &Out) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr))
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.0
        env:
        - {name: API_TOKEN, value: first-s3cret-value}
        securityContext: {privileged: true}
";

const JOB: &str = "apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: a, image: busybox:1.36}
";

fn scan_json(dir: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "scan",
        "k8s",
        "--no-config",
        "--state",
        "state.db",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// `plimsoll ARGS` in `dir` (also its HOME), not yet started.
fn bin_command(dir: &Path, args: &[&str]) -> std::process::Command {
    support::bin::command(dir, dir, args)
}

/// The recorded runs of `state.db`, newest first.
fn history(d: &Path) -> Value {
    let out = run(d, &["history", "--state", "state.db", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn integrity(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn runs_are_recorded_and_the_next_one_shows_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    write(d, "k8s/job.yaml", JOB);
    let first = scan_json(d, &[]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let r1 = report(&first);
    assert!(
        r1["drift"]["previousRun"].is_null(),
        "first run: {}",
        r1["drift"]
    );
    let started1 = r1["scan"]["startedAt"].as_str().unwrap().to_string();

    // Between runs: the image changes, privileged is fixed, an env value changes (secret),
    // the Job is deleted and a privileged Pod appears.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(
        d,
        "k8s/web.yaml",
        &WEB.replace("web:1.0", "web:1.1")
            .replace("privileged: true", "privileged: false")
            .replace("first-s3cret-value", "second-s3cret-value"),
    );
    std::fs::remove_file(d.join("k8s/job.yaml")).unwrap();
    write(
        d,
        "k8s/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  containers:\n  - name: sh\n    image: busybox:1.36\n    securityContext: {privileged: true}\n",
    );
    let second = scan_json(d, &["--output", "sarif=drift.sarif"]);
    assert_eq!(second.code, 1, "{}", second.stderr);
    let r2 = report(&second);
    let drift = &r2["drift"];
    assert_eq!(drift["previousRun"]["id"], 1);
    assert!(
        drift["scope"].as_str().unwrap().starts_with("manifests:/"),
        "{}",
        drift["scope"]
    );
    let res = &drift["resources"];
    assert_eq!(
        res["added"],
        serde_json::json!(["k8s/manifests/shop/Pod/debug"])
    );
    assert_eq!(
        res["removed"],
        serde_json::json!(["k8s/manifests/shop/Job/once"])
    );
    let changed = res["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], "k8s/manifests/shop/Deployment/web");
    let changes = changed[0]["changes"].as_array().unwrap();
    let image = changes
        .iter()
        .find(|c| c["path"] == "spec.template.spec.containers[0].image")
        .unwrap();
    assert_eq!(image["before"], "\"ghcr.io/acme/web:1.0\"");
    assert_eq!(image["after"], "\"ghcr.io/acme/web:1.1\"");
    assert!(
        changes
            .iter()
            .any(|c| c["path"] == "spec.template.spec.containers[0].securityContext.privileged")
    );
    // Findings: the privileged Deployment is resolved, the Pod's are new; what persisted
    // keeps the time it was first seen.
    let resolved = drift["resolved"].as_array().unwrap();
    assert!(resolved.iter().any(|f| f["checkId"] == "PLM-K8S-0001"
        && f["resourceId"] == "k8s/manifests/shop/Deployment/web"));
    assert!(resolved.iter().all(|f| f["firstSeen"] == started1.as_str()));
    let findings = r2["findings"].as_array().unwrap();
    let new: Vec<&Value> = findings
        .iter()
        .filter(|f| f["baselineState"] == "new")
        .collect();
    assert!(!new.is_empty());
    assert!(
        new.iter().all(|f| f["resource"]["name"] == "debug"),
        "{new:#?}"
    );
    assert_eq!(drift["new"].as_u64().unwrap(), new.len() as u64);
    let persisting: Vec<&Value> = findings
        .iter()
        .filter(|f| f["baselineState"] == "unchanged")
        .collect();
    assert!(!persisting.is_empty());
    assert!(
        persisting
            .iter()
            .all(|f| f["firstSeen"] == started1.as_str())
    );
    // SARIF carries the same states.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("drift.sarif")).unwrap()).unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), new.len());

    // Secret values never reach the store or the report, not even as a "changed" value.
    let db = std::fs::read(d.join("state.db")).unwrap();
    let wal = std::fs::read(d.join("state.db-wal")).unwrap_or_default();
    for blob in [&db, &wal] {
        assert!(
            !String::from_utf8_lossy(blob).contains("s3cret"),
            "secret in the store"
        );
    }
    assert!(!second.stdout.contains("s3cret"));

    // The table has a short drift section.
    let table = run(d, &["scan", "k8s", "--no-config", "--state", "state.db"]);
    assert!(
        table.stdout.contains("Drift since run 2"),
        "{}",
        table.stdout
    );

    // --fail-on new from the store: nothing new since the last run passes the gate; a new
    // privileged container fails it.
    let quiet = scan_json(d, &["--fail-on", "new"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    write(
        d,
        "k8s/pod2.yaml",
        &std::fs::read_to_string(d.join("k8s/pod.yaml"))
            .unwrap()
            .replace("debug", "debug2"),
    );
    let noisy = scan_json(d, &["--fail-on", "new"]);
    assert_eq!(noisy.code, 1);
    let r = report(&noisy);
    assert!(r["summary"]["failedAtThreshold"].as_u64().unwrap() > 0);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["baselineState"] == "new")
            .all(|f| f["resource"]["name"] == "debug2")
    );

    // History, newest first, with counts; --keep prunes.
    let runs = history(d);
    let ids: Vec<i64> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [5, 4, 3, 2, 1]);
    assert_eq!(runs[4]["failed"], r1["summary"]["failed"]);
    let table = run(d, &["history", "--state", "state.db", "--scope", "k8s"]);
    assert!(table.stdout.contains("5 runs in"), "{}", table.stdout);
    let none = run(
        d,
        &["history", "--state", "state.db", "--scope", "no-such-scope"],
    );
    assert!(none.stdout.contains("0 runs in"));
    let kept = scan_json(d, &["--keep", "2"]);
    assert_eq!(kept.code, 1);
    let runs = history(d);
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert_eq!(integrity(&d.join("state.db")), "ok");
}

#[test]
fn the_first_recorded_run_of_a_scope_is_its_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    // No history: nothing can be called new, so the gate on new findings passes, and says why.
    let out = scan_json(d, &["--fail-on", "new"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("this run is its baseline, so no finding counts as new"),
        "{}",
        out.stderr
    );
    let first = report(&out);
    assert!(!first["findings"].as_array().unwrap().is_empty());
    assert!(
        first["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("baselineState").is_none()),
        "no finding is marked on the first run"
    );
    assert_eq!(first["drift"]["new"], 0);
    // The same input again: nothing new. A new finding afterwards fails the gate.
    assert_eq!(scan_json(d, &["--fail-on", "new"]).code, 0);
    write(d, "k8s/job.yaml", JOB);
    let third = scan_json(d, &["--fail-on", "new"]);
    assert_eq!(third.code, 1, "{}", third.stderr);
    assert!(
        report(&third)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["baselineState"] == "new" && f["resource"]["name"] == "once")
    );

    // A scan of files keeps no history unless asked: no default store, and `--fail-on new`
    // then needs a baseline or --state.
    let quiet = [
        "scan",
        "k8s",
        "--no-config",
        "--exit-zero",
        "-o",
        "/dev/null",
    ];
    let default = run(d, &quiet);
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert!(!d.join(".local/state/plimsoll/state.db").exists());
    let unasked = run(d, &["scan", "k8s", "--no-config", "--fail-on", "new"]);
    assert_eq!(unasked.code, 2);
    assert!(
        unasked.stderr.contains("--state PATH"),
        "{}",
        unasked.stderr
    );
    // PLIMSOLL_STATE asks for it.
    let mut asked = bin_command(d, &quiet);
    asked.env("PLIMSOLL_STATE", d.join("asked.db"));
    assert_eq!(support::bin::output(&mut asked).code, 0);
    assert!(d.join("asked.db").is_file());
    let none = run(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--no-state",
            "--fail-on",
            "new",
        ],
    );
    assert_eq!(none.code, 2);
}

#[test]
fn concurrent_runs_wait_for_each_other_and_all_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    write(d, "k8s/job.yaml", JOB);
    let children: Vec<_> = (0..4)
        .map(|_| {
            bin_command(
                d,
                &[
                    "scan",
                    "k8s",
                    "--no-config",
                    "--state",
                    "state.db",
                    "--exit-zero",
                    "-o",
                    "/dev/null",
                ],
            )
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let runs = history(d);
    assert_eq!(runs.as_array().unwrap().len(), 4);
    assert_eq!(integrity(&d.join("state.db")), "ok");
}

#[test]
fn a_store_locked_by_another_writer_fails_clearly_after_writing_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json(d, &[]).code, 1);
    let holder = rusqlite::Connection::open(d.join("state.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = run(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            "state.db",
            "--state-wait",
            "1",
            "-o",
            "report.txt",
        ],
    );
    assert_exit(&out, 2, "is locked by another plimsoll run");
    assert!(
        d.join("report.txt").is_file(),
        "the report is written before recording"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let runs = history(d);
    assert_eq!(runs.as_array().unwrap().len(), 1);
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_run_intact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json(d, &[]).code, 1);
    write(d, "k8s/job.yaml", JOB);
    let mut child = bin_command(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            "state.db",
            "-o",
            "/dev/null",
        ],
    )
    .env("PLIMSOLL_TEST_HOLD_STATE_WRITE_MS", "60000")
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Wait until the run is inside its write transaction, then kill it outright.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("child still running").unwrap();
        if line.contains("holding the state transaction") {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no rollback by the process itself
    child.wait().unwrap();
    assert_eq!(integrity(&d.join("state.db")), "ok");
    let runs = history(d);
    assert_eq!(
        runs.as_array().unwrap().len(),
        1,
        "the killed run left nothing"
    );
    // The next run compares with the intact first run.
    let next = report(&scan_json(d, &[]));
    assert_eq!(next["drift"]["previousRun"]["id"], 1);
    assert_eq!(
        next["drift"]["resources"]["added"],
        serde_json::json!(["k8s/manifests/shop/Job/once"])
    );
}

/// A store the user may read but not write (another user's, a shared directory) is listed.
#[test]
fn history_lists_a_store_the_user_may_only_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json(d, &[]).code, 1);
    // Owned by root, readable by all, in a directory only root may write.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("state.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["history", "--state", "state.db", "--format", "json"])
        .current_dir(d)
        .env("HOME", d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    assert_eq!(integrity(&d.join("state.db")), "ok");
}

#[test]
fn damaged_and_newer_stores_are_clear_errors_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    let garbage = vec![b'#'; 4096];
    std::fs::write(d.join("state.db"), &garbage).unwrap();
    let out = scan_json(d, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("is not a healthy plimsoll state database"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(d.join("state.db")).unwrap(),
        garbage,
        "left as it was"
    );

    let newer = d.join("newer.db");
    let c = rusqlite::Connection::open(&newer).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let out = run(d, &["scan", "k8s", "--no-config", "--state", "newer.db"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("schema version 99, newer than this plimsoll"),
        "{}",
        out.stderr
    );
    let hist = run(d, &["history", "--state", "missing.db"]);
    assert_exit(&hist, 3, "no state store yet");
}

#[test]
fn diff_compares_two_snapshots_or_two_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    write(d, "k8s/job.yaml", JOB);
    assert_eq!(run(d, &["collect", "k8s", "-o", "a.json"]).code, 0);
    assert_eq!(
        run(
            d,
            &[
                "scan",
                "k8s",
                "--no-state",
                "--no-config",
                "--format",
                "json",
                "-o",
                "ra.json"
            ]
        )
        .code,
        1
    );
    write(
        d,
        "k8s/web.yaml",
        &WEB.replace("web:1.0", "web:2.0")
            .replace("privileged: true", "privileged: false"),
    );
    assert_eq!(run(d, &["collect", "k8s", "-o", "b.json"]).code, 0);
    assert_eq!(
        run(
            d,
            &[
                "scan",
                "k8s",
                "--no-state",
                "--no-config",
                "--format",
                "json",
                "-o",
                "rb.json"
            ]
        )
        .code,
        1
    );

    let same = run(d, &["diff", "a.json", "a.json"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(same.stdout.contains("0 added, 0 removed, 0 changed"));
    let snaps = run(d, &["diff", "a.json", "b.json", "--format", "json"]);
    assert_eq!(snaps.code, 1, "{}", snaps.stderr);
    let v: Value = serde_json::from_str(&snaps.stdout).unwrap();
    assert_eq!(v["changed"][0]["id"], "k8s/manifests/shop/Deployment/web");
    let paths: Vec<&str> = v["changed"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "spec.template.spec.containers[0].image",
            "spec.template.spec.containers[0].securityContext.privileged",
        ]
    );
    let reports = run(d, &["diff", "ra.json", "rb.json"]);
    assert_eq!(reports.code, 1);
    assert!(
        reports
            .stdout
            .contains("resolved PLM-K8S-0001 k8s/manifests/shop/Deployment/web"),
        "{}",
        reports.stdout
    );
    let mixed = run(d, &["diff", "a.json", "rb.json"]);
    assert_exit(&mixed, 2, "not the same kind of file");
    let missing = run(d, &["diff", "a.json", "nope.json"]);
    assert_eq!(missing.code, 3);
}

#[test]
fn a_live_cluster_and_its_offline_snapshot_share_one_history() {
    use support::apiserver::{ApiServer, Behaviour, Cluster, TOKEN};
    let server = ApiServer::start(
        Cluster::from_dir(&root().join("fixtures/cluster")),
        Behaviour::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kubeconfig = server.kubeconfig(d, &[("prod", TOKEN)]);
    let kc = kubeconfig.to_str().unwrap();
    let live = run(
        d,
        &[
            "scan",
            "--kubeconfig",
            kc,
            "--no-config",
            "--state",
            "state.db",
            "--format",
            "json",
        ],
    );
    assert_eq!(live.code, 1, "{}", live.stderr);
    let scope = report(&live)["drift"]["scope"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        scope.starts_with("kubernetes:prod@https://127.0.0.1:"),
        "{scope}"
    );
    assert_eq!(
        run(d, &["collect", "--kubeconfig", kc, "-o", "snap.json"]).code,
        0
    );
    let offline = report(&run(
        d,
        &[
            "scan",
            "snap.json",
            "--no-config",
            "--state",
            "state.db",
            "--format",
            "json",
        ],
    ));
    assert_eq!(offline["drift"]["scope"], scope.as_str());
    assert_eq!(offline["drift"]["previousRun"]["id"], 1);
    assert_eq!(offline["drift"]["new"], 0);
    assert_eq!(
        offline["drift"]["resources"]["changed"],
        serde_json::json!([])
    );
}

#[test]
fn the_scheduled_deployment_passes_its_own_checks_and_its_arguments_work() {
    // Plimsoll's own deployment, scanned by Plimsoll: every finding is waived with a reason,
    // except the image digest, which only a user's published build can pin.
    let out = run(
        &root(),
        &[
            "scan",
            "deploy/kubernetes",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let r = report(&out);
    let failing: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "WAIVED")
        .map(|f| f["checkId"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["PLM-K8S-0026"], "{}", out.stdout);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "WAIVED")
            .all(|f| f["waiver"]["reason"].as_str().is_some_and(|s| s.len() > 20))
    );

    // The CronJob's arguments, run against a cluster: the in-cluster flag becomes a
    // kubeconfig and /var/lib/plimsoll a temporary directory; everything else is as shipped.
    use support::apiserver::{ApiServer, Behaviour, Cluster, TOKEN};
    let text = std::fs::read_to_string(root().join("deploy/kubernetes/cronjob.yaml")).unwrap();
    let cronjob: Value = text
        .split("\n---")
        .map(|d| yaml_serde::from_str::<Value>(d).unwrap())
        .find(|d| d["kind"] == "CronJob")
        .unwrap();
    let container = &cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let server = ApiServer::start(
        Cluster::from_dir(&root().join("fixtures/cluster")),
        Behaviour::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kubeconfig = server.kubeconfig(d, &[("prod", TOKEN)]);
    let var = d.join("var");
    let args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            a.as_str()
                .unwrap()
                .replace("/var/lib/plimsoll", var.to_str().unwrap())
        })
        .flat_map(|a| {
            if a == "--in-cluster" {
                vec!["--kubeconfig".to_string(), kubeconfig.display().to_string()]
            } else {
                vec![a]
            }
        })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = run(d, &args);
    assert_eq!(
        first.code, 0,
        "the first night is the scope's baseline: no history is not a failure\n{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("this run is its baseline"),
        "{}",
        first.stderr
    );
    let second = run(d, &args);
    assert_eq!(
        second.code, 0,
        "nothing new since the last run\n{}",
        second.stderr
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(var.join("reports/prod.json")).unwrap())
            .unwrap();
    assert_eq!(json["drift"]["previousRun"]["id"], 1);
    assert!(var.join("reports/prod.sarif").is_file());

    // The systemd units verify (with the binary where the unit expects it).
    let units = d.join("units");
    std::fs::create_dir_all(&units).unwrap();
    for name in ["plimsoll-scan.service", "plimsoll-scan.timer"] {
        let text = std::fs::read_to_string(root().join("deploy/systemd").join(name)).unwrap();
        std::fs::write(
            units.join(name),
            text.replace("/usr/local/bin/plimsoll", env!("CARGO_BIN_EXE_plimsoll")),
        )
        .unwrap();
    }
    let verify = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(units.join("plimsoll-scan.service"))
        .arg(units.join("plimsoll-scan.timer"))
        .output()
        .expect("systemd-analyze runs (scripts/install-test-deps.sh installs it)");
    let said = String::from_utf8_lossy(&verify.stderr).to_string()
        + &String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success() && said.trim().is_empty(), "{said}");
}

/// `--only-new` lists only what is new against the baseline (here the previous recorded run),
/// in every format, while the counts and the gate still cover the whole run; without a
/// baseline or history it is a usage error.
#[test]
fn only_new_lists_what_the_change_adds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json(d, &["--exit-zero"]).code, 0);
    write(d, "k8s/job.yaml", JOB);
    let out = scan_json(d, &["--only-new", "--exit-zero"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = report(&out);
    let failing: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .collect();
    assert!(!failing.is_empty());
    assert!(
        failing
            .iter()
            .all(|f| f["baselineState"] == "new" && f["resource"]["name"] == "once"),
        "only the Job's findings are new"
    );
    assert!(
        r["summary"]["failed"].as_u64().unwrap() > failing.len() as u64,
        "the counts cover the whole run"
    );
    let unasked = run(d, &["scan", "k8s", "--no-config", "--only-new"]);
    assert_eq!(unasked.code, 2);
    assert!(
        unasked.stderr.contains("--only-new needs a baseline"),
        "{}",
        unasked.stderr
    );
}
