//! `plimsoll scan`: flags and `plimsoll.yaml` into a plan, `pipeline::run`, drift against the
//! state store, the outputs written, the exit code.

use super::{Failure, stdout_is_terminal, terminal_width, write_output, write_output_with};
use crate::benchmark::Benchmarks;
use crate::cli::{ConfigArgs, OutputArgs, PolicyArgs, ScanArgs, StateArgs, View};
use crate::config::{Config, FailOn};
use crate::drift::spool;
use crate::drift::store::{self, Store};
use crate::engine::EvalOptions;
use crate::exit::ExitCode;
use crate::finding::Status;
use crate::pipeline::{self, Scanned};
use crate::policy::Catalogue;
use crate::report::{self, OutputSpec, ReportFormat, baseline::Baseline, table::TableOptions};
use crate::snapshot::IssueLevel;
use crate::waiver::Waivers;
use anyhow::{Context, anyhow};
use std::collections::HashSet;
use std::time::Instant;

/// Parses `--param KEY=VALUE` flags (VALUE as YAML) into the `data.config` object.
pub(crate) fn parse_params(
    params: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    let mut config = serde_json::Map::new();
    for p in params {
        let (key, value) = p
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| Failure::usage(anyhow!("--param {p:?}: expected KEY=VALUE")))?;
        let yaml: yaml_serde::Value = yaml_serde::from_str(value)
            .with_context(|| format!("--param {key}: value is not valid YAML"))
            .map_err(Failure::usage)?;
        let json = serde_json::to_value(&yaml)
            .with_context(|| format!("--param {key}: value cannot be used as JSON"))
            .map_err(Failure::usage)?;
        config.insert(key.trim().to_string(), json);
    }
    Ok(config)
}

/// Loads the configuration the flags point at (or `plimsoll.yaml` in the working directory)
/// and validates it against the catalogue and benchmarks.
pub(crate) fn load_config(
    args: &ConfigArgs,
    catalogue_dirs: &[std::path::PathBuf],
) -> Result<(Config, Catalogue, Benchmarks), Failure> {
    let config = if args.no_config {
        Config::default()
    } else {
        crate::config::discover(args.config.as_deref()).map_err(Failure::usage)?
    };
    let mut dirs: Vec<std::path::PathBuf> =
        config.policies.iter().map(|p| config.resolve(p)).collect();
    dirs.extend(catalogue_dirs.iter().cloned());
    let mut catalogue = crate::engine::compile::load(&dirs).map_err(Failure::usage)?;
    let benchmarks = Benchmarks::builtin().map_err(Failure::usage)?;
    let check_ids: Vec<&str> = catalogue
        .checks
        .iter()
        .map(|c| c.meta.id.as_str())
        .collect();
    let bench_ids: Vec<&str> = benchmarks.all.iter().map(|b| b.id.as_str()).collect();
    config
        .validate(&check_ids, &bench_ids)
        .map_err(Failure::usage)?;
    for (name, value) in &config.parameters {
        if let Some(problem) = pipeline::select::parameter_problem(&catalogue, name, value) {
            return Err(Failure::usage(config.invalid(
                &format!("parameters.{name}"),
                format!("parameters.{name}: {problem}"),
            )));
        }
    }
    // Severity remaps, in the order that lets an exact id win over a pattern.
    for (m, severity) in &config.parsed.severity {
        for c in catalogue
            .checks
            .iter_mut()
            .filter(|c| m.is_match(&c.meta.id))
        {
            c.meta.severity = *severity;
        }
    }
    Ok((config, catalogue, benchmarks))
}

