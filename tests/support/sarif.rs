//! SARIF checks shared by the report and cluster tests: the Microsoft SARIF Multitool with
//! GitHub's rules, plus the GitHub upload requirements the Multitool does not check.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()))
}

pub fn multitool() -> PathBuf {
    let p = root()
        .join("target/test-tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    assert!(
        p.is_file(),
        "{} missing: run scripts/install-test-deps.sh (make test does)",
        p.display()
    );
    p
}

/// The Multitool, cut off from the network. Some of its rules look up github.com and
/// json.schemastore.org; with no network but a DNS server that never answers, each run waited
/// about 40 s on those lookups, with the same validation results as offline (measured on the
/// demo's SARIF: 42 s vs 1.8 s, identical output). In a network namespace of its own (root:
/// `unshare -n`) the lookups fail at once; otherwise resolver timeouts are cut to a second.
fn offline_multitool() -> Command {
    static UNSHARE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let unshare = *UNSHARE.get_or_init(|| {
        Command::new("unshare")
            .args(["-n", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    let mut c = if unshare {
        let mut c = Command::new("unshare");
        c.arg("-n").arg(multitool());
        c
    } else {
        let mut c = Command::new(multitool());
        c.env("RES_OPTIONS", "timeout:1 attempts:1");
        c
    };
    c.env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
    c
}

/// Runs the SARIF Multitool with GitHub's and the SARIF spec's rules and returns its
/// findings (errors and warnings) as `RULE: message` lines; panics on any error.
pub fn validate_sarif(file: &Path) -> Vec<String> {
    let out_file = file.with_extension("validation.json");
    let status = offline_multitool()
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&out_file)
        .arg(file)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .stdout(Stdio::null())
        .status()
        .expect("SARIF Multitool runs");
    assert!(status.success(), "Multitool failed on {}", file.display());
    let log = read_json(&out_file);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let lines: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{} {}: {}",
                r["level"].as_str().unwrap_or("warning"),
                r["ruleId"].as_str().unwrap_or("?"),
                r["message"]
            )
        })
        .collect();
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error")).collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    lines
}

/// GitHub's upload requirements the Multitool does not check: every result has a physical
/// location with a URI and a start line (else "locationFromSarifResult: expected at least
/// one location"), a rule that exists, and a fingerprint.
pub fn assert_github_ready(sarif: &Value) {
    let run = &sarif["runs"][0];
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1, "one run");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (i, r) in run["results"].as_array().unwrap().iter().enumerate() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"].is_string(),
            "result {i}: {r}"
        );
        assert!(
            loc["region"]["startLine"].as_u64().unwrap() >= 1,
            "result {i}"
        );
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"], "result {i}: ruleIndex");
        assert!(r["partialFingerprints"]["plimsollFingerprint/v1"].is_string());
    }
    for rule in rules {
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .contains("docs/checks.md#plm-")
        );
        assert!(rule["properties"]["security-severity"].is_string());
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("Remediation")
        );
    }
}
