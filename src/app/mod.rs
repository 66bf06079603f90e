//! One module per subcommand. Each returns the [`ExitCode`] of a completed run, or a
//! [`Failure`] carrying the code for the error that stopped it. anyhow is used here, at the
//! CLI edge, for context; library modules have their own error enums.

mod benchmarks;
mod cleanup;
mod collect;
mod diff;
mod fix;
mod fleet;
mod history;
mod policies;
mod scan;
mod spool;
mod waivers;

use crate::cli::{BenchmarksCommand, Cli, Command, PoliciesCommand, WaiversCommand};
use crate::exit::ExitCode;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// An error that ends a run, with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: ExitCode,
    /// The error, shown as one line.
    pub error: anyhow::Error,
}

impl Failure {
    /// Usage, configuration or policy error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: ExitCode::Usage,
            error: error.into(),
        }
    }

    /// Input that could not be read (exit 3).
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: ExitCode::Input,
            error: error.into(),
        }
    }
}

impl From<crate::pipeline::PipelineError> for Failure {
    fn from(e: crate::pipeline::PipelineError) -> Failure {
        use crate::pipeline::PipelineError;
        match e {
            PipelineError::Usage(e) => Failure::usage(anyhow::anyhow!(e)),
            PipelineError::Input(e) => Failure::input(anyhow::anyhow!(e)),
        }
    }
}

/// Collects everything a run asked for, files whole and live sources, into one snapshot (what
/// `plimsoll collect` writes; a scan streams its files instead). Fails (exit 3) only when a
/// live source was the only input and nothing could be read; a partial collection is returned
/// with its issues recorded.
pub(crate) fn gather(
    sources: &crate::pipeline::Sources,
) -> Result<crate::snapshot::Snapshot, Failure> {
    let mut snapshot = if sources.inputs.is_empty() {
        crate::snapshot::Snapshot::default()
    } else {
        crate::collect::collect_inputs(&sources.inputs).map_err(Failure::input)?
    };
    snapshot.merge(crate::pipeline::collect::live(sources)?);
    snapshot.normalise();
    Ok(snapshot)
}

/// How to read live clusters, from the cluster flags (`--request-timeout` also bounds the
/// other live sources).
pub(crate) fn cluster_options(
    cluster: &crate::cli::ClusterArgs,
    progress: bool,
) -> Result<crate::collect::kubernetes::ClusterOptions, Failure> {
    use crate::collect::kubernetes::ClusterOptions;
    Ok(ClusterOptions {
        kubeconfig: cluster.kubeconfig.clone(),
        contexts: cluster.contexts.clone(),
        all_contexts: cluster.all_contexts,
        in_cluster: cluster.in_cluster,
        cluster_name: cluster.cluster_name.clone(),
        request_timeout: positive_secs(cluster.request_timeout, "--request-timeout")?,
        page_size: cluster.page_size,
        max_response_bytes: u64::from(cluster.max_response_mib) << 20,
        concurrency: usize::from(cluster.concurrency),
        progress,
        ..ClusterOptions::default()
    })
}

/// The kubeconfig kubectl would read: the first existing file of `KUBECONFIG`, else
/// `~/.kube/config` when it exists.
fn default_kubeconfig() -> Option<std::path::PathBuf> {
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&list).find(|p| p.is_file());
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    Some(std::path::Path::new(&home).join(".kube/config")).filter(|p| p.is_file())
}

