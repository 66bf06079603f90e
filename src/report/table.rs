//! Table output for people: findings sorted by severity and grouped by check (the severity and
//! check columns are printed once per group), the benchmark controls when one was selected,
//! collection problems, a summary a person reads at a glance (severity counts, the pass rate,
//! the failing checks with their fix, the namespaces), and a footer. Colour only when writing
//! to a terminal.
//!
//! Three layouts for the findings, chosen by width and count: a bordered table when the
//! terminal is wide (at least [`WIDE`] columns) and the findings few (at most [`MANY`]); below
//! that, one line per finding grouped under its check, wrapped at word boundaries with a
//! hanging indent (a table squeezed into 80 columns broke words mid-way); past
//! [`LARGE_TABLE`], aligned lines with no grouping, to grep.

use super::model::{BaselineState, FindingOut, Report};
use crate::finding::{Severity, Status};
use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Above this many findings they are printed one per line instead of as a table: laying out a
/// table measures and wraps every cell (over 2 s for 100,000 rows, more than the scan itself),
/// and nobody reads such a table on screen; aligned lines stay greppable.
const LARGE_TABLE: usize = 2_000;

/// Narrower than this, findings are listed one per line instead of as a bordered table: six
/// columns need about this much before words break inside cells.
pub const WIDE: usize = 120;

/// More findings than this are listed one per line: a table of hundreds of rows is thousands
/// of lines nobody reads on screen.
pub const MANY: usize = 200;

/// Failing checks listed in the summary, most serious first.
const SUMMARY_CHECKS: usize = 10;
/// The longest command the summary shows; longer ones (a task definition's jq edit) would
/// bury the summary, and are in the JSON report.
const SUMMARY_COMMAND: usize = 240;

/// Namespaces listed in the summary, most findings first.
const SUMMARY_NAMESPACES: usize = 8;

/// Rendering options.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Use ANSI colours.
    pub colour: bool,
    /// Terminal width, if known; otherwise 160 columns.
    pub width: Option<u16>,
    /// Show the findings.
    pub findings: bool,
    /// Show the benchmark controls (when a benchmark was selected).
    pub controls: bool,
    /// Show the summary block.
    pub summary: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            colour: false,
            width: None,
            findings: true,
            controls: true,
            summary: true,
        }
    }
}

impl TableOptions {
    fn columns(self) -> usize {
        self.width.map_or(160, usize::from)
    }
}

use crate::text::count;

/// `text` wrapped at spaces to `width` columns, the first line starting at column `first`, the
/// others indented by `indent` spaces. Runs of spaces (aligned labels) are kept; a line break
/// in the text starts an indented line. A word longer than a line is left whole: cutting a
/// name or an id is worse than a long line.
fn wrap(text: &str, width: usize, first: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut col = first;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        }
        let mut line_start = true;
        for word in line.split(' ') {
            let w = word.chars().count();
            if !line_start && w > 0 && col + 1 + w > width {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
                line_start = true;
            }
            if !line_start {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
            line_start = false;
        }
    }
    out
}

/// The status cell: `FAIL`, `FAIL (new)` against a baseline, `WAIVED`.
fn status_label(f: &FindingOut) -> String {
    match f.baseline_state {
        Some(BaselineState::New) if f.status == Status::Fail => format!("{} (new)", f.status),
        _ => f.status.to_string(),
    }
}

/// Longest resource name, location or other short cell shown in the table, in characters.
const SHORT_CELL: usize = 200;
/// Longest message shown in the table, in characters.
const LONG_CELL: usize = 2000;

/// `text` made fit for a terminal cell: control characters other than line breaks (escape
/// sequences in a hostile name could rewrite the screen) shown as `?`, and cut at `max`
/// characters with a note of how much more the JSON report holds. Without the cut, one 30 KB
/// name widened every row of the table and a 3 MB message took the layout minutes.
fn clip(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut chars = text.chars();
    for (shown, c) in chars.by_ref().enumerate() {
        if shown == max {
            let rest = 1 + chars.count();
            out.push_str(&format!("… ({rest} more characters; see --format json)"));
            return out;
        }
        out.push(if c.is_control() && c != '\n' { '?' } else { c });
    }
    out
}

