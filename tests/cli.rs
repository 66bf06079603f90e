//! End-to-end tests of the real binary: every exit code of the contract in
//! `docs/exit-codes.md`, bad input, stdin, snapshots, JSON shape, redaction, user policies,
//! the execution limit and NOT_ASSESSED.

// Test code: a failed setup step should panic with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    // Every run gets an empty state directory: these tests compare single runs, and must
    // never write into the developer's own run history.
    let state = tempfile::tempdir().expect("state dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(dir)
        .env("XDG_STATE_HOME", state.path())
        .env_remove("PLIMSOLL_STATE")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("binary finishes");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Out {
    run_in(&root(), args, None)
}

fn json(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p
}

const HARDENED: &str = "apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: shop}
spec:
  automountServiceAccountToken: false
  serviceAccountName: app
  securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: ghcr.io/acme/app:1.0@sha256:4bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d04bb7e2d0
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
    resources: {requests: {cpu: 10m, memory: 16Mi, ephemeral-storage: 16Mi}, limits: {cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi}}
";

const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: shop}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
";

// ---- exit code 0 and 1, the gate -------------------------------------------------------

#[test]
fn demo_has_findings_and_exits_1_with_a_table() {
    let out = run(&["scan", "fixtures/demo"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("PLM-K8S-0001"), "{}", out.stdout);
    assert!(
        out.stdout.contains("fixtures/demo/legacy.yaml:"),
        "locations in the table"
    );
    assert!(
        out.stdout.contains("Scanned 15 resources"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("\u{1b}["),
        "no colour when not a terminal"
    );
}

#[test]
fn compliant_input_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ok.yaml", HARDENED);
    let out = run_in(dir.path(), &["scan", "ok.yaml", "--format", "json"], None);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report = json(&out);
    assert_eq!(report["summary"]["failed"], 0);
    assert!(report["summary"]["passed"].as_u64().unwrap_or(0) > 20);
}

#[test]
fn fail_on_threshold_and_exit_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bad.yaml", PRIVILEGED);
    // Highest severity here is high (privileged): critical threshold passes, high fails.
    assert_eq!(
        run_in(
            dir.path(),
            &["scan", "bad.yaml", "--fail-on", "critical"],
            None
        )
        .code,
        0
    );
    assert_eq!(
        run_in(dir.path(), &["scan", "bad.yaml", "--fail-on", "high"], None).code,
        1
    );
    assert_eq!(
        run_in(dir.path(), &["scan", "bad.yaml"], None).code,
        1,
        "default: any failure fails"
    );
    assert_eq!(
        run_in(dir.path(), &["scan", "bad.yaml", "--exit-zero"], None).code,
        0
    );
    let out = run_in(
        dir.path(),
        &["scan", "bad.yaml", "--fail-on", "severe"],
        None,
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("expected a severity (info, low, medium, high, critical)"),
        "{}",
        out.stderr
    );
}

// ---- exit code 2: usage, configuration, policy ---------------------------------------------

