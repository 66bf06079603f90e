//! Fail closed: inputs Plimsoll cannot read as the cluster would never make an insecure
//! workload pass, never hang a scan, and never carry a secret into an output. One test per
//! class (docs/security.md), each through the real binary, the whole-collection path
//! (`collect`) and the streamed scan (`scan FILE`) both where they differ.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::bin::{Out, command, output, run};

/// A pod that every reading kubectl would send as privileged, on the host network.
const INSECURE: &str = "apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: shop}
spec:
  hostNetwork: true
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, bytes).unwrap();
}

/// `scan FILE --format json` (streamed) and `scan` of its snapshot (whole collection).
fn both_ways(dir: &Path, file: &str) -> [(Out, Value); 2] {
    let streamed = run(dir, &["scan", file, "--no-state", "--format", "json"]);
    let collect = run(dir, &["collect", file, "-o", "snap.json"]);
    assert!(
        dir.join("snap.json").exists(),
        "collect wrote no snapshot: {}",
        collect.stderr
    );
    let whole = run(
        dir,
        &["scan", "snap.json", "--no-state", "--format", "json"],
    );
    [streamed, whole].map(|o| {
        let v = serde_json::from_str(&o.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", o.stdout, o.stderr));
        (o, v)
    })
}

/// (check, status) of every finding about the resource `name`.
fn statuses(report: &Value, name: &str) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["name"] == name)
        .map(|f| {
            (
                f["checkId"].as_str().unwrap_or_default().to_string(),
                f["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn fails(report: &Value, name: &str, check: &str) -> bool {
    statuses(report, name)
        .iter()
        .any(|(c, s)| c == check && s == "FAIL")
}

#[test]
fn byte_order_marks_and_utf16_are_read_as_kubectl_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(INSECURE.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(INSECURE.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(INSECURE.encode_utf16().flat_map(u16::to_be_bytes));
    let json_bom = [
        &[0xEF, 0xBB, 0xBF][..],
        br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[{"name":"a","image":"x:1","securityContext":{"privileged":true}}]}}"#,
    ]
    .concat();
    for (name, bytes) in [
        ("bom.yaml", bom),
        ("le.yaml", le),
        ("be.yaml", be),
        ("bom.json", json_bom),
    ] {
        write(d, name, &bytes);
        for (out, report) in both_ways(d, name) {
            assert_eq!(out.code, 1, "{name}: {}", out.stderr);
            assert!(
                fails(&report, "bad", "PLM-K8S-0001"),
                "{name}: {:?}",
                statuses(&report, "bad")
            );
        }
    }
    // Without a mark, UTF-16 is refused by name (kubectl refuses it too), never skipped.
    let bare: Vec<u8> = INSECURE.encode_utf16().flat_map(u16::to_le_bytes).collect();
    write(d, "bare.yaml", &bare);
    let out = run(d, &["scan", "bare.yaml", "--no-state"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("UTF-16") || out.stderr.contains("UTF-16"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn control_characters_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = INSECURE.replace("name: app", "name: a\u{0}pp");
    write(dir.path(), "nul.yaml", text.as_bytes());
    let out = run(
        dir.path(),
        &["scan", "nul.yaml", "--no-state", "--format", "json"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let issue = &report["collectionIssues"][0];
    assert_eq!(issue["line"], 7, "{issue}");
    assert!(issue["message"].as_str().unwrap().contains("U+0000"));
}

#[test]
fn yaml_1_1_booleans_mean_what_kubectl_sends() {
    let dir = tempfile::tempdir().unwrap();
    let text = INSECURE
        .replace("hostNetwork: true", "hostNetwork: yes")
        .replace("privileged: true", "privileged: on");
    write(dir.path(), "yaml11.yaml", text.as_bytes());
    for (out, report) in both_ways(dir.path(), "yaml11.yaml") {
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(fails(&report, "bad", "PLM-K8S-0001"), "privileged: on");
        assert!(fails(&report, "bad", "PLM-K8S-0004"), "hostNetwork: yes");
    }
}

#[test]
fn null_means_absent_and_keeps_the_container_in_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let text = "apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: shop}
spec:
  securityContext:
  containers:
  - name: app
    image: nginx:latest
    securityContext:
    ports:
    - containerPort: 80
      hostPort: 80
";
    write(dir.path(), "null.yaml", text.as_bytes());
    for (out, report) in both_ways(dir.path(), "null.yaml") {
        assert_eq!(out.code, 1, "{}", out.stderr);
        // The container is still seen: its image tag, host port and missing context fail.
        for check in ["PLM-K8S-0025", "PLM-K8S-0019", "PLM-K8S-0006"] {
            assert!(
                fails(&report, "bad", check),
                "{check}: {:?}",
                statuses(&report, "bad")
            );
        }
        assert!(report["collectionIssues"].as_array().unwrap().is_empty());
    }
}

/// Each of these is an object the API server would refuse: an input error naming file and
/// line, and no check on it is a PASS in any format.
#[test]
fn wrong_types_are_input_errors_and_never_pass() {
    let cases = [
        (
            "string-context.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      runAsUser:65534\n",
            8,
            "spec.containers[0].securityContext must be a mapping, not a string",
        ),
        (
            "spec-list.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n- template: {}\n",
            4,
            "spec must be a mapping, not a list",
        ),
        (
            "containers-map.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n    app: {image: nginx, securityContext: {privileged: true}}\n",
            5,
            "spec.containers must be a list, not a mapping",
        ),
        (
            "quoted-bool.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  hostPID: \"true\"\n  containers:\n  - {name: app, image: nginx}\n",
            5,
            "spec.hostPID must be a boolean, not a string",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (file, text, line, problem) in cases {
        write(d, file, text.as_bytes());
        for (out, report) in both_ways(d, file) {
            assert_eq!(out.code, 3, "{file}: {}", out.stderr);
            let issues = report["collectionIssues"].as_array().unwrap();
            let issue = issues
                .iter()
                .find(|i| i["message"].as_str().unwrap().contains(problem))
                .unwrap_or_else(|| panic!("{file}: {issues:?}"));
            assert_eq!(issue["line"], line, "{file}: {issue}");
            assert_eq!(issue["level"], "error");
            let seen = statuses(&report, "bad");
            assert!(!seen.is_empty(), "{file}: the resource is reported");
            assert!(
                seen.iter().all(|(_, s)| s == "NOT_ASSESSED"),
                "{file}: {seen:?}"
            );
            for check in report["checks"].as_array().unwrap() {
                if check["kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k == "kubernetes/Pod" || k == "kubernetes/Deployment")
                    && seen.iter().any(|(c, _)| c == check["id"].as_str().unwrap())
                {
                    assert!(check["notAssessed"].is_string(), "{check}");
                }
            }
        }
    }
    // JUnit skips the resource (never a passing case); SARIF carries a notification.
    let out = run(
        d,
        &[
            "scan",
            "containers-map.yaml",
            "--no-state",
            "-o",
            "junit=r.xml",
            "-o",
            "sarif=r.sarif",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    let junit = std::fs::read_to_string(d.join("r.xml")).unwrap();
    let case = junit
        .split("<testcase ")
        .find(|c| c.contains("PLM-K8S-0001") && c.contains("/bad"))
        .expect("a case for the pod");
    assert!(case.contains("<skipped message=\"NOT_ASSESSED"), "{case}");
    let sarif = std::fs::read_to_string(d.join("r.sarif")).unwrap();
    assert!(sarif.contains("not assessed"), "{sarif}");
}

#[test]
fn lists_that_cannot_be_read_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (file, text, needle) in [
        (
            "items-map.yaml",
            "apiVersion: v1\nkind: List\nitems:\n  pod: {apiVersion: v1, kind: Pod, metadata: {name: bad}}\n",
            "must be a list",
        ),
        (
            "nested.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: bad}, spec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}}\n",
            "not another list",
        ),
        (
            "half.yaml",
            "kind: Pod\nmetadata: {name: bad}\nspec: {hostNetwork: true}\n",
            "apiVersion and kind",
        ),
        (
            "seq.yaml",
            "- apiVersion: v1\n  kind: Pod\n  metadata: {name: bad}\n",
            "list of Kubernetes objects",
        ),
    ] {
        write(d, file, text.as_bytes());
        let out = run(d, &["scan", file, "--no-state", "--format", "json"]);
        assert_eq!(out.code, 3, "{file}: {}", out.stderr);
        assert!(out.stdout.contains(needle), "{file}: {}", out.stdout);
    }
}

/// Runs the command and kills it if it has not ended within `limit`. Its output is read as it
/// comes (a report larger than a pipe's buffer would otherwise stall it).
fn bounded(mut cmd: std::process::Command, limit: Duration) -> Out {
    use std::process::Stdio;
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    let out = match receive.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("still running after {limit:?}");
        }
    };
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn pipes_devices_and_alias_bombs_do_not_hang_or_exhaust_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "scan/ok.yaml", INSECURE.as_bytes());
    let fifo = d.join("scan/blocked.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A FIFO in a scanned directory: reported, its siblings scanned, nothing waits on it.
    let out = bounded(
        command(d, d, &["scan", "scan", "--no-state", "--format", "json"]),
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stdout.contains("blocked.yaml: not a regular file"));
    assert!(
        out.stdout.contains("PLM-K8S-0001"),
        "the sibling was scanned"
    );
    // A device named on the command line is refused, not read forever.
    let out = bounded(
        command(d, d, &["scan", "/dev/zero", "--no-state"]),
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    // 1 MiB behind 20,000 aliases would be 20 GiB.
    let mut bomb = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bomb}}\ndata:\n  a: &a {}\nlist:\n",
        "x".repeat(1 << 20)
    );
    for _ in 0..20_000 {
        bomb.push_str("- *a\n");
    }
    write(d, "bomb.yaml", bomb.as_bytes());
    let out = bounded(
        command(
            d,
            d,
            &["scan", "bomb.yaml", "--no-state", "--format", "json"],
        ),
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stdout.contains("MiB of text"), "{}", out.stdout);
}

/// A 30 KB container name, a 1 MB image line and a 3 MB policy message: the table stays the
/// size of a table (cells cut, with a note), JSON keeps the full text.
#[test]
fn huge_names_lines_and_messages_keep_the_table_small() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "n".repeat(30_000);
    let image = format!("registry.example/{}:latest", "i".repeat(1 << 20));
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: big, namespace: shop}}\nspec:\n  containers:\n  - name: {name}\n    image: {image}\n    securityContext: {{privileged: true}}\n"
    );
    write(d, "big.yaml", pod.as_bytes());
    write(
        d,
        "loud/msg/policy.rego",
        b"# METADATA\n# title: Loud\n# custom:\n#   id: ACME-0004\n#   severity: low\n#   kinds: [kubernetes/Pod]\n#   remediation: r\npackage acme.loud\nimport rego.v1\n\
          deny contains msg if {\n  msg := concat(\"\", [\"xyz\" | some _ in numbers.range(1, 1000000)])\n}\n",
    );
    let table = bounded(
        command(
            d,
            d,
            &[
                "scan",
                "big.yaml",
                "--policies",
                "loud",
                "--no-state",
                "--eval-timeout",
                "60",
            ],
        ),
        Duration::from_secs(120),
    );
    assert_eq!(table.code, 1, "{}", table.stderr);
    assert!(table.stdout.contains("more characters; see --format json"));
    assert!(
        table.stdout.contains("ACME-0004"),
        "{}",
        &table.stdout[..2000.min(table.stdout.len())]
    );
    assert!(
        table.stdout.len() < 200_000,
        "the table is {} bytes",
        table.stdout.len()
    );
    let json = bounded(
        command(
            d,
            d,
            &["scan", "big.yaml", "--no-state", "--format", "json"],
        ),
        Duration::from_secs(120),
    );
    assert!(json.stdout.contains(&name), "JSON keeps the full name");
}

/// Run as a user who may not read one subdirectory: it is reported, and the readable files
/// beside it, including one whose name is not UTF-8, are scanned.
#[test]
fn unreadable_subdirectories_and_non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "scan/ok.yaml", INSECURE.as_bytes());
    write(d, "scan/locked/hidden.yaml", INSECURE.as_bytes());
    let odd = d
        .join("scan")
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.yaml"));
    std::fs::write(
        &odd,
        INSECURE.replace("name: bad", "name: latin1").as_bytes(),
    )
    .unwrap();
    for p in [d, &d.join("scan")] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(
        d.join("scan/locked"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    // `nobody` (65534) may not list scan/locked; root could.
    let bin = env!("CARGO_BIN_EXE_plimsoll");
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
        .args([
            "scan",
            "scan",
            "--no-state",
            "--no-config",
            "--format",
            "json",
        ])
        .current_dir(d)
        .env("HOME", d)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    let out = bounded(cmd, Duration::from_secs(60));
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    let issues = report["collectionIssues"].to_string();
    assert!(
        issues.contains("scan/locked: cannot list directory"),
        "{issues}"
    );
    let failing: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["checkId"] == "PLM-K8S-0001" && f["status"] == "FAIL")
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert!(failing.contains(&"bad"), "{failing:?}");
    assert!(
        failing.contains(&"latin1"),
        "the non-UTF-8 name is read: {failing:?}"
    );
}

/// Report temporary files (`.NAME.RANDOM.tmp`) in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

/// SIGINT, SIGTERM or SIGHUP while a report is being written: the temporary file is removed,
/// the previous report is left as it was, and the exit status says which signal.
#[test]
fn an_interrupted_report_write_leaves_no_temporary_file() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pod.yaml", INSECURE.as_bytes());
    write(d, "report.json", b"previous");
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let mut cmd = command(
            d,
            d,
            &[
                "scan",
                "pod.yaml",
                "--no-state",
                "--format",
                "json",
                "-o",
                "report.json",
            ],
        );
        let mut child = cmd
            .env("PLIMSOLL_TEST_HOLD_REPORT_WRITE_MS", "60000")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("child still running").unwrap();
            if line.contains("holding the report write") {
                break;
            }
        }
        assert_eq!(temporary_files(d).len(), 1, "the write is under way");
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        let left = temporary_files(d);
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
        assert_eq!(std::fs::read(d.join("report.json")).unwrap(), b"previous");
    }
}

