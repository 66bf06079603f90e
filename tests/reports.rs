//! The CI gate end to end through the real binary: SARIF validated by the Microsoft SARIF
//! Multitool with GitHub's rules, JUnit read by junitparser, several outputs in one run,
//! baseline gating, the configuration file, waivers (config and annotation) and their audit,
//! the controls view, and the generated check reference.
//!
//! The Multitool and junitparser are installed by `scripts/install-test-deps.sh` (`make
//! test`); a test that cannot find them fails, it is not skipped.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::bin::{Out, assert_exit, command, in_terminal, root};
use support::sarif::{assert_github_ready, validate_sarif};

fn run_in(dir: &Path, args: &[&str]) -> Out {
    // Each run gets an empty HOME, so an empty state store (drift has its own tests in
    // tests/drift.rs), and never the developer's own history.
    let home = tempfile::tempdir().unwrap();
    support::bin::output(&mut support::bin::command(dir, home.path(), args))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()))
}

/// A working directory with the demo manifests copied in, so relative paths in SARIF and the
/// configuration resolve as they would in a repository checkout.
fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("fixtures/demo")).unwrap() {
        let entry = entry.unwrap();
        std::fs::create_dir_all(dir.path().join("k8s")).unwrap();
        std::fs::copy(entry.path(), dir.path().join("k8s").join(entry.file_name())).unwrap();
    }
    dir
}

fn results_of<'a>(sarif: &'a Value, rule: &str) -> Vec<&'a Value> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .collect()
}