#[test]
fn usage_errors_exit_2_with_one_clear_line() {
    let out = run(&["scan", "fixtures/demo", "--no-such-flag"]);
    assert_eq!(out.code, 2);
    let out = run(&["scan", "fixtures/demo", "--benchmark", "cis-nonsense-9"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "unknown benchmark \"cis-nonsense-9\"; available: aws-fsbp-containers, cis-aws-compute-1.1-ecs, cis-docker-1.8, cis-eks-1.8, cis-kubernetes-1.12"
        ),
        "{}",
        out.stderr
    );
    let out = run(&["scan", "fixtures/demo", "--level", "1"]);
    assert_eq!(out.code, 2, "--level needs --benchmark");
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--benchmark",
        "cis-kubernetes-1.12",
        "--level",
        "3",
    ]);
    assert_eq!(out.code, 2);
    let out = run(&["scan", "fixtures/demo", "--check", "PLM-K8S-9999"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("PLM-K8S-9999: no such check"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_policy_directories_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_in(
        dir.path(),
        &["scan", "-", "--policies", "missing-dir"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim(),
        "error: missing-dir: policy directory not found"
    );

    write(
        dir.path(),
        "p1/x/policy.rego",
        "# METADATA\n# title: X\n# custom:\n#   id: ACME-0001\n#   severity: severe\n#   kinds: [kubernetes/Pod]\n#   remediation: r\npackage acme.x\n",
    );
    let out = run_in(
        dir.path(),
        &["scan", "-", "--policies", "p1"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("p1/x/policy.rego:5: custom.severity: unknown severity \"severe\""),
        "{}",
        out.stderr
    );

    let good = "# METADATA\n# title: X\n# custom:\n#   id: ACME-0001\n#   severity: low\n#   kinds: [kubernetes/Pod]\n#   remediation: r\npackage acme.PKG\nimport rego.v1\ndeny contains \"x\" if false\n";
    write(dir.path(), "p2/a/policy.rego", &good.replace("PKG", "a"));
    write(dir.path(), "p2/b/policy.rego", &good.replace("PKG", "b"));
    let out = run_in(
        dir.path(),
        &["scan", "-", "--policies", "p2"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "p2/b/policy.rego:4: duplicate check id ACME-0001 (also defined in p2/a/policy.rego)"
        ),
        "{}",
        out.stderr
    );

    write(
        dir.path(),
        "p3/a/policy.rego",
        &good
            .replace("PKG", "a")
            .replace("#   remediation: r", "#   remediation: r\n#   owner: me"),
    );
    let out = run_in(
        dir.path(),
        &["scan", "-", "--policies", "p3"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("p3/a/policy.rego:") && out.stderr.contains("unknown field `owner`"),
        "{}",
        out.stderr
    );

    write(
        dir.path(),
        "p4/a/policy.rego",
        &good
            .replace("PKG", "a")
            .replace("if false", "if {\n  input.kind ==\n}"),
    );
    let out = run_in(
        dir.path(),
        &["scan", "-", "--policies", "p4"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    // One line naming file, line and column first, then the excerpt.
    let first = out.stderr.lines().next().unwrap_or("");
    assert!(
        first.contains("p4/a/policy.rego:12:1: expecting expression"),
        "compile errors name the file and line first: {}",
        out.stderr
    );

    // `gate.failOn: new` with nothing to compare against names the line that asked for it.
    write(dir.path(), "gated/plimsoll.yaml", "gate:\n  failOn: new\n");
    let out = run_in(
        &dir.path().join("gated"),
        &["scan", "-", "--no-state"],
        Some(HARDENED),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("plimsoll.yaml:2") && out.stderr.contains("needs a baseline"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_runaway_policy_becomes_an_error_finding_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "slow/spin/policy.rego",
        "# METADATA\n# title: Spins\n# custom:\n#   id: ACME-0002\n#   severity: low\n#   kinds: [kubernetes/Pod]\n#   remediation: r\npackage acme.spin\nimport rego.v1\n\
         deny contains \"never\" if {\n  r := numbers.range(1, 20000)\n  count([1 | some i in r; some j in r; i * j == -1]) > 0\n}\n",
    );
    write(dir.path(), "pod.yaml", HARDENED);
    let report = broken_user_checks(
        dir.path(),
        "pod.yaml",
        "slow",
        &["--check", "ACME-0002", "--eval-timeout", "0.2"],
    );
    let f = &report["findings"][0];
    assert_eq!(f["status"], "ERROR");
    assert_eq!(f["checkId"], "ACME-0002");
    assert!(
        f["message"].as_str().unwrap_or("").contains("policy error"),
        "{f}"
    );
    assert_eq!(report["summary"]["errors"], 1);

    // Evaluated together with another check on the same resource, the runaway one must not
    // mask it: the other check still reports its finding.
    write(dir.path(), "bad.yaml", PRIVILEGED);
    let report = broken_user_checks(
        dir.path(),
        "bad.yaml",
        "slow",
        &[
            "--check",
            "ACME-0002",
            "--check",
            "PLM-K8S-0001",
            "--eval-timeout",
            "0.2",
        ],
    );
    let statuses: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["checkId"].as_str().unwrap_or("").to_string(),
                f["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&("PLM-K8S-0001".into(), "FAIL".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("ACME-0002".into(), "ERROR".into())),
        "{statuses:?}"
    );
}

/// `plimsoll scan FILE --policies DIR EXTRA... --format json` where a user check breaks: exit 2,
/// and the JSON report (every other check still reports in it).
fn broken_user_checks(dir: &Path, file: &str, policies: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["scan", file, "--policies", policies];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    let out = run_in(dir, &args, None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    json(&out)
}

/// A user check on Pods: METADATA with `id`, package `acme.PKG`, then `rules`.
fn user_check(id: &str, pkg: &str, rules: &str) -> String {
    format!(
        "# METADATA\n# title: {pkg}\n# custom:\n#   id: {id}\n#   severity: low\n#   kinds: [kubernetes/Pod]\n#   remediation: r\npackage acme.{pkg}\nimport rego.v1\n{rules}"
    )
}

/// Whether PLM-K8S-0001 still reported its FAIL beside a broken user check.
fn privileged_still_fails(findings: &[serde_json::Value]) -> bool {
    findings
        .iter()
        .any(|f| f["checkId"] == "PLM-K8S-0001" && f["status"] == "FAIL")
}

/// A user rule that calls itself would recurse until the stack overflows (an abort with no
/// message): the check is an ERROR naming its file and line, exit 2, and the others report.
#[test]
fn a_recursive_user_policy_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rec/loop/policy.rego",
        &user_check(
            "ACME-0003",
            "loop",
            "deny contains \"never\" if {\n  depth(input.metadata.name) > 0\n}\n\
             depth(x) := n if {\n  n := deeper(x) + 1\n}\n\
             deeper(x) := depth(x)\n",
        ),
    );
    write(dir.path(), "bad.yaml", PRIVILEGED);
    let report = broken_user_checks(
        dir.path(),
        "bad.yaml",
        "rec",
        &["--check", "ACME-0003", "--check", "PLM-K8S-0001"],
    );
    let findings = report["findings"].as_array().expect("findings");
    let error = findings
        .iter()
        .find(|f| f["checkId"] == "ACME-0003")
        .expect("an ACME-0003 finding");
    assert_eq!(error["status"], "ERROR", "{error}");
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("rec/loop/policy.rego:") && message.contains("recursive rule"),
        "{message}"
    );
    assert!(privileged_still_fails(findings), "{findings:?}");
}

/// A user policy that would allocate gigabytes in one call (`numbers.range(1, 2e8)`, a
/// `sprintf` width of a billion) is an ERROR for its check naming the call or the line, exit 2,
/// and the others report.
#[test]
fn user_policies_cannot_allocate_gigabytes_in_one_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "big/range/policy.rego",
        &user_check(
            "ACME-0005",
            "range",
            "deny contains \"x\" if {\n  count(numbers.range(1, 2e8)) > 0\n}\n",
        ),
    );
    write(
        dir.path(),
        "big/width/policy.rego",
        &user_check(
            "ACME-0006",
            "width",
            "deny contains msg if {\n  msg := sprintf(\"%0999999999d\", [1])\n}\n",
        ),
    );
    write(dir.path(), "bad.yaml", PRIVILEGED);
    let report = broken_user_checks(
        dir.path(),
        "bad.yaml",
        "big",
        &[
            "--check",
            "ACME-0005",
            "--check",
            "ACME-0006",
            "--check",
            "PLM-K8S-0001",
        ],
    );
    let findings = report["findings"].as_array().expect("findings");
    let message = |id: &str| -> String {
        findings
            .iter()
            .filter(|f| f["checkId"] == id && f["status"] == "ERROR")
            .map(|f| f["message"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(
        message("ACME-0005").contains("more than the 1000000"),
        "{findings:?}"
    );
    assert!(
        message("ACME-0006").contains("big/width/policy.rego:11")
            && message("ACME-0006").contains("999999999"),
        "{findings:?}"
    );
    assert!(privileged_still_fails(findings), "{findings:?}");
}

/// What no per-call bound catches, a policy building gigabytes from ordinary builtins over many
/// calls, is stopped by the process's memory ceiling: exit 2, one line naming the limit and what
/// was being evaluated (the resource; the check itself when it builds them from no input at all,
/// while loading), and no report (nor temporary file) from the unfinished run.
#[test]
fn the_memory_ceiling_stops_a_policy_that_builds_gigabytes() {
    for (name, item, names) in [
        (
            "[input.metadata.name, i]",
            "%s%09999d",
            "k8s/manifests/shop/Pod/bad",
        ),
        (
            "[i]",
            "%09999d",
            "ACME-0007 (big/strings/policy.rego) on an empty input",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let rule = format!(
            "deny contains \"x\" if {{\n  parts := [s | some i in numbers.range(1, 90000); s := sprintf(\"{item}\", {name})]\n  count(concat(\"\", parts)) > 0\n}}\n"
        );
        write(
            dir.path(),
            "big/strings/policy.rego",
            &user_check("ACME-0007", "strings", &rule),
        );
        write(dir.path(), "bad.yaml", PRIVILEGED);
        let out = run_in(
            dir.path(),
            &[
                "--max-memory-mib",
                "160",
                "scan",
                "bad.yaml",
                "--policies",
                "big",
                "--eval-timeout",
                "300",
                "--no-state",
                "-o",
                "report.json",
            ],
            None,
        );
        assert_eq!(out.code, 2, "{}", out.stderr);
        let line = out.stderr.trim();
        assert!(
            line.starts_with("error: resident memory reached")
                && line.contains("--max-memory-mib limit of 160 MiB")
                && line.contains(names),
            "{line}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("report"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

// ---- exit code 3: input ---------------------------------------------------------------------

#[test]
fn missing_path_and_empty_directory_exit_3_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    write(dir.path(), "empty/README.md", "not a manifest");
    let out = run_in(dir.path(), &["scan", "nope.yaml"], None);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr.trim(),
        "error: nope.yaml: no such file or directory"
    );
    let out = run_in(dir.path(), &["scan", "empty"], None);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr.trim(),
        "error: empty: no manifests (*.yaml, *.yml, *.json) found in this directory"
    );
}

#[test]
fn malformed_document_is_reported_and_everything_else_still_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "deploy/a-good.yaml", PRIVILEGED);
    write(
        dir.path(),
        "deploy/b-broken.yaml",
        &format!(
            "{HARDENED}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\n{}",
            PRIVILEGED.replace("name: bad", "name: bad2")
        ),
    );
    let out = run_in(dir.path(), &["scan", "deploy", "--format", "json"], None);
    assert_eq!(
        out.code, 3,
        "input errors win over findings: {}",
        out.stderr
    );
    let report = json(&out);
    let names: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["resource"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&"bad") && names.contains(&"bad2"),
        "documents after the broken one are scanned: {names:?}"
    );
    let issue = &report["collectionIssues"][0];
    assert_eq!(issue["level"], "error");
    assert_eq!(issue["file"], "deploy/b-broken.yaml");
    let line = issue["line"].as_u64().expect("line");
    assert!((19..=21).contains(&line), "line {line}: {issue}");
    assert!(
        out.stderr.contains("deploy/b-broken.yaml:"),
        "error also on stderr: {}",
        out.stderr
    );

    // The table names the file and line too.
    let out = run_in(dir.path(), &["scan", "deploy"], None);
    assert_eq!(out.code, 3);
    assert!(
        out.stdout.contains("Input errors (1):") && out.stdout.contains("deploy/b-broken.yaml:"),
        "{}",
        out.stdout
    );
}

#[test]
fn helm_template_hint_and_unreadable_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "t.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{ include \"x\" . }}\n",
    );
    let out = run_in(dir.path(), &["scan", "t.yaml", "--format", "json"], None);
    assert_eq!(out.code, 3);
    let report = json(&out);
    assert_eq!(report["resources"], serde_json::Value::Null);
    assert_eq!(
        report["scan"]["resources"], 0,
        "an unrendered template is not scanned as garbage"
    );
    let msg = report["collectionIssues"][0]["message"]
        .as_str()
        .unwrap_or("");
    assert!(
        msg.starts_with("t.yaml:4:") && msg.contains("helm template"),
        "{msg}"
    );
    // Quoted template strings (PrometheusRule annotations, Argo parameters) are ordinary values.
    write(
        dir.path(),
        "rule.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: Down\n      annotations: {summary: \"{{ $labels.instance }} is down\"}\n",
    );
    let out = run_in(dir.path(), &["scan", "rule.yaml"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);

    write(
        dir.path(),
        "new.json",
        "{\"kind\": \"PlimsollSnapshot\", \"schemaVersion\": 7, \"resources\": []}",
    );
    let out = run_in(dir.path(), &["scan", "new.json"], None);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("schemaVersion 7 is newer than this plimsoll supports"),
        "{}",
        out.stderr
    );
}

// ---- inputs, snapshots, outputs -------------------------------------------------------------

#[test]
fn stdin_input_like_helm_template_pipe() {
    let out = run_in(
        &root(),
        &["scan", "-", "--format", "json"],
        Some(PRIVILEGED),
    );
    assert_eq!(out.code, 1);
    let report = json(&out);
    let f = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["checkId"] == "PLM-K8S-0001")
        .cloned();
    let f = f.expect("privileged finding");
    assert_eq!(f["location"]["file"], "<stdin>");
    assert_eq!(f["location"]["line"], 9);
    assert_eq!(f["path"], "spec.containers[0].securityContext.privileged");
}

#[test]
fn collect_then_scan_snapshot_gives_the_same_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("snap.json");
    let out = run(&[
        "collect",
        "fixtures/demo",
        "-o",
        snap.to_str().expect("utf8"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Without run history: drift (first-seen times) is the one part that differs by design.
    let live = json(&run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--no-state",
    ]));
    let offline = json(&run(&[
        "scan",
        snap.to_str().expect("utf8"),
        "--format",
        "json",
        "--no-state",
    ]));
    assert_eq!(live["findings"], offline["findings"]);
    assert_eq!(live["summary"], offline["summary"]);
    let text = std::fs::read_to_string(&snap).expect("snapshot");
    let s: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(s["kind"], "PlimsollSnapshot");
    assert_eq!(s["schemaVersion"], 1);
    assert_eq!(s["resources"].as_array().map(Vec::len), Some(15));
}

#[test]
fn secrets_are_never_written_or_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("snap.json");
    run(&[
        "collect",
        "fixtures/demo",
        "-o",
        snap.to_str().expect("utf8"),
    ]);
    let table = run(&["scan", "fixtures/demo"]).stdout;
    let report = run(&["scan", "fixtures/demo", "--format", "json"]).stdout;
    let snapshot = std::fs::read_to_string(&snap).expect("snapshot");
    for secret in ["sk_live_do_not_print_me", "s3cr3t-in-plain-text"] {
        for (what, text) in [
            ("snapshot", &snapshot),
            ("table", &table),
            ("json", &report),
        ] {
            assert!(!text.contains(secret), "{secret} leaked into the {what}");
        }
    }
    assert!(snapshot.contains("<redacted>"));
}

#[test]
fn json_report_shape() {
    let out = run(&["scan", "fixtures/demo", "--format", "json"]);
    let r = json(&out);
    assert_eq!(r["schemaVersion"], 1);
    assert_eq!(r["tool"]["name"], "plimsoll");
    assert_eq!(r["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        r["scan"]["startedAt"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );
    let f = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["checkId"] == "PLM-K8S-0001")
        .cloned()
        .expect("finding");
    for key in [
        "checkId",
        "title",
        "severity",
        "status",
        "resource",
        "message",
        "path",
        "location",
        "cis",
        "remediation",
        "fingerprint",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["resource"]["kind"], "Deployment");
    assert_eq!(f["resource"]["namespace"], "legacy");
    assert_eq!(f["location"]["file"], "fixtures/demo/legacy.yaml");
    assert_eq!(f["location"]["line"], 32);
    let cis = f["cis"].as_array().expect("cis refs");
    assert!(
        cis.contains(
            &serde_json::json!({"benchmark": "cis-kubernetes-1.12", "control": "5.2.2", "level": 1})
        ),
        "{cis:?}"
    );
    assert!(
        cis.contains(
            &serde_json::json!({"benchmark": "cis-eks-1.8", "control": "4.2.1", "level": 1})
        ),
        "{cis:?}"
    );
    // Sorted by severity, most serious first.
    let ranks: Vec<u8> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| match f["severity"].as_str() {
            Some("critical") => 4,
            Some("high") => 3,
            Some("medium") => 2,
            Some("low") => 1,
            _ => 0,
        })
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] >= w[1]),
        "findings sorted by severity"
    );
}

