//! Writes N generated resources (default 1000) as multi-document YAML to standard output, for
//! end-to-end timing of `plimsoll scan` (see docs/performance.md):
//!
//! ```text
//! cargo run --release --example generate -- 10000 > /tmp/deployments-10000.yaml
//! cargo run --release --example generate -- --cluster 100000 > /tmp/cluster-100000.yaml
//! ```
//!
//! Without `--cluster`: N Deployments plus 20 Namespaces and 10 NetworkPolicies (the input of
//! `make perf` and the criterion bench). With `--cluster`: exactly N resources of a cluster's
//! mix of kinds, RBAC included (the input of `benches/compare/`).

#[path = "../benches/support/workloads.rs"]
mod workloads;

use std::io::Write;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cluster = args.iter().any(|a| a == "--cluster");
    let n = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1000);
    let text = if cluster {
        workloads::cluster(n)
    } else {
        workloads::deployments(n)
    };
    std::io::stdout().lock().write_all(text.as_bytes())
}
