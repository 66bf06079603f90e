//! Command-line interface (clap derive). Literal flags only; `app` validates them into a plan
//! before anything runs.

use crate::config::FailOn;
use crate::report::{ListFormat, ReportFormat};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Compliance scanner for Kubernetes, EKS, ECS and Docker against CIS benchmarks.
#[derive(Debug, Parser)]
#[command(
    name = "plimsoll",
    version = crate::embedded::VERSION,
    about,
    long_about = None,
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// More logging on stderr (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Stop with exit 2, naming what was being evaluated, when the process's resident memory
    /// passes this many MiB (0: no ceiling). A backstop for policies that build huge values.
    #[arg(
        long,
        global = true,
        value_name = "MIB",
        default_value_t = 8192,
        env = "PLIMSOLL_MAX_MEMORY_MIB"
    )]
    pub max_memory_mib: u64,
}

const EXIT_CODES: &str = "Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings; \
2 usage, configuration or policy error; 3 input that could not be read or parsed (see docs/exit-codes.md).";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate manifests or a snapshot against the policy catalogue and report findings.
    Scan(Box<ScanArgs>),
    /// Collect inputs into a snapshot file to evaluate later or elsewhere.
    Collect(Box<CollectArgs>),
    /// List or test policies.
    #[command(subcommand)]
    Policies(PoliciesCommand),
    /// List benchmark definitions.
    #[command(subcommand)]
    Benchmarks(BenchmarksCommand),
    /// Review the waivers of the configuration.
    #[command(subcommand)]
    Waivers(WaiversCommand),
    /// List recorded runs with their counts (the state store).
    History(HistoryArgs),
    /// List the runs kept in the local spool because a shared (PostgreSQL) store could not be
    /// reached, or deliver them with --deliver.
    Spool(SpoolArgs),
    /// The fleet in one store: one row per scope (cluster, account and region, Docker host)
    /// with its last run, pass rate, failing controls, new findings, and quiet scopes flagged;
    /// --matrix for control x scope, --trend N for pass rates over time.
    Fleet(FleetArgs),
    /// Describe one check: what it looks for, how to fix it, its benchmark controls, and an
    /// input that fails and one that passes.
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard
    /// output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `plimsoll man | man -l -`.
    Man,
    /// Correct what a scan of manifest files finds, keeping the YAML as written (comments,
    /// order, quoting, indentation): prints a unified diff, or writes the files with --write.
    /// Every fix is re-scanned before it is shown or written; what cannot be fixed is listed
    /// with the reason. Exit codes as for scan, by what remains unfixed.
    Fix(Box<FixArgs>),
    /// Compare two snapshots (resources) or two JSON reports (findings); no store needed.
    /// Exit 0 when they do not differ, 1 when they do.
    Diff(DiffArgs),
}

/// Where runs are recorded.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "State (run history and drift)")]
pub struct StateArgs {
    /// The state store: a SQLite file, or a shared PostgreSQL database by URL
    /// (postgres://USER@HOST/DB?sslmode=verify-full; PGHOST, PGUSER, PGPASSWORD, PGPASSFILE
    /// and ~/.pgpass fill what it leaves out). Default, for runs that read a cluster, an
    /// engine, an account or a host: $XDG_STATE_HOME/plimsoll/state.db, or
    /// ~/.local/state/plimsoll/state.db. File scans record history only when this (or
    /// PLIMSOLL_STATE) is given.
    // hide_env_values: a URL may carry a password, and --help would print it.
    #[arg(
        long = "state",
        value_name = "PATH|URL",
        env = "PLIMSOLL_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
    /// Do not read or record run history (no drift).
    #[arg(long, conflicts_with = "state")]
    pub no_state: bool,
    /// Runs kept per scope; older ones are pruned when a run is recorded.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub keep: u32,
    /// How long to wait for another run that is writing the store, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub state_wait: f64,
    /// Where runs wait when a PostgreSQL store cannot be reached (delivered by the next run
    /// that reaches it) [default: $XDG_STATE_HOME/plimsoll/spool, or
    /// ~/.local/state/plimsoll/spool].
    #[arg(long, value_name = "DIR", env = "PLIMSOLL_SPOOL")]
    pub spool: Option<PathBuf>,
}

