//! The `plimsoll` binary: parse the command line, set up logging, run, map the outcome to the
//! documented exit code (`docs/exit-codes.md`).

use clap::Parser;
use plimsoll::cli::Cli;
use tracing_subscriber::EnvFilter;

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    // One TLS crypto provider for the whole process, chosen before any client is built:
    // with more than one compiled in (kube uses ring; the AWS SDK brings aws-lc-rs) rustls
    // cannot choose and the first connection would panic.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let code = match plimsoll::app::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {:#}", failure.error);
            }
            failure.code
        }
    };
    std::process::ExitCode::from(code.code() as u8)
}
