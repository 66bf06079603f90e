//! `plimsoll.yaml`: the team's settings for a scan — which checks and benchmarks run, policy
//! parameters, severity remaps, default outputs and gate, and waivers. Found in the working
//! directory or given with `--config`; command-line flags override it.
//!
//! Loading has two stages, both of which name the line of the problem: yaml_serde parses the
//! file into [`Config`] (syntax, types, unknown keys), then [`Config::validate`] checks what
//! only the catalogue knows (check ids, benchmark ids, dates, patterns). The documented
//! example lives in `docs/configuration.md` and is parsed by a test.

use crate::finding::Severity;
use crate::output::ReportFormat;
use crate::snapshot::Pos;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the working directory.
pub const DEFAULT_FILE: &str = "plimsoll.yaml";

/// A configuration problem, with the file and line it is on.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Syntax, type or unknown-key error, or a value the catalogue does not know.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line (1 when unknown).
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
}

/// The whole file. Unknown keys are errors: a misspelt key that silently does nothing is the
/// worst kind of configuration bug.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// File format version; only 1 exists.
    #[serde(default)]
    pub version: Option<u32>,
    /// More policy directories (relative to the configuration file).
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// Check selection.
    #[serde(default)]
    pub checks: Selection,
    /// Benchmark selection.
    #[serde(default)]
    pub benchmarks: Selection,
    /// Policy parameters (`data.config`), as with `--param`.
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Severity remaps: check id (or pattern) -> severity.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Default outputs.
    #[serde(default)]
    pub output: OutputConfig,
    /// Default gate.
    #[serde(default)]
    pub gate: GateConfig,
    /// Accepted findings.
    #[serde(default)]
    pub waivers: Vec<WaiverConfig>,
    /// Whether `plimsoll.io/waive.<check-id>` annotations on resources waive findings
    /// (default true). Set false when the people who write manifests must not be able to
    /// silence checks themselves.
    #[serde(default = "yes")]
    pub allow_annotation_waivers: bool,
    /// Where the file was read from (set by [`load`]).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// Line and column of every key, for messages (set by [`load`]).
    #[serde(skip)]
    positions: BTreeMap<String, Pos>,
    /// What the strings above mean, parsed once when the file is read: commands use these,
    /// never the strings.
    #[serde(skip)]
    pub parsed: Parsed,
}

/// The values of `plimsoll.yaml` that are written as strings, parsed: patterns compiled,
/// outputs and the gate read, paths resolved against the file. Empty without a file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// `checks.enable` / `checks.disable`.
    pub checks: Matchers,
    /// `benchmarks.enable` / `benchmarks.disable`.
    pub benchmarks: Matchers,
    /// `severity`: patterns first, exact ids last, so an id wins over a pattern.
    pub severity: Vec<(GlobMatcher, Severity)>,
    /// `output.files`, paths resolved.
    pub outputs: Vec<crate::output::OutputSpec>,
    /// `gate.failOn`.
    pub fail_on: Option<FailOn>,
    /// `gate.baseline`, resolved.
    pub baseline: Option<PathBuf>,
    /// `waivers`, one per entry, in order.
    pub waivers: Vec<WaiverMatch>,
}

/// One waiver's patterns compiled and its expiry date read.
#[derive(Debug, Clone)]
pub struct WaiverMatch {
    /// `check`.
    pub check: GlobMatcher,
    /// `resources.id`.
    pub id: Option<GlobMatcher>,
    /// `resources.kind`.
    pub kind: Option<GlobMatcher>,
    /// `resources.namespace`.
    pub namespace: Option<GlobMatcher>,
    /// `resources.name`.
    pub name: Option<GlobMatcher>,
    /// `resources.file`.
    pub file: Option<GlobMatcher>,
    /// `expires`.
    pub expires: Option<chrono::NaiveDate>,
}

/// Compiled `enable` and `disable` patterns.
#[derive(Debug, Default)]
pub struct Matchers {
    /// Run only what these match (empty: everything).
    pub enable: Vec<GlobMatcher>,
    /// Never run what these match.
    pub disable: Vec<GlobMatcher>,
}

