//! Finds rules that call themselves. Rego forbids recursion (OPA rejects it when compiling);
//! regorus's interpreter follows it until the thread's stack overflows, which aborts the
//! process: no error, no file, no other check reported. A user check whose rules form a
//! cycle is therefore never run (`Prepared` reports an ERROR per resource instead).
//!
//! The graph is built from regorus's own parse (`Engine::get_ast_as_json`): a node per rule
//! (`package.name`, functions included), an edge from a rule to every rule its head or bodies
//! name, by bare name in its own package, through an import, or by a `data.` path. A local
//! variable named like a rule of its package is read as a reference too; OPA forbids that
//! shadowing in rego.v1, so it costs nothing in practice and errs towards not running.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One rule: where it is defined and the names it refers to.
struct Rule {
    file: String,
    line: u64,
    refs: BTreeSet<String>,
}

/// The first cycle among the rules of `engine`'s modules: `(file, line, chain)`, the chain as
/// `pkg.a -> pkg.b -> pkg.a`. None when there is none or the parse is not available.
pub(super) fn find_cycle(engine: &regorus::Engine) -> Option<(String, u64, String)> {
    let json: Value = serde_json::from_str(&engine.get_ast_as_json().ok()?).ok()?;
    let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
    for policy in json.as_array()? {
        let file = policy["source"]["file"].as_str().unwrap_or("").to_string();
        let contents = policy["source"]["contents"].as_str().unwrap_or("");
        let ast = &policy["ast"];
        let package = path_of(&ast["package"]["refr"])?.join(".");
        // Import aliases: the last segment, or the `as` name (a span into the source).
        let mut aliases: BTreeMap<String, String> = BTreeMap::new();
        for import in ast["imports"].as_array().into_iter().flatten() {
            let Some(path) = path_of(&import["refr"]) else {
                continue;
            };
            if path.first().map(String::as_str) != Some("data") {
                continue;
            }
            let alias = match &import["as"] {
                Value::Object(span) => span_text(contents, span),
                _ => path.last().cloned(),
            };
            if let Some(alias) = alias {
                aliases.insert(alias, path[1..].join("."));
            }
        }
        for rule in ast["rules"].as_array().into_iter().flatten() {
            let (body, head_refr) = match rule {
                Value::Object(m) if m.contains_key("Spec") => {
                    let spec = &m["Spec"];
                    let head = spec["head"]
                        .as_object()
                        .and_then(|h| h.values().next())
                        .cloned()
                        .unwrap_or(Value::Null);
                    (spec.clone(), head["refr"].clone())
                }
                Value::Object(m) if m.contains_key("Default") => {
                    (m["Default"].clone(), m["Default"]["refr"].clone())
                }
                _ => continue,
            };
            let Some(name) = path_of(&head_refr).and_then(|p| p.first().cloned()) else {
                continue;
            };
            let line = head_refr_line(&head_refr).unwrap_or(0);
            let mut names = BTreeSet::new();
            collect_refs(&body, &head_refr, &mut names);
            let mut refs = BTreeSet::new();
            for n in names {
                if let Some(data_path) = n.strip_prefix("data.") {
                    refs.insert(data_path.to_string());
                } else if let Some((root, rest)) = n.split_once('.') {
                    if let Some(target) = aliases.get(root) {
                        refs.insert(format!("{target}.{rest}"));
                    }
                    refs.insert(format!("{package}.{root}"));
                } else if let Some(target) = aliases.get(&n) {
                    refs.insert(target.clone());
                } else {
                    refs.insert(format!("{package}.{n}"));
                }
            }
            let node = rules.entry(format!("{package}.{name}")).or_insert(Rule {
                file: file.clone(),
                line,
                refs: BTreeSet::new(),
            });
            node.refs.extend(refs);
        }
    }
    // A reference names a rule when the rule's path is a prefix of it (`data.p.r.x` reads r).
    let resolve = |r: &str| -> Option<String> {
        let mut candidate = r;
        loop {
            if rules.contains_key(candidate) {
                return Some(candidate.to_string());
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    };
    let edges: BTreeMap<&str, Vec<String>> = rules
        .iter()
        .map(|(k, r)| {
            (
                k.as_str(),
                r.refs.iter().filter_map(|x| resolve(x)).collect(),
            )
        })
        .collect();
    // Depth-first search with colours; the first back edge closes a cycle.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for start in edges.keys() {
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        let mut path: Vec<&str> = Vec::new();
        while let Some((node, next)) = stack.pop() {
            if next == 0 {
                match state.get(node) {
                    Some(2) => continue,
                    _ => {
                        state.insert(node, 1);
                        path.push(node);
                    }
                }
            }
            let targets = &edges[node];
            if let Some(t) = targets.get(next) {
                stack.push((node, next + 1));
                match state.get(t.as_str()) {
                    Some(1) => {
                        let from = path.iter().position(|p| *p == t.as_str()).unwrap_or(0);
                        let mut chain: Vec<&str> = path[from..].to_vec();
                        chain.push(t.as_str());
                        let first = &rules[chain[0]];
                        return Some((first.file.clone(), first.line, chain.join(" -> ")));
                    }
                    Some(_) => {}
                    None => {
                        if let Some((k, _)) = edges.get_key_value(t.as_str()) {
                            stack.push((k, 0));
                        }
                    }
                }
            } else {
                state.insert(node, 2);
                path.pop();
            }
        }
    }
    None
}

/// `a.b.c` of a reference made of `Var` and `RefDot` (`data.x.y`), or None for anything else.
fn path_of(e: &Value) -> Option<Vec<String>> {
    if let Some(v) = e.get("Var") {
        return Some(vec![v["value"].as_str()?.to_string()]);
    }
    if let Some(d) = e.get("RefDot") {
        let mut p = path_of(&d["refr"])?;
        p.push(d["field"][1].as_str()?.to_string());
        return Some(p);
    }
    if let Some(b) = e.get("RefBrack") {
        // `data.x["y"]`: a string index is a path segment; anything else ends the path.
        let mut p = path_of(&b["refr"])?;
        if let Some(s) = b["index"].get("String").and_then(|s| s["value"].as_str()) {
            p.push(s.to_string());
        }
        return Some(p);
    }
    None
}

fn head_refr_line(e: &Value) -> Option<u64> {
    e.as_object()?.values().next()?["span"]["line"].as_u64()
}

fn span_text(contents: &str, span: &serde_json::Map<String, Value>) -> Option<String> {
    let start = usize::try_from(span.get("start")?.as_u64()?).ok()?;
    let end = usize::try_from(span.get("end")?.as_u64()?).ok()?;
    contents.get(start..end).map(str::to_string)
}

/// Every name `e` refers to: whole `data.`/alias paths and bare variables, skipping the
/// rule's own head reference.
fn collect_refs(e: &Value, head: &Value, out: &mut BTreeSet<String>) {
    if std::ptr::eq(e, head) || e == head {
        return;
    }
    match e {
        Value::Object(m) => {
            if (m.contains_key("Var") || m.contains_key("RefDot") || m.contains_key("RefBrack"))
                && let Some(p) = path_of(e)
            {
                out.insert(p.join("."));
                // Indexes of a RefBrack can refer to rules too (`x[f(1)]`).
                if let Some(b) = m.get("RefBrack") {
                    collect_refs(&b["index"], head, out);
                }
                return;
            }
            for v in m.values() {
                collect_refs(v, head, out);
            }
        }
        Value::Array(a) => {
            for v in a {
                collect_refs(v, head, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::find_cycle;

    fn cycle(src: &str) -> Option<String> {
        let mut e = regorus::Engine::new();
        e.add_policy("p.rego".into(), src.into()).ok()?;
        find_cycle(&e).map(|(f, l, c)| format!("{f}:{l}: {c}"))
    }

    #[test]
    fn self_and_mutual_recursion_are_found_with_their_line() {
        let direct = "package p\nimport rego.v1\nf(x) := y if {\n  y := f(x + 1)\n}\n";
        assert_eq!(cycle(direct).unwrap(), "p.rego:3: p.f -> p.f");
        let mutual = "package p\nimport rego.v1\ndeny contains 1 if a\na if b\nb if data.p.a\n";
        assert_eq!(cycle(mutual).unwrap(), "p.rego:4: p.a -> p.b -> p.a");
        let through_head = "package p\nimport rego.v1\nd(x) := e(x)\ne(x) := d(x)\n";
        assert!(cycle(through_head).unwrap().contains("p.d -> p.e -> p.d"));
    }

    #[test]
    fn ordinary_policies_have_no_cycle() {
        let ok = "package p\nimport rego.v1\ndefault allow := false\nallow if count(names) > 0\nnames contains n if {\n  some c in input.containers\n  n := c.name\n}\nf(x) := x + 1\ng(x) := f(x) * 2\n";
        assert_eq!(cycle(ok), None);
    }

    /// The built-in catalogue (226 checks and their helpers, written as users write Rego) has
    /// no cycle: the reading of local variables as references gives no false alarm there.
    #[test]
    fn the_builtin_catalogue_has_no_cycle() {
        let mut e = regorus::Engine::new();
        for (path, text) in crate::embedded::policy_files() {
            e.add_policy(path.to_string(), text.to_string()).unwrap();
        }
        assert_eq!(find_cycle(&e), None);
    }
}
