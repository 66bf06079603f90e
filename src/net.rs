//! One HTTP exchange for the calls made outside the SDKs' and kube's own clients: signed AWS
//! requests (`collect::aws::signed`) and deliveries (`deliver`). The hyper client that kube
//! and the AWS SDK already build, rustls with the system's roots, HTTP/1.1; the whole exchange
//! under a time limit and the answer read through a size limit, so a peer that stalls or
//! streams without end cannot hang or exhaust a run.

use http_body_util::{BodyExt, Full};
use std::time::Duration;

/// Sends `request`; the status and body of the answer, or one line saying why not.
pub async fn send(
    request: http::Request<Full<bytes::Bytes>>,
    timeout: Duration,
    max_answer: usize,
) -> Result<(http::StatusCode, bytes::Bytes), String> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("no TLS root certificates: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(https);
    tokio::time::timeout(timeout, async {
        let response = client.request(request).await.map_err(|e| chain(&e))?;
        let status = response.status();
        let body = http_body_util::Limited::new(response.into_body(), max_answer)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    })
    .await
    .map_err(|_| format!("no answer within {}s", timeout.as_secs_f64()))?
}

/// An error and its causes, joined on one line (some causes span lines: the AWS credential
/// chain lists every provider it tried).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    parts
        .join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
