//! The shared backend of the state store: a PostgreSQL database that the scanners of a fleet
//! (fifty clusters, twenty accounts) record into, chosen by a `postgres://` location.
//!
//! The client is sqlx's PostgreSQL driver (pure Rust, rustls): it follows libpq's conventions
//! (`PGHOST`, `PGUSER`, `PGPASSWORD`, `PGPASSFILE` and `~/.pgpass`, `sslmode` up to
//! `verify-full`, `sslrootcert`), which tokio-postgres leaves to its caller. It runs on a
//! current-thread runtime of its own, because the store is called between the pipeline's
//! stages, never inside one.
//!
//! Concurrency: a run is recorded in two transactions (its content beside the reports, then
//! the run itself), each taking an advisory lock on its scope first, so writers of one scope take turns and writers of different scopes never touch the
//! same rows (bodies are kept per scope for that reason: a body shared between scopes could be
//! collected by one while another starts to refer to it). No two transactions wait on each other
//! in opposite orders, so there is no deadlock to detect. Migrations run under a
//! database-wide advisory lock, once, whoever comes first.
//!
//! Rows go in a few statements per run rather than one per resource (against a server every
//! statement is a round trip): the many (bodies, resource sets, packed findings) with binary
//! `COPY`, streamed in chunks; the few (controls) and lookups by arrays (`UNNEST`, `ANY`).

use super::{ControlStatus, NewRun, RunRecord, SCHEMA_VERSION, StoreError};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

/// Migrations, in order, the PostgreSQL form of `sqlite.rs`'s: the same tables and columns,
/// version for version (a unit test holds the counts equal). Never edit one that shipped.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: runs, resources, bodies (per scope: see the module comment), findings.
    "CREATE TABLE runs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scope TEXT NOT NULL,
        started_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        policy_digest TEXT NOT NULL,
        sources TEXT NOT NULL,
        resources BIGINT NOT NULL,
        passed BIGINT NOT NULL,
        failed BIGINT NOT NULL,
        waived BIGINT NOT NULL,
        not_assessed BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        failed_by_severity TEXT NOT NULL
    );
    CREATE INDEX runs_by_scope ON runs (scope, id);
    CREATE TABLE run_resources (
        run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (run_id, resource_id)
    );
    CREATE INDEX run_resources_by_digest ON run_resources (digest);
    CREATE TABLE bodies (
        scope TEXT NOT NULL,
        digest TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (scope, digest)
    );
    CREATE TABLE findings (
        scope TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        check_id TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (scope, fingerprint)
    );
    CREATE TABLE run_findings (
        run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (run_id, fingerprint)
    );",
    // 2: a random key per run, so a run delivered twice from the spool is recorded once.
    "ALTER TABLE runs ADD COLUMN run_key TEXT;
    CREATE UNIQUE INDEX runs_by_key ON runs (run_key);",
    // 3: the benchmark controls' statuses of a run scanned with --benchmark.
    "CREATE TABLE run_controls (
        run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        benchmark TEXT NOT NULL,
        control_id TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (run_id, benchmark, control_id)
    );",
    // 4: resource and finding sets, as in sqlite.rs.
    "ALTER TABLE runs ADD COLUMN resource_set TEXT;
    ALTER TABLE runs ADD COLUMN finding_set TEXT;
    CREATE TABLE set_resources (
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (scope, set_digest, resource_id)
    );
    CREATE INDEX set_resources_by_digest ON set_resources (scope, digest);
    CREATE TABLE set_findings (
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scope, set_digest, fingerprint)
    );
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
    // 5: a digest of each finding's text (see the SQLite migration).
    "ALTER TABLE findings ADD COLUMN text_hash TEXT;
    CREATE INDEX findings_by_first_seen ON findings (scope, first_seen);",
    // 6: finding sets and texts packed (see the SQLite migration); the per-finding rows are
    // converted (`convert_findings`) and their tables dropped (`DROP_ROW_FINDINGS`).
    "CREATE TABLE finding_sets (
        scope TEXT NOT NULL,
        set_digest TEXT NOT NULL,
        marks BYTEA NOT NULL,
        packs TEXT NOT NULL,
        PRIMARY KEY (scope, set_digest)
    );
    CREATE TABLE finding_texts (
        scope TEXT NOT NULL,
        pack TEXT NOT NULL,
        texts BYTEA NOT NULL,
        PRIMARY KEY (scope, pack)
    );
    -- A first run's texts (24 MB for 10,000 Deployments) took the server 0.27 s longer to
    -- compress with its default, pglz, than with lz4, to the same size: lz4 where the server
    -- has it (PostgreSQL 14 or later, built with it), else the default. Sets are
    -- fingerprints and digests, which do not compress: stored as they are.
    DO $$ BEGIN
        EXECUTE 'ALTER TABLE finding_texts ALTER COLUMN texts SET COMPRESSION lz4';
    EXCEPTION WHEN OTHERS THEN NULL;
    END $$;
    ALTER TABLE finding_sets ALTER COLUMN marks SET STORAGE EXTERNAL;
    ALTER TABLE runs ADD COLUMN new_findings BIGINT;
    -- Each run's benchmark control counts, for the fleet's trend (reading them from
    -- run_controls took 2 s over 1,000 scopes x 30 runs).
    ALTER TABLE runs ADD COLUMN controls_passed BIGINT;
    ALTER TABLE runs ADD COLUMN controls_failed BIGINT;
    UPDATE runs SET
      controls_passed = (SELECT COUNT(*) FROM run_controls c
                         WHERE c.run_id = runs.id AND c.status = 'PASS'),
      controls_failed = (SELECT COUNT(*) FROM run_controls c
                         WHERE c.run_id = runs.id AND c.status = 'FAIL');",
];

