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
