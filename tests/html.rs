//! The HTML report in a real browser: Debian's Chromium headless shell (installed by
//! scripts/install-test-deps.sh) opens each report from `file://`, runs its script, and the
//! test reads the rendered DOM and the browser's console. Any console line fails a test: a
//! script error, or a request the page's Content-Security-Policy blocked (the page may ask
//! for nothing from the network). Screenshots go to `target/html-screenshots/` for a person.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::bin::{root, run};

/// What the browser made of a page: the DOM after its script ran, and its console lines.
struct Opened {
    dom: String,
    console: Vec<String>,
}

/// Opens `page` (with `hash` after `#`) in Chromium's headless shell; saves a screenshot as
/// `shot` under target/html-screenshots.
fn open(page: &Path, hash: &str, shot: &str) -> Opened {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}{hash}", page.display());
    let shots = root().join("target/html-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let browser = |extra: &[String]| {
        Command::new("chromium-headless-shell")
            .args([
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1280,1600",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("chromium-headless-shell runs (scripts/install-test-deps.sh installs it)")
    };
    let out = browser(&["--dump-dom".to_string()]);
    assert!(out.status.success(), "chromium: {:?}", out.status);
    let shot = browser(&[format!(
        "--screenshot={}",
        shots.join(format!("{shot}.png")).display()
    )]);
    assert!(shot.status.success());
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Opened {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
    }
}

/// The page printed to PDF by Chromium (the print stylesheet applies), also kept as `name`.pdf
/// under target/html-screenshots.
fn print_pdf(page: &Path, name: &str) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let pdf = root()
        .join("target/html-screenshots")
        .join(format!("{name}.pdf"));
    let out = Command::new("chromium-headless-shell")
        .args(["--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium-headless-shell runs");
    assert!(out.status.success());
    std::fs::read(&pdf).unwrap()
}

/// The text of the element with `id` in a dumped DOM (no nested elements).
fn text_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let open_end = start + dom[start..].find('>').unwrap() + 1;
    let close = open_end + dom[open_end..].find('<').unwrap();
    &dom[open_end..close]
}

/// Scans `inputs` in `dir` into report.html and report.json; the JSON report.
fn scan(dir: &Path, inputs: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["scan"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&[
        "--no-config",
        "--no-state",
        "--output",
        "html=report.html",
        "--output",
        "json=report.json",
    ]);
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

fn demo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("fixtures/demo");
    (dir, demo)
}

#[test]
fn the_report_opens_offline_with_its_summary_controls_and_findings() {
    let (dir, demo) = demo_dir();
    let d = dir.path();
    let report = scan(
        d,
        &[demo.to_str().unwrap()],
        &["--benchmark", "cis-kubernetes-1.12", "--fail-on", "high"],
    );
    let page = d.join("report.html");
    let text = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no URL the browser would fetch, and a policy that forbids any.
    assert!(!text.contains("src=\"http") && !text.contains("href=\"http"));

    let opened = open(&page, "", "demo");
    assert!(
        opened
            .dom
            .contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
        "the policy"
    );
    assert!(opened.console.is_empty(), "{:#?}", opened.console);
    let dom = &opened.dom;
    let summary = &report["summary"];
    assert_eq!(text_of(dom, "sum-failed"), summary["failed"].to_string());
    assert_eq!(
        text_of(dom, "sum-high"),
        summary["failedBySeverity"]["high"].to_string()
    );
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(text_of(dom, "shown"), findings.len().to_string());
    assert_eq!(text_of(dom, "total"), findings.len().to_string());
    // A known finding is on the page: the first check's group and the first resource.
    let first = &findings[0];
    assert!(dom.contains(&format!(
        "data-check=\"{}\"",
        first["checkId"].as_str().unwrap()
    )));
    assert!(dom.contains(first["resource"]["name"].as_str().unwrap()));
    // Every control of the benchmark has its row, with its status.
    let controls = report["compliance"]["controls"].as_array().unwrap();
    assert!(controls.len() > 50);
    for c in controls.iter().take(5) {
        assert!(
            dom.contains(&format!("<td>{}</td>", c["id"].as_str().unwrap())),
            "{}",
            c["id"]
        );
    }
    assert!(dom.contains("Gate (--fail-on high)"));
    // The charts are inline SVG: a segment per severity with failures, per control status.
    let with_failures = ["critical", "high", "medium", "low", "info"]
        .iter()
        .filter(|s| summary["failedBySeverity"][**s].as_u64().unwrap() > 0)
        .count();
    assert_eq!(dom.matches("<rect class=\"sev-").count(), with_failures);
    assert!(dom.contains(&format!("high: {}", summary["failedBySeverity"]["high"])));
    assert!(dom.contains("<rect class=\"st-PASS\""));
    // Printing gives a document: Chromium's print to PDF of the page.
    let pdf = print_pdf(&page, "demo");
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 20_000,
        "{} bytes",
        pdf.len()
    );
    // The score card says what the JSON says.
    let s = &report["compliance"]["summary"];
    let score = 100.0 * s["pass"].as_f64().unwrap()
        / (s["pass"].as_f64().unwrap() + s["fail"].as_f64().unwrap());
    assert_eq!(text_of(dom, "sum-score"), format!("{score:.1}%"));
}