/// After migration 6's conversion: the per-finding tables it replaced.
const DROP_ROW_FINDINGS: &str = "DROP VIEW all_run_findings;
    DROP TABLE run_findings;
    DROP TABLE set_findings;
    DROP TABLE findings;";

/// The advisory lock key migrations take ("plimsoll" in ASCII).
const MIGRATION_LOCK: i64 = 0x706c_696d_736f_6c6c;

/// Values per array statement (`UNNEST`, `ANY`): a 100,000-resource run's digests in one bind
/// message would be needlessly large.
const BATCH: usize = 5_000;

/// The URL's query keys sqlx understands. Anything else is refused here: sqlx would log and
/// ignore it (with its value, which may be a secret), and a misspelt `sslmode` would then
/// quietly connect without TLS.
const KNOWN_KEYS: &[&str] = &[
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// The query keys whose values messages may show.
const SHOWN_KEYS: &[&str] = &[
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "application_name",
];

/// An open PostgreSQL store.
pub struct Postgres {
    rt: tokio::runtime::Runtime,
    /// Always Some until dropped (closed politely then). Behind a lock so that readers take
    /// `&self` as SQLite's do (the plan holding the store is shared between threads).
    conn: std::sync::Mutex<Option<PgConnection>>,
    /// The location without its password, for messages.
    path: String,
    /// The password, to scrub from any message that might quote it.
    secret: Option<String>,
    wait: Duration,
}

/// The URL without its password (in the authority or the query), for messages and reports.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            // Values are shown only for keys known to hold no secret: `password`, `options`
            // and a misspelt key (`passwd=...`) are masked alike.
            if u.query_pairs()
                .any(|(k, _)| !SHOWN_KEYS.contains(&k.as_ref()))
            {
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if SHOWN_KEYS.contains(&k.as_ref()) {
                            v
                        } else {
                            "***".into()
                        };
                        (k.into_owned(), v.into_owned())
                    })
                    .collect();
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            u.to_string()
        }
        // Not parseable: say nothing of what follows the scheme.
        Err(_) => "postgres://(unparseable URL)".to_string(),
    }
}