#[test]
fn sarif_passes_the_multitool_and_carries_locations_rules_and_fingerprints() {
    let dir = demo_dir();
    let d = dir.path();
    // A waiver and a baseline so suppressions and baselineState are validated too.
    write(
        d,
        "plimsoll.yaml",
        "waivers:\n- name: billing-host-network\n  check: PLM-K8S-0004\n  resources: {namespace: legacy, name: billing}\n  reason: legacy payment gateway needs the host network\n",
    );
    let base = run_in(
        d,
        &[
            "scan",
            "k8s/rbac.json",
            "--format",
            "json",
            "-o",
            "base.json",
        ],
    );
    assert_eq!(base.code, 1, "{}", base.stderr);
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--format",
            "sarif",
            "-o",
            "out.sarif",
            "--baseline",
            "base.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = read_json(&d.join("out.sarif"));
    let warnings = validate_sarif(&d.join("out.sarif"));
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_github_ready(&sarif);
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "Plimsoll");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));

    // The offending field's line and column in the file, relative to the checkout.
    let privileged = results_of(&sarif, "PLM-K8S-0001");
    assert_eq!(privileged.len(), 1);
    let loc = &privileged[0]["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/legacy.yaml"
    );
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 32);
    assert_eq!(loc["physicalLocation"]["region"]["startColumn"], 11);
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "k8s/manifests/legacy/Deployment/billing"
    );
    assert_eq!(privileged[0]["level"], "error");
    assert_eq!(privileged[0]["baselineState"], "new");

    // The rule carries CIS ids and level as tags.
    let rule =
        &run["tool"]["driver"]["rules"][privileged[0]["ruleIndex"].as_u64().unwrap() as usize];
    let tags: Vec<&str> = rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"cis-kubernetes-1.12/5.2.2") && tags.contains(&"cis-level-1"),
        "{tags:?}"
    );
    assert_eq!(rule["properties"]["security-severity"], "8.0");

    // Waived: still a result, with an accepted suppression and the reason.
    let host_net = results_of(&sarif, "PLM-K8S-0004");
    let waived: Vec<&&Value> = host_net
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(waived.len(), 1, "{host_net:#?}");
    assert_eq!(waived[0]["suppressions"][0]["status"], "accepted");
    assert_eq!(waived[0]["suppressions"][0]["kind"], "external");
    assert_eq!(
        waived[0]["suppressions"][0]["justification"],
        "legacy payment gateway needs the host network"
    );
    // Findings of rbac.json were in the baseline.
    let unchanged = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baselineState"] == "unchanged")
        .count();
    assert!(unchanged > 0);

    // Fingerprints are stable across runs, and independent of line numbers: the same
    // manifests shifted down by a comment keep every fingerprint.
    let again = run_in(
        d,
        &["scan", "k8s", "--format", "sarif", "-o", "again.sarif"],
    );
    assert_eq!(again.code, 1);
    let shifted = std::fs::read_to_string(d.join("k8s/legacy.yaml")).unwrap();
    write(d, "k8s/legacy.yaml", &format!("# moved\n# down\n{shifted}"));
    let moved = run_in(
        d,
        &["scan", "k8s", "--format", "sarif", "-o", "moved.sarif"],
    );
    assert_eq!(moved.code, 1);
    let prints = |p: &str| -> Vec<String> {
        let mut v: Vec<String> = read_json(&d.join(p))["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["plimsollFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(prints("out.sarif"), prints("again.sarif"));
    assert_eq!(prints("out.sarif"), prints("moved.sarif"));
    let moved = read_json(&d.join("moved.sarif"));
    assert_eq!(
        results_of(&moved, "PLM-K8S-0001")[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        34
    );
}

#[test]
fn sarif_for_resources_without_a_file_and_for_not_assessed_checks() {
    let dir = demo_dir();
    let d = dir.path();
    // Standard input has no file: the resource id is the artifact. A snapshot with a 403
    // recorded makes checks NOT_ASSESSED: tool notifications, never results.
    let stdin_sarif = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args([
            "scan",
            "-",
            "--format",
            "sarif",
            "-o",
            "stdin.sarif",
            "--no-state",
        ])
        .current_dir(d)
        .stdin(std::fs::File::open(d.join("k8s/legacy.yaml")).unwrap())
        .status()
        .unwrap();
    assert_eq!(stdin_sarif.code(), Some(1));
    let sarif = read_json(&d.join("stdin.sarif"));
    validate_sarif(&d.join("stdin.sarif"));
    assert_github_ready(&sarif);
    assert_eq!(
        results_of(&sarif, "PLM-K8S-0001")[0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "k8s/manifests/legacy/Deployment/billing"
    );

    let collect = run_in(d, &["collect", "k8s", "-o", "snap.json"]);
    assert_eq!(collect.code, 0, "{}", collect.stderr);
    let mut snap = read_json(&d.join("snap.json"));
    snap["issues"] = serde_json::json!([{
        "level": "warning", "collector": "kubernetes",
        "message": "prod: listing Secret: forbidden (403)", "kinds": ["kubernetes/Secret"]
    }]);
    write(d, "snap.json", &snap.to_string());
    let out = run_in(
        d,
        &[
            "scan",
            "snap.json",
            "--benchmark",
            "cis-kubernetes-1.12",
            "--format",
            "sarif",
            "-o",
            "na.sarif",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = read_json(&d.join("na.sarif"));
    validate_sarif(&d.join("na.sarif"));
    assert_github_ready(&sarif);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["associatedRule"]["id"] == "PLM-K8S-0030"
                && n["message"]["text"].as_str().unwrap().contains("403")),
        "{notes:#?}"
    );
    assert!(results_of(&sarif, "PLM-K8S-0030").is_empty());
}

/// Reads a JUnit file with junitparser and returns (tests, failures, errors, skipped) and the
/// text of the first failure of `check`.
fn junitparser(file: &Path, check: &str) -> (Vec<u64>, String) {
    let script = r#"
import sys, json
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
text = ""
for suite in xml:
    for case in suite:
        for r in case.result:
            if isinstance(r, Failure) and case.classname == sys.argv[2] and not text:
                text = (r.message or "") + "\n" + (r.text or "")
print(json.dumps({"counts": [xml.tests, xml.failures, xml.errors, xml.skipped], "text": text}))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(file)
        .arg(check)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "junitparser rejected {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let counts = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    (counts, v["text"].as_str().unwrap().to_string())
}

#[test]
fn several_outputs_in_one_run_and_junit_read_by_junitparser() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "k8s/waived.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vendor\n  namespace: shop\n  annotations:\n    plimsoll.io/waive.PLM-K8S-0001: \"vendor appliance, reviewed by security\"\nspec:\n  containers:\n  - name: a\n    image: x/y:1\n    securityContext: {privileged: true}\n",
    );
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--output",
            "sarif=out/p.sarif",
            "--output",
            "junit=out/junit.xml",
            "--output",
            "json=out/report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The table still goes to standard output.
    assert!(
        out.stdout.contains("SEVERITY") && out.stdout.contains("Scanned"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("WAIVED") && out.stdout.contains("vendor appliance"));
    let report = read_json(&d.join("out/report.json"));
    validate_sarif(&d.join("out/p.sarif"));
    let (counts, text) = junitparser(&d.join("out/junit.xml"), "PLM-K8S-0001");
    // One case per check and resource: passes + failing resources + waived + not assessed.
    let checks = report["checks"].as_array().unwrap();
    let sum = |f: &str| checks.iter().map(|c| c[f].as_u64().unwrap()).sum::<u64>();
    assert_eq!(counts[0], sum("passed") + sum("failed") + sum("waived"));
    assert_eq!(counts[1], sum("failed"));
    assert_eq!(counts[2], 0);
    assert_eq!(counts[3], sum("waived"));
    assert_eq!(sum("passed"), report["summary"]["passed"].as_u64().unwrap());
    assert!(
        text.contains("runs privileged") && text.contains("Remediation:"),
        "{text}"
    );
    assert!(text.contains("k8s/legacy.yaml:32"), "{text}");
    let waived: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "WAIVED")
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["waiver"]["source"], "annotation");
    assert_eq!(report["summary"]["waived"], 1);

    // Two outputs without FORMAT=, or the same file twice: usage errors, nothing written.
    let bad = run_in(d, &["scan", "k8s", "-o", "a.json", "-o", "b.json"]);
    assert_exit(&bad, 2, "only one output may omit FORMAT=");
    let twice = run_in(
        d,
        &["scan", "k8s", "--output", "sarif=x", "--output", "junit=x"],
    );
    assert_exit(&twice, 2, "given twice");
    assert!(!d.join("x").exists() && !d.join("a.json").exists());
}