#[test]
fn output_file_is_written_and_runs_are_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    for p in [&a, &b] {
        let out = run(&[
            "scan",
            "fixtures/demo",
            "--format",
            "json",
            "-o",
            p.to_str().expect("utf8"),
        ]);
        assert_eq!(out.code, 1);
        assert!(out.stdout.is_empty(), "report goes to the file only");
    }
    let strip = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json");
        v["scan"]["startedAt"] = serde_json::Value::Null;
        v["scan"]["durationMs"] = serde_json::Value::Null;
        // Each run here starts an empty history, so a finding is first seen when its run starts.
        for f in v["findings"].as_array_mut().expect("findings") {
            f["firstSeen"] = serde_json::Value::Null;
        }
        v
    };
    assert_eq!(strip(&a), strip(&b));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
}

#[test]
fn benchmark_level_selects_controls_and_reports_status() {
    let l1 = json(&run(&[
        "scan",
        "fixtures/demo",
        "--benchmark",
        "cis-kubernetes-1.12",
        "--level",
        "1",
        "--format",
        "json",
    ]));
    let l2 = json(&run(&[
        "scan",
        "fixtures/demo",
        "--benchmark",
        "cis-kubernetes-1.12",
        "--level",
        "2",
        "--format",
        "json",
    ]));
    // Sections 1-3: 67 level 1 + 5 level 2; Section 4: 24 + 1; Section 5: 26 + 8.
    assert_eq!(l1["compliance"]["summary"]["total"], 117);
    assert_eq!(l2["compliance"]["summary"]["total"], 131);
    let control = |r: &serde_json::Value, id: &str| {
        r["compliance"]["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
    };
    assert!(
        control(&l1, "5.2.7").is_none(),
        "level 2 control not in the level 1 profile"
    );
    assert_eq!(control(&l2, "5.2.2").expect("5.2.2")["status"], "FAIL");
    assert_eq!(control(&l2, "5.2.3").expect("5.2.3")["status"], "PASS");
    assert_eq!(control(&l2, "5.3.1").expect("5.3.1")["status"], "MANUAL");
    // Manifests without kubelet configuration: the kubelet controls are not assessed, and
    // node-file controls say which collector they wait for.
    let kubelet = control(&l2, "4.2.1").expect("4.2.1");
    assert_eq!(kubelet["status"], "NOT_ASSESSED");
    assert!(
        kubelet["reason"]
            .as_str()
            .expect("reason")
            .contains("no kubernetes/KubeletConfiguration in the input for its checks to judge")
    );
    let files = control(&l2, "4.1.1").expect("4.1.1");
    assert_eq!(files["status"], "NOT_ASSESSED");
    assert!(
        files["reason"]
            .as_str()
            .expect("reason")
            .contains("nothing from host was scanned")
    );
    // Level 1 runs only the checks mapped to level 1 controls.
    let l1_checks: Vec<&str> = l1["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["checkId"].as_str())
        .collect();
    assert!(
        !l1_checks.contains(&"PLM-K8S-0006"),
        "5.2.7 (root) is level 2"
    );
    assert!(
        !l1_checks.contains(&"PLM-K8S-0025"),
        "unmapped checks do not run under a benchmark"
    );
    let table = run(&[
        "scan",
        "fixtures/demo",
        "--benchmark",
        "cis-kubernetes-1.12",
    ])
    .stdout;
    assert!(table.contains("Controls: 131 total"), "{table}");
}

#[test]
fn missing_collection_is_not_assessed_never_pass() {
    // A snapshot whose collection of RBAC objects failed (as a live collector records a 403).
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = serde_json::json!({
        "kind": "PlimsollSnapshot", "schemaVersion": 1,
        "tool": {"name": "plimsoll", "version": "0.0.0"}, "createdAt": "2026-01-01T00:00:00Z",
        "sources": [{"collector": "kubernetes", "target": "prod"}],
        "resources": [{"id": "k8s/prod/shop/Pod/ok", "source": "kubernetes", "apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": "ok", "namespace": "shop"}, "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}]}}],
        "issues": [{"level": "warning", "collector": "kubernetes",
                    "message": "list clusterroles: forbidden (403)", "kinds": ["kubernetes/ClusterRole", "kubernetes/Role"]}]
    });
    write(dir.path(), "snap.json", &snap.to_string());
    let r = json(&run_in(
        dir.path(),
        &[
            "scan",
            "snap.json",
            "--benchmark",
            "cis-kubernetes-1.12",
            "--format",
            "json",
        ],
        None,
    ));
    let na: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "NOT_ASSESSED")
        .collect();
    assert!(
        na.iter().any(|f| f["checkId"] == "PLM-K8S-0041"
            && f["message"].as_str().unwrap_or("").contains("403")),
        "{na:?}"
    );
    let c = r["compliance"]["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == "5.1.2")
        .cloned()
        .expect("5.1.2");
    assert_eq!(c["status"], "NOT_ASSESSED");
    assert!(
        c["reason"].as_str().unwrap_or("").contains("forbidden"),
        "{c}"
    );
    // A control with no resource of its kinds at all is NOT_ASSESSED too, not PASS.
    let c = r["compliance"]["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == "5.3.2")
        .cloned()
        .expect("5.3.2");
    assert_eq!(c["status"], "NOT_ASSESSED");
}

#[test]
fn user_policies_target_unknown_kinds_and_have_their_own_tests() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "mine/cert-duration/policy.rego",
        "# METADATA\n# title: Certificates are short-lived\n# custom:\n#   id: ACME-K8S-0001\n#   severity: medium\n\
         #   kinds: [kubernetes/Certificate]\n#   remediation: Set spec.duration to 2160h or less.\npackage acme.cert_duration\nimport rego.v1\n\
         deny contains {\"msg\": \"certificate has no duration\", \"path\": \"spec\"} if not input.spec.duration\n",
    );
    write(
        dir.path(),
        "mine/cert-duration/cases/pass-short/input.yaml",
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec: {duration: 720h}\n",
    );
    write(
        dir.path(),
        "mine/cert-duration/cases/fail-missing/input.yaml",
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec: {secretName: a}\n",
    );
    let out = run_in(dir.path(), &["policies", "test", "mine"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("2 cases passed, 0 failed"),
        "{}",
        out.stdout
    );

    let out = run(&[
        "scan",
        "fixtures/demo/certificate.yaml",
        "--policies",
        dir.path().join("mine").to_str().expect("utf8"),
        "--check",
        "ACME-K8S-0001",
    ]);
    assert_eq!(
        out.code, 1,
        "the demo certificate sets no duration: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ACME-K8S-0001") && out.stdout.contains("Certificate/web-tls"),
        "{}",
        out.stdout
    );

    // A case that does not hold makes `policies test` exit 1.
    write(
        dir.path(),
        "mine/cert-duration/cases/pass-wrong/input.yaml",
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec: {}\n",
    );
    let out = run_in(dir.path(), &["policies", "test", "mine"], None);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("FAIL  ACME-K8S-0001 pass-wrong: expected no findings"),
        "{}",
        out.stdout
    );
}

#[test]
fn policies_list_shows_the_catalogue() {
    let out = run(&["policies", "list", "--format", "json"]);
    assert_eq!(out.code, 0);
    let list = json(&out);
    let checks = list.as_array().expect("array");
    assert!(checks.len() >= 40);
    let first = checks
        .iter()
        .find(|c| c["id"] == "PLM-K8S-0001")
        .expect("PLM-K8S-0001 listed");
    assert_eq!(first["severity"], "high");
    assert!(
        first["kinds"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "kubernetes/Deployment"))
    );
    assert!(
        first["cis"]
            .as_array()
            .is_some_and(|c| c.iter().any(|r| r["control"] == "5.2.2"))
    );
    let table = run(&["policies", "list"]).stdout;
    assert!(
        table.contains("PLM-K8S-0062") && table.contains("cis-kubernetes-1.12 5.1.1 (L1)"),
        "{table}"
    );
}