impl Postgres {
    /// Connects (waiting up to `wait`), creating or upgrading the schema.
    pub fn open(url: &str, wait: Duration) -> Result<Postgres, StoreError> {
        let mut store = Postgres::connect(url, wait)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connects for reading only (a role that may only SELECT). None when the schema is absent
    /// or older than this Plimsoll's.
    pub fn open_read_only(url: &str, wait: Duration) -> Result<Option<Postgres>, StoreError> {
        let store = Postgres::connect(url, wait)?;
        if !store.schema_exists()? {
            return Ok(None);
        }
        let version = store.version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: store.path.clone(),
                found: version,
            });
        }
        Ok((version == SCHEMA_VERSION).then_some(store))
    }

    fn connect(url: &str, wait: Duration) -> Result<Postgres, StoreError> {
        let path = redact(url);
        let parsed = url::Url::parse(url).map_err(|e| StoreError::Location {
            given: path.clone(),
            message: e.to_string(),
        })?;
        if let Some((k, _)) = parsed
            .query_pairs()
            .find(|(k, _)| !KNOWN_KEYS.contains(&k.as_ref()))
        {
            return Err(StoreError::Location {
                given: path,
                message: format!("unknown parameter {k:?} (known: {})", KNOWN_KEYS.join(", ")),
            });
        }
        let secret = parsed
            .password()
            .map(str::to_string)
            .or_else(|| {
                parsed
                    .query_pairs()
                    .find(|(k, _)| k == "password")
                    .map(|(_, v)| v.into_owned())
            })
            .filter(|s| !s.is_empty());
        let scrub = |m: String| match &secret {
            Some(s) => m.replace(s.as_str(), "***"),
            None => m,
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Location {
                given: path.clone(),
                message: scrub(e.to_string()),
            })?
            .application_name("plimsoll")
            .disable_statement_logging();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Open {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let conn = rt
            .block_on(async { tokio::time::timeout(wait, options.connect()).await })
            .map_err(|_| StoreError::Unreachable {
                path: path.clone(),
                message: format!("no connection within {wait:?} (--state-wait)"),
            })?
            .map_err(|e| {
                let message = scrub(describe(&e));
                match classify(&e) {
                    Class::Unreachable => StoreError::Unreachable {
                        path: path.clone(),
                        message,
                    },
                    _ => StoreError::Refused {
                        path: path.clone(),
                        message,
                    },
                }
            })?;
        let store = Postgres {
            rt,
            conn: std::sync::Mutex::new(Some(conn)),
            path,
            secret,
            wait,
        };
        // Waits for a lock (another writer of the scope, a migration) end with a clear error
        // instead of hanging a scheduled job.
        let ms = wait.as_millis().max(1);
        store.run(|c| {
            Box::pin(async move {
                sqlx::query("SELECT set_config('lock_timeout', $1, false)")
                    .bind(format!("{ms}ms"))
                    .execute(c)
                    .await
                    .map(|_| ())
            })
        })?;
        Ok(store)
    }

    /// Runs `f` on the connection, blocking; maps its error.
    fn run<T>(
        &self,
        f: impl for<'c> FnOnce(
            &'c mut PgConnection,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, sqlx::Error>> + 'c>,
        >,
    ) -> Result<T, StoreError> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(conn) = guard.as_mut() else {
            return Err(StoreError::Postgres {
                path: self.path.clone(),
                message: "the connection is closed".into(),
            });
        };
        let out = self.rt.block_on(f(conn));
        drop(guard);
        out.map_err(|e| self.error(e))
    }

    fn error(&self, e: sqlx::Error) -> StoreError {
        let mut message = describe(&e);
        if let Some(s) = &self.secret {
            message = message.replace(s.as_str(), "***");
        }
        let path = self.path.clone();
        match classify(&e) {
            Class::Locked => StoreError::Locked {
                path,
                waited: self.wait,
            },
            Class::Unreachable => StoreError::Unreachable { path, message },
            Class::Refused => StoreError::Refused { path, message },
            Class::Other => StoreError::Postgres { path, message },
        }
    }

    fn schema_exists(&self) -> Result<bool, StoreError> {
        self.run(|c| {
            Box::pin(async move {
                sqlx::query_scalar("SELECT to_regclass('plimsoll_schema') IS NOT NULL")
                    .fetch_one(c)
                    .await
            })
        })
    }

    fn version(&self) -> Result<i64, StoreError> {
        self.run(|c| {
            Box::pin(async move {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COALESCE(MAX(version), 0)::BIGINT FROM plimsoll_schema",
                )
                .fetch_one(c)
                .await
            })
        })
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        // The common case, a current schema, needs no lock and no CREATE privilege: a
        // scanner's role may write rows without being allowed to create tables.
        if self.schema_exists()? {
            let version = self.version()?;
            if version > SCHEMA_VERSION {
                return Err(StoreError::Newer {
                    path: self.path.clone(),
                    found: version,
                });
            }
            if version == SCHEMA_VERSION {
                return Ok(());
            }
        }
        let found = self.run(|c| {
            Box::pin(async move {
                let mut tx = c.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(MIGRATION_LOCK)
                    .execute(&mut *tx)
                    .await?;
                sqlx::raw_sql(
                    "CREATE TABLE IF NOT EXISTS plimsoll_schema (version INTEGER NOT NULL)",
                )
                .execute(&mut *tx)
                .await?;
                let version: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0)::BIGINT FROM plimsoll_schema",
                )
                .fetch_one(&mut *tx)
                .await?;
                if version > SCHEMA_VERSION {
                    return Ok(version);
                }
                for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                    sqlx::raw_sql(*sql).execute(&mut *tx).await?;
                    if i == 5 {
                        convert_findings(&mut tx).await?;
                        sqlx::raw_sql(DROP_ROW_FINDINGS).execute(&mut *tx).await?;
                    }
                    sqlx::query("DELETE FROM plimsoll_schema")
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO plimsoll_schema (version) VALUES ($1)")
                        .bind(i as i32 + 1)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(version)
            })
        })?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                found,
            });
        }
        Ok(())
    }

    /// The latest run of `scope`.
    pub fn previous_run(&self, scope: &str) -> Result<Option<RunRecord>, StoreError> {
        let scope = scope.to_string();
        self.run(|c| {
            Box::pin(async move {
                // Composed of constants only.
                sqlx::query(AssertSqlSafe(format!(
                    "{SELECT_RUN} WHERE scope = $1 ORDER BY id DESC LIMIT 1"
                )))
                .bind(scope)
                .fetch_optional(c)
                .await?
                .map(|r| run_from_row(&r))
                .transpose()
            })
        })
    }

    /// Runs, newest first, optionally of scopes containing `scope`.
    pub fn history(&self, scope: Option<&str>, limit: usize) -> Result<Vec<RunRecord>, StoreError> {
        let pattern = format!("%{}%", scope.unwrap_or(""));
        self.run(|c| {
            Box::pin(async move {
                // Composed of constants only.
                let rows = sqlx::query(AssertSqlSafe(format!(
                    "{SELECT_RUN} WHERE scope LIKE $1 ORDER BY id DESC LIMIT $2"
                )))
                .bind(pattern)
                .bind(limit as i64)
                .fetch_all(c)
                .await?;
                rows.iter().map(run_from_row).collect()
            })
        })
    }

    /// The run with this id.
    pub fn run_record(&self, id: i64) -> Result<Option<RunRecord>, StoreError> {
        self.run(|c| {
            Box::pin(async move {
                let row = sqlx::query(AssertSqlSafe(format!("{SELECT_RUN} WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(c)
                    .await?;
                row.as_ref().map(run_from_row).transpose()
            })
        })
    }

    /// The finding set `name` of `scope`, decoded as it is read, a slice of the value at a
    /// time (read whole, the value and the driver's copy of it were held beside the decoded
    /// set: 10 MB more than SQLite's incremental reads on an unchanged re-run).
    pub fn set_marks(
        &self,
        scope: &str,
        name: &str,
    ) -> Result<Option<Result<super::pack::Marks, super::pack::PackError>>, StoreError> {
        let (s, n) = (scope.to_string(), name.to_string());
        let len: Option<i64> = self.run(|c| {
            Box::pin(async move {
                sqlx::query_scalar(
                    "SELECT octet_length(marks)::BIGINT FROM finding_sets
                     WHERE scope = $1 AND set_digest = $2",
                )
                .bind(&s)
                .bind(&n)
                .fetch_optional(c)
                .await
            })
        })?;
        let Some(len) = len else {
            return Ok(None);
        };
        let len = usize::try_from(len).unwrap_or_default();
        let mut slices = Slices {
            store: self,
            scope: scope.to_string(),
            name: name.to_string(),
            at: 0,
            len,
            buf: Vec::new(),
            pos: 0,
            error: None,
        };
        let decoded = super::pack::Marks::read_from(&mut slices, len);
        match slices.error.take() {
            Some(e) => Err(e),
            None => Ok(Some(decoded)),
        }
    }

    /// The text packs of `scope` with these names.
    fn text_packs(
        &self,
        scope: &str,
        names: &[&str],
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let scope = scope.to_string();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        self.run(|c| {
            Box::pin(async move {
                let rows = sqlx::query(
                    "SELECT pack, texts FROM finding_texts WHERE scope = $1 AND pack = ANY($2)",
                )
                .bind(&scope)
                .bind(&names)
                .fetch_all(c)
                .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                    .collect()
            })
        })
    }

    /// Reads the text packs of `scope` with these names into `found` (whole: the driver
    /// reads a value at once).
    pub fn find_texts(
        &self,
        scope: &str,
        names: &[&str],
        found: &mut super::pack::Found<'_>,
    ) -> Result<(), StoreError> {
        for (name, bytes) in self.text_packs(scope, names)? {
            found
                .read(&name, &mut &bytes[..], bytes.len())
                .map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    message: format!("the findings of {scope}: {e}"),
                })?;
        }
        Ok(())
    }

    /// The resources of a run: id -> (kind, digest).
    pub fn resources(&self, run: i64) -> Result<HashMap<String, (String, String)>, StoreError> {
        self.run(|c| {
            Box::pin(async move {
                let rows = sqlx::query(
                    "SELECT resource_id, kind, digest FROM all_run_resources WHERE run_id = $1",
                )
                .bind(run)
                .fetch_all(c)
                .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
                    .collect()
            })
        })
    }

    /// The scope's stored bodies of `digests`, by digest.
    pub fn bodies(
        &self,
        scope: &str,
        digests: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        let scope = scope.to_string();
        let digests: Vec<String> = digests.iter().map(|d| d.to_string()).collect();
        self.run(|c| {
            Box::pin(async move {
                let mut out = HashMap::new();
                for chunk in digests.chunks(BATCH) {
                    let rows = sqlx::query(
                        "SELECT digest, body FROM bodies WHERE scope = $1 AND digest = ANY($2)",
                    )
                    .bind(&scope)
                    .bind(chunk)
                    .fetch_all(&mut *c)
                    .await?;
                    for r in rows {
                        out.insert(r.try_get(0)?, r.try_get(1)?);
                    }
                }
                Ok(out)
            })
        })
    }

    /// Records a run, in turn with other writers of its scope, and prunes the scope to
    /// `keep` runs: its content (bodies, resource set, finding set and texts) in one
    /// transaction while the reports are written, the run itself in a second once `go` says
    /// they are (as SQLite's record does; content no run refers to is invisible). Returns the
    /// run id.
    pub fn record(&mut self, run: &NewRun, go: &dyn Fn() -> bool) -> Result<i64, StoreError> {
        // One row per key (a statement may not touch a row twice), each set named by its
        // content (an unchanged run refers to its predecessor's).
        let sets = run.sets();
        let hold = std::env::var("PLIMSOLL_TEST_HOLD_STATE_WRITE_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok());
        // Not through `run`: the write borrows the run's rows for its whole length, which a
        // boxed future for any connection lifetime cannot.
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(c) = guard.as_mut() else {
            return Err(StoreError::Postgres {
                path: self.path.clone(),
                message: "the connection is closed".into(),
            });
        };
        let mut abandoned = false;
        // The phases' times with -vv, as SQLite's record logs them.
        let phase = std::time::Instant::now();
        let at = |what: &str| {
            tracing::debug!("{what} at {:.2}s", phase.elapsed().as_secs_f64());
        };
        let out = self.rt.block_on(async {
            let mut tx = c.begin().await?;
            if let Some(id) = lock_scope(&mut tx, run).await? {
                return Ok(id);
            }
            let latest = latest_run(&mut tx, &run.record.scope).await?;
            let new_findings = write_content(&mut tx, run, &sets, &at).await?;
            tx.commit().await?;
            at("content committed");
            if !go() {
                // The content stays unreferenced; retention removes it with the scope's sets
                // no run refers to.
                abandoned = true;
                return Ok(0);
            }
            let mut tx = c.begin().await?;
            if let Some(id) = lock_scope(&mut tx, run).await? {
                return Ok(id);
            }
            // Another run of the scope recorded in between (its retention may have removed
            // this content): planned and written again, as one transaction would have.
            let new_findings = if latest_run(&mut tx, &run.record.scope).await? == latest
                && content_held(&mut tx, &run.record.scope, &sets).await?
            {
                new_findings
            } else {
                tracing::debug!(
                    "the scope changed since its content was written; writing it again"
                );
                write_content(&mut tx, run, &sets, &at).await?
            };
            let id = write_run(&mut tx, run, &sets, new_findings).await?;
            // Fault injection for the crash tests (tests/drift.rs): hold the transaction
            // open so a test can kill the process, or the server, mid-write.
            if let Some(ms) = hold {
                tracing::warn!("holding the state transaction for {ms} ms (test hook)");
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            tx.commit().await?;
            at("committed");
            Ok::<i64, sqlx::Error>(id)
        });
        drop(guard);
        if abandoned {
            return Err(StoreError::Abandoned {
                path: self.path.clone(),
            });
        }
        out.map_err(|e| self.error(e))
    }

    /// The rows of a read-only query (`Store::rows`): integers (any width) and text.
    pub fn rows(&self, sql: &str) -> Result<Vec<Vec<super::Cell>>, StoreError> {
        use super::Cell;
        // The fleet view's own SQL, composed of constants and integers.
        let sql = sql.to_string();
        self.run(|c| {
            Box::pin(async move {
                let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(c).await?;
                Ok(rows
                    .iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| {
                                if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                                    v.map_or(Cell::Null, Cell::Int)
                                } else if let Ok(v) = r.try_get::<Option<i32>, _>(i) {
                                    v.map_or(Cell::Null, |v| Cell::Int(v.into()))
                                } else if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                                    v.map_or(Cell::Null, Cell::Text)
                                } else {
                                    Cell::Null
                                }
                            })
                            .collect()
                    })
                    .collect())
            })
        })
    }

    /// The location without its password.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A polite goodbye, so the server does not log an unexpected end of file.
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(conn) = conn {
            let _ = self.rt.block_on(conn.close());
        }
    }
}