#[test]
fn baseline_gates_only_on_new_findings() {
    let dir = demo_dir();
    let d = dir.path();
    let base = run_in(d, &["scan", "k8s", "--format", "json", "-o", "main.json"]);
    assert_eq!(base.code, 1);
    // Nothing changed: nothing new, the gate passes although findings remain.
    let same = run_in(
        d,
        &["scan", "k8s", "--baseline", "main.json", "--fail-on", "new"],
    );
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stdout.contains("0 new,"), "{}", same.stdout);
    // A change adds one privileged pod: exactly its findings are new and fail the gate.
    write(
        d,
        "k8s/new.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: intruder, namespace: shop}\nspec:\n  containers:\n  - name: a\n    image: x/y:1\n    securityContext: {privileged: true}\n",
    );
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--baseline",
            "main.json",
            "--fail-on",
            "new",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let new: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baselineState"] == "new")
        .collect();
    assert!(!new.is_empty());
    assert!(
        new.iter().all(|f| f["resource"]["name"] == "intruder"),
        "{new:#?}"
    );
    assert_eq!(
        report["summary"]["failedAtThreshold"].as_u64().unwrap(),
        new.len() as u64
    );
    assert_eq!(
        report["baseline"]["new"].as_u64().unwrap(),
        new.len() as u64
    );
    // new + severity: only new high-or-worse findings count.
    let high = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--baseline",
            "main.json",
            "--fail-on",
            "new,critical",
        ],
    );
    assert_eq!(
        high.code, 0,
        "the new pod has no critical finding: {}",
        high.stdout
    );
    // Fixed findings are counted as absent.
    std::fs::remove_file(d.join("k8s/legacy.yaml")).unwrap();
    let fixed = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--baseline",
            "main.json",
            "--format",
            "json",
            "--exit-zero",
        ],
    );
    let report: Value = serde_json::from_str(&fixed.stdout).unwrap();
    assert!(report["baseline"]["absent"].as_u64().unwrap() > 0);

    // Misuse is a usage error with one clear line.
    let no_base = run_in(d, &["scan", "k8s", "--fail-on", "new", "--no-state"]);
    assert_exit(&no_base, 2, "--fail-on new needs a baseline");
    run_in(d, &["collect", "k8s", "-o", "snap.json"]);
    let not_report = run_in(d, &["scan", "k8s", "--baseline", "snap.json"]);
    assert_exit(&not_report, 2, "not a plimsoll JSON report");
}

#[test]
fn config_file_selects_remaps_parameters_and_gates() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "plimsoll.yaml",
        "# team settings\nversion: 1\nchecks:\n  disable: ['PLM-K8S-000[1-3]']\nseverity:\n  PLM-K8S-0004: critical\nparameters:\n  allowedRegistries: [ghcr.io/acme]\noutput:\n  format: json\n  files: [sarif=reports/plimsoll.sarif]\ngate:\n  failOn: critical\n",
    );
    let out = run_in(d, &["scan", "k8s"]);
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("config format json: {e}: {}", out.stdout));
    assert!(
        d.join("reports/plimsoll.sarif").is_file(),
        "output.files written"
    );
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"PLM-K8S-0001") && !ids.contains(&"PLM-K8S-0003"));
    assert!(ids.contains(&"PLM-K8S-0004"));
    // The parameter enables the registry template.
    assert!(ids.contains(&"PLM-K8S-0027"), "{ids:?}");
    let host_net = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["checkId"] == "PLM-K8S-0004")
        .unwrap();
    assert_eq!(host_net["severity"], "critical");
    assert_eq!(report["scan"]["failOn"], "critical");
    assert_eq!(out.code, 1, "critical findings fail the configured gate");
    // Flags override the file.
    let table = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--format",
            "table",
            "--fail-on",
            "critical",
            "--exit-zero",
        ],
    );
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("SEVERITY"));
    let ignored = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--format",
            "json",
            "--exit-zero",
        ],
    );
    let report: Value = serde_json::from_str(&ignored.stdout).unwrap();
    assert_eq!(report["scan"]["failOn"], "info");

    // Errors name the file, line and column, exit 2.
    write(
        d,
        "bad.yaml",
        "checks:\n  disable:\n  - PLM-K8S-0001\n  - PLM-NOPE-*\n",
    );
    let bad = run_in(d, &["scan", "k8s", "--config", "bad.yaml"]);
    assert_exit(&bad, 2, "bad.yaml:4:5:");
    assert_exit(&bad, 2, "matches no check");
    write(d, "typo.yaml", "gate:\n  failon: high\n");
    let typo = run_in(d, &["scan", "k8s", "--config", "typo.yaml"]);
    assert_exit(&typo, 2, "typo.yaml:2:");
    assert_exit(&typo, 2, "unknown field `failon`");
    let missing = run_in(d, &["scan", "k8s", "--config", "nope.yaml"]);
    assert_exit(&missing, 2, "nope.yaml: cannot read");
}