/// Where each report goes: the main report (`--format`) to standard output or a bare
/// `--output FILE`, and any `FORMAT=FILE` outputs. Flags replace the configuration's files.
fn plan_outputs(
    args: &OutputArgs,
    config: &Config,
) -> Result<Vec<(ReportFormat, Option<std::path::PathBuf>)>, Failure> {
    let specs: Vec<OutputSpec> = if args.outputs.is_empty() {
        config.parsed.outputs.clone()
    } else {
        args.outputs
            .iter()
            .map(|s| OutputSpec::parse(s).map_err(|e| Failure::usage(anyhow!("--output {e}"))))
            .collect::<Result<_, _>>()?
    };
    let chosen = args.format.or(config.output.format);
    let mut main: Option<OutputSpec> = None;
    let mut plan = Vec::new();
    for spec in specs {
        match spec.format {
            None if main.is_some() => {
                return Err(Failure::usage(anyhow!(
                    "--output {}: only one output may omit FORMAT= (it receives the --format report); \
                     write others as FORMAT=FILE",
                    spec.path.display()
                )));
            }
            None => main = Some(spec),
            Some(f) => plan.push((f, Some(spec.path))),
        }
    }
    // The main report: the chosen format, else the one its file's extension names
    // (`-o report.sarif` is SARIF, not a table in a .sarif file), else the table.
    let format = match (&main, chosen) {
        (Some(m), Some(f)) => {
            m.agrees(f)
                .map_err(|e| Failure::usage(anyhow!("--output {e}")))?;
            f
        }
        (Some(m), None) => m.extension_format().unwrap_or(ReportFormat::Table),
        (None, f) => f.unwrap_or(ReportFormat::Table),
    };
    plan.insert(0, (format, main.map(|m| m.path)));
    let mut seen = HashSet::new();
    for (_, p) in &plan {
        if let Some(p) = p
            && !seen.insert(p.clone())
        {
            return Err(Failure::usage(anyhow!(
                "--output: {} is given twice",
                p.display()
            )));
        }
    }
    Ok(plan)
}

/// What a command asks of the pipeline, before validation.
pub(crate) struct PlanRequest<'a> {
    pub(crate) config: Config,
    pub(crate) catalogue: Catalogue,
    pub(crate) benchmarks: Benchmarks,
    pub(crate) sources: pipeline::Sources,
    pub(crate) policy: &'a PolicyArgs,
    pub(crate) fail_on: FailOn,
    pub(crate) baseline: Option<std::path::PathBuf>,
    pub(crate) keep_passes: bool,
    pub(crate) store: Option<Store>,
    pub(crate) namespaces: pipeline::Namespaces,
}

/// Validates a request into a plan: the time limit, parameters (the configuration's, then
/// `--param` on top), the checks, the waivers and the baseline, in that order, so a wrong
/// value fails before a (possibly long) collection.
pub(crate) fn plan(req: PlanRequest<'_>) -> Result<pipeline::Plan, Failure> {
    let timeout = super::positive_secs(req.policy.eval_timeout, "--eval-timeout")?;
    let mut params: serde_json::Map<String, serde_json::Value> = req
        .config
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let given = parse_params(&req.policy.params)?;
    for (name, value) in &given {
        if let Some(problem) = pipeline::select::parameter_problem(&req.catalogue, name, value) {
            return Err(Failure::usage(anyhow!("--param {name}: {problem}")));
        }
    }
    params.extend(given);
    let benchmark = req
        .policy
        .benchmark
        .clone()
        .map(|id| (id, req.policy.level.unwrap_or(2)));
    let selection = pipeline::select::select(
        &req.catalogue,
        &req.benchmarks,
        benchmark.as_ref().map(|(id, level)| (id.as_str(), *level)),
        &pipeline::select::Filters {
            only: req.policy.checks.clone(),
            skip: req.policy.skip_checks.clone(),
            severities: req.policy.severities.clone(),
        },
        &params,
        &req.config,
    )?;
    let waivers = Waivers::from_config(&req.config, chrono::Local::now().date_naive());
    let baseline = match &req.baseline {
        Some(p) => Some(Baseline::load(p).map_err(Failure::usage)?),
        None => None,
    };
    Ok(pipeline::Plan {
        config: req.config,
        catalogue: req.catalogue,
        benchmarks: req.benchmarks,
        sources: req.sources,
        selection,
        benchmark,
        eval: EvalOptions {
            timeout,
            config: params,
            compiled: !req.policy.interpreter,
        },
        waivers,
        fail_on: req.fail_on,
        baseline,
        keep_passes: req.keep_passes,
        store: req.store,
        record_offline: false,
        keep_bodies: false,
        ends_process: true,
        namespaces: req.namespaces,
    })
}