/// `plimsoll fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// The store holding the fleet's runs, a PostgreSQL URL or a file [default: as for scan].
    #[arg(
        long = "state",
        value_name = "PATH|URL",
        env = "PLIMSOLL_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
    /// A scope with no run for this long is flagged quiet (36h, 2d, 1w).
    #[arg(long, value_name = "AGE", default_value = "2d")]
    pub quiet_after: String,
    /// Control x scope: each benchmark control's status in each scope's latest run.
    #[arg(long, conflicts_with = "trend")]
    pub matrix: bool,
    /// The pass rate of each scope over its last N runs, oldest first.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub trend: Option<u32>,
    /// Output format: table, json, or html (one page: the scopes with their pass-rate trends
    /// over the last --trend runs, default 30, and the control x scope matrix).
    #[arg(long, value_enum, default_value_t = FleetFormat::Table)]
    pub format: FleetFormat,
}

/// `plimsoll fleet --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FleetFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
    /// One self-contained HTML page.
    Html,
}

/// `plimsoll spool`.
#[derive(Debug, Args)]
pub struct SpoolArgs {
    /// Record the runs spooled for the store (--state) into it, oldest first; a run it
    /// already holds is not recorded twice.
    #[arg(long)]
    pub deliver: bool,
    /// The store to deliver to, a PostgreSQL URL [default: PLIMSOLL_STATE].
    #[arg(
        long = "state",
        value_name = "URL",
        env = "PLIMSOLL_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
    /// The spool directory [default: as for scan].
    #[arg(long, value_name = "DIR", env = "PLIMSOLL_SPOOL")]
    pub spool: Option<PathBuf>,
    /// How long to wait for the store, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub state_wait: f64,
    /// Output format of the listing (table or json).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `plimsoll history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only scopes containing this text (a context name, a server, a path).
    #[arg(long, value_name = "TEXT")]
    pub scope: Option<String>,
    /// Most recent runs shown.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// The state store, a file or a PostgreSQL URL [default: as for scan].
    #[arg(
        long = "state",
        value_name = "PATH|URL",
        env = "PLIMSOLL_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `plimsoll diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older snapshot or JSON report (with --state: a run id, from `plimsoll history`).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The newer one, of the same kind.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Compare two recorded runs of a store (a file or a PostgreSQL URL), of any scopes: their
    /// resources (added, removed, changed fields) and failing findings (new, resolved).
    #[arg(long = "state", value_name = "PATH|URL", hide_env_values = true)]
    pub state: Option<PathBuf>,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `plimsoll scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Manifest files, directories (recursive), snapshot files, or - for standard input.
    /// Without any input or source flag: the current context of the kubeconfig (KUBECONFIG or
    /// ~/.kube/config), as kubectl would.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Live clusters.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// A Docker host.
    #[command(flatten)]
    pub docker: DockerArgs,
    /// An AWS account.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Which namespaces.
    #[command(flatten)]
    pub namespaces: NamespaceArgs,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Delivery besides files.
    #[command(flatten)]
    pub deliver: DeliverArgs,
    /// CI gate.
    #[command(flatten)]
    pub gate: GateArgs,
    /// Configuration file.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Run history.
    #[command(flatten)]
    pub state: StateArgs,
}

/// `plimsoll fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Manifest files and directories (recursive) to fix.
    #[arg(value_name = "PATH", required_unless_present = "json_patch")]
    pub inputs: Vec<String>,
    /// For a live cluster (--context, --in-cluster, or the current context): print one
    /// RFC 6902 JSON patch per resource with the `kubectl patch` command that applies it,
    /// instead of editing files. Nothing is changed in the cluster.
    #[arg(long, conflicts_with_all = ["inputs", "write"])]
    pub json_patch: bool,
    /// The cluster, with --json-patch.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Replace the fixed files (atomically) instead of only printing the diff.
    #[arg(long)]
    pub write: bool,
    /// Print the unified diff and write nothing (the default; named for scripts that say so).
    #[arg(long, conflicts_with = "write")]
    pub diff: bool,
    /// A value for fixes that need one (resource requests and limits):
    /// `--set memoryLimit=512Mi --set cpuRequest=100m` (the names are in docs/fix.md).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub values: Vec<String>,
    /// Exit 1 when failing findings at or above SEVERITY remain unfixed [default: the
    /// configuration's gate.failOn, else info].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<crate::finding::Severity>,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Configuration file.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where findings are sent besides files.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Delivery")]
pub struct DeliverArgs {
    /// Import the findings into AWS Security Hub CSPM (BatchImportFindings), in the account of
    /// the AWS credentials (the scan's, else the default chain: AWS_PROFILE, environment,
    /// instance role). A re-run updates the findings it imported before; those resolved since
    /// the previous run are marked PASSED (docs/output.md).
    #[arg(long)]
    pub security_hub: bool,
    /// The Region of the Security Hub to import into (default: the scan's Region, else the
    /// profile's or AWS_REGION).
    #[arg(long, value_name = "REGION")]
    pub security_hub_region: Option<String>,
    /// Push the Prometheus metrics of the run to this Pushgateway (`http://HOST:9091`), in the
    /// group job=plimsoll, scope=SCOPE (replaced on every run). For scans run as Jobs.
    #[arg(long, value_name = "URL", env = "PLIMSOLL_PUSHGATEWAY")]
    pub pushgateway: Option<String>,
    /// Write the findings into the scanned cluster as policy reports (server-side apply;
    /// stale ones Plimsoll wrote are deleted): `policyreport` (wgpolicyk8s.io, Policy
    /// Reporter) or `openreports` (openreports.io). One live cluster only.
    #[arg(long, value_name = "API", value_enum)]
    pub apply_reports: Option<ReportsApi>,
}

/// The API policy reports are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportsApi {
    /// wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport.
    Policyreport,
    /// openreports.io/v1alpha1 Report and ClusterReport.
    Openreports,
}