/// The message cell; a waived finding shows why.
fn message_of(f: &FindingOut) -> String {
    let text = match &f.waiver {
        Some(w) => format!("{} [waived: {}]", f.message, w.reason),
        None => f.message.to_string(),
    };
    clip(&text, LONG_CELL)
}

fn severity_colour(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Info => Color::Grey,
    }
}

fn status_colour(s: Status) -> Color {
    match s {
        Status::Pass => Color::Green,
        Status::Fail => Color::Red,
        Status::Manual | Status::Waived => Color::Cyan,
        Status::NotAssessed | Status::Error => Color::Yellow,
    }
}

fn new_table(opts: TableOptions) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(opts.width.unwrap_or(160));
    if opts.colour {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn styled(text: impl ToString, colour: Option<Color>, opts: TableOptions) -> Cell {
    let cell = Cell::new(text.to_string());
    match (opts.colour, colour) {
        (true, Some(c)) => cell.fg(c).add_attribute(Attribute::Bold),
        _ => cell,
    }
}

/// The cluster part of a Kubernetes id (`k8s/prod/...` -> `prod`); None for other sources.
fn scope_of(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("k8s/")?;
    rest.split('/').next()
}

/// What varies across the report's findings, decided once: whether any finding has a file
/// location (live clusters have none, so the column is dropped) and whether findings come
/// from more than one cluster (then every resource is prefixed with its cluster).
#[derive(Clone, Copy)]
struct Layout {
    location: bool,
    scopes: bool,
}

impl Layout {
    fn of(report: &Report) -> Layout {
        let mut first: Option<&str> = None;
        let mut scopes = false;
        for f in &report.findings {
            if let Some(s) = f.resource.as_ref().and_then(|r| scope_of(&r.id)) {
                match first {
                    None => first = Some(s),
                    Some(p) if p != s => scopes = true,
                    _ => {}
                }
            }
        }
        Layout {
            location: report.findings.iter().any(|f| f.location().is_some()),
            scopes,
        }
    }

    fn prefix(self, f: &super::model::FindingOut) -> String {
        match f.resource.as_ref().and_then(|r| scope_of(&r.id)) {
            Some(s) if self.scopes => format!("{s}: "),
            _ => String::new(),
        }
    }
}

fn resource_label(f: &super::model::FindingOut, layout: Layout) -> String {
    let prefix = layout.prefix(f);
    let label = match &f.resource {
        Some(r) => match &r.namespace {
            Some(ns) => format!("{prefix}{ns}/{}/{}", r.kind, r.name),
            None => format!("{prefix}{}/{}", r.kind, r.name),
        },
        None => "-".into(),
    };
    clip(&label, SHORT_CELL)
}

/// `file:line` of a finding, fit for a cell; empty without a location.
fn location_of(f: &FindingOut) -> String {
    f.location()
        .map(|l| clip(&format!("{}:{}", l.file, l.line), SHORT_CELL))
        .unwrap_or_default()
}

/// One finding per line, columns aligned: `SEVERITY CHECK STATUS RESOURCE LOCATION MESSAGE`.
fn render_lines(report: &Report, opts: TableOptions, out: &mut String) {
    let layout = Layout::of(report);
    let rows: Vec<[String; 5]> = report
        .findings
        .iter()
        .map(|f| {
            [
                f.severity.as_str().to_uppercase(),
                f.check.id.to_string(),
                status_label(f),
                resource_label(f, layout),
                location_of(f),
            ]
        })
        .collect();
    // The header labels; no LOCATION column when nothing has a file location.
    let mut widths = [8usize, 5, 6, 8, if layout.location { 8 } else { 0 }];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let sep = if layout.location { "  " } else { "" };
    let _ = writeln!(
        out,
        "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {:w4$}{sep}MESSAGE",
        "SEVERITY",
        "CHECK",
        "STATUS",
        "RESOURCE",
        if layout.location { "LOCATION" } else { "" },
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3],
        w4 = widths[4],
    );
    for (f, row) in report.findings.iter().zip(&rows) {
        let sev = format!("{:w$}", row[0], w = widths[0]);
        let sev = if opts.colour {
            format!(
                "\u{1b}[1;{}m{sev}\u{1b}[0m",
                ansi(severity_colour(f.severity))
            )
        } else {
            sev
        };
        let _ = writeln!(
            out,
            "{sev}  {:w1$}  {:w2$}  {:w3$}  {:w4$}{sep}{}",
            row[1],
            row[2],
            row[3],
            row[4],
            message_of(f),
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
        );
    }
}

