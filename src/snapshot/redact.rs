//! Redaction at collection time: a snapshot must be safe to attach to a ticket.
//!
//! Removed or masked: Secret `data`/`stringData` values (keys kept, checks may need them),
//! container environment variable values (names and `valueFrom` references kept: CIS 5.4.1
//! needs them), `metadata.managedFields` and the `last-applied-configuration` annotation (a
//! full copy of the object, Secret data included).

use serde_json::{Map, Value};

/// The marker that replaces a secret value.
pub const REDACTED: &str = "<redacted>";

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// Redacts one Kubernetes object in place.
pub fn redact_kubernetes(object: &mut Map<String, Value>) {
    if let Some(Value::Object(meta)) = object.get_mut("metadata") {
        meta.remove("managedFields");
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            ann.remove(LAST_APPLIED);
        }
    }
    if object.get("kind").and_then(Value::as_str) == Some("Secret") {
        for key in ["data", "stringData"] {
            if let Some(Value::Object(data)) = object.get_mut(key) {
                for v in data.values_mut() {
                    *v = Value::String(REDACTED.into());
                }
            }
        }
    }
    for (key, value) in object.iter_mut() {
        if key != "metadata" {
            redact_env(value);
        }
    }
}

/// Walks any nesting (pod templates, CronJob job templates, `kind: List` bodies) and masks the
/// `value` of every `env` entry of every container list found.
fn redact_env(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if CONTAINER_LISTS.contains(&key.as_str())
                    && let Value::Array(containers) = child
                {
                    for c in containers.iter_mut() {
                        if let Some(Value::Array(env)) = c.get_mut("env") {
                            for e in env.iter_mut() {
                                if let Some(v) = e.get_mut("value")
                                    && !v.is_null()
                                {
                                    *v = Value::String(REDACTED.into());
                                }
                            }
                        }
                    }
                }
                redact_env(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_env),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_values_and_env_values_are_masked() {
        let mut secret = json!({
            "kind": "Secret",
            "metadata": {"name": "s", "annotations": {LAST_APPLIED: "{\"data\":{\"p\":\"aHVudGVyMg==\"}}"},
                          "managedFields": [{"manager": "kubectl"}]},
            "data": {"password": "aHVudGVyMg=="},
            "stringData": {"token": "hunter2"}
        });
        redact_kubernetes(secret.as_object_mut().unwrap());
        let text = secret.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("aHVudGVyMg=="),
            "{text}"
        );
        assert_eq!(secret["data"]["password"], REDACTED);
        assert!(secret["metadata"].get("managedFields").is_none());

        let mut deploy = json!({
            "kind": "CronJob",
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
                {"name": "c", "env": [
                    {"name": "DB_PASSWORD", "value": "hunter2"},
                    {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
                ]}
            ]}}}}}
        });
        redact_kubernetes(deploy.as_object_mut().unwrap());
        let env =
            &deploy["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"];
        assert_eq!(env[0]["name"], "DB_PASSWORD");
        assert_eq!(env[0]["value"], REDACTED);
        assert_eq!(env[1]["valueFrom"]["secretKeyRef"]["name"], "s");
    }
}
