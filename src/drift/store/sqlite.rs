//! The embedded backend of the state store: one SQLite file (rusqlite, bundled SQLite) holding
//! the runs of every scope: run metadata and counts, each resource's digest (bodies stored once
//! per distinct digest, so an unchanged cluster costs a row per resource, not a copy), and each
//! set of failing or waived findings and each run's new finding texts as packed values
//! (`pack.rs`).
//!
//! Integrity: a run is recorded in two `BEGIN IMMEDIATE` transactions, its content (while the
//! reports are written) and then the run itself, so a process killed mid-write leaves every
//! earlier run intact and no run of its own (SQLite's journal rolls the partial write back on
//! the next open; content no run refers to is invisible), and a second writer waits for the first (busy timeout) or fails with a
//! clear message. WAL mode lets readers proceed meanwhile. The schema is versioned with
//! `PRAGMA user_version` and upgraded by ordered migrations; a store written by a newer
//! Plimsoll, or a file that is not a healthy SQLite database, is an error, never treated as
//! empty.

use super::{NewRun, RunRecord, SCHEMA_VERSION, StoreError};
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
    // 6: finding sets and texts packed (`pack.rs`): a set is one value, a run's new texts
    // another; the rows of `findings`, `set_findings` and `run_findings` are converted
    // (`convert_findings`) and those tables dropped (`DROP_ROW_FINDINGS`). Each run counts
    // its new findings, for the fleet view. Rowid tables: the values are large.
    "CREATE TABLE finding_sets (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        packs TEXT NOT NULL,
        -- The value last: a zeroblob in any other column is expanded in memory on insert.
        marks BLOB NOT NULL,
        UNIQUE (scope, set_digest)
    );
    CREATE TABLE finding_texts (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        pack TEXT NOT NULL,
        texts BLOB NOT NULL,
        UNIQUE (scope, pack)
    );
    ALTER TABLE runs ADD COLUMN new_findings INTEGER;
    -- Each run's benchmark control counts, for the fleet's trend (reading them from
    -- run_controls took 2 s over 1,000 scopes x 30 runs).
    ALTER TABLE runs ADD COLUMN controls_passed INTEGER;
    ALTER TABLE runs ADD COLUMN controls_failed INTEGER;
    UPDATE runs SET
      controls_passed = (SELECT COUNT(*) FROM run_controls c
                         WHERE c.run_id = runs.id AND c.status = 'PASS'),
      controls_failed = (SELECT COUNT(*) FROM run_controls c
                         WHERE c.run_id = runs.id AND c.status = 'FAIL');
    -- Bodies in a rowid table: a kilobyte-sized row in a WITHOUT ROWID table took twice the
    -- space and time to write.
    CREATE TABLE bodies_rowid (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL
    );
    INSERT INTO bodies_rowid (digest, body) SELECT digest, body FROM bodies;
    DROP TABLE bodies;
    ALTER TABLE bodies_rowid RENAME TO bodies;",
];

