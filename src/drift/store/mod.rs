//! The state store: the runs of every scope (a cluster, an account and region, a Docker
//! host, a set of files), their counts, each resource's digest and body, and the fingerprint of
//! every failing or waived finding, so the next run reports drift and what is new.
//!
//! Two backends behind one type, with the same schema, migrations, retention and semantics:
//! SQLite (`sqlite.rs`), an embedded file and the default; and PostgreSQL (`postgres.rs`),
//! chosen by a `postgres://` location, the shared store of a fleet. Callers hold a [`Store`]
//! and never learn which one it is; the tests in `tests/drift.rs` run against both.

pub mod pack;
mod postgres;
mod sqlite;

use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

pub use postgres::redact as redact_location;

/// Where the state store is: a file, or a PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file.
    File(PathBuf),
    /// A `postgres://` or `postgresql://` URL (libpq's form; `PG*` variables and the password
    /// file fill what it leaves out).
    Postgres(String),
}

impl Location {
    /// Reads a `--state` value: a PostgreSQL URL or a path.
    pub fn parse(given: &std::ffi::OsStr) -> Location {
        match given.to_str() {
            Some(s) if is_postgres_url(s) => Location::Postgres(s.to_string()),
            _ => Location::File(PathBuf::from(given)),
        }
    }

    /// The location as messages name it: a path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => redact_location(url),
        }
    }

    /// True when the location exists or may: a file that is there, or any server (only
    /// connecting tells).
    pub fn may_exist(&self) -> bool {
        match self {
            Location::File(p) => p.exists(),
            Location::Postgres(_) => true,
        }
    }
}

fn is_postgres_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The schema version this build writes (both backends migrate in the same steps).
pub const SCHEMA_VERSION: i64 = sqlite::MIGRATIONS.len() as i64;

/// A state store problem.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A judged resource reached the store without the body it records (a bug: the pipeline
    /// keeps bodies whenever a store is open).
    #[error(
        "internal error: {id} reached the state store without its body; the run is not recorded"
    )]
    NoBody {
        /// The resource.
        id: String,
    },
    /// The directory or file cannot be created or opened.
    #[error("state store {path}: cannot open: {message}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// Not a SQLite database, or damaged.
    #[error(
        "state store {path} is not a healthy plimsoll state database ({message}); move it aside to start a new history, or run with --no-state"
    )]
    Corrupt {
        /// The file.
        path: String,
        /// SQLite's message.
        message: String,
    },
    /// Written by a newer Plimsoll.
    #[error(
        "state store {path} has schema version {found}, newer than this plimsoll understands ({SCHEMA_VERSION}); upgrade plimsoll or use another --state"
    )]
    Newer {
        /// The file.
        path: String,
        /// Its version.
        found: i64,
    },
    /// Another run holds the write lock for longer than the wait.
    #[error(
        "state store {path} is locked by another plimsoll run (waited {waited:?}); retry, or raise --state-wait"
    )]
    Locked {
        /// The file.
        path: String,
        /// How long this run waited.
        waited: Duration,
    },
    /// Any other SQLite error.
    #[error("state store {path}: {message}")]
    Sqlite {
        /// The file.
        path: String,
        /// SQLite's message.
        message: String,
    },
    /// The PostgreSQL server could not be reached, or the connection broke (the network, a
    /// server shutting down). `path` is the location without its password.
    #[error("state store {path}: cannot connect: {message}")]
    Unreachable {
        /// The location, password removed.
        path: String,
        /// Why (the network's or the server's message).
        message: String,
    },
    /// The PostgreSQL server refused the connection (authentication, TLS, no such
    /// database): a configuration to fix, not an outage to wait out.
    #[error("state store {path}: cannot connect: {message}")]
    Refused {
        /// The location, password removed.
        path: String,
        /// The server's or the TLS library's message.
        message: String,
    },
    /// Any other PostgreSQL error (a query failed, the connection broke mid-run).
    #[error("state store {path}: {message}")]
    Postgres {
        /// The location, password removed.
        path: String,
        /// The server's message.
        message: String,
    },
    /// The run was ready to commit when its reports failed: nothing was recorded.
    #[error("state store {path}: the run was not recorded: its reports could not be written")]
    Abandoned {
        /// The store.
        path: String,
    },
    /// A `--state` value that names no store.
    #[error("--state {given}: {message}")]
    Location {
        /// What was given (password removed).
        given: String,
        /// What is wrong with it.
        message: String,
    },
}