/// Lines of each drift list shown before "and N more".
const DRIFT_LINES: usize = 10;

/// The short drift section: counts, then the resolved findings and changed resources.
pub(crate) fn render_drift(d: &super::model::Drift, out: &mut String) {
    let _ = writeln!(out, "{}", drift_headline(d));
    if d.previous_run.is_some() {
        write_drift_lists(&d.resources, &d.resolved, out);
    }
}

/// The drift section's first line: what was compared, and the counts (also the HTML report's).
pub(crate) fn drift_headline(d: &super::model::Drift) -> String {
    let compared = d.scopes.iter().filter(|s| s.previous_run.is_some()).count();
    let Some(prev) = &d.previous_run else {
        return match d.scopes.len() {
            0 => format!(
                "Drift: first recorded run of this scope ({}); the next run shows what changed.",
                d.scope
            ),
            n => format!(
                "Drift: first recorded run of each of its {n} scopes; the next run shows what changed."
            ),
        };
    };
    let since = match d.scopes.len() {
        0 => format!("run {} ({})", prev.id, prev.started_at),
        n => format!(
            "the previous run of {compared} of {n} scopes (latest: run {}, {})",
            prev.id, prev.started_at
        ),
    };
    let r = &d.resources;
    format!(
        "Drift since {since}: findings {} new, {} resolved, {} persisting; resources {} added, {} removed, {} changed.",
        d.new,
        d.resolved.len(),
        d.persisting,
        r.added.len(),
        r.removed.len(),
        r.changed.len()
    )
}

/// The lists under a drift summary (also used by `plimsoll diff`).
pub(crate) fn write_drift_lists(
    r: &super::model::ResourceDrift,
    resolved: &[super::model::ResolvedFinding],
    out: &mut String,
) {
    let more = |n: usize, out: &mut String| {
        if n > DRIFT_LINES {
            let _ = writeln!(
                out,
                "    … and {} more (see the JSON report)",
                n - DRIFT_LINES
            );
        }
    };
    for f in resolved.iter().take(DRIFT_LINES) {
        let _ = writeln!(
            out,
            "  resolved {} {}: {}",
            f.check_id, f.resource_id, f.message
        );
    }
    more(resolved.len(), out);
    for id in r.added.iter().take(DRIFT_LINES) {
        let _ = writeln!(out, "  added    {id}");
    }
    more(r.added.len(), out);
    for id in r.removed.iter().take(DRIFT_LINES) {
        let _ = writeln!(out, "  removed  {id}");
    }
    more(r.removed.len(), out);
    for c in r.changed.iter().take(DRIFT_LINES) {
        let shown: Vec<String> = c
            .changes
            .iter()
            .take(3)
            .map(|f| {
                format!(
                    "{} ({} -> {})",
                    f.path,
                    f.before.as_deref().unwrap_or("absent"),
                    f.after.as_deref().unwrap_or("absent")
                )
            })
            .collect();
        let extra = c.changes.len().saturating_sub(3);
        let _ = writeln!(
            out,
            "  changed  {}: {}{}",
            c.id,
            shown.join("; "),
            if extra > 0 {
                format!("; +{extra} more fields")
            } else {
                String::new()
            }
        );
    }
    more(r.changed.len(), out);
}

