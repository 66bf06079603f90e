//! HTTP to the API server: one request with a timeout and retries, paginated lists, and error
//! classification into messages a user can act on.
//!
//! Retries: 429 and 5xx answers and transport failures (reset connections, timeouts) are
//! retried with exponential backoff; 4xx answers are not (a 403 will not become a 200 by
//! asking again). A `410 Expired` on a `continue` token restarts that list from the start, as
//! `kubectl` does.
//!
//! Bounds: an answer larger than `--max-response-mib` ([`MAX_RESPONSE_BYTES`]) is refused as it arrives (never read
//! whole), and a list whose server repeats a `continue` token, or sends
//! [`MAX_EMPTY_PAGES`] empty pages in a row, is stopped: either would otherwise never end.

use super::kinds::{KindSpec, ListMode};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Largest answer read from the API server by default (`--max-response-mib`). A list page of 500 typical pods is a few MB; a
/// page of 500 objects at the API server's own 1.5 MiB object limit would exceed this, and
/// `--page-size` makes pages smaller.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 128 << 20;

/// Empty pages with a `continue` token in a row before a list is given up as endless.
pub(crate) const MAX_EMPTY_PAGES: usize = 100;

/// Why a request failed, after retries.
#[derive(Debug, Clone)]
pub(crate) enum FetchError {
    /// The API server answered with an error status.
    Api {
        /// HTTP status.
        code: u16,
        /// Kubernetes reason (`Forbidden`, `NotFound`, ...).
        reason: String,
        /// The server's message.
        message: String,
    },
    /// Credentials could not be obtained (exec plugin, token file, ...).
    Auth(String),
    /// TLS failed: unknown CA, wrong host name, client certificate rejected.
    Tls(String),
    /// No answer: refused, reset, DNS, timeout.
    Transport(String),
    /// The answer was not the JSON expected.
    Decode(String),
}

impl FetchError {
    /// The HTTP status, for API errors.
    pub(crate) fn code(&self) -> Option<u16> {
        match self {
            FetchError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// One line for a collection issue, with a hint where the cause is common.
    pub(crate) fn describe(&self) -> String {
        match self {
            FetchError::Api {
                code: 401, message, ..
            } => format!(
                "the API server rejected the credentials (401 {message}): the token or certificate is invalid or expired; refresh them (for EKS: aws eks update-kubeconfig)"
            ),
            FetchError::Api {
                code,
                reason,
                message,
            } => format!("{code} {reason}: {message}"),
            FetchError::Auth(m) => format!("could not obtain credentials: {m}"),
            FetchError::Tls(m) => format!(
                "TLS failed: {m} (check certificate-authority in the kubeconfig and that the server name matches)"
            ),
            FetchError::Transport(m) => format!("cannot reach the API server: {m}"),
            FetchError::Decode(m) => format!("unexpected answer: {m}"),
        }
    }

    fn retryable(&self) -> bool {
        match self {
            FetchError::Api { code, .. } => *code == 429 || *code >= 500,
            FetchError::Transport(_) => true,
            _ => false,
        }
    }
}

/// The error and all its sources, joined: kube's top-level messages alone ("ServiceError:
/// client error (Connect)") do not say what went wrong.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn classify(e: kube::Error) -> FetchError {
    match e {
        kube::Error::Api(s) => FetchError::Api {
            code: s.code,
            reason: s.reason.clone(),
            message: s.message.clone(),
        },
        kube::Error::Auth(e) => FetchError::Auth(chain(&e)),
        kube::Error::SerdeError(e) => FetchError::Decode(e.to_string()),
        other => {
            let text = chain(&other);
            let lower = text.to_ascii_lowercase();
            if lower.contains("certificate")
                || lower.contains("tls")
                || lower.contains("handshake")
                || lower.contains("unknownissuer")
            {
                FetchError::Tls(text)
            } else {
                FetchError::Transport(text)
            }
        }
    }
}

/// Counters shared by every request of one collection, for the summary and tests.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Requests sent, retries included.
    pub(crate) requests: AtomicU64,
    /// Retries after 429/5xx/transport failures.
    pub(crate) retries: AtomicU64,
    /// List pages received.
    pub(crate) pages: AtomicU64,
}

/// Sends requests for one cluster.
pub(crate) struct Fetcher {
    pub(crate) client: kube::Client,
    pub(crate) timeout: Duration,
    /// Largest answer read (`MAX_RESPONSE_BYTES` unless configured).
    pub(crate) max_bytes: u64,
    pub(crate) retries: u32,
    pub(crate) backoff: Duration,
    pub(crate) stats: Stats,
}