impl StoreError {
    /// True when the store could not be reached, or went away mid-run: the run is kept in
    /// the spool for later delivery. Refusals (authentication, TLS, a bad location), a
    /// damaged or newer store and a lock held too long are not: retrying would not help.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, StoreError::Unreachable { .. })
    }
}

/// A recorded run.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// Run id (increasing).
    pub id: i64,
    /// Scope key.
    pub scope: String,
    /// When the scan started (RFC 3339).
    pub started_at: String,
    /// Tool version.
    pub tool_version: String,
    /// Digest of the selected checks' sources.
    pub policy_digest: String,
    /// Resources scanned.
    pub resources: i64,
    /// Passing evaluations.
    pub passed: i64,
    /// FAIL findings.
    pub failed: i64,
    /// WAIVED findings.
    pub waived: i64,
    /// NOT_ASSESSED findings.
    pub not_assessed: i64,
    /// Policy errors.
    pub errors: i64,
    /// FAIL findings per severity.
    pub failed_by_severity: serde_json::Value,
    /// A random key unique to the run: a run delivered twice (from the spool, after the
    /// store died between committing and answering) is recorded once. Empty for runs
    /// recorded before it existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run_key: String,
    /// The name of the run's finding set (empty for runs recorded before sets): a run whose
    /// findings have the same name is unchanged, so nothing of the earlier run is read.
    #[serde(skip)]
    pub finding_set: String,
}