#[test]
fn parameterised_template_is_off_until_configured() {
    let out = json(&run(&["scan", "fixtures/demo", "--format", "json"]));
    let skipped = out["scan"]["checksSkipped"].as_array().expect("skipped");
    assert!(skipped.iter().any(|s| s["id"] == "PLM-K8S-0027"));
    let out = json(&run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--check",
        "PLM-K8S-0027",
        "--param",
        "allowedRegistries=[ghcr.io/acme]",
    ]));
    let images: Vec<&str> = out["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        images.len(),
        3,
        "billing, fluent-bit and busybox are not from ghcr.io/acme: {images:?}"
    );
    let out = run(&["scan", "fixtures/demo", "--param", "noequals"]);
    assert_eq!(out.code, 2);
}

/// PLM-K8S-0063 backs CIS 5.6.1, a Manual control: a hardened namespace without a
/// RoleBinding must not fail by default. The check runs when named, and the control rolls up
/// as MANUAL when it is off.
#[test]
fn manual_control_heuristic_is_off_until_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n",
    );
    let ns = dir.path().join("ns.yaml");
    let ns = ns.to_str().unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "FAIL")
            .map(|f| f["checkId"].as_str().unwrap().to_string())
            .collect()
    };
    let default = json(&run(&[
        "scan",
        ns,
        "--format",
        "json",
        "--benchmark",
        "cis-kubernetes-1.12",
    ]));
    assert!(!ids(&default).contains(&"PLM-K8S-0063".to_string()));
    let skipped = default["scan"]["checksSkipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["id"] == "PLM-K8S-0063"
            && s["reason"]
                .as_str()
                .unwrap()
                .contains("--check PLM-K8S-0063")),
        "{skipped:?}"
    );
    let control = default["compliance"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "5.6.1")
        .unwrap()
        .clone();
    assert_eq!(control["status"], "MANUAL", "{control}");
    let named = json(&run(&[
        "scan",
        ns,
        "--format",
        "json",
        "--check",
        "PLM-K8S-0063",
    ]));
    assert_eq!(ids(&named), vec!["PLM-K8S-0063".to_string()]);
}