fn ansi(c: Color) -> u8 {
    match c {
        Color::Magenta => 35,
        Color::Red => 31,
        Color::Yellow => 33,
        Color::Blue => 34,
        _ => 37,
    }
}

/// Findings one per line under a line naming their check, wrapped to the width (see the module
/// documentation).
fn render_compact(report: &Report, opts: TableOptions, out: &mut String) {
    let width = opts.columns();
    let layout = Layout::of(report);
    // Findings per check, counted once (a check's findings are neighbours).
    let mut per_check: HashMap<&str, usize> = HashMap::new();
    for f in &report.findings {
        *per_check.entry(&*f.check.id).or_default() += 1;
    }
    let mut last_check: Option<&str> = None;
    for f in &report.findings {
        if last_check != Some(&*f.check.id) {
            last_check = Some(&f.check.id);
            let n = per_check.get(&*f.check.id).copied().unwrap_or(0);
            let sev = f.severity.as_str().to_uppercase();
            let sev = match opts.colour {
                true => format!(
                    "\u{1b}[1;{}m{sev}\u{1b}[0m",
                    ansi(severity_colour(f.severity))
                ),
                false => sev,
            };
            let head = format!(
                "{} {} ({})",
                f.check.id,
                clip(&f.check.title, SHORT_CELL),
                count(n, "finding")
            );
            let _ = writeln!(out, "{sev} {}", wrap(&head, width, 9, 4));
        }
        let mut line = format!("{} {}", status_label(f), resource_label(f, layout));
        let location = location_of(f);
        if !location.is_empty() {
            let _ = write!(line, " ({location})");
        }
        let _ = write!(line, ": {}", message_of(f));
        let _ = writeln!(out, "  {}", wrap(&line, width, 2, 6));
    }
}

