//! Who manages a KMS key (`KeyManager`: `AWS` or `CUSTOMER`), for PLM-ECR-0005: Security Hub
//! ECR.5 asks for a customer managed key, and a repository's key ARN alone does not say (the
//! AWS managed `aws/ecr` key has an ARN like any other). KMS `DescribeKey`, one signed JSON
//! request (`signed.rs`): the KMS SDK crate would be a large build for one call. Answers are
//! kept per key, since many repositories share one.

use super::CallFailure;
use super::signed::{Request, post};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::Mutex;

/// Attempts for a throttled or failing call, as the SDK's standard retry mode makes.
const ATTEMPTS: u32 = 3;

/// `DescribeKey` answers, per key id, for one region's collection.
#[derive(Default)]
pub(crate) struct KeyManagers {
    known: Mutex<HashMap<String, Result<String, CallFailure>>>,
}

impl KeyManagers {
    /// `AWS` or `CUSTOMER` for `key` (an ARN, alias ARN or id), asked once per key.
    pub(crate) async fn of(
        &self,
        conf: &aws_config::SdkConfig,
        key: &str,
    ) -> Result<String, CallFailure> {
        // The lock is held across the call: repositories asking for the same key wait for the
        // first answer rather than each asking.
        let mut known = self.known.lock().await;
        if let Some(answer) = known.get(key) {
            return answer.clone();
        }
        let answer = describe(conf, key).await;
        known.insert(key.to_string(), answer.clone());
        answer
    }
}

async fn describe(conf: &aws_config::SdkConfig, key: &str) -> Result<String, CallFailure> {
    let target = format!("kms:DescribeKey {key}");
    // A key ARN names its region (a repository may use a key of another region's KMS).
    let region = key
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').nth(2))
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| conf.region().map(|r| r.to_string()))
        .unwrap_or_else(|| "us-east-1".into());
    let timeout = conf
        .timeout_config()
        .and_then(|t| t.operation_attempt_timeout())
        .unwrap_or(Duration::from_secs(30));
    let body = serde_json::json!({ "KeyId": key }).to_string();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let answer = post(
            conf,
            Request {
                path: "/",
                service: "kms",
                region: &region,
                endpoint: conf.endpoint_url(),
                headers: &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", "TrentService.DescribeKey"),
                ],
                body: body.clone(),
                timeout,
            },
        )
        .await;
        let retry = match &answer {
            Err(_) => true,
            Ok((status, text)) => {
                status.is_server_error() || status.as_u16() == 429 || text.contains("Throttling")
            }
        };
        if retry && attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            continue;
        }
        return match answer {
            Err(e) => Err(CallFailure::other(format!("{target}: {e}"))),
            Ok((status, text)) => read(&target, status, &text),
        };
    }
}

/// The key manager from a `DescribeKey` answer, or the failure it reports.
fn read(target: &str, status: http::StatusCode, text: &str) -> Result<String, CallFailure> {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    if status.is_success() {
        return match doc["KeyMetadata"]["KeyManager"].as_str() {
            Some(m @ ("AWS" | "CUSTOMER")) => Ok(m.to_string()),
            other => Err(CallFailure::other(format!(
                "{target}: the answer has no known KeyManager ({other:?})"
            ))),
        };
    }
    let (code, message) = super::signed::json_error(status, &doc);
    Err(CallFailure {
        message: format!("{target}: {code}: {message}")
            .trim_end_matches(": ")
            .to_string(),
        // A refusal is a permission fact (a warning), like every refused AWS call.
        expected: code.contains("AccessDenied") || status.as_u16() == 404,
    })
}

#[cfg(test)]
mod tests {
    use super::read;
    use http::StatusCode;

    #[test]
    fn the_key_manager_and_refusals_are_read() {
        let ok = r#"{"KeyMetadata":{"KeyId":"k","KeyManager":"CUSTOMER"}}"#;
        assert_eq!(
            read("t", StatusCode::OK, ok).ok().as_deref(),
            Some("CUSTOMER")
        );
        let odd = r#"{"KeyMetadata":{"KeyId":"k"}}"#;
        assert!(read("t", StatusCode::OK, odd).is_err());
        let denied = r#"{"__type":"com.amazonaws.kms#AccessDeniedException","message":"no"}"#;
        let f = read("t", StatusCode::BAD_REQUEST, denied).unwrap_err();
        assert!(f.expected);
        assert_eq!(f.message, "t: AccessDeniedException: no");
        let gone = r#"{"__type":"NotFoundException","message":"Key 'x' does not exist"}"#;
        let f = read("t", StatusCode::BAD_REQUEST, gone).unwrap_err();
        assert!(!f.expected && f.message.contains("NotFoundException"));
    }
}