pub(super) fn run(args: ScanArgs, colour: bool) -> Result<ExitCode, Failure> {
    let (config, catalogue, benchmarks) = load_config(&args.config, &args.policy.policies)?;
    let outputs = plan_outputs(&args.output, &config)?;
    let view = args.output.view;
    if view == Some(View::Controls) && args.policy.benchmark.is_none() {
        return Err(Failure::usage(anyhow!(
            "--view controls needs --benchmark ID (see `plimsoll benchmarks list`)"
        )));
    }
    let fail_on = args
        .gate
        .fail_on
        .or(config.parsed.fail_on)
        .unwrap_or_default();
    let baseline = args
        .gate
        .baseline
        .clone()
        .or_else(|| config.parsed.baseline.clone());
    let exit_zero = args.gate.exit_zero || config.gate.exit_zero.unwrap_or(false);
    let sources = super::sources(&args.inputs, &args.cluster, &args.docker, &args.aws, true)?;
    // The state store is opened before collecting: a locked or damaged store fails in a
    // second, not after a cluster scan.
    let Opened {
        store,
        spool: spooling,
    } = open_state(&args.state, sources.live())?;
    let offline = spooling.as_ref().is_some_and(|s| s.offline);
    if args.gate.only_new && baseline.is_none() && store.is_none() && !offline {
        return Err(Failure::usage(anyhow!(
            "--only-new needs a baseline: --baseline REPORT, or run history: --state PATH \
             (file scans keep none unless asked)"
        )));
    }
    if fail_on.new_only && baseline.is_none() && store.is_none() && !offline {
        let why = "needs a baseline: --baseline REPORT (a JSON report of an earlier scan), or \
                   run history: --state PATH (file scans keep none unless asked; not with \
                   --no-state)";
        // Say where `new` was asked for: the flag, or the line of plimsoll.yaml.
        return Err(Failure::usage(match args.gate.fail_on {
            Some(_) => anyhow!("--fail-on new {why}"),
            None => anyhow!(config.invalid("gate.failOn", format!("`new` {why}"))),
        }));
    }
    let mut plan = plan(PlanRequest {
        config,
        catalogue,
        benchmarks,
        sources,
        policy: &args.policy,
        fail_on,
        baseline,
        // JUnit lists passing cases, policy reports passing results.
        keep_passes: args.deliver.apply_reports.is_some()
            || outputs.iter().any(|(f, _)| {
                matches!(
                    f,
                    ReportFormat::Junit | ReportFormat::Policyreport | ReportFormat::Openreports
                )
            }),
        store,
        namespaces: pipeline::Namespaces::new(&args.namespaces.include, &args.namespaces.exclude)?,
    })?;
    plan.record_offline = offline;
    let Scanned {
        mut report,
        input_errors,
        snapshot,
        records,
    } = pipeline::run(&plan)?;
    // Without the store nothing is known to be new: --only-new lists everything rather than
    // nothing, and the run fails below once its reports are written and it is spooled.
    let new_unknown =
        offline && plan.baseline.is_none() && (args.gate.only_new || fail_on.new_only);
    // A run kept in the spool carries the text of every finding (the store may no longer
    // hold what the comparison found it holding); --only-new is about to drop some of them
    // from the report, so their texts are taken first.
    let mut spare: Vec<Vec<(String, crate::drift::store::StoredFinding)>> =
        match args.gate.only_new && spooling.is_some() {
            true => records
                .iter()
                .map(|r| crate::drift::all_definitions(&report, &r.run))
                .collect(),
            false => Vec::new(),
        };
    if args.gate.only_new && !new_unknown {
        // What a pull request adds: unchanged and waived failures leave the listing; what
        // could not be judged stays (missing data is shown everywhere).
        report.findings.retain(|f| {
            !matches!(f.status, Status::Fail | Status::Waived)
                || f.baseline_state == Some(report::model::BaselineState::New)
        });
    }
    let phase = Instant::now();
    // Input errors also go to stderr when the table is not what the user is looking at.
    let table_on_stdout = outputs
        .iter()
        .any(|(f, p)| *f == ReportFormat::Table && p.is_none());
    if !table_on_stdout {
        for issue in report
            .collection_issues
            .iter()
            .filter(|i| i.level == IssueLevel::Error)
        {
            tracing::error!("{}", issue.message);
        }
    }
    // Security Hub: the account and Region findings belong to, identified once for the ASFF
    // file and the import.
    let hub = if args.deliver.security_hub || outputs.iter().any(|(f, _)| *f == ReportFormat::Asff)
    {
        Some(security_hub(
            &plan,
            args.deliver.security_hub_region.as_deref(),
        )?)
    } else {
        None
    };
    let asff = hub
        .as_ref()
        .map(|(_, h)| report::asff::findings(&report, &report::scope(&report), &h.target));
    let at = plan
        .store
        .as_ref()
        .map(|s| s.path().to_string())
        .or_else(|| spooling.as_ref().map(|s| s.store.clone()))
        .unwrap_or_default();
    // The run is recorded on the store's own thread while the reports are written (its
    // content written and committed meanwhile), the run itself only once every report is
    // written: a run recorded without its reports would make its findings known to the next
    // run though no one saw them.
    let store = plan.store.take();
    let keep = args.state.keep as usize;
    let (go, gate) = std::sync::mpsc::channel::<()>();
    let (recorded, written) = std::thread::scope(|scope| {
        let recorder = scope.spawn(move || record_runs(store, records, keep, gate));
        let written = (|| -> Result<(), Failure> {
            for (format, path) in &outputs {
                let path = path.as_deref();
                match format {
                    // Written as they are rendered: at 100,000s of findings the text alone is GBs.
                    ReportFormat::Json => {
                        write_output_with(path, |w| report::json::write(&mut report, w))?;
                    }
                    ReportFormat::Sarif => {
                        write_output_with(path, |w| report::sarif::write(&report, w))?;
                    }
                    ReportFormat::Junit => write_output(path, &report::junit::render(&report))?,
                    ReportFormat::Html => write_output(
                        path,
                        &report::html::render(&report).map_err(Failure::usage)?,
                    )?,
                    ReportFormat::Csv => {
                        write_output(path, &report::csv::render(&report).map_err(Failure::usage)?)?
                    }
                    ReportFormat::Asff => write_output_with(path, |w| {
                        serde_json::to_writer_pretty(&mut *w, asff.as_deref().unwrap_or_default())?;
                        w.write_all(b"\n")
                    })?,
                    ReportFormat::Ocsf => {
                        let scope = report::scope(&report);
                        write_output_with(path, |w| report::ocsf::write(&report, &scope, w))?;
                    }
                    ReportFormat::Policyreport => write_output_with(path, |w| {
                        report::policyreport::write(
                            &report,
                            report::policyreport::Flavour::PolicyReport,
                            w,
                        )
                    })?,
                    ReportFormat::Openreports => write_output_with(path, |w| {
                        report::policyreport::write(
                            &report,
                            report::policyreport::Flavour::OpenReports,
                            w,
                        )
                    })?,
                    ReportFormat::Prometheus => {
                        let scope = report::scope(&report);
                        // The file being replaced keeps the last success time of a scan that fails.
                        let previous = path.and_then(|p| std::fs::read_to_string(p).ok());
                        write_output(
                            path,
                            &report::prometheus::render(&report, &scope, previous.as_deref()),
                        )?
                    }
                    ReportFormat::Table => {
                        let to_terminal = path.is_none() && stdout_is_terminal();
                        let text = report::table::render(
                            &report,
                            TableOptions {
                                colour: colour && to_terminal,
                                width: if path.is_none() {
                                    terminal_width()
                                } else {
                                    None
                                },
                                findings: !matches!(view, Some(View::Controls | View::Summary)),
                                controls: !matches!(view, Some(View::Findings | View::Summary)),
                                summary: !matches!(view, Some(View::Findings | View::Controls)),
                            },
                        );
                        write_output(path, &text)?;
                    }
                }
                if let Some(p) = path {
                    tracing::info!("wrote {} report to {}", format.as_str(), p.display());
                }
            }
            tracing::info!(
                "reported in {:.2}s{}",
                phase.elapsed().as_secs_f64(),
                crate::memory::peak()
            );
            Ok(())
        })();
        if written.is_ok() {
            let _ = go.send(());
        }
        drop(go);
        (recorder.join(), written)
    });
    let (store, results) = recorded
        .map_err(|_| Failure::usage(anyhow!("the state store's writer stopped unexpectedly")))?;
    plan.store = store;
    written?;
    for (n, (mut run, outcome)) in results.into_iter().enumerate() {
        let failed = match outcome {
            Recorded::InputIncomplete => {
                // A run that could not read part of its input would show that part as
                // removed, and as added again next time: it is reported, not recorded.
                tracing::warn!(
                    "run of {} not recorded in {at}: part of the input could not be read",
                    run.record.scope
                );
                continue;
            }
            Recorded::Done(id, took) => {
                tracing::info!("recorded run {id} in {at} in {:.2}s", took.as_secs_f64());
                None
            }
            Recorded::Failed(e) if e.is_unreachable() && spooling.is_some() => Some(e.to_string()),
            Recorded::Failed(e) => return Err(Failure::usage(e)),
            Recorded::NoStore => spooling.as_ref().map(|s| s.reason.clone()),
        };
        if let (Some(reason), Some(sp)) = (failed, &spooling) {
            run.findings = match spare.get_mut(n) {
                Some(texts) => std::mem::take(texts),
                None => crate::drift::all_definitions(&report, &run),
            };
            keep_in_spool(sp, &at, reason, run)?;
        } else {
            // Left to the operating system, as the report is below: freeing a first run's
            // bodies and 200,000 shared texts one by one was a visible part of its end.
            std::mem::forget(run);
        }
    }
    // After the files and the record: a refused import loses neither.
    if let (true, Some((runtime, h)), Some(findings)) = (args.deliver.security_hub, &hub, &asff) {
        let imported = runtime
            .block_on(h.import(findings))
            .map_err(Failure::usage)?;
        tracing::info!(
            "imported {} into Security Hub (account {}, {}) in {}",
            crate::text::count(imported.findings, "finding"),
            h.target.account,
            h.target.region,
            crate::text::count(imported.calls, "call")
        );
    }
    if let Some(api) = args.deliver.apply_reports {
        apply_reports(&plan, &report, api)?;
    }
    if let Some(url) = args
        .deliver
        .pushgateway
        .as_deref()
        .filter(|u| !u.is_empty())
    {
        push_metrics(url, &report)?;
    }
    if new_unknown {
        return Err(Failure::usage(anyhow!(
            "which findings are new cannot be told: the state store {} could not be reached \
             (the reports are written and the run is spooled); pass --baseline REPORT to gate \
             without it",
            spooling
                .as_ref()
                .map(|s| s.store.as_str())
                .unwrap_or_default()
        )));
    }
    let code = pipeline::gate::exit_code(&report.summary, input_errors, exit_zero);
    if report.summary.errors > 0 {
        tracing::error!(
            "{}; see the report",
            crate::text::count(report.summary.errors, "policy evaluation error")
        );
    }
    // The store is closed properly (SQLite checkpoints its log on close); the rest of the plan
    // (the catalogue and its compiled engines) is left to the operating system.
    drop(plan.store.take());
    std::mem::forget(plan);
    std::mem::forget(report);
    std::mem::forget(snapshot);
    Ok(code)
}