#[test]
fn colour_only_on_a_terminal() {
    // `script` (util-linux, on every Debian system) runs the binary on a real pseudo-terminal.
    let bin = env!("CARGO_BIN_EXE_plimsoll");
    let cmd = format!("{bin} scan fixtures/demo --no-state");
    let tty = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .output()
        .expect("script(1) from util-linux runs");
    let text = String::from_utf8_lossy(&tty.stdout);
    assert!(
        text.contains("\u{1b}["),
        "colour on a terminal: {}",
        &text[..text.len().min(400)]
    );
    let no_colour = Command::new("script")
        .args(["-qec", &format!("{cmd} --no-color"), "/dev/null"])
        .current_dir(root())
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    assert!(
        !String::from_utf8_lossy(&no_colour.stdout).contains("\u{1b}[31"),
        "--no-color disables it"
    );
    let piped = run(&["scan", "fixtures/demo"]);
    assert!(!piped.stdout.contains("\u{1b}["), "no colour into a pipe");
}

#[test]
fn output_to_special_files_writes_through_them() {
    use std::os::unix::fs::FileTypeExt;
    // Regression: the atomic rename once replaced /dev/null with a regular file.
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let meta = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(
        meta.file_type().is_char_device(),
        "/dev/null is still a device"
    );

    // A symlink stays a symlink; its target receives the report.
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("real.json");
    std::fs::write(&target, "old").expect("write");
    let link = dir.path().join("report.json");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "-o",
        link.to_str().expect("utf8"),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .expect("target")
            .contains("\"schemaVersion\": 1")
    );
}