/// After migration 6's conversion: the per-finding tables it replaced.
const DROP_ROW_FINDINGS: &str = "DROP VIEW all_run_findings;
    DROP TABLE run_findings;
    DROP TABLE set_findings;
    DROP TABLE findings;";

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
        // A new file gets larger pages, before its first table (a file's page size is fixed
        // once written): a scope's first run writes some 50 MB, which at SQLite's 4 KB pages
        // took 57,000 writes and 0.11 s to commit after the reports (32 KB: 0.05 s). Larger
        // still (64 KB) was faster again, but a run then grows the file a 64 KB page at a
        // time in each of the tables it adds a row to: 128 KB for an unchanged re-run.
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(|e| store.error(e))?;
        if pages == 0 {
            store
                .conn
                .pragma_update(None, "page_size", PAGE_SIZE)
                .map_err(|e| store.error(e))?;
        }
        // WAL from the start, even for a new file's first run, which in rollback mode would
        // write its 50 MB once rather than twice (log, then checkpoint): concurrent scanners
        // opening a new file while one switched it to WAL failed with "locked"
        // (tests/drift.rs, concurrent runs).
        store
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| store.error(e))?;
        store.keep_cache_size()?;
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
        store.keep_cache_size()?;
        Ok(Some(store))
    }

    /// Sets the page cache's size again once the file's page size is known: SQLite turns its
    /// default (2,000 KiB) into a count of pages at the page size of the moment (4 KB) and
    /// keeps that count when the file's 32 KB pages are read or set, so the cache could grow
    /// to 500 pages, 16 MB (measured: 16 MB of a first run's peak).
    fn keep_cache_size(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(|e| self.error(e))
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
            if i == 5 {
                convert_findings(&tx).map_err(err)?;
                tx.execute_batch(DROP_ROW_FINDINGS).map_err(err)?;
            }
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

    /// The run with this id.
    pub fn run_record(&self, id: i64) -> Result<Option<RunRecord>, StoreError> {
        self.conn
            .query_row(
                &format!("{SELECT_RUN} WHERE id = ?1"),
                params![id],
                run_from_row,
            )
            .optional()
            .map_err(|e| self.error(e))
    }

    /// The finding set `name` of `scope`, decoded from the stored value where SQLite holds
    /// it (no copy of it first).
    pub fn set_marks(
        &self,
        scope: &str,
        name: &str,
    ) -> Result<Option<Result<super::pack::Marks, super::pack::PackError>>, StoreError> {
        set_marks(&self.conn, scope, name).map_err(|e| self.error(e))
    }

    /// Reads the text packs of `scope` with these names into `found`, each as it is read
    /// (incremental blob I/O: a pack is tens of megabytes, the texts wanted a few).
    pub fn find_texts(
        &self,
        scope: &str,
        names: &[&str],
        found: &mut super::pack::Found<'_>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM finding_texts WHERE scope = ?1 AND pack = ?2")
            .map_err(|e| self.error(e))?;
        for name in names {
            let id: Option<i64> = stmt
                .query_row(params![scope, name], |r| r.get(0))
                .optional()
                .map_err(|e| self.error(e))?;
            let Some(id) = id else { continue };
            let mut blob = self
                .conn
                .blob_open(rusqlite::MAIN_DB, "finding_texts", "texts", id, true)
                .map_err(|e| self.error(e))?;
            let len = blob.len();
            found
                .read(name, &mut blob, len)
                .map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    message: format!("the findings of {scope}: {e}"),
                })?;
        }
        Ok(())
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
    pub fn record(&mut self, run: &NewRun, go: &dyn Fn() -> bool) -> Result<i64, StoreError> {
        let (path, wait) = (self.path.clone(), self.wait);
        let sql_err = |e| classify(&path, wait, e);
        let scope = run.record.scope.as_str();
        let phase = std::time::Instant::now();
        let sets = run.sets();
        // First the run's content (bodies, resource set, finding set and texts), committed
        // while the reports are still being written: on a scope's first run that is tens of
        // megabytes, and its commit (the journal synced, then copied into the file) took
        // longer than writing it. Content no run refers to is invisible to every reader and
        // is referred to, not written again, by the next run that has it.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err)?;
        if let Some(id) = recorded(&tx, run).map_err(sql_err)? {
            return Ok(id);
        }
        let latest = latest_run(&tx, scope).map_err(sql_err)?;
        let new_findings = write_content(&tx, run, &sets).map_err(|e| e.into_store(&path, wait))?;
        tx.commit().map_err(sql_err)?;
        // Copied from the journal into the file now, beside the reports: SQLite checkpoints
        // on its own past 1,000 pages of journal (32 MB at this store's page size, more than a
        // first run of 10,000 resources writes), else when the connection closes, after the
        // reports (0.18 s then, measured). Not done now (readers hold the journal), it is done
        // later; the content is committed either way.
        if let Err(e) = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::debug!("checkpoint deferred: {e}");
        }
        tracing::debug!("content committed at {:.2}s", phase.elapsed().as_secs_f64());
        if !go() {
            // The content stays unreferenced; retention removes it with the scope's sets no
            // run refers to.
            return Err(StoreError::Abandoned { path: path.clone() });
        }
        // Then the run itself, once every report is written: a run recorded without its
        // reports would make its findings known to the next run though no one saw them.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err)?;
        if let Some(id) = recorded(&tx, run).map_err(sql_err)? {
            return Ok(id);
        }
        // Another run of the scope recorded in between (its retention may have removed this
        // content, and the findings' first-seen times were read against the run before it):
        // planned and written again, as one transaction would have.
        let new_findings = if latest_run(&tx, scope).map_err(sql_err)? == latest
            && content_held(&tx, scope, &sets).map_err(sql_err)?
        {
            new_findings
        } else {
            tracing::debug!("the scope changed since its content was written; writing it again");
            write_content(&tx, run, &sets).map_err(|e| e.into_store(&path, wait))?
        };
        let id = write_run(&tx, run, &sets, new_findings).map_err(sql_err)?;
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
        tracing::debug!("committed at {:.2}s", phase.elapsed().as_secs_f64());
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

