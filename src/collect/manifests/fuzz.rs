//! Property-based fuzzing of the manifest loader and the policy input it builds (run by
//! `cargo test`, so in CI, for a bounded number of cases: `PROPTEST_CASES`, default 192).
//!
//! Why proptest: it runs on stable Rust inside the ordinary test suite, shrinks a failing
//! input to a small one, and records it in `proptest-regressions/` so it is replayed on every
//! run after. cargo-fuzz needs nightly and a separate runner; bolero's coverage-guided engines
//! need nightly too, and on stable it is a random-input runner like this one.
//!
//! The corpus is every manifest in `fixtures/`, `tests/` and the checks' cases; each case
//! mutates one of them with the edits hostile inputs used (YAML 1.1 words, nulls, tags,
//! aliases, byte-order marks, control characters, wrong types, truncation, splicing). The
//! properties:
//! * nothing panics, whatever the bytes;
//! * the whole-file reader (`collect`) and the streamed splitter read the same resources,
//!   the same unreadable ones, and the same number of issues;
//! * every built-in Kubernetes check evaluates every resource without a policy error, and an
//!   unreadable resource is NOT_ASSESSED by all of them, never passed.

use super::{Documents, FileResult, parse_document, parse_text};
use crate::engine::{EvalOptions, Evaluated, Prepared};
use crate::policy::Catalogue;
use crate::snapshot::Snapshot;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["fixtures", "tests", "policies/kubernetes"] {
            walk(&root.join(dir), &mut files);
        }
        files.sort();
        files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            // Kubernetes manifests only (snapshots are not what a user writes by hand).
            .filter(|t| t.contains("apiVersion") && !t.contains("PlimsollSnapshot"))
            .filter(|t| t.len() < 64 << 10)
            .collect()
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        {
            out.push(p);
        }
    }
}

/// Words and bytes that change what a manifest means or whether it can be read.
const TOKENS: &[&str] = &[
    "yes",
    "on",
    "off",
    "no",
    "y",
    "~",
    "null",
    "",
    "0644",
    "0x1F",
    "1e3",
    ".inf",
    "\"true\"",
    "!!int x",
    "!!bool maybe",
    "!!str 1",
    "&a x",
    "*a",
    "*b",
    "[]",
    "{}",
    "[1, 2]",
    "{a: b}",
    "- ",
    ": ",
    "\t",
    "\u{feff}",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "---\n",
    "...\n",
    "\n  ",
    "'",
    "\"",
    "|\n  x",
    ">-\n  y",
    "? ",
    "#",
    "%YAML 1.1\n",
    "<<: *a",
    "kind: List\nitems:",
    "securityContext:",
    "privileged: true",
    "containers: {}",
    "spec: []",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Replace the bytes at a position (as a fraction of the length) with a token.
    Replace(f64, usize, usize),
    /// Insert a token.
    Insert(f64, usize),
    /// Cut the text at a position.
    Truncate(f64),
    /// Append the start of another corpus file.
    Splice(usize, f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, 0..16usize, 0..TOKENS.len()).prop_map(|(a, b, c)| Edit::Replace(a, b, c)),
        (0.0..1.0f64, 0..TOKENS.len()).prop_map(|(a, b)| Edit::Insert(a, b)),
        (0.0..1.0f64).prop_map(Edit::Truncate),
        (any::<usize>(), 0.0..1.0f64).prop_map(|(a, b)| Edit::Splice(a, b)),
    ]
}

/// The byte index at fraction `at` of `s`, moved back to a character boundary.
fn at(s: &str, at: f64) -> usize {
    let mut i = ((s.len() as f64) * at) as usize;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i.min(s.len())
}

fn apply(mut text: String, edits: &[Edit]) -> String {
    let corpus = corpus();
    for e in edits {
        match *e {
            Edit::Replace(pos, len, t) => {
                let start = at(&text, pos);
                let mut end = (start + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(start..end.max(start), TOKENS[t]);
            }
            Edit::Insert(pos, t) => {
                let i = at(&text, pos);
                text.insert_str(i, TOKENS[t]);
            }
            Edit::Truncate(pos) => {
                let i = at(&text, pos);
                text.truncate(i);
            }
            Edit::Splice(other, pos) => {
                let other = &corpus[other % corpus.len()];
                let i = at(other, pos);
                text.push('\n');
                text.push_str(&other[..i]);
            }
        }
    }
    text
}

/// What the two readers made of one text: resource ids (with whether each is unreadable) and
/// the number of issues.
type Reading = (Vec<(String, bool)>, usize);

fn whole(text: &str) -> (Snapshot, Reading) {
    let FileResult::Manifests { resources, issues } = parse_text("fuzz.yaml", text) else {
        return (Snapshot::default(), (Vec::new(), 0));
    };
    let reading = (
        resources
            .iter()
            .map(|r| (r.id.clone(), r.unreadable.is_some()))
            .collect(),
        issues.len(),
    );
    let snapshot = Snapshot {
        resources,
        issues,
        ..Snapshot::default()
    };
    (snapshot, reading)
}

fn streamed(text: &str) -> Reading {
    let mut resources = Vec::new();
    let mut issues = Vec::new();
    for doc in Documents::new(std::io::Cursor::new(text.as_bytes().to_vec())) {
        match doc {
            Ok((line, doc)) => {
                parse_document("fuzz.yaml", line, &doc, &mut resources, &mut issues);
            }
            Err(_) => issues.push(super::issue(
                "fuzz.yaml",
                None,
                "unreadable".into(),
                crate::snapshot::IssueLevel::Error,
            )),
        }
    }
    (
        resources
            .iter()
            .map(|r| (r.id.clone(), r.unreadable.is_some()))
            .collect(),
        issues.len(),
    )
}

fn catalogue() -> &'static (Catalogue, Vec<usize>) {
    static CAT: OnceLock<(Catalogue, Vec<usize>)> = OnceLock::new();
    CAT.get_or_init(|| {
        let cat = Catalogue::builtin().expect("the built-in catalogue loads");
        let k8s = (0..cat.checks.len())
            .filter(|&i| cat.checks[i].meta.id.starts_with("PLM-K8S-"))
            .collect();
        (cat, k8s)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(192),
        // A panic is the finding; shrinking it to a small input is what makes it readable.
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_loader_and_the_policy_input_hold_on_mutated_manifests(
        pick in any::<usize>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let corpus = corpus();
        prop_assume!(!corpus.is_empty());
        let text = apply(corpus[pick % corpus.len()].clone(), &edits);
        let (snapshot, whole_reading) = whole(&text);
        prop_assert_eq!(&whole_reading, &streamed(&text), "whole vs streamed on {:?}", text);
        let (cat, k8s) = catalogue();
        let opts = EvalOptions { timeout: std::time::Duration::from_secs(30), ..EvalOptions::default() };
        let prepared = Prepared::new(cat, k8s, &snapshot, &opts).expect("the catalogue prepares");
        for o in prepared.evaluate(&snapshot) {
            let r = &snapshot.resources[o.resource];
            let id = &cat.checks[o.check].meta.id;
            if let Evaluated::Error(e) = &o.result {
                prop_assert!(false, "{} errored on {}: {} in {:?}", id, r.id, e, text);
            }
            if r.unreadable.is_some() {
                prop_assert!(
                    matches!(o.result, Evaluated::NotAssessed(_)),
                    "{} judged unreadable {}: {:?}", id, r.id, o.result
                );
            }
        }
    }
}
