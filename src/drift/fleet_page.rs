//! The fleet page (`plimsoll fleet --format html`): the store's scopes with their pass-rate
//! trends and the control x scope matrix, one self-contained page with no script. Built from
//! what `fleet.rs` reads, with the report page's template machinery and stylesheet
//! (`report::html`); every text from the store is escaped by the template.

use crate::report::html::{self, CSS, HtmlError};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../report/html/fleet.html");

/// The fleet page (`plimsoll fleet --format html`): the scope table with each scope's
/// pass-rate trend as an inline SVG line, and the control x scope matrix. No script at all.
pub fn render(view: &FleetView<'_>) -> Result<String, HtmlError> {
    html::fill("fleet.html", TEMPLATE, &FleetPage::of(view))
}

/// What the fleet page shows, as `drift::fleet` reads it from the store.
pub struct FleetView<'a> {
    /// The store, as messages name it (no password).
    pub store: &'a str,
    /// `--quiet-after`, as given.
    pub quiet_after: &'a str,
    /// One row per scope.
    pub scopes: &'a [super::fleet::ScopeRow],
    /// The scopes of the matrix, in its column order.
    pub matrix_scopes: &'a [String],
    /// Control -> scope -> status.
    pub matrix: &'a super::fleet::Matrix,
    /// Scope -> its last runs' pass rates, oldest first.
    pub trend: &'a std::collections::BTreeMap<String, Vec<super::fleet::TrendPoint>>,
    /// How many runs the trend covers at most.
    pub trend_runs: usize,
}

#[derive(Serialize)]
struct FleetPage {
    csp: String,
    css: &'static str,
    tool_version: &'static str,
    store: String,
    quiet_after: String,
    quiet: usize,
    now: String,
    trend_runs: usize,
    scopes: Vec<FleetRow>,
    matrix_scopes: Vec<String>,
    controls: Vec<MatrixRow>,
}

#[derive(Serialize)]
struct FleetRow {
    scope: String,
    last_run: String,
    resources: i64,
    failed: i64,
    critical: u64,
    high: u64,
    pass_rate: String,
    failing: String,
    new: i64,
    quiet: bool,
    status: String,
    trend: Option<Trend>,
}

#[derive(Serialize)]
struct Trend {
    width: usize,
    /// `x,y` pairs: numbers this code computed, nothing from the store.
    points: String,
    label: String,
}

#[derive(Serialize)]
struct MatrixRow {
    id: String,
    cells: Vec<String>,
}

impl FleetPage {
    fn of(v: &FleetView<'_>) -> FleetPage {
        let pct = |p: Option<f64>| p.map_or("-".to_string(), |p| format!("{p:.1}%"));
        let scopes = v
            .scopes
            .iter()
            .map(|r| {
                let sev = |k: &str| r.failed_by_severity[k].as_u64().unwrap_or(0);
                let trend = v.trend.get(&r.scope).and_then(|points| trend(points, &pct));
                FleetRow {
                    scope: r.scope.clone(),
                    last_run: r.last_run.clone(),
                    resources: r.resources,
                    failed: r.failed,
                    critical: sev("critical"),
                    high: sev("high"),
                    pass_rate: format!("{} ({})", pct(r.pass_rate), r.pass_rate_of),
                    failing: r.failing_controls.join(", "),
                    new: r.new,
                    quiet: r.quiet,
                    status: match r.quiet {
                        true => format!("QUIET {:.0}h", r.age_hours),
                        false => "ok".into(),
                    },
                    trend,
                }
            })
            .collect();
        let mut ids: Vec<&String> = v.matrix.keys().collect();
        ids.sort_by(|a, b| crate::text::natural_cmp(a, b));
        let controls = ids
            .into_iter()
            .map(|id| MatrixRow {
                id: id.clone(),
                cells: v
                    .matrix_scopes
                    .iter()
                    .map(|s| v.matrix[id].get(s).cloned().unwrap_or_default())
                    .collect(),
            })
            .collect();
        FleetPage {
            csp: format!(
                "default-src 'none'; style-src '{}'; script-src 'none'; img-src data:; base-uri 'none'; form-action 'none'",
                html::sha256(CSS)
            ),
            css: CSS,
            tool_version: env!("CARGO_PKG_VERSION"),
            store: v.store.to_string(),
            quiet_after: v.quiet_after.to_string(),
            quiet: v.scopes.iter().filter(|r| r.quiet).count(),
            now: crate::snapshot::now_rfc3339(),
            trend_runs: v.trend_runs,
            scopes,
            matrix_scopes: v.matrix_scopes.to_vec(),
            controls,
        }
    }
}

/// A pass-rate line: 16 px per run, 0 % at the bottom and 100 % at the top of 32 px; runs
/// without a rate leave a gap in the label, not a point.
fn trend(
    points: &[super::fleet::TrendPoint],
    pct: &dyn Fn(Option<f64>) -> String,
) -> Option<Trend> {
    let xy: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let rate = p.pass_rate?.clamp(0.0, 100.0);
            Some(format!("{},{:.1}", i * 16 + 2, 33.0 - rate * 0.32))
        })
        .collect();
    (!xy.is_empty()).then(|| Trend {
        width: points.len().max(2) * 16,
        points: xy.join(" "),
        label: points
            .iter()
            .map(|p| pct(p.pass_rate))
            .collect::<Vec<_>>()
            .join(" → "),
    })
}