/// The page size of a new store's file, in bytes.
const PAGE_SIZE: i64 = 32 * 1024;

/// The page cache's size in KiB: SQLite's default, 2,000 KiB (see `Sqlite::open`).
const CACHE_KIB: i64 = 2000;

/// Writes `value` into the zeroblob the last insert made, a chunk at a time: SQLite copies a
/// bound value (twice, measured: a 24 MB value raised the peak by 48 MB), and a first run's
/// texts are tens of megabytes; written this way they go straight to the pages, packed as
/// they are written.
fn write_blob(
    conn: &Connection,
    table: &str,
    column: &str,
    value: &super::pack::PackOut<'_>,
) -> rusqlite::Result<()> {
    let mut blob = conn.blob_open(
        rusqlite::MAIN_DB,
        table,
        column,
        conn.last_insert_rowid(),
        false,
    )?;
    let (mut chunks, mut at) = (value.chunks(CHUNK), 0);
    while let Some(chunk) = chunks.next_chunk() {
        blob.write_at(chunk, at)?;
        at += chunk.len();
    }
    Ok(())
}

/// The size of the chunks a packed value is written in.
const CHUNK: usize = 256 * 1024;

/// The id of `run` when it is recorded already (delivered again from the spool: recorded once).
fn recorded(tx: &Connection, run: &NewRun) -> rusqlite::Result<Option<i64>> {
    let key = (!run.record.run_key.is_empty()).then_some(run.record.run_key.as_str());
    tx.query_row(
        "SELECT id FROM runs WHERE run_key = ?1",
        params![key],
        |row| row.get::<_, i64>(0),
    )
    .optional()
}

/// The id of the scope's latest run.
fn latest_run(tx: &Connection, scope: &str) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "SELECT MAX(id) FROM runs WHERE scope = ?1",
        params![scope],
        |row| row.get(0),
    )
}

/// Whether the scope holds the run's resource and finding sets (`write_content` leaves a
/// finding set of every run, and a resource set of every run with resources).
fn content_held(tx: &Connection, scope: &str, sets: &super::Sets<'_>) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM finding_sets WHERE scope = ?1 AND set_digest = ?2)
           AND (?3 OR EXISTS (SELECT 1 FROM set_resources WHERE scope = ?1 AND set_digest = ?4))",
        params![
            scope,
            sets.finding_set,
            sets.resources.is_empty(),
            sets.resource_set
        ],
        |row| row.get(0),
    )
}