/// Whether any of `patterns` matches `id`.
pub fn any_match(patterns: &[GlobMatcher], id: &str) -> bool {
    patterns.iter().any(|m| m.is_match(id))
}

fn yes() -> bool {
    true
}

impl Default for Config {
    fn default() -> Self {
        Config {
            version: None,
            policies: Vec::new(),
            checks: Selection::default(),
            benchmarks: Selection::default(),
            parameters: BTreeMap::new(),
            severity: BTreeMap::new(),
            output: OutputConfig::default(),
            gate: GateConfig::default(),
            waivers: Vec::new(),
            allow_annotation_waivers: true,
            path: None,
            positions: BTreeMap::new(),
            parsed: Parsed::default(),
        }
    }
}

/// `enable` / `disable` lists of ids or glob patterns (`PLM-NODE-*`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Run only these (empty: all).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Never run these.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// Default report outputs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OutputConfig {
    /// Format of the main report (`--format`).
    #[serde(default)]
    pub format: Option<ReportFormat>,
    /// More reports, `FORMAT=FILE` (`--output`), relative to the configuration file.
    #[serde(default)]
    pub files: Vec<String>,
}

/// Default gate settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GateConfig {
    /// `--fail-on`: a severity, `new`, or `new,SEVERITY`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// `--exit-zero`.
    #[serde(default)]
    pub exit_zero: Option<bool>,
    /// `--baseline`: a previous JSON report, relative to the configuration file.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
}

/// One waiver: a check on selected resources, accepted for a reason, optionally until a date.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaiverConfig {
    /// A name for audits (default `waivers[N]`).
    #[serde(default)]
    pub name: Option<String>,
    /// Check id or pattern.
    pub check: String,
    /// Which resources (every given field must match; patterns allowed).
    pub resources: ResourceSelector,
    /// Why the finding is accepted (required).
    pub reason: String,
    /// Last day the waiver applies (YYYY-MM-DD).
    #[serde(default)]
    pub expires: Option<String>,
}

/// Selects resources by id, kind, namespace, name or file; each a glob pattern.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ResourceSelector {
    /// Resource id (`k8s/prod/kube-system/DaemonSet/kube-proxy`).
    #[serde(default)]
    pub id: Option<String>,
    /// Kind (`Deployment`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Manifest file the resource was read from.
    #[serde(default)]
    pub file: Option<String>,
}

/// Finds and loads the configuration: `explicit` if given (it must exist), otherwise
/// `plimsoll.yaml` in the working directory if present, otherwise defaults.
pub fn discover(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    match explicit {
        Some(p) => load(p),
        None => {
            let p = Path::new(DEFAULT_FILE);
            if p.is_file() {
                load(p)
            } else {
                Ok(Config::default())
            }
        }
    }
}

/// Reads and parses one configuration file (syntax, types and unknown keys; see
/// [`Config::validate`] for the rest).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(path, &text)
}

/// Parses configuration text.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let name = path.display().to_string();
    // An empty file (or only comments) is an empty configuration.
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let mut config: Config = if blank {
        Config::default()
    } else {
        yaml_serde::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            ConfigError::Invalid {
                path: name.clone(),
                line,
                column,
                message: strip_location(&e.to_string()),
            }
        })?
    };
    // yaml_serde has read the values; the loader only supplies the lines (same YAML rules).
    config.positions = crate::collect::yaml_load::load(text, 1)
        .map(|l| l.fields)
        .unwrap_or_default();
    config.path = Some(path.to_path_buf());
    if let Some(v) = config.version
        && v != 1
    {
        return Err(config.invalid(
            "version",
            format!("version {v} is not supported (this plimsoll reads version 1)"),
        ));
    }
    config.parsed = config.parse_values()?;
    Ok(config)
}

/// yaml_serde ends its messages with "at line N column M"; the location is given separately.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

impl Config {
    /// An error at the position of `key` (a path such as `waivers[2].check`).
    pub fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let pos = self
            .positions
            .get(key)
            .copied()
            .unwrap_or_else(|| Pos::line(1));
        ConfigError::Invalid {
            path: self.display_path(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }

    /// `file:line` of `key`, for reports.
    pub fn where_is(&self, key: &str) -> String {
        let line = self.positions.get(key).map_or(1, |p| p.line);
        format!("{}:{line}", self.display_path())
    }

    fn display_path(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "(defaults)".to_string(), |p| p.display().to_string())
    }

