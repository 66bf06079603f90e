//! Smoke test of the peer comparison harness (`benches/compare/`): on a small generated
//! cluster it runs Plimsoll (whole catalogue and the 12-check subset, on two threads and one)
//! and OPA on the same Rego and inputs, and the harness itself fails when Plimsoll and OPA
//! disagree on a single violation count. Checkov runs in `make compare` only: installing and
//! running it took minutes of every CI run and checks nothing about Plimsoll. No timing is asserted here:
//! performance is measured by `benches/compare/run.sh` and recorded in docs/performance.md.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_harness_runs_every_tool_and_plimsoll_agrees_with_opa() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plimsoll"));
    // The generator is an example of this crate, built beside the binary under test by
    // `cargo test --all-targets` (for whichever target that was); built here when missing.
    let generate = bin
        .parent()
        .expect("binary directory")
        .join("examples/generate");
    if !generate.is_file() {
        // For the binary's own target: target/<triple>/debug/plimsoll when one was given.
        let profile_dir = bin.parent().expect("profile directory");
        let triple = profile_dir
            .parent()
            .filter(|d| {
                d.parent()
                    .and_then(|t| t.file_name())
                    .is_some_and(|n| n == "target")
            })
            .and_then(|d| d.file_name())
            .map(|t| t.to_string_lossy().into_owned());
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--example", "generate"])
            .current_dir(&root);
        if let Some(t) = &triple {
            build.args(["--target", t]);
        }
        assert!(build.status().expect("cargo runs").success());
    }
    let work = tempfile::tempdir().unwrap();
    let json = work.path().join("rows.json");
    let docs = work.path().join("perf.md");
    std::fs::write(
        &docs,
        "# before\n<!-- compare:begin -->\nold\n<!-- compare:end -->\n# after\n",
    )
    .unwrap();
    let out = Command::new("python3")
        .arg(root.join("benches/compare/compare.py"))
        .args([
            "--sizes",
            "400",
            "--scaling-at",
            "400",
            "--checkov-max",
            "0",
        ])
        .arg("--bin")
        .arg(&bin)
        .arg("--generate")
        .arg(&generate)
        .arg("--work")
        .arg(work.path())
        .arg("--json")
        .arg(&json)
        .arg("--docs")
        .arg(&docs)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "harness failed:\n{stderr}");

    let rows: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let row = &rows[0];
    assert_eq!(row["n"], 400);
    assert_eq!(
        row["resources"], 400,
        "the generator writes exactly N resources"
    );
    // Every one of the 12 subset checks fires on the generated mix, and OPA agrees per check
    // (the harness exits non-zero otherwise; checked here too).
    let plimsoll = row["subset"]["by_check"].as_object().unwrap();
    assert_eq!(plimsoll.len(), 12, "{plimsoll:?}");
    assert_eq!(row["subset"]["by_check"], row["opa"]["by_check"]);
    // The whole catalogue finds more than the subset, and the same on one thread as on two.
    let all = row["all"]["findings"].as_u64().unwrap();
    assert!(all > row["subset"]["findings"].as_u64().unwrap());
    assert_eq!(row["all_t1"]["findings"], row["all"]["findings"]);
    assert!(row["all"]["parse"].as_f64().is_some() && row["all"]["eval"].as_f64().is_some());
    assert!(
        row.get("checkov").is_none(),
        "Checkov is for make compare: {row}"
    );
    for tool in ["all", "subset", "opa"] {
        assert!(row[tool]["rss"].as_f64().unwrap() > 0.0, "{tool}: {row}");
    }
    // The Markdown section was replaced between its markers, the rest kept.
    let md = std::fs::read_to_string(&docs).unwrap();
    assert!(md.starts_with("# before\n<!-- compare:begin -->\n"));
    assert!(md.ends_with("<!-- compare:end -->\n# after\n"));
    assert!(md.contains("| 400 | OPA 1.20, 12 checks |") && !md.contains("\nold\n"));
}