/// A new random run key (128 bits, hex).
pub fn new_run_key() -> String {
    let mut b = [0u8; 16];
    // Without the operating system's randomness, the time and process id still tell runs
    // apart (a key only has to be unique, not secret).
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b = (t ^ (u128::from(std::process::id()) << 96)).to_be_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A finding as stored.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFinding {
    /// Check id.
    pub check_id: String,
    /// Resource id.
    pub resource_id: String,
    /// Severity name.
    pub severity: String,
    /// FAIL or WAIVED.
    pub status: String,
    /// Message.
    pub message: String,
    /// When first seen (RFC 3339).
    pub first_seen: String,
}

impl StoredFinding {
    /// A digest of the finding's text, its severity and message (its check and resource are
    /// in its fingerprint): a finding whose text is unchanged is not written again.
    pub fn text_hash(&self) -> String {
        crate::finding::Fingerprint(text_hash(&self.severity, &self.message)).to_string()
    }
}

/// [`StoredFinding::text_hash`] of the parts, as a number.
pub fn text_hash(severity: &str, message: &str) -> u64 {
    crate::finding::Fingerprint::of(&[severity, message]).0
}

/// What a run records (and what the spool keeps of a run the store could not take).
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRun {
    /// The run's scope, counts and metadata.
    pub record: RunRecord,
    /// Sources (JSON).
    pub sources: String,
    /// (resource id, kind, digest, body JSON): the body only where the store may not hold it
    /// yet (a resource new or changed since the previous run of the scope).
    pub resources: Vec<(String, String, String, Option<crate::snapshot::Body>)>,
    /// (fingerprint, finding): the findings whose text the store does not hold yet (new to
    /// the scope, or changed); every finding in runs the spool keeps.
    pub findings: Vec<(String, StoredFinding)>,
    /// The same texts already packed, as the comparison writes them (then `findings` is
    /// empty): never in the spool, which keeps `findings`.
    #[serde(skip)]
    pub texts: Option<pack::Given>,
    /// The run's finding set as the comparison built it: recorded as it is when the run it
    /// was compared with is still the scope's latest (else planned again from its statuses).
    #[serde(skip)]
    pub built: Option<pack::Built>,
    /// Every failing or waived finding of the run: fingerprint, status and text digest;
    /// empty when `built` holds them (decoded when needed), and in runs spooled before it
    /// existed or with `built` (then `findings` has them all).
    #[serde(default)]
    pub statuses: Vec<FindingStatus>,
    /// Runs to keep for this scope, this one included.
    pub keep: usize,
    /// The benchmark controls' statuses, when the run was scanned with `--benchmark`.
    #[serde(default)]
    pub controls: Vec<ControlStatus>,
}

/// A run's resources and findings as the store records them: one row per key, and each set
/// named by a digest of its content, so a run whose resources (or findings) are those of an
/// earlier run of the scope refers to that set instead of storing it again.
pub(crate) struct Sets<'a> {
    /// (resource id, kind, digest, body), one per id (the last given), by id.
    pub(crate) resources: Vec<&'a (String, String, String, Option<crate::snapshot::Body>)>,
    /// The digest of the resources' (id, kind, digest).
    pub(crate) resource_set: String,
    /// One per fingerprint (the first given), by fingerprint ([`Sets::statuses`]): read from
    /// the set the comparison built only when asked for (a record writing that set does not
    /// need them: 200,000 of them were decoded for nothing).
    statuses: std::cell::OnceCell<std::borrow::Cow<'a, [FindingStatus]>>,
    /// The set the comparison built, which holds them when the run does not.
    built: Option<&'a pack::Built>,
    /// The digest of the findings' (fingerprint, status, text digest).
    pub(crate) finding_set: String,
    /// (fingerprint, finding) texts the run gives, one per fingerprint (the last given).
    pub(crate) definitions: Vec<(u64, &'a StoredFinding)>,
}

impl NewRun {
    /// How many of its benchmark controls have `status` (PASS, FAIL).
    pub fn control_count(&self, status: &str) -> i64 {
        self.controls.iter().filter(|c| c.status == status).count() as i64
    }

    /// The run's sets (see [`Sets`]).
    pub(crate) fn sets(&self) -> Sets<'_> {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut res: Vec<&(String, String, String, Option<crate::snapshot::Body>)> = Vec::new();
        for row in &self.resources {
            match by_id.get(row.0.as_str()) {
                Some(&i) => res[i] = row,
                None => {
                    by_id.insert(&row.0, res.len());
                    res.push(row);
                }
            }
        }
        res.sort_by(|a, b| a.0.cmp(&b.0));
        // Not one Plimsoll wrote: its text is left out (the finding then has none).
        let mut definitions: Vec<(u64, &StoredFinding)> = self
            .findings
            .iter()
            .filter_map(|(fp, f)| crate::finding::Fingerprint::parse(fp).map(|p| (p.0, f)))
            .collect();
        // The last given of each fingerprint: reversed, a stable sort keeps it first.
        definitions.reverse();
        definitions.sort_by_key(|d| d.0);
        definitions.dedup_by_key(|d| d.0);
        // As the comparison gives them (sorted, one per fingerprint), borrowed; else sorted
        // here. Runs spooled before `statuses` existed have every finding in `findings`.
        let increasing =
            |v: &[FindingStatus]| v.windows(2).all(|w| w[0].fingerprint < w[1].fingerprint);
        // The set the comparison built holds them, when it built one (and named it).
        let built = self
            .built
            .as_ref()
            .filter(|_| self.statuses.is_empty() && !self.record.finding_set.is_empty());
        let marks: std::borrow::Cow<'_, [FindingStatus]> = match self.statuses.is_empty() {
            true if built.is_some() => std::borrow::Cow::Borrowed(&[]),
            false if increasing(&self.statuses) => std::borrow::Cow::Borrowed(&self.statuses),
            empty => {
                let mut v: Vec<FindingStatus> = match empty {
                    false => self.statuses.clone(),
                    true => self
                        .findings
                        .iter()
                        .filter_map(|(fp, f)| {
                            let Some(parsed) = crate::finding::Fingerprint::parse(fp) else {
                                // Not one Plimsoll wrote: left out of the set (it reads as new
                                // next time rather than being lost unseen).
                                tracing::warn!(
                                    "spooled finding with a malformed fingerprint {fp:?} left out"
                                );
                                return None;
                            };
                            Some(FindingStatus {
                                fingerprint: parsed.0,
                                failing: f.status == "FAIL",
                                text: text_hash(&f.severity, &f.message),
                            })
                        })
                        .collect(),
                };
                // The first given of each fingerprint (a stable sort keeps the order given).
                v.sort_by_key(|m| m.fingerprint);
                v.dedup_by_key(|m| m.fingerprint);
                std::borrow::Cow::Owned(v)
            }
        };
        let resource_set = set_name(&mut res.iter().map(|r| [r.0.as_str(), &r.1, &r.2]));
        // Named by the comparison that built the statuses; a spooled run (the name is not
        // kept in the spool) is named again from them.
        let finding_set = match self.record.finding_set.is_empty() {
            true => finding_set_name(&marks),
            false => self.record.finding_set.clone(),
        };
        let statuses = std::cell::OnceCell::new();
        if built.is_none() {
            let _ = statuses.set(marks);
        }
        Sets {
            resources: res,
            resource_set,
            statuses,
            built,
            finding_set,
            definitions,
        }
    }
}

