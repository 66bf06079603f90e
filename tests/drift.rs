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
    scan_json_at(dir, "state.db", extra)
}

fn scan_json_at(dir: &Path, state: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "scan",
        "k8s",
        "--no-config",
        "--state",
        state,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// Where a test records: a SQLite file in its directory, or a database of its own on the
/// shared PostgreSQL server. The same tests run against both.
struct Backend {
    state: String,
    pg: Option<(&'static support::postgres::Postgres, String)>,
}

impl Backend {
    fn sqlite() -> Backend {
        Backend {
            state: "state.db".into(),
            pg: None,
        }
    }

    fn postgres() -> Backend {
        let pg = support::postgres::Postgres::shared();
        let db = pg.database();
        Backend {
            state: pg.url(&db),
            pg: Some((pg, db)),
        }
    }

    /// Everything the store holds, as text.
    fn contents(&self, d: &Path) -> String {
        match &self.pg {
            None => {
                let db = std::fs::read(d.join("state.db")).unwrap();
                let wal = std::fs::read(d.join("state.db-wal")).unwrap_or_default();
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&db),
                    String::from_utf8_lossy(&wal)
                )
            }
            // The dump shows packed values in hex: their text is added as it is stored.
            Some((pg, db)) => format!(
                "{}{}",
                pg.dump(db),
                pg.psql(db, "SELECT encode(texts, 'escape') FROM finding_texts")
                    .unwrap()
            ),
        }
    }

    /// Runs SQL on the store directly (to age a run, say).
    fn exec(&self, d: &Path, sql: &str) {
        match &self.pg {
            None => {
                let c = rusqlite::Connection::open(d.join("state.db")).unwrap();
                c.execute_batch(sql).unwrap();
            }
            Some((pg, db)) => {
                pg.psql(db, sql).unwrap();
            }
        }
    }

    /// A number the store answers.
    fn count(&self, d: &Path, sql: &str) -> i64 {
        match &self.pg {
            None => {
                let c = rusqlite::Connection::open(d.join("state.db")).unwrap();
                c.query_row(sql, [], |r| r.get(0)).unwrap()
            }
            Some((pg, db)) => pg.psql(db, sql).unwrap().trim().parse().unwrap(),
        }
    }

    /// The store's own consistency check ("ok").
    fn integrity(&self, d: &Path) -> String {
        match &self.pg {
            None => integrity(&d.join("state.db")),
            // Every kept run's resources have their bodies (no lost body).
            Some((pg, db)) => {
                let lost = pg
                    .psql(
                        db,
                        "SELECT count(*) FROM all_run_resources rr JOIN runs r ON r.id = rr.run_id
                         WHERE NOT EXISTS (SELECT 1 FROM bodies b
                           WHERE b.scope = r.scope AND b.digest = rr.digest)",
                    )
                    .unwrap();
                if lost.trim() == "0" {
                    "ok".into()
                } else {
                    format!("{lost} lost bodies")
                }
            }
        }
    }
}

/// `plimsoll ARGS` in `dir` (also its HOME), not yet started.
fn bin_command(dir: &Path, args: &[&str]) -> std::process::Command {
    support::bin::command(dir, dir, args)
}

/// The recorded runs of `state.db`, newest first.
fn history(d: &Path) -> Value {
    history_at(d, "state.db")
}

/// The recorded runs of a store, newest first.
fn history_at(d: &Path, state: &str) -> Value {
    let out = run(d, &["history", "--state", state, "--format", "json"]);
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
    recorded_runs_show_what_changed(&Backend::sqlite());
}

#[test]
fn runs_are_recorded_in_postgres_as_in_sqlite() {
    recorded_runs_show_what_changed(&Backend::postgres());
}

