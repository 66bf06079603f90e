//! One signed AWS request outside the SDK: the calls whose SDK crate would be most of a cold
//! build for one operation (EC2 `DescribeRegions`, KMS `DescribeKey`, Organizations
//! `ListAccounts`, Security Hub `BatchImportFindings`). The request is signed
//! with `aws-sigv4` (already used for EKS tokens) and sent with the hyper client that kube and
//! the SDK already build; the answer is read through a size limit and a time limit.

use super::chain;
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http_body_util::Full;
use std::time::{Duration, SystemTime};

/// Largest answer read: a few KB in practice for the calls made this way.
const MAX_ANSWER: usize = 1 << 20;

/// A request to sign and send.
pub(crate) struct Request<'a> {
    /// The signing name (`ec2`, `kms`).
    pub(crate) service: &'a str,
    /// The region signed for (and of the default endpoint).
    pub(crate) region: &'a str,
    /// `--endpoint-url`, else `https://{service}.{region}.amazonaws.com/`.
    pub(crate) endpoint: Option<&'a str>,
    /// The path (`/` for the query and JSON-target protocols; `/findings/import` for REST).
    pub(crate) path: &'a str,
    /// Headers besides the signature's (content type, `x-amz-target`).
    pub(crate) headers: &'a [(&'a str, &'a str)],
    /// The body, POSTed.
    pub(crate) body: String,
    /// For the whole exchange.
    pub(crate) timeout: Duration,
}

/// The HTTP status and body text of the answer; the error is one line.
pub(crate) async fn post(
    conf: &aws_config::SdkConfig,
    req: Request<'_>,
) -> Result<(http::StatusCode, String), String> {
    let path = req.path.trim_start_matches('/');
    let url = match req.endpoint {
        Some(u) => format!("{}/{path}", u.trim_end_matches('/')),
        None => format!(
            "https://{}.{}.amazonaws.com/{path}",
            req.service, req.region
        ),
    };
    let credentials = match conf.credentials_provider() {
        Some(p) => p.provide_credentials().await.map_err(|e| chain(&e))?,
        None => return Err("no AWS credentials to sign the request with".into()),
    };
    let identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(req.region)
        .name(req.service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        req.headers.iter().copied(),
        SignableBody::Bytes(req.body.as_bytes()),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let mut builder = http::Request::post(&url);
    for (name, value) in req.headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder
        .body(Full::new(bytes::Bytes::from(req.body)))
        .map_err(|e| e.to_string())?;
    instructions.apply_to_request_http1x(&mut request);

    let (status, body) = crate::net::send(request, req.timeout, MAX_ANSWER).await?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The AWS error code and message of a JSON protocol's error answer
/// (`{"__type": "com.amazonaws.kms#AccessDeniedException", "message": "..."}`); the HTTP status
/// stands for the code when the body names none.
pub(crate) fn json_error(status: http::StatusCode, doc: &serde_json::Value) -> (String, String) {
    let code = doc["__type"]
        .as_str()
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
    let message = doc["message"]
        .as_str()
        .or(doc["Message"].as_str())
        .unwrap_or_default()
        .to_string();
    (code, message)
}