/// Where the configuration comes from.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Configuration")]
pub struct ConfigArgs {
    /// Configuration file (default: plimsoll.yaml in the working directory, if present).
    #[arg(long, value_name = "FILE", env = "PLIMSOLL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Ignore plimsoll.yaml in the working directory.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// Which Docker engine (or Podman's compatible API) to read.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Container host (Docker, Podman, containerd)")]
pub struct DockerArgs {
    /// Read the Docker engine: DOCKER_HOST, else the local socket.
    #[arg(long)]
    pub docker: bool,
    /// The engine to read: unix:///run/docker.sock, unix:///run/podman/podman.sock,
    /// tcp://HOST:2376 (implies --docker).
    #[arg(long, value_name = "URL")]
    pub docker_host: Option<String>,
    /// TLS with client certificates for tcp:// (ca.pem, cert.pem, key.pem from
    /// --docker-cert-path, DOCKER_CERT_PATH or ~/.docker).
    #[arg(long)]
    pub tls_verify: bool,
    /// Directory holding ca.pem, cert.pem and key.pem.
    #[arg(long, value_name = "DIR")]
    pub docker_cert_path: Option<PathBuf>,
    /// Also read host facts under DIR (daemon.json, the dockerd command line, owner and mode
    /// of the Docker files and sockets); `/` for this machine, or a mounted host filesystem.
    /// Default: `/` when --docker reads a local socket and its dockerd runs on this machine.
    #[arg(long, value_name = "DIR")]
    pub host_root: Option<PathBuf>,
    /// Do not read host facts, not even from `/` for a local daemon.
    #[arg(long, conflicts_with = "host_root")]
    pub no_host_facts: bool,
    /// Read containerd's native API: containers and their OCI runtime specs in every
    /// namespace (default socket /run/containerd/containerd.sock; dockerd's own containerd
    /// is at /var/run/docker/containerd/containerd.sock).
    #[arg(long, value_name = "SOCK", num_args = 0..=1, default_missing_value = crate::collect::containerd::DEFAULT_SOCKET)]
    pub containerd: Option<PathBuf>,
    /// Only this containerd namespace (repeatable): moby (Docker), k8s.io (Kubernetes),
    /// default (nerdctl).
    #[arg(
        long = "containerd-namespace",
        value_name = "NS",
        requires = "containerd"
    )]
    pub namespaces: Vec<String>,
}

impl DockerArgs {
    /// Whether a Docker engine was asked for.
    pub fn wanted(&self) -> bool {
        self.docker || self.docker_host.is_some()
    }
}