#[test]
fn waivers_expire_can_be_forbidden_and_are_audited() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "plimsoll.yaml",
        "allowAnnotationWaivers: false\nwaivers:\n\
         - name: billing-privileged\n  check: PLM-K8S-0001\n  resources: {id: 'k8s/manifests/legacy/Deployment/billing'}\n  reason: log shipper needs host access until Q1\n  expires: 2999-12-31\n\
         - name: old-exception\n  check: PLM-K8S-0004\n  resources: {kind: Deployment, namespace: legacy}\n  reason: migrated last year\n  expires: 2020-01-31\n\
         - name: nothing-matches\n  check: PLM-K8S-0001\n  resources: {namespace: does-not-exist}\n  reason: stale\n",
    );
    write(
        d,
        "k8s/annotated.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vendor\n  namespace: shop\n  annotations:\n    plimsoll.io/waive.PLM-K8S-0001: \"please\"\nspec:\n  containers:\n  - name: a\n    image: x/y:1\n    securityContext: {privileged: true}\n",
    );
    let out = run_in(d, &["scan", "k8s", "--format", "json", "-o", "report.json"]);
    assert_exit(&out, 1, "1 annotation waiver ignored");
    assert!(
        out.stderr
            .contains("expired on 2020-01-31: its finding counts again"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("waiver old-exception (plimsoll.yaml:8) expired on 2020-01-31"),
        "{}",
        out.stderr
    );
    let report = read_json(&d.join("report.json"));
    let status_of = |check: &str, name: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["checkId"] == check && f["resource"]["name"] == name)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(status_of("PLM-K8S-0001", "billing"), ["WAIVED"]);
    assert_eq!(
        status_of("PLM-K8S-0001", "vendor"),
        ["FAIL"],
        "annotation waivers forbidden"
    );
    assert_eq!(
        status_of("PLM-K8S-0004", "billing"),
        ["FAIL"],
        "expired waiver"
    );
    let waivers = report["waivers"].as_array().unwrap();
    assert_eq!(waivers[0]["matched"], 1);
    assert_eq!(waivers[1]["expired"], true);
    assert_eq!(waivers[1]["matched"], 1);
    assert_eq!(waivers[2]["matched"], 0);

    // The audit: from a scan of the inputs, from the report, and from the file alone.
    for args in [
        vec!["waivers", "audit", "k8s"],
        vec!["waivers", "audit", "--report", "report.json"],
    ] {
        let audit = run_in(d, &args);
        assert_eq!(audit.code, 1, "{args:?}: {}", audit.stderr);
        for (name, status) in [
            ("billing-privileged", "ACTIVE"),
            ("old-exception", "EXPIRED"),
            ("nothing-matches", "UNUSED"),
        ] {
            let line = audit
                .stdout
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{}", audit.stdout));
            assert!(line.contains(status), "{args:?} {name}: {line}");
        }
        assert!(
            audit.stdout.contains("3 waivers, 2 expired or unused"),
            "{}",
            audit.stdout
        );
    }
    let alone = run_in(d, &["waivers", "audit", "--format", "json"]);
    assert_eq!(alone.code, 1);
    let rows: Value = serde_json::from_str(&alone.stdout).unwrap();
    let statuses: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["unknown", "expired", "unknown"]);

    // A waiver without a reason is a configuration error naming its line.
    write(
        d,
        "noreason.yaml",
        "waivers:\n- check: PLM-K8S-0001\n  resources: {name: x}\n  reason: '  '\n",
    );
    let bad = run_in(d, &["scan", "k8s", "--config", "noreason.yaml"]);
    assert_exit(&bad, 2, "noreason.yaml:4:");
    assert_exit(&bad, 2, "needs a reason");
}