/// What an error means for the run.
enum Class {
    /// Another writer holds the scope's lock past `--state-wait`.
    Locked,
    /// The network or the server went away: spool the run and deliver it later.
    Unreachable,
    /// The server or TLS said no: the configuration needs fixing.
    Refused,
    /// Anything else.
    Other,
}

/// A finding set's value read a megabyte at a time (`substring`), for [`Postgres::set_marks`].
struct Slices<'s> {
    store: &'s Postgres,
    scope: String,
    name: String,
    /// Bytes of the value read so far.
    at: usize,
    len: usize,
    buf: Vec<u8>,
    pos: usize,
    /// The store's error, if a read failed (the reader can only say that one did).
    error: Option<StoreError>,
}

impl std::io::Read for Slices<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        const SLICE: usize = 1 << 20;
        if self.pos == self.buf.len() {
            if self.at >= self.len {
                return Ok(0);
            }
            let (scope, name) = (self.scope.clone(), self.name.clone());
            // Positions count from 1; a value is far below 2 GiB.
            let from = i32::try_from(self.at + 1).unwrap_or(i32::MAX);
            let count = i32::try_from(SLICE.min(self.len - self.at)).unwrap_or(i32::MAX);
            let slice = self.store.run(|c| {
                Box::pin(async move {
                    sqlx::query_scalar::<_, Vec<u8>>(
                        "SELECT substring(marks FROM $3 FOR $4) FROM finding_sets
                         WHERE scope = $1 AND set_digest = $2",
                    )
                    .bind(&scope)
                    .bind(&name)
                    .bind(from)
                    .bind(count)
                    .fetch_one(c)
                    .await
                })
            });
            match slice {
                Ok(b) if !b.is_empty() => {
                    self.at += b.len();
                    self.buf = b;
                    self.pos = 0;
                }
                Ok(_) => return Ok(0),
                Err(e) => {
                    self.error = Some(e);
                    return Err(std::io::Error::other("the state store failed"));
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A packed value that does not read back, as the driver's error (the write is abandoned).
fn pack_error(e: super::pack::PackError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}
/// Takes the scope's lock for the transaction (other writers of the scope wait), then looks
/// for the run: the id of a run already recorded (delivered again from the spool), which is
/// not recorded twice.
async fn lock_scope(c: &mut PgConnection, run: &NewRun) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(&run.record.scope)
        .execute(&mut *c)
        .await?;
    let key = (!run.record.run_key.is_empty()).then_some(run.record.run_key.as_str());
    sqlx::query_scalar::<_, i64>("SELECT id FROM runs WHERE run_key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await
}

/// The id of the scope's latest run.
async fn latest_run(c: &mut PgConnection, scope: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(id) FROM runs WHERE scope = $1")
        .bind(scope)
        .fetch_one(&mut *c)
        .await
}

/// Whether the scope holds the run's resource and finding sets (`write_content` leaves a
/// finding set of every run, and a resource set of every run with resources).
async fn content_held(
    c: &mut PgConnection,
    scope: &str,
    sets: &super::Sets<'_>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM finding_sets WHERE scope = $1 AND set_digest = $2)
           AND ($3 OR EXISTS (SELECT 1 FROM set_resources WHERE scope = $1 AND set_digest = $4))",
    )
    .bind(scope)
    .bind(&sets.finding_set)
    .bind(sets.resources.is_empty())
    .bind(&sets.resource_set)
    .fetch_one(&mut *c)
    .await
}

/// Writes what the scope does not hold of the run's content: its bodies and resource set,
/// its finding set and its pack of new texts. Returns the run's count of new findings.
async fn write_content(
    c: &mut PgConnection,
    run: &NewRun,
    sets: &super::Sets<'_>,
    at: &impl Fn(&str),
) -> Result<Option<i64>, sqlx::Error> {
    let scope = run.record.scope.as_str();
    let findings = plan_findings(&mut *c, run, sets).await?;
    at("planned");
    // A set the scope already holds (an unchanged run) is referred to, not stored.
    let held_resources: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM set_resources WHERE scope = $1 AND set_digest = $2)",
    )
    .bind(scope)
    .bind(&sets.resource_set)
    .fetch_one(&mut *c)
    .await?;
    let res: &[&(String, String, String, Option<crate::snapshot::Body>)] =
        if held_resources { &[] } else { &sets.resources };
    // Bodies: only those the scope does not hold yet travel to the server.
    let mut digests: Vec<&str> = res.iter().map(|r| r.2.as_str()).collect();
    digests.sort_unstable();
    digests.dedup();
    let mut held: HashSet<String> = HashSet::new();
    for chunk in digests.chunks(BATCH) {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT digest FROM bodies WHERE scope = $1 AND digest = ANY($2)")
                .bind(scope)
                .bind(chunk)
                .fetch_all(&mut *c)
                .await?;
        held.extend(rows);
    }
    let mut missing: Vec<(&str, &crate::snapshot::Body)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (_, _, digest, body) in res.iter().copied() {
        // No body: the previous run of the scope had this digest, so it is held.
        let Some(body) = body.as_ref() else { continue };
        if !held.contains(digest.as_str()) && seen.insert(digest) {
            missing.push((digest, body));
        }
    }
    missing.sort_unstable_by_key(|m| m.0);
    // Copied, not inserted: neither can meet a row already there (the bodies held were left
    // out above, the set is new, and the scope's lock keeps other writers of the scope out),
    // and COPY streams them without the arrays a batched insert encodes (a first run's
    // 10,000 bodies took 0.2 s and 28 MB that way).
    copy_rows(
        &mut *c,
        "COPY bodies (scope, digest, body) FROM STDIN (FORMAT binary)",
        missing.iter().map(|(d, b)| {
            let text = b.text().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok([Cow::Borrowed(scope), Cow::Borrowed(*d), Cow::Owned(text)])
        }),
    )
    .await?;
    copy_rows(
        &mut *c,
        "COPY set_resources (scope, set_digest, resource_id, kind, digest)
         FROM STDIN (FORMAT binary)",
        res.iter().map(|r| {
            Ok([
                scope,
                sets.resource_set.as_str(),
                r.0.as_str(),
                r.1.as_str(),
                r.2.as_str(),
            ])
        }),
    )
    .await?;
    at("wrote resources");
    if let Some((name, texts)) = &findings.texts {
        // Held already (the same texts given before): the scope's lock keeps another writer
        // from adding it between this look and the copy.
        let held: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM finding_texts WHERE scope = $1 AND pack = $2)",
        )
        .bind(scope)
        .bind(name)
        .fetch_one(&mut *c)
        .await?;
        if !held {
            copy_row(
                &mut *c,
                "COPY finding_texts (scope, pack, texts) FROM STDIN (FORMAT binary)",
                &[scope, name],
                texts,
            )
            .await?;
        }
    }
    if let Some((marks, packs)) = &findings.set {
        copy_row(
            &mut *c,
            "COPY finding_sets (scope, set_digest, packs, marks) FROM STDIN (FORMAT binary)",
            &[scope, &sets.finding_set, packs],
            &super::pack::PackOut::Bytes(Cow::Borrowed(&marks[..])),
        )
        .await?;
    }
    at("wrote findings");
    Ok(findings.new_findings)
}

