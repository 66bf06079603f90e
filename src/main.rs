//! The `plimsoll` binary: parse the command line, set up logging, run, map the outcome to the
//! documented exit code (`docs/exit-codes.md`).

use clap::Parser;
use plimsoll::cli::Cli;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's allocator: a scan allocates and frees millions of small
/// values (parsed documents, policy inputs, the VM's registers) on every worker, and glibc's
/// malloc and free were a fifth of a scan's instructions. 100,000 resources, whole catalogue:
/// CPU time 23.4-24.0 -> 17.2-18.0 s, wall 13.7-13.9 -> 9.9-10.4 s (docs/performance.md).
/// Built without transparent huge pages (`no_thp`): with them, a page touched once stays
/// resident in 2 MiB units, and peak RSS was 253-276 MiB instead of 238-247.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Logging on stderr. Without `-v`, only Plimsoll's own warnings and errors: a library's log
/// lines are about its internals (an unreachable API server made kube print five `ERROR` lines
/// before Plimsoll's one clear message), so they appear from `-v` on. Colour only when stderr
/// is a terminal and colour is allowed: log files got escape codes.
fn init_tracing(verbose: u8, colour: bool) {
    let default = match verbose {
        0 => "plimsoll=warn",
        1 => "warn,plimsoll=info",
        2 => "debug",
        _ => "trace",
    };
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // Libraries' trace level prints what they send and receive: the AWS SDK prints whole
    // responses (task definitions' environment values, log-driver tokens), HTTP clients their
    // frames. No RUST_LOG may put a secret on stderr, so their trace events are dropped
    // whatever the filter says; Plimsoll's own never carry values.
    let no_library_trace = tracing_subscriber::filter::filter_fn(|meta| {
        *meta.level() != tracing::Level::TRACE || meta.target().starts_with("plimsoll")
    });
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colour && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time();
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(no_library_trace))
        .with(filter)
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

fn main() -> std::process::ExitCode {
    quiet_library_backtraces();
    let cli = Cli::parse();
    let colour = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    init_tracing(cli.verbose, colour);
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