impl Sets<'_> {
    /// The run's findings' statuses, one per fingerprint, by fingerprint.
    pub(crate) fn statuses(&self) -> &[FindingStatus] {
        self.statuses.get_or_init(|| {
            std::borrow::Cow::Owned(self.built.iter().flat_map(|b| b.statuses()).collect())
        })
    }
}

/// A failing or waived finding of a run as its set records it. Written as three texts (hex
/// fingerprint, `FAIL` or `WAIVED`, hex text digest), as the store and the spool hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(
    into = "(String, String, String)",
    try_from = "(String, String, String)"
)]
pub struct FindingStatus {
    /// The finding's fingerprint.
    pub fingerprint: u64,
    /// FAIL, else WAIVED.
    pub failing: bool,
    /// The digest of its text ([`StoredFinding::text_hash`]).
    pub text: u64,
}

impl FindingStatus {
    /// `FAIL` or `WAIVED`.
    pub fn status(&self) -> &'static str {
        match self.failing {
            true => "FAIL",
            false => "WAIVED",
        }
    }
}

impl From<FindingStatus> for (String, String, String) {
    fn from(s: FindingStatus) -> Self {
        (
            crate::finding::Fingerprint(s.fingerprint).to_string(),
            s.status().to_string(),
            crate::finding::Fingerprint(s.text).to_string(),
        )
    }
}

impl TryFrom<(String, String, String)> for FindingStatus {
    type Error = String;
    fn try_from((fp, status, text): (String, String, String)) -> Result<Self, String> {
        let parse = |h: &str| {
            crate::finding::Fingerprint::parse(h)
                .map(|f| f.0)
                .ok_or_else(|| format!("not a fingerprint: {h:?}"))
        };
        let failing = match status.as_str() {
            "FAIL" => true,
            "WAIVED" => false,
            other => return Err(format!("not a finding status: {other:?}")),
        };
        Ok(FindingStatus {
            fingerprint: parse(&fp)?,
            failing,
            text: parse(&text)?,
        })
    }
}

/// The name of a finding set (sorted by fingerprint, one each): [`set_name`] of the rows'
/// three texts, written into one buffer rather than three strings a row.
pub(crate) fn finding_set_name(sorted: &[FindingStatus]) -> String {
    finding_set_name_of(sorted.iter().copied())
}

/// [`finding_set_name`] of rows given one at a time (sorted, one per fingerprint).
pub(crate) fn finding_set_name_of(sorted: impl Iterator<Item = FindingStatus>) -> String {
    use sha2::Digest;
    // Each row as `{fingerprint:016x}\0{status}\0{text:016x}\0`, hex written by hand: a
    // formatter call per row was a third of an unchanged run's comparison.
    fn hex(out: &mut [u8], n: u64) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in out.iter_mut().enumerate() {
            *b = DIGITS[((n >> ((15 - i) * 4)) & 0xf) as usize];
        }
    }
    let mut h = sha2::Sha256::new();
    let mut buf = Vec::with_capacity(64 * 1024);
    for m in sorted {
        let m = &m;
        let mut row = [0u8; 16 + 1 + 6 + 1 + 16 + 1];
        hex(&mut row[..16], m.fingerprint);
        let status = m.status().as_bytes();
        let s_end = 17 + status.len();
        row[17..s_end].copy_from_slice(status);
        hex(&mut row[s_end + 1..s_end + 17], m.text);
        let end = s_end + 18;
        buf.extend_from_slice(&row[..end]);
        if buf.len() > 60 * 1024 {
            h.update(&buf);
            buf.clear();
        }
    }
    h.update(&buf);
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// The name of a set: SHA-256 of its rows, not the 64-bit fingerprint: two different sets
/// sharing a name would make a changed cluster read as unchanged.
pub(crate) fn set_name(rows: &mut dyn Iterator<Item = [&str; 3]>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for row in rows {
        for s in row {
            h.update(s.as_bytes());
            h.update([0u8]);
        }
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// One benchmark control's status in a run.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlStatus {
    /// Benchmark id.
    pub benchmark: String,
    /// Control number.
    pub control: String,
    /// Control title.
    pub title: String,
    /// PASS, FAIL, MANUAL or NOT_ASSESSED.
    pub status: String,
}

/// A value in a row of [`Store::rows`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// NULL (or a type the fleet queries never produce).
    Null,
}