    /// Resolves a path written in the file relative to the file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|f| f.parent()) {
            Some(dir) if p.is_relative() && !dir.as_os_str().is_empty() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// Parses the values written as strings, each error at its key's line.
    fn parse_values(&self) -> Result<Parsed, ConfigError> {
        let matchers = |list: &[String], name: &str| -> Result<Vec<GlobMatcher>, ConfigError> {
            list.iter()
                .enumerate()
                .map(|(i, p)| {
                    pattern_matcher(p).map_err(|e| self.invalid(&format!("{name}[{i}]"), e))
                })
                .collect()
        };
        let mut severity = Vec::new();
        // Patterns first, exact ids last so they win when applied in order.
        let mut remaps: Vec<(&String, &Severity)> = self.severity.iter().collect();
        remaps.sort_by_key(|(k, _)| !k.contains(['*', '?', '[']));
        for (pattern, sev) in remaps {
            let m = pattern_matcher(pattern)
                .map_err(|e| self.invalid(&format!("severity.{pattern}"), e))?;
            severity.push((m, *sev));
        }
        let mut outputs = Vec::new();
        for (i, spec) in self.output.files.iter().enumerate() {
            let mut o = crate::output::OutputSpec::parse(spec)
                .map_err(|e| self.invalid(&format!("output.files[{i}]"), e))?;
            o.path = self.resolve(&o.path);
            outputs.push(o);
        }
        let fail_on = match &self.gate.fail_on {
            Some(f) => Some(
                f.parse::<FailOn>()
                    .map_err(|e| self.invalid("gate.failOn", e))?,
            ),
            None => None,
        };
        let mut waivers = Vec::with_capacity(self.waivers.len());
        for (i, w) in self.waivers.iter().enumerate() {
            let at = |field: &str| format!("waivers[{i}].{field}");
            if w.reason.trim().is_empty() {
                return Err(self.invalid(&at("reason"), "a waiver needs a reason"));
            }
            let s = &w.resources;
            if [&s.id, &s.kind, &s.namespace, &s.name, &s.file]
                .iter()
                .all(|f| f.is_none())
            {
                return Err(self.invalid(
                    &at("resources"),
                    "select resources with at least one of id, kind, namespace, name, file \
                     (use id: \"*\" to waive the check everywhere)",
                ));
            }
            let pattern = |field: &str, value: &Option<String>| {
                value
                    .as_deref()
                    .map(|v| pattern_matcher(v).map_err(|e| self.invalid(&at(field), e)))
                    .transpose()
            };
            waivers.push(WaiverMatch {
                check: pattern_matcher(&w.check).map_err(|e| self.invalid(&at("check"), e))?,
                id: pattern("resources.id", &s.id)?,
                kind: pattern("resources.kind", &s.kind)?,
                namespace: pattern("resources.namespace", &s.namespace)?,
                name: pattern("resources.name", &s.name)?,
                file: pattern("resources.file", &s.file)?,
                expires: w
                    .expires
                    .as_deref()
                    .map(|e| parse_date(e).map_err(|m| self.invalid(&at("expires"), m)))
                    .transpose()?,
            });
        }
        Ok(Parsed {
            waivers,
            checks: Matchers {
                enable: matchers(&self.checks.enable, "checks.enable")?,
                disable: matchers(&self.checks.disable, "checks.disable")?,
            },
            benchmarks: Matchers {
                enable: matchers(&self.benchmarks.enable, "benchmarks.enable")?,
                disable: matchers(&self.benchmarks.disable, "benchmarks.disable")?,
            },
            severity,
            outputs,
            fail_on,
            baseline: self.gate.baseline.as_ref().map(|p| self.resolve(p)),
        })
    }