fn recorded_runs_show_what_changed(backend: &Backend) {
    let state = backend.state.as_str();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    write(d, "k8s/job.yaml", JOB);
    let first = scan_json_at(d, state, &[]);
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
    let second = scan_json_at(d, state, &["--output", "sarif=drift.sarif"]);
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
    // Exactly the fingerprints failing before and not now: none still failing is listed.
    let failing = |r: &Value| -> std::collections::BTreeSet<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "FAIL")
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let (before, now) = (failing(&r1), failing(&r2));
    assert!(!before.is_disjoint(&now), "some findings persist");
    let gone: std::collections::BTreeSet<String> = before.difference(&now).cloned().collect();
    let listed: std::collections::BTreeSet<String> = resolved
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, gone);
    assert_eq!(resolved.len(), gone.len());
    // Each with the text the first run reported: check, resource, severity and message.
    for f in resolved {
        let was = r1["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["fingerprint"] == f["fingerprint"])
            .unwrap();
        assert_eq!(f["checkId"], was["checkId"], "{f}");
        assert_eq!(f["resourceId"], was["resource"]["id"], "{f}");
        assert_eq!(f["severity"], was["severity"], "{f}");
        assert_eq!(f["message"], was["message"], "{f}");
    }
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
    // The search sees what the store holds, finding texts included (else it proves nothing).
    let contents = backend.contents(d);
    let message = r2["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "FAIL")
        .and_then(|f| f["message"].as_str())
        .unwrap();
    assert!(
        contents.contains(message),
        "the stored finding texts are searched: {message}"
    );
    assert!(!contents.contains("s3cret"), "secret in the store");
    assert!(!second.stdout.contains("s3cret"));

    // The same two runs, compared from the store (`diff --state`): resources and findings.
    let diff = run(d, &["diff", "--state", state, "1", "2", "--format", "json"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    let v: Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(v["resources"]["added"], res["added"]);
    assert_eq!(v["resources"]["removed"], res["removed"]);
    assert_eq!(v["resources"]["changed"], res["changed"]);
    assert!(
        v["findings"]["resolved"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["checkId"] == "PLM-K8S-0001"),
        "{v}"
    );
    assert_eq!(
        v["findings"]["new"].as_array().unwrap().len() as u64,
        drift["new"].as_u64().unwrap()
    );
    assert!(!diff.stdout.contains("s3cret"));
    assert_eq!(run(d, &["diff", "--state", state, "2", "2"]).code, 0);
    assert_exit(
        &run(d, &["diff", "--state", state, "1", "99"]),
        3,
        "no run 99",
    );

    // The table has a short drift section.
    let table = run(d, &["scan", "k8s", "--no-config", "--state", state]);
    assert!(
        table.stdout.contains("Drift since run 2"),
        "{}",
        table.stdout
    );

    // --fail-on new from the store: nothing new since the last run passes the gate; a new
    // privileged container fails it.
    let rows = |b: &Backend| {
        b.count(
            d,
            "SELECT (SELECT count(*) FROM set_resources) + (SELECT count(*) FROM finding_sets)
                    + (SELECT count(*) FROM finding_texts)",
        )
    };
    let before = rows(backend);
    let quiet = scan_json_at(d, state, &["--fail-on", "new"]);
    // An unchanged run refers to the sets its predecessor stored: no row per resource or
    // finding again.
    assert_eq!(
        rows(backend),
        before,
        "an unchanged run stores no set again"
    );
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    write(
        d,
        "k8s/pod2.yaml",
        &std::fs::read_to_string(d.join("k8s/pod.yaml"))
            .unwrap()
            .replace("debug", "debug2"),
    );
    let noisy = scan_json_at(d, state, &["--fail-on", "new"]);
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
    // A persisting finding whose text changed (the image named in PLM-K8S-0026's message went
    // from web:1.0 to web:1.1 in the second run) is stored with its new text: when it is
    // resolved, that is the text shown.
    std::fs::remove_file(d.join("k8s/web.yaml")).unwrap();
    let gone = report(&scan_json_at(d, state, &[]));
    let pinned = gone["drift"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["checkId"] == "PLM-K8S-0026")
        .unwrap_or_else(|| panic!("{}", gone["drift"]));
    assert!(
        pinned["message"].as_str().unwrap().contains("web:1.1"),
        "{pinned}"
    );
    assert_eq!(pinned["firstSeen"], started1.as_str(), "{pinned}");
    write(
        d,
        "k8s/web.yaml",
        &WEB.replace("web:1.0", "web:1.1")
            .replace("privileged: true", "privileged: false")
            .replace("first-s3cret-value", "second-s3cret-value"),
    );

    // History, newest first, with counts; --keep prunes.
    let runs = history_at(d, state);
    let ids: Vec<i64> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [6, 5, 4, 3, 2, 1]);
    assert_eq!(runs[5]["failed"], r1["summary"]["failed"]);
    let table = run(d, &["history", "--state", state, "--scope", "k8s"]);
    assert!(table.stdout.contains("6 runs in"), "{}", table.stdout);
    let none = run(
        d,
        &["history", "--state", state, "--scope", "no-such-scope"],
    );
    assert!(none.stdout.contains("0 runs in"));
    let kept = scan_json_at(d, state, &["--keep", "2"]);
    assert_eq!(kept.code, 1);
    let runs = history_at(d, state);
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert_eq!(backend.integrity(d), "ok");
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
    concurrent_runs(&Backend::sqlite(), 4);
}

/// Fifty scanners at once into one PostgreSQL database, half of them on one scope: no run is
/// lost and none deadlocks.
#[test]
fn fifty_concurrent_runs_into_postgres_are_all_recorded() {
    concurrent_runs(&Backend::postgres(), 50);
}

fn concurrent_runs(backend: &Backend, n: usize) {
    let state = backend.state.as_str();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    write(d, "k8s/job.yaml", JOB);
    let children: Vec<_> = (0..n)
        .map(|i| {
            bin_command(
                d,
                &[
                    "scan",
                    if i % 2 == 0 { "k8s" } else { "k8s/web.yaml" },
                    "--no-config",
                    "--state",
                    state,
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
    let out = run(
        d,
        &[
            "history", "--state", state, "--format", "json", "--limit", "1000",
        ],
    );
    let runs: Value = serde_json::from_str(&out.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), n, "every run recorded");
    let scopes: std::collections::BTreeSet<&str> =
        runs.iter().map(|r| r["scope"].as_str().unwrap()).collect();
    assert_eq!(scopes.len(), 2.min(n));
    assert_eq!(backend.integrity(d), "ok");
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
    killed_while_writing(&Backend::sqlite());
}

#[test]
fn a_run_killed_while_writing_to_postgres_leaves_the_previous_run_intact() {
    killed_while_writing(&Backend::postgres());
}

fn killed_while_writing(backend: &Backend) {
    let state = backend.state.as_str();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json_at(d, state, &[]).code, 1);
    write(d, "k8s/job.yaml", JOB);
    let mut child = bin_command(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            state,
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
    assert_eq!(backend.integrity(d), "ok");
    let runs = history_at(d, state);
    assert_eq!(
        runs.as_array().unwrap().len(),
        1,
        "the killed run left nothing"
    );
    // The next run compares with the intact first run.
    let next = report(&scan_json_at(d, state, &[]));
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
    // One per workload (cronjob.yaml, cronjob-fleet.yaml, cronjob-aws-organization.yaml,
    // node-scan.yaml).
    assert_eq!(
        failing,
        [
            "PLM-K8S-0026",
            "PLM-K8S-0026",
            "PLM-K8S-0026",
            "PLM-K8S-0026"
        ],
        "{}",
        out.stdout
    );
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

/// PostgreSQL's faults, for real: a wrong password, a connection without the TLS the server
/// requires, a server certificate the client does not trust, a misspelt parameter. Each is one
/// clear line naming the store without its password, exit 2; libpq's password file works.
#[test]
fn postgres_connection_faults_are_clear_and_keep_the_password_out() {
    use support::postgres::{PASSWORD, Postgres};
    let pg = Postgres::shared();
    let db = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    let good = pg.url(&db);
    let untrusted = good.split("&sslrootcert").next().unwrap().to_string();
    let cases = [
        (
            good.replace(PASSWORD, "typo-s3cret"),
            "password authentication failed",
        ),
        (
            good.replace("sslmode=verify-full", "sslmode=disable"),
            "no encryption",
        ),
        (untrusted, "certificate"),
        (
            format!("{good}&sslmdoe=require"),
            "unknown parameter \"sslmdoe\"",
        ),
    ];
    for (url, needle) in &cases {
        let out = run(
            d,
            &[
                "scan",
                "k8s",
                "--no-config",
                "--state",
                url,
                "-o",
                "/dev/null",
            ],
        );
        assert_exit(&out, 2, needle);
        assert!(
            out.stderr.contains("postgres://postgres:***@localhost:"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
        assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    }
    // No password in the URL: PGPASSFILE supplies it, as for libpq.
    let passfile = d.join("pgpass");
    std::fs::write(
        &passfile,
        format!("localhost:{}:{db}:postgres:{PASSWORD}\n", pg.port),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut scan = bin_command(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            &good.replace(&format!(":{PASSWORD}@"), "@"),
            "-o",
            "/dev/null",
            "--exit-zero",
        ],
    );
    scan.env("PGPASSFILE", &passfile);
    let out = support::bin::output(&mut scan);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(history_at(d, &good).as_array().unwrap().len(), 1);
}

/// A writer of the same scope holding its lock: the run waits --state-wait, then fails
/// clearly, after writing its report.
#[test]
fn a_postgres_store_locked_by_a_writer_of_the_scope_fails_clearly() {
    let backend = Backend::postgres();
    let state = backend.state.as_str();
    let (pg, db) = backend.pg.as_ref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    let first = report(&scan_json_at(d, state, &[]));
    let scope = first["drift"]["scope"]
        .as_str()
        .unwrap()
        .replace('\'', "''");
    let mut holder = pg
        .psql_command(
            db,
            &format!(
                "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('{scope}', 0)); \
                 SELECT pg_sleep(60);"
            ),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while pg
        .psql(
            db,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .unwrap()
        .trim()
        == "0"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the holder never locked"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = run(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            state,
            "--state-wait",
            "1",
            "-o",
            "report.txt",
        ],
    );
    assert_exit(&out, 2, "is locked by another plimsoll run");
    assert!(d.join("report.txt").is_file());
    let _ = holder.kill();
    let _ = holder.wait();
    pg.psql(
        db,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()",
    )
    .unwrap();
    assert_eq!(history_at(d, state).as_array().unwrap().len(), 1);
}

/// The roles docs/fleet.md tells operators to create, made from that very SQL: the owner's
/// first run creates the schema, the writer (no CREATE privilege) records, the reader lists
/// and cannot record.
#[test]
fn the_documented_postgres_roles_write_and_read() {
    let pg = support::postgres::Postgres::shared();
    let doc = std::fs::read_to_string(root().join("docs/fleet.md")).unwrap();
    let sql = doc
        .split("```sql\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("an sql block in docs/fleet.md");
    let (create, grant) = sql
        .split_once(
            "-- Connected to the plimsoll database as plimsoll_owner, after the first run made \
             the tables:\n",
        )
        .expect("the grants part");
    let mut create = create.to_string();
    for who in ["owner", "writer", "reader"] {
        create = create.replacen("PASSWORD '...'", &format!("PASSWORD '{who}-pw'"), 1);
    }
    pg.script_as("postgres", "postgres", &create).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/web.yaml", WEB);
    let scan = |user: &str| {
        run(
            d,
            &[
                "scan",
                "k8s",
                "--no-config",
                "--state",
                &pg.url_as(
                    user,
                    &format!("{}-pw", user.trim_start_matches("plimsoll_")),
                    "plimsoll",
                ),
                "-o",
                "/dev/null",
                "--exit-zero",
            ],
        )
    };
    let owner = scan("plimsoll_owner");
    assert_eq!(owner.code, 0, "{}", owner.stderr);
    pg.script_as("plimsoll_owner", "plimsoll", grant).unwrap();
    write(d, "k8s/job.yaml", JOB);
    let writer = scan("plimsoll_writer");
    assert_eq!(writer.code, 0, "{}", writer.stderr);
    let reader_url = pg.url_as("plimsoll_reader", "reader-pw", "plimsoll");
    let runs = history_at(d, &reader_url);
    assert_eq!(runs.as_array().unwrap().len(), 2);
    let reader = scan("plimsoll_reader");
    assert_exit(&reader, 2, "permission denied");
    assert!(!reader.stderr.contains("reader-pw"), "{}", reader.stderr);
}

/// The shared store is down: the run is judged without history, its reports are written and
/// it is kept in the spool; `--fail-on new` cannot be judged and says so (exit 2, after
/// writing and spooling). The next run that reaches the store delivers the spooled runs first,
/// oldest first, then records itself, so the history is in the order the runs happened.
#[test]
fn runs_spooled_while_postgres_is_down_are_delivered_in_order() {
    let pg = support::postgres::Owned::start();
    let db = pg.database();
    let url = pg.url(&db);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spool = d.join("spool");
    let spool_s = spool.to_str().unwrap();
    write(d, "k8s/web.yaml", WEB);
    let first = scan_json_at(d, &url, &["--spool", spool_s]);
    assert_eq!(first.code, 1, "{}", first.stderr);

    pg.stop_immediately();
    write(d, "k8s/job.yaml", JOB);
    let down = scan_json_at(d, &url, &["--spool", spool_s, "--state-wait", "5"]);
    assert_eq!(
        down.code, 1,
        "findings decide, as without a store: {}",
        down.stderr
    );
    assert!(down.stderr.contains("kept in the spool"), "{}", down.stderr);
    assert!(!down.stderr.contains(support::postgres::PASSWORD));
    let r = report(&down);
    assert!(r["drift"].is_null(), "nothing was compared: {}", r["drift"]);
    let gated = run(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            &url,
            "--spool",
            spool_s,
            "--state-wait",
            "5",
            "--fail-on",
            "new",
            "-o",
            "gated.txt",
        ],
    );
    assert_exit(&gated, 2, "which findings are new cannot be told");
    assert!(d.join("gated.txt").is_file(), "the report is written");
    let listed = run(d, &["spool", "--spool", spool_s, "--format", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(support::postgres::PASSWORD));
    // The spool holds what the store would: no secret value.
    for f in std::fs::read_dir(&spool).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains("s3cret"));
    }

    pg.start_again();
    let back = scan_json_at(d, &url, &["--spool", spool_s]);
    assert_eq!(back.code, 1, "{}", back.stderr);
    assert!(
        back.stderr
            .contains("delivered 2 earlier runs from the spool"),
        "{}",
        back.stderr
    );
    let runs = history_at(d, &url);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 4, "{runs:#?}");
    let started: Vec<&str> = runs
        .iter()
        .rev()
        .map(|r| r["startedAt"].as_str().unwrap())
        .collect();
    let mut sorted = started.clone();
    sorted.sort();
    assert_eq!(started, sorted, "recorded in the order they ran");
    let r = report(&back);
    assert_eq!(r["drift"]["previousRun"]["id"], runs[1]["id"]);
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0);
}

/// The server dies while the run is being written: the run is spooled, and delivered once by
/// `plimsoll spool --deliver`, even when delivered again (a key per run).
#[test]
fn a_run_cut_off_by_a_dying_postgres_is_spooled_and_recorded_once() {
    let pg = support::postgres::Owned::start();
    let db = pg.database();
    let url = pg.url(&db);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spool = d.join("spool");
    let spool_s = spool.to_str().unwrap();
    write(d, "k8s/web.yaml", WEB);
    assert_eq!(scan_json_at(d, &url, &["--spool", spool_s]).code, 1);
    let mut child = bin_command(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--state",
            &url,
            "--spool",
            spool_s,
            "-o",
            "/dev/null",
        ],
    )
    .env("PLIMSOLL_TEST_HOLD_STATE_WRITE_MS", "3000")
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("child still running").unwrap();
        if line.contains("holding the state transaction") {
            break;
        }
    }
    pg.stop_immediately();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("kept in the spool")),
        "{rest:?}"
    );
    let file = std::fs::read_dir(&spool)
        .unwrap()
        .next()
        .expect("one spooled run")
        .unwrap()
        .path();
    let copy = std::fs::read(&file).unwrap();

    pg.start_again();
    let deliver = ["spool", "--deliver", "--state", &url, "--spool", spool_s];
    let out = run(d, &deliver);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Delivered 1 run to"), "{}", out.stdout);
    assert_eq!(history_at(d, &url).as_array().unwrap().len(), 2);
    // The same run again (the store died after committing, before the file was removed).
    std::fs::write(&file, copy).unwrap();
    let again = run(d, &deliver);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        history_at(d, &url).as_array().unwrap().len(),
        2,
        "recorded once"
    );
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0);
}