/// A quoted argument continued on a line indented less than its list dash: kubectl reads it
/// (and the privileged container after it); so does Plimsoll, both ways.
#[test]
fn quoted_continuations_are_read_as_kubectl_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "q.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: shop}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    args:\n    - \"first line\n  continued\"\n    securityContext:\n      privileged: true\n",
    );
    for (out, report) in both_ways(d, "q.yaml") {
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            statuses(&report, "bad").contains(&("PLM-K8S-0001".into(), "FAIL".into())),
            "{report}"
        );
    }
}

#[test]
fn secret_values_stay_out_of_errors_snapshots_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "apiVersion: v1
kind: Secret
metadata: {name: s}
stringData:
  port: !!int hunter2-secret
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  password: hunter3-secret
  apiToken: hunter4-secret
  logLevel: debug
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.27
    env:
      DB_PASSWORD: hunter5-secret
  - name: b
    image: nginx:1.27
    env:
    - {name: FLAG, value: !!bool hunter6-secret}
";
    write(d, "secrets.yaml", text.as_bytes());
    let scan = run(d, &["scan", "secrets.yaml", "--format", "json"]);
    let collect = run(d, &["collect", "secrets.yaml", "-o", "snap.json"]);
    let snapshot = std::fs::read_to_string(d.join("snap.json")).unwrap();
    let mut store = Vec::new();
    for entry in walk(d) {
        if entry
            .extension()
            .is_some_and(|e| e == "db" || e == "sqlite")
        {
            store.extend(std::fs::read(&entry).unwrap());
        }
    }
    let store = String::from_utf8_lossy(&store);
    for (what, text) in [
        ("scan stdout", scan.stdout.as_str()),
        ("scan stderr", scan.stderr.as_str()),
        ("collect stderr", collect.stderr.as_str()),
        ("snapshot", snapshot.as_str()),
        ("state store", &store),
    ] {
        for n in 2..=6 {
            let secret = format!("hunter{n}-secret");
            assert!(!text.contains(&secret), "{secret} in the {what}:\n{text}");
        }
    }
    assert!(
        snapshot.contains("debug"),
        "other ConfigMap values are kept"
    );
    assert!(
        scan.stdout.contains("!!int"),
        "the error names the tag: {}",
        scan.stdout
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_broken_document_never_leaves_its_siblings_unread() {
    // Sibling class of the wrong-typed object: a document that does not parse is an error
    // naming its line, and the documents around it are still judged.
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{INSECURE}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n---\n{}",
        INSECURE.replace("name: bad", "name: bad2")
    );
    write(dir.path(), "mixed.yaml", text.as_bytes());
    let out = output(&mut command(
        dir.path(),
        dir.path(),
        &["scan", "mixed.yaml", "--no-state", "--format", "json"],
    ));
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(fails(&report, "bad", "PLM-K8S-0001"));
    assert!(fails(&report, "bad2", "PLM-K8S-0001"));
}