/// The summary block: severity counts first, the pass rate, the failing checks with their fix,
/// the namespaces with the most findings.
fn render_summary(report: &Report, opts: TableOptions, out: &mut String) {
    let width = opts.columns();
    let s = &report.summary;
    let _ = writeln!(out, "\nSummary");
    let by_sev = by_severity(s);
    let resources: std::collections::BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| f.resource.as_ref().map(|r| r.id.as_str()))
        .collect();
    // A line of the block, wrapped under its label.
    let mut say = |text: String| {
        let _ = writeln!(out, "  {}", wrap(&text, width, 2, 13));
    };
    say(format!(
        "Failed:    {} ({} on {})",
        by_sev,
        count(s.failed, "finding"),
        count(resources.len(), "resource")
    ));
    let (passed, evaluated) = report
        .checks
        .iter()
        .fold((0, 0), |(p, e), c| (p + c.passed, e + c.evaluated));
    if evaluated > 0 {
        say(format!(
            "Pass rate: {:.1}% ({passed} of {} passed)",
            100.0 * passed as f64 / evaluated as f64,
            count(evaluated, "check result")
        ));
    }
    if let Some(c) = &report.compliance {
        let cs = &c.summary;
        say(format!(
            "Benchmark: {} {} level {}: score {} ({} pass, {} fail); assessed coverage {:.1}%",
            c.title,
            c.version,
            c.level,
            score(cs.pass, cs.fail),
            cs.pass,
            cs.fail,
            cs.assessed_coverage
        ));
    }
    let mut other = Vec::new();
    if s.not_assessed > 0 {
        other.push(format!("{} not assessed", s.not_assessed));
    }
    if s.waived > 0 {
        other.push(format!("{} waived", s.waived));
    }
    if s.errors > 0 {
        other.push(count(s.errors, "policy error"));
    }
    if !other.is_empty() {
        say(format!("Also:      {}", other.join(", ")));
    }
    // Failing checks, most serious first, then most findings.
    let mut failing: Vec<&super::model::CheckOut> =
        report.checks.iter().filter(|c| c.failed > 0).collect();
    failing.sort_by(|a, b| (b.severity, b.failed, &a.id).cmp(&(a.severity, a.failed, &b.id)));
    if !failing.is_empty() {
        let _ = writeln!(out, "  Failing checks and how to fix them:");
        // The first failing finding of each check that has an exact command, and how many
        // resources share the check (the command is shown once, for the first).
        let mut commands: BTreeMap<&str, String> = BTreeMap::new();
        for f in report.findings.iter().filter(|f| f.check.command.is_some()) {
            if !commands.contains_key(&*f.check.id)
                && let Some(c) = f.command()
            {
                commands.insert(&f.check.id, c);
            }
        }
        for c in failing.iter().take(SUMMARY_CHECKS) {
            let sev = format!("{:8}", c.severity.as_str().to_uppercase());
            let head = format!(
                "{} {} (on {})",
                c.id,
                clip(&c.title, SHORT_CELL),
                count(c.failed, "resource")
            );
            let _ = writeln!(out, "    {sev} {}", wrap(&head, width, 13, 13));
            if !c.remediation.trim().is_empty() {
                let fix = format!("fix: {}", clip(c.remediation.trim(), LONG_CELL));
                let _ = writeln!(out, "             {}", wrap(&fix, width, 13, 18));
            }
            if let Some(command) = commands.get(c.id.as_str()) {
                let more = match c.failed {
                    0 | 1 => String::new(),
                    2 => " (and for the other: --format json)".to_string(),
                    n => format!(" (and for the {} others: --format json)", n - 1),
                };
                if command.chars().count() <= SUMMARY_COMMAND {
                    // Not wrapped: a line break inside would run as two commands when pasted.
                    // Clipped like every cell: the names in it come from the input.
                    let _ = writeln!(out, "             run: {}{more}", clip(command, LONG_CELL));
                } else {
                    let _ = writeln!(
                        out,
                        "             run: the `command` of each finding in --format json"
                    );
                }
            }
        }
        if failing.len() > SUMMARY_CHECKS {
            let _ = writeln!(
                out,
                "    … and {} more failing (`plimsoll explain CHECK-ID` describes any check)",
                failing.len() - SUMMARY_CHECKS
            );
        }
    }
    let mut by_ns: BTreeMap<&str, usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        if let Some(ns) = f.resource.as_ref().and_then(|r| r.namespace.as_deref()) {
            *by_ns.entry(ns).or_default() += 1;
        }
    }
    if !by_ns.is_empty() {
        let mut ns: Vec<(&str, usize)> = by_ns.into_iter().collect();
        ns.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| crate::text::natural_cmp(a.0, b.0))
        });
        let shown: Vec<String> = ns
            .iter()
            .take(SUMMARY_NAMESPACES)
            // Namespace names come from the input: clipped like every cell (no escapes).
            .map(|(n, c)| format!("{} {c}", clip(n, SHORT_CELL)))
            .collect();
        let more = match ns.len().saturating_sub(SUMMARY_NAMESPACES) {
            0 => String::new(),
            n => format!(", and {} more", count(n, "namespace")),
        };
        let line = format!("By namespace: {}{more}", shown.join(", "));
        let _ = writeln!(out, "  {}", wrap(&line, width, 2, 16));
    }
}

/// `1 critical, 7 high, 25 medium, 23 low, 0 info`: failing findings per severity.
fn by_severity(s: &super::model::Summary) -> String {
    let counts: Vec<String> = Severity::DESCENDING
        .iter()
        .map(|sev| {
            format!(
                "{} {sev}",
                s.failed_by_severity.get(sev).copied().unwrap_or(0)
            )
        })
        .collect();
    counts.join(", ")
}

/// Passed controls over judged ones (pass and fail), as a percentage; `-` when none was judged.
fn score(pass: usize, fail: usize) -> String {
    match pass + fail {
        0 => "-".into(),
        n => format!("{:.1}%", 100.0 * pass as f64 / n as f64),
    }
}