/// The sources the flags name, as the pipeline takes them. `progress`: bars on a terminal.
/// Naming none scans the kubeconfig's current context (or is a usage error without one).
pub(crate) fn sources(
    inputs: &[String],
    cluster: &crate::cli::ClusterArgs,
    docker: &crate::cli::DockerArgs,
    aws: &crate::cli::AwsArgs,
    progress: bool,
) -> Result<crate::pipeline::Sources, Failure> {
    let mut cluster_opts = cluster_options(cluster, progress)?;
    let nothing_named = inputs.is_empty()
        && !cluster_opts.wanted()
        && !docker.wanted()
        && docker.containerd.is_none()
        && docker.host_root.is_none()
        && !aws.wanted();
    if nothing_named {
        // As kubectl: no input means the current context of the kubeconfig, when there is one.
        match default_kubeconfig() {
            Some(path) => {
                tracing::warn!(
                    "no input given: scanning the current context of {} (name files, --context or --all-contexts to choose)",
                    path.display()
                );
                cluster_opts.current_context = true;
            }
            None => {
                return Err(Failure::usage(anyhow::anyhow!(
                    "nothing to scan: name manifest files or directories (- for standard input), \
                     a cluster (--context, --kubeconfig, --in-cluster; no kubeconfig was found in \
                     KUBECONFIG or ~/.kube/config), --docker, --containerd or --aws"
                )));
            }
        }
    }
    let timeout = cluster_opts.request_timeout;
    let docker_opts = docker
        .wanted()
        .then(|| crate::collect::docker::DockerOptions {
            host: docker.docker_host.clone(),
            tls_verify: docker.tls_verify,
            cert_path: docker.docker_cert_path.clone(),
            timeout,
        });
    let containerd =
        docker
            .containerd
            .as_ref()
            .map(|socket| crate::collect::containerd::ContainerdOptions {
                socket: socket.clone(),
                namespaces: docker.namespaces.clone(),
                timeout,
            });
    let aws_opts = match aws.wanted() {
        true => Some(crate::collect::aws::AwsOptions {
            profile: aws.profile.clone(),
            regions: aws.regions.clone(),
            all_regions: aws.all_regions,
            endpoint_url: aws.endpoint_url.clone(),
            timeout,
            concurrency: usize::from(cluster.concurrency),
            progress,
            include_kubernetes: aws.include_kubernetes,
            accounts: aws_accounts(aws)?,
            organization: aws.organization,
            role_name: aws.role_name.clone(),
            external_id: aws.external_id.clone(),
            session: std::time::Duration::from_secs(u64::from(aws.session_minutes) * 60),
            account_concurrency: usize::from(aws.account_concurrency),
        }),
        false => None,
    };
    let host_root = docker.host_root.clone().or_else(|| {
        // A local engine whose dockerd this machine runs: its host facts are here too. Not
        // when the daemon is elsewhere (a container with the socket mounted sees its own
        // root, whose missing files would read as passes).
        let local = docker.wanted()
            && !docker.no_host_facts
            && crate::collect::host::dockerd_serves(
                std::path::Path::new("/"),
                &crate::collect::docker::resolve_host(&crate::collect::docker::DockerOptions {
                    host: docker.docker_host.clone(),
                    ..Default::default()
                }),
            );
        local.then(|| std::path::PathBuf::from("/"))
    });
    Ok(crate::pipeline::Sources {
        inputs: inputs.to_vec(),
        cluster: cluster_opts,
        docker: docker_opts,
        containerd,
        aws: aws_opts,
        host_root,
    })
}

/// The accounts `--role-arn` and `--accounts-file` name, in that order: a malformed one is a
/// usage error naming the flag or the file and line.
fn aws_accounts(
    aws: &crate::cli::AwsArgs,
) -> Result<Vec<crate::collect::aws::AccountRef>, Failure> {
    use crate::collect::aws::AccountRef;
    let mut out = Vec::new();
    for arn in &aws.role_arns {
        match AccountRef::parse(arn) {
            Ok(AccountRef::Role(r)) => out.push(AccountRef::Role(r)),
            Ok(AccountRef::Id(id)) => {
                return Err(Failure::usage(anyhow::anyhow!(
                    "--role-arn {id}: an account id, not a role ARN (list ids in --accounts-file with --role-name)"
                )));
            }
            Err(e) => return Err(Failure::usage(anyhow::anyhow!("--role-arn: {e}"))),
        }
    }
    if let Some(file) = &aws.accounts_file {
        let name = file.display().to_string();
        // A list of accounts is a few KB; a larger file is refused rather than read in part.
        const MAX: u64 = 1 << 20;
        let text = std::fs::File::open(file)
            .and_then(|f| {
                use std::io::Read;
                let mut text = String::new();
                f.take(MAX + 1).read_to_string(&mut text)?;
                Ok(text)
            })
            .map_err(|e| Failure::usage(anyhow::anyhow!("--accounts-file {name}: {e}")))?;
        if text.len() as u64 > MAX {
            return Err(Failure::usage(anyhow::anyhow!(
                "--accounts-file {name}: larger than 1 MiB"
            )));
        }
        out.extend(
            AccountRef::read_list(&text, &name).map_err(|e| Failure::usage(anyhow::anyhow!(e)))?,
        );
    }
    Ok(out)
}

