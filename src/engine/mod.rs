//! The engine: the only code that touches regorus. It compiles the selected checks once, then
//! evaluates every resource in parallel (rayon, one engine clone per worker) against the checks
//! whose `kinds` match it. Cross-resource checks read `data.inventory`, built once from the
//! snapshot with only the kinds they ask for. No I/O happens here.

mod bounds;
pub mod compile;
mod input;
mod recursion;

use crate::policy::{Catalogue, PolicyError};
use crate::snapshot::{Resource, Snapshot};
use arcstr::ArcStr;
use rayon::prelude::*;
use regorus::Value;
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// Evaluation settings.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Wall-clock budget for one check on one resource; past it the result is an error.
    pub timeout: Duration,
    /// Policy parameters, visible to policies as `data.config`.
    pub config: serde_json::Map<String, serde_json::Value>,
    /// Run built-in checks compiled to regorus's VM (the default). Off, everything runs in the
    /// interpreter; `policies test` runs each built-in case both ways and requires the same
    /// outcome.
    pub compiled: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            timeout: Duration::from_secs(5),
            config: serde_json::Map::new(),
            compiled: true,
        }
    }
}

/// One violation reported by a policy's `deny` rule. The texts are shared: the same message
/// and path recur across thousands of resources (a 10,000-resource cluster: 75,000
/// violations, 2,300 distinct messages, 150 distinct paths).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The policy's message.
    pub msg: ArcStr,
    /// The offending field (`spec.containers[0].securityContext.privileged`), if given.
    pub path: Option<ArcStr>,
    /// Where that field is in its file, once resolved (a streamed scan resolves it before it
    /// drops the resource's field positions); None: look it up in the resource's location.
    pub pos: Option<crate::snapshot::Pos>,
}

/// The outcomes of a run, passes apart: most pairs pass, and a pass needs only its pair.
#[derive(Debug, Default)]
pub struct Judged {
    /// FAIL and ERROR outcomes, sorted by (check, resource).
    pub outcomes: Vec<Outcome>,
    /// Passing (check, resource) pairs, sorted.
    pub passes: Vec<(u32, u32)>,
}

impl Judged {
    /// Passes apart from the rest, both sorted (check, resource).
    fn sorted(outcomes: impl Iterator<Item = Outcome>) -> Judged {
        let mut judged = Judged::default();
        for o in outcomes {
            match o.result {
                Evaluated::Pass => judged.passes.push((o.check as u32, o.resource as u32)),
                _ => judged.outcomes.push(o),
            }
        }
        judged.outcomes.sort_by_key(|o| (o.check, o.resource));
        judged.passes.sort_unstable();
        judged
    }
}

/// What [`Prepared::judge_made`] made and judged.
#[derive(Debug)]
pub struct Made<T, X> {
    /// The judged resources of all items (what `after` made of them), in item order.
    pub resources: Vec<T>,
    /// What `make` returned besides the resources, one per item.
    pub extras: Vec<X>,
    /// Their outcomes; resource indices are into `resources`.
    pub judged: Judged,
    /// Time spent making the resources, summed over the workers.
    pub making: Duration,
    /// Time spent judging them, summed over the workers.
    pub judging: Duration,
}

/// One copy of each distinct text per worker (foldhash: every violation's message and path
/// is looked up here).
#[derive(Default)]
struct Strings(HashSet<ArcStr, foldhash::fast::RandomState>);

impl Strings {
    fn get(&mut self, s: &str) -> ArcStr {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a = ArcStr::from(s);
        self.0.insert(a.clone());
        a
    }
}

/// The result of one check on one resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluated {
    /// No violation.
    Pass,
    /// One or more violations, sorted.
    Fail(Vec<Violation>),
    /// The policy failed to evaluate (runtime error or execution limit).
    Error(String),
    /// The resource could not be read as the cluster would read it (`Resource::unreadable`),
    /// or data the check needs is missing from it (`Metadata::needs`, `Resource::gaps`): the
    /// check cannot say whether it complies.
    NotAssessed(String),
}

/// `check` (index into the catalogue) evaluated on `resource` (index into the snapshot).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Index into `Catalogue::checks`.
    pub check: usize,
    /// Index into `Snapshot::resources`.
    pub resource: usize,
    /// What happened.
    pub result: Evaluated,
}

/// The policy input for a resource: its object plus `id` and `source`; `location` stays out
/// (it is for reporting, and large).
fn resource_input(r: &Resource, shared: &mut input::Shared) -> Value {
    let mut map = BTreeMap::new();
    for (k, v) in &r.object {
        map.insert(Value::from(k.as_str()), input::to_value(v, shared));
    }
    map.insert(Value::from("id"), Value::from(r.id.as_str()));
    map.insert(Value::from("source"), Value::from(r.source.as_str()));
    Value::from(map)
}

