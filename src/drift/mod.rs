//! Drift: what changed between two runs of the same scope. Findings are compared by
//! fingerprint (new, resolved, persisting with the time first seen); resources by id and a
//! digest of their canonical body (added, removed, changed with the changed field paths).
//!
//! The previous run comes from the state store ([`store`]) for `scan`, or from a second file
//! for `plimsoll diff`. Values shown for changed fields pass through [`redact_value`]: the
//! snapshot is already redacted at collection, and the diff must not undo that.

pub mod fleet;
pub mod fleet_page;
pub mod spool;
pub mod store;

use crate::finding::Status;
use crate::report::model::{
    BaselineState, ChangedResource, Drift, FieldChange, PreviousRun, Report, ResolvedFinding,
    ResourceDrift,
};
use crate::snapshot::{Assessed, REDACTED, Resource, Retained, Snapshot, SourceInfo};
use arcstr::ArcStr;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::{NewRun, RunRecord, Store, StoreError, StoredFinding};

/// Field paths whose changes are noise, not drift: bookkeeping the API server rewrites, and
/// node heartbeats.
const VOLATILE: &[&str] = &[
    "metadata.resourceVersion",
    "metadata.generation",
    "metadata.managedFields",
    "status.conditions",
];

fn volatile(path: &str) -> bool {
    VOLATILE.iter().any(|v| {
        path == *v
            || path
                .strip_prefix(v)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// Appends the leaves of `v` under `prefix` to `out`: path (policy syntax) -> compact JSON.
/// Empty objects and arrays are leaves too, so adding `{}` is a change.
pub fn flatten(v: &Value, prefix: &str, out: &mut impl Extend<(String, String)>) {
    visit_leaves(v, &mut prefix.to_string(), &mut |path, leaf| {
        out.extend(std::iter::once((path.to_string(), leaf.to_string())));
    });
}

/// Calls `leaf` with the path and value of each leaf of `v` under `path` (volatile fields
/// left out; empty objects and arrays are leaves). The path is built in the one buffer as the
/// walk goes down and back up (not a string for every node); it is as given on return.
fn visit_leaves<'v>(v: &'v Value, path: &mut String, leaf: &mut dyn FnMut(&str, &'v Value)) {
    if volatile(path) {
        return;
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                let n = path.len();
                crate::snapshot::push_segment(path, k);
                visit_leaves(child, path, leaf);
                path.truncate(n);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, child) in a.iter().enumerate() {
                let n = path.len();
                let _ = std::fmt::Write::write_fmt(path, format_args!("[{i}]"));
                visit_leaves(child, path, leaf);
                path.truncate(n);
            }
        }
        _ => leaf(path, v),
    }
}

/// The object of a resource, flattened.
pub fn leaves(body: &serde_json::Map<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in body {
        flatten(v, &crate::snapshot::push_key("", k), &mut out);
    }
    out
}

/// A digest of a resource's canonical body (sorted leaves, volatile fields left out), so key
/// order and bookkeeping fields do not count as changes.
pub fn digest(resource: &Resource) -> String {
    digest_of(&resource.object)
}

/// The digest of a body (see [`digest`]).
pub fn digest_of(body: &serde_json::Map<String, Value>) -> String {
    // The fingerprint of the leaves in path order, as `leaves` gives them: sorted once in a
    // vector rather than kept in order in a map (paths are unique: keys with dots or brackets
    // are quoted). The paths are written one after another into one text (built in one
    // reused buffer as the walk goes down and back up, not a string for every node), each
    // value into one reused buffer.
    let mut paths = String::with_capacity(4096);
    let mut path = String::with_capacity(256);
    let mut leaves: Vec<(usize, usize, &Value)> = Vec::with_capacity(64);
    for (k, v) in body {
        path.clear();
        crate::snapshot::push_segment(&mut path, k);
        visit_leaves(v, &mut path, &mut |p, leaf| {
            let start = paths.len();
            paths.push_str(p);
            leaves.push((start, paths.len(), leaf));
        });
    }
    leaves.sort_unstable_by(|a, b| paths[a.0..a.1].cmp(&paths[b.0..b.1]));
    let mut hash = crate::finding::Fingerprint::start();
    let mut text = String::with_capacity(256);
    for &(start, end, v) in &leaves {
        hash.part(&paths[start..end]);
        text.clear();
        let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{v}"));
        hash.part(&text);
    }
    hash.to_string()
}

/// Whether a field may hold a secret value: Secret data, container env values, and string
/// fields named like a credential (`automountServiceAccountToken: false` stays visible).
fn secret_bearing(kind: &str, path: &str, value: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let last = lower.rsplit(['.', '[']).next().unwrap_or("");
    (kind == "Secret" && (path.starts_with("data") || path.starts_with("stringData")))
        || (lower.contains(".env[") && lower.ends_with(".value"))
        || (value.starts_with('"')
            && [
                "password",
                "token",
                "secret",
                "apikey",
                "api_key",
                "credential",
                "privatekey",
            ]
            .iter()
            .any(|w| last.contains(w)))
}

/// A value for display: secret-bearing fields show only that they changed.
pub fn redact_value(kind: &str, path: &str, value: Option<String>) -> Option<String> {
    value.map(|v| {
        if secret_bearing(kind, path, &v) {
            format!("\"{REDACTED}\"")
        } else {
            v
        }
    })
}

/// The fields that differ between two flattened bodies, sorted by path.
pub fn changes(
    kind: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (path, old) in before {
        match after.get(path) {
            Some(new) if new == old => {}
            new => out.push(FieldChange {
                path: path.clone(),
                before: redact_value(kind, path, Some(old.clone())),
                after: redact_value(kind, path, new.cloned()),
            }),
        }
    }
    for (path, new) in after {
        if !before.contains_key(path) {
            out.push(FieldChange {
                path: path.clone(),
                before: None,
                after: redact_value(kind, path, Some(new.clone())),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

pub use crate::snapshot::scope_key;

/// Resource drift between two sets of resources: id -> (kind, digest) and a way to get each
/// side's flattened body for changed ones.
pub fn resource_drift(
    before: &HashMap<String, (String, String)>,
    after: &HashMap<String, (String, String)>,
    mut body_before: impl FnMut(&str) -> Option<BTreeMap<String, String>>,
    mut body_after: impl FnMut(&str) -> Option<BTreeMap<String, String>>,
) -> ResourceDrift {
    let mut d = ResourceDrift::default();
    for (id, (kind, digest)) in after {
        match before.get(id) {
            None => d.added.push(id.clone()),
            Some((_, old)) if old != digest => {
                let changes = match (body_before(old), body_after(id)) {
                    (Some(a), Some(b)) => changes(kind, &a, &b),
                    _ => Vec::new(),
                };
                d.changed.push(ChangedResource {
                    id: id.clone(),
                    changes,
                });
            }
            Some(_) => {}
        }
    }
    d.removed = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .cloned()
        .collect();
    d.added.sort_by(|a, b| crate::text::natural_cmp(a, b));
    d.removed.sort_by(|a, b| crate::text::natural_cmp(a, b));
    d.changed
        .sort_by(|a, b| crate::text::natural_cmp(&a.id, &b.id));
    d
}

/// What the comparison's walk found of a finding (`compare`), with this bit: its text is given
/// to the store. The rest is one of the two values below, or the index of the finding's
/// first-seen time in the previous set: below 2^31 - 2 (a set holding that many times could
/// not be read into memory).
const GIVE: u32 = 1 << 31;
/// ... of a finding not failing or waived (never given).
const UNTOUCHED: u32 = GIVE - 1;
/// ... of a finding the previous run did not have.
const NEW: u32 = GIVE - 2;

/// A failing or waived finding of the report, as the comparison reads it.
struct Current {
    /// Its index in the report's findings.
    index: u32,
    /// FAIL, else WAIVED.
    failing: bool,
    fingerprint: u64,
    /// The digest of its text.
    text: u64,
}

/// A finding's text as the report holds it (shared, not copied), until the record packs it:
/// 32 bytes, since a scope's first run gives 200,000 (its check and severity, shared by
/// thousands, by their index in [`ReportTexts::checks`]).
struct GivenText {
    fingerprint: u64,
    resource: Option<std::sync::Arc<crate::report::model::ResourceRef>>,
    message: ArcStr,
    check: u32,
}

const _: () = assert!(std::mem::size_of::<GivenText>() == 32);

/// The texts a run gives the store, sorted by fingerprint, one each.
struct ReportTexts {
    texts: Vec<GivenText>,
    checks: Vec<(
        std::sync::Arc<crate::report::model::CheckText>,
        crate::finding::Severity,
    )>,
    /// Each check's index in `checks`, by its address and severity.
    index: HashMap<(usize, crate::finding::Severity), u32>,
}

impl ReportTexts {
    /// Room for `n` texts.
    fn with_capacity(n: usize) -> ReportTexts {
        ReportTexts {
            texts: Vec::with_capacity(n),
            checks: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Adds the text of `f`.
    fn push(&mut self, f: &crate::report::model::FindingOut) {
        // Findings come in runs of one check: the last one used first.
        let last = self.texts.last().map(|t| t.check).filter(|&i| {
            let (c, s) = &self.checks[i as usize];
            std::sync::Arc::ptr_eq(c, &f.check) && *s == f.severity
        });
        let check = match last {
            Some(i) => i,
            None => {
                let key = (std::sync::Arc::as_ptr(&f.check) as usize, f.severity);
                *self.index.entry(key).or_insert_with(|| {
                    self.checks.push((f.check.clone(), f.severity));
                    self.checks.len() as u32 - 1
                })
            }
        };
        self.texts.push(GivenText {
            fingerprint: f.fingerprint.0,
            resource: f.resource.clone(),
            message: f.message.clone(),
            check,
        });
    }
}

impl store::pack::TextSource for ReportTexts {
    fn count(&self) -> usize {
        self.texts.len()
    }

    fn fingerprint(&self, i: usize) -> u64 {
        self.texts[i].fingerprint
    }

    fn text(&self, i: usize) -> store::pack::Text<'_> {
        let t = &self.texts[i];
        let (check, severity) = &self.checks[t.check as usize];
        store::pack::Text {
            check_id: &check.id,
            resource_id: t.resource.as_ref().map_or("", |r| r.id.as_str()),
            severity: severity.as_str(),
            message: &t.message,
        }
    }

    fn gives(&self, fingerprint: u64) -> bool {
        self.texts
            .binary_search_by_key(&fingerprint, |t| t.fingerprint)
            .is_ok()
    }
}

/// What a scan records once its reports are written.
pub struct Pending {
    scope: String,
    resources: Vec<(String, String, String, Option<crate::snapshot::Body>)>,
    /// The texts the store does not hold yet (findings new to the scope, or changed).
    texts: store::pack::Given,
    /// Every failing or waived finding, unless `built` holds them.
    statuses: Vec<store::FindingStatus>,
    /// The name of their set, as `NewRun::sets` would name it (named once, here).
    finding_set: String,
    /// The set, built against the previous run, when it differs from that run's.
    built: Option<store::pack::Built>,
}

/// The previous run of the scope of `sources` and its resources (id -> (kind, digest)), when
/// the store has one: a resource whose digest is unchanged needs no body kept for the store
/// (it holds it), and the comparison needs them again.
pub fn prior_resources(store: &Store, sources: &[SourceInfo]) -> Result<Prior, StoreError> {
    let scope = scope_key(sources);
    Ok(match store.previous_run(&scope)? {
        Some(p) => Prior {
            run: Some(p.id),
            resources: store.resources(p.id)?,
        },
        None => Prior::default(),
    })
}

/// The previous run's resources, read before the evaluation (`prior_resources`).
#[derive(Debug, Default)]
pub struct Prior {
    /// The run they are of.
    pub run: Option<i64>,
    /// id -> (kind, digest).
    pub resources: HashMap<String, (String, String)>,
}

impl Prior {
    /// Whether the store holds `id`'s body with this digest.
    pub fn holds(&self, id: &str, digest: &str) -> bool {
        self.resources.get(id).is_some_and(|(_, d)| d == digest)
    }
}

/// Compares the report and snapshot with the previous run of their scope: fills
/// `report.drift` and each finding's `firstSeen`, and with `mark` its `baselineState` (the
/// state store is the baseline unless `--baseline` gave a file). Returns what to record.
///
/// A run whose findings are those of the previous run (the same set name) reads only when
/// each was first seen; otherwise the previous run's statuses and text digests, without the
/// texts, and the texts only of the findings it resolved. Only findings new to the scope, or
/// whose text changed, are handed to the store to write.
pub fn compare(
    store: Option<&Store>,
    report: &mut Report,
    snapshot: &mut Snapshot<Assessed>,
    mark: bool,
    prior: Prior,
) -> Result<Pending, StoreError> {
    let scope = scope_key(&report.scan.inputs);
    let previous = match store {
        Some(store) => store.previous_run(&scope)?,
        None => None,
    };
    let now = report.scan.started_at.clone();
    let mut drift = Drift {
        scope: scope.clone(),
        previous_run: previous.as_ref().map(|r| PreviousRun {
            id: r.id,
            started_at: r.started_at.clone(),
        }),
        ..Drift::default()
    };
    // Each failing or waived finding: (index in the report, fingerprint, status, text digest),
    // sorted by fingerprint (a stable sort: the order given among equal ones), so the set is
    // named and the previous run's set (sorted too) read alongside in one pass. The digests
    // and the sort on every core: this is most of the comparison's work.
    let current: Vec<Current> = {
        use rayon::prelude::*;
        let mut v: Vec<Current> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                matches!(f.status, Status::Fail | Status::Waived) && f.resource.is_some()
            })
            .map(|(i, f)| Current {
                index: i as u32,
                failing: f.status == Status::Fail,
                fingerprint: f.fingerprint.0,
                text: 0,
            })
            .collect();
        // In place: no second copy of the list while it is digested and sorted (the index
        // breaks ties, so an unstable sort keeps the order given among equal fingerprints).
        let findings = &report.findings;
        // Messages are shared between the findings that have the same one (a few thousand
        // texts for 200,000 findings): each is digested once per worker, found again by its
        // address (digesting every finding's message byte by byte was most of this step).
        v.par_iter_mut().for_each_init(
            HashMap::<(usize, crate::finding::Severity), u64, foldhash::fast::RandomState>::default,
            |seen, c| {
                let f = &findings[c.index as usize];
                c.text = *seen
                    .entry((f.message.as_ptr() as usize, f.severity))
                    .or_insert_with(|| store::text_hash(f.severity.as_str(), &f.message));
            },
        );
        v.par_sort_unstable_by_key(|c| (c.fingerprint, c.index));
        v
    };
    // The set as the store records it (the first of each fingerprint) is named first: an
    // unchanged run needs no set built.
    let first_of_each = || {
        let mut last = None;
        current
            .iter()
            .filter(move |c| last.replace(c.fingerprint) != Some(c.fingerprint))
            .map(|c| store::FindingStatus {
                fingerprint: c.fingerprint,
                failing: c.failing,
                text: c.text,
            })
    };
    let finding_set = store::finding_set_name_of(first_of_each());
    let unchanged = previous
        .as_ref()
        .is_some_and(|p| !p.finding_set.is_empty() && p.finding_set == finding_set);
    // What the previous run knew of its findings: status, first seen, text digest (one value
    // read, no texts).
    let before: store::pack::Marks = match (store, &previous) {
        (Some(store), Some(p)) => store.marks(p)?,
        _ => store::pack::Marks::default(),
    };
    // The first recorded run of a scope is its baseline: without history nothing can be said
    // to be new, so nothing is marked new, and `--fail-on new` passes (a scheduled job must
    // not fail its first night for having no history).
    let first = previous.is_none();
    // The texts the store does not hold: shared with the report, packed only as the record
    // writes them. A scope's first run gives every one: room for all at once.
    let mut texts = ReportTexts::with_capacity(match before.rows.is_empty() {
        true => current.len(),
        false => 0,
    });
    let mut namer = store::pack::PackNamer::default();
    // A changed run's set, built here where the previous one is in hand (so it is neither
    // read again nor held until the record), and its count of new findings.
    let mut built = (store.is_some() && !unchanged)
        .then(|| store::pack::MarksBuilder::with_capacity(current.len()));
    let mut new_findings = 0i64;
    let mut last_built = None;
    let mut last_given = None;
    // What the walk found of each finding, by its index in the report: the index of its
    // first-seen time in the previous set, or NEW; with GIVE, its text is given to the store.
    // The report's findings are then updated in their own order: walked in fingerprint order
    // they were read and written at random, a cache miss each (a third of the comparison).
    let mut seen: Vec<u32> = vec![UNTOUCHED; report.findings.len()];
    let mut rows = before.rows.iter().peekable();
    // Resolved: failing before, gone now (the previous run's rows the walk passes without
    // meeting them), found on the way so the list of current findings can go before the
    // texts are gathered.
    let mut gone: Vec<u64> = Vec::new();
    let mut met: Option<u64> = None;
    for c in &current {
        let (fingerprint, hash) = (c.fingerprint, c.text);
        // Both sorted by fingerprint: the previous run's row of this one, if any.
        while let Some(r) = rows.next_if(|r| r.fingerprint < fingerprint) {
            if r.failing() && met != Some(r.fingerprint) {
                gone.push(r.fingerprint);
            }
        }
        met = Some(fingerprint);
        let known: Option<&store::pack::Row> = rows
            .peek()
            .copied()
            .filter(|r| r.fingerprint == fingerprint);
        if c.failing && !first {
            if known.is_some() {
                drift.persisting += 1;
            } else {
                drift.new += 1;
            }
        }
        // The store needs the text of a finding it does not hold, or holds another text of:
        // the first of each fingerprint, as its status is.
        let needs_text = known.is_none_or(|r| r.text != hash);
        if let Some(b) = built.as_mut().filter(|_| last_built != Some(fingerprint)) {
            last_built = Some(fingerprint);
            new_findings += i64::from(c.failing && known.is_none());
            let pack = match (needs_text, known) {
                (true, _) => Some(store::pack::NEW_PACK),
                (false, Some(r)) => before.pack(r),
                (false, None) => None,
            };
            let time: &str = known.map_or(now.as_str(), |r| before.time(r));
            b.push(fingerprint, c.failing, hash, time, pack);
        }
        let give = needs_text && last_given != Some(fingerprint);
        if give {
            last_given = Some(fingerprint);
            namer.push(fingerprint, hash);
        }
        seen[c.index as usize] =
            known.map_or(NEW, |r| r.first_seen()) | if give { GIVE } else { 0 };
    }
    gone.extend(
        rows.filter(|r| r.failing() && met != Some(r.fingerprint))
            .map(|r| r.fingerprint),
    );
    // The statuses, for a record planned again (another run recorded meanwhile): the set
    // built holds them; without one (an unchanged run), kept here.
    let statuses: Vec<store::FindingStatus> = match built.is_some() {
        true => Vec::new(),
        false => first_of_each().collect(),
    };
    // Not needed again: freed before the texts take their place (a first run's peak).
    drop(current);
    // First-seen times are few: one shared copy each, by the set's index of the time.
    let now_shared = ArcStr::from(now.as_str());
    let mut shared: Vec<Option<ArcStr>> = vec![None; before.times.len()];
    for (f, &s) in report.findings.iter_mut().zip(&seen) {
        if s == UNTOUCHED {
            continue;
        }
        let (state, first_seen) = match s & !GIVE {
            NEW => (BaselineState::New, now_shared.clone()),
            t => (
                BaselineState::Unchanged,
                shared[t as usize]
                    .get_or_insert_with(|| ArcStr::from(&*before.times[t as usize]))
                    .clone(),
            ),
        };
        if mark && !first {
            f.baseline_state = Some(state);
        }
        f.first_seen = Some(first_seen);
        if s & GIVE != 0 {
            texts.push(f);
        }
    }
    drop(seen);
    // Given in the report's order; the pack is in fingerprint order (one each).
    {
        use rayon::prelude::*;
        texts.texts.par_sort_unstable_by_key(|t| t.fingerprint);
    }
    drop(shared);
    let new_pack = namer.finish();
    let built = built.map(|b| {
        let (marks, packs) = b.finish_naming(&new_pack);
        store::pack::Built {
            previous: previous.as_ref().map(|p| p.finding_set.clone()),
            marks,
            packs,
            new_findings: (!first).then_some(new_findings),
        }
    });
    // Resolved: only their texts are read.
    if let (Some(store), false) = (store, unchanged) {
        let texts = store.texts(&scope, &before, &gone)?;
        let mut resolved: Vec<ResolvedFinding> = texts
            .into_iter()
            .map(|(fp, p)| ResolvedFinding {
                fingerprint: hex16(fp),
                check_id: p.check_id,
                resource_id: p.resource_id,
                severity: p.severity,
                message: p.message,
                first_seen: p.first_seen,
            })
            .collect();
        resolved.sort_by(ResolvedFinding::report_order);
        drift.resolved = resolved;
    }
    drop(before);
    // Resources: digests now; bodies only of those new or changed since the previous run
    // (kept by the evaluation, `prior_digests`), stored once per distinct digest.
    let mut after: HashMap<String, (String, String)> = HashMap::new();
    let mut by_id: HashMap<&str, &Retained> = HashMap::new();
    for (r, kept) in recordable(snapshot)? {
        after.insert(r.id.clone(), (r.kind().to_string(), kept.digest.clone()));
        by_id.insert(&r.id, kept);
    }
    if let (Some(store), Some(p)) = (store, &previous) {
        // Read before the evaluation, unless another run of the scope was recorded since.
        let before_res = match prior.run == Some(p.id) {
            true => prior.resources,
            false => store.resources(p.id)?,
        };
        // The earlier bodies of the resources that changed, in one request.
        let changed: Vec<&str> = after
            .iter()
            .filter_map(|(id, (_, digest))| {
                before_res
                    .get(id)
                    .filter(|(_, old)| old != digest)
                    .map(|(_, old)| old.as_str())
            })
            .collect();
        let earlier = store.bodies(&scope, &changed)?;
        drift.resources = resource_drift(
            &before_res,
            &after,
            |digest| {
                earlier
                    .get(digest)
                    .and_then(|text| {
                        serde_json::from_str::<serde_json::Map<String, Value>>(text).ok()
                    })
                    .map(|m| leaves(&m))
            },
            |id| {
                let body = by_id.get(id)?.body.as_ref()?.text().ok()?;
                serde_json::from_str::<serde_json::Map<String, Value>>(&body)
                    .ok()
                    .map(|m| leaves(&m))
            },
        );
    }
    drop((by_id, after));
    // What the store records of each resource: its body moved, not copied (nothing reads it
    // from the snapshot after this).
    let resources = snapshot
        .resources
        .iter_mut()
        .filter_map(|r| {
            let kind = r.kind().to_string();
            let kept = r.retained.as_mut()?;
            Some((r.id.clone(), kind, kept.digest.clone(), kept.body.take()))
        })
        .collect();
    report.drift = Some(drift);
    Ok(Pending {
        scope,
        resources,
        texts: store::pack::Given {
            name: new_pack,
            texts: Box::new(texts),
        },
        statuses,
        finding_set,
        built,
    })
}

/// A fingerprint or digest as the store writes it: 16 lower-case hex digits.
fn hex16(n: u64) -> String {
    crate::finding::Fingerprint(n).to_string()
}

/// A finding as the store keeps it.
fn stored(f: &crate::report::model::FindingOut, first_seen: String) -> StoredFinding {
    StoredFinding {
        check_id: f.check.id.to_string(),
        resource_id: f
            .resource
            .as_ref()
            .map(|r| r.id.clone())
            .unwrap_or_default(),
        severity: f.severity.as_str().to_string(),
        status: f.status.as_str().to_string(),
        message: f.message.to_string(),
        first_seen,
    }
}

/// Every failing and waived finding of `run`'s resources, with its text: what a run kept in
/// the spool carries (by the time it is delivered, the store may no longer hold the texts
/// the comparison found it holding).
pub fn all_definitions(report: &Report, run: &NewRun) -> Vec<(String, StoredFinding)> {
    let ids: HashSet<&str> = run.resources.iter().map(|r| r.0.as_str()).collect();
    report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Waived))
        .filter(|f| {
            f.resource
                .as_ref()
                .is_some_and(|r| ids.contains(r.id.as_str()))
        })
        .map(|f| {
            let first_seen = f.first_seen.as_deref().unwrap_or_default().to_string();
            (f.fingerprint.to_string(), stored(f, first_seen))
        })
        .collect()
}

/// Each resource with the digest and body the store records of it. Without its body a resource
/// would be recorded as changed to nothing: that is an error, not an empty body.
fn recordable(snapshot: &Snapshot<Assessed>) -> Result<Vec<(&Assessed, &Retained)>, StoreError> {
    snapshot
        .resources
        .iter()
        .map(|r| match r.retained.as_deref() {
            Some(kept) => Ok((r, kept)),
            None => Err(StoreError::NoBody { id: r.id.clone() }),
        })
        .collect()
}

/// What the run records: its record (with a fresh run key), sources, resources and findings.
pub fn new_run(report: &Report, pending: Pending, keep: usize) -> NewRun {
    let s = &report.summary;
    let record = RunRecord {
        id: 0,
        scope: pending.scope,
        started_at: report.scan.started_at.clone(),
        tool_version: report.tool.version.clone(),
        policy_digest: report.scan.policy_digest.clone(),
        resources: report.scan.resources as i64,
        passed: s.passed as i64,
        failed: s.failed as i64,
        waived: s.waived as i64,
        not_assessed: s.not_assessed as i64,
        errors: s.errors as i64,
        failed_by_severity: serde_json::to_value(&s.failed_by_severity).unwrap_or_default(),
        run_key: store::new_run_key(),
        finding_set: pending.finding_set,
    };
    let controls = report
        .compliance
        .iter()
        .flat_map(|c| {
            c.controls.iter().map(|r| store::ControlStatus {
                benchmark: c.benchmark.clone(),
                control: r.id.clone(),
                title: r.title.clone(),
                status: r.status.as_str().to_string(),
            })
        })
        .collect();
    NewRun {
        record,
        sources: serde_json::to_string(&report.scan.inputs).unwrap_or_default(),
        resources: pending.resources,
        findings: Vec::new(),
        texts: Some(pending.texts),
        built: pending.built,
        statuses: pending.statuses,
        keep,
        controls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> serde_json::Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_digest_is_that_of_the_sorted_leaves() {
        // The digest sorts leaves in a vector; it must name a body as the ordered map of its
        // leaves did, or every stored resource would read as changed once.
        let body = obj(json!({
            "metadata": {"name": "web", "labels": {"a.b/c": "1", "z": "2"}, "resourceVersion": "7"},
            "spec": {"containers": [{"name": "c", "args": ["a", "b"], "env": []}], "x[0]": {}},
            "data": {"k": null, "n": 1.5, "t": true}
        }));
        let l = leaves(&body);
        let parts: Vec<&str> = l
            .iter()
            .flat_map(|(k, v)| [k.as_str(), v.as_str()])
            .collect();
        assert_eq!(digest_of(&body), crate::finding::fingerprint(&parts));
    }

    /// Any JSON value, with keys that need quoting, keys that are prefixes of others, the
    /// volatile fields, and arrays long enough that `[10]` sorts before `[2]`.
    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof![
            Just(String::new()),
            "[a-c]{1,2}",
            "[a-c][-./\\[\\]\" ]?[a-c]?",
            Just("metadata".to_string()),
            Just("resourceVersion".to_string()),
            Just("status".to_string()),
            Just("conditions".to_string()),
            Just("managedFields".to_string()),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            "[a-z\"]{0,3}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 12, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_digest_is_that_of_the_sorted_leaves_for_any_body(
            top in proptest::collection::vec(("[a-cm]{0,2}|metadata|status", any_value()), 0..6)
        ) {
            let body: serde_json::Map<String, Value> = top.into_iter().collect();
            let l = leaves(&body);
            let parts: Vec<&str> = l
                .iter()
                .flat_map(|(k, v)| [k.as_str(), v.as_str()])
                .collect();
            proptest::prop_assert_eq!(digest_of(&body), crate::finding::fingerprint(&parts));
        }
    }

    #[test]
    fn changes_name_paths_and_ignore_order_and_bookkeeping() {
        let a = leaves(&obj(json!({
            "metadata": {"name": "web", "resourceVersion": "1", "labels": {"a": "1"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [
                {"name": "c", "image": "x:1", "env": [{"name": "TOKEN", "value": "s3cr3t"}]}
            ]}}}
        })));
        let b = leaves(&obj(json!({
            "spec": {"template": {"spec": {"containers": [
                {"image": "x:2", "name": "c", "env": [{"name": "TOKEN", "value": "other"}]}
            ]}}, "replicas": 2},
            "metadata": {"labels": {"a": "1"}, "name": "web", "resourceVersion": "9",
                         "annotations": {"note": "x"}}
        })));
        let c = changes("Deployment", &a, &b);
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metadata.annotations.note",
                "spec.template.spec.containers[0].env[0].value",
                "spec.template.spec.containers[0].image",
            ]
        );
        // The env value changed, but its values are never shown.
        assert_eq!(c[1].before.as_deref(), Some("\"<redacted>\""));
        assert_eq!(c[2].before.as_deref(), Some("\"x:1\""));
        assert_eq!(c[2].after.as_deref(), Some("\"x:2\""));
        assert!(c[0].before.is_none());
    }

    #[test]
    fn a_judged_resource_without_its_body_is_not_recordable() {
        let judged = |id: &str, kept: bool| {
            let r = Resource::new(
                id.into(),
                crate::snapshot::Source::Kubernetes,
                obj(json!({"kind": "Node", "metadata": {"name": id}})),
            );
            let retained = kept.then(|| Retained {
                digest: digest(&r),
                body: Some(crate::snapshot::Body::of(&r.object)),
            });
            r.assess(retained)
        };
        let whole = Snapshot::<Resource>::default()
            .with_resources(vec![judged("a", true), judged("b", true)]);
        let ok = recordable(&whole).unwrap();
        assert_eq!(ok.len(), 2);
        assert!(
            ok[1]
                .1
                .body
                .as_ref()
                .map(|b| b.text().unwrap())
                .unwrap_or_default()
                .contains("\"name\":\"b\"")
        );
        let bare = Snapshot::<Resource>::default()
            .with_resources(vec![judged("a", true), judged("b", false)]);
        match recordable(&bare) {
            Err(StoreError::NoBody { id }) => assert_eq!(id, "b"),
            other => panic!("expected NoBody, got {other:?}"),
        }
    }

    #[test]
    fn digest_ignores_key_order_and_volatile_fields() {
        let r = |v: Value| {
            Resource::new(
                "k8s/x/-/Node/n".into(),
                crate::snapshot::Source::Kubernetes,
                obj(v),
            )
        };
        let a = r(
            json!({"kind": "Node", "metadata": {"name": "n", "resourceVersion": "1"},
                         "status": {"conditions": [{"lastHeartbeatTime": "t1"}], "nodeInfo": {"kubeletVersion": "v1.33.0"}}}),
        );
        let b = r(
            json!({"metadata": {"resourceVersion": "2", "name": "n"}, "kind": "Node",
                         "status": {"nodeInfo": {"kubeletVersion": "v1.33.0"}, "conditions": [{"lastHeartbeatTime": "t2"}]}}),
        );
        let c = r(json!({"kind": "Node", "metadata": {"name": "n"},
                         "status": {"nodeInfo": {"kubeletVersion": "v1.33.1"}}}));
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
    }
}