#[test]
fn builtin_cases_run_from_any_directory() {
    // `policies test` must accept built-in checks wherever it is run from, their helper
    // library included. One check's directory: the whole catalogue's cases run once, in
    // tests/catalogue.rs.
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = root().join("policies/kubernetes/rbac-wildcards");
    let out = run_in(
        dir.path(),
        &["policies", "test", policies.to_str().expect("utf8")],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(" 0 failed"), "{}", out.stdout);
}

/// `explain` describes a check for a person (and as JSON): severity, kinds, benchmark
/// controls, what it checks, the fix, and a failing and a passing input from its cases.
/// Completions, the manual page and `--version` (commit and catalogue digest) come from the
/// same binary.
#[test]
fn explain_completions_man_and_version() {
    let out = run(&["explain", "plm-k8s-0001"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "PLM-K8S-0001  Containers do not run privileged\n",
        "Severity:    high\n",
        "cis-kubernetes-1.12 5.2.2 (Level 1)",
        "How to fix it:\n  Remove securityContext.privileged",
        "An input that fails (policies/kubernetes/privileged-container/cases/fail-",
        "An input that passes (policies/kubernetes/privileged-container/cases/pass-",
        "privileged: true",
    ] {
        assert!(
            out.stdout.contains(needle),
            "{needle:?} in:\n{}",
            out.stdout
        );
    }
    let json = run(&["explain", "PLM-K8S-0001", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["id"], "PLM-K8S-0001");
    let outcomes: Vec<&str> = v["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["fail", "pass"]);

    let missing = run(&["explain", "PLM-K8S-9"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no check PLM-K8S-9") && missing.stderr.contains("PLM-K8S-0001"),
        "{}",
        missing.stderr
    );

    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("_plimsoll()") && bash.stdout.contains("explain"));
    let man = run(&["man"]);
    assert!(man.stdout.contains(".TH plimsoll 1") && man.stdout.contains("explain"));

    let version = run(&["--version"]);
    let line = version.stdout.trim();
    assert!(
        line.starts_with(concat!("plimsoll ", env!("CARGO_PKG_VERSION"), " (commit ")),
        "{line}"
    );
    let digest = line
        .rsplit_once("catalogue ")
        .map(|(_, d)| d.trim_end_matches(')'));
    assert!(
        digest.is_some_and(|d| d.len() == 16 && d.chars().all(|c| c.is_ascii_hexdigit())),
        "{line}"
    );
}

/// The JSON report of `scan INPUT --no-state --format json --exit-zero EXTRA...`, which must
/// succeed.
fn scan_report(input: &str, extra: &[&str]) -> serde_json::Value {
    let args = [
        &[
            "scan",
            input,
            "--no-state",
            "--format",
            "json",
            "--exit-zero",
        ],
        extra,
    ]
    .concat();
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// Choosing checks from the command line: `--check` patterns in any case, `--skip-check`,
/// `--severity`; a pattern that matches nothing is a usage error, not an empty run.
#[test]
fn checks_are_chosen_by_pattern_severity_and_skip() {
    let demo = root().join("fixtures/demo");
    let demo = demo.to_str().unwrap();
    let ids = |extra: &[&str]| -> Vec<(String, String)> {
        let v = scan_report(demo, extra);
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let some = ids(&["--check", "plm-k8s-000*"]);
    assert_eq!(some.len(), 9, "{some:?}");
    assert!(some.iter().all(|(id, _)| id.starts_with("PLM-K8S-000")));
    let fewer = ids(&["--check", "plm-k8s-000*", "--skip-check", "PLM-K8S-0001"]);
    assert_eq!(fewer.len(), 8);
    assert!(!fewer.iter().any(|(id, _)| id == "PLM-K8S-0001"));
    let serious = ids(&["--severity", "critical,high"]);
    assert!(!serious.is_empty());
    assert!(
        serious.iter().all(|(_, s)| s == "critical" || s == "high"),
        "{serious:?}"
    );
    let all = ids(&[]);
    assert!(
        all.len() > serious.len() + 10,
        "{} {}",
        all.len(),
        serious.len()
    );
    for (flag, pattern) in [("--check", "PLM-NOPE-*"), ("--skip-check", "plm-x")] {
        let out = run(&["scan", demo, "--no-state", flag, pattern]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("no such check"), "{}", out.stderr);
    }
}

/// `-n/--namespace` and `--exclude-namespace` (patterns) choose the namespaces whose objects
/// are judged, in the first pass (kinds other checks read) and the streamed rest alike;
/// cluster-scoped objects are still judged.
#[test]
fn namespaces_are_chosen_with_n_and_exclude_namespace() {
    let cluster = root().join("fixtures/cluster");
    let cluster = cluster.to_str().unwrap();
    let scan = |extra: &[&str]| scan_report(cluster, extra);
    let namespaces = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["resource"]["namespace"].as_str().map(str::to_string))
            .collect()
    };
    // Cluster-scoped findings other than about Namespace objects: (check, resource id).
    let cluster_scoped = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["resource"]["id"].is_string() && f["resource"]["namespace"].is_null())
            .filter(|f| f["resource"]["kind"] != "Namespace")
            .map(|f| format!("{} {}", f["checkId"], f["resource"]["id"]))
            .collect()
    };
    let all = scan(&[]);
    assert!(namespaces(&all).len() >= 3, "{:?}", namespaces(&all));
    let legacy = scan(&["-n", "legacy"]);
    assert_eq!(namespaces(&legacy), ["legacy".to_string()].into());
    // Namespace objects count as their own namespace's.
    let namespace_objects: Vec<&str> = legacy["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["kind"] == "Namespace")
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert!(
        namespace_objects.iter().all(|n| *n == "legacy"),
        "{namespace_objects:?}"
    );
    assert!(legacy["scan"]["resources"].as_u64() < all["scan"]["resources"].as_u64());
    assert_eq!(cluster_scoped(&legacy), cluster_scoped(&all));
    let no_kube = scan(&["--exclude-namespace", "kube-*"]);
    assert!(!namespaces(&no_kube).iter().any(|n| n.starts_with("kube-")));
    assert!(namespaces(&no_kube).contains("legacy"));
}

/// A manifest scan reports the checks of what it scanned: no Docker, ECS, EKS, ECR,
/// containerd or host checks in its check list (JSON, and so SARIF rules and JUnit suites), and
/// a benchmark's controls that need them are NOT_ASSESSED saying what was not scanned.
#[test]
fn outputs_list_the_checks_of_the_platforms_scanned() {
    let demo = root().join("fixtures/demo");
    let out = run(&[
        "scan",
        demo.to_str().unwrap(),
        "--no-state",
        "--format",
        "json",
        "--exit-zero",
        "--benchmark",
        "cis-eks-1.8",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let checks: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!checks.is_empty());
    assert!(
        checks
            .iter()
            .all(|id| id.starts_with("PLM-K8S-") || id.starts_with("PLM-NODE-")),
        "{checks:?}"
    );
    assert_eq!(
        v["scan"]["checksRun"].as_u64().unwrap() as usize,
        checks.len()
    );
    let eks_control = v["compliance"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|id| id.as_str().unwrap().starts_with("PLM-EKS-"))
                && !c["checks"].as_array().unwrap().is_empty()
        })
        .expect("a control decided by EKS checks alone");
    assert_eq!(eks_control["status"], "NOT_ASSESSED", "{eks_control}");
    assert!(
        eks_control["reason"]
            .as_str()
            .unwrap()
            .contains("nothing from eks was scanned"),
        "{eks_control}"
    );
}

/// Parameters are checked against what the checks declare: a name no check reads (with the
/// closest known name), or a value of another type (a string where a list belongs flagged the
/// very registry it meant to allow), is one clear line and exit 2; in plimsoll.yaml it names
/// the line.
#[test]
fn parameters_are_checked_against_the_checks_that_read_them() {
    let demo = root().join("fixtures/demo");
    let demo = demo.to_str().unwrap();
    let scalar = run(&[
        "scan",
        demo,
        "--no-state",
        "--param",
        "allowedRegistries=ghcr.io/acme",
    ]);
    assert_eq!(scalar.code, 2);
    assert_eq!(
        scalar.stderr.trim(),
        "error: --param allowedRegistries: must be a list (e.g. allowedRegistries='[a, b]'), not \"ghcr.io/acme\""
    );
    let typo = run(&[
        "scan",
        demo,
        "--no-state",
        "--param",
        "allowedRegistry=[ghcr.io/acme]",
    ]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("--param allowedRegistry: no check reads this parameter (did you mean allowedRegistries?)"),
        "{}",
        typo.stderr
    );
    let good = run(&[
        "scan",
        demo,
        "--no-state",
        "--format",
        "json",
        "--exit-zero",
        "--param",
        "allowedRegistries=[ghcr.io/acme]",
    ]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    let v: serde_json::Value = serde_json::from_str(&good.stdout).unwrap();
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "PLM-K8S-0026"),
        "the template runs once configured"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plimsoll.yaml"),
        "parameters:\n  eksMinimumVersion: 1.33\n",
    )
    .unwrap();
    let file = run_in(dir.path(), &["scan", demo, "--no-state"], None);
    assert_eq!(file.code, 2);
    assert!(
        file.stderr
            .contains("plimsoll.yaml:2:3: parameters.eksMinimumVersion: must be a string"),
        "{}",
        file.stderr
    );
}

