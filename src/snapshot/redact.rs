//! Redaction at collection time: a snapshot must be safe to attach to a ticket.
//!
//! Removed or masked: Secret `data`/`stringData` values (keys kept, checks may need them),
//! ConfigMap values whose keys are named like credentials (`password`, `apiToken`, ...),
//! container environment variable values (names and `valueFrom` references kept: CIS 5.4.1
//! needs them), `metadata.managedFields` and the `last-applied-configuration` annotation (a
//! full copy of the object, Secret data included).
//!
//! Redaction does not trust the object's shape: it runs before the shape is checked, and an
//! object the API server would refuse (env written as a mapping, Secret data as a string) must
//! not carry its values into a snapshot, a report or the state store either. So a wrong-typed
//! Secret `data` is replaced whole, and env entries are masked in any form.

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
    match object.get("kind").and_then(Value::as_str) {
        Some("Secret") => {
            for key in ["data", "stringData"] {
                match object.get_mut(key) {
                    Some(Value::Object(data)) => {
                        for v in data.values_mut() {
                            *v = Value::String(REDACTED.into());
                        }
                    }
                    Some(Value::Null) | None => {}
                    Some(other) => *other = Value::String(REDACTED.into()),
                }
            }
        }
        Some("ConfigMap") => {
            for key in ["data", "binaryData"] {
                if let Some(Value::Object(data)) = object.get_mut(key) {
                    for (k, v) in data.iter_mut() {
                        // An empty value holds no secret, and stays visibly empty.
                        let empty = v.as_str() == Some("");
                        let looks_secret = v.as_str().is_some_and(is_credential_value);
                        if !empty && (is_credential_name(k) || looks_secret) {
                            *v = Value::String(REDACTED.into());
                        }
                    }
                }
            }
        }
        _ => {}
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
                        match c.get_mut("env") {
                            Some(Value::Array(env)) => {
                                for e in env.iter_mut() {
                                    match e {
                                        Value::Object(entry) => {
                                            if let Some(v) = entry.get_mut("value")
                                                && !v.is_null()
                                            {
                                                *v = Value::String(REDACTED.into());
                                            }
                                        }
                                        // `- NAME=value`: not an entry kubectl accepts, and
                                        // all value.
                                        other => *other = Value::String(REDACTED.into()),
                                    }
                                }
                            }
                            // `env: {NAME: value}`: keep the names, mask the values.
                            Some(Value::Object(env)) => {
                                for v in env.values_mut() {
                                    *v = Value::String(REDACTED.into());
                                }
                            }
                            Some(Value::Null) | None => {}
                            Some(other) => *other = Value::String(REDACTED.into()),
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

/// A key named like a credential (`password`, `db_password`, `apiToken`, `private-key`),
/// compared without case, `-` or `_`.
pub(crate) fn is_credential_name(key: &str) -> bool {
    const WORDS: [&str; 12] = [
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "apikey",
        "credential",
        "privatekey",
        "accesskey",
        "auth",
        "passphrase",
        "connectionstring",
    ];
    let folded: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    WORDS.iter().any(|w| folded.contains(w))
}

/// A value that is a credential whatever its key is called: a PEM private key, an AWS access
/// key id, a GitHub, GitLab or Slack token, a JSON Web Token. Masked in ConfigMaps (and
/// reported by PLM-K8S-0083) so that no snapshot, report or store holds it.
pub(crate) fn is_credential_value(value: &str) -> bool {
    let v = value.trim();
    let upper_alnum = |s: &str| {
        s.len() >= 16
            && s.bytes()
                .take(16)
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    (v.contains("-----BEGIN") && v.contains("PRIVATE KEY-----"))
        || ["AKIA", "ASIA"]
            .iter()
            .any(|p| v.strip_prefix(p).is_some_and(upper_alnum))
        || ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-"]
            .iter()
            .any(|p| v.starts_with(p) && v.len() > p.len() + 15)
        || ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"]
            .iter()
            .any(|p| v.starts_with(p))
        || (v.starts_with("eyJ") && v.matches('.').count() == 2 && v.len() > 30)
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

    #[test]
    fn secrets_are_masked_whatever_their_shape() {
        let mut secret =
            json!({"kind": "Secret", "data": "aHVudGVyMg==", "stringData": ["hunter2"]});
        redact_kubernetes(secret.as_object_mut().unwrap());
        assert_eq!(secret["data"], REDACTED);
        assert_eq!(secret["stringData"], REDACTED);

        let mut pod = json!({"kind": "Pod", "spec": {"containers": [
            {"name": "a", "env": {"DB_PASSWORD": "hunter2", "N": {"value": "hunter2"}}},
            {"name": "b", "env": ["DB_PASSWORD=hunter2", {"name": "X", "value": 42}]},
            {"name": "c", "env": "DB_PASSWORD=hunter2"}
        ]}});
        redact_kubernetes(pod.as_object_mut().unwrap());
        let text = pod.to_string();
        assert!(!text.contains("hunter2") && !text.contains("42"), "{text}");
        assert_eq!(pod["spec"]["containers"][0]["env"]["DB_PASSWORD"], REDACTED);

        let mut cm = json!({"kind": "ConfigMap", "data": {
            "password": "hunter2", "apiToken": "t0ken", "DB-Pass_Word": "x1", "log_level": "debug",
            "TOKEN_TTL_SECONDS": "3600"}});
        redact_kubernetes(cm.as_object_mut().unwrap());
        let text = cm.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("t0ken") && !text.contains("x1"),
            "{text}"
        );
        assert_eq!(cm["data"]["log_level"], "debug");
    }

    #[test]
    fn configmap_values_that_are_credentials_are_masked_whatever_the_key() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n";
        let mut cm = json!({"kind": "ConfigMap", "data": {
            "tls.pem": pem, "aws": "AKIAIOSFODNN7EXAMPLE", "gh": "ghp_0123456789abcdefghijABCDEFGHIJ",
            "session": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZw", "password": "",
            "region": "eu-west-1", "akia_note": "AKIA is a prefix"}});
        redact_kubernetes(cm.as_object_mut().unwrap());
        let text = cm.to_string();
        assert!(
            !text.contains("MIIEow")
                && !text.contains("IOSFODNN7")
                && !text.contains("ghp_0123")
                && !text.contains("eyJzdWIi"),
            "{text}"
        );
        // An empty value stays empty; ordinary values stay.
        assert_eq!(cm["data"]["password"], "");
        assert_eq!(cm["data"]["region"], "eu-west-1");
        assert_eq!(cm["data"]["akia_note"], "AKIA is a prefix");
    }
}