    /// Checks what parsing cannot: every id and pattern names a check or benchmark that
    /// exists. Reads the patterns [`Config::parsed`] compiled.
    pub fn validate(&self, check_ids: &[&str], benchmark_ids: &[&str]) -> Result<(), ConfigError> {
        // `what` is the thing and the subcommand that lists them.
        let ids_match = |key: &str, m: &GlobMatcher, known: &[&str], what: (&str, &str)| {
            if known.iter().any(|id| m.is_match(id)) {
                Ok(())
            } else {
                Err(self.invalid(
                    key,
                    format!(
                        "{:?} matches no {} (see `plimsoll {} list`)",
                        m.glob().glob(),
                        what.0,
                        what.1
                    ),
                ))
            }
        };
        const CHECK: (&str, &str) = ("check", "policies");
        const BENCHMARK: (&str, &str) = ("benchmark", "benchmarks");
        let p = &self.parsed;
        for (list, name, known, what) in [
            (&p.checks.enable, "checks.enable", check_ids, CHECK),
            (&p.checks.disable, "checks.disable", check_ids, CHECK),
            (
                &p.benchmarks.enable,
                "benchmarks.enable",
                benchmark_ids,
                BENCHMARK,
            ),
            (
                &p.benchmarks.disable,
                "benchmarks.disable",
                benchmark_ids,
                BENCHMARK,
            ),
        ] {
            for (i, m) in list.iter().enumerate() {
                ids_match(&format!("{name}[{i}]"), m, known, what)?;
            }
        }
        for id in self.severity.keys() {
            if let Some((m, _)) = p.severity.iter().find(|(m, _)| m.glob().glob() == id) {
                ids_match(&format!("severity.{id}"), m, check_ids, CHECK)?;
            }
        }
        for (i, w) in p.waivers.iter().enumerate() {
            ids_match(&format!("waivers[{i}].check"), &w.check, check_ids, CHECK)?;
        }
        Ok(())
    }
}

/// A case-sensitive glob (`*`, `?`, `[abc]`); `*` also matches `/`.
pub fn pattern_matcher(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid pattern {pattern:?}: {e}"))
}

/// A glob as [`pattern_matcher`], ignoring case: check ids on the command line
/// (`--check plm-k8s-0001`), where typing the case of an id is friction, not meaning.
pub fn id_matcher(pattern: &str) -> Result<GlobMatcher, String> {
    globset::GlobBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid pattern {pattern:?}: {e}"))
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (expected YYYY-MM-DD)"))
}

/// The gate: fail on findings at or above a severity, optionally only new ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn {
    /// Lowest severity that fails.
    pub severity: Severity,
    /// Only findings not in the baseline count.
    pub new_only: bool,
}

