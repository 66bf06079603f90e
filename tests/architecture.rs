//! The module layering `docs/architecture.md` describes, checked on the sources: the top-level
//! modules of `src/` import one another without cycles, and regorus is used only in
//! `src/engine/` (and no dependency needs protoc to build). A cycle is how a library stops being layered: each one found so far
//! (configuration -> report -> waivers -> configuration, engine <-> catalogue) was an accident
//! of convenience, and nothing else would catch the next one.
//!
//! Read from the text: `crate::NAME` anywhere in a file is an edge to module NAME. Test-only
//! code does not count (a test may exercise the layers above its module): the `mod tests`
//! block at the end of a file and files declared under `#[cfg(test)]`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/collect/aws/ecs.rs` -> `collect`); None for
/// the crate root and the binary.
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// Files that exist only for tests: declared as `#[cfg(test)] mod NAME;`.
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for w in lines.windows(2) {
            let name = w[1]
                .trim()
                .strip_prefix("mod ")
                .or_else(|| w[1].trim().strip_prefix("pub(crate) mod "))
                .and_then(|r| r.strip_suffix(';'));
            if w[0].trim() == "#[cfg(test)]"
                && let Some(name) = name
            {
                let dir = if f.ends_with("mod.rs") || f.ends_with("lib.rs") {
                    f.parent().unwrap().to_path_buf()
                } else {
                    f.with_extension("")
                };
                out.insert(dir.join(format!("{name}.rs")));
                out.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    out
}

/// The code of a file without its trailing `#[cfg(test)] mod tests { ... }` block.
fn non_test_code(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// Module -> (module it imports -> one file that does it).
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut files = Vec::new();
    rust_files(&root(), &mut files);
    let test_only = test_only_files(&files);
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files.iter().filter(|f| !test_only.contains(*f)) {
        let Some(from) = module_of(f) else { continue };
        let text = std::fs::read_to_string(f).unwrap();
        let code = non_test_code(&text);
        let entry = edges.entry(from.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::VERSION`, `crate::check_doc_url`: the crate root, not a module.
            let is_module = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && root().join(format!("{name}.rs")).exists()
                || root().join(&name).is_dir();
            if is_module && name != from {
                let rel = f.strip_prefix(root()).unwrap().display().to_string();
                entry.entry(name).or_insert(rel);
            }
        }
    }
    edges
}

/// One cycle of the graph, as the path around it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flat_map(|m| m.keys()) {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn top_level_modules_import_one_another_without_cycles() {
    let edges = graph();
    // The layers the architecture names are all there (the reader found them).
    for m in [
        "app", "pipeline", "collect", "engine", "policy", "report", "config",
    ] {
        assert!(edges.contains_key(m), "{m} missing from {:?}", edges.keys());
    }
    if let Some(cycle) = find_cycle(&edges) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("{} -> {} (in src/{})", w[0], w[1], edges[&w[0]][&w[1]]))
            .collect();
        panic!("import cycle:\n  {}", steps.join("\n  "));
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    fn add(edges: &mut BTreeMap<String, BTreeMap<String, String>>, a: &str, b: &str) {
        edges
            .entry(a.into())
            .or_default()
            .insert(b.into(), "x.rs".into());
    }
    let mut edges = BTreeMap::new();
    add(&mut edges, "a", "b");
    add(&mut edges, "b", "c");
    assert_eq!(find_cycle(&edges), None);
    add(&mut edges, "c", "a");
    assert_eq!(
        find_cycle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn regorus_is_used_only_in_the_engine() {
    let mut files = Vec::new();
    rust_files(&root(), &mut files);
    let test_only = test_only_files(&files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !test_only.contains(*f) && !f.starts_with(root().join("engine")))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            non_test_code(&text).contains("regorus::")
        })
        .map(|f| f.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "regorus used outside src/engine/: {outside:?}"
    );
}

/// `cargo install` needs nothing but the Rust toolchain and a C compiler: no crate in the
/// build runs protoc (containerd's messages are declared in `src/collect/containerd_api.rs`).
#[test]
fn no_dependency_compiles_protocol_buffers_at_build_time() {
    let lock = std::fs::read_to_string(root().join("../Cargo.lock")).expect("Cargo.lock");
    let generators: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"'))
        .filter(|n| n.ends_with("-build") && (n.contains("prost") || n.contains("tonic")))
        .collect();
    assert!(
        generators.is_empty(),
        "these crates run protoc when they build: {generators:?}"
    );
}
