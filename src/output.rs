//! Where a report goes: the report formats of `plimsoll scan`, `--output FORMAT=FILE` values
//! and the formats of listing commands. Apart from `report` because the configuration names
//! them too (`output.format`, `output.files` in `plimsoll.yaml`), and the configuration must
//! not depend on the report it configures.

use serde::Deserialize;

/// Report formats of `plimsoll scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Human-readable tables.
    Table,
    /// The JSON report (docs/output.md).
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// JUnit XML for CI test dashboards.
    Junit,
    /// One self-contained HTML page for people (docs/output.md).
    Html,
    /// One row per finding, for spreadsheets (RFC 4180).
    Csv,
    /// AWS Security Finding Format findings, as BatchImportFindings takes them.
    Asff,
    /// OCSF 1.5.0 Compliance Finding events, as JSON Lines (SIEMs, data lakes).
    Ocsf,
    /// wgpolicyk8s.io PolicyReport and ClusterPolicyReport objects (Policy Reporter).
    Policyreport,
    /// openreports.io Report and ClusterReport objects (the PolicyReport successor).
    Openreports,
    /// Prometheus text exposition, for node-exporter's textfile collector or a Pushgateway.
    Prometheus,
}

impl ReportFormat {
    /// The name used in flags and the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Json => "json",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Junit => "junit",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Asff => "asff",
            ReportFormat::Ocsf => "ocsf",
            ReportFormat::Policyreport => "policyreport",
            ReportFormat::Openreports => "openreports",
            ReportFormat::Prometheus => "prometheus",
        }
    }

    fn parse(s: &str) -> Option<ReportFormat> {
        [
            ReportFormat::Table,
            ReportFormat::Json,
            ReportFormat::Sarif,
            ReportFormat::Junit,
            ReportFormat::Html,
            ReportFormat::Csv,
            ReportFormat::Asff,
            ReportFormat::Ocsf,
            ReportFormat::Policyreport,
            ReportFormat::Openreports,
            ReportFormat::Prometheus,
        ]
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// One `--output` value: `FORMAT=FILE`, or a bare `FILE` for the `--format` report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The format; None for a bare FILE (the `--format` report).
    pub format: Option<ReportFormat>,
    /// Destination.
    pub path: std::path::PathBuf,
}

impl OutputSpec {
    /// Parses `sarif=out.sarif` or `out.json`. A word before `=` is a format name, and an
    /// unknown one (`sairf=out.sarif`) is an error rather than part of a file name; a path
    /// containing `=` is written with a directory (`./a=b.json`). A file extension that
    /// names another format than the one given (`sarif=out.json`) is an error too.
    pub fn parse(s: &str) -> Result<OutputSpec, String> {
        if s.is_empty() {
            return Err("empty output path".into());
        }
        if let Some((f, path)) = s.split_once('=')
            && !f.is_empty()
            && f.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            let Some(format) = ReportFormat::parse(f) else {
                return Err(format!(
                    "{s:?}: unknown format {f:?} (expected table, json, sarif, junit, html, csv, asff, ocsf, policyreport, openreports or prometheus; \
                     write a file name containing '=' as ./{s})"
                ));
            };
            if path.is_empty() {
                return Err(format!("{s:?}: no file after {f}="));
            }
            let spec = OutputSpec {
                format: Some(format),
                path: path.into(),
            };
            spec.agrees(format)?;
            return Ok(spec);
        }
        Ok(OutputSpec {
            format: None,
            path: s.into(),
        })
    }

    /// The format the file's extension names: `.json`, `.sarif`, `.xml` (JUnit), `.txt`
    /// (the table), `.html`, `.csv`, `.prom` (Prometheus).
    pub fn extension_format(&self) -> Option<ReportFormat> {
        let ext = self.path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(ReportFormat::Json),
            "sarif" => Some(ReportFormat::Sarif),
            "xml" => Some(ReportFormat::Junit),
            "txt" => Some(ReportFormat::Table),
            "html" | "htm" => Some(ReportFormat::Html),
            "csv" => Some(ReportFormat::Csv),
            "prom" => Some(ReportFormat::Prometheus),
            _ => None,
        }
    }

    /// An error when the file's extension names another format than `format`: a SARIF
    /// upload of a table, or JSON in a `.sarif` file, fails far from the command that wrote it.
    pub fn agrees(&self, format: ReportFormat) -> Result<(), String> {
        match self.extension_format() {
            // OCSF events and ASFF findings are JSON: `ocsf=findings.ocsf.json` is what consumers expect.
            Some(ReportFormat::Json)
                if matches!(format, ReportFormat::Ocsf | ReportFormat::Asff) =>
            {
                Ok(())
            }
            Some(named) if named != format => Err(format!(
                "{}: the extension says {} but the report is {}; name the file for its format \
                 or choose the format with FORMAT=FILE",
                self.path.display(),
                named.as_str(),
                format.as_str()
            )),
            _ => Ok(()),
        }
    }
}

/// Output formats of listing commands (`policies list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
    /// Markdown (the generated `docs/checks.md`).
    Markdown,
}