/// Records the run itself (its row and benchmark controls, referring to its content), then
/// applies retention to the scope. Returns the run's id.
async fn write_run(
    c: &mut PgConnection,
    run: &NewRun,
    sets: &super::Sets<'_>,
    new_findings: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let r = &run.record;
    let scope = r.scope.as_str();
    let key = (!r.run_key.is_empty()).then_some(r.run_key.as_str());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO runs (scope, started_at, recorded_at, tool_version,
             policy_digest, sources, resources, passed, failed, waived,
             not_assessed, errors, failed_by_severity, run_key, resource_set,
             finding_set, new_findings, controls_passed, controls_failed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 $16, $17, $18, $19)
         RETURNING id",
    )
    .bind(scope)
    .bind(&r.started_at)
    .bind(crate::snapshot::now_rfc3339())
    .bind(&r.tool_version)
    .bind(&r.policy_digest)
    .bind(run.sources.as_str())
    .bind(r.resources)
    .bind(r.passed)
    .bind(r.failed)
    .bind(r.waived)
    .bind(r.not_assessed)
    .bind(r.errors)
    .bind(r.failed_by_severity.to_string())
    .bind(key)
    .bind(&sets.resource_set)
    .bind(&sets.finding_set)
    .bind(new_findings)
    .bind(run.control_count("PASS"))
    .bind(run.control_count("FAIL"))
    .fetch_one(&mut *c)
    .await?;
    for chunk in run.controls.chunks(BATCH) {
        let col = |g: fn(&ControlStatus) -> &str| -> Vec<&str> { chunk.iter().map(g).collect() };
        sqlx::query(
            "INSERT INTO run_controls (run_id, benchmark, control_id, title, status)
             SELECT $1, b, c, t, s FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[],
                                              $5::TEXT[]) AS u (b, c, t, s)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(col(|c| &c.benchmark))
        .bind(col(|c| &c.control))
        .bind(col(|c| &c.title))
        .bind(col(|c| &c.status))
        .execute(&mut *c)
        .await?;
    }
    // Retention: the newest `keep` runs of the scope; then, when a run was pruned (nothing
    // else leaves a set unreferenced but a run whose reports failed, or which was killed,
    // after its content was written), the scope's sets, bodies and findings no kept run
    // refers to.
    let pruned = sqlx::query(
        "DELETE FROM runs WHERE scope = $1 AND id NOT IN
           (SELECT id FROM runs WHERE scope = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(scope)
    .bind(run.keep.max(1) as i64)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if pruned > 0 {
        sqlx::query(
            "DELETE FROM set_resources WHERE scope = $1 AND set_digest NOT IN
               (SELECT resource_set FROM runs WHERE scope = $1 AND resource_set IS NOT NULL)",
        )
        .bind(scope)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "DELETE FROM finding_sets WHERE scope = $1 AND set_digest NOT IN
               (SELECT finding_set FROM runs WHERE scope = $1 AND finding_set IS NOT NULL)",
        )
        .bind(scope)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "DELETE FROM bodies b WHERE b.scope = $1 AND NOT EXISTS
               (SELECT 1 FROM run_resources rr JOIN runs r ON r.id = rr.run_id
                WHERE r.scope = $1 AND rr.digest = b.digest)
             AND NOT EXISTS (SELECT 1 FROM set_resources sr
                WHERE sr.scope = $1 AND sr.digest = b.digest)",
        )
        .bind(scope)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "DELETE FROM finding_texts t WHERE t.scope = $1 AND NOT EXISTS
               (SELECT 1 FROM finding_sets s
                WHERE s.scope = $1 AND strpos(s.packs, t.pack) > 0)",
        )
        .bind(scope)
        .execute(&mut *c)
        .await?;
    }
    Ok(id)
}