/// Renders the report.
pub fn render(report: &Report, opts: TableOptions) -> String {
    let mut out = String::new();
    // A run that read nothing and met input errors has no findings to speak of: saying "No
    // findings." above the errors read as a clean result.
    let read_nothing = report.scan.resources == 0
        && report
            .collection_issues
            .iter()
            .any(|i| i.level == crate::snapshot::IssueLevel::Error);
    if !opts.findings || (report.findings.is_empty() && read_nothing) {
        // Controls or the summary only (`--view controls`, `--view summary`).
    } else if report.findings.is_empty() {
        out.push_str("No findings.\n");
    } else if report.findings.len() > LARGE_TABLE {
        render_lines(report, opts, &mut out);
    } else if opts.columns() < WIDE || report.findings.len() > MANY {
        render_compact(report, opts, &mut out);
    } else {
        let layout = Layout::of(report);
        let mut t = new_table(opts);
        let mut header = vec!["SEVERITY", "CHECK", "STATUS", "RESOURCE", "MESSAGE"];
        if layout.location {
            header.push("LOCATION");
        }
        t.set_header(header);
        let mut last_check: Option<&str> = None;
        for f in &report.findings {
            let first_of_group = last_check != Some(&*f.check.id);
            last_check = Some(&f.check.id);
            let (sev, check) = if first_of_group {
                (
                    styled(
                        f.severity.as_str().to_uppercase(),
                        Some(severity_colour(f.severity)),
                        opts,
                    ),
                    Cell::new(format!(
                        "{}\n{}",
                        f.check.id,
                        clip(&f.check.title, SHORT_CELL)
                    )),
                )
            } else {
                (Cell::new(""), Cell::new(""))
            };
            let prefix = layout.prefix(f);
            let resource = match &f.resource {
                Some(r) => match &r.namespace {
                    Some(ns) => format!(
                        "{}\n({})",
                        clip(&format!("{prefix}{}/{}", r.kind, r.name), SHORT_CELL),
                        clip(ns, SHORT_CELL)
                    ),
                    None => clip(&format!("{prefix}{}/{}", r.kind, r.name), SHORT_CELL),
                },
                None => "-".into(),
            };
            let location = location_of(f);
            let mut row = vec![
                sev,
                check,
                styled(status_label(f), Some(status_colour(f.status)), opts),
                Cell::new(resource),
                Cell::new(message_of(f)),
            ];
            if layout.location {
                row.push(Cell::new(location));
            }
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}");
    }

    if let Some(c) = report.compliance.as_ref().filter(|_| opts.controls) {
        let _ = writeln!(
            out,
            "\n{} {} — Level {} profile",
            c.title, c.version, c.level
        );
        let mut t = new_table(opts);
        t.set_header(vec!["CONTROL", "LEVEL", "STATUS", "TITLE", "DETAIL"]);
        for ctl in &c.controls {
            let detail = match ctl.status {
                Status::Pass | Status::Fail => format!(
                    "{} passed, {} failed{} ({})",
                    ctl.passed,
                    ctl.failed,
                    if ctl.waived > 0 {
                        format!(", {} waived", ctl.waived)
                    } else {
                        String::new()
                    },
                    ctl.checks.join(", ")
                ),
                _ => ctl.reason.clone().unwrap_or_default(),
            };
            t.add_row(vec![
                Cell::new(&ctl.id),
                Cell::new(ctl.level),
                styled(ctl.status, Some(status_colour(ctl.status)), opts),
                Cell::new(&ctl.title),
                Cell::new(detail),
            ]);
        }
        let _ = writeln!(out, "{t}");
        let s = &c.summary;
        let _ = writeln!(
            out,
            "Controls: {} total — {} pass, {} fail, {} manual, {} not assessed; score {}; assessed coverage {:.1}%",
            s.total,
            s.pass,
            s.fail,
            s.manual,
            s.not_assessed,
            score(s.pass, s.fail),
            s.assessed_coverage
        );
    }

    let errors: Vec<_> = report
        .collection_issues
        .iter()
        .filter(|i| i.level == crate::snapshot::IssueLevel::Error)
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nInput errors ({}):", errors.len());
        for e in errors {
            let _ = writeln!(out, "  {}", e.message);
        }
    }
    let warnings = report.collection_issues.len()
        - report
            .collection_issues
            .iter()
            .filter(|i| i.level == crate::snapshot::IssueLevel::Error)
            .count();

    if opts.summary {
        render_summary(report, opts, &mut out);
    }
    let s = &report.summary;
    let by_sev = by_severity(s);
    let footer = format!(
        "Scanned {} with {} in {:.2}s: {} failed ({}), {} passed{}{}{}{}.",
        count(report.scan.resources, "resource"),
        count(report.scan.checks_run, "check"),
        report.scan.duration_ms as f64 / 1000.0,
        s.failed,
        by_sev,
        s.passed,
        if s.errors > 0 {
            format!(", {} policy errors", s.errors)
        } else {
            String::new()
        },
        if s.not_assessed > 0 {
            format!(", {} not assessed", s.not_assessed)
        } else {
            String::new()
        },
        if s.waived > 0 {
            format!(", {} waived", s.waived)
        } else {
            String::new()
        },
        if warnings > 0 {
            format!(", {warnings} input warnings (on stderr and in the JSON report)")
        } else {
            String::new()
        },
    );
    let _ = writeln!(out, "\n{}", wrap(&footer, opts.columns(), 0, 2));
    if !report.scan.checks_skipped.is_empty() {
        let ids: Vec<&str> = report
            .scan
            .checks_skipped
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let line = format!(
            "Not run (not configured, or off unless named): {}.",
            ids.join(", ")
        );
        let _ = writeln!(out, "{}", wrap(&line, opts.columns(), 0, 2));
    }
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            out,
            "Compared with {}: {} new, {} unchanged, {} fixed.",
            b.file, b.new, b.unchanged, b.absent
        );
    }
    if let Some(d) = &report.drift {
        render_drift(d, &mut out);
    }
    let expired: Vec<&str> = report
        .waivers
        .iter()
        .filter(|w| w.expired)
        .map(|w| w.name.as_str())
        .collect();
    if !expired.is_empty() {
        let _ = writeln!(
            out,
            "Expired waivers (no longer applied): {} — see `plimsoll waivers audit`.",
            expired.join(", ")
        );
    }
    if let Some(line) = gate_line(report) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// What the gate made of the run, when it gates on anything (also the HTML report's).
