//! `--pushgateway URL`: the Prometheus metrics of the run (`report::prometheus`) pushed to a
//! Prometheus Pushgateway, for scans that run as Jobs (a CronJob's pod is gone before anything
//! scrapes it). One group per scope, `job=plimsoll` and `scope=SCOPE` (base64url in the path,
//! so any scope text is a valid path segment); a PUT replaces the group's metrics, so a check
//! that no longer fails leaves no stale series behind.
//!
//! The last success time survives a scan that could not read its input: it is read from the
//! Pushgateway before the push, as the textfile output reads it from the file it replaces.

use base64::Engine as _;
use http_body_util::Full;
use std::time::Duration;

/// Largest `/metrics` page read back for the last success time.
const MAX_PAGE: usize = 64 << 20;

/// Why the metrics could not be pushed.
#[derive(Debug, thiserror::Error)]
#[error("Pushgateway {url}: {why}")]
pub struct PushError {
    url: String,
    why: String,
}

/// The group's URL: `BASE/metrics/job/plimsoll/scope@base64/SCOPE`.
pub fn group_url(base: &str, scope: &str) -> String {
    let scope = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(scope);
    // An empty segment is written `=` in the Pushgateway's base64 form.
    let scope = if scope.is_empty() { "=".into() } else { scope };
    format!(
        "{}/metrics/job/plimsoll/scope@base64/{scope}",
        base.trim_end_matches('/')
    )
}

/// The Pushgateway's exposition page (`BASE/metrics`), to read earlier values from; None when
/// it cannot be read (then nothing is carried over).
pub async fn page(base: &str, timeout: Duration) -> Option<String> {
    let (base, auth) = credentials(base).ok()?;
    let url = format!("{}/metrics", base.trim_end_matches('/'));
    let mut request = http::Request::get(&url);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let request = request.body(Full::new(bytes::Bytes::new())).ok()?;
    let (status, body) = crate::net::send(request, timeout, MAX_PAGE).await.ok()?;
    status
        .is_success()
        .then(|| String::from_utf8_lossy(&body).into_owned())
}

/// Replaces the scope's group with `metrics`.
pub async fn push(
    base: &str,
    scope: &str,
    metrics: String,
    timeout: Duration,
) -> Result<(), PushError> {
    let fail = |why: String| PushError {
        url: shown(base),
        why,
    };
    let (base, auth) = credentials(base).map_err(fail)?;
    let url = group_url(&base, scope);
    let mut request = http::Request::put(&url).header("content-type", "text/plain; version=0.0.4");
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let request = request
        .body(Full::new(bytes::Bytes::from(metrics)))
        .map_err(|e| fail(e.to_string()))?;
    let (status, body) = crate::net::send(request, timeout, 1 << 20)
        .await
        .map_err(fail)?;
    if status.is_success() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&body);
        Err(fail(format!(
            "HTTP {}: {}",
            status.as_u16(),
            text.lines().next().unwrap_or_default()
        )))
    }
}

/// The URL without its user and password, and the Basic authorization they make (hyper does
/// not send a URL's credentials by itself).
fn credentials(base: &str) -> Result<(String, Option<String>), String> {
    let mut u = url::Url::parse(base).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("the URL must be http:// or https://".into());
    }
    if u.username().is_empty() && u.password().is_none() {
        return Ok((base.to_string(), None));
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let user = decode(u.username());
    let pass = u.password().map(decode);
    let token = base64::engine::general_purpose::STANDARD
        .encode(format!("{user}:{}", pass.unwrap_or_default()));
    let _ = u.set_username("");
    let _ = u.set_password(None);
    Ok((u.to_string(), Some(format!("Basic {token}"))))
}

/// The URL as messages show it: no password, no query.
fn shown(base: &str) -> String {
    match url::Url::parse(base) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.set_query(None);
            u.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{credentials, group_url, shown};

    #[test]
    fn credentials_in_the_url_become_a_header_and_never_reach_a_message() {
        let (url, auth) = credentials("https://scanner:s3cr%3At@pg.example:9091/").unwrap();
        assert_eq!(url, "https://pg.example:9091/");
        assert_eq!(auth.as_deref(), Some("Basic c2Nhbm5lcjpzM2NyOnQ="));
        assert!(!shown("https://scanner:s3cret@pg.example:9091/?token=x").contains("s3cret"));
        assert!(credentials("file:///etc/passwd").is_err());
    }

    #[test]
    fn any_scope_is_one_path_segment() {
        let url = group_url("http://pg:9091/", "manifests:/a b/c?d");
        assert!(url.starts_with("http://pg:9091/metrics/job/plimsoll/scope@base64/"));
        let segment = url.rsplit('/').next().unwrap();
        assert!(
            segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(group_url("http://pg:9091", "").ends_with("/scope@base64/="));
    }
}