/// What the run writes of its findings (`pack::plan`), read against the scope's previous
/// run inside the write transaction, after the scope's lock.
async fn plan_findings<'a>(
    c: &mut PgConnection,
    run: &'a NewRun,
    sets: &super::Sets<'_>,
) -> Result<super::pack::FindingsWrite<'a>, sqlx::Error> {
    use super::pack;
    let scope = run.record.scope.as_str();
    let previous: Option<String> = sqlx::query_scalar::<_, Option<String>>(
        "SELECT finding_set FROM runs WHERE scope = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(scope)
    .fetch_optional(&mut *c)
    .await?
    .flatten();
    let held: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM finding_sets WHERE scope = $1 AND set_digest = $2)",
    )
    .bind(scope)
    .bind(&sets.finding_set)
    .fetch_one(&mut *c)
    .await?;
    let mut read = None;
    let needed = pack::needs_previous(held, previous.as_deref(), &sets.finding_set)
        && !pack::built_fits(run, held, previous.as_deref());
    if let (true, Some(p)) = (needed, &previous) {
        let bytes: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT marks FROM finding_sets WHERE scope = $1 AND set_digest = $2",
        )
        .bind(scope)
        .bind(p)
        .fetch_optional(&mut *c)
        .await?;
        if let Some(b) = bytes {
            read = Some(pack::Marks::decode(&b).map_err(pack_error)?);
        }
    }
    let before = read.as_ref();
    let planned = pack::plan(run, sets, held, previous.as_deref(), before, &[]);
    if planned.missing == 0 {
        return Ok(planned);
    }
    // Texts the comparison found in a run other than the latest: the scope's other sets.
    let all: Vec<Vec<u8>> = sqlx::query_scalar("SELECT marks FROM finding_sets WHERE scope = $1")
        .bind(scope)
        .fetch_all(&mut *c)
        .await?;
    let other = all
        .iter()
        .map(|b| pack::Marks::decode(b).map_err(pack_error))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pack::plan(
        run,
        sets,
        held,
        previous.as_deref(),
        before,
        &other,
    ))
}