#[test]
fn output_formats_are_never_guessed_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pod.yaml", INSECURE.as_bytes());
    // A typo in a format is a usage error, not a file named `sairf=typo.sarif`.
    let out = run(
        d,
        &["scan", "pod.yaml", "--no-state", "-o", "sairf=typo.sarif"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown format \"sairf\""),
        "{}",
        out.stderr
    );
    assert!(!d.join("sairf=typo.sarif").exists());
    // The same in plimsoll.yaml.
    write(
        d,
        "plimsoll.yaml",
        b"output:\n  files:\n    - pdf=report.pdf\n",
    );
    let out = run(d, &["scan", "pod.yaml", "--no-state"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("plimsoll.yaml:3"), "{}", out.stderr);
    std::fs::remove_file(d.join("plimsoll.yaml")).unwrap();
    // `-o report.sarif` alone is SARIF; an extension that disagrees with --format is an error.
    let out = run(d, &["scan", "pod.yaml", "--no-state", "-o", "report.sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let out = run(
        d,
        &[
            "scan",
            "pod.yaml",
            "--no-state",
            "--format",
            "json",
            "-o",
            "r.sarif",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the extension says sarif"),
        "{}",
        out.stderr
    );
    let out = run(d, &["scan", "pod.yaml", "--no-state", "-o", "sarif=r.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // A file name with '=' is written with a directory.
    let out = run(d, &["scan", "pod.yaml", "--no-state", "-o", "./a=b.json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(d.join("a=b.json").exists());
    // Reports leave no temporary file behind.
    let left = temporary_files(d);
    assert!(left.is_empty(), "{left:?}");
}
