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

/// Library backtraces off unless asked for by name. regorus's parser builds and drops
/// thousands of `anyhow` errors while it loads the catalogue; with `RUST_BACKTRACE=1` in a
/// developer's shell each captured a backtrace, a third of a 1,000-resource scan's
/// instructions (callgrind). Panics still print theirs: they follow `RUST_BACKTRACE` alone.
fn quiet_library_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: called first thing in `main`, before any thread exists, so nothing reads
        // the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("RUST_LIB_BACKTRACE", "0");
        }
    }
}

/// glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), so once a
/// streamed scan has freed its first parse buffers, later large blocks come from the heap, and
/// what they leave behind is fragmented by the small allocations that outlive them. Holding
/// the threshold at its default (128 KiB) keeps large blocks mapped and given back whole:
/// 100,000 resources, whole catalogue, peak 300 -> 278 MB, no slower (docs/performance.md).
/// `GLIBC_TUNABLES` set by the user wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        // SAFETY: mallopt only changes allocator parameters; called first thing in `main`,
        // before any thread exists.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

fn main() -> std::process::ExitCode {
    fix_mmap_threshold();
    quiet_library_backtraces();
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
