//! The embedded backend of the state store: one SQLite file (rusqlite, bundled SQLite) holding
//! the runs of every scope: run metadata and counts, each resource's digest (bodies stored once
//! per distinct digest, so an unchanged cluster costs a row per resource, not a copy), and the
//! fingerprint of every failing or waived finding (its text and first-seen time stored once per
//! scope).
//!
//! Integrity: a run is recorded in one `BEGIN IMMEDIATE` transaction, so a process killed
//! mid-write leaves the previous state intact (SQLite's journal rolls the partial write back on
//! the next open), and a second writer waits for the first (busy timeout) or fails with a
//! clear message. WAL mode lets readers proceed meanwhile. The schema is versioned with
//! `PRAGMA user_version` and upgraded by ordered migrations; a store written by a newer
//! Plimsoll, or a file that is not a healthy SQLite database, is an error, never treated as
//! empty.

use super::{NewRun, RunRecord, SCHEMA_VERSION, StoreError, StoredFinding};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// Migrations, in order; `user_version` is the number applied. Never edit one that shipped:
/// add another, and its counterpart in `postgres.rs` (a unit test holds the counts equal).
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: runs, resources, bodies, findings.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL,
        started_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        policy_digest TEXT NOT NULL,
        sources TEXT NOT NULL,
        resources INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        waived INTEGER NOT NULL,
        not_assessed INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        failed_by_severity TEXT NOT NULL
    );
    CREATE INDEX runs_by_scope ON runs(scope, id);
    CREATE TABLE run_resources (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id)
    ) WITHOUT ROWID;
    CREATE INDEX run_resources_by_digest ON run_resources(digest);
    CREATE TABLE bodies (
        digest TEXT PRIMARY KEY,
        body TEXT NOT NULL
    ) WITHOUT ROWID;
    -- One row per finding ever seen in a scope (its text stored once), and per run only
    -- which fingerprints it had: a nightly run of 20,000 findings adds under 1 MB.
    CREATE TABLE findings (
        scope TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        check_id TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (scope, fingerprint)
    ) WITHOUT ROWID;
    CREATE TABLE run_findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (run_id, fingerprint)
    ) WITHOUT ROWID;",
    // 2: a random key per run, so a run delivered twice from the spool is recorded once.
    "ALTER TABLE runs ADD COLUMN run_key TEXT;
    CREATE UNIQUE INDEX runs_by_key ON runs (run_key);",
    // 3: the benchmark controls' statuses of a run scanned with --benchmark, for the fleet
    // view (pass rate, failing controls, control x scope).
    "CREATE TABLE run_controls (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        benchmark TEXT NOT NULL,
        control_id TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (run_id, benchmark, control_id)
    ) WITHOUT ROWID;",
    // 4: resource and finding sets, stored once per scope and named by a digest of their
    // content: an unchanged run refers to its predecessor's sets (a runs row, not a row per
    // resource and per finding). Runs recorded before keep their run_resources and
    // run_findings rows; the views read both.
    "ALTER TABLE runs ADD COLUMN resource_set TEXT;
    ALTER TABLE runs ADD COLUMN finding_set TEXT;
    CREATE TABLE set_resources (
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (scope, set_digest, resource_id)
    ) WITHOUT ROWID;
    CREATE INDEX set_resources_by_digest ON set_resources (digest);
    CREATE TABLE set_findings (
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scope, set_digest, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX set_findings_by_fingerprint ON set_findings (scope, fingerprint);
    CREATE VIEW all_run_resources AS
        SELECT run_id, resource_id, kind, digest FROM run_resources
        UNION ALL
        SELECT r.id, s.resource_id, s.kind, s.digest FROM runs r
        JOIN set_resources s ON s.scope = r.scope AND s.set_digest = r.resource_set;
    CREATE VIEW all_run_findings AS
        SELECT run_id, fingerprint, status FROM run_findings
        UNION ALL
        SELECT r.id, s.fingerprint, s.status FROM runs r
        JOIN set_findings s ON s.scope = r.scope AND s.set_digest = r.finding_set;",
    // 5: a digest of each finding's text, so a run compares and writes only the findings
    // whose text is new or changed, not every finding's text each time.
    "ALTER TABLE findings ADD COLUMN text_hash TEXT;
    CREATE INDEX findings_by_first_seen ON findings (scope, first_seen);",
];