/// Validates a duration flag given in seconds.
pub(crate) fn positive_secs(secs: f64, flag: &str) -> Result<std::time::Duration, Failure> {
    if secs > 0.0 && secs.is_finite() && secs < 1e9 {
        Ok(std::time::Duration::from_secs_f64(secs))
    } else {
        Err(Failure::usage(anyhow::anyhow!(
            "{flag} must be a positive number of seconds"
        )))
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let colour = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // The last bound (src/memory.rs): past it the run stops, naming what it was evaluating.
    let _ceiling = (cli.max_memory_mib > 0).then(|| {
        crate::memory::watch(cli.max_memory_mib, |exceeded| {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {exceeded}");
            }
            cleanup::exit_removing_pending(ExitCode::Usage.code());
        })
    });
    match cli.command {
        Command::Scan(args) => scan::run(*args, colour),
        Command::Collect(args) => collect::run(*args),
        Command::Policies(PoliciesCommand::List { policies, format }) => {
            policies::list(&policies, format, colour)
        }
        Command::Policies(PoliciesCommand::Test { dirs }) => policies::test(&dirs),
        Command::Benchmarks(BenchmarksCommand::List) => benchmarks::list(colour),
        Command::Waivers(WaiversCommand::Audit(args)) => waivers::audit(args, colour),
        Command::History(args) => history::run(args, colour),
        Command::Spool(args) => spool::run(args, colour),
        Command::Fleet(args) => fleet::run(args, colour),
        Command::Diff(args) => diff::run(args),
        Command::Fix(args) => fix::run(*args),
        Command::Explain(args) => policies::explain(&args),
        Command::Completions { shell } => {
            let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "plimsoll", &mut out);
            write_output(None, &String::from_utf8_lossy(&out))?;
            Ok(ExitCode::Success)
        }
        Command::Man => {
            let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| Failure::usage(anyhow::anyhow!("cannot render the manual: {e}")))?;
            write_output(None, &String::from_utf8_lossy(&out))?;
            Ok(ExitCode::Success)
        }
    }
}

/// Writes `content` to standard output or atomically to a file (see [`write_output_with`]).
pub(crate) fn write_output(path: Option<&Path>, content: &str) -> Result<(), Failure> {
    write_output_with(path, |w| w.write_all(content.as_bytes()))
}

/// Writes an output produced by `write` to standard output, or to a file through a temporary
/// file renamed into place (a reader never sees half a report, and a failed run leaves the old
/// one). Buffered: large reports are written as they are rendered, never held as text.
pub(crate) fn write_output_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::usage(anyhow::anyhow!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
        Some(path) => {
            let fail = |e: std::io::Error| {
                Failure::usage(anyhow::anyhow!("{}: cannot write: {e}", path.display()))
            };
            let mut write = Some(write);
            let mut once = |w: &mut dyn Write| match write.take() {
                Some(f) => f(w),
                None => Ok(()),
            };
            // Only a regular file (or a new one) is replaced by rename. Renaming over a device
            // (`-o /dev/null`), a FIFO or a symlink would replace the special file itself, so
            // those are written in place.
            let special = std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
            if special {
                let file = std::fs::File::create(path).map_err(fail)?;
                let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
                return once(&mut out).and_then(|_| out.flush()).map_err(fail);
            }
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            // `-o reports/plimsoll.sarif` in a fresh CI checkout: create the directory.
            std::fs::create_dir_all(dir).map_err(fail)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "out".into());
            // A random name created exclusively (O_EXCL, no symlink followed): a name another
            // user could guess and plant a symlink at would let a run as root overwrite any
            // file. Removed when dropped, so a failed write leaves nothing behind.
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(fail)?;
            // Removed by a handler if SIGINT/SIGTERM arrives before the rename (cleanup.rs).
            let _pending = cleanup::Pending::new(tmp.path());
            {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
                once(&mut out).and_then(|_| out.flush()).map_err(fail)?;
            }
            if let Some(ms) = std::env::var("PLIMSOLL_TEST_HOLD_REPORT_WRITE_MS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
            {
                tracing::warn!("holding the report write for {ms} ms (test hook)");
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            tmp.persist(path).map_err(|e| fail(e.error))?;
            Ok(())
        }
    }
}

/// The table the listing subcommands print: condensed borders, the terminal's width
/// ([`terminal_width`], else 160), colour only on a terminal.
pub(crate) fn list_table(colour: bool) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t.set_width(terminal_width().unwrap_or(160));
    if !colour || !stdout_is_terminal() {
        t.force_no_tty();
    }
    t
}

/// Whether standard output is a terminal (colour and width decisions).
pub(crate) fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The width to lay text out for: `COLUMNS` when set (an explicit choice), else the width of
/// the terminal on standard output (bash does not export `COLUMNS`), else None (not a
/// terminal).
pub(crate) fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w > 0)
        .or_else(|| terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0))
}