/// Writes what the scope does not hold of the run's content: its bodies and resource set,
/// its finding set and its pack of new texts. Returns the run's count of new findings.
fn write_content(
    tx: &Connection,
    run: &NewRun,
    sets: &super::Sets<'_>,
) -> Result<Option<i64>, Planned> {
    let scope = run.record.scope.as_str();
    let phase = std::time::Instant::now();
    let findings = plan_findings(tx, run, sets).map_err(|e| match e {
        Planned::Pack(e) => Planned::Corrupt(format!("the findings of {scope}: {e}")),
        e => e,
    })?;
    tracing::debug!("planned at {:.2}s", phase.elapsed().as_secs_f64());
    // A set the scope already holds (an unchanged run) is referred to, not stored.
    let held_resources: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM set_resources WHERE scope = ?1 AND set_digest = ?2)",
        params![scope, sets.resource_set],
        |row| row.get(0),
    )?;
    if !held_resources {
        let mut body = tx.prepare("INSERT OR IGNORE INTO bodies (digest, body) VALUES (?1, ?2)")?;
        let mut res = tx.prepare(
            "INSERT INTO set_resources (scope, set_digest, resource_id, kind, digest)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut bodies: Vec<(&str, &crate::snapshot::Body)> = sets
            .resources
            .iter()
            .filter_map(|(_, _, digest, body)| Some((digest.as_str(), body.as_ref()?)))
            .collect();
        // In the order of the table's key: appended rather than put at random places, the
        // new bodies need few pages of the cache at a time.
        bodies.sort_unstable_by_key(|b| b.0);
        for (digest, held) in bodies {
            let text = held
                .text()
                .map_err(|e| Planned::Corrupt(format!("the resources of {scope}: {e}")))?;
            body.execute(params![digest, text])?;
        }
        for (rid, kind, digest, _) in sets.resources.iter() {
            res.execute(params![scope, sets.resource_set, rid, kind, digest])?;
        }
    }
    tracing::debug!("wrote resources at {:.2}s", phase.elapsed().as_secs_f64());
    if let Some((name, texts)) = &findings.texts {
        let n = tx.execute(
            "INSERT OR IGNORE INTO finding_texts (scope, pack, texts) VALUES (?1, ?2, zeroblob(?3))",
            params![scope, name, texts.len() as i64],
        )?;
        if n == 1 {
            write_blob(tx, "finding_texts", "texts", texts)?;
        }
    }
    if let Some((marks, packs)) = &findings.set {
        tx.execute(
            "INSERT INTO finding_sets (scope, set_digest, marks, packs)
             VALUES (?1, ?2, zeroblob(?3), ?4)",
            params![scope, sets.finding_set, marks.len() as i64, packs],
        )?;
        let marks = super::pack::PackOut::Bytes(std::borrow::Cow::Borrowed(&marks[..]));
        write_blob(tx, "finding_sets", "marks", &marks)?;
    }
    tracing::debug!("wrote findings at {:.2}s", phase.elapsed().as_secs_f64());
    Ok(findings.new_findings)
}

/// Records the run itself (its row and benchmark controls, referring to its content), then
/// applies retention to the scope. Returns the run's id.
fn write_run(
    tx: &Connection,
    run: &NewRun,
    sets: &super::Sets<'_>,
    new_findings: Option<i64>,
) -> rusqlite::Result<i64> {
    let r = &run.record;
    let scope = r.scope.as_str();
    let key = (!r.run_key.is_empty()).then_some(r.run_key.as_str());
    tx.execute(
        "INSERT INTO runs (scope, started_at, recorded_at, tool_version, policy_digest, sources,
             resources, passed, failed, waived, not_assessed, errors, failed_by_severity,
             run_key, resource_set, finding_set, new_findings, controls_passed,
             controls_failed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)",
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
            new_findings,
            run.control_count("PASS"),
            run.control_count("FAIL"),
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut ctl = tx.prepare(
        "INSERT OR REPLACE INTO run_controls
         (run_id, benchmark, control_id, title, status) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &run.controls {
        ctl.execute(params![id, c.benchmark, c.control, c.title, c.status])?;
    }
    // Retention: the newest `keep` runs of the scope, then bodies no run refers to.
    let pruned = tx.execute(
        "DELETE FROM runs WHERE scope = ?1 AND id NOT IN
           (SELECT id FROM runs WHERE scope = ?1 ORDER BY id DESC LIMIT ?2)",
        params![scope, run.keep.max(1) as i64],
    )?;
    // Then, when a run was pruned (nothing else leaves a set unreferenced but a run whose
    // reports failed, or which was killed, after its content was written), the scope's sets
    // no kept run refers to, then bodies and finding texts nothing refers to.
    if pruned > 0 {
        tx.execute(
            "DELETE FROM set_resources WHERE scope = ?1 AND set_digest NOT IN
               (SELECT resource_set FROM runs WHERE scope = ?1 AND resource_set IS NOT NULL)",
            params![scope],
        )?;
        tx.execute(
            "DELETE FROM finding_sets WHERE scope = ?1 AND set_digest NOT IN
               (SELECT finding_set FROM runs WHERE scope = ?1 AND finding_set IS NOT NULL)",
            params![scope],
        )?;
        tx.execute(
            "DELETE FROM bodies WHERE NOT EXISTS
               (SELECT 1 FROM run_resources WHERE run_resources.digest = bodies.digest)
             AND NOT EXISTS (SELECT 1 FROM set_resources WHERE set_resources.digest = bodies.digest)",
            [],
        )?;
        tx.execute(
            "DELETE FROM finding_texts WHERE scope = ?1 AND NOT EXISTS
               (SELECT 1 FROM finding_sets s
                WHERE s.scope = ?1 AND instr(s.packs, finding_texts.pack) > 0)",
            params![scope],
        )?;
    }
    Ok(id)
}

/// Why writing a run's content failed.
enum Planned {
    Sql(rusqlite::Error),
    Pack(super::pack::PackError),
    /// Held content that does not read back: what, and why.
    Corrupt(String),
}

impl Planned {
    fn into_store(self, path: &str, wait: Duration) -> StoreError {
        match self {
            Planned::Sql(e) => classify(path, wait, e),
            Planned::Pack(e) => StoreError::Corrupt {
                path: path.to_string(),
                message: e.to_string(),
            },
            Planned::Corrupt(message) => StoreError::Corrupt {
                path: path.to_string(),
                message,
            },
        }
    }
}

impl From<rusqlite::Error> for Planned {
    fn from(e: rusqlite::Error) -> Self {
        Planned::Sql(e)
    }
}

impl From<super::pack::PackError> for Planned {
    fn from(e: super::pack::PackError) -> Self {
        Planned::Pack(e)
    }
}

/// The finding set `name` of `scope`, decoded as it is read (SQLite's incremental blob I/O:
/// reading the value whole would hold a copy of it beside the decoded set).
fn set_marks(
    conn: &Connection,
    scope: &str,
    name: &str,
) -> rusqlite::Result<Option<Result<super::pack::Marks, super::pack::PackError>>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM finding_sets WHERE scope = ?1 AND set_digest = ?2",
            params![scope, name],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    let mut blob = conn.blob_open(rusqlite::MAIN_DB, "finding_sets", "marks", id, true)?;
    let len = blob.len();
    Ok(Some(super::pack::Marks::read_from(&mut blob, len)))
}