/// An open SQLite store.
pub struct Sqlite {
    conn: Connection,
    path: String,
    wait: Duration,
}

impl Sqlite {
    /// Opens (creating if needed) the store at `path`, upgrading its schema; waits up to
    /// `wait` for another writer.
    pub fn open(path: &Path, wait: Duration) -> Result<Sqlite, StoreError> {
        let name = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: name.clone(),
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: name.clone(),
            message: e.to_string(),
        })?;
        let mut store = Sqlite {
            conn,
            path: name,
            wait,
        };
        store.conn.busy_timeout(wait).map_err(|e| store.error(e))?;
        // The first read of the header tells a non-database file apart.
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.error(e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: store.path.clone(),
                found: version,
            });
        }
        store
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| store.error(e))?;
        store
            .conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| store.error(e))?;
        store.migrate(version)?;
        Ok(store)
    }

    /// Opens the store for reading only (`plimsoll history`): a store the user may read but
    /// not write (a shared directory, another user's runs) is listed all the same. None when
    /// its schema is older than this Plimsoll's: reading it needs the upgrade `open` does.
    pub fn open_read_only(path: &Path, wait: Duration) -> Result<Option<Sqlite>, StoreError> {
        let name = path.display().to_string();
        let open = |uri: String| {
            Connection::open_with_flags(
                uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        };
        let uri = |extra: &str| {
            let mut u = String::from("file:");
            for b in path.as_os_str().as_encoded_bytes() {
                match b {
                    b'?' | b'#' | b'%' => u.push_str(&format!("%{b:02X}")),
                    _ => u.push(*b as char),
                }
            }
            format!("{u}?mode=ro{extra}")
        };
        let version_of = |conn: &Connection| -> rusqlite::Result<i64> {
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        };
        // A WAL database opened read-only needs its -shm file, which a reader without write
        // access to the directory cannot create: then it is read as immutable (this reader
        // takes no lock; a run writing at that moment is simply not seen).
        let (conn, version) = match open(uri("")).and_then(|c| version_of(&c).map(|v| (c, v))) {
            Ok(found) => found,
            Err(_) => {
                let conn = open(uri("&immutable=1")).map_err(|e| StoreError::Open {
                    path: name.clone(),
                    message: e.to_string(),
                })?;
                let v = version_of(&conn).map_err(|e| classify(&name, wait, e))?;
                (conn, v)
            }
        };
        if version > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: name,
                found: version,
            });
        }
        if version < SCHEMA_VERSION {
            return Ok(None);
        }
        let store = Sqlite {
            conn,
            path: name,
            wait,
        };
        store.conn.busy_timeout(wait).map_err(|e| store.error(e))?;
        Ok(Some(store))
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, self.wait, e)
    }

    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| classify(&path, wait, e);
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err)?;
            // Another process may have migrated while this one waited for the lock.
            let now: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(err)?;
            if now > i as i64 {
                continue;
            }
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(())
    }

    /// The latest run of `scope`.
    pub fn previous_run(&self, scope: &str) -> Result<Option<RunRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{SELECT_RUN} WHERE scope = ?1 ORDER BY id DESC LIMIT 1"
            ))
            .map_err(|e| self.error(e))?;
        stmt.query_row(params![scope], run_from_row)
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Runs, newest first, optionally of scopes containing `scope`.
    pub fn history(&self, scope: Option<&str>, limit: usize) -> Result<Vec<RunRecord>, StoreError> {
        let pattern = format!("%{}%", scope.unwrap_or(""));
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{SELECT_RUN} WHERE scope LIKE ?1 ESCAPE '\\' ORDER BY id DESC LIMIT ?2"
            ))
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![pattern, limit as i64], run_from_row)
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))
    }

    /// The findings of a run, by fingerprint.
    pub fn findings(&self, run: i64) -> Result<HashMap<String, StoredFinding>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT rf.fingerprint, f.check_id, f.resource_id, f.severity, rf.status,
                        f.message, f.first_seen
                 FROM all_run_findings rf
                 JOIN runs r ON r.id = rf.run_id
                 JOIN findings f ON f.scope = r.scope AND f.fingerprint = rf.fingerprint
                 WHERE rf.run_id = ?1",
            )
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    StoredFinding {
                        check_id: r.get(1)?,
                        resource_id: r.get(2)?,
                        severity: r.get(3)?,
                        status: r.get(4)?,
                        message: r.get(5)?,
                        first_seen: r.get(6)?,
                    },
                ))
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<HashMap<_, _>, _>>()
            .map_err(|e| self.error(e))
    }

    /// `Store::marks`.
    pub fn marks(&self, run: i64) -> Result<HashMap<u64, super::Mark>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT rf.fingerprint, rf.status, f.first_seen, f.text_hash
                 FROM all_run_findings rf
                 JOIN runs r ON r.id = rf.run_id
                 JOIN findings f ON f.scope = r.scope AND f.fingerprint = rf.fingerprint
                 WHERE rf.run_id = ?1",
            )
            .map_err(|e| self.error(e))?;
        let mut times: HashMap<String, std::sync::Arc<str>> = HashMap::new();
        let mut out = HashMap::new();
        let mut rows = stmt.query(params![run]).map_err(|e| self.error(e))?;
        while let Some(r) = rows.next().map_err(|e| self.error(e))? {
            let time: String = r.get(2).map_err(|e| self.error(e))?;
            let first_seen = times
                .entry(time)
                .or_insert_with_key(|t| t.as_str().into())
                .clone();
            let status: String = r.get(1).map_err(|e| self.error(e))?;
            let fp: String = r.get(0).map_err(|e| self.error(e))?;
            let Some(fp) = crate::finding::Fingerprint::parse(&fp) else {
                continue;
            };
            out.insert(
                fp.0,
                super::Mark {
                    failing: status == "FAIL",
                    first_seen,
                    text_hash: r
                        .get::<_, Option<String>>(3)
                        .map_err(|e| self.error(e))?
                        .and_then(|h| crate::finding::Fingerprint::parse(&h))
                        .map(|h| h.0),
                },
            );
        }
        Ok(out)
    }

    /// `Store::first_seen`: (time, fingerprints joined by commas).
    pub fn first_seen(&self, scope: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT first_seen, group_concat(fingerprint, ',') FROM findings
                 WHERE scope = ?1 GROUP BY first_seen",
            )
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![scope], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))
    }

    /// `Store::definitions`.
    pub fn definitions(
        &self,
        scope: &str,
        fingerprints: &[&str],
    ) -> Result<HashMap<String, StoredFinding>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT check_id, resource_id, severity, message, first_seen FROM findings
                 WHERE scope = ?1 AND fingerprint = ?2",
            )
            .map_err(|e| self.error(e))?;
        let mut out = HashMap::with_capacity(fingerprints.len());
        for fp in fingerprints {
            let found = stmt
                .query_row(params![scope, fp], |r| {
                    Ok(StoredFinding {
                        check_id: r.get(0)?,
                        resource_id: r.get(1)?,
                        severity: r.get(2)?,
                        status: "FAIL".into(),
                        message: r.get(3)?,
                        first_seen: r.get(4)?,
                    })
                })
                .optional()
                .map_err(|e| self.error(e))?;
            if let Some(f) = found {
                out.insert(fp.to_string(), f);
            }
        }
        Ok(out)
    }

    /// The resources of a run: id -> (kind, digest).
    pub fn resources(&self, run: i64) -> Result<HashMap<String, (String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT resource_id, kind, digest FROM all_run_resources WHERE run_id = ?1")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params![run], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<HashMap<_, _>, _>>()
            .map_err(|e| self.error(e))
    }

    /// The stored bodies of `digests`, by digest (a local file: one prepared lookup each).
    pub fn bodies(&self, digests: &[&str]) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM bodies WHERE digest = ?1")
            .map_err(|e| self.error(e))?;
        let mut out = HashMap::with_capacity(digests.len());
        for d in digests {
            let body: Option<String> = stmt
                .query_row(params![d], |r| r.get(0))
                .optional()
                .map_err(|e| self.error(e))?;
            if let Some(b) = body {
                out.insert(d.to_string(), b);
            }
        }
        Ok(out)
    }

    /// Records a run in one transaction and prunes the scope to `keep` runs. Returns the run id.
    pub fn record(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        let (path, wait) = (self.path.clone(), self.wait);
        let sql_err = |e| classify(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err)?;
        let r = &run.record;
        let scope = r.scope.as_str();
        // A run already recorded (delivered again from the spool) is not recorded twice.
        let key = (!r.run_key.is_empty()).then_some(r.run_key.as_str());
        if let Some(id) = tx
            .query_row(
                "SELECT id FROM runs WHERE run_key = ?1",
                params![key],
                |row| row.get::<_, i64>(0),
            )
            .optional()
            .map_err(sql_err)?
        {
            return Ok(id);
        }
        let sets = run.sets();
        tx.execute(
            "INSERT INTO runs (scope, started_at, recorded_at, tool_version, policy_digest, sources,
                 resources, passed, failed, waived, not_assessed, errors, failed_by_severity,
                 run_key, resource_set, finding_set)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                scope,
                r.started_at,
                crate::snapshot::now_rfc3339(),
                r.tool_version,
                r.policy_digest,
                run.sources,
                r.resources,
                r.passed,
                r.failed,
                r.waived,
                r.not_assessed,
                r.errors,
                r.failed_by_severity.to_string(),
                key,
                sets.resource_set,
                sets.finding_set,
            ],
        )
        .map_err(sql_err)?;
        let id = tx.last_insert_rowid();
        {
            // A set the scope already holds (an unchanged run) is referred to, not stored.
            let held = |table: &str, set: &str| -> rusqlite::Result<bool> {
                tx.query_row(
                    &format!(
                        "SELECT EXISTS (SELECT 1 FROM {table} WHERE scope = ?1 AND set_digest = ?2)"
                    ),
                    params![scope, set],
                    |row| row.get(0),
                )
            };
            if !held("set_resources", &sets.resource_set).map_err(sql_err)? {
                let mut body = tx
                    .prepare("INSERT OR IGNORE INTO bodies (digest, body) VALUES (?1, ?2)")
                    .map_err(sql_err)?;
                let mut res = tx
                    .prepare(
                        "INSERT INTO set_resources (scope, set_digest, resource_id, kind, digest)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .map_err(sql_err)?;
                for (rid, kind, digest, text) in sets.resources.iter().copied() {
                    // No body: the previous run of the scope had this digest, so it is held.
                    if let Some(text) = text {
                        body.execute(params![digest, text]).map_err(sql_err)?;
                    }
                    res.execute(params![scope, sets.resource_set, rid, kind, digest])
                        .map_err(sql_err)?;
                }
            }
            let mut def = tx
                .prepare(
                    "INSERT INTO findings
                     (scope, fingerprint, check_id, resource_id, severity, message, first_seen,
                      text_hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (scope, fingerprint) DO UPDATE SET
                       check_id = excluded.check_id, resource_id = excluded.resource_id,
                       severity = excluded.severity, message = excluded.message,
                       first_seen = excluded.first_seen, text_hash = excluded.text_hash
                     -- An unchanged finding is not rewritten: in PostgreSQL every update
                     -- leaves a dead row behind, and an unchanged re-run grew the store by
                     -- megabytes.
                     WHERE (findings.check_id, findings.resource_id, findings.severity,
                            findings.message, findings.first_seen, findings.text_hash)
                       IS NOT (excluded.check_id, excluded.resource_id, excluded.severity,
                            excluded.message, excluded.first_seen, excluded.text_hash)",
                )
                .map_err(sql_err)?;
            for (fp, f, hash) in &sets.definitions {
                def.execute(params![
                    scope,
                    fp,
                    f.check_id,
                    f.resource_id,
                    f.severity,
                    f.message,
                    f.first_seen,
                    hash
                ])
                .map_err(sql_err)?;
            }
            if !held("set_findings", &sets.finding_set).map_err(sql_err)? {
                let mut fin = tx
                    .prepare(
                        "INSERT INTO set_findings (scope, set_digest, fingerprint, status)
                         VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(sql_err)?;
                for m in &sets.statuses {
                    let fp = crate::finding::Fingerprint(m.fingerprint).to_string();
                    fin.execute(params![scope, sets.finding_set, fp, m.status()])
                        .map_err(sql_err)?;
                }
            }
            let mut ctl = tx
                .prepare(
                    "INSERT OR REPLACE INTO run_controls
                     (run_id, benchmark, control_id, title, status) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(sql_err)?;
            for c in &run.controls {
                ctl.execute(params![id, c.benchmark, c.control, c.title, c.status])
                    .map_err(sql_err)?;
            }
        }
        // Retention: the newest `keep` runs of the scope, then bodies no run refers to.
        let pruned = tx
            .execute(
                "DELETE FROM runs WHERE scope = ?1 AND id NOT IN
                   (SELECT id FROM runs WHERE scope = ?1 ORDER BY id DESC LIMIT ?2)",
                params![scope, run.keep.max(1) as i64],
            )
            .map_err(sql_err)?;
        // Then, when a run was pruned (nothing else leaves a set unreferenced), the scope's
        // sets no kept run refers to, then bodies and finding texts nothing refers to.
        if pruned > 0 {
            tx.execute(
                "DELETE FROM set_resources WHERE scope = ?1 AND set_digest NOT IN
                   (SELECT resource_set FROM runs WHERE scope = ?1 AND resource_set IS NOT NULL)",
                params![scope],
            )
            .map_err(sql_err)?;
            tx.execute(
                "DELETE FROM set_findings WHERE scope = ?1 AND set_digest NOT IN
                   (SELECT finding_set FROM runs WHERE scope = ?1 AND finding_set IS NOT NULL)",
                params![scope],
            )
            .map_err(sql_err)?;
            tx.execute(
                "DELETE FROM bodies WHERE NOT EXISTS
                   (SELECT 1 FROM run_resources WHERE run_resources.digest = bodies.digest)
                 AND NOT EXISTS (SELECT 1 FROM set_resources WHERE set_resources.digest = bodies.digest)",
                [],
            )
            .map_err(sql_err)?;
            tx.execute(
                "DELETE FROM findings WHERE scope = ?1 AND NOT EXISTS
                   (SELECT 1 FROM run_findings rf JOIN runs r ON r.id = rf.run_id
                    WHERE r.scope = findings.scope AND rf.fingerprint = findings.fingerprint)
                 AND NOT EXISTS (SELECT 1 FROM set_findings sf
                    WHERE sf.scope = findings.scope AND sf.fingerprint = findings.fingerprint)",
                params![scope],
            )
            .map_err(sql_err)?;
        }
        // Fault injection for the crash test (tests/drift.rs): hold the transaction open so a
        // test can kill the process mid-write.
        if let Some(ms) = std::env::var("PLIMSOLL_TEST_HOLD_STATE_WRITE_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            tracing::warn!("holding the state transaction for {ms} ms (test hook)");
            std::thread::sleep(Duration::from_millis(ms));
        }
        tx.commit().map_err(sql_err)?;
        Ok(id)
    }

    /// The rows of a read-only query (`Store::rows`).
    pub fn rows(&self, sql: &str) -> Result<Vec<Vec<super::Cell>>, StoreError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.error(e))?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Integer(v) => super::Cell::Int(v),
                            ValueRef::Text(t) => {
                                super::Cell::Text(String::from_utf8_lossy(t).into_owned())
                            }
                            _ => super::Cell::Null,
                        })
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))
    }

    /// The file.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Maps a SQLite error to what the user must do about it.
