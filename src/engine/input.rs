//! JSON to regorus values, for policy inputs and the inventory. A resource is converted for
//! every evaluation, so this is on the hot path of a scan: the generic serde route allocates
//! every object key and string twice (a `String`, then the shared `str`) and goes through the
//! deserializer's visitor calls. Here the tree is walked directly, and object keys and short
//! strings, which repeat across resources (`metadata`, `containers`, `IfNotPresent`), are
//! shared from a per-worker table: a reference-count increment instead of an allocation.

use regorus::Value;
use std::collections::{BTreeMap, HashMap};

/// Strings up to this length are shared; longer ones (images with digests, annotations,
/// certificates) rarely repeat and would only fill the table.
const SHORT: usize = 32;

/// At most this many distinct strings are kept per worker, so the table stays small (about a
/// megabyte) whatever the input; strings met after it is full are allocated as before.
const CAPACITY: usize = 16_384;

/// A worker's table of shared strings.
#[derive(Default)]
pub(super) struct Shared(HashMap<Box<str>, Value, foldhash::fast::RandomState>);

impl Shared {
    /// The value of `s`, shared when short.
    fn string(&mut self, s: &str) -> Value {
        if s.len() > SHORT {
            return Value::from(s);
        }
        if let Some(v) = self.0.get(s) {
            return v.clone();
        }
        let v = Value::from(s);
        if self.0.len() < CAPACITY {
            self.0.insert(Box::from(s), v.clone());
        }
        v
    }
}

/// Converts JSON to a regorus value: the same value regorus's own deserialisation gives.
pub(super) fn to_value(v: &serde_json::Value, shared: &mut Shared) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::from(*b),
        J::Number(n) => number(n),
        J::String(s) => shared.string(s),
        J::Array(a) => Value::from(a.iter().map(|x| to_value(x, shared)).collect::<Vec<_>>()),
        J::Object(m) => object(m, shared),
    }
}

/// An object's members as a regorus object.
pub(super) fn object(m: &serde_json::Map<String, serde_json::Value>, shared: &mut Shared) -> Value {
    let map: BTreeMap<Value, Value> = m
        .iter()
        .map(|(k, v)| (shared.string(k), to_value(v, shared)))
        .collect();
    Value::from(map)
}

/// Integers stay integers (as regorus's deserialiser keeps them); others are floats, which
/// JSON text cannot make non-finite.
fn number(n: &serde_json::Number) -> Value {
    if let Some(u) = n.as_u64() {
        Value::from(u)
    } else if let Some(i) = n.as_i64() {
        Value::from(i)
    } else {
        Value::from(n.as_f64().unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn gives_the_values_of_regorus_deserialisation() {
        let j = serde_json::json!({
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "z": null, "a": true},
            "spec": {
                "replicas": 3,
                "offset": -2,
                "ratio": 0.25,
                "big": 18446744073709551615u64,
                "template": {"spec": {"containers": [
                    {"name": "a", "image": "nginx:1.25", "ports": [{"containerPort": 80}]},
                    {"name": "b", "image": "registry.example.com/team/very-long-image-name:1.0"}
                ]}}
            },
            "empty": {}, "none": []
        });
        let mut shared = Shared::default();
        let ours = to_value(&j, &mut shared);
        let theirs = Value::deserialize(&j).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours.to_json_str().unwrap(), theirs.to_json_str().unwrap());
        // Converted twice, the short strings come from the table.
        let again = to_value(&j, &mut shared);
        assert_eq!(again, theirs);
        assert!(shared.0.contains_key("containerPort"));
        assert!(shared.0.contains_key("nginx:1.25"));
        assert!(!shared.0.keys().any(|k| k.len() > SHORT));
    }

    #[test]
    fn the_table_stops_growing_at_its_capacity() {
        let mut shared = Shared::default();
        for i in 0..CAPACITY + 100 {
            let v = shared.string(&format!("k{i}"));
            assert_eq!(v, Value::from(format!("k{i}").as_str()));
        }
        assert_eq!(shared.0.len(), CAPACITY);
    }
}