/// The keys of a violation object, built once rather than per violation (a regorus string
/// value is an allocation).
static KEYS: std::sync::LazyLock<[Value; 2]> =
    std::sync::LazyLock::new(|| [Value::from("msg"), Value::from("path")]);

fn violations(value: &Value, strings: &mut Strings) -> Result<Vec<Violation>, String> {
    let [msg_key, path_key] = &*KEYS;
    let items: Vec<&Value> = match value {
        Value::Undefined | Value::Null => return Ok(Vec::new()),
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        other => return Err(format!("deny must be a set, got {other}")),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => out.push(Violation {
                msg: strings.get(s),
                path: None,
                pos: None,
            }),
            Value::Object(o) => {
                let msg = o
                    .get(msg_key)
                    .and_then(|v| v.as_string().ok())
                    .map(|s| strings.get(s))
                    .ok_or_else(|| format!("deny entry without a string `msg`: {item}"))?;
                let path = path_of(o.get(path_key)).map(|p| strings.get(&p));
                out.push(Violation {
                    msg,
                    path,
                    pos: None,
                });
            }
            other => {
                return Err(format!(
                    "deny entries must be objects with `msg`, got {other}"
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A violation's `path`: a string, or an array of segments joined with `.` (lets policies name
/// `[c.path, "securityContext.privileged"]` without a `sprintf` call, which is costly in
/// regorus's interpreter).
fn path_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.to_string()),
        Value::Array(parts) => {
            // Strings are joined with `.`; an integer segment is an array index, `[i]`.
            let mut out = String::new();
            for p in parts.iter() {
                if let Ok(s) = p.as_string() {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(s.as_ref());
                } else if let Ok(i) = p.as_u64() {
                    out.push_str(&format!("[{i}]"));
                }
            }
            (!out.is_empty()).then_some(out)
        }
        _ => None,
    }
}

/// Lookups over the inventory, so a cross-resource check costs a lookup per resource rather
/// than a scan of every inventory entry (a scan made 65,000 workloads x 5,000 ServiceAccounts
/// the largest cost of a 100,000-resource scan; docs/performance.md). The values are the
/// inventory's own (reference-counted), not copies.
///
/// * `data.index[selector][namespace][name]`: every inventory resource; `""` is the namespace of
///   cluster-scoped ones.
/// * `data.subjects[subject kind][namespace][name]`: the RoleBindings and ClusterRoleBindings
///   in the inventory that name that subject (`ServiceAccount`, `User`, `Group`; a
///   ServiceAccount subject without a namespace takes its RoleBinding's).
fn index_inventory(inventory: &BTreeMap<Value, Vec<Value>>) -> (Value, Value) {
    type Tree<T> = BTreeMap<Value, BTreeMap<Value, BTreeMap<Value, T>>>;
    let text = |v: &Value| Value::from(v.as_string().map(|s| s.as_ref()).unwrap_or(""));
    let mut index: Tree<Value> = BTreeMap::new();
    let mut subjects: Tree<Vec<Value>> = BTreeMap::new();
    for (selector, resources) in inventory {
        let binding = matches!(
            selector.as_string().map(|s| s.as_ref()),
            Ok("kubernetes/RoleBinding" | "kubernetes/ClusterRoleBinding")
        );
        let by_ns = index.entry(selector.clone()).or_default();
        for r in resources {
            let ns = text(&r["metadata"]["namespace"]);
            // Names are unique per kind and namespace; on a duplicate the first is kept.
            by_ns
                .entry(ns.clone())
                .or_default()
                .entry(text(&r["metadata"]["name"]))
                .or_insert_with(|| r.clone());
            let Ok(list) = r["subjects"].as_array() else {
                continue;
            };
            for s in list.iter().filter(|_| binding) {
                let kind = text(&s["kind"]);
                let mut subject_ns = text(&s["namespace"]);
                if subject_ns == Value::from("") && kind == Value::from("ServiceAccount") {
                    subject_ns = ns.clone();
                }
                subjects
                    .entry(kind)
                    .or_default()
                    .entry(subject_ns)
                    .or_default()
                    .entry(text(&s["name"]))
                    .or_default()
                    .push(r.clone());
            }
        }
    }
    let nest = |tree: Tree<Value>| {
        let outer = tree.into_iter().map(|(k, by_ns)| {
            let by_ns = by_ns
                .into_iter()
                .map(|(ns, names)| (ns, Value::from(names)))
                .collect::<BTreeMap<Value, Value>>();
            (k, Value::from(by_ns))
        });
        Value::from(outer.collect::<BTreeMap<Value, Value>>())
    };
    let subjects = subjects
        .into_iter()
        .map(|(kind, by_ns)| {
            let by_ns = by_ns
                .into_iter()
                .map(|(ns, names)| {
                    let names = names.into_iter().map(|(n, rs)| (n, Value::from(rs)));
                    (ns, names.collect())
                })
                .collect();
            (kind, by_ns)
        })
        .collect();
    (nest(index), nest(subjects))
}

/// Compiled, data-loaded engines for one snapshot and a set of checks.
///
/// Each check gets its own regorus engine holding only the helper library and that check:
/// regorus walks every loaded module on each `data.` lookup (`ensure_module_evaluated`), so one
/// engine with the whole catalogue made every rule evaluation pay for all 49 modules (measured
/// 4x slower over 10,000 Deployments; see docs/performance.md).
pub struct Prepared<'a> {
    catalogue: &'a Catalogue,
    /// One engine per selected check, in the order of `checks`.
    engines: Vec<regorus::Engine>,
    /// Catalogue index of each engine's check.
    checks: Vec<usize>,
    /// selector -> how its checks run, in batches (one pass per resource, helpers evaluated
    /// once and shared by the checks of the batch).
    plans: HashMap<String, Plan>,
    /// `data` as the policies see it, for the VMs each worker creates.
    data: Value,
    timer: ExecutionTimerConfig,
    /// Workers kept between calls (see `Pooled`).
    workers: std::sync::Mutex<Vec<Worker>>,
    /// Whether some selected check defines `not_applicable`.
    any_not_applicable: bool,
}

/// How the checks of one kind run.
///
/// Built-in checks run compiled to regorus's VM (the RVM, about 3x the interpreter): their
/// cases run through both engines in the test suite, and the peer harness compares them with
/// OPA. Checks from the user's directories run in the interpreter, the reference semantics
/// (regorus 0.14.1's RVM has gaps, e.g. an `else` after a body whose `some ... in` finds
/// nothing comes out undefined). Whatever fails in a batch is re-run check by check with the
/// per-check engines, so one failing check cannot mask the others.
struct Plan {
    /// The compiled batch and the positions (in `engines`) of its checks.
    compiled: Option<(Program, Vec<usize>)>,
    /// The interpreted batch (an engine with the helpers and these checks) and its positions.
    interpreted: Option<(regorus::Engine, Vec<usize>)>,
    /// Checks that are never run (recursive rules), with the error each resource gets.
    failed: Vec<(usize, String)>,
}

/// A copy of `program` that shares no reference count with it. The VM clones literals and
/// rule definitions (reference-counted) as it runs; with one program shared by the workers,
/// those counts sat on cache lines that both cores wrote, and two threads did the same work
/// with 12-17 % more CPU time than one (perf: the VM's own functions, not the allocator, grew).
fn private_program(program: &regorus::rvm::program::Program) -> regorus::rvm::program::Program {
    let mut p = program.clone();
    p.literals = p.literals.iter().map(private_value).collect();
    for rule in &mut p.rule_infos {
        rule.definitions = Arc::new((*rule.definitions).clone());
    }
    p.rule_tree = private_value(&p.rule_tree);
    p
}

/// A deep copy of `v`: equal, with reference counts of its own.
fn private_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::from(s.as_ref()),
        Value::Array(a) => Value::from(a.iter().map(private_value).collect::<Vec<_>>()),
        Value::Set(s) => Value::from(s.iter().map(private_value).collect::<BTreeSet<_>>()),
        Value::Object(o) => Value::from(
            o.iter()
                .map(|(k, v)| (private_value(k), private_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// A batch compiled for the RVM.
struct Program {
    program: Arc<regorus::rvm::program::Program>,
    policy: regorus::CompiledPolicy,
}

/// The rule of the generated batch module: an array of every check's deny set, in the order
/// of the batch (an object keyed by position cost a formatted key and a string value per
/// check and resource to look up).
const BATCH_RULE: &str = "data.plimsoll_batch.results";

/// Instructions one resource's batch may execute. The RVM's default (25,000) is below what
/// a pod template with the whole catalogue needs; the execution timer remains the real limit.
const MAX_INSTRUCTIONS: usize = 50_000_000;

/// Compiles `engine` (helpers + checks in `packages` order) with a batch module to an RVM
/// program, or says why it cannot be (the caller keeps the interpreter for that batch).
fn compile_batch(engine: &regorus::Engine, packages: &[&str]) -> Result<Program, String> {
    let mut engine = engine.clone();
    let entries: Vec<String> = packages
        .iter()
        .map(|p| format!("  data.{p}.deny"))
        .collect();
    let module = format!(
        "package plimsoll_batch\n\nimport rego.v1\n\nresults := [\n{}\n]\n",
        entries.join(",\n")
    );
    engine
        .add_policy("plimsoll-batch.rego".to_string(), module)
        .map_err(|e| format!("{e}"))?;
    let policy = engine
        .compile_with_entrypoint(&BATCH_RULE.into())
        .map_err(|e| format!("{e}"))?;
    let program =
        Compiler::compile_from_policy(&policy, &[BATCH_RULE]).map_err(|e| format!("{e}"))?;
    Ok(Program { program, policy })
}

/// Why a user check cannot run at all: one of its rules calls itself, directly or through
/// others, which the interpreter would follow until the stack overflows and the process
/// aborts (see `recursion.rs`); or a format it gives `sprintf` asks for a width that would
/// allocate gigabytes in one call (`bounds.rs`).
fn unsafe_to_run(engine: &regorus::Engine, check: &crate::policy::Check) -> Option<String> {
    if let Some((line, width)) = bounds::oversized_format(&check.source) {
        return Some(format!(
            "policy error: {}:{line}: a format width or precision of {width}, over the {} a policy may use; the check is not run",
            check.file,
            bounds::MAX_FORMAT_WIDTH
        ));
    }
    let (file, line, chain) = recursion::find_cycle(engine)?;
    let file = if file.is_empty() {
        check.file.clone()
    } else {
        file
    };
    Some(format!(
        "policy error: {file}:{line}: recursive rule ({chain}); the check is not run"
    ))
}

/// The `deny` set of `package` inside a data document returned by `eval_modules`.
fn deny_of<'v>(data: &'v Value, package: &str) -> &'v Value {
    let mut v = data;
    for part in package.split('.') {
        v = &v[part];
    }
    &v["deny"]
}

impl<'a> Prepared<'a> {
    /// Compiles the catalogue once and loads `data.config` and `data.inventory`.
    pub fn new(
        catalogue: &'a Catalogue,
        selected: &[usize],
        snapshot: &Snapshot,
        opts: &EvalOptions,
    ) -> Result<Prepared<'a>, PolicyError> {
        let present: BTreeSet<String> = snapshot.resources.iter().map(|r| r.selector()).collect();
        Prepared::with_inventory(catalogue, selected, &snapshot.resources, &present, opts)
    }

    /// [`Prepared::new`] for a scan whose resources are not all at hand (a streamed scan):
    /// `inventory` holds at least every resource of the kinds the selected checks read from
    /// the inventory, and `present` every selector that will be evaluated.
    pub fn with_inventory(
        catalogue: &'a Catalogue,
        selected: &[usize],
        inventory: &[Resource],
        present: &BTreeSet<String>,
        opts: &EvalOptions,
    ) -> Result<Prepared<'a>, PolicyError> {
        // Built-in checks whose kinds are absent from the snapshot are not compiled: they
        // would judge nothing (whether they are NOT_ASSESSED is decided from the collection,
        // elsewhere), and compiling them was most of a small scan's time. Checks from the
        // user's directories always are, so a broken one is reported whatever the input.
        let selected: Vec<usize> = selected
            .iter()
            .copied()
            .filter(|&i| {
                let c = &catalogue.checks[i];
                !c.builtin || c.meta.kinds.iter().any(|k| present.contains(k))
            })
            .collect();
        let selected = selected.as_slice();
        let mut by_selector: HashMap<String, Vec<usize>> = HashMap::new();
        let mut inventory_kinds = BTreeSet::new();
        for (pos, &i) in selected.iter().enumerate() {
            let meta = &catalogue.checks[i].meta;
            for k in &meta.kinds {
                by_selector.entry(k.clone()).or_default().push(pos);
            }
            inventory_kinds.extend(meta.inventory.iter().cloned());
        }
        // The inventory holds only the kinds some check asked for, not a second snapshot.
        let source = inventory;
        let mut inventory: BTreeMap<Value, Vec<Value>> = inventory_kinds
            .iter()
            .map(|k| (Value::from(k.as_str()), Vec::new()))
            .collect();
        let mut shared = input::Shared::default();
        // An unreadable resource's fields mean nothing certain; checks that read its kind from
        // the inventory are NOT_ASSESSED in part (app::scan::not_assessed).
        for r in source.iter().filter(|r| r.unreadable.is_none()) {
            let sel = r.selector();
            if let Some(list) = inventory.get_mut(&Value::from(sel.as_str())) {
                list.push(resource_input(r, &mut shared));
            }
        }
        let (index, subjects) = index_inventory(&inventory);
        let inventory: BTreeMap<Value, Value> = inventory
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect();
        let mut data = BTreeMap::new();
        data.insert(Value::from("inventory"), Value::from(inventory));
        data.insert(Value::from("index"), index);
        data.insert(Value::from("subjects"), subjects);
        data.insert(
            Value::from("config"),
            input::object(&opts.config, &mut shared),
        );
        let data = Value::from(data);
        let timer = ExecutionTimerConfig {
            limit: opts.timeout,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        };
        // Helpers + the given checks, with the shared data (values are reference-counted: every
        // engine shares the same inventory) and the time limit.
        let mut libs = compile::LibCache::default();
        let mut loaded =
            |checks: &mut dyn Iterator<Item = usize>| -> Result<regorus::Engine, PolicyError> {
                let checks: Vec<usize> = checks.collect();
                let mut engine =
                    compile::compile_checks_with(catalogue, checks.iter().copied(), &mut libs)?;
                // Users' checks run with bounded builtins (bounds.rs); the built-in catalogue
                // is reviewed, and its engines must stay compilable to the RVM.
                if checks.iter().any(|&i| !catalogue.checks[i].builtin) {
                    bounds::install(&mut engine)
                        .map_err(|e| PolicyError::Compile(format!("{e}")))?;
                }
                engine
                    .add_data(data.clone())
                    .map_err(|e| PolicyError::Compile(format!("{e}")))?;
                engine.set_execution_timer_config(timer);
                Ok(engine)
            };
        let mut engines = Vec::with_capacity(selected.len());
        let mut broken = HashMap::new();
        for (pos, &i) in selected.iter().enumerate() {
            let check = &catalogue.checks[i];
            let engine = loaded(&mut std::iter::once(i))?;
            // A rule that calls itself recurses until the stack overflows, which kills the
            // process (no error can be caught): such a check never runs, it is an ERROR on
            // every resource, naming the rules and the file.
            if !check.builtin
                && let Some(why) = unsafe_to_run(&engine, check)
            {
                broken.insert(pos, why);
                engines.push(engine);
                continue;
            }
            // Surface semantic errors (unknown functions, bad references) now, as a load
            // error, not as one error per resource.
            let mut probe = engine.clone();
            probe.set_input(Value::new_object());
            crate::memory::evaluating(&format!(
                "{} ({}) on an empty input, while loading it",
                check.meta.id, check.file
            ));
            let probed = probe.eval_rule(check.rule.clone());
            crate::memory::evaluating("");
            if let Err(e) = probed {
                let msg = format!("{e}");
                // A bound reached (bounds.rs) is the check's own failure, reported as an
                // ERROR on each resource like any other run of it; the scan goes on.
                if msg.contains(bounds::BOUND_REACHED) {
                    let msg = compile::compile_message(&msg);
                    broken.insert(pos, format!("policy error: {msg}"));
                    engines.push(engine);
                    continue;
                }
                if !msg.contains("execution") {
                    let msg = compile::compile_message(&msg);
                    return Err(PolicyError::Compile(if msg.starts_with(&check.file) {
                        msg
                    } else {
                        format!("{}: {msg}", check.file)
                    }));
                }
            }
            engines.push(engine);
        }
        let mut plans = HashMap::new();
        for (selector, positions) in &by_selector {
            let (failed, positions): (Vec<usize>, Vec<usize>) =
                positions.iter().partition(|pos| broken.contains_key(*pos));
            let (mut builtin, user): (Vec<usize>, Vec<usize>) = positions
                .iter()
                .partition(|&&pos| opts.compiled && catalogue.checks[selected[pos]].builtin);
            let mut interpreted = user;
            let mut compiled = None;
            if !builtin.is_empty() {
                let engine = loaded(&mut builtin.iter().map(|&pos| selected[pos]))?;
                let packages: Vec<&str> = builtin
                    .iter()
                    .map(|&pos| catalogue.checks[selected[pos]].package.as_str())
                    .collect();
                match compile_batch(&engine, &packages) {
                    Ok(program) => compiled = Some((program, builtin)),
                    Err(e) => {
                        tracing::debug!("{selector}: interpreted, not compiled to the RVM: {e}");
                        interpreted.append(&mut builtin);
                    }
                }
            }
            let interpreted = match interpreted.is_empty() {
                true => None,
                false => Some((
                    loaded(&mut interpreted.iter().map(|&pos| selected[pos]))?,
                    interpreted,
                )),
            };
            let failed = failed
                .into_iter()
                .map(|pos| (pos, broken.get(&pos).cloned().unwrap_or_default()))
                .collect();
            plans.insert(
                selector.clone(),
                Plan {
                    compiled,
                    interpreted,
                    failed,
                },
            );
        }
        Ok(Prepared {
            catalogue,
            engines,
            checks: selected.to_vec(),
            plans,
            data,
            timer,
            workers: std::sync::Mutex::new(Vec::new()),
            any_not_applicable: selected
                .iter()
                .any(|&i| catalogue.checks[i].not_applicable.is_some()),
        })
    }

    /// Evaluates every resource; outcomes, passes included, are sorted (check, resource) so
    /// runs are deterministic whatever the thread count.
    pub fn evaluate(&self, snapshot: &Snapshot) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = self.per_resource(&snapshot.resources).concat();
        outcomes.sort_by_key(|o| (o.check, o.resource));
        outcomes
    }

    /// Evaluates `resources` (outcomes index into this vector), keeping passes as bare pairs.
    /// `after` is given each resource and its outcomes on the worker that judged it, before
    /// the next resource, and returns the judged form kept of it: a scan resolves its findings'
    /// file positions and drops the body there, so that freeing 100,000s of bodies is spread
    /// over the workers rather than done on one thread after each chunk.
    pub fn judge<T: Send>(
        &self,
        resources: Vec<Resource>,
        after: &(dyn Fn(Resource, &mut [Outcome]) -> T + Sync),
    ) -> (Vec<T>, Judged) {
        let (kept, per_resource): (Vec<T>, Vec<Vec<Outcome>>) = resources
            .into_par_iter()
            .enumerate()
            .map_init(
                || self.pooled(),
                |pooled, (ri, r)| self.judge_one(pooled, ri, r, after),
            )
            .unzip();
        (kept, Judged::sorted(per_resource.into_iter().flatten()))
    }

    /// Makes the resources of each item (`make`: parsing a document) and judges them on the
    /// same worker, `after` as in [`Prepared::judge`]. Returns the judged resources of all
    /// items in item order (outcomes index into them), what `make` said besides of each item,
    /// and the time spent making and judging summed over the workers.
    ///
    /// Parsing and judging apart (two parallel passes per chunk) sent a resource parsed on one
    /// worker to be judged and freed on the other: glibc then frees into the other thread's
    /// arena under its lock, 6 % of a 10,000-resource scan's samples waited on that lock.
    pub fn judge_made<I: Sync, T: Send, X: Send>(
        &self,
        items: &[I],
        make: &(dyn Fn(&I) -> (Vec<Resource>, X) + Sync),
        after: &(dyn Fn(Resource, &mut [Outcome]) -> T + Sync),
    ) -> Made<T, X> {
        type PerItem<T, X> = (Vec<T>, X, Vec<Outcome>, Duration, Duration);
        let per_item: Vec<PerItem<T, X>> = items
            .par_iter()
            .map_init(
                || self.pooled(),
                |pooled, item| {
                    let started = std::time::Instant::now();
                    let (resources, extra) = make(item);
                    let made = started.elapsed();
                    let mut outcomes = Vec::new();
                    let mut kept = Vec::with_capacity(resources.len());
                    for (ri, r) in resources.into_iter().enumerate() {
                        let (k, mut out) = self.judge_one(pooled, ri, r, after);
                        kept.push(k);
                        outcomes.append(&mut out);
                    }
                    (
                        kept,
                        extra,
                        outcomes,
                        made,
                        started.elapsed().saturating_sub(made),
                    )
                },
            )
            .collect();
        let mut all = Vec::new();
        let mut extras = Vec::with_capacity(per_item.len());
        let (mut making, mut judging) = (Duration::ZERO, Duration::ZERO);
        let mut outcomes = Vec::new();
        for (kept, extra, mut out, made, judged) in per_item {
            let offset = all.len();
            for o in &mut out {
                o.resource += offset;
            }
            outcomes.append(&mut out);
            all.extend(kept);
            extras.push(extra);
            making += made;
            judging += judged;
        }
        Made {
            resources: all,
            extras,
            judged: Judged::sorted(outcomes.into_iter()),
            making,
            judging,
        }
    }

    /// One resource's outcomes, then `after` on it (see [`Prepared::judge`]).
    fn judge_one<T>(
        &self,
        pooled: &mut Pooled<'_>,
        ri: usize,
        r: Resource,
        after: &(dyn Fn(Resource, &mut [Outcome]) -> T + Sync),
    ) -> (T, Vec<Outcome>) {
        let mut out = self.evaluate_one(pooled.worker(self), ri, &r);
        let kept = after(r, &mut out);
        (kept, out)
    }

    /// Every resource's outcomes, in resource order, evaluated in parallel.
    fn per_resource(&self, resources: &[Resource]) -> Vec<Vec<Outcome>> {
        resources
            .par_iter()
            .enumerate()
            .map_init(
                || self.pooled(),
                |pooled, (ri, r)| self.evaluate_one(pooled.worker(self), ri, r),
            )
            .collect()
    }

    /// A worker from the pool (or none yet: [`Pooled::worker`] builds one when needed).
    fn pooled(&self) -> Pooled<'_> {
        Pooled {
            worker: self.workers.lock().ok().and_then(|mut p| p.pop()),
            pool: &self.workers,
        }
    }

    /// One resource against every check of its kind (see `Plan`).
    fn evaluate_one(&self, worker: &mut Worker, ri: usize, r: &Resource) -> Vec<Outcome> {
        let selector = r.selector();
        let Some(plan) = self.plans.get(&selector) else {
            return Vec::new();
        };
        if let Some(reason) = &r.unreadable {
            // Never evaluated: a check reading a wrong-typed field would find nothing and pass.
            let positions = plan.compiled.iter().map(|(_, p)| p);
            let positions = positions.chain(plan.interpreted.iter().map(|(_, p)| p));
            let failed = plan.failed.iter().map(|(pos, _)| pos);
            return positions
                .flatten()
                .chain(failed)
                .map(|&pos| Outcome {
                    check: self.checks[pos],
                    resource: ri,
                    result: Evaluated::NotAssessed(reason.clone()),
                })
                .collect();
        }
        let input = resource_input(r, &mut worker.shared);
        // Ranges built by users' checks are counted per resource (bounds.rs); what else they
        // build is under the process's memory ceiling, which names this resource if passed.
        bounds::reset();
        crate::memory::evaluating(&r.id);
        let outcome = |pos: usize, result: Evaluated| Outcome {
            check: self.checks[pos],
            resource: ri,
            result,
        };
        let judged = |deny: &Value, strings: &mut Strings| match violations(deny, strings) {
            Ok(vs) if vs.is_empty() => Evaluated::Pass,
            Ok(vs) => Evaluated::Fail(vs),
            Err(e) => Evaluated::Error(e),
        };
        let mut out: Vec<Outcome> = plan
            .failed
            .iter()
            .map(|(pos, why)| outcome(*pos, Evaluated::Error(why.clone())))
            .collect();
        let mut one_by_one = Vec::new();
        if let Some((compiled, positions)) = &plan.compiled {
            let vm = worker.vms.entry(selector.clone()).or_insert_with(|| {
                let mut vm = RegoVM::new_with_policy(compiled.policy.clone());
                vm.load_program(Arc::new(private_program(&compiled.program)));
                vm.set_max_instructions(MAX_INSTRUCTIONS);
                vm.set_execution_timer_config(Some(self.timer));
                // Data conflicts were ruled out when the interpreter loaded the same data.
                let _ = vm.set_data(self.data.clone());
                vm
            });
            vm.set_input(input.clone());
            let results = vm
                .execute_entry_point_by_index(0)
                .unwrap_or(Value::Undefined);
            // Undefined (or short) when a check failed to evaluate: then each runs on its own.
            let sets = results
                .as_array()
                .ok()
                .filter(|a| a.len() == positions.len() && a.iter().all(|d| d != &Value::Undefined));
            if let Some(sets) = sets {
                let strings = &mut worker.strings;
                let each = positions.iter().zip(sets.iter());
                out.extend(each.map(|(&pos, deny)| outcome(pos, judged(deny, strings))));
            } else {
                one_by_one.extend_from_slice(positions);
            }
        }
        if let Some((engine, positions)) = &plan.interpreted {
            let batch = worker
                .batches
                .entry(selector.clone())
                .or_insert_with(|| engine.clone());
            batch.set_input(input.clone());
            match batch.eval_modules(false) {
                Ok(data) => out.extend(positions.iter().map(|&pos| {
                    let package = &self.catalogue.checks[self.checks[pos]].package;
                    outcome(pos, judged(deny_of(&data, package), &mut worker.strings))
                })),
                Err(_) => one_by_one.extend_from_slice(positions),
            }
        }
        for pos in one_by_one {
            let check = &self.catalogue.checks[self.checks[pos]];
            let engine = &mut worker.engines[pos];
            engine.set_input(input.clone());
            // Each check on its own gets the whole range budget again.
            bounds::reset();
            let result = match engine.eval_rule(check.rule.clone()) {
                Ok(v) => judged(&v, &mut worker.strings),
                Err(e) => Evaluated::Error(format!("{e}")),
            };
            out.push(outcome(pos, result));
        }
        // A check that does not apply to this resource (a Fargate check on an EC2 service)
        // neither passes nor fails it: its outcome is dropped. Asked of the few checks that
        // define `not_applicable`, with their own engine.
        if self.any_not_applicable {
            out.retain(|o| {
                let check = &self.catalogue.checks[o.check];
                let Some(rule) = &check.not_applicable else {
                    return true;
                };
                let Some(pos) = self.checks.iter().position(|&c| c == o.check) else {
                    return true;
                };
                let engine = &mut worker.engines[pos];
                engine.set_input(input.clone());
                !matches!(engine.eval_rule(rule.clone()), Ok(Value::Bool(true)))
            });
        }
        crate::memory::evaluating("");
        // A check whose needed data is missing on this resource says nothing about it, whatever
        // its rule made of the absence (evaluated anyway: the batch runs every check at once).
        for o in &mut out {
            let needs = &self.catalogue.checks[o.check].meta.needs;
            if !needs.is_empty()
                && let Some(why) = r.missing(needs)
            {
                o.result = Evaluated::NotAssessed(why);
            }
        }
        out
    }
}