/// Writes one row with `COPY ... FROM STDIN` in binary form: the text fields `texts`, then the
/// packed `value`, sent a chunk at a time as it is packed (`copy` names the table and its
/// columns in that order). Bound as a parameter, a packed value is copied whole into the
/// driver's buffer: a first run's 24 MB of texts were packed in advance and copied again.
async fn copy_row(
    c: &mut PgConnection,
    copy: &str,
    texts: &[&str],
    value: &super::pack::PackOut<'_>,
) -> Result<(), sqlx::Error> {
    let len = value.len();
    let Ok(field) = i32::try_from(len) else {
        return Err(sqlx::Error::Protocol(format!(
            "a packed value of {len} bytes is larger than a value may be"
        )));
    };
    // The binary COPY format: signature, flags, header extension length; then the row (its
    // field count, and each field's length and bytes), then the end marker.
    let mut head: Vec<u8> = Vec::with_capacity(64 + texts.iter().map(|t| t.len()).sum::<usize>());
    head.extend_from_slice(COPY_SIGNATURE);
    head.extend_from_slice(&(texts.len() as i16 + 1).to_be_bytes());
    for text in texts {
        put_field(&mut head, text)?;
    }
    head.extend_from_slice(&field.to_be_bytes());
    let mut copy = c.copy_in_raw(copy).await?;
    let sent = async {
        copy.send(head).await?;
        let (mut chunks, mut sent) = (value.chunks(COPY_CHUNK), 0usize);
        while let Some(chunk) = chunks.next_chunk() {
            sent += chunk.len();
            copy.send(chunk).await?;
        }
        if sent != len {
            return Err(sqlx::Error::Protocol(format!(
                "a packed value gave {sent} bytes of the {len} it said"
            )));
        }
        copy.send(&(-1i16).to_be_bytes()[..]).await?;
        Ok(())
    }
    .await;
    end_copy(copy, sent).await
}

/// Ends a copy: finished when all was sent, else aborted with the error. Ended either way,
/// so the connection stays usable (and the transaction, which rolls back, reports the first
/// error).
async fn end_copy(
    copy: sqlx::postgres::PgCopyIn<&mut PgConnection>,
    sent: Result<(), sqlx::Error>,
) -> Result<(), sqlx::Error> {
    match sent {
        Ok(()) => copy.finish().await.map(|_| ()),
        Err(e) => {
            let _ = copy.abort(e.to_string()).await;
            Err(e)
        }
    }
}

/// The size of the chunks a packed value is sent in.
const COPY_CHUNK: usize = 256 * 1024;

/// Writes rows of text fields with `COPY ... FROM STDIN` in binary form (`copy` names the
/// table and its columns in the rows' order), sent as they are encoded, `COPY_CHUNK` bytes at
/// a time; a row that cannot be given ends the copy with its error. No rows, no copy.
async fn copy_rows<F: AsRef<str>, const N: usize>(
    c: &mut PgConnection,
    copy: &str,
    rows: impl Iterator<Item = Result<[F; N], sqlx::Error>>,
) -> Result<(), sqlx::Error> {
    let mut rows = rows.peekable();
    if rows.peek().is_none() {
        return Ok(());
    }
    let mut buf: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 4096);
    buf.extend_from_slice(COPY_SIGNATURE);
    let mut copy = c.copy_in_raw(copy).await?;
    let sent = async {
        for row in rows {
            buf.extend_from_slice(&(N as i16).to_be_bytes());
            for field in row? {
                put_field(&mut buf, field.as_ref())?;
            }
            if buf.len() >= COPY_CHUNK {
                copy.send(&buf[..]).await?;
                buf.clear();
            }
        }
        buf.extend_from_slice(&(-1i16).to_be_bytes());
        copy.send(&buf[..]).await?;
        Ok(())
    }
    .await;
    end_copy(copy, sent).await
}

/// Appends a text field in the binary COPY format: its length, then its bytes.
fn put_field(buf: &mut Vec<u8>, field: &str) -> Result<(), sqlx::Error> {
    let Ok(len) = i32::try_from(field.len()) else {
        return Err(sqlx::Error::Protocol(format!(
            "a value of {} bytes is larger than a value may be",
            field.len()
        )));
    };
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(field.as_bytes());
    Ok(())
}