/// The Security Hub findings go to: the scan's AWS connection (or the default credential
/// chain when it read no account), identified with STS. One account: with several
/// (`--role-arn`, `--accounts-file`, `--organization`) each would have to import its own with
/// its own role, which this does not do yet; that is refused rather than half done.
fn security_hub(
    plan: &pipeline::Plan,
    region: Option<&str>,
) -> Result<(tokio::runtime::Runtime, crate::deliver::security_hub::Hub), Failure> {
    let mut opts = plan.sources.aws.clone().unwrap_or_default();
    if !opts.accounts.is_empty() || opts.organization {
        return Err(Failure::usage(anyhow!(
            "--security-hub and asff= import into one account; with several accounts run one              scan per account (each with its own credentials)"
        )));
    }
    if opts.timeout.is_zero() {
        opts.timeout = std::time::Duration::from_secs(30);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(anyhow!("cannot start the async runtime: {e}")))?;
    let hub = runtime
        .block_on(crate::deliver::security_hub::hub(&opts, region))
        .map_err(Failure::usage)?;
    Ok((runtime, hub))
}

/// Writes the run's policy reports into the one cluster it read.
fn apply_reports(
    plan: &pipeline::Plan,
    report: &report::model::Report,
    api: crate::cli::ReportsApi,
) -> Result<(), Failure> {
    use crate::report::policyreport::{Flavour, objects};
    let clusters = report
        .scan
        .inputs
        .iter()
        .filter(|s| s.collector == "kubernetes")
        .count();
    if clusters != 1 {
        return Err(Failure::usage(anyhow!(
            "--apply-reports writes into the cluster that was scanned: scan one live cluster \
             (--context NAME or --in-cluster); this run read {clusters}"
        )));
    }
    let flavour = match api {
        crate::cli::ReportsApi::Policyreport => Flavour::PolicyReport,
        crate::cli::ReportsApi::Openreports => Flavour::OpenReports,
    };
    let objects = objects(report, flavour);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(anyhow!("cannot start the async runtime: {e}")))?;
    let (label, applied) = runtime.block_on(async {
        let mut clients = crate::collect::kubernetes::clients(&plan.sources.cluster)
            .await
            .map_err(Failure::usage)?;
        let (label, client) = clients
            .pop()
            .ok_or_else(|| Failure::usage(anyhow!("--apply-reports: no cluster to write to")))?;
        let client = client.map_err(|e| Failure::usage(anyhow!("{label}: {e}")))?;
        let applied = crate::deliver::policyreport::apply(&client, &label, flavour, &objects)
            .await
            .map_err(Failure::usage)?;
        Ok::<_, Failure>((label, applied))
    })?;
    tracing::info!(
        "{label}: applied {}, deleted {} stale",
        crate::text::count(applied.applied, "policy report"),
        applied.deleted
    );
    Ok(())
}

