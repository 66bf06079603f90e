//! The fleet view: what a store says about every scope it holds (a cluster, an account and
//! region, a Docker host), from the latest run of each: when it ran, its pass rate, the
//! benchmark controls it fails, the findings new since its previous run, and whether it has
//! gone quiet. Also the control x scope matrix and the pass rate over a scope's last runs.
//!
//! The queries are one SQL text for both backends (no parameters; only integers this module
//! produced are interpolated), a handful per view however many scopes there are: against a
//! server every query is a round trip.

use super::store::{Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One scope's latest run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeRow {
    /// The scope key.
    pub scope: String,
    /// Its latest run's id.
    pub run: i64,
    /// When that run started (RFC 3339).
    pub last_run: String,
    /// Hours since then, at the time of the query.
    pub age_hours: f64,
    /// No run within the quiet threshold.
    pub quiet: bool,
    /// Resources scanned.
    pub resources: i64,
    /// FAIL findings.
    pub failed: i64,
    /// FAIL findings per severity.
    pub failed_by_severity: serde_json::Value,
    /// The benchmark its controls are from, when it was scanned with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// Pass rate in percent: of benchmark controls (PASS / PASS+FAIL) when there are any,
    /// else of check results. None when nothing passed or failed.
    pub pass_rate: Option<f64>,
    /// What the pass rate counts: "controls" or "checks".
    pub pass_rate_of: &'static str,
    /// The failing controls' ids.
    pub failing_controls: Vec<String>,
    /// FAIL findings its previous run did not have (0 on a scope's first run: its baseline).
    pub new: i64,
}

/// The pass rate of one run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// Run id.
    pub run: i64,
    /// When it started.
    pub started_at: String,
    /// Pass rate in percent (controls when any, else checks).
    pub pass_rate: Option<f64>,
}

fn rate(pass: i64, fail: i64) -> Option<f64> {
    (pass + fail > 0).then(|| 100.0 * pass as f64 / (pass + fail) as f64)
}

fn id_list(ids: impl Iterator<Item = i64>) -> String {
    let v: Vec<String> = ids.map(|i| i.to_string()).collect();
    if v.is_empty() {
        "NULL".into()
    } else {
        v.join(", ")
    }
}

/// Hours from an RFC 3339 time to `now`.
fn age_hours(started: &str, now: chrono::DateTime<chrono::Utc>) -> f64 {
    chrono::DateTime::parse_from_rfc3339(started)
        .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds() as f64 / 3600.0)
        .unwrap_or(f64::INFINITY)
}

/// One row per scope, by scope; `quiet_hours`: no run within that many hours is quiet.
pub fn scopes(store: &Store, quiet_hours: f64) -> Result<Vec<ScopeRow>, StoreError> {
    let latest = store.rows(
        "SELECT r.id, r.scope, r.started_at, r.resources, r.passed, r.failed,
                r.failed_by_severity,
                (SELECT MAX(q.id) FROM runs q WHERE q.scope = r.scope AND q.id < r.id),
                r.new_findings
         FROM runs r
         WHERE r.id = (SELECT MAX(m.id) FROM runs m WHERE m.scope = r.scope)
         ORDER BY r.scope",
    )?;
    let ids = id_list(latest.iter().map(|r| r[0].int()));
    // FAIL findings of each latest run absent from its scope's previous run, counted when
    // the run was recorded.
    let new: HashMap<i64, i64> = latest
        .iter()
        .filter_map(|r| r[8].opt_int().map(|n| (r[0].int(), n)))
        .collect();
    let mut controls: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for r in store.rows(&format!(
        "SELECT run_id, benchmark, control_id, status FROM run_controls
         WHERE run_id IN ({ids}) ORDER BY run_id, benchmark, control_id"
    ))? {
        controls.entry(r[0].int()).or_default().push((
            r[1].text().to_string(),
            r[2].text().to_string(),
            r[3].text().to_string(),
        ));
    }
    let now = chrono::Utc::now();
    Ok(latest
        .into_iter()
        .map(|r| {
            let id = r[0].int();
            let first = r[7].opt_int().is_none();
            let cs = controls.remove(&id).unwrap_or_default();
            let count = |s: &str| cs.iter().filter(|c| c.2 == s).count() as i64;
            let (pass_rate, of) = if cs.is_empty() {
                (rate(r[4].int(), r[5].int()), "checks")
            } else {
                (rate(count("PASS"), count("FAIL")), "controls")
            };
            let mut failing: Vec<String> = cs
                .iter()
                .filter(|c| c.2 == "FAIL")
                .map(|c| c.1.clone())
                .collect();
            failing.sort_by(|a, b| crate::text::natural_cmp(a, b));
            let age = age_hours(r[2].text(), now);
            ScopeRow {
                scope: r[1].text().to_string(),
                run: id,
                last_run: r[2].text().to_string(),
                age_hours: (age * 10.0).round() / 10.0,
                quiet: age > quiet_hours,
                resources: r[3].int(),
                failed: r[5].int(),
                failed_by_severity: serde_json::from_str(r[6].text()).unwrap_or_default(),
                benchmark: cs.first().map(|c| c.0.clone()),
                pass_rate: pass_rate.map(|p| (p * 10.0).round() / 10.0),
                pass_rate_of: of,
                failing_controls: failing,
                new: if first {
                    0
                } else {
                    new.get(&id).copied().unwrap_or(0)
                },
            }
        })
        .collect())
}