/// The binary COPY format's header: signature, flags, header extension length.
const COPY_SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// Migration 6: the scope's per-finding rows into packed sets and texts (`pack::convert`),
/// each run given its set's name (runs before sets had none) and its count of new findings.
async fn convert_findings(c: &mut PgConnection) -> Result<(), sqlx::Error> {
    use super::pack;
    let scopes: Vec<String> =
        sqlx::query_scalar("SELECT scope FROM runs UNION SELECT scope FROM findings")
            .fetch_all(&mut *c)
            .await?;
    for scope in scopes {
        let mut legacy = pack::Legacy::default();
        let rows = sqlx::query(
            "SELECT fingerprint, check_id, resource_id, severity, message, first_seen, text_hash
             FROM findings WHERE scope = $1",
        )
        .bind(&scope)
        .fetch_all(&mut *c)
        .await?;
        for r in &rows {
            legacy.texts.push((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
                r.try_get(5)?,
                r.try_get(6)?,
            ));
        }
        let rows = sqlx::query(
            "SELECT set_digest, fingerprint, status FROM set_findings WHERE scope = $1",
        )
        .bind(&scope)
        .fetch_all(&mut *c)
        .await?;
        for r in &rows {
            legacy
                .sets
                .entry(r.try_get(0)?)
                .or_default()
                .push((r.try_get(1)?, r.try_get(2)?));
        }
        let rows = sqlx::query(
            "SELECT rf.run_id, rf.fingerprint, rf.status FROM run_findings rf
             JOIN runs r ON r.id = rf.run_id WHERE r.scope = $1",
        )
        .bind(&scope)
        .fetch_all(&mut *c)
        .await?;
        for r in &rows {
            legacy
                .run_rows
                .entry(r.try_get(0)?)
                .or_default()
                .push((r.try_get(1)?, r.try_get(2)?));
        }
        let rows = sqlx::query("SELECT id, finding_set FROM runs WHERE scope = $1 ORDER BY id")
            .bind(&scope)
            .fetch_all(&mut *c)
            .await?;
        for r in &rows {
            legacy.runs.push((r.try_get(0)?, r.try_get(1)?));
        }
        let converted = pack::convert(legacy);
        if let Some((name, bytes)) = &converted.texts {
            sqlx::query("INSERT INTO finding_texts (scope, pack, texts) VALUES ($1, $2, $3)")
                .bind(&scope)
                .bind(name)
                .bind(bytes)
                .execute(&mut *c)
                .await?;
        }
        for (name, marks, packs) in &converted.sets {
            sqlx::query(
                "INSERT INTO finding_sets (scope, set_digest, marks, packs) VALUES ($1, $2, $3, $4)",
            )
            .bind(&scope)
            .bind(name)
            .bind(marks)
            .bind(packs)
            .execute(&mut *c)
            .await?;
        }
        for (id, set, new) in &converted.runs {
            sqlx::query("UPDATE runs SET finding_set = $1, new_findings = $2 WHERE id = $3")
                .bind(set)
                .bind(new)
                .bind(id)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

fn classify(e: &sqlx::Error) -> Class {
    match e {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("55P03") => Class::Locked,
            // Connection exceptions (08), operator intervention: the server shutting down
            // or starting up (57P01-57P03).
            Some(c) if c.starts_with("08") || c.starts_with("57P") => Class::Unreachable,
            // Authorization (28), no such database (3D000), too many connections (53300 is
            // an outage, not a refusal).
            Some("53300") => Class::Unreachable,
            Some(c) if c.starts_with("28") || c == "3D000" => Class::Refused,
            _ => Class::Other,
        },
        // A TLS handshake that failed (an untrusted or mismatched certificate) arrives as an
        // I/O error of kind InvalidData carrying rustls's error: a refusal, not an outage.
        sqlx::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                || io
                    .get_ref()
                    .is_some_and(|inner| inner.is::<rustls::Error>()) =>
        {
            Class::Refused
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => {
            Class::Unreachable
        }
        sqlx::Error::Protocol(_) => Class::Unreachable,
        sqlx::Error::Tls(_) | sqlx::Error::Configuration(_) => Class::Refused,
        _ => Class::Other,
    }
}

/// sqlx's error as one line a user can act on: the server's own message for database errors.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_string(),
        },
        other => other.to_string(),
    }
}

const SELECT_RUN: &str = "SELECT id, scope, started_at, tool_version, policy_digest, resources,
    passed, failed, waived, not_assessed, errors, failed_by_severity, run_key, finding_set
    FROM runs";

fn run_from_row(r: &PgRow) -> Result<RunRecord, sqlx::Error> {
    let sev: String = r.try_get(11)?;
    Ok(RunRecord {
        id: r.try_get(0)?,
        scope: r.try_get(1)?,
        started_at: r.try_get(2)?,
        tool_version: r.try_get(3)?,
        policy_digest: r.try_get(4)?,
        resources: r.try_get(5)?,
        passed: r.try_get(6)?,
        failed: r.try_get(7)?,
        waived: r.try_get(8)?,
        not_assessed: r.try_get(9)?,
        errors: r.try_get(10)?,
        failed_by_severity: serde_json::from_str(&sev).unwrap_or_default(),
        run_key: r.try_get::<Option<String>, _>(12)?.unwrap_or_default(),
        finding_set: r.try_get::<Option<String>, _>(13)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_migrate_in_the_same_steps() {
        assert_eq!(MIGRATIONS.len(), super::super::sqlite::MIGRATIONS.len());
    }

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact("postgres://scanner:s3cret@db.example:5432/plimsoll?sslmode=verify-full"),
            "postgres://scanner:***@db.example:5432/plimsoll?sslmode=verify-full"
        );
        assert_eq!(
            redact("postgresql://db/plimsoll?user=a&password=s3cret"),
            "postgresql://db/plimsoll?user=a&password=***"
        );
        assert!(!redact("postgres://a:s3cret@[::1").contains("s3cret"));
        // A misspelt parameter is refused by name, without its value.
        let e = Postgres::connect(
            "postgres://a:s3cret@127.0.0.1:1/x?sslmod=disable&passwd=s3cret",
            Duration::from_millis(100),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("unknown parameter \"sslmod\""), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }
}