impl Cell {
    /// The integer, or 0.
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(i) => *i,
            _ => 0,
        }
    }

    /// The integer, if any.
    pub fn opt_int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The text, or "".
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(t) => t,
            _ => "",
        }
    }
}

/// An open store.
pub enum Store {
    /// A SQLite file.
    Sqlite(sqlite::Sqlite),
    /// A PostgreSQL database.
    Postgres(postgres::Postgres),
}

impl Store {
    /// Opens (creating if needed) the store, upgrading its schema; waits up to `wait` for
    /// another writer (and, for PostgreSQL, for the connection).
    pub fn open(at: &Location, wait: Duration) -> Result<Store, StoreError> {
        match at {
            Location::File(path) => sqlite::Sqlite::open(path, wait).map(Store::Sqlite),
            Location::Postgres(url) => postgres::Postgres::open(url, wait).map(Store::Postgres),
        }
    }

    /// Opens the store for reading only (`plimsoll history`). None when its schema is older
    /// than this Plimsoll's: reading it needs the upgrade `open` does.
    pub fn open_read_only(at: &Location, wait: Duration) -> Result<Option<Store>, StoreError> {
        match at {
            Location::File(path) => {
                sqlite::Sqlite::open_read_only(path, wait).map(|s| s.map(Store::Sqlite))
            }
            Location::Postgres(url) => {
                postgres::Postgres::open_read_only(url, wait).map(|s| s.map(Store::Postgres))
            }
        }
    }

