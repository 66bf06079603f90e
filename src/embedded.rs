//! The built-in catalogue and benchmark definitions, compiled into the binary by `build.rs`.
//!
//! Paths are relative to the repository root (`policies/...`, `benchmarks/...`) so that load
//! errors name the file a contributor would edit.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Built-in policy sources: `(path, contents)` for every `.rego` file under `policies/`.
pub fn policy_files() -> &'static [(&'static str, &'static str)] {
    POLICY_FILES
}

/// Built-in benchmark definitions: `(path, contents)` for every `benchmarks/*.yaml`.
pub fn benchmark_files() -> &'static [(&'static str, &'static str)] {
    BENCHMARK_FILES
}

// `VERSION` (generated): what `--version` prints: the crate version, the commit and the
// catalogue digest.

/// One failing and one passing case input per built-in check (the first of each, by name):
/// `(path, contents)`, the path ending `cases/<case>/input.<ext>`.
pub fn example_files() -> &'static [(&'static str, &'static str)] {
    EXAMPLE_FILES
}

/// A digest of the embedded catalogue and benchmarks (16 hex digits): two binaries with the
/// same digest judge with the same checks.
pub fn catalogue_digest() -> &'static str {
    CATALOGUE_DIGEST
}

/// The commit the binary was built from (12 hex digits), or `unknown` outside a git checkout.
pub fn commit() -> &'static str {
    COMMIT
}