impl Default for FailOn {
    fn default() -> Self {
        FailOn {
            severity: Severity::Info,
            new_only: false,
        }
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;
    /// `high`, `new`, or `new,high` (either order).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = FailOn::default();
        let mut severity = None;
        for part in s.split(',').map(str::trim) {
            if part.eq_ignore_ascii_case("new") {
                out.new_only = true;
            } else {
                let sev = part.parse::<Severity>().map_err(|_| {
                    format!(
                        "{s:?}: expected a severity (info, low, medium, high, critical), \
                         `new`, or `new,SEVERITY`"
                    )
                })?;
                if severity.replace(sev).is_some() {
                    return Err(format!("{s:?}: give at most one severity"));
                }
            }
        }
        if let Some(sev) = severity {
            out.severity = sev;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, ConfigError> {
        let c = parse(Path::new("plimsoll.yaml"), text)?;
        c.validate(&["PLM-K8S-0001", "PLM-K8S-0002"], &["cis-kubernetes-1.12"])?;
        Ok(c)
    }

    #[test]
    fn errors_name_the_line() {
        let e = cfg("checks:\n  disable: [PLM-K8S-0001]\n  enabel: []\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("plimsoll.yaml:3:"), "{msg}");
        assert!(msg.contains("unknown field `enabel`"), "{msg}");

        let e = cfg("checks:\n  disable:\n  - PLM-K8S-0001\n  - PLM-XXX-9\n").unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:4:5:"), "{e}");
        assert!(e.to_string().contains("matches no check"), "{e}");

        let e = cfg("waivers:\n- check: PLM-K8S-0001\n  resources: {name: a}\n  reason: x\n  expires: 2026-13-01\n").unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:5:"), "{e}");

        let e = cfg("waivers:\n- check: PLM-K8S-0001\n  resources: {name: a}\n  reason: ''\n")
            .unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");

        let e = cfg("waivers:\n- check: PLM-K8S-0001\n  resources: {}\n  reason: r\n").unwrap_err();
        assert!(e.to_string().contains("at least one of"), "{e}");

        // A waiver's patterns are compiled once, when the file is read: errors at their line.
        let e = cfg("waivers:\n- check: PLM-K8S-0001\n  reason: r\n  resources:\n    name: '[a'\n")
            .unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:5:"), "{e}");
        assert!(e.to_string().contains("invalid pattern"), "{e}");
        let e = parse(
            Path::new("plimsoll.yaml"),
            "waivers:\n- check: 'PLM-[x'\n  reason: r\n  resources: {id: '*'}\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:2:"), "{e}");

        let e = cfg("waivers:\n- check: PLM-K8S-0001\n  reason: r\n").unwrap_err();
        assert!(e.to_string().contains("missing field `resources`"), "{e}");

        let e = cfg("gate:\n  failOn: severe\n").unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:2:"), "{e}");

        let e = cfg("version: 2\n").unwrap_err();
        assert!(e.to_string().contains("not supported"), "{e}");

        let e = cfg("severity:\n  PLM-K8S-0001: severe\n").unwrap_err();
        assert!(e.to_string().starts_with("plimsoll.yaml:2:"), "{e}");
    }

    #[test]
    fn valid_file_and_patterns() {
        let c = cfg("# only comments\n").unwrap();
        assert!(c.allow_annotation_waivers);
        let c = cfg(
            "checks:\n  disable: ['PLM-K8S-*']\nallowAnnotationWaivers: false\n\
                     parameters:\n  allowedRegistries: [ghcr.io/acme]\n",
        )
        .unwrap();
        assert!(!c.allow_annotation_waivers);
        assert_eq!(c.parameters["allowedRegistries"][0], "ghcr.io/acme");
    }

    #[test]
    fn string_values_are_parsed_once_when_the_file_is_read() {
        let c = parse(
            Path::new("conf/plimsoll.yaml"),
            "checks:\n  enable: ['PLM-K8S-*']\nseverity:\n  PLM-K8S-0001: low\n  'PLM-*': high\n\
             output:\n  files: [sarif=out/r.sarif]\ngate:\n  failOn: new,high\n  baseline: old.json\n",
        )
        .unwrap();
        let p = &c.parsed;
        assert!(any_match(&p.checks.enable, "PLM-K8S-0002"));
        assert!(!any_match(&p.checks.enable, "PLM-DKR-0001"));
        assert!(p.checks.disable.is_empty());
        // The pattern first, the exact id last: applied in order, the id wins.
        let order: Vec<Severity> = p.severity.iter().map(|(_, s)| *s).collect();
        assert_eq!(order, [Severity::High, Severity::Low]);
        assert_eq!(p.outputs[0].path, Path::new("conf/out/r.sarif"));
        assert_eq!(
            p.fail_on.map(|f| (f.severity, f.new_only)),
            Some((Severity::High, true))
        );
        assert_eq!(p.baseline.as_deref(), Some(Path::new("conf/old.json")));
        // A bad value fails when the file is read, at its line.
        let e = parse(Path::new("p.yaml"), "output:\n  files:\n  - 'sairf=x'\n").unwrap_err();
        assert!(e.to_string().starts_with("p.yaml:3:"), "{e}");
        let e = parse(Path::new("p.yaml"), "benchmarks:\n  disable: ['cis-[']\n").unwrap_err();
        assert!(e.to_string().starts_with("p.yaml:2:"), "{e}");
        // No file, nothing parsed: no pattern to ignore.
        assert!(Config::default().parsed.outputs.is_empty());
    }

    #[test]
    fn fail_on_forms() {
        assert_eq!("high".parse::<FailOn>().unwrap().severity, Severity::High);
        let f: FailOn = "new".parse().unwrap();
        assert!(f.new_only && f.severity == Severity::Info);
        let f: FailOn = "high,new".parse().unwrap();
        assert!(f.new_only && f.severity == Severity::High);
        assert!("high,low".parse::<FailOn>().is_err());
        assert!("nwe".parse::<FailOn>().is_err());
    }
}