/// `plimsoll fleet` over a store holding several scopes: one row per scope with its last run,
/// the pass rate of its benchmark controls, the failing controls, the findings new since its
/// previous run (none on a first run), quiet scopes flagged; `--matrix` and `--trend`. On
/// both backends.
#[test]
fn the_fleet_view_sums_up_every_scope_in_sqlite() {
    fleet_view(&Backend::sqlite());
}

#[test]
fn the_fleet_view_sums_up_every_scope_in_postgres() {
    fleet_view(&Backend::postgres());
}

fn fleet_view(backend: &Backend) {
    let state = backend.state.as_str();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/web.yaml", WEB);
    write(d, "b/job.yaml", JOB);
    let scan = |input: &str| {
        let out = run(
            d,
            &[
                "scan",
                input,
                "--no-config",
                "--state",
                state,
                "--benchmark",
                "cis-kubernetes-1.12",
                "-o",
                "/dev/null",
                "--exit-zero",
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    scan("a");
    scan("b");
    write(
        d,
        "a/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  containers:\n  - name: sh\n    image: busybox:1.36\n    securityContext: {privileged: true}\n",
    );
    scan("a");
    // Scope b last ran long ago.
    backend.exec(
        d,
        "UPDATE runs SET started_at = '2020-01-01T00:00:00Z' WHERE scope LIKE '%/b'",
    );

    let fleet = |extra: &[&str]| -> Value {
        let out = run(
            d,
            &[&["fleet", "--state", state, "--format", "json"], extra].concat(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let rows = fleet(&[]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let (a, b) = (&rows[0], &rows[1]);
    assert!(a["scope"].as_str().unwrap().ends_with("/a"));
    assert_eq!(a["benchmark"], "cis-kubernetes-1.12");
    assert_eq!(a["passRateOf"], "controls");
    let rate = a["passRate"].as_f64().unwrap();
    assert!(rate > 0.0 && rate < 100.0, "{a}");
    assert!(
        a["failingControls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "5.2.2"),
        "{a}"
    );
    assert!(
        a["new"].as_i64().unwrap() > 0,
        "the debug pod's findings are new: {a}"
    );
    assert_eq!(a["quiet"], false);
    assert_eq!(b["new"], 0, "a first run is its baseline");
    assert_eq!(b["quiet"], true);

    let table = run(d, &["fleet", "--state", state]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("QUIET"), "{}", table.stdout);
    assert!(table.stdout.contains("2 scopes in"), "{}", table.stdout);

    let m = fleet(&["--matrix"]);
    assert_eq!(m["scopes"].as_array().unwrap().len(), 2);
    let row = &m["controls"]["cis-kubernetes-1.12 5.2.2"];
    assert_eq!(row[a["scope"].as_str().unwrap()], "FAIL", "{m}");

    let t = fleet(&["--trend", "5"]);
    assert_eq!(t[a["scope"].as_str().unwrap()].as_array().unwrap().len(), 2);
    assert_eq!(t[b["scope"].as_str().unwrap()].as_array().unwrap().len(), 1);
}

/// A CronJob of deploy/kubernetes as the command it runs here: its arguments (`map_arg` may
/// replace one with others) and environment, with /var/lib/plimsoll under `d`, the Secret's
/// password and the store's URL pointed at the test PostgreSQL (`db`).
fn cronjob_command(
    file: &str,
    d: &Path,
    db: &str,
    map_arg: &dyn Fn(&str) -> Option<Vec<String>>,
) -> Command {
    use support::postgres::{PASSWORD, Postgres};
    let pg = Postgres::shared();
    let text = std::fs::read_to_string(root().join("deploy/kubernetes").join(file)).unwrap();
    let cronjob: Value = text
        .split("\n---")
        .map(|d| yaml_serde::from_str::<Value>(d).unwrap())
        .find(|d| d["kind"] == "CronJob")
        .unwrap();
    let container = &cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let var = d.join("var");
    let local = |s: &str| s.replace("/var/lib/plimsoll", var.to_str().unwrap());
    let args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            let a = a.as_str().unwrap();
            map_arg(a).unwrap_or_else(|| vec![local(a)])
        })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = bin_command(d, &args);
    for e in container["env"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let value = match name {
            "PGPASSWORD" => {
                assert_eq!(e["valueFrom"]["secretKeyRef"]["name"], "plimsoll-db");
                PASSWORD.to_string()
            }
            "PLIMSOLL_STATE" => {
                let url = e["value"].as_str().unwrap();
                assert!(!url.contains(":*@") && url.contains("sslmode=verify-full"));
                url.replace("plimsoll_writer@", "postgres@")
                    .replace(
                        "plimsoll-db.example.internal:5432",
                        &format!("localhost:{}", pg.port),
                    )
                    .replace("/plimsoll?", &format!("/{db}?"))
                    .replace("/etc/plimsoll/db/ca.crt", pg.ca().to_str().unwrap())
            }
            // From an optional ConfigMap this test cluster does not have: unset, as in a
            // cluster without it.
            "PLIMSOLL_PUSHGATEWAY" => {
                assert_eq!(e["valueFrom"]["configMapKeyRef"]["optional"], true);
                continue;
            }
            _ => local(e["value"].as_str().unwrap()),
        };
        cmd.env(name, value);
    }
    cmd
}

/// The fleet CronJob's arguments and environment (deploy/kubernetes/cronjob-fleet.yaml), run
/// against the test API server and the test PostgreSQL, record a run the fleet view lists.
#[test]
fn the_fleet_cronjob_records_into_postgres() {
    use support::apiserver::{ApiServer, Behaviour, Cluster, TOKEN};
    use support::postgres::{PASSWORD, Postgres};
    let pg = Postgres::shared();
    let db = pg.database();
    let server = ApiServer::start(
        Cluster::from_dir(&root().join("fixtures/cluster")),
        Behaviour::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kubeconfig = server.kubeconfig(d, &[("prod", TOKEN)]);
    let mut cmd = cronjob_command("cronjob-fleet.yaml", d, &db, &|a| {
        (a == "--in-cluster")
            .then(|| vec!["--kubeconfig".to_string(), kubeconfig.display().to_string()])
    });
    let out = support::bin::output(&mut cmd);
    assert_eq!(
        out.code, 1,
        "the fixture cluster has high findings: {}",
        out.stderr
    );
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    assert!(d.join("var/reports/prod.json").is_file());
    let fleet = run(d, &["fleet", "--state", &pg.url(&db), "--format", "json"]);
    let rows: Value = serde_json::from_str(&fleet.stdout).unwrap();
    assert_eq!(rows[0]["benchmark"], "cis-kubernetes-1.12", "{rows}");
    assert!(
        rows[0]["scope"].as_str().unwrap().contains("prod"),
        "{rows}"
    );
}

/// The AWS organisation's CronJob (deploy/kubernetes/cronjob-aws-organization.yaml), its own
/// arguments and environment run against moto (an organization of two members, the caller as
/// management account) and the test PostgreSQL: every account is a row of the fleet view,
/// with the benchmark's pass rate, and the member with mutable tags fails.
#[test]
fn the_aws_organization_cronjob_records_each_account_into_postgres() {
    use support::moto::Moto;
    use support::postgres::{PASSWORD, Postgres};
    let moto = Moto::start();
    let members = moto.organization(2);
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    moto.repositories(&refs);
    let pg = Postgres::shared();
    let db = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cmd = cronjob_command("cronjob-aws-organization.yaml", d, &db, &|a| {
        // The web identity of IRSA becomes moto's keys; requests go to moto.
        (a == "--organization").then(|| {
            vec![
                a.to_string(),
                "--endpoint-url".to_string(),
                moto.url.clone(),
            ]
        })
    });
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let out = support::bin::output(&mut cmd);
    assert_eq!(out.code, 1, "a member fails PLM-ECR-0002: {}", out.stderr);
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    assert!(d.join("var/reports/aws-organization.json").is_file());
    let fleet = run(d, &["fleet", "--state", &pg.url(&db), "--format", "json"]);
    assert_eq!(fleet.code, 0, "{}", fleet.stderr);
    let rows: Value = serde_json::from_str(&fleet.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let mut scopes: Vec<&str> = rows.iter().map(|r| r["scope"].as_str().unwrap()).collect();
    scopes.sort();
    let mut expected: Vec<String> = members
        .iter()
        .chain(std::iter::once(&"123456789012".to_string()))
        .map(|a| format!("aws:{a}/eu-west-1,us-east-1@aws account {a}"))
        .collect();
    expected.sort();
    assert_eq!(scopes, expected);
    assert!(
        rows.iter().all(|r| r["benchmark"] == "aws-fsbp-containers"),
        "{rows:?}"
    );
    // Only the member with mutable image tags fails ECR.2 (both fail the ECR controls their
    // seeded repositories do not meet; the management account has no repository).
    let mutable: Vec<&str> = rows
        .iter()
        .filter(|r| {
            r["failingControls"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "ECR.2")
        })
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    assert_eq!(mutable.len(), 1, "{rows:?}");
    assert!(mutable[0].contains(&members[0]), "{rows:?}");
}

/// A PostgreSQL store written with schema 5 (a row per finding) is converted when a newer
/// Plimsoll first opens it: every run keeps its findings with their texts, statuses and
/// first-seen times, each run is given its count of new findings, and the per-finding
/// tables are gone. (The SQLite conversion has the same unit test in `sqlite.rs`.)
#[test]
fn a_schema_5_postgres_store_keeps_every_finding_through_the_upgrade() {
    let pg = support::postgres::Postgres::shared();
    let db = pg.database();
    let mut sql = String::new();
    for m in &plimsoll::drift::store::postgres_migrations()[..5] {
        sql.push_str(m);
        sql.push_str(";\n");
    }
    sql.push_str(
        "CREATE TABLE plimsoll_schema (version INTEGER NOT NULL);
         INSERT INTO plimsoll_schema VALUES (5);
         INSERT INTO runs (id, scope, started_at, recorded_at, tool_version, policy_digest,
             sources, resources, passed, failed, waived, not_assessed, errors,
             failed_by_severity, finding_set) OVERRIDING SYSTEM VALUE
         VALUES (1, 'a', '2026-12-01T00:00:00Z', 't', '0', 'p', '[]', 1, 0, 1, 1, 0, 0, '{}', NULL),
                (2, 'a', '2026-12-02T00:00:00Z', 't', '0', 'p', '[]', 1, 0, 2, 0, 0, 0, '{}', 'S2'),
                (3, 'a', '2026-12-03T00:00:00Z', 't', '0', 'p', '[]', 1, 0, 0, 0, 0, 0, '{}', 'S3');
         INSERT INTO run_findings VALUES (1, '0000000000000001', 'FAIL'),
                                         (1, '0000000000000002', 'WAIVED');
         INSERT INTO set_findings VALUES ('a', 'S2', '0000000000000001', 'FAIL'),
                                         ('a', 'S2', '0000000000000003', 'FAIL');
         INSERT INTO findings VALUES
           ('a', '0000000000000001', 'PLM-K8S-0001', 'r1', 'high', 'one', '2026-12-01T00:00:00Z', NULL),
           ('a', '0000000000000002', 'PLM-K8S-0002', 'r2', 'low', 'two', '2026-12-01T00:00:00Z', NULL),
           ('a', '0000000000000003', 'PLM-K8S-0003', 'r3', 'medium', 'three', '2026-12-02T00:00:00Z', NULL);",
    );
    pg.psql(&db, &sql).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = pg.url(&db);
    let json = |a: &str, b: &str| -> Value {
        let out = run(d, &["diff", "--state", &state, a, b, "--format", "json"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    // Run 1 (recorded before sets) to run 2: the third finding is new, with its text.
    let v = json("1", "2");
    let new = v["findings"]["new"].as_array().unwrap();
    assert_eq!(new.len(), 1, "{v}");
    assert_eq!(new[0]["message"], "three");
    assert_eq!(new[0]["firstSeen"], "2026-12-02T00:00:00Z");
    // Run 2 to run 3 (nothing failing): both of run 2's findings resolved, texts kept.
    let v = json("2", "3");
    let mut resolved: Vec<&str> = v["findings"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    resolved.sort();
    assert_eq!(resolved, ["one", "three"], "{v}");
    assert_eq!(
        pg.psql(
            &db,
            "SELECT string_agg(coalesce(new_findings::text, '-'), ',' ORDER BY id) FROM runs"
        )
        .unwrap()
        .trim(),
        "-,1,0"
    );
    assert_eq!(
        pg.psql(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname IN
               ('findings', 'set_findings', 'run_findings', 'all_run_findings')"
        )
        .unwrap()
        .trim(),
        "0"
    );
    // The packed values' storage: texts compressed with lz4 (Debian's server has it), sets
    // as they are ('l': lz4; 'e': external, uncompressed).
    assert_eq!(
        pg.psql(
            &db,
            "SELECT string_agg(attname || '=' || attcompression::text || attstorage::text, ',' ORDER BY attname)
             FROM pg_attribute WHERE attname IN ('texts', 'marks')
               AND attrelid IN ('finding_texts'::regclass, 'finding_sets'::regclass)"
        )
        .unwrap()
        .trim(),
        "marks=e,texts=lx"
    );
}

/// A run is committed only once its reports are written (the store's transaction is prepared
/// while they are): a report that cannot be written leaves the store as it was, on both
/// backends, since a recorded run would make its findings known to the next run though no one
/// saw them.
#[test]
fn a_run_whose_report_cannot_be_written_is_not_recorded() {
    for backend in [Backend::sqlite(), Backend::postgres()] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let state = backend.state.as_str();
        write(d, "k8s/web.yaml", WEB);
        assert_eq!(scan_json_at(d, state, &[]).code, 1);
        write(d, "k8s/job.yaml", JOB);
        // The report's directory is a file: the report cannot be written.
        write(d, "blocked", "");
        let out = scan_json_at(d, state, &["-o", "blocked/report.json"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("blocked/report.json"), "{}", out.stderr);
        assert_eq!(
            history_at(d, state).as_array().unwrap().len(),
            1,
            "nothing recorded"
        );
        // The next run that writes its report compares with the first: the Job is new.
        let next = scan_json_at(d, state, &[]);
        assert_eq!(next.code, 1, "{}", next.stderr);
        assert!(
            report(&next)["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["baselineState"] == "new" && f["resource"]["name"] == "once"),
            "{}",
            next.stdout
        );
        assert_eq!(history_at(d, state).as_array().unwrap().len(), 2);
    }
}