#[test]
fn controls_view_and_compliance_json() {
    let d = root();
    let out = run_in(
        &d,
        &[
            "scan",
            "fixtures/demo",
            "--benchmark",
            "cis-kubernetes-1.12",
            "--level",
            "1",
            "--view",
            "controls",
            "--no-config",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("CONTROL") && out.stdout.contains("Level 1 profile"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("MESSAGE"),
        "findings table hidden: {}",
        out.stdout
    );
    assert!(out.stdout.contains("assessed coverage"));
    let json = run_in(
        &d,
        &[
            "scan",
            "fixtures/demo",
            "--benchmark",
            "cis-kubernetes-1.12",
            "--level",
            "1",
            "--format",
            "json",
            "--no-config",
        ],
    );
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let c = &report["compliance"];
    let controls = c["controls"].as_array().unwrap();
    assert!(controls.iter().all(|c| c["level"] == 1));
    let count = |s: &str| controls.iter().filter(|c| c["status"] == s).count() as u64;
    assert_eq!(c["summary"]["pass"].as_u64().unwrap(), count("PASS"));
    assert_eq!(c["summary"]["fail"].as_u64().unwrap(), count("FAIL"));
    assert_eq!(c["summary"]["manual"].as_u64().unwrap(), count("MANUAL"));
    assert_eq!(
        c["summary"]["notAssessed"].as_u64().unwrap(),
        count("NOT_ASSESSED")
    );
    let total = controls.len() as f64;
    let coverage = ((count("PASS") + count("FAIL")) as f64 * 1000.0 / total).round() / 10.0;
    assert_eq!(c["summary"]["assessedCoverage"].as_f64().unwrap(), coverage);
    let findings_only = run_in(
        &d,
        &["scan", "fixtures/demo", "--view", "controls", "--no-config"],
    );
    assert_eq!(findings_only.code, 2);
    assert!(
        findings_only
            .stderr
            .contains("--view controls needs --benchmark")
    );
}

#[test]
fn generated_check_reference_is_current() {
    let out = run_in(&root(), &["policies", "list", "--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let committed = std::fs::read_to_string(root().join("docs/checks.md")).unwrap();
    assert!(
        committed == out.stdout,
        "docs/checks.md is stale: run `make docs` and commit it"
    );
    // Every check has the heading SARIF's helpUri points at.
    let list = run_in(&root(), &["policies", "list", "--format", "json"]);
    let checks: Value = serde_json::from_str(&list.stdout).unwrap();
    for c in checks.as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert!(committed.contains(&format!("\n## {id}\n")), "{id}");
    }
}

#[test]
fn configuration_example_in_the_docs_is_valid() {
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let start = doc.find("```yaml\n# plimsoll.yaml").expect("example block") + "```yaml\n".len();
    let len = doc[start..].find("```").unwrap();
    let dir = demo_dir();
    let d = dir.path();
    write(d, "plimsoll.yaml", &doc[start..start + len]);
    let out = run_in(d, &["scan", "k8s", "--format", "json", "--exit-zero"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["waivers"].as_array().unwrap().len(), 3);
    assert_eq!(report["scan"]["failOn"], "high");
    assert!(d.join("reports/plimsoll.sarif").is_file() && d.join("reports/junit.xml").is_file());
    let host_net = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "PLM-K8S-0004")
        .unwrap();
    assert_eq!(host_net["severity"], "critical");
}

/// The table is laid out for the terminal it is printed on, read from the terminal itself
/// (bash does not export `COLUMNS`): in 80 columns, one line per finding under its check,
/// wrapped at words; in 200, the bordered table. Both end with the summary (severity counts,
/// pass rate, failing checks with their fix, namespaces). `COLUMNS` still overrides.
#[test]
fn the_table_fits_the_terminal_it_is_printed_on() {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("fixtures/demo");
    let demo = demo.to_str().unwrap();
    let args = ["scan", demo, "--no-state", "--no-color", "--exit-zero"];
    let cmd = command(dir.path(), dir.path(), &args);
    let width = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let longest_word = |s: &str| {
        s.split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0)
    };

    let narrow = in_terminal(&cmd, 80);
    assert_eq!(narrow.code, 0, "{}", narrow.stderr);
    let text = &narrow.stdout;
    assert!(
        !text.contains('│'),
        "no bordered table in 80 columns:\n{text}"
    );
    for line in text.lines().filter(|l| l.chars().count() > 80) {
        // Only a line that is one unbreakable word plus its indent may be longer.
        assert!(
            longest_word(line) + 14 > line.chars().count(),
            "line wider than the terminal: {line:?}"
        );
    }
    assert!(
        text.contains("HIGH PLM-K8S-0001 Containers do not run privileged (1 finding)"),
        "{text}"
    );
    // Where the line wraps depends on how long the checkout's path is; read it unwrapped.
    let unwrapped = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        unwrapped.contains("FAIL legacy/Deployment/billing (")
            && unwrapped.contains(
                "fixtures/demo/legacy.yaml:32): container \"log-shipper\" runs privileged"
            ),
        "{text}"
    );
    assert!(!text.contains("ServiceAccou\n"), "no word cut at the edge");
    for needle in [
        "\nSummary\n",
        "  Failed:    1 critical, 11 high,",
        "  Pass rate: ",
        "             fix: Remove securityContext.privileged",
        "  By namespace: legacy ",
    ] {
        assert!(text.contains(needle), "{needle:?} in:\n{text}");
    }

    let wide = in_terminal(&cmd, 200);
    assert_eq!(wide.code, 0, "{}", wide.stderr);
    assert!(wide.stdout.contains('│'), "a table in 200 columns");
    assert!(width(&wide.stdout) <= 200, "{}", wide.stdout);
    assert!(width(&wide.stdout) > 120, "the table uses the width");
    assert!(wide.stdout.contains("\nSummary\n"));

    // COLUMNS, when set, is the user's choice; piped output is laid out for 160 columns.
    let mut forced = command(dir.path(), dir.path(), &args);
    forced.env("COLUMNS", "90");
    let forced = in_terminal(&forced, 200);
    assert!(!forced.stdout.contains('│') && width(&forced.stdout) < 120);
    let piped = support::bin::output(&mut command(dir.path(), dir.path(), &args));
    assert!(piped.stdout.contains('│') && width(&piped.stdout) <= 160);

    // --view summary: the summary and footer alone.
    let summary = support::bin::output(&mut command(
        dir.path(),
        dir.path(),
        &[&args[..], &["--view", "summary"]].concat(),
    ));
    assert!(
        summary.stdout.starts_with("\nSummary\n"),
        "{}",
        summary.stdout
    );
    assert!(!summary.stdout.contains("FAIL legacy/"));
}

/// A run that read nothing does not say "No findings." above its input errors: that read as a
/// clean result.
#[test]
fn a_run_that_read_nothing_does_not_claim_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yaml"), b"kind: Pod\n\xff\xfe oops\n").unwrap();
    let out = support::bin::run(dir.path(), &["scan", "bad.yaml", "--no-state"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!out.stdout.contains("No findings"), "{}", out.stdout);
    assert!(out.stdout.contains("Input errors (1):"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Scanned 0 resources with "),
        "{}",
        out.stdout
    );
    // With something read and nothing wrong, it is said.
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: quiet\n",
    )
    .unwrap();
    let out = support::bin::run(
        dir.path(),
        &["scan", "ok.yaml", "--no-state", "--check", "PLM-K8S-0001"],
    );
    assert!(out.stdout.starts_with("No findings.\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Scanned 1 resource with 1 check in"),
        "{}",
        out.stdout
    );
}

/// Names from the input reach the summary's namespace list clipped like every cell: an escape
/// sequence in a namespace cannot rewrite the reader's terminal.
#[test]
fn a_hostile_namespace_name_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: \"a\\e[2Jb\"}\nspec:\n  containers: [{name: c, image: nginx}]\n",
    )
    .unwrap();
    let out = support::bin::run(
        dir.path(),
        &["scan", "pod.yaml", "--no-state", "--exit-zero"],
    );
    assert!(
        out.stdout.contains("By namespace: a?[2Jb "),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
}