/// Pushes the run's metrics to a Pushgateway, carrying over the last success time it holds.
fn push_metrics(url: &str, report: &report::model::Report) -> Result<(), Failure> {
    use crate::deliver::pushgateway;
    let timeout = std::time::Duration::from_secs(30);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(anyhow!("cannot start the async runtime: {e}")))?;
    let scope = report::scope(report);
    runtime.block_on(async {
        let previous = pushgateway::page(url, timeout).await;
        let metrics = report::prometheus::render(report, &scope, previous.as_deref());
        pushgateway::push(url, &scope, metrics, timeout)
            .await
            .map_err(Failure::usage)
    })?;
    tracing::info!("pushed the metrics of {scope} to the Pushgateway");
    Ok(())
}

/// The state store a run records into, and where it keeps a run the store cannot take.
pub(crate) struct Opened {
    /// The open store; None with `--no-state`, for a file scan not asked to record, or when
    /// a shared store is out of reach.
    pub(crate) store: Option<Store>,
    /// The spool, for a store that can be out of reach (PostgreSQL).
    pub(crate) spool: Option<Spooling>,
}

/// Where a run goes when the shared store cannot take it.
pub(crate) struct Spooling {
    /// The spool directory.
    dir: std::path::PathBuf,
    /// The store the run is for, as messages name it (password removed).
    store: String,
    /// Why the store is out of reach, when it already was at the start.
    reason: String,
    /// The store could not be reached at the start: the run is judged without it.
    offline: bool,
}