pub(crate) fn gate_line(report: &Report) -> Option<String> {
    if !(report.scan.fail_on_new || report.scan.fail_on > Severity::Info) {
        return None;
    }
    let gate = match (report.scan.fail_on_new, report.scan.fail_on) {
        (true, Severity::Info) => "new".to_string(),
        (true, s) => format!("new,{s}"),
        (false, s) => s.to_string(),
    };
    let n = report.summary.failed_at_threshold;
    let verb = if n == 1 { "fails" } else { "fail" };
    Some(format!(
        "Gate (--fail-on {gate}): {} {verb} it.",
        count(n, "finding")
    ))
}

#[cfg(test)]
mod tests {
    use super::{clip, wrap};

    #[test]
    fn lines_wrap_at_words() {
        let w = wrap("container web runs as root in namespace shop", 20, 2, 6);
        assert_eq!(
            w,
            "container web runs\n      as root in\n      namespace shop"
        );
        assert!(w.lines().all(|l| l.chars().count() <= 20));
        // A word longer than the line stays whole.
        assert_eq!(
            wrap("ServiceAccount/a-very-long-name x", 10, 0, 2),
            "ServiceAccount/a-very-long-name\n  x"
        );
    }

    #[test]
    fn cells_are_cut_and_control_characters_shown_as_question_marks() {
        assert_eq!(clip("web", 200), "web");
        assert_eq!(clip("a\u{1b}[2Jb\nc", 200), "a?[2Jb\nc");
        let long = "é".repeat(30_000);
        let cut = clip(&long, 200);
        assert!(cut.starts_with(&"é".repeat(200)));
        assert!(
            cut.ends_with("… (29800 more characters; see --format json)"),
            "{cut}"
        );
        assert_eq!(clip(&"x".repeat(200), 200), "x".repeat(200));
    }
}
