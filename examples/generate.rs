//! Writes N generated Deployments (default 1000) as multi-document YAML to standard output,
//! for end-to-end timing of `plimsoll scan` (see docs/performance.md):
//!
//! ```text
//! cargo run --release --example generate -- 10000 > /tmp/deployments-10000.yaml
//! ```

#[path = "../benches/support/workloads.rs"]
mod workloads;

use std::io::Write;

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    std::io::stdout()
        .lock()
        .write_all(workloads::deployments(n).as_bytes())
}
