//! A streamed scan (files read in two passes, a chunk of documents parsed, judged and shrunk at
//! a time) reports exactly what an evaluation of the whole collection does. The whole
//! collection is `plimsoll collect` into a snapshot file, which a scan reads at once; the same
//! manifests scanned directly are streamed. The input spans several chunks and holds what the
//! first pass must get right: inventory kinds spread over the file, a `kind: List`, flow-style
//! documents, duplicate objects across chunk boundaries, and a broken document.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

#[path = "../benches/support/workloads.rs"]
mod workloads;

use serde_json::Value;
use support::bin::run;

/// The report without what differs between any two runs.
fn comparable(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).expect("JSON report");
    let scan = v["scan"].as_object_mut().unwrap();
    scan.remove("durationMs");
    scan.remove("startedAt");
    v
}

#[test]
fn a_streamed_scan_reports_what_the_whole_collection_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut text = workloads::cluster(3000);
    // The same Deployment again, thousands of documents later (another chunk): `~2`.
    let first = text
        .split("\n---\n")
        .find(|doc| doc.contains("kind: Deployment"))
        .unwrap()
        .to_string();
    text.push_str("\n---\n");
    text.push_str(&first);
    text.push_str(
        "\n---\n# a List: parsed in the first pass, its ServiceAccount in the inventory\n\
         apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  \
         metadata: {name: listed, namespace: team-0}\n  automountServiceAccountToken: false\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: uses-listed\n  namespace: team-0\n\
         spec:\n  serviceAccountName: listed\n  containers:\n  - name: c\n    image: busybox\n\
         ---\n{apiVersion: v1, kind: Pod, metadata: {name: flow, namespace: team-1}, \
         spec: {hostNetwork: true, containers: [{name: c, image: busybox}]}}\n\
         ---\nkind: Pod\nmetadata: [broken\n",
    );
    std::fs::write(d.join("cluster.yaml"), &text).unwrap();

    let collected = run(d, &["collect", "cluster.yaml", "-o", "snap.json"]);
    // The broken document is an input error (exit 3), in both.
    assert_eq!(collected.code, 3, "{}", collected.stderr);
    let scan = |input: &str, out: &str| {
        let o = run(
            d,
            &[
                "-v",
                "scan",
                input,
                "--no-config",
                "--no-state",
                "--format",
                "json",
                "-o",
                out,
                "--exit-zero",
            ],
        );
        assert_eq!(o.code, 3, "{}", o.stderr);
        o
    };
    let whole_run = scan("snap.json", "whole.json");
    let streamed_run = scan("cluster.yaml", "streamed.json");
    let whole = comparable(&std::fs::read_to_string(d.join("whole.json")).unwrap());
    let streamed = comparable(&std::fs::read_to_string(d.join("streamed.json")).unwrap());

    // Enough to span several chunks, and findings of every kind of check.
    assert!(whole["scan"]["resources"].as_u64().unwrap() > 3000);
    assert!(whole["findings"].as_array().unwrap().len() > 10_000);
    let has = |report: &Value, check: &str, id_part: &str| {
        report["findings"].as_array().unwrap().iter().any(|f| {
            f["checkId"] == check
                && f["resource"]["id"]
                    .as_str()
                    .is_some_and(|id| id.contains(id_part))
        })
    };
    // Cross-resource: a pod read in the second pass uses a ServiceAccount that only a List
    // read in the first pass holds, and that ServiceAccount disables token mounting.
    assert!(!has(&streamed, "PLM-K8S-0029", "Pod/uses-listed"));
    assert!(has(&streamed, "PLM-K8S-0029", "Pod/flow"));
    assert!(has(&streamed, "PLM-K8S-0004", "Pod/flow"));
    let renamed = streamed["collectionIssues"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["message"].as_str())
        .any(|m| m.contains("is also defined at") && m.contains("~2"));
    assert!(renamed, "{:?}", streamed["collectionIssues"]);

    // Everything else, field by field: findings with their lines, counts, issues.
    for key in ["summary", "checks", "collectionIssues"] {
        assert_eq!(whole[key], streamed[key], "{key} differs");
    }
    assert_eq!(whole["findings"], streamed["findings"]);
    assert_eq!(whole, streamed);
    // The streamed run said what it did in each phase.
    assert!(
        streamed_run.stderr.contains("collected ") && streamed_run.stderr.contains("evaluated "),
        "{}",
        streamed_run.stderr
    );
    assert!(
        whole_run.stderr.contains("peak RSS"),
        "{}",
        whole_run.stderr
    );
}
