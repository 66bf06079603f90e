//! Field paths as policies and reports write them (`spec.template.spec.containers[0].image`,
//! `metadata.annotations["a.b/c"]`): built by the YAML loader (`yaml_load.rs`) for line
//! lookups and by drift for its field-level diff.

/// Appends one path segment for a mapping key: `a.b`, or `a["x.y/z"]` when the key would be
/// ambiguous in dotted form.
pub(crate) fn push_key(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| !matches!(b, b'.' | b'[' | b']' | b'"' | b' ' | b'\t'));
    if plain {
        // Built by hand: `format!` was a visible part of loading (one path per key).
        let mut s = String::with_capacity(parent.len() + 1 + key.len());
        s.push_str(parent);
        if !parent.is_empty() {
            s.push('.');
        }
        s.push_str(key);
        s
    } else {
        format!("{parent}[\"{}\"]", key.replace('"', "\\\""))
    }
}