/// Opens the state store the flags point at. By default (no `--state`, no `PLIMSOLL_STATE`)
/// only for a run that reads something live: a cluster, an engine, an account, a host. A file
/// scan keeps no history unless asked (a pre-commit hook made a new scope for every set of
/// staged files). None with `--no-state`, or when no default location exists (no HOME).
///
/// A shared (PostgreSQL) store that cannot be reached does not stop the run: it is judged
/// without history and kept in the spool. One that can be reached first receives the runs
/// spooled for it, oldest first, so its history stays in order.
pub(crate) fn open_state(args: &StateArgs, live: bool) -> Result<Opened, Failure> {
    let off = Opened {
        store: None,
        spool: None,
    };
    if args.no_state || (args.state.is_none() && !live) {
        return Ok(off);
    }
    let at = match args.state.clone().or_else(store::default_path) {
        Some(p) => store::Location::parse(p.as_os_str()),
        None => {
            tracing::warn!(
                "no state directory (set XDG_STATE_HOME or HOME, or --state): drift off"
            );
            return Ok(off);
        }
    };
    let wait = super::positive_secs(args.state_wait, "--state-wait")?;
    let spool_dir = match at {
        store::Location::Postgres(_) => args.spool.clone().or_else(spool::default_dir),
        store::Location::File(_) => None,
    };
    let spooling = |reason: String, offline: bool| {
        spool_dir.clone().map(|dir| Spooling {
            dir,
            store: at.display(),
            reason,
            offline,
        })
    };
    match Store::open(&at, wait) {
        Ok(mut store) => {
            if let Some(dir) = &spool_dir {
                match spool::deliver(dir, &mut store) {
                    Ok(done) => {
                        if !done.ids.is_empty() {
                            tracing::warn!(
                                "delivered {} from the spool {} to {}",
                                crate::text::count(done.ids.len(), "earlier run"),
                                dir.display(),
                                store.path()
                            );
                        }
                        for bad in done.unreadable {
                            tracing::warn!("spooled run left in place: {bad}");
                        }
                    }
                    // The store went away while receiving them: this run joins them.
                    Err(spool::SpoolError::Store(e)) if e.is_unreachable() => {
                        tracing::warn!("{e}; this run will be spooled in {}", dir.display());
                        return Ok(Opened {
                            store: None,
                            spool: spooling(e.to_string(), true),
                        });
                    }
                    Err(e) => return Err(Failure::usage(e)),
                }
            }
            Ok(Opened {
                store: Some(store),
                spool: spooling(String::new(), false),
            })
        }
        Err(e) if e.is_unreachable() && spool_dir.is_some() => {
            tracing::warn!(
                "{e}; the run is judged without history and kept in the spool {} until a later \
                 run (or `plimsoll spool --deliver`) records it",
                spool_dir
                    .as_deref()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            );
            Ok(Opened {
                store: None,
                spool: spooling(e.to_string(), true),
            })
        }
        Err(e) => Err(Failure::usage(e)),
    }
}