/// A worker taken from the pool for one rayon job, and given back when the job ends. rayon
/// splits each call into jobs (dozens per chunk of a streamed scan), and a new worker would
/// build its VMs again for each.
struct Pooled<'p> {
    worker: Option<Worker>,
    pool: &'p std::sync::Mutex<Vec<Worker>>,
}

impl Pooled<'_> {
    /// The worker, built on first use from the prepared engines.
    fn worker(&mut self, prepared: &Prepared<'_>) -> &mut Worker {
        self.worker.get_or_insert_with(|| Worker {
            engines: prepared.engines.clone(),
            batches: HashMap::new(),
            vms: HashMap::new(),
            strings: Strings::default(),
            shared: input::Shared::default(),
        })
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let (Some(w), Ok(mut pool)) = (self.worker.take(), self.pool.lock()) {
            pool.push(w);
        }
    }
}

/// What each rayon worker owns: engine clones (cheap, reference-counted), its VMs, and the
/// texts of the violations it found.
struct Worker {
    engines: Vec<regorus::Engine>,
    batches: HashMap<String, regorus::Engine>,
    vms: HashMap<String, RegoVM>,
    strings: Strings,
    shared: input::Shared,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every failing pair holds its violations: the word saved here is 750,000 words at
    /// 100,000 resources.
    #[test]
    fn a_violation_is_four_words() {
        assert_eq!(std::mem::size_of::<Violation>(), 32);
    }

