//! Regorus engines built from the catalogue: the helper modules a set of checks needs, parsed
//! once per set; whether every module compiles; regorus's parse errors as one line. The
//! catalogue itself (`policy`) is plain data and knows nothing of regorus.

use crate::policy::{Catalogue, Check, PolicyError};
use std::collections::HashMap;

/// Engines holding only helper modules, by the set of helpers (indices into `libs`), so a
/// run parses each helper once however many engines it builds.
#[derive(Default)]
pub struct LibCache(HashMap<Vec<usize>, regorus::Engine>);

/// The built-in catalogue plus every given directory, each module compiled once (see
/// [`validate`]): what a command loads.
pub fn load(dirs: &[std::path::PathBuf]) -> Result<Catalogue, PolicyError> {
    let catalogue = Catalogue::load(dirs)?;
    validate(&catalogue)?;
    Ok(catalogue)
}

/// Compiles every module of the catalogue once, so a broken module is a load error (with
/// regorus's file:line message) rather than a failure mid-scan. Every loader of a catalogue
/// calls this before using it.
pub fn validate(catalogue: &Catalogue) -> Result<(), PolicyError> {
    compile_checks(catalogue, 0..catalogue.checks.len()).map(|_| ())
}

/// A regorus engine holding the helper modules and the given checks (by index).
pub fn compile_checks(
    catalogue: &Catalogue,
    indices: impl IntoIterator<Item = usize>,
) -> Result<regorus::Engine, PolicyError> {
    compile_checks_with(catalogue, indices, &mut LibCache::default())
}

/// Like `compile_checks`, with only the helper modules the checks refer to (directly or
/// through another helper), parsed once per set through `cache` and cloned from there.
/// Parsing every helper again for each of a run's few hundred engines took most of the
/// start-up time, and every extra module in an engine costs on each `data.` lookup.
pub fn compile_checks_with(
    catalogue: &Catalogue,
    indices: impl IntoIterator<Item = usize>,
    cache: &mut LibCache,
) -> Result<regorus::Engine, PolicyError> {
    let compile = |e: anyhow::Error| PolicyError::Compile(compile_message(&format!("{e}")));
    let checks: Vec<&Check> = indices
        .into_iter()
        .filter_map(|i| catalogue.checks.get(i))
        .collect();
    let libs = catalogue.libs_for(checks.iter().map(|c| c.source.as_str()));
    let mut engine = match cache.0.get(&libs) {
        Some(base) => base.clone(),
        None => {
            let mut base = regorus::Engine::new();
            for &l in &libs {
                let (path, text) = &catalogue.libs[l];
                base.add_policy(path.clone(), text.clone())
                    .map_err(compile)?;
            }
            cache.0.insert(libs, base.clone());
            base
        }
    };
    for c in checks {
        engine
            .add_policy(c.file.clone(), c.source.clone())
            .map_err(compile)?;
    }
    Ok(engine)
}

/// regorus's parse errors as one line that names the place first (`file:line:col: message`),
/// then its source excerpt. regorus writes them rustc-style, the location on a line of its
/// own after an empty first line and the message last, which read as an error without a file.
pub(crate) fn compile_message(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("--> "));
    let msg = lines.iter().rposition(|l| l.starts_with("error: "));
    match (at, msg) {
        (Some(a), Some(m)) if a < m => {
            let place = lines[a].trim_start().trim_start_matches("--> ").trim();
            let message = lines[m].trim_start_matches("error: ").trim();
            let mut out = format!("{place}: {message}");
            for l in &lines[a + 1..m] {
                out.push('\n');
                out.push_str(l);
            }
            out
        }
        _ => text.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_hold_only_the_helpers_their_checks_need() {
        let cat = Catalogue::builtin().expect("builtin catalogue");
        let names = |libs: Vec<usize>| -> Vec<&str> {
            libs.into_iter().map(|l| cat.libs[l].0.as_str()).collect()
        };
        let check = |id: &str| cat.get(id).expect(id).source.as_str();
        assert_eq!(
            names(cat.libs_for([check("PLM-K8S-0001")].into_iter())),
            ["policies/lib/kubernetes.rego"]
        );
        let ecs = names(cat.libs_for([check("PLM-ECS-0001")].into_iter()));
        assert!(ecs.contains(&"policies/lib/aws.rego"), "{ecs:?}");
        assert!(!ecs.contains(&"policies/lib/kubernetes.rego"), "{ecs:?}");
        // A helper's own references come along: a source naming only lib A that A builds on
        // B gets both.
        let mut two = Catalogue {
            checks: Vec::new(),
            libs: vec![
                ("a.rego".into(), "package h.a\nx := data.h.b.y\n".into()),
                ("b.rego".into(), "package h.b\ny := 1\n".into()),
                ("c.rego".into(), "package h.c\nz := 2\n".into()),
            ],
        };
        assert_eq!(two.libs_for(["data.h.a.x"].into_iter()), [0, 1]);
        two.libs.swap(0, 2);
        assert_eq!(two.libs_for(["nothing"].into_iter()), Vec::<usize>::new());
        // Engines built through one cache parse each helper set once and still evaluate.
        let mut cache = LibCache::default();
        let i = cat
            .checks
            .iter()
            .position(|c| c.meta.id == "PLM-K8S-0001")
            .unwrap();
        let j = cat
            .checks
            .iter()
            .position(|c| c.meta.id == "PLM-K8S-0004")
            .unwrap();
        compile_checks_with(&cat, [i], &mut cache).unwrap();
        let mut e = compile_checks_with(&cat, [j], &mut cache).unwrap();
        assert_eq!(cache.0.len(), 1);
        e.set_input(
            regorus::Value::from_json_str(
                r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": true, "containers": []}}"#,
            )
            .unwrap(),
        );
        let deny = e.eval_rule(cat.checks[j].rule.clone()).unwrap();
        assert_eq!(deny.as_set().map(|s| s.len()).unwrap_or(0), 1, "{deny}");
    }
}