/// What the run writes of its findings (`pack::plan`), read against the scope's previous
/// run inside the write transaction (another writer cannot slip in between).
fn plan_findings<'a>(
    conn: &Connection,
    run: &'a NewRun,
    sets: &super::Sets<'_>,
) -> Result<super::pack::FindingsWrite<'a>, Planned> {
    use super::pack;
    let scope = run.record.scope.as_str();
    let previous: Option<String> = conn
        .query_row(
            "SELECT finding_set FROM runs WHERE scope = ?1 ORDER BY id DESC LIMIT 1",
            params![scope],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten();
    let held: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM finding_sets WHERE scope = ?1 AND set_digest = ?2)",
        params![scope, sets.finding_set],
        |r| r.get(0),
    )?;
    let read;
    let before = match (
        pack::needs_previous(held, previous.as_deref(), &sets.finding_set),
        &previous,
    ) {
        (true, Some(p)) if !pack::built_fits(run, held, previous.as_deref()) => {
            read = set_marks(conn, scope, p)?.transpose()?;
            read.as_ref()
        }
        _ => None,
    };
    let planned = pack::plan(run, sets, held, previous.as_deref(), before, &[]);
    if planned.missing == 0 {
        return Ok(planned);
    }
    // Texts the comparison found in a run other than the latest: the scope's other sets.
    let mut stmt = conn.prepare("SELECT marks FROM finding_sets WHERE scope = ?1")?;
    let other = stmt
        .query_map(params![scope], |r| r.get::<_, Vec<u8>>(0))?
        .map(|b| Ok(pack::Marks::decode(&b?)?))
        .collect::<Result<Vec<_>, Planned>>()?;
    Ok(pack::plan(
        run,
        sets,
        held,
        previous.as_deref(),
        before,
        &other,
    ))
}