/// An AWS account: its EKS, ECS and ECR control planes.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "AWS account (EKS, ECS, ECR)")]
pub struct AwsArgs {
    /// Read the EKS, ECS and ECR control planes of the account the AWS credentials belong to
    /// (the SDK's default chain: environment, profiles, SSO, assume-role, instance metadata).
    #[arg(long)]
    pub aws: bool,
    /// The named profile of ~/.aws/config to use (implies --aws; default AWS_PROFILE).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// A region to read (repeatable; implies --aws; default: the profile's or AWS_REGION).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Every region enabled for the account (implies --aws).
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Send AWS requests to this endpoint instead (a local emulator such as moto_server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Also scan the Kubernetes API of every EKS cluster found (implies --aws), with an EKS
    /// token signed by the same AWS credentials, as `aws eks get-token` makes.
    #[arg(long)]
    pub include_kubernetes: bool,
    /// Read the account of this IAM role, assumed with the credentials above (repeatable;
    /// implies --aws). With several accounts each is a scope of its own: its own checks,
    /// history and row in `plimsoll fleet`, in one report.
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
    /// Read the accounts listed in FILE: one a line, a 12-digit account id (assumed through
    /// --role-name) or a role ARN; `#` starts a comment (implies --aws).
    #[arg(long, value_name = "FILE")]
    pub accounts_file: Option<PathBuf>,
    /// Read every active account of the AWS Organization (Organizations ListAccounts, from the
    /// management account or a delegated administrator), each through --role-name; the
    /// caller's own account with its own credentials (implies --aws).
    #[arg(long, requires = "role_name")]
    pub organization: bool,
    /// The role to assume in accounts named by id (--accounts-file, --organization).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the roles' trust policies ask for (or PLIMSOLL_AWS_EXTERNAL_ID).
    #[arg(
        long,
        value_name = "ID",
        env = "PLIMSOLL_AWS_EXTERNAL_ID",
        hide_env_values = true
    )]
    pub external_id: Option<String>,
    /// How long assumed credentials last, in minutes (15 to 720): longer than the slowest
    /// account takes to read.
    #[arg(long, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u16).range(15..=720))]
    pub session_minutes: u16,
    /// Accounts read at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub account_concurrency: u16,
}

impl AwsArgs {
    /// Whether an AWS account was asked for.
    pub fn wanted(&self) -> bool {
        self.aws
            || self.profile.is_some()
            || !self.regions.is_empty()
            || self.all_regions
            || self.include_kubernetes
            || !self.role_arns.is_empty()
            || self.accounts_file.is_some()
            || self.organization
    }
}

/// Which live Kubernetes clusters to read, and how.
#[derive(Debug, Args)]
#[command(next_help_heading = "Kubernetes cluster")]
pub struct ClusterArgs {
    /// Kubeconfig file (default: KUBECONFIG, several files merged, or ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Scan this kubeconfig context (repeatable: several clusters, one report). Default: the
    /// current context.
    #[arg(long = "context", value_name = "NAME")]
    pub contexts: Vec<String>,
    /// Scan every context in the kubeconfig.
    #[arg(long, conflicts_with = "contexts")]
    pub all_contexts: bool,
    /// Use the pod's service account (when running inside the cluster).
    #[arg(long, conflicts_with_all = ["kubeconfig", "contexts", "all_contexts"])]
    pub in_cluster: bool,
    /// Name the cluster in resource ids and reports (default: the context name; `in-cluster`).
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    /// Time limit for one API request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub request_timeout: f64,
    /// Objects per list page.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub page_size: u32,
    /// Largest API answer read, in MiB (a larger one is an error naming the list).
    #[arg(long, value_name = "MIB", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_response_mib: u32,
    /// API requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// Which namespaces' Kubernetes objects are judged.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Namespaces (Kubernetes)")]
pub struct NamespaceArgs {
    /// Judge only the objects of this namespace (repeatable; patterns such as `team-*`).
    /// Cluster-scoped objects (ClusterRoles, Nodes, Namespaces) are still judged.
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub include: Vec<String>,
    /// Leave out the objects of this namespace (repeatable; patterns).
    #[arg(long = "exclude-namespace", value_name = "NS")]
    pub exclude: Vec<String>,
}

/// Which checks run and with what parameters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Policies")]
pub struct PolicyArgs {
    /// Add the checks in DIR to the built-in catalogue (repeatable).
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Run only the checks mapped to this benchmark and report per-control status.
    #[arg(long, value_name = "ID")]
    pub benchmark: Option<String>,
    /// Benchmark profile level: 1, or 2 (Level 2 includes Level 1). Default: 2 (all controls).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2), requires = "benchmark")]
    pub level: Option<u8>,
    /// Run only these checks (repeatable; a pattern such as `PLM-K8S-00*` selects several;
    /// case does not matter). Overrides the configuration's check lists.
    #[arg(long = "check", value_name = "ID")]
    pub checks: Vec<String>,
    /// Never run these checks (repeatable; patterns; case does not matter).
    #[arg(long = "skip-check", value_name = "ID")]
    pub skip_checks: Vec<String>,
    /// Run only the checks of these severities (comma-separated or repeated, e.g.
    /// `--severity critical,high`; after plimsoll.yaml's severity changes).
    #[arg(long = "severity", value_name = "LEVEL", value_delimiter = ',', value_parser = clap::value_parser!(crate::finding::Severity))]
    pub severities: Vec<crate::finding::Severity>,
    /// Set a policy parameter, visible as data.config.KEY; VALUE is YAML
    /// (e.g. allowedRegistries='[ghcr.io/acme, registry.example.com]').
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Time limit for one check on one resource, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub eval_timeout: f64,
    /// Evaluate the built-in checks in regorus's interpreter instead of compiled to its VM
    /// (about 2x slower, same results: for comparing when a result looks wrong).
    #[arg(long)]
    pub interpreter: bool,
}

/// Output format and destination.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Format of the main report [default: table].
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the main report to FILE instead of standard output, or write another report as
    /// FORMAT=FILE (repeatable: `--output sarif=plimsoll.sarif --output junit=junit.xml`).
    /// Files are written atomically.
    #[arg(short, long = "output", value_name = "[FORMAT=]FILE")]
    pub outputs: Vec<String>,
    /// Table sections: findings, controls (needs --benchmark), summary, or all
    /// [default: all].
    #[arg(long, value_enum)]
    pub view: Option<View>,
}