    #[test]
    fn a_private_value_is_equal_and_shares_no_string() {
        let v = Value::from_json_str(r#"{"a": ["x", {"b": "y"}], "n": 1, "t": true, "z": null}"#)
            .unwrap();
        let mut with_set = v.clone();
        let set: BTreeSet<Value> = [Value::from("s")].into_iter().collect();
        with_set
            .as_object_mut()
            .unwrap()
            .insert(Value::from("set"), Value::from(set));
        let copy = private_value(&with_set);
        assert_eq!(copy, with_set);
        let leaf = |v: &Value| match &v["a"][1]["b"] {
            Value::String(s) => s.clone(),
            other => panic!("not a string: {other}"),
        };
        assert!(!Arc::ptr_eq(&leaf(&copy), &leaf(&with_set)));
        assert!(matches!(&copy["set"], Value::Set(_)));
    }

    #[test]
    fn violations_accept_objects_and_strings_and_reject_others() {
        let v = Value::from_json_str(r#"[{"msg": "b", "path": "spec"}, "a", {"msg": "c", "path": ["spec.containers[0]", "image"]}, {"msg": "d", "path": ["spec", "ports", 2, "port"]}]"#).unwrap();
        let vs = violations(&v, &mut Strings::default()).unwrap();
        assert_eq!(
            vs[0],
            Violation {
                msg: "a".into(),
                path: None,
                pos: None
            }
        );
        assert_eq!(vs[1].path.as_deref(), Some("spec"));
        assert_eq!(vs[2].path.as_deref(), Some("spec.containers[0].image"));
        assert_eq!(vs[3].path.as_deref(), Some("spec.ports[2].port"));
        let mut strings = Strings::default();
        assert!(violations(&Value::from(3i64), &mut strings).is_err());
        let no_msg = Value::from_json_str(r#"[{"path": "x"}]"#).unwrap();
        assert!(violations(&no_msg, &mut strings).is_err());
    }

    #[test]
    fn inventory_is_indexed_by_namespace_and_name_and_bindings_by_subject() {
        let parse = |s: &str| Value::from_json_str(s).unwrap();
        let mut inventory = BTreeMap::new();
        inventory.insert(
            Value::from("kubernetes/ServiceAccount"),
            vec![
                parse(r#"{"metadata": {"name": "app", "namespace": "a"}, "automountServiceAccountToken": false}"#),
                parse(r#"{"metadata": {"name": "app", "namespace": "a"}, "automountServiceAccountToken": true}"#),
                parse(r#"{"metadata": {"name": "app"}}"#),
            ],
        );
        inventory.insert(
            Value::from("kubernetes/RoleBinding"),
            vec![parse(
                r#"{"metadata": {"name": "rb", "namespace": "a"}, "roleRef": {"name": "edit"},
                    "subjects": [{"kind": "ServiceAccount", "name": "app"},
                                 {"kind": "ServiceAccount", "name": "ci", "namespace": "b"},
                                 {"kind": "User", "name": "alice"}]}"#,
            )],
        );
        inventory.insert(
            Value::from("kubernetes/ClusterRoleBinding"),
            vec![parse(
                r#"{"metadata": {"name": "crb"}, "roleRef": {"name": "cluster-admin"},
                    "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "a"}]}"#,
            )],
        );
        let (index, subjects) = index_inventory(&inventory);
        let sa = &index["kubernetes/ServiceAccount"];
        // The first of a duplicate name wins; cluster-scoped (no namespace) sits under "".
        assert_eq!(
            sa["a"]["app"]["automountServiceAccountToken"],
            Value::from(false)
        );
        assert_eq!(sa[""]["app"]["metadata"]["name"], Value::from("app"));
        assert_eq!(
            index["kubernetes/RoleBinding"]["a"]["rb"]["roleRef"]["name"],
            Value::from("edit")
        );
        // A ServiceAccount subject without a namespace is in its RoleBinding's.
        let app = subjects["ServiceAccount"]["a"]["app"].as_array().unwrap();
        let names: Vec<_> = app.iter().map(|b| b["metadata"]["name"].clone()).collect();
        assert_eq!(names, vec![Value::from("crb"), Value::from("rb")]);
        assert_eq!(
            subjects["ServiceAccount"]["b"]["ci"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(subjects["User"][""]["alice"].as_array().unwrap().len(), 1);
        assert_eq!(subjects["ServiceAccount"]["b"]["app"], Value::Undefined);
    }
}