/// Control ("benchmark control-id") -> scope -> status.
pub type Matrix = BTreeMap<String, BTreeMap<String, String>>;

/// Control x scope: for each control of the latest runs (in natural order), its status in
/// each scope's latest run (absent: that scope's run did not assess it).
pub fn matrix(store: &Store) -> Result<(Vec<String>, Matrix), StoreError> {
    let rows = store.rows(
        "SELECT r.scope, c.benchmark, c.control_id, c.status FROM run_controls c
         JOIN runs r ON r.id = c.run_id
         WHERE r.id = (SELECT MAX(m.id) FROM runs m WHERE m.scope = r.scope)
         ORDER BY r.scope",
    )?;
    let mut scopes: Vec<String> = Vec::new();
    let mut cells: Matrix = BTreeMap::new();
    for r in rows {
        let scope = r[0].text().to_string();
        if scopes.last() != Some(&scope) {
            scopes.push(scope.clone());
        }
        let control = format!("{} {}", r[1].text(), r[2].text());
        cells
            .entry(control)
            .or_default()
            .insert(scope, r[3].text().to_string());
    }
    Ok((scopes, cells))
}

/// Each scope's pass rate over its last `n` runs, oldest first.
pub fn trend(store: &Store, n: usize) -> Result<BTreeMap<String, Vec<TrendPoint>>, StoreError> {
    let rows = store.rows(&format!(
        "SELECT scope, id, started_at, passed, failed, controls_passed, controls_failed
         FROM (SELECT scope, id, started_at, passed, failed,
                      COALESCE(controls_passed, 0) AS controls_passed,
                      COALESCE(controls_failed, 0) AS controls_failed,
                      ROW_NUMBER() OVER (PARTITION BY scope ORDER BY id DESC) AS newest
               FROM runs) r
         WHERE newest <= {n}
         ORDER BY scope, id"
    ))?;
    let mut out: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
    for r in rows {
        let (cp, cf) = (r[5].int(), r[6].int());
        let pass_rate = if cp + cf > 0 {
            rate(cp, cf)
        } else {
            rate(r[3].int(), r[4].int())
        };
        out.entry(r[0].text().to_string())
            .or_default()
            .push(TrendPoint {
                run: r[1].int(),
                started_at: r[2].text().to_string(),
                pass_rate: pass_rate.map(|p| (p * 10.0).round() / 10.0),
            });
    }
    Ok(out)
}

/// A duration like `36h`, `2d`, `90m` or `1w`, in hours.
pub fn parse_hours(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    let n: f64 = num.parse().ok()?;
    let per = match unit {
        "m" => 1.0 / 60.0,
        "h" => 1.0,
        "d" => 24.0,
        "w" => 168.0,
        _ => return None,
    };
    (n >= 0.0).then_some(n * per)
}

#[cfg(test)]
mod tests {
    use super::parse_hours;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_hours("36h"), Some(36.0));
        assert_eq!(parse_hours("2d"), Some(48.0));
        assert_eq!(parse_hours("90m"), Some(1.5));
        assert_eq!(parse_hours("1w"), Some(168.0));
        assert_eq!(parse_hours("2"), None);
        assert_eq!(parse_hours("2 days"), None);
        assert_eq!(parse_hours("h"), None);
    }
}