/// Percent-encodes a query value (continue tokens are base64 and contain `=`, `+`, `/`).
fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Fetcher {
    /// GETs `path_and_query` with `accept`, retrying transient failures.
    pub(crate) async fn get(
        &self,
        path_and_query: &str,
        accept: &str,
    ) -> Result<String, FetchError> {
        self.get_with_retries(path_and_query, accept, self.retries)
            .await
    }

    /// As [`Fetcher::get`] with its own retry budget (a kubelet that is down through the
    /// node proxy will not be back in seconds: one retry, not four).
    pub(crate) async fn get_with_retries(
        &self,
        path_and_query: &str,
        accept: &str,
        retries: u32,
    ) -> Result<String, FetchError> {
        let mut attempt = 0u32;
        loop {
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let request = http::Request::get(path_and_query)
                .header(http::header::ACCEPT, accept)
                .body(Vec::new())
                .map_err(|e| FetchError::Decode(format!("bad request {path_and_query}: {e}")))?;
            let result = match tokio::time::timeout(self.timeout, self.bounded_text(request)).await
            {
                Ok(r) => r,
                Err(_) => Err(FetchError::Transport(format!(
                    "no answer within {}s (--request-timeout)",
                    self.timeout.as_secs_f64()
                ))),
            };
            match result {
                Ok(text) => return Ok(text),
                Err(e) if e.retryable() && attempt < retries => {
                    let delay = self.delay(attempt);
                    tracing::debug!(
                        "GET {path_and_query}: {}; retry {} in {:.2}s",
                        e.describe(),
                        attempt + 1,
                        delay.as_secs_f64()
                    );
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The answer's body as text, refused once it passes `max_bytes` (read through a limit,
    /// so a huge answer never sits in memory whole).
    async fn bounded_text(&self, request: http::Request<Vec<u8>>) -> Result<String, FetchError> {
        use futures::AsyncReadExt;
        let body = self
            .client
            .request_stream(request)
            .await
            .map_err(classify)?;
        let mut limited = Box::pin(body.take(self.max_bytes + 1));
        let mut bytes = Vec::new();
        limited
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| FetchError::Transport(format!("reading the answer: {e}")))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(FetchError::Decode(format!(
                "the answer is larger than {} MiB (--max-response-mib); lower --page-size",
                self.max_bytes >> 20
            )));
        }
        String::from_utf8(bytes).map_err(|_| FetchError::Decode("the answer is not UTF-8".into()))
    }

    /// Exponential backoff, capped at 10 s, with +-25 % jitter so concurrent lists that were
    /// throttled together do not retry together.
    fn delay(&self, attempt: u32) -> Duration {
        static SEED: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
        let x = SEED.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        let mixed = (x ^ (x >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 40;
        let jitter = 0.75 + (mixed % 1000) as f64 / 2000.0;
        let base = self.backoff.as_secs_f64() * f64::from(1u32 << attempt.min(10));
        Duration::from_secs_f64(base.min(10.0) * jitter)
    }

    /// Lists every object of a kind across all namespaces, page by page. `keep` decides per
    /// object whether to hold on to it (owned pods are dropped as their page arrives, so a
    /// 20,000-pod list never sits in memory at once). Returns the kept objects and how many
    /// the server sent.
    pub(crate) async fn list(
        &self,
        spec: &KindSpec,
        page_size: u32,
        keep: &(dyn Fn(&Map<String, Value>) -> bool + Sync),
        on_page: &(dyn Fn(usize) + Sync),
    ) -> Result<(Vec<Map<String, Value>>, usize), FetchError> {
        let accept = match spec.mode {
            ListMode::Full => "application/json",
            ListMode::MetadataOnly => {
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
            }
            ListMode::SecretTable => {
                "application/json;as=Table;g=meta.k8s.io;v=v1,application/json"
            }
        };
        let mut restarted = false;
        'restart: loop {
            let mut kept = Vec::new();
            let mut seen = 0usize;
            let mut token: Option<String> = None;
            // Tokens already followed, and empty pages in a row: a server that repeats a token,
            // or pages through nothing forever, must not keep the scan running forever.
            let mut followed: std::collections::HashSet<String> = Default::default();
            let mut empty_run = 0usize;
            loop {
                let mut url = format!("{}?limit={page_size}", spec.list_path());
                if spec.mode == ListMode::SecretTable {
                    url.push_str("&includeObject=Metadata");
                }
                if let Some(t) = &token {
                    url.push_str("&continue=");
                    url.push_str(&encode(t));
                }
                let text = match self.get(&url, accept).await {
                    Ok(t) => t,
                    Err(FetchError::Api { code: 410, .. }) if token.is_some() && !restarted => {
                        tracing::info!(
                            "{}: list continuation expired; listing again from the start",
                            spec.plural
                        );
                        restarted = true;
                        continue 'restart;
                    }
                    Err(e) => return Err(e),
                };
                self.stats.pages.fetch_add(1, Ordering::Relaxed);
                let page: Page = serde_json::from_str(&text).map_err(|e| {
                    FetchError::Decode(format!("{} list page is not valid JSON: {e}", spec.plural))
                })?;
                drop(text);
                let next = page
                    .metadata
                    .continue_token
                    .clone()
                    .filter(|t| !t.is_empty());
                let items = page.objects();
                seen += items.len();
                on_page(items.len());
                empty_run = if items.is_empty() { empty_run + 1 } else { 0 };
                kept.extend(items.into_iter().filter(|o| keep(o)));
                match next {
                    Some(t) if !followed.insert(t.clone()) => {
                        return Err(FetchError::Decode(format!(
                            "{} list: the API server sent a continue token it had already sent (after {seen} objects); the list would never end",
                            spec.plural
                        )));
                    }
                    Some(_) if empty_run >= MAX_EMPTY_PAGES => {
                        return Err(FetchError::Decode(format!(
                            "{} list: {MAX_EMPTY_PAGES} empty pages in a row, each with a continue token; the list would never end",
                            spec.plural
                        )));
                    }
                    Some(t) => token = Some(t),
                    None => return Ok((kept, seen)),
                }
            }
        }
    }
}

/// One list page: a typed list, a `PartialObjectMetadataList`, or a `Table`.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default)]
    items: Vec<Map<String, Value>>,
    #[serde(default, rename = "columnDefinitions")]
    columns: Vec<Column>,
    #[serde(default)]
    rows: Vec<Row>,
}

#[derive(Deserialize, Default)]
struct PageMeta {
    #[serde(default, rename = "continue")]
    continue_token: Option<String>,
}

#[derive(Deserialize)]
struct Column {
    name: String,
}

#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    cells: Vec<Value>,
    #[serde(default)]
    object: Option<Map<String, Value>>,
}

impl Page {
    /// The page's objects. Table rows become `{metadata, type}` from the row's metadata
    /// object and the `Type` column; list items lose the meta.k8s.io envelope fields.
    fn objects(self) -> Vec<Map<String, Value>> {
        if self.kind == "Table" {
            let type_col = self.columns.iter().position(|c| c.name == "Type");
            return self
                .rows
                .into_iter()
                .filter_map(|row| {
                    let mut object = row.object?;
                    let mut out = Map::new();
                    out.insert("metadata".into(), object.remove("metadata")?);
                    if let Some(t) = type_col.and_then(|i| row.cells.get(i)).cloned() {
                        out.insert("type".into(), t);
                    }
                    Some(out)
                })
                .collect();
        }
        let mut items = self.items;
        if self.kind == "PartialObjectMetadataList" {
            for item in &mut items {
                item.remove("apiVersion");
                item.remove("kind");
            }
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_are_percent_encoded() {
        assert_eq!(encode("eyJ2Ijoi+/=="), "eyJ2Ijoi%2B%2F%3D%3D");
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
    }

    #[test]
    fn table_rows_become_metadata_and_type() {
        let page: Page = serde_json::from_str(
            r#"{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"continue":"x"},
                "columnDefinitions":[{"name":"Name"},{"name":"Type"},{"name":"Data"}],
                "rows":[{"cells":["s1","kubernetes.io/tls",2],
                         "object":{"kind":"PartialObjectMetadata","metadata":{"name":"s1","namespace":"a"}}}]}"#,
        )
        .unwrap();
        assert_eq!(page.metadata.continue_token.as_deref(), Some("x"));
        let objs = page.objects();
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0]["type"], "kubernetes.io/tls");
        assert_eq!(objs[0]["metadata"]["name"], "s1");
        assert!(objs[0].get("data").is_none());
    }

    #[test]
    fn only_transient_errors_are_retried() {
        let api = |code| FetchError::Api {
            code,
            reason: String::new(),
            message: String::new(),
        };
        assert!(api(429).retryable());
        assert!(api(503).retryable());
        assert!(!api(403).retryable());
        assert!(!api(401).retryable());
        assert!(FetchError::Transport("reset".into()).retryable());
        assert!(!FetchError::Tls("unknown issuer".into()).retryable());
    }
}
