//! A ceiling on the process's resident memory, for what no other bound reaches. Inputs are
//! bounded where they are read (docs/security.md, "Bounds"), and the ranges and format widths
//! a policy may build per call in `engine/bounds.rs`; but a user policy can still build
//! gigabytes from ordinary builtins (`concat`, `sprintf`, comprehensions) within
//! `--eval-timeout`, and regorus offers no memory bound short of replacing the allocator with
//! its own (measured: a tenth slower and 60 % more peak memory on a 100,000-resource scan).
//!
//! So a thread reads the resident set size (`VmRSS` of `/proc/self/status`, every 20 ms) and,
//! past the ceiling, hands the caller an [`Exceeded`] naming what each worker was evaluating;
//! the CLI prints it and stops with exit 2. Stopping the run is the fail-closed answer: no
//! report from a run that could not finish is better than one the kernel's OOM killer cuts
//! off with no word, or one that passes what was never judged. Reading the counter costs a few
//! microseconds per poll and nothing on the evaluation path but one string copy per resource.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// How often the resident size is read. A policy allocating as fast as memory can be touched
/// (a few GB/s) passes the ceiling by at most a few hundred MiB before it is seen.
const POLL: Duration = Duration::from_millis(20);

/// What was running when the ceiling was passed.
#[derive(Debug, Clone)]
pub struct Exceeded {
    /// Resident memory seen, in MiB.
    pub resident_mib: u64,
    /// The ceiling, in MiB.
    pub limit_mib: u64,
    /// The resource each evaluating worker was on (empty when no evaluation was running).
    pub evaluating: Vec<String>,
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resident memory reached {} MiB, past the --max-memory-mib limit of {} MiB",
            self.resident_mib, self.limit_mib
        )?;
        if self.evaluating.is_empty() {
            write!(f, " (no check was running: the input itself is that large)")
        } else {
            write!(
                f,
                " while evaluating {}: a check (most likely a user policy) built more than it should; raise the limit if the input is that large",
                self.evaluating.join(", ")
            )
        }
    }
}

type Slot = Arc<Mutex<String>>;

/// Every evaluating thread's slot; a thread's slot goes with the thread.
static SLOTS: Mutex<Vec<Weak<Mutex<String>>>> = Mutex::new(Vec::new());

std::thread_local! {
    static SLOT: Slot = {
        let slot: Slot = Arc::default();
        if let Ok(mut all) = SLOTS.lock() {
            all.retain(|w| w.strong_count() > 0);
            all.push(Arc::downgrade(&slot));
        }
        slot
    };
}

/// Records that this thread now evaluates `resource` (empty: nothing). The slot's buffer is
/// reused, so after the first resources this does not allocate.
pub fn evaluating(resource: &str) {
    SLOT.with(|slot| {
        if let Ok(mut s) = slot.lock() {
            s.clear();
            s.push_str(resource);
        }
    });
}

fn evaluating_now() -> Vec<String> {
    let Ok(all) = SLOTS.lock() else {
        return Vec::new();
    };
    let mut out: Vec<String> = all
        .iter()
        .filter_map(Weak::upgrade)
        .filter_map(|s| s.lock().ok().map(|s| s.clone()))
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The process's resident set size in bytes, where the platform tells it (Linux).
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// ", peak RSS 123 MB" for the phase lines of `-v`, where the OS tells (Linux: `VmHWM`):
/// memory is a target like time, and this shows which phase reaches the peak.
pub fn peak() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!(", peak RSS {} MB", kb / 1024))
        })
        .unwrap_or_default()
}

/// The running watch; dropping it stops the thread.
#[derive(Debug)]
pub struct Watch {
    stop: Arc<AtomicBool>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Watches resident memory against `limit_mib` and calls `on_exceeded` once, from the watching
/// thread, when it is passed. The callback is expected to end the process: the thread that
/// built the memory cannot be stopped from outside.
pub fn watch(limit_mib: u64, on_exceeded: impl FnOnce(Exceeded) + Send + 'static) -> Watch {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let limit = limit_mib.saturating_mul(1024 * 1024);
    std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            match resident_bytes() {
                Some(rss) if rss > limit => {
                    on_exceeded(Exceeded {
                        resident_mib: rss.div_ceil(1024 * 1024),
                        limit_mib,
                        evaluating: evaluating_now(),
                    });
                    return;
                }
                Some(_) => {}
                // Nothing to read on this platform: no ceiling, said once at debug level.
                None => {
                    tracing::debug!(
                        "no resident memory counter here; --max-memory-mib is not kept"
                    );
                    return;
                }
            }
            std::thread::sleep(POLL);
        }
    });
    Watch { stop }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_size_counts_touched_memory() {
        // Other tests run alongside and free memory: only the block itself is certain.
        let block = vec![1u8; 64 * 1024 * 1024];
        let rss = resident_bytes().expect("Linux has /proc/self/status");
        assert!(rss >= 64 * 1024 * 1024, "{rss}");
        drop(block);
    }

    #[test]
    fn the_message_names_what_was_being_evaluated() {
        evaluating("Pod/default/web");
        let now = evaluating_now();
        assert!(now.contains(&"Pod/default/web".to_string()), "{now:?}");
        let e = Exceeded {
            resident_mib: 300,
            limit_mib: 256,
            evaluating: now,
        };
        let text = e.to_string();
        assert!(
            text.contains("256 MiB") && text.contains("Pod/default/web"),
            "{text}"
        );
        evaluating("");
        assert!(!evaluating_now().contains(&"Pod/default/web".to_string()));
    }
}