    /// The latest run of `scope`.
    pub fn previous_run(&self, scope: &str) -> Result<Option<RunRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.previous_run(scope),
            Store::Postgres(s) => s.previous_run(scope),
        }
    }

    /// Runs, newest first, optionally of scopes containing `scope`.
    pub fn history(&self, scope: Option<&str>, limit: usize) -> Result<Vec<RunRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.history(scope, limit),
            Store::Postgres(s) => s.history(scope, limit),
        }
    }

    /// The run with this id.
    pub fn run(&self, id: i64) -> Result<Option<RunRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.run_record(id),
            Store::Postgres(s) => s.run_record(id),
        }
    }

    /// The findings of a run with their texts, by fingerprint.
    pub fn findings(&self, run: i64) -> Result<HashMap<String, StoredFinding>, StoreError> {
        let Some(record) = self.run(run)? else {
            return Ok(HashMap::new());
        };
        let marks = self.marks(&record)?;
        let all: Vec<u64> = marks.rows.iter().map(|r| r.fingerprint).collect();
        Ok(self
            .texts(&record.scope, &marks, &all)?
            .into_iter()
            .map(|(fp, f)| (crate::finding::Fingerprint(fp).to_string(), f))
            .collect())
    }

    /// What `run` knew of each of its failing and waived findings: status, first seen, text
    /// digest and where its text is (no text).
    pub fn marks(&self, run: &RunRecord) -> Result<pack::Marks, StoreError> {
        let found = match self {
            Store::Sqlite(s) => s.set_marks(&run.scope, &run.finding_set)?,
            Store::Postgres(s) => s.set_marks(&run.scope, &run.finding_set)?,
        };
        match found {
            Some(decoded) => decoded.map_err(|e| self.damaged(&run.scope, e)),
            None => Err(StoreError::Corrupt {
                path: self.path().to_string(),
                message: format!(
                    "run {} of {} refers to finding set {}, which it does not hold",
                    run.id, run.scope, run.finding_set
                ),
            }),
        }
    }

    /// The texts of `wanted` (fingerprints of `marks`, a set of `scope`).
    pub fn texts(
        &self,
        scope: &str,
        marks: &pack::Marks,
        wanted: &[u64],
    ) -> Result<HashMap<u64, StoredFinding>, StoreError> {
        let names = pack::packs_for(marks, wanted);
        if names.is_empty() {
            return Ok(HashMap::new());
        }
        let mut found = pack::Found::new(marks, wanted);
        match self {
            Store::Sqlite(s) => s.find_texts(scope, &names, &mut found)?,
            Store::Postgres(s) => s.find_texts(scope, &names, &mut found)?,
        }
        Ok(found.out)
    }

    fn damaged(&self, scope: &str, e: pack::PackError) -> StoreError {
        StoreError::Corrupt {
            path: self.path().to_string(),
            message: format!("the findings of {scope}: {e}"),
        }
    }

    /// The resources of a run: id -> (kind, digest).
    pub fn resources(&self, run: i64) -> Result<HashMap<String, (String, String)>, StoreError> {
        match self {
            Store::Sqlite(s) => s.resources(run),
            Store::Postgres(s) => s.resources(run),
        }
    }

    /// The stored bodies of `digests` (of the scope's runs), by digest; a digest the store
    /// does not hold is absent. One query, not one per resource: against a server each is a
    /// round trip.
    pub fn bodies(
        &self,
        scope: &str,
        digests: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.bodies(digests),
            Store::Postgres(s) => s.bodies(scope, digests),
        }
    }

    /// Records a run (its content, then the run) and prunes the scope to `keep` runs. Returns
    /// the run id.
    pub fn record(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        self.record_when(run, &|| true)
    }

    /// Records a run as [`Store::record`] does, committing only if `go` says so when the
    /// transaction is ready (it may wait: the scan writes its reports meanwhile); otherwise the
    /// transaction is rolled back and nothing is recorded.
    pub fn record_when(&mut self, run: &NewRun, go: &dyn Fn() -> bool) -> Result<i64, StoreError> {
        match self {
            Store::Sqlite(s) => s.record(run, go),
            Store::Postgres(s) => s.record(run, go),
        }
    }

    /// The rows of a read-only query written in the SQL both backends share (no parameters:
    /// the fleet view's queries only interpolate integers they produced).
    pub fn rows(&self, sql: &str) -> Result<Vec<Vec<Cell>>, StoreError> {
        match self {
            Store::Sqlite(s) => s.rows(sql),
            Store::Postgres(s) => s.rows(sql),
        }
    }

    /// The store as messages name it: the file, or the URL without its password.
    pub fn path(&self) -> &str {
        match self {
            Store::Sqlite(s) => s.path(),
            Store::Postgres(s) => s.path(),
        }
    }
}

/// The PostgreSQL migrations' SQL, in order: the upgrade test builds an older schema with
/// them (tests/drift.rs).
#[doc(hidden)]
pub fn postgres_migrations() -> &'static [&'static str] {
    postgres::MIGRATIONS
}

/// The default store: `$XDG_STATE_HOME/plimsoll/state.db`, or `~/.local/state/plimsoll/state.db`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("plimsoll").join("state.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_sets_keep_their_names() {
        // The name written by hand must be the one a formatter wrote (stores hold such
        // names: a new name would make every unchanged run read as changed once).
        let rows = [
            FindingStatus {
                fingerprint: 0x0123_4567_89ab_cdef,
                failing: true,
                text: 7,
            },
            FindingStatus {
                fingerprint: u64::MAX,
                failing: false,
                text: 0,
            },
        ];
        let mut expected = Vec::new();
        for m in &rows {
            expected.extend_from_slice(
                format!("{:016x}\0{}\0{:016x}\0", m.fingerprint, m.status(), m.text).as_bytes(),
            );
        }
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(&expected)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(finding_set_name(&rows), digest);
        // Many rows cross the buffer's flush: still the digest of all of them.
        let many: Vec<FindingStatus> = (0..5000)
            .map(|i| FindingStatus {
                fingerprint: i,
                failing: i % 3 == 0,
                text: i * 31,
            })
            .collect();
        let mut all = Vec::new();
        for m in &many {
            all.extend_from_slice(
                format!("{:016x}\0{}\0{:016x}\0", m.fingerprint, m.status(), m.text).as_bytes(),
            );
        }
        let digest: String = sha2::Sha256::digest(&all)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(finding_set_name(&many), digest);
    }
}