fn classify(path: &str, wait: Duration, e: rusqlite::Error) -> StoreError {
    let path = path.to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            message: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Locked { path, waited: wait }
        }
        _ => StoreError::Sqlite {
            path,
            message: e.to_string(),
        },
    }
}

const SELECT_RUN: &str = "SELECT id, scope, started_at, tool_version, policy_digest, resources,
    passed, failed, waived, not_assessed, errors, failed_by_severity, run_key, finding_set
    FROM runs";

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRecord> {
    let sev: String = r.get(11)?;
    Ok(RunRecord {
        id: r.get(0)?,
        scope: r.get(1)?,
        started_at: r.get(2)?,
        tool_version: r.get(3)?,
        policy_digest: r.get(4)?,
        resources: r.get(5)?,
        passed: r.get(6)?,
        failed: r.get(7)?,
        waived: r.get(8)?,
        not_assessed: r.get(9)?,
        errors: r.get(10)?,
        failed_by_severity: serde_json::from_str(&sev).unwrap_or_default(),
        run_key: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
        finding_set: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(scope: &str) -> RunRecord {
        RunRecord {
            id: 0,
            scope: scope.into(),
            started_at: "2026-11-22T00:00:00Z".into(),
            tool_version: "0".into(),
            policy_digest: "p".into(),
            resources: 1,
            passed: 0,
            failed: 1,
            waived: 0,
            not_assessed: 0,
            errors: 0,
            failed_by_severity: serde_json::json!({}),
            run_key: String::new(),
            finding_set: String::new(),
        }
    }

    fn run(rec: &RunRecord, digest: &str, keep: usize) -> NewRun {
        NewRun {
            record: rec.clone(),
            sources: "[]".into(),
            resources: vec![("r1".into(), "Pod".into(), digest.into(), Some("{}".into()))],
            findings: vec![(
                "00000000000000f0".into(),
                StoredFinding {
                    check_id: "C".into(),
                    resource_id: "r1".into(),
                    severity: "high".into(),
                    status: "FAIL".into(),
                    message: "m".into(),
                    first_seen: "t0".into(),
                },
            )],
            statuses: Vec::new(),
            keep,
            controls: Vec::new(),
        }
    }

    #[test]
    fn records_prunes_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.db");
        let mut s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        let rec = record("a");
        for i in 0..4 {
            s.record(&run(&rec, &format!("d{i}"), 3)).unwrap();
        }
        s.record(&run(&record("b"), "d9", 3)).unwrap();
        // The same run key twice: recorded once, the first id returned.
        let mut keyed = record("b");
        keyed.run_key = "k1".into();
        let first = s.record(&run(&keyed, "d9", 3)).unwrap();
        assert_eq!(s.record(&run(&keyed, "d9", 3)).unwrap(), first);
        assert_eq!(s.history(Some("b"), 100).unwrap().len(), 2);
        let hist = s.history(Some("a"), 100).unwrap();
        assert_eq!(hist.len(), 3, "pruned to keep");
        assert_eq!(hist[0].id, 4);
        // The pruned run's body is gone, the kept ones remain.
        let bodies = s.bodies(&["d0", "d3"]).unwrap();
        assert!(!bodies.contains_key("d0") && bodies.contains_key("d3"));
        assert_eq!(s.previous_run("b").unwrap().unwrap().id, 6);
        assert_eq!(s.findings(4).unwrap()["00000000000000f0"].first_seen, "t0");
        drop(s);
        let s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(s.history(None, 100).unwrap().len(), 5);
    }

    #[test]
    fn garbage_and_newer_schemas_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.db");
        std::fs::write(&bad, vec![b'x'; 8192]).unwrap();
        let e = Sqlite::open(&bad, Duration::from_secs(1)).err().unwrap();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
        let newer = dir.path().join("newer.db");
        let c = Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(c);
        let e = Sqlite::open(&newer, Duration::from_secs(1)).err().unwrap();
        assert!(matches!(e, StoreError::Newer { .. }), "{e}");
    }
}