/// Migration 6: the scope's per-finding rows into packed sets and texts (`pack::convert`),
/// each run given its set's name (runs before sets had none) and its count of new findings.
fn convert_findings(tx: &Connection) -> rusqlite::Result<()> {
    use super::pack;
    let scopes: Vec<String> = tx
        .prepare("SELECT scope FROM runs UNION SELECT scope FROM findings")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for scope in scopes {
        let mut legacy = pack::Legacy::default();
        let mut stmt = tx.prepare(
            "SELECT fingerprint, check_id, resource_id, severity, message, first_seen, text_hash
             FROM findings WHERE scope = ?1",
        )?;
        legacy.texts = stmt
            .query_map(params![scope], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = tx
            .prepare("SELECT set_digest, fingerprint, status FROM set_findings WHERE scope = ?1")?;
        let mut rows = stmt.query(params![scope])?;
        while let Some(r) = rows.next()? {
            legacy
                .sets
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        let mut stmt = tx.prepare(
            "SELECT rf.run_id, rf.fingerprint, rf.status FROM run_findings rf
             JOIN runs r ON r.id = rf.run_id WHERE r.scope = ?1",
        )?;
        let mut rows = stmt.query(params![scope])?;
        while let Some(r) = rows.next()? {
            legacy
                .run_rows
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        legacy.runs = tx
            .prepare("SELECT id, finding_set FROM runs WHERE scope = ?1 ORDER BY id")?
            .query_map(params![scope], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let converted = pack::convert(legacy);
        if let Some((name, bytes)) = &converted.texts {
            tx.execute(
                "INSERT INTO finding_texts (scope, pack, texts) VALUES (?1, ?2, ?3)",
                params![scope, name, bytes],
            )?;
        }
        for (name, marks, packs) in &converted.sets {
            tx.execute(
                "INSERT INTO finding_sets (scope, set_digest, marks, packs) VALUES (?1, ?2, ?3, ?4)",
                params![scope, name, marks, packs],
            )?;
        }
        for (id, set, new) in &converted.runs {
            tx.execute(
                "UPDATE runs SET finding_set = ?1, new_findings = ?2 WHERE id = ?3",
                params![set, new, id],
            )?;
        }
    }
    Ok(())
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
    use super::super::StoredFinding;
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
            resources: vec![(
                "r1".into(),
                "Pod".into(),
                digest.into(),
                Some(crate::snapshot::Body::new("{}")),
            )],
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
            texts: None,
            built: None,
            keep,
            controls: Vec::new(),
        }
    }

    /// The bytes of the page cache in use (`SQLITE_DBSTATUS_CACHE_USED`).
    fn cache_used(conn: &Connection) -> i64 {
        let (mut now, mut high) = (0, 0);
        // SAFETY: the handle is the open connection's, used on its own thread while `conn` is
        // borrowed; the call only reads counters into the two integers.
        #[allow(unsafe_code)]
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                &mut now,
                &mut high,
                0,
            )
        };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        i64::from(now)
    }

    #[test]
    fn the_page_cache_keeps_to_its_size_with_large_pages() {
        // SQLite counts its default cache in pages of the size it had before the file's 32 KB
        // pages were set or read: 500 pages, 16 MB. The store sets it again: 2,000 KiB.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let big = |n: usize| {
            let mut r = run(&record("a"), "d", 3);
            r.resources = (0..n)
                .map(|i| {
                    let body = format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(4000));
                    (
                        format!("r{i}"),
                        "Pod".into(),
                        format!("{i:016x}"),
                        Some(crate::snapshot::Body::new(&body)),
                    )
                })
                .collect();
            r
        };
        let mut s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        s.record(&big(3000), &|| true).unwrap();
        // The pages and SQLite's few bytes for each (16 MB before it was set again).
        let limit = CACHE_KIB * 1024 * 5 / 4;
        let used = cache_used(&s.conn);
        assert!(used <= limit, "a new file's cache holds {used} bytes");
        drop(s);
        // Reopened, the page size is read from the file.
        let s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        let n: i64 = s
            .conn
            .query_row("SELECT sum(length(body)) FROM bodies", [], |r| r.get(0))
            .unwrap();
        assert!(n > 12_000_000);
        let used = cache_used(&s.conn);
        assert!(used <= limit, "a reopened file's cache holds {used} bytes");
    }

    #[test]
    fn a_run_whose_content_was_pruned_meanwhile_writes_it_again() {
        // The run's content is committed before its reports are written, the run after them;
        // another run of the scope recorded in between, keeping one run, removes that content
        // as no run's. The run then writes it again rather than refer to nothing.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        let rec = record("a");
        s.record(&run(&rec, "d0", 1), &|| true).unwrap();
        let mut late = run(&rec, "d1", 1);
        late.findings[0].0 = "00000000000000f1".into();
        late.findings[0].1.message = "m1".into();
        let other = std::cell::RefCell::new(Sqlite::open(&path, Duration::from_secs(1)).unwrap());
        let between = || {
            other
                .borrow_mut()
                .record(&run(&rec, "d2", 1), &|| true)
                .unwrap();
            true
        };
        let id = s.record(&late, &between).unwrap();
        assert_eq!(s.history(Some("a"), 10).unwrap().len(), 1, "kept to one");
        assert_eq!(s.resources(id).unwrap()["r1"].1, "d1");
        assert!(s.bodies(&["d1"]).unwrap().contains_key("d1"));
        let store = super::super::Store::Sqlite(s);
        assert_eq!(
            store.findings(id).unwrap()["00000000000000f1"].message,
            "m1"
        );
        // Content left by a run whose reports failed is invisible, and the next run with the
        // same content refers to it.
        let super::super::Store::Sqlite(mut s) = store else {
            unreachable!()
        };
        let failed = run(&rec, "d3", 5);
        assert!(matches!(
            s.record(&failed, &|| false),
            Err(StoreError::Abandoned { .. })
        ));
        assert_eq!(s.history(Some("a"), 10).unwrap().len(), 1);
        let id = s.record(&run(&rec, "d3", 5), &|| true).unwrap();
        assert_eq!(s.resources(id).unwrap()["r1"].1, "d3");
    }

    #[test]
    fn records_prunes_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.db");
        let mut s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        // A new file has the larger pages.
        let page: i64 = s
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(page, PAGE_SIZE);
        let rec = record("a");
        for i in 0..4 {
            s.record(&run(&rec, &format!("d{i}"), 3), &|| true).unwrap();
        }
        s.record(&run(&record("b"), "d9", 3), &|| true).unwrap();
        // The same run key twice: recorded once, the first id returned.
        let mut keyed = record("b");
        keyed.run_key = "k1".into();
        let first = s.record(&run(&keyed, "d9", 3), &|| true).unwrap();
        assert_eq!(s.record(&run(&keyed, "d9", 3), &|| true).unwrap(), first);
        assert_eq!(s.history(Some("b"), 100).unwrap().len(), 2);
        let hist = s.history(Some("a"), 100).unwrap();
        assert_eq!(hist.len(), 3, "pruned to keep");
        assert_eq!(hist[0].id, 4);
        // The pruned run's body is gone, the kept ones remain.
        let bodies = s.bodies(&["d0", "d3"]).unwrap();
        assert!(!bodies.contains_key("d0") && bodies.contains_key("d3"));
        assert_eq!(s.previous_run("b").unwrap().unwrap().id, 6);
        let store = super::super::Store::Sqlite(s);
        assert_eq!(
            store.findings(4).unwrap()["00000000000000f0"].first_seen,
            "t0"
        );
        drop(store);
        let s = Sqlite::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(s.history(None, 100).unwrap().len(), 5);
    }

    #[test]
    fn a_schema_5_store_keeps_every_finding_through_the_upgrade() {
        use super::super::{FindingStatus, Store, finding_set_name, text_hash};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let c = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..5] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 5).unwrap();
        let empty = finding_set_name(&[]);
        // Scope a: run 1 before sets (run_findings rows), run 2 with a set, run 3 with none
        // failing; scope b: one run. Texts once per scope, one without a text digest (as
        // recorded before schema 5).
        c.execute_batch(&format!(
            "INSERT INTO runs (id, scope, started_at, recorded_at, tool_version, policy_digest,
                 sources, resources, passed, failed, waived, not_assessed, errors,
                 failed_by_severity, finding_set)
             VALUES (1, 'a', 't1', 't1', '0', 'p', '[]', 1, 0, 1, 1, 0, 0, '{{}}', NULL),
                    (2, 'a', 't2', 't2', '0', 'p', '[]', 1, 0, 2, 0, 0, 0, '{{}}', 'S2'),
                    (3, 'a', 't3', 't3', '0', 'p', '[]', 1, 0, 0, 0, 0, 0, '{{}}', '{empty}'),
                    (4, 'b', 't1', 't1', '0', 'p', '[]', 1, 0, 1, 0, 0, 0, '{{}}', 'S4');
             INSERT INTO run_findings VALUES (1, '0000000000000001', 'FAIL'),
                                             (1, '0000000000000002', 'WAIVED');
             INSERT INTO set_findings VALUES ('a', 'S2', '0000000000000001', 'FAIL'),
                                             ('a', 'S2', '0000000000000003', 'FAIL'),
                                             ('b', 'S4', '0000000000000001', 'FAIL');
             INSERT INTO findings VALUES
               ('a', '0000000000000001', 'C1', 'r1', 'high', 'one', 't1', NULL),
               ('a', '0000000000000002', 'C2', 'r2', 'low', 'two', 't1', NULL),
               ('a', '0000000000000003', 'C3', 'r3', 'medium', 'three', 't2', '{:016x}'),
               ('b', '0000000000000001', 'C1', 'rb', 'high', 'one in b', 't1', NULL);",
            text_hash("medium", "three")
        ))
        .unwrap();
        drop(c);
        let mut store = Store::Sqlite(Sqlite::open(&path, Duration::from_secs(1)).unwrap());
        let run1 = store.findings(1).unwrap();
        assert_eq!(run1.len(), 2);
        let one = &run1["0000000000000001"];
        assert_eq!(
            (
                &*one.check_id,
                &*one.resource_id,
                &*one.message,
                &*one.status
            ),
            ("C1", "r1", "one", "FAIL")
        );
        assert_eq!(one.first_seen, "t1");
        assert_eq!(run1["0000000000000002"].status, "WAIVED");
        let run2 = store.findings(2).unwrap();
        assert_eq!(run2.len(), 2);
        assert_eq!(run2["0000000000000003"].message, "three");
        assert_eq!(run2["0000000000000003"].first_seen, "t2");
        assert!(store.findings(3).unwrap().is_empty());
        assert_eq!(
            store.findings(4).unwrap()["0000000000000001"].message,
            "one in b"
        );
        // Run 1 is named as a run is named now; each run counts what was new since the one
        // before it (nothing for a scope's first).
        let named = store.run(1).unwrap().unwrap().finding_set;
        let mut statuses = vec![
            FindingStatus {
                fingerprint: 1,
                failing: true,
                text: text_hash("high", "one"),
            },
            FindingStatus {
                fingerprint: 2,
                failing: false,
                text: text_hash("low", "two"),
            },
        ];
        assert_eq!(named, finding_set_name(&statuses));
        let new: Vec<Vec<super::super::Cell>> = store
            .rows("SELECT new_findings FROM runs ORDER BY id")
            .unwrap();
        let new: Vec<Option<i64>> = new.iter().map(|r| r[0].opt_int()).collect();
        assert_eq!(new, [None, Some(1), Some(0), None]);
        let gone = store
            .rows(
                "SELECT count(*) FROM sqlite_master WHERE name IN
                   ('findings', 'set_findings', 'run_findings', 'all_run_findings')",
            )
            .unwrap();
        assert_eq!(gone[0][0].int(), 0, "the per-finding tables are dropped");
        // A run recorded after the upgrade, whose finding the latest run (3) did not have but
        // run 1 did with the same text: the text is found in the scope's other sets.
        statuses.truncate(1);
        let mut rec = record("a");
        rec.started_at = "t5".into();
        let later = NewRun {
            record: rec,
            sources: "[]".into(),
            resources: vec![("r1".into(), "Pod".into(), "d".into(), Some("{}".into()))],
            findings: Vec::new(),
            statuses,
            texts: None,
            built: None,
            keep: 10,
            controls: Vec::new(),
        };
        let id = store.record(&later).unwrap();
        let f = &store.findings(id).unwrap()["0000000000000001"];
        assert_eq!((&*f.message, &*f.first_seen), ("one", "t5"));
        assert_eq!(
            store
                .rows(&format!("SELECT new_findings FROM runs WHERE id = {id}"))
                .unwrap()[0][0]
                .opt_int(),
            Some(1)
        );
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