/// `--output csv=FILE`: one row per finding under a fixed header, read back by a CSV parser
/// (RFC 4180: commas and quotes in a cell survive), and a cell a spreadsheet
/// would evaluate is written inert.
#[test]
fn csv_has_a_row_per_finding_in_a_fixed_column_order() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "k8s/odd.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"=HYPERLINK(\\\"http://x\\\")\"\n  namespace: a\nspec:\n  containers:\n  - name: \"c,\\\"quoted\\\"\\nline\"\n    image: nginx:latest\n    securityContext: {privileged: true}\n",
    );
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--no-state",
            "--output",
            "csv=findings.csv",
            "--output",
            "json=report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = read_json(&d.join("report.json"));
    let findings = report["findings"].as_array().unwrap();
    let mut reader = csv::Reader::from_path(d.join("findings.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "severity",
            "status",
            "check",
            "title",
            "resource",
            "kind",
            "namespace",
            "name",
            "file",
            "line",
            "message",
            "first_seen",
            "baseline",
            "fingerprint"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings.len());
    // Row for row, the JSON report's findings, in its order.
    for (row, f) in rows.iter().zip(findings) {
        assert_eq!(&row[2], f["checkId"].as_str().unwrap());
        assert_eq!(&row[13], f["fingerprint"].as_str().unwrap());
    }
    // The formula-named Pod: inert in the name column; the odd container name's comma, quotes
    // and line break survive in the message.
    let odd: Vec<&csv::StringRecord> = rows.iter().filter(|r| r[7].contains("HYPERLINK")).collect();
    assert!(!odd.is_empty());
    assert!(
        odd.iter().all(|r| r[7].starts_with("'=HYPERLINK(")),
        "{odd:?}"
    );
    // The message quotes the name as the policy does (%q); its commas and quotes survive the
    // CSV quoting.
    assert!(
        rows.iter()
            .any(|r| r[10].contains(r#"container "c,\"quoted\"\nline" runs privileged"#)),
        "the message keeps its commas and quotes"
    );
    let text = std::fs::read_to_string(d.join("findings.csv")).unwrap();
    assert!(text.ends_with("\r\n") && text.lines().next().unwrap().starts_with("severity,status,"));
}

/// Sums the values of a metric's series whose labels include every `name="value"` given.
fn metric_sum(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|want| l.contains(want)))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

/// `promtool check metrics` (Debian's prometheus package) on a metrics file: the exit code
/// and what it printed.
fn promtool(file: &Path) -> (i32, String) {
    let out = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(file).unwrap())
        .output()
        .expect(
            "promtool (Debian package prometheus) is installed by scripts/install-test-deps.sh",
        );
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// `--output prometheus=FILE`: promtool accepts the file; the findings series sum to the
/// report's counts, each control has exactly one status set, a label value with a quote and a
/// backslash is escaped; a scan that could not read part of its input keeps the previous
/// file's last success time.
#[test]
fn prometheus_metrics_pass_promtool_and_carry_the_last_success_over_a_failed_scan() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "k8s/odd.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\n  namespace: 'a\"b\\c'\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n    securityContext: {privileged: true}\n",
    );
    let args = [
        "scan",
        "k8s",
        "--no-config",
        "--no-state",
        "--benchmark",
        "cis-kubernetes-1.12",
        "--output",
        "prometheus=metrics.prom",
        "--output",
        "json=report.json",
    ];
    let out = run_in(d, &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let file = d.join("metrics.prom");
    let (code, said) = promtool(&file);
    assert_eq!(code, 0, "promtool: {said}");
    let text = std::fs::read_to_string(&file).unwrap();
    let report = read_json(&d.join("report.json"));
    let summary = &report["summary"];
    assert_eq!(
        metric_sum(&text, "plimsoll_findings", &["status=\"fail\""]),
        summary["failed"].as_f64().unwrap()
    );
    assert!(summary["failed"].as_u64().unwrap() > 0);
    assert_eq!(
        metric_sum(&text, "plimsoll_check_resources", &["result=\"passed\""]),
        summary["passed"].as_f64().unwrap()
    );
    assert!(
        text.contains("namespace=\"a\\\"b\\\\c\""),
        "the namespace label is escaped: {}",
        text.lines()
            .find(|l| l.contains("odd") || l.contains("a\\\""))
            .unwrap_or("")
    );
    let controls = report["compliance"]["controls"].as_array().unwrap();
    for c in controls {
        let id = format!("control=\"{}\"", c["id"].as_str().unwrap());
        assert_eq!(
            metric_sum(&text, "plimsoll_control_status", &[&id]),
            1.0,
            "{id}"
        );
        let status = format!(
            "status=\"{}\"",
            c["status"].as_str().unwrap().to_ascii_lowercase()
        );
        assert_eq!(
            metric_sum(&text, "plimsoll_control_status", &[&id, &status]),
            1.0,
            "{id} {status}"
        );
    }
    let finished = metric_sum(&text, "plimsoll_scan_timestamp_seconds", &[]);
    assert!(finished > 1.7e9, "{finished}");
    assert_eq!(
        metric_sum(&text, "plimsoll_last_success_timestamp_seconds", &[]),
        finished
    );
    assert_eq!(metric_sum(&text, "plimsoll_scan_input_errors", &[]), 0.0);

    // An earlier success, then a scan that cannot read one file: the success time stays.
    let scope_line = text
        .lines()
        .find(|l| l.starts_with("plimsoll_last_success_timestamp_seconds{"))
        .unwrap();
    let earlier = scope_line.replace(
        &format!(" {}", scope_line.rsplit(' ').next().unwrap()),
        " 1600000000.000",
    );
    std::fs::write(&file, format!("{earlier}\n")).unwrap();
    write(
        d,
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    );
    let out = run_in(d, &args);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let (code, said) = promtool(&file);
    assert_eq!(code, 0, "promtool: {said}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        metric_sum(&text, "plimsoll_last_success_timestamp_seconds", &[]),
        1_600_000_000.0
    );
    assert!(metric_sum(&text, "plimsoll_scan_input_errors", &[]) >= 1.0);
    assert!(metric_sum(&text, "plimsoll_scan_timestamp_seconds", &[]) > 1.7e9);
}

