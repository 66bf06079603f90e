//! `--security-hub`: the run's ASFF findings imported into AWS Security Hub CSPM with
//! `BatchImportFindings`, one signed REST call per batch of at most 100 findings and 6 MB
//! (`report::asff::batches`), no SDK crate (one call; `collect::aws::signed`).
//!
//! The findings go to the account of the credentials (the import must be called by the
//! account a finding names) and the Region of the scan, or `--security-hub-region`. A call
//! that is throttled is retried with backoff; a finding the service refuses fails the
//! delivery with its id and reason.

use crate::collect::aws::{AwsError, AwsOptions, connect, signed};
use crate::report::asff::{Target, batches};
use serde_json::Value;
use std::time::Duration;

/// Why the findings could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum SecurityHubError {
    /// No credentials, no region, or the account could not be identified.
    #[error("Security Hub: {0}")]
    Aws(#[from] AwsError),
    /// A call failed or was refused.
    #[error("Security Hub BatchImportFindings: {0}")]
    Call(String),
}

/// What was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Calls made.
    pub calls: usize,
    /// Findings Security Hub accepted.
    pub findings: usize,
}

/// The connection and the account and Region findings are imported into.
pub struct Hub {
    conf: aws_config::SdkConfig,
    endpoint: Option<String>,
    /// Account, Region and partition.
    pub target: Target,
}

/// Connects with `opts` (the scan's AWS options, or the default credential chain when the
/// scan read no AWS account) and identifies the account. `region` overrides the Region.
pub async fn hub(opts: &AwsOptions, region: Option<&str>) -> Result<Hub, SecurityHubError> {
    let mut opts = opts.clone();
    if let Some(r) = region {
        opts.regions = vec![r.to_string()];
        opts.all_regions = false;
    }
    let (conf, identity, _) = connect(&opts).await?;
    let account = identity
        .account()
        .ok_or_else(|| SecurityHubError::Call("GetCallerIdentity named no account".into()))?
        .to_string();
    // arn:PARTITION:sts::ACCOUNT:...
    let partition = identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    let region = conf
        .region()
        .map(|r| r.to_string())
        .ok_or_else(|| SecurityHubError::Call("no Region for the hub".into()))?;
    let endpoint = opts.endpoint_url.clone().or_else(|| {
        std::env::var("AWS_ENDPOINT_URL_SECURITYHUB")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok()
    });
    Ok(Hub {
        conf,
        endpoint,
        target: Target {
            account,
            region,
            partition,
        },
    })
}

impl Hub {
    /// Imports `findings` (ASFF objects for this hub's target), in batches.
    pub async fn import(&self, findings: &[Value]) -> Result<Imported, SecurityHubError> {
        let mut imported = Imported {
            calls: 0,
            findings: 0,
        };
        for body in batches(findings) {
            let answer = self.call(body).await?;
            imported.calls += 1;
            let failed = answer["FailedCount"].as_u64().unwrap_or(0);
            if failed > 0 {
                let reasons: Vec<String> = answer["FailedFindings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(3)
                    .map(|f| {
                        format!(
                            "{}: {} {}",
                            f["Id"].as_str().unwrap_or("?"),
                            f["ErrorCode"].as_str().unwrap_or(""),
                            f["ErrorMessage"].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                return Err(SecurityHubError::Call(format!(
                    "{failed} finding(s) refused after {} imported: {}",
                    imported.findings,
                    reasons.join("; ")
                )));
            }
            imported.findings += answer["SuccessCount"].as_u64().unwrap_or(0) as usize;
        }
        Ok(imported)
    }

    /// One call, retried when throttled (10 calls a second per account and Region).
    async fn call(&self, body: String) -> Result<Value, SecurityHubError> {
        let mut wait = Duration::from_millis(500);
        for attempt in 1..=5 {
            let (status, text) = signed::post(
                &self.conf,
                signed::Request {
                    path: "/findings/import",
                    service: "securityhub",
                    region: &self.target.region,
                    endpoint: self.endpoint.as_deref(),
                    headers: &[("content-type", "application/json")],
                    body: body.clone(),
                    timeout: Duration::from_secs(60),
                },
            )
            .await
            .map_err(SecurityHubError::Call)?;
            let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status.is_success() {
                return Ok(doc);
            }
            let (code, message) = signed::json_error(status, &doc);
            if (status.as_u16() == 429
                || code.contains("TooManyRequests")
                || code.contains("Throttl"))
                && attempt < 5
            {
                tokio::time::sleep(wait).await;
                wait *= 2;
                continue;
            }
            return Err(SecurityHubError::Call(format!("{code}: {message}")));
        }
        Err(SecurityHubError::Call("throttled five times".into()))
    }
}