/// Which sections the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    /// The findings.
    Findings,
    /// The benchmark's controls (compliance report).
    Controls,
    /// The summary alone: severity counts, pass rate, failing checks with their fix,
    /// namespaces.
    Summary,
    /// Everything.
    All,
}

/// When the run fails.
#[derive(Debug, Args)]
#[command(next_help_heading = "Gate")]
pub struct GateArgs {
    /// Exit 1 when a failing finding has at least this severity; `new` counts only findings
    /// not in --baseline (or, without it, not in the previous recorded run); `new,high` both
    /// [default: info].
    #[arg(long, value_name = "SEVERITY|new")]
    pub fail_on: Option<FailOn>,
    /// A previous JSON report: findings are marked new or unchanged (JSON, SARIF
    /// baselineState) and `--fail-on new` gates on the new ones.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// Report only: exit 0 even with failing findings (input and policy errors still fail).
    #[arg(long)]
    pub exit_zero: bool,
    /// List only the failing findings that are new against --baseline (or the previous
    /// recorded run) in every output, with what was not assessed or errored; counts, controls
    /// and the gate still cover the whole run.
    #[arg(long)]
    pub only_new: bool,
}

/// `plimsoll collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Manifest files, directories (recursive), or - for standard input. Without any input or
    /// source flag: the current context of the kubeconfig.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Live clusters.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// A Docker host.
    #[command(flatten)]
    pub docker: DockerArgs,
    /// An AWS account.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Write the snapshot to FILE (atomically) instead of standard output.
    #[arg(short, long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `plimsoll explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The check id (`PLM-K8S-0001`; case does not matter).
    #[arg(value_name = "CHECK-ID")]
    pub id: String,
    /// Also look in the checks in DIR (repeatable).
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// How `explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// For a person.
    Text,
    /// One JSON object.
    Json,
}

/// `plimsoll policies ...`.
#[derive(Debug, Subcommand)]
pub enum PoliciesCommand {
    /// List checks: id, title, severity, kinds, CIS controls.
    List {
        /// Add the checks in DIR (repeatable).
        #[arg(long = "policies", value_name = "DIR")]
        policies: Vec<PathBuf>,
        /// Output format (markdown: the generated docs/checks.md).
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Run the pass-*/fail-* cases of the checks in DIR (user-written or built-in).
    Test {
        /// Policy directories.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
}

/// `plimsoll waivers ...`.
#[derive(Debug, Subcommand)]
pub enum WaiversCommand {
    /// List the configured waivers and flag expired ones and, given the inputs of a scan or
    /// its JSON report, unused ones. Exit 1 when any is expired or unused.
    Audit(AuditArgs),
}

/// `plimsoll waivers audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Inputs to scan to find unused waivers (as for `scan`).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Live clusters to scan to find unused waivers.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// A JSON report of a scan made with this configuration, instead of scanning.
    #[arg(long, value_name = "REPORT", conflicts_with_all = ["inputs", "kubeconfig", "contexts", "all_contexts", "in_cluster"])]
    pub report: Option<PathBuf>,
    /// Add the checks in DIR (repeatable).
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Configuration file.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `plimsoll benchmarks ...`.
#[derive(Debug, Subcommand)]
pub enum BenchmarksCommand {
    /// List benchmark definitions with their control counts.
    List,
}
