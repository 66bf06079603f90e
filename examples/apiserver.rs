//! Runs the loopback test API server (`tests/support/apiserver.rs`) outside the test suite,
//! for demos and for the scale measurement in docs/performance.md:
//!
//! ```text
//! cargo run --release --example apiserver -- fixtures/cluster /tmp/kubeconfig
//! cargo run --release --example apiserver -- --generate 20000 /tmp/kubeconfig
//! cargo run --release --example apiserver -- --generate-unowned 20000 /tmp/kubeconfig
//! plimsoll scan --kubeconfig /tmp/kubeconfig
//! ```
//!
//! It writes a kubeconfig (context `fixture`) to the given path and serves until killed.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::expect_used,
    clippy::unwrap_used
)]

#[path = "../tests/support/mod.rs"]
mod support;

use support::apiserver::{ApiServer, Behaviour, Cluster, TOKEN};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cluster, out) = match args.as_slice() {
        [flag, pods, out] if flag == "--generate" || flag == "--generate-unowned" => (
            support::bigcluster::generate(
                pods.parse().expect("--generate PODS"),
                flag == "--generate",
            ),
            out.clone(),
        ),
        [dir, out] => (Cluster::from_dir(std::path::Path::new(dir)), out.clone()),
        _ => {
            eprintln!(
                "usage: apiserver (FIXTURE_DIR | --generate PODS | --generate-unowned PODS) KUBECONFIG_OUT"
            );
            std::process::exit(2);
        }
    };
    let server = ApiServer::start(cluster, Behaviour::default());
    let out = std::path::PathBuf::from(out);
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let written = server.kubeconfig(dir, &[("fixture", TOKEN)]);
    if written != out {
        std::fs::rename(&written, &out).expect("move kubeconfig");
    }
    println!("serving {} ; kubeconfig {}", server.url, out.display());
    loop {
        std::thread::park();
    }
}