#[test]
fn filters_and_search_narrow_the_findings_in_the_page() {
    let (dir, demo) = demo_dir();
    let d = dir.path();
    let report = scan(d, &[demo.to_str().unwrap()], &[]);
    let findings = report["findings"].as_array().unwrap();
    let page = d.join("report.html");
    let count = |pred: &dyn Fn(&Value) -> bool| findings.iter().filter(|f| pred(f)).count();

    let high = open(&page, "#severity=high", "filter-high");
    assert!(high.console.is_empty(), "{:#?}", high.console);
    let expected = count(&|f| f["severity"] == "high");
    assert!(expected > 0 && expected < findings.len());
    assert_eq!(text_of(&high.dom, "shown"), expected.to_string());
    // The groups shown are only of high checks.
    assert!(high.dom.contains("<summary><span class=\"sev sev-high\">"));
    assert!(
        !high
            .dom
            .contains("<summary><span class=\"sev sev-medium\">"),
        "a medium group is shown"
    );

    let ns = findings
        .iter()
        .find_map(|f| f["resource"]["namespace"].as_str())
        .unwrap();
    let by_ns = open(
        &page,
        &format!("#namespace={ns}&status=FAIL"),
        "filter-namespace",
    );
    assert_eq!(
        text_of(&by_ns.dom, "shown"),
        count(&|f| f["resource"]["namespace"] == ns && f["status"] == "FAIL").to_string()
    );

    // Text search over resource, message and check.
    let name = findings[0]["resource"]["name"].as_str().unwrap();
    let found = open(&page, &format!("#q={name}"), "search");
    let expected = count(&|f| {
        [
            f["resource"]["name"].as_str(),
            f["message"].as_str(),
            f["resource"]["id"].as_str(),
        ]
        .iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(&name.to_lowercase()))
    });
    let shown: usize = text_of(&found.dom, "shown").parse().unwrap();
    assert!(
        shown >= expected && shown < findings.len(),
        "{shown} of {expected}"
    );
    let none = open(&page, "#q=no-such-thing-anywhere", "search-none");
    assert_eq!(text_of(&none.dom, "shown"), "0");
    assert!(none.dom.contains("No finding matches the filters."));
}