/// What became of one run's record (`record_runs`).
enum Recorded {
    /// Part of its input could not be read: reported, not recorded.
    InputIncomplete,
    /// Recorded with this id, in this time.
    Done(i64, std::time::Duration),
    /// The store refused or could not be reached.
    Failed(store::StoreError),
    /// No store open (offline): for the spool.
    NoStore,
}

/// Records each run into `store`, on the thread that calls it, recording each run (beyond its
/// content) only once `gate` says the reports are written (its sender dropped, the reports
/// having failed, records none). Returns the store and what became of each run, in order.
fn record_runs(
    mut store: Option<Store>,
    records: Vec<pipeline::evaluate::Record>,
    keep: usize,
    gate: std::sync::mpsc::Receiver<()>,
) -> (Option<Store>, Vec<(store::NewRun, Recorded)>) {
    let written = std::cell::OnceCell::new();
    let go = || *written.get_or_init(|| gate.recv().is_ok());
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let mut run = record.run;
        if record.input_errors {
            out.push((run, Recorded::InputIncomplete));
            continue;
        }
        run.keep = keep;
        let phase = Instant::now();
        let outcome = match store.as_mut() {
            Some(s) => match s.record_when(&run, &go) {
                Ok(id) => Recorded::Done(id, phase.elapsed()),
                Err(e) => Recorded::Failed(e),
            },
            None => Recorded::NoStore,
        };
        out.push((run, outcome));
    }
    (store, out)
}

/// Writes the run to the spool; failing that, the run would be lost, so the command fails.
fn keep_in_spool(
    sp: &Spooling,
    at: &str,
    reason: String,
    run: crate::drift::store::NewRun,
) -> Result<(), Failure> {
    let spooled = spool::SpooledRun {
        format: 1,
        store: at.to_string(),
        reason,
        run,
    };
    let path = spool::put(&sp.dir, &spooled).map_err(Failure::usage)?;
    tracing::warn!(
        "run kept in the spool ({}): a later run that reaches {at}, or `plimsoll spool \
         --deliver`, records it",
        path.display()
    );
    Ok(())
}
