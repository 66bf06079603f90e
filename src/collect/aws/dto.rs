//! Helpers shared by the AWS DTOs: times, tags, lists, and the redaction of environment values
//! (task definitions carry them in clear text).
//!
//! The DTOs themselves live beside the reader of each service. Their rules: camelCase names as
//! in the AWS API reference; `Option` fields skipped when absent (never defaulted, so `false`
//! means the API said false); empty lists kept empty.

use crate::snapshot::REDACTED;
use aws_sdk_eks::primitives::DateTime;
use aws_sdk_eks::primitives::DateTimeFormat as Format;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// RFC 3339, as the API documentation shows times.
pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// A tag map in sorted order (stable digests for drift).
pub(crate) fn tags(t: Option<&HashMap<String, String>>) -> Option<BTreeMap<String, String>> {
    t.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Strings of a slice.
pub(crate) fn strings(v: &[String]) -> Vec<String> {
    v.to_vec()
}

/// An enum's wire value.
pub(crate) fn enum_str<T: AsRef<str>>(v: Option<&T>) -> Option<String> {
    v.map(|e| e.as_ref().to_string())
}

/// An environment variable with its value redacted at collection. `secretLike` records,
/// without the value, whether the value or the name looked like a credential, so a check can
/// still flag secrets passed in plain environment variables.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EnvVar {
    pub(crate) name: String,
    pub(crate) value: &'static str,
    pub(crate) secret_like: bool,
}

/// Redacts one variable, keeping the verdict of [`looks_secret`].
pub(crate) fn env_var(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: REDACTED,
        secret_like: looks_secret(name, value),
    }
}

/// Names that say "credential", and values shaped like one (AWS access key ids, PEM keys,
/// long high-entropy tokens, URLs with a password). A name says so when it ends in a
/// credential word (`DB_PASSWORD`, `GITHUB_TOKEN`, `STRIPE_API_KEY`): a word that only
/// qualifies a setting (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL_SECONDS`) is not a credential.
pub(crate) fn looks_secret(name: &str, value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const LAST: [&str; 9] = [
        "PASSWORD",
        "PASSWD",
        "PWD",
        "SECRET",
        "TOKEN",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "PASSPHRASE",
    ];
    const LAST_TWO: [[&str; 2]; 5] = [
        ["PRIVATE", "KEY"],
        ["ACCESS", "KEY"],
        ["API", "KEY"],
        ["SECRET", "KEY"],
        ["AUTH", "KEY"],
    ];
    let named = match words.as_slice() {
        [.., a, b] if LAST_TWO.iter().any(|p| p == &[*a, *b]) => true,
        [.., last] => LAST.contains(last),
        [] => false,
    };
    if named {
        return true;
    }
    let v = value.trim();
    let aws_key_id = v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let pem = v.contains("-----BEGIN") && v.contains("PRIVATE KEY");
    let url_password = v.contains("://")
        && v.split("://")
            .nth(1)
            .and_then(|rest| rest.split('@').next().filter(|_| rest.contains('@')))
            .is_some_and(|userinfo| userinfo.contains(':'));
    aws_key_id || pem || url_password || high_entropy(v)
}

/// 32+ characters of mixed-class base64-ish text without spaces: what generated secrets look
/// like and ordinary configuration values do not.
fn high_entropy(v: &str) -> bool {
    if v.len() < 32 || v.contains(' ') || v.contains('/') && v.starts_with('/') {
        return false;
    }
    let allowed = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    let classes = [
        v.bytes().any(|b| b.is_ascii_lowercase()),
        v.bytes().any(|b| b.is_ascii_uppercase()),
        v.bytes().any(|b| b.is_ascii_digit()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    allowed && classes == 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised_without_keeping_them() {
        assert!(looks_secret("DB_PASSWORD", "x"));
        assert!(looks_secret("X", "AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_secret(
            "X",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(looks_secret(
            "DATABASE_URL",
            "postgres://app:hunter2@db:5432/x"
        ));
        assert!(!looks_secret("LOG_LEVEL", "debug"));
        assert!(looks_secret("GITHUB_TOKEN", "x"));
        assert!(looks_secret("stripe-api-key", "x"));
        assert!(looks_secret("AWS_SECRET_ACCESS_KEY", "x"));
        assert!(!looks_secret("PASSWORD_MIN_LENGTH", "12"));
        assert!(!looks_secret("TOKEN_TTL_SECONDS", "3600"));
        assert!(!looks_secret("SECRET_NAME", "prod/db"));
        assert!(!looks_secret("PATH", "/usr/local/bin:/usr/bin"));
        assert!(!looks_secret("DATABASE_URL", "postgres://db:5432/x"));
        assert!(!looks_secret("TOKEN_FILE", ""));
        let v = env_var("API_KEY", "abc");
        assert_eq!(v.value, REDACTED);
        assert!(
            !serde_json::to_string(&v)
                .unwrap_or_default()
                .contains("abc")
        );
    }
}