/// A person's use of the filters, through the DevTools protocol (tests/support/cdp.py): the
/// severity select set and its change event dispatched, then a search typed; the counts the
/// page shows are those of the JSON report, with no console entry and no network request.
#[test]
fn choosing_a_severity_and_typing_a_search_filter_the_findings() {
    let (dir, demo) = demo_dir();
    let d = dir.path();
    let report = scan(d, &[demo.to_str().unwrap()], &[]);
    let findings = report["findings"].as_array().unwrap();
    let name = findings
        .iter()
        .find(|f| f["severity"] == "high")
        .and_then(|f| f["resource"]["name"].as_str())
        .unwrap();
    let choose = "(() => { const s = document.getElementById('f-severity'); s.value = 'high'; \
                  s.dispatchEvent(new Event('change')); \
                  return document.getElementById('shown').textContent; })()";
    let search = format!(
        "new Promise(done => {{ const q = document.getElementById('f-q'); q.value = {name:?}; \
         q.dispatchEvent(new Event('input')); \
         setTimeout(() => done(document.getElementById('shown').textContent), 500); }})"
    );
    let ready = "Number(document.documentElement.dataset.ready)";
    let url = format!("file://{}", d.join("report.html").display());
    let out = Command::new(root().join("target/test-tools/venv/bin/python"))
        .arg(root().join("tests/support/cdp.py"))
        .args([url.as_str(), choose, search.as_str(), ready])
        .output()
        .expect("python runs tests/support/cdp.py");
    assert!(
        out.status.success(),
        "cdp.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let high: Vec<&Value> = findings
        .iter()
        .filter(|f| f["severity"] == "high")
        .collect();
    assert_eq!(v["values"][0], high.len().to_string(), "{v}");
    let matching = high
        .iter()
        .filter(|f| {
            [
                &f["resource"]["name"],
                &f["message"],
                &f["resource"]["id"],
                &f["checkId"],
            ]
            .iter()
            .filter_map(|t| t.as_str())
            .any(|t| t.to_lowercase().contains(&name.to_lowercase()))
        })
        .count();
    let shown: usize = v["values"][1].as_str().unwrap().parse().unwrap();
    assert!(
        shown >= matching && shown >= 1 && shown <= high.len(),
        "{v}"
    );
    assert!(
        v["values"][2].as_f64().unwrap() > 0.0,
        "the page said when it was ready"
    );
    assert_eq!(v["console"], serde_json::json!([]), "console: {v}");
    assert_eq!(v["requests"], serde_json::json!([]), "network: {v}");
}

/// Everything from the scanned input is text: a resource, container, image and file named to
/// inject markup or end the data block runs nothing and shows as written.
#[test]
fn names_and_messages_from_the_input_render_as_text_and_run_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = "pods<b>bold<i>.yaml";
    std::fs::write(
        d.join(file),
        r#"apiVersion: v1
kind: Pod
metadata:
  name: "<img src=x onerror=document.title='pwned1'>"
  namespace: "<script>document.title='pwned2'</script>"
spec:
  containers:
  - name: "<svg onload=document.title='pwned3'>"
    image: "</script><script>document.title='pwned4'</script>:latest"
    securityContext: {privileged: true}
"#,
    )
    .unwrap();
    // And a file that cannot be read: its collection issue is listed, as text.
    std::fs::write(d.join("broken<u>.yaml"), "kind: [unclosed\n").unwrap();
    let mut args = vec!["scan", file, "broken<u>.yaml"];
    args.extend_from_slice(&["--no-config", "--no-state", "--output", "html=report.html"]);
    args.extend_from_slice(&["--output", "json=report.json"]);
    let out = run(d, &args);
    assert_eq!(out.code, 3, "an unreadable file: {}", out.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    assert!(report["summary"]["failed"].as_u64().unwrap() > 0);
    let opened = open(&d.join("report.html"), "", "injection");
    // An injected inline script would be blocked by the policy and logged; nothing is.
    assert!(opened.console.is_empty(), "{:#?}", opened.console);
    let dom = &opened.dom;
    assert!(!dom.contains("pwned") || !dom.contains("<title>pwned"));
    assert!(dom.contains("<title>Plimsoll report:"));
    // Shown as text: escaped in the DOM, never elements.
    assert!(dom.contains("&lt;img src=x onerror="), "the name is text");
    assert!(
        dom.contains("&lt;/script&gt;&lt;script&gt;"),
        "the image is text"
    );
    assert!(!dom.contains("<img src=\"x\"") && !dom.contains("<svg onload"));
    assert!(
        dom.contains("pods&lt;b&gt;bold&lt;i&gt;.yaml"),
        "the file name is text"
    );
    assert!(dom.contains("<h2>Collection issues</h2>"));
    assert!(
        dom.contains("broken&lt;u&gt;.yaml:2: invalid YAML"),
        "the issue names the file and line"
    );
}

/// `plimsoll fleet --format html`: the scopes of a store with their pass-rate trends as
/// inline SVG and the control x scope matrix, in one page that runs no script and fetches
/// nothing; names from the store are text.
#[test]
fn the_fleet_page_shows_every_scope_its_trend_and_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = root().join("fixtures/demo");
    for team in ["team-a", "team<b>"] {
        let target = d.join(team);
        std::fs::create_dir_all(&target).unwrap();
        for f in ["shop.yaml", "legacy.yaml"] {
            std::fs::copy(demo.join(f), target.join(f)).unwrap();
        }
        for _ in 0..2 {
            let out = run(
                d,
                &[
                    "scan",
                    team,
                    "--no-config",
                    "--state",
                    "store.db",
                    "--benchmark",
                    "cis-kubernetes-1.12",
                    "--format",
                    "html",
                    "-o",
                    "r.html",
                ],
            );
            assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        }
    }
    // The report of a scan with history shows its drift.
    let report = open(&d.join("r.html"), "", "drift");
    assert!(report.console.is_empty(), "{:#?}", report.console);
    assert!(
        report.dom.contains("Drift since run 3") && report.dom.contains("0 new"),
        "the drift section"
    );
    let json = run(d, &["fleet", "--state", "store.db", "--format", "json"]);
    let rows: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let out = run(d, &["fleet", "--state", "store.db", "--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = d.join("fleet.html");
    std::fs::write(&page, &out.stdout).unwrap();
    assert!(
        !out.stdout.contains("<script"),
        "the fleet page has no script"
    );
    let opened = open(&page, "", "fleet");
    assert!(opened.console.is_empty(), "{:#?}", opened.console);
    let dom = &opened.dom;
    assert_eq!(dom.matches("<tr class=\"scope\">").count(), 2);
    assert_eq!(
        dom.matches("<svg class=\"trend\"").count(),
        2,
        "a trend per scope"
    );
    assert!(dom.contains("<polyline points=\""));
    // The matrix: a row per control, a column per scope, statuses as the JSON has them.
    let pass_rate = rows[0]["passRate"].as_f64().unwrap();
    assert!(dom.contains(&format!("{pass_rate:.1}% (controls)")));
    assert!(dom.contains("<td class=\"st st-FAIL\">FAIL</td>"));
    assert!(dom.contains("team&lt;b&gt;"), "a scope name is text");
    assert!(!dom.contains("team<b>"));
}