/// Names are listed as people read them, `web2` before `web10`, in the table and in JSON,
/// whatever order the files held them in.
#[test]
fn names_are_listed_in_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::new();
    for n in [10, 2, 1, 11, 3] {
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web{n}\n  namespace: shop\n\
             spec:\n  containers:\n    - name: app\n      image: nginx\n      \
             securityContext:\n        privileged: true\n"
        ));
    }
    let file = dir.path().join("pods.yaml");
    std::fs::write(&file, yaml).unwrap();
    let file = file.to_str().unwrap();
    let v = scan_report(file, &["--check", "PLM-K8S-0001"]);
    let names: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web1", "web2", "web3", "web10", "web11"]);
    let table = run(&[
        "scan",
        file,
        "--no-state",
        "--exit-zero",
        "--check",
        "PLM-K8S-0001",
    ]);
    let at = |name: &str| table.stdout.find(&format!("Pod/{name} ")).unwrap();
    assert!(at("web2") < at("web10") && at("web3") < at("web10") && at("web10") < at("web11"));
}

/// The hook in `.pre-commit-hooks.yaml`, run by pre-commit itself (`try-repo` on this
/// checkout) with the binary under test on PATH: nothing is built, a staged manifest with a
/// high finding fails the commit, a clean one passes, and no history is written.
#[test]
fn the_pre_commit_hook_runs_the_plimsoll_on_path() {
    let pre_commit = root().join("target/test-tools/venv/bin/pre-commit");
    let bin = Path::new(env!("CARGO_BIN_EXE_plimsoll"));
    let project = tempfile::tempdir().unwrap();
    let home = project.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .args(args)
            .current_dir(project.path())
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    };
    git(&["init", "-q", "."]);
    std::fs::write(
        project.path().join("bad.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: a\n      \
         image: nginx:1.27\n      securityContext:\n        privileged: true\n",
    )
    .unwrap();
    std::fs::write(
        project.path().join("good.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: quiet\n",
    )
    .unwrap();
    git(&["add", "bad.yaml", "good.yaml"]);
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = |file: &str| {
        let out = Command::new(&pre_commit)
            .args([
                "try-repo",
                root().to_str().unwrap(),
                "plimsoll",
                "--files",
                file,
            ])
            .current_dir(project.path())
            .env("PATH", &path)
            .env("HOME", &home)
            .env("PRE_COMMIT_HOME", project.path().join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("XDG_STATE_HOME")
            .env_remove("PLIMSOLL_STATE")
            .env_remove("KUBECONFIG")
            .output()
            .expect("pre-commit (scripts/install-test-deps.sh installs it)");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code(), text)
    };
    let (code, text) = hook("bad.yaml");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("- hook id: plimsoll"), "{text}");
    assert!(text.contains("PLM-K8S-0001"), "{text}");
    assert!(
        text.contains("Gate (--fail-on high): 1 finding fails it."),
        "{text}"
    );
    let (code, text) = hook("good.yaml");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Passed"), "{text}");
    // A manifest scan records no history unless asked.
    assert!(!home.join(".local/state/plimsoll").exists());
}

