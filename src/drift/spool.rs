//! The local spool: runs a shared store could not take, kept on disk until it can.
//!
//! A scheduled scanner must not lose a night's run because the fleet's database was down, and
//! must not record one twice because the database died between committing and answering. So:
//!
//! * when the store cannot be reached at the start of a run, or goes away while the run is
//!   being written, the run (its record, resource digests and bodies, and findings, exactly
//!   what the store would have received) is written to a file in the spool directory, and the
//!   reports are written as usual;
//! * the next run that reaches the store delivers the spooled runs first, oldest first, so the
//!   store's history stays in the order the runs happened; `plimsoll spool --deliver` does the
//!   same on demand;
//! * every run carries a random key, unique in the store: delivering a run the store already
//!   holds records nothing and removes the file.
//!
//! The files hold what the store would hold: redacted at collection, no secret values. Each is
//! written to a temporary name and renamed, mode 0600, in a 0700 directory.

use super::store::{NewRun, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Format of a spool file; a newer one is left alone.
const FORMAT: u32 = 1;

/// A spool problem.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// The directory or a file cannot be written or read.
    #[error("spool {path}: {message}")]
    Io {
        /// The file or directory.
        path: String,
        /// Why.
        message: String,
    },
    /// Delivering a spooled run failed in the store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A run kept for later delivery.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpooledRun {
    /// Spool file format.
    pub format: u32,
    /// The store it is for, as messages name it (password removed): delivered only there.
    pub store: String,
    /// Why it was spooled.
    pub reason: String,
    /// The run, as the store would have received it (its run key makes delivery
    /// idempotent).
    #[serde(flatten)]
    pub run: NewRun,
}

/// A spooled run as listed: its file and what it holds.
#[derive(Debug)]
pub struct Listed {
    /// The file.
    pub path: PathBuf,
    /// The run, or why its file cannot be read.
    pub run: Result<SpooledRun, String>,
}

/// The default spool: `$XDG_STATE_HOME/plimsoll/spool`, or `~/.local/state/plimsoll/spool`.
pub fn default_dir() -> Option<PathBuf> {
    super::store::default_path().and_then(|p| p.parent().map(|d| d.join("spool")))
}

fn io(path: &Path, e: impl std::fmt::Display) -> SpoolError {
    SpoolError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes `run` into `dir`; the file's path.
pub fn put(dir: &Path, run: &SpooledRun) -> Result<PathBuf, SpoolError> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io(dir, e))?;
    // Names sort in the order the runs started.
    let stamp: String = run
        .run
        .record
        .started_at
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let name = format!("{stamp}-{}.json", run.run.record.run_key);
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let text = serde_json::to_vec(run).map_err(|e| io(&path, e))?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| io(&tmp, e))?;
    f.write_all(&text)
        .and_then(|_| f.sync_all())
        .map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
    Ok(path)
}

/// The spooled runs in `dir`, oldest first (none when it does not exist).
pub fn list(dir: &Path) -> Result<Vec<Listed>, SpoolError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| {
            let run = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<SpooledRun>(&b).map_err(|e| e.to_string()))
                .and_then(|r| {
                    if r.format > FORMAT {
                        Err(format!(
                            "spool format {} is newer than this plimsoll's ({FORMAT})",
                            r.format
                        ))
                    } else {
                        Ok(r)
                    }
                });
            Listed { path, run }
        })
        .collect())
}

/// Delivers the runs spooled for `store`, oldest first; the ids they have in it. A run the
/// store already holds (same key) is not recorded again. An unreadable file is left in place
/// and reported; the store going away stops delivery with its error (the rest stay spooled).
pub fn deliver(dir: &Path, store: &mut Store) -> Result<Delivered, SpoolError> {
    let mut out = Delivered::default();
    for listed in list(dir)? {
        let run = match listed.run {
            Ok(run) if run.store == store.path() => run,
            Ok(_) => continue,
            Err(why) => {
                out.unreadable
                    .push(format!("{}: {why}", listed.path.display()));
                continue;
            }
        };
        let id = record(store, run)?;
        std::fs::remove_file(&listed.path).map_err(|e| io(&listed.path, e))?;
        out.ids.push(id);
    }
    Ok(out)
}

/// What a delivery did.
#[derive(Debug, Default)]
pub struct Delivered {
    /// The delivered runs' ids in the store, in order.
    pub ids: Vec<i64>,
    /// Spool files that could not be read, with why.
    pub unreadable: Vec<String>,
}

/// Records one spooled run. It was judged without the store; recording takes each finding's
/// first-seen time from the previous run of its scope where that run had it, as a run that
/// reached the store would have had it (`pack::plan`).
fn record(store: &mut Store, spooled: SpooledRun) -> Result<i64, StoreError> {
    store.record(&spooled.run)
}
