//! Golden files: every report format on the demo and test fixtures, byte for byte, so a change
//! that reshapes the pipeline (issue "pipeline") cannot change what a report says unnoticed.
//! Only what differs from run to run (start time, durations) is replaced before comparing.
//!
//! After a deliberate change to a report, regenerate and review the diff:
//! `PLIMSOLL_BLESS=1 cargo test --test golden` (or `make golden`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::path::Path;
use support::bin::{command, output, root};

/// Run-to-run values: what precedes each, and whether it is quoted (up to the next `"`) or a
/// number (digits and dots). Each value is replaced by `0`.
const VOLATILE: &[(&str, bool)] = &[
    // JSON report
    ("\"startedAt\":", true),
    ("\"durationMs\":", false),
    // SARIF invocation
    ("\"startTimeUtc\":", true),
    ("\"endTimeUtc\":", true),
    // JUnit
    (" time=", true),
    (" timestamp=", true),
    // Table summary: "with 214 checks in 0.34s:"
    (" checks in ", false),
];

fn normalise(text: &str) -> String {
    let mut out = text.to_string();
    for (marker, quoted) in VOLATILE {
        let mut done = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(marker) {
            let after = &rest[at + marker.len()..];
            let spaces = after.len() - after.trim_start_matches(' ').len();
            let value = &after[spaces..];
            let len = if *quoted {
                match value.strip_prefix('"').and_then(|v| v.find('"')) {
                    Some(end) => end + 2,
                    None => 0,
                }
            } else {
                value
                    .find(|c: char| !c.is_ascii_digit() && c != '.')
                    .unwrap_or(value.len())
            };
            done.push_str(&rest[..at + marker.len() + spaces]);
            done.push_str(match (len, quoted) {
                (0, _) => "",
                (_, true) => "\"0\"",
                (_, false) => "0",
            });
            rest = &value[len..];
        }
        done.push_str(rest);
        out = done;
    }
    out
}

/// Runs `plimsoll scan ARGS` from the repository root and compares standard output with
/// `tests/golden/NAME`.
fn golden(name: &str, args: &[&str]) {
    let home = tempfile::tempdir().expect("home");
    let mut full = vec!["scan", "--no-config", "--no-state", "--exit-zero"];
    full.extend_from_slice(args);
    let out = output(&mut command(&root(), home.path(), &full));
    assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    let got = normalise(&out.stdout);
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("PLIMSOLL_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with PLIMSOLL_BLESS=1 cargo test --test golden",
            path.display()
        )
    });
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        let at = |t: &str| t.lines().nth(line).unwrap_or("<end>").to_string();
        panic!(
            "{name} differs from {} at line {}:\n  got:  {}\n  want: {}\n(a deliberate change: PLIMSOLL_BLESS=1 cargo test --test golden, then review the diff)",
            path.display(),
            line + 1,
            at(&got),
            at(&want)
        );
    }
}

#[test]
fn the_demo_in_every_format() {
    for (format, ext) in [
        ("json", "json"),
        ("sarif", "sarif"),
        ("junit", "xml"),
        ("table", "txt"),
    ] {
        golden(
            &format!("demo.{ext}"),
            &["fixtures/demo", "--format", format],
        );
    }
}

#[test]
fn the_demo_against_a_benchmark() {
    for (format, ext) in [("json", "json"), ("table", "txt")] {
        golden(
            &format!("demo-cis-kubernetes.{ext}"),
            &[
                "fixtures/demo",
                "--benchmark",
                "cis-kubernetes-1.12",
                "--format",
                format,
            ],
        );
    }
}

#[test]
fn the_cluster_fixture_as_manifests() {
    for (format, ext) in [("json", "json"), ("table", "txt"), ("junit", "xml")] {
        golden(
            &format!("cluster.{ext}"),
            &["fixtures/cluster", "--format", format],
        );
    }
}

#[test]
fn normalising_keeps_everything_but_times() {
    let text = "{\"startedAt\": \"2026-12-06T23:37:37Z\", \"durationMs\": 339, \"id\": \"PLM-K8S-0001\"}\n\
                with 214 checks in 0.34s: <testsuite time=\"0.335\" timestamp=\"2026-12-06T23:37:38Z\">";
    assert_eq!(
        normalise(text),
        "{\"startedAt\": \"0\", \"durationMs\": 0, \"id\": \"PLM-K8S-0001\"}\n\
         with 214 checks in 0s: <testsuite time=\"0\" timestamp=\"0\">"
    );
    assert!(Path::new(&root().join("tests/golden")).is_dir());
}