/// `benchmarks list` shows every benchmark with its coverage (automated controls a check
/// decides, of all automated controls), above 90 % for CIS Kubernetes 1.12 and 2.0.1; a
/// framework file is selected like a CIS one: `--benchmark pss-restricted` rolls the demo up
/// to the Baseline controls it extends and its own, each PASS or FAIL as its checks say.
#[test]
fn benchmarks_list_shows_coverage_and_frameworks_are_selected_like_cis() {
    let list = run(&["benchmarks", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    for id in [
        "cis-kubernetes-1.12",
        "cis-kubernetes-2.0.1",
        "pss-baseline",
        "pss-restricted",
        "nsa-cisa-1.2",
    ] {
        assert!(list.stdout.contains(id), "{id}: {}", list.stdout);
    }
    for id in ["cis-kubernetes-1.12", "cis-kubernetes-2.0.1"] {
        let row = list.stdout.lines().find(|l| l.contains(id)).expect("a row");
        let pct: f64 = row
            .rsplit('(')
            .next()
            .and_then(|p| p.split('%').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("coverage in {row}"));
        assert!(pct > 90.0, "{row}");
    }
    let r = json(&run(&[
        "scan",
        "fixtures/demo",
        "--benchmark",
        "pss-restricted",
        "--format",
        "json",
        "--no-state",
    ]));
    let c = &r["compliance"];
    assert_eq!(c["benchmark"], "pss-restricted");
    assert_eq!(c["summary"]["total"], 19);
    let status = |id: &str| {
        c["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The demo's legacy workload is privileged and runs as root; its compliant one is
    // hardened: privileged (Baseline) and runAsNonRoot (Restricted) fail on the legacy one.
    assert_eq!(status("privileged"), "FAIL");
    assert_eq!(status("runAsNonRoot"), "FAIL");
    assert_eq!(status("windowsHostProcess"), "PASS");
    let checks: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"PLM-K8S-0081") && !checks.contains(&"PLM-K8S-0025"));
}