/// Validates OCSF events with tests/support/ocsf_validate.py (the published schema through
/// the `ocsf-json-schema` package and `jsonschema`, installed into the test virtualenv).
fn ocsf_validate(file: &Path) -> Value {
    let python = root().join("target/test-tools/venv/bin/python");
    let out = Command::new(&python)
        .arg(root().join("tests/support/ocsf_validate.py"))
        .arg(plimsoll::report::ocsf::OCSF_VERSION)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/install-test-deps.sh installs it)",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn events(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `--output ocsf=FILE`: every event valid against the published OCSF 1.5.0 schema; one per
/// finding and per control; a finding keeps its uid from run to run (an Update the second
/// time) and one that is gone is closed under the same uid; what could not be assessed is
/// never a compliance Pass.
#[test]
fn ocsf_events_follow_the_published_schema_and_keep_their_uids_across_runs() {
    let dir = demo_dir();
    let d = dir.path();
    let state = d.join("state.db");
    let state_arg = format!("--state={}", state.display());
    let args = [
        "scan",
        "k8s",
        "--no-config",
        &state_arg,
        "--benchmark",
        "cis-kubernetes-1.12",
        "--output",
        "ocsf=events.ocsf.json",
        "--output",
        "json=report.json",
    ];
    let out = run_in(d, &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let file = d.join("events.ocsf.json");
    let checked = ocsf_validate(&file);
    assert_eq!(checked["errors"], serde_json::json!([]), "{checked}");
    let report = read_json(&d.join("report.json"));
    let findings = report["findings"].as_array().unwrap().len();
    let controls = report["compliance"]["controls"].as_array().unwrap().len();
    assert_eq!(
        checked["events"].as_u64().unwrap() as usize,
        findings + controls
    );
    let first = events(&file);
    assert!(first.iter().all(|e| e["class_uid"] == 2003));
    let uid_of = |events: &[Value], fingerprint: &str| -> Option<String> {
        events
            .iter()
            .find(|e| e["unmapped"]["fingerprint"] == fingerprint)
            .map(|e| e["finding_info"]["uid"].as_str().unwrap().to_string())
    };
    for e in &first {
        if matches!(e["status_code"].as_str(), Some("NOT_ASSESSED" | "ERROR")) {
            assert_eq!(e["compliance"]["status"], "Unknown", "{e}");
        }
    }
    assert!(
        first
            .iter()
            .any(|e| e["status_code"] == "FAIL" && e["compliance"]["status"] == "Fail")
    );

    // The legacy namespace's manifests go: its findings are closed under their uids; the
    // others are updates of the findings the consumer holds.
    std::fs::remove_file(d.join("k8s/legacy.yaml")).unwrap();
    let out = run_in(d, &args);
    assert!(out.code == 1, "{}", out.stderr);
    let checked = ocsf_validate(&file);
    assert_eq!(checked["errors"], serde_json::json!([]), "{checked}");
    let second = events(&file);
    let report = read_json(&d.join("report.json"));
    let resolved = report["drift"]["resolved"].as_array().unwrap();
    assert!(!resolved.is_empty());
    for r in resolved {
        let fp = r["fingerprint"].as_str().unwrap();
        let close = second
            .iter()
            .find(|e| e["activity_id"] == 3 && e["unmapped"]["fingerprint"] == fp)
            .unwrap_or_else(|| panic!("no Close event for {fp}"));
        assert_eq!(
            close["finding_info"]["uid"].as_str(),
            uid_of(&first, fp).as_deref()
        );
        assert_eq!(close["status_id"], 4);
    }
    let persisting: Vec<&Value> = second
        .iter()
        .filter(|e| {
            e["activity_id"] == 2
                && e["status_code"] == "FAIL"
                && e["unmapped"]["fingerprint"].is_string()
        })
        .collect();
    assert!(!persisting.is_empty());
    for e in persisting {
        let fp = e["unmapped"]["fingerprint"].as_str().unwrap();
        assert_eq!(
            e["finding_info"]["uid"].as_str(),
            uid_of(&first, fp).as_deref(),
            "{fp}"
        );
    }
}

/// Runs tests/support/policyreport_validate.mjs (the CRD models of `@kubernetes-models/kyverno`,
/// installed under target/test-tools) on a policy report file.
fn policyreport_validate(file: &Path) -> Value {
    let out = Command::new("node")
        .arg(root().join("tests/support/policyreport_validate.mjs"))
        .arg(root().join("target/test-tools/node_modules"))
        .arg(file)
        .output()
        .expect("node (scripts/install-test-deps.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `--output policyreport=FILE` and `--output openreports=FILE`: objects valid against the
/// published CRD schemas, one PolicyReport per namespace and a ClusterPolicyReport for
/// cluster-scoped resources; results and summaries count what the report counts; a waived
/// failure is `skip` with its reason.
#[test]
fn policy_reports_follow_the_published_crds_and_count_what_the_report_counts() {
    let dir = demo_dir();
    let d = dir.path();
    write(
        d,
        "k8s/waived.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: waived\n  namespace: tools\n  annotations:\n    plimsoll.io/waive.PLM-K8S-0001: \"debug pod, approved in SEC-12\"\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: {privileged: true}\n",
    );
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--no-state",
            "--output",
            "policyreport=reports.yaml",
            "--output",
            "openreports=open.yaml",
            "--output",
            "json=report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = read_json(&d.join("report.json"));
    let summary = &report["summary"];
    for (file, namespaced, cluster) in [
        ("reports.yaml", "PolicyReport", "ClusterPolicyReport"),
        ("open.yaml", "Report", "ClusterReport"),
    ] {
        let checked = policyreport_validate(&d.join(file));
        assert_eq!(
            checked["errors"],
            serde_json::json!([]),
            "{file}: {checked}"
        );
        let objects = checked["objects"].as_array().unwrap();
        let count = |result: &str| -> u64 {
            objects
                .iter()
                .flat_map(|o| o["results"].as_array().unwrap())
                .filter(|r| r["result"] == result)
                .count() as u64
        };
        assert_eq!(count("fail"), summary["failed"].as_u64().unwrap(), "{file}");
        assert_eq!(count("pass"), summary["passed"].as_u64().unwrap(), "{file}");
        assert_eq!(count("skip"), summary["waived"].as_u64().unwrap(), "{file}");
        assert!(count("skip") >= 1);
        for o in objects {
            let summed: u64 = ["pass", "fail", "warn", "error", "skip"]
                .iter()
                .map(|k| o["summary"][k].as_u64().unwrap())
                .sum();
            assert_eq!(summed as usize, o["results"].as_array().unwrap().len());
            match o["namespace"].as_str() {
                Some(ns) => {
                    assert_eq!(o["kind"], namespaced);
                    for r in o["results"].as_array().unwrap() {
                        assert_eq!(r["resources"][0]["namespace"], ns, "{r}");
                    }
                }
                None => assert_eq!(o["kind"], cluster),
            }
        }
        let namespaces: Vec<&str> = objects
            .iter()
            .filter_map(|o| o["namespace"].as_str())
            .collect();
        assert!(
            namespaces.contains(&"tools") && namespaces.contains(&"shop"),
            "{namespaces:?}"
        );
        assert!(objects.iter().any(|o| o["kind"] == cluster));
        let skip = objects
            .iter()
            .flat_map(|o| o["results"].as_array().unwrap())
            .find(|r| r["result"] == "skip")
            .unwrap();
        assert_eq!(
            skip["properties"]["waiver"],
            "debug pod, approved in SEC-12"
        );
    }
}

/// A Pushgateway (Debian's `prometheus-pushgateway`) on a free loopback port, stopped on drop.
struct Pushgateway {
    child: std::process::Child,
    url: String,
}

impl Pushgateway {
    fn start() -> Pushgateway {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("prometheus-pushgateway")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("prometheus-pushgateway (scripts/install-test-deps.sh installs it)");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the Pushgateway did not come up"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Pushgateway {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Its exposition page.
    fn page(&self) -> String {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                &format!("{}/metrics", self.url),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Pushgateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--pushgateway URL`: the run's metrics arrive in a real Pushgateway under job=plimsoll and
/// the run's scope; a later scan that cannot read part of its input keeps the last success
/// time the Pushgateway held.
#[test]
fn metrics_are_pushed_to_a_pushgateway_and_keep_the_last_success() {
    let gateway = Pushgateway::start();
    let dir = demo_dir();
    let d = dir.path();
    let args = [
        "scan",
        "k8s",
        "--no-config",
        "--no-state",
        "--pushgateway",
        &gateway.url,
        "--output",
        "json=report.json",
    ];
    let out = run_in(d, &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let page = gateway.page();
    let report = read_json(&d.join("report.json"));
    let ours = |page: &str, name: &str, labels: &[&str]| {
        let mut wanted = vec!["job=\"plimsoll\""];
        wanted.extend_from_slice(labels);
        metric_sum(page, name, &wanted)
    };
    assert_eq!(
        ours(&page, "plimsoll_findings", &["status=\"fail\""]),
        report["summary"]["failed"].as_f64().unwrap()
    );
    let success = ours(&page, "plimsoll_last_success_timestamp_seconds", &[]);
    assert!(success > 1.7e9, "{success}");

    write(
        d,
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    );
    let out = run_in(d, &args);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let page = gateway.page();
    assert!(ours(&page, "plimsoll_scan_input_errors", &[]) >= 1.0);
    assert_eq!(
        ours(&page, "plimsoll_last_success_timestamp_seconds", &[]),
        success
    );

    // A Pushgateway that is not there: exit 2, the report still written.
    std::fs::remove_file(d.join("report.json")).unwrap();
    let gone = format!("http://user:s3cret@127.0.0.1:{}", {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    });
    let out = run_in(
        d,
        &[
            "scan",
            "k8s",
            "--no-config",
            "--no-state",
            "--pushgateway",
            &gone,
            "--output",
            "json=report.json",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("Pushgateway http://user:***@127.0.0.1"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret"));
    assert!(d.join("report.json").exists());
}
