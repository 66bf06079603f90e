//! A loopback HTTPS Kubernetes API server: the test peer for the live-cluster collector.
//!
//! It speaks enough of the real protocol that `kubectl` accepts it (a test proves that):
//! TLS with a generated CA, bearer-token and client-certificate authentication, `/version`,
//! legacy discovery (`/api`, `/apis`, resource lists), paginated lists with `limit` and
//! `continue`, metadata-only lists (`as=PartialObjectMetadataList`), `Table` lists with
//! metadata objects, single-object GETs, and `nodes/{name}/proxy/configz`.
//!
//! Failures are injected per resource so the error paths are tested against real HTTP:
//! 403 for chosen resources (or `nodes/proxy`), 429/500 for the first N requests, 410 for a
//! stale `continue` token, 503 from a node's kubelet.
//!
//! The server is deliberately independent of Plimsoll's own kind table: it has its own list of
//! the resources it serves, so a mistake in one is not mirrored in the other.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The token the server accepts.
pub const TOKEN: &str = "plimsoll-test-token";
/// A token the server rejects with 401, as for an expired credential.
pub const EXPIRED_TOKEN: &str = "plimsoll-expired-token";

/// One resource type the server knows: (group, version, plural, kind, namespaced).
struct ResourceType {
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
}

const fn rt(
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
) -> ResourceType {
    ResourceType {
        group,
        version,
        plural,
        kind,
        namespaced,
    }
}

const TYPES: &[ResourceType] = &[
    rt("", "v1", "pods", "Pod", true),
    rt("", "v1", "namespaces", "Namespace", false),
    rt("", "v1", "nodes", "Node", false),
    rt("", "v1", "services", "Service", true),
    rt("", "v1", "serviceaccounts", "ServiceAccount", true),
    rt("", "v1", "secrets", "Secret", true),
    rt("", "v1", "configmaps", "ConfigMap", true),
    rt(
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
    ),
    rt(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        true,
    ),
    rt("apps", "v1", "deployments", "Deployment", true),
    rt("apps", "v1", "replicasets", "ReplicaSet", true),
    rt("apps", "v1", "statefulsets", "StatefulSet", true),
    rt("apps", "v1", "daemonsets", "DaemonSet", true),
    rt("batch", "v1", "jobs", "Job", true),
    rt("batch", "v1", "cronjobs", "CronJob", true),
    rt("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
    ),
    rt(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
    ),
    rt(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        true,
    ),
    rt("networking.k8s.io", "v1", "ingresses", "Ingress", true),
    rt(
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        false,
    ),
    rt(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
    ),
    rt(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        false,
    ),
    rt(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        false,
    ),
];

/// Injected behaviour.
#[derive(Default, Clone)]
pub struct Behaviour {
    /// Plurals (`secrets`) that answer 403; `nodes/proxy` forbids configz.
    pub forbidden: HashSet<String>,
    /// Plurals whose first N list requests answer 429 Too Many Requests.
    pub throttle: HashMap<String, usize>,
    /// Plurals whose first N list requests answer 500.
    pub server_error: HashMap<String, usize>,
    /// Plurals whose first request with a `continue` token answers 410 Expired.
    pub expire_continue: HashSet<String>,
    /// Nodes whose kubelet is unreachable through the proxy (503).
    pub unreachable_kubelets: HashSet<String>,
    /// Plurals the server does not serve at all (404, as on an older cluster).
    pub not_served: HashSet<String>,
    /// Largest page the server returns, whatever `limit` asks (0 = no cap).
    pub max_page: usize,
    /// Plurals whose first N list requests never get an answer (the client must time out).
    pub stall: HashMap<String, usize>,
    /// Accept EKS tokens (`k8s-aws-v1.`) for this cluster, checked as EKS checks them.
    pub eks: Option<EksAuth>,
    /// Plurals whose every list page says "continue from the start" with the same token.
    pub loop_continue: HashSet<String>,
    /// Plurals whose list answer is padded to 2 MiB (past `--max-response-mib 1`).
    pub oversize: HashSet<String>,
}

/// What an EKS API server knows to check a token: which cluster it is, and where STS is. The
/// token is verified twice: its SigV4 signature recomputed here independently of the AWS SDK
/// (with the test credentials' secret key), then replayed against STS (moto) as the EKS
/// authenticator does, which must answer with the expected account.
#[derive(Clone)]
pub struct EksAuth {
    /// The cluster name the token must be bound to (`x-k8s-aws-id`).
    pub cluster: String,
    /// The region the token must be signed for.
    pub region: String,
    /// The STS endpoint the token must be a request to (`http://127.0.0.1:PORT/`).
    pub sts: String,
    /// The secret access key of the signer.
    pub secret_key: String,
    /// The account STS must name.
    pub account: String,
}

/// Objects the server holds, by resource type, plus each node's kubelet configuration.
#[derive(Default)]
pub struct Cluster {
    objects: HashMap<&'static str, Vec<Value>>,
    /// Node name -> the `kubeletconfig` object configz returns.
    pub configz: BTreeMap<String, Value>,
}

impl Cluster {
    /// Adds an object (`apiVersion`, `kind`, `metadata` required).
    pub fn add(&mut self, object: Value) {
        let kind = object["kind"].as_str().expect("object has a kind");
        let t = TYPES
            .iter()
            .find(|t| t.kind == kind)
            .unwrap_or_else(|| panic!("test server does not serve kind {kind}"));
        self.objects.entry(t.plural).or_default().push(object);
    }

    /// Loads every document of every YAML file in `dir`; `KubeletConfiguration` documents
    /// become configz answers for the node named in `metadata.name`.
    pub fn from_dir(dir: &Path) -> Cluster {
        let mut cluster = Cluster::default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("fixture dir")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for doc in text.split("\n---") {
                if doc.trim().is_empty() {
                    continue;
                }
                let v: Value = yaml_serde::from_str(doc).unwrap();
                if v.is_null() {
                    continue;
                }
                if v["kind"] == "KubeletConfiguration" {
                    let node = v["metadata"]["name"].as_str().unwrap().to_string();
                    let mut body = v.clone();
                    body.as_object_mut().unwrap().remove("metadata");
                    cluster.configz.insert(node, body);
                } else {
                    cluster.add(v);
                }
            }
        }
        cluster
    }

    /// Number of objects of one kind.
    pub fn count(&self, plural: &str) -> usize {
        self.objects.get(plural).map_or(0, Vec::len)
    }

    fn sort(&mut self) {
        for list in self.objects.values_mut() {
            list.sort_by(|a, b| {
                let key = |v: &Value| {
                    (
                        v["metadata"]["namespace"]
                            .as_str()
                            .unwrap_or("")
                            .to_string(),
                        v["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    )
                };
                key(a).cmp(&key(b))
            });
        }
    }
}

struct State {
    /// Policy report objects written (server-side apply): (plural, namespace, name) -> object.
    reports: Mutex<BTreeMap<(String, String, String), Value>>,
    cluster: Cluster,
    behaviour: Behaviour,
    counters: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<String>>,
    requests: AtomicUsize,
    addr: SocketAddr,
}

/// A running server. Dropping it stops the runtime thread.
pub struct ApiServer {
    /// `https://127.0.0.1:PORT`.
    pub url: String,
    /// The CA certificate (PEM) clients must trust.
    pub ca_pem: String,
    /// A client certificate and key (PEM) signed by the CA, accepted as user `plimsoll-test`.
    pub client_cert_pem: String,
    /// The client certificate's key (PEM).
    pub client_key_pem: String,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl ApiServer {
    /// Starts the server on an ephemeral loopback port.
    pub fn start(mut cluster: Cluster, behaviour: Behaviour) -> ApiServer {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
            SanType,
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        cluster.sort();

        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "plimsoll-test-ca");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().unwrap();
        let mut server_params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        server_params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        server_params
            .distinguished_name
            .push(DnType::CommonName, "kube-apiserver");
        let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "plimsoll-test");
        client_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();

        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_cert.der().clone()).unwrap();
        let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
            .allow_unauthenticated()
            .build()
            .unwrap();
        let key_der = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der())
            .expect("server key");
        let mut tls = rustls::ServerConfig::builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert.der().clone()], key_der)
            .unwrap();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));

        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let state = Arc::new(State {
            cluster,
            behaviour,
            counters: Mutex::new(HashMap::new()),
            reports: Mutex::new(BTreeMap::new()),
            log: Mutex::new(Vec::new()),
            requests: AtomicUsize::new(0),
            addr,
        });
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let thread_state = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut rx => break,
                        accepted = listener.accept() => {
                            let Ok((tcp, _)) = accepted else { continue };
                            let acceptor = acceptor.clone();
                            let state = thread_state.clone();
                            tokio::spawn(async move {
                                let Ok(tls) = acceptor.accept(tcp).await else { return };
                                let client_cert = tls
                                    .get_ref()
                                    .1
                                    .peer_certificates()
                                    .is_some_and(|c| !c.is_empty());
                                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                                    let state = state.clone();
                                    async move {
                                        if stalls(&state, req.uri().path()) {
                                            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                                        }
                                        use http_body_util::BodyExt;
                                        let (parts, body) = req.into_parts();
                                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                                        Ok::<_, std::convert::Infallible>(handle(&state, client_cert, Request::from_parts(parts, body)))
                                    }
                                });
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(tls), service)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        ApiServer {
            url: format!("https://{addr}"),
            ca_pem: ca_cert.pem(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// Requests served so far, as `GET /path?query`.
    /// The policy report objects clients wrote (PolicyReport, ClusterPolicyReport, OpenReports'
    /// Report and ClusterReport), in (plural, namespace, name) order.
    pub fn reports(&self) -> Vec<Value> {
        self.state
            .reports
            .lock()
            .unwrap()
            .values()
            .cloned()
            .collect()
    }

    /// Stores a policy report object as if a client had written it earlier.
    pub fn put_report(&self, plural: &str, object: Value) {
        let ns = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let name = object["metadata"]["name"].as_str().unwrap().to_string();
        self.state
            .reports
            .lock()
            .unwrap()
            .insert((plural.to_string(), ns, name), object);
    }

    pub fn log(&self) -> Vec<String> {
        self.state.log.lock().unwrap().clone()
    }

    /// Writes a kubeconfig with one context per `(context, token)` pair, all pointing at this
    /// server, plus the CA file; returns its path. The first context is current.
    pub fn kubeconfig(&self, dir: &Path, contexts: &[(&str, &str)]) -> PathBuf {
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, &self.ca_pem).unwrap();
        let mut users = String::new();
        let mut ctxs = String::new();
        for (name, token) in contexts {
            users.push_str(&format!(
                "- name: {name}-user\n  user:\n    token: {token}\n"
            ));
            ctxs.push_str(&format!(
                "- name: {name}\n  context:\n    cluster: test\n    user: {name}-user\n"
            ));
        }
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: {}\n    certificate-authority: {}\nusers:\n{users}contexts:\n{ctxs}current-context: {}\n",
            self.url,
            ca.display(),
            contexts[0].0
        );
        let path = dir.join("kubeconfig");
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn json_response(code: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(serde_json::to_vec(body).unwrap())))
        .unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Response<Full<Bytes>> {
    let mut resp = json_response(
        StatusCode::from_u16(code).unwrap(),
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message, "reason": reason, "code": code}),
    );
    if code == 429 {
        resp.headers_mut()
            .insert("Retry-After", hyper::header::HeaderValue::from_static("1"));
    }
    resp
}

/// Decrements the injected-failure budget for `key`; true while failures remain.
fn take(state: &State, table: &HashMap<String, usize>, key: &str, prefix: &str) -> bool {
    let Some(&budget) = table.get(key) else {
        return false;
    };
    let mut counters = state.counters.lock().unwrap();
    let used = counters.entry(format!("{prefix}/{key}")).or_insert(0);
    if *used < budget {
        *used += 1;
        true
    } else {
        false
    }
}

/// True for a list request of a plural that still has stalls in its budget.
fn stalls(state: &State, path: &str) -> bool {
    let Some(plural) = path.rsplit('/').next() else {
        return false;
    };
    take(state, &state.behaviour.stall, plural, "stall")
}

fn query_params(query: Option<&str>) -> HashMap<String, String> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn handle(state: &State, client_cert: bool, req: Request<Bytes>) -> Response<Full<Bytes>> {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    state.log.lock().unwrap().push(format!(
        "{} {}{}",
        req.method(),
        path,
        query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    ));
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut token_ok = auth == format!("Bearer {TOKEN}");
    if let (Some(eks), Some(token)) = (
        &state.behaviour.eks,
        auth.strip_prefix("Bearer k8s-aws-v1."),
    ) {
        match check_eks_token(eks, token) {
            Ok(()) => token_ok = true,
            Err(why) => {
                state
                    .log
                    .lock()
                    .unwrap()
                    .push(format!("EKS token rejected: {why}"));
                return status(401, "Unauthorized", &format!("Unauthorized: {why}"));
            }
        }
    }
    if !(token_ok || client_cert) {
        return status(401, "Unauthorized", "Unauthorized");
    }
    if let Some(answer) = reports(state, &req, &path, query.as_deref()) {
        return answer;
    }
    if req.method() != hyper::Method::GET {
        return status(405, "MethodNotAllowed", "the test server is read-only");
    }
    let accept = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let params = query_params(query.as_deref());
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => json_response(
            StatusCode::OK,
            &json!({"major": "1", "minor": "33", "gitVersion": "v1.33.2",
                    "gitCommit": "0000000000000000000000000000000000000000",
                    "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
                    "goVersion": "go1.24.4", "compiler": "gc", "platform": "linux/amd64"}),
        ),
        ["api"] => json_response(
            StatusCode::OK,
            &json!({"kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                    "serverAddress": state.addr.to_string()}]}),
        ),
        ["apis"] => {
            let mut groups: Vec<&str> = TYPES
                .iter()
                .map(|t| t.group)
                .filter(|g| !g.is_empty())
                .collect();
            groups.dedup();
            let groups: Vec<Value> = groups
                .iter()
                .map(|g| {
                    let gv = json!({"groupVersion": format!("{g}/v1"), "version": "v1"});
                    json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
                })
                .collect();
            json_response(
                StatusCode::OK,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        ["api", "v1"] => discovery(state, ""),
        ["apis", group, "v1"] => discovery(state, group),
        ["api", "v1", "nodes", node, "proxy", "configz"] => configz(state, node),
        ["api", "v1", rest @ ..] => resource(state, "", rest, &params, &accept),
        ["apis", group, "v1", rest @ ..] => resource(state, group, rest, &params, &accept),
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}

/// The policy report APIs (wgpolicyk8s.io/v1alpha2, openreports.io/v1alpha1), writable:
/// server-side apply (PATCH, `application/apply-patch+yaml`) creates or replaces an object,
/// lists select by label, DELETE removes. A plural in `not_served` answers 404, as a cluster
/// without the CRDs does. None for every other path.
fn reports(
    state: &State,
    req: &Request<Bytes>,
    path: &str,
    query: Option<&str>,
) -> Option<Response<Full<Bytes>>> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        [
            "apis",
            g @ ("wgpolicyk8s.io" | "openreports.io"),
            v,
            rest @ ..,
        ] => (*g, *v, rest),
        _ => return None,
    };
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Some(status(404, "NotFound", "no such path")),
    };
    let known = matches!(
        (group, version, plural),
        (
            "wgpolicyk8s.io",
            "v1alpha2",
            "policyreports" | "clusterpolicyreports"
        ) | ("openreports.io", "v1alpha1", "reports" | "clusterreports")
    );
    if !known || state.behaviour.not_served.contains(plural) {
        return Some(status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    let mut stored = state.reports.lock().unwrap();
    let params = query_params(query);
    let method = req.method().clone();
    Some(match (method.as_str(), name) {
        ("PATCH", Some(name)) => {
            let content = req
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if content != "application/apply-patch+yaml" {
                return Some(status(415, "UnsupportedMediaType", content));
            }
            if params.get("fieldManager").is_none_or(|m| m.is_empty()) {
                return Some(status(422, "Invalid", "fieldManager is required for apply"));
            }
            let Ok(mut object) = serde_json::from_slice::<Value>(req.body()) else {
                return Some(status(400, "BadRequest", "the body is not JSON"));
            };
            if object["metadata"]["name"] != name
                || object["metadata"]["namespace"].as_str() != namespace
            {
                return Some(status(
                    400,
                    "BadRequest",
                    "the name or namespace does not match the path",
                ));
            }
            object["metadata"]["uid"] = json!(format!("uid-{plural}-{name}"));
            object["metadata"]["resourceVersion"] = json!("1");
            stored.insert(
                (
                    plural.to_string(),
                    namespace.unwrap_or("").to_string(),
                    name.to_string(),
                ),
                object.clone(),
            );
            json_response(StatusCode::OK, &object)
        }
        ("DELETE", Some(name)) => {
            let key = (
                plural.to_string(),
                namespace.unwrap_or("").to_string(),
                name.to_string(),
            );
            match stored.remove(&key) {
                Some(_) => json_response(
                    StatusCode::OK,
                    &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
                ),
                None => status(404, "NotFound", &format!("{plural} {name} not found")),
            }
        }
        ("GET", None) => {
            let selector = params.get("labelSelector").cloned().unwrap_or_default();
            let items: Vec<Value> = stored
                .iter()
                .filter(|((p, ns, _), _)| p == plural && namespace.is_none_or(|want| want == ns))
                .filter(|(_, o)| {
                    selector.split(',').filter(|s| !s.is_empty()).all(|s| {
                        let (k, v) = s.split_once('=').unwrap_or((s, ""));
                        o["metadata"]["labels"][k] == v
                    })
                })
                .map(|(_, o)| o.clone())
                .collect();
            json_response(
                StatusCode::OK,
                &json!({"kind": "List", "apiVersion": format!("{group}/{version}"),
                        "metadata": {"resourceVersion": "1"}, "items": items}),
            )
        }
        _ => status(405, "MethodNotAllowed", "not supported by the test server"),
    })
}

fn discovery(state: &State, group: &str) -> Response<Full<Bytes>> {
    let gv = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    let mut resources: Vec<Value> = TYPES
        .iter()
        .filter(|t| t.group == group && !state.behaviour.not_served.contains(t.plural))
        .map(|t| {
            json!({"name": t.plural, "singularName": t.kind.to_lowercase(), "namespaced": t.namespaced,
                   "kind": t.kind, "verbs": ["get", "list"]})
        })
        .collect();
    if group.is_empty() {
        resources.push(
            json!({"name": "nodes/proxy", "singularName": "", "namespaced": false,
                              "kind": "NodeProxyOptions", "verbs": ["get"]}),
        );
    }
    if resources.is_empty() {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    json_response(
        StatusCode::OK,
        &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                "resources": resources}),
    )
}

fn configz(state: &State, node: &str) -> Response<Full<Bytes>> {
    if state.behaviour.forbidden.contains("nodes/proxy") {
        return status(
            403,
            "Forbidden",
            &format!(
                "nodes \"{node}\" is forbidden: User \"plimsoll\" cannot get resource \"nodes/proxy\" in API group \"\" at the cluster scope"
            ),
        );
    }
    if state.behaviour.unreachable_kubelets.contains(node) {
        return status(
            503,
            "ServiceUnavailable",
            &format!(
                "error trying to reach service: dial tcp 10.0.0.9:10250: connect: connection refused (node {node})"
            ),
        );
    }
    match state.cluster.configz.get(node) {
        Some(cfg) => json_response(StatusCode::OK, &json!({"kubeletconfig": cfg})),
        None => status(404, "NotFound", &format!("nodes \"{node}\" not found")),
    }
}

/// `rest` is what follows `/api/v1` or `/apis/{group}/v1`: `pods`, `namespaces/{ns}/pods`,
/// `namespaces/{ns}/pods/{name}`, `namespaces/{name}`.
fn resource(
    state: &State,
    group: &str,
    rest: &[&str],
    params: &HashMap<String, String>,
    accept: &str,
) -> Response<Full<Bytes>> {
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        ["namespaces", name] => (None, "namespaces", Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            );
        }
    };
    let Some(t) = TYPES
        .iter()
        .find(|t| t.group == group && t.plural == plural)
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    if state.behaviour.not_served.contains(plural) {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    let b = &state.behaviour;
    if b.forbidden.contains(plural) {
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        return status(
            403,
            "Forbidden",
            &format!(
                "{plural} is forbidden: User \"plimsoll\" cannot list resource \"{plural}\" in API group \"{group}\" {scope}"
            ),
        );
    }
    if take(state, &b.throttle, plural, "throttle") {
        return status(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
        );
    }
    if take(state, &b.server_error, plural, "error") {
        return status(
            500,
            "InternalError",
            "Internal error occurred: etcdserver: request timed out",
        );
    }
    let all = state.cluster.objects.get(t.plural);
    let empty = Vec::new();
    let all = all.unwrap_or(&empty);
    let in_ns = |o: &&Value| namespace.is_none_or(|ns| o["metadata"]["namespace"] == ns);
    if let Some(name) = name {
        return match all
            .iter()
            .filter(in_ns)
            .find(|o| o["metadata"]["name"] == name)
        {
            Some(o) => json_response(StatusCode::OK, o),
            None => status(404, "NotFound", &format!("{plural} \"{name}\" not found")),
        };
    }
    let items: Vec<&Value> = all.iter().filter(in_ns).collect();
    let mut start = 0usize;
    if let Some(token) = params.get("continue").filter(|t| !t.is_empty()) {
        let mut counters = state.counters.lock().unwrap();
        let expired = counters.entry(format!("expire/{plural}")).or_insert(0);
        if b.expire_continue.contains(plural) && *expired == 0 {
            *expired += 1;
            return status(
                410,
                "Expired",
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
            );
        }
        drop(counters);
        match token.strip_prefix("offset-").and_then(|o| o.parse().ok()) {
            Some(o) => start = o,
            None => return status(400, "BadRequest", "invalid continue token"),
        }
    }
    let mut limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|&l| l > 0)
        .unwrap_or(usize::MAX);
    if b.max_page > 0 {
        limit = limit.min(b.max_page);
    }
    let end = start.saturating_add(limit).min(items.len());
    let page = &items[start.min(end)..end];
    let mut meta = json!({"resourceVersion": "12345"});
    if end < items.len() {
        meta["continue"] = json!(format!("offset-{end}"));
        meta["remainingItemCount"] = json!(items.len() - end);
    }
    if b.loop_continue.contains(plural) {
        meta["continue"] = json!("offset-0");
    }
    if b.oversize.contains(plural) {
        // Valid JSON the client must stop reading: whitespace past its limit.
        let mut body = Vec::with_capacity((2 << 20) + 64);
        body.extend_from_slice(b"{\"kind\":\"List\",\"items\":[]");
        body.resize(body.len() + (2 << 20), b' ');
        body.push(b'}');
        return Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
    }
    if accept.contains("as=Table") {
        let rows: Vec<Value> = page
            .iter()
            .map(|o| {
                let data_count = o["data"].as_object().map_or(0, |d| d.len());
                json!({"cells": [o["metadata"]["name"], o.get("type").cloned().unwrap_or(json!("Opaque")), data_count, "1d"],
                       "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                  "metadata": o["metadata"]}})
            })
            .collect();
        let columns = json!([
            {"name": "Name", "type": "string", "format": "name", "description": "Name", "priority": 0},
            {"name": "Type", "type": "string", "format": "", "description": "Type", "priority": 0},
            {"name": "Data", "type": "string", "format": "", "description": "Data", "priority": 0},
            {"name": "Age", "type": "string", "format": "", "description": "Age", "priority": 0}
        ]);
        return json_response(
            StatusCode::OK,
            &json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                    "columnDefinitions": columns, "rows": rows}),
        );
    }
    if accept.contains("as=PartialObjectMetadataList") {
        let items: Vec<Value> = page
            .iter()
            .map(|o| json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]}))
            .collect();
        return json_response(
            StatusCode::OK,
            &json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                    "metadata": meta, "items": items}),
        );
    }
    // Like the real server, list items carry no apiVersion/kind.
    let items: Vec<Value> = page
        .iter()
        .map(|o| {
            let mut o = (*o).clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("apiVersion");
                m.remove("kind");
            }
            o
        })
        .collect();
    let api_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    json_response(
        StatusCode::OK,
        &json!({"kind": format!("{}List", t.kind), "apiVersion": api_version,
                "metadata": meta, "items": items}),
    )
}

/// Verifies an EKS token the way an EKS API server does, or says why it is not valid.
fn check_eks_token(eks: &EksAuth, token: &str) -> Result<(), String> {
    use base64::Engine as _;
    use ring::{digest, hmac};
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|e| format!("not base64url without padding: {e}"))?;
    let url = String::from_utf8(url).map_err(|_| "not UTF-8".to_string())?;
    let query = url
        .strip_prefix(&format!("{}?", eks.sts))
        .ok_or_else(|| format!("not a request to {}: {url}", eks.sts))?;
    let raw: Vec<(&str, &str)> = query
        .split('&')
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .collect();
    let param = |k: &str| {
        raw.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| percent_decode(v))
            .ok_or_else(|| format!("no {k}"))
    };
    if param("Action")? != "GetCallerIdentity" || param("Version")? != "2011-06-15" {
        return Err("not sts:GetCallerIdentity".into());
    }
    if param("X-Amz-Algorithm")? != "AWS4-HMAC-SHA256" {
        return Err("not SigV4".into());
    }
    let expires: u64 = param("X-Amz-Expires")?
        .parse()
        .map_err(|_| "bad X-Amz-Expires")?;
    if expires > 900 {
        return Err(format!("X-Amz-Expires {expires} is over 15 minutes"));
    }
    let signed = param("X-Amz-SignedHeaders")?;
    if signed != "host;x-k8s-aws-id" {
        return Err(format!(
            "signed headers {signed:?}: x-k8s-aws-id must be signed"
        ));
    }
    let date = param("X-Amz-Date")?;
    let credential = param("X-Amz-Credential")?;
    let scope_parts: Vec<&str> = credential.splitn(2, '/').collect();
    let scope = scope_parts.get(1).copied().unwrap_or_default();
    let expected_scope = format!(
        "{}/{}/sts/aws4_request",
        &date[..8.min(date.len())],
        eks.region
    );
    if scope != expected_scope {
        return Err(format!(
            "credential scope {scope:?}, expected {expected_scope:?}"
        ));
    }
    // Not older than 15 minutes, as EKS allows.
    let signed_at = chrono::NaiveDateTime::parse_from_str(&date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| format!("bad X-Amz-Date {date}"))?
        .and_utc();
    let age = chrono::Utc::now() - signed_at;
    if age > chrono::Duration::minutes(15) || age < chrono::Duration::minutes(-5) {
        return Err(format!("signed at {date}: expired"));
    }
    // The signature, recomputed (AWS SigV4, query-string form) for the cluster this server is.
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let mut canonical_query: Vec<(String, String)> = raw
        .iter()
        .filter(|(k, _)| *k != "X-Amz-Signature")
        .map(|(k, v)| (enc(&percent_decode(k)), enc(&percent_decode(v))))
        .collect();
    canonical_query.sort();
    let canonical_query: Vec<String> = canonical_query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let host = eks
        .sts
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/');
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let empty_hash = hex(digest::digest(&digest::SHA256, b"").as_ref());
    let canonical = format!(
        "GET\n/\n{}\nhost:{host}\nx-k8s-aws-id:{}\n\n{signed}\n{empty_hash}",
        canonical_query.join("&"),
        eks.cluster
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
    );
    let mac = |key: &[u8], data: &str| {
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
            .as_ref()
            .to_vec()
    };
    let k = mac(format!("AWS4{}", eks.secret_key).as_bytes(), &date[..8]);
    let k = mac(&k, &eks.region);
    let k = mac(&k, "sts");
    let k = mac(&k, "aws4_request");
    let expected = hex(&mac(&k, &to_sign));
    if param("X-Amz-Signature")? != expected {
        return Err(format!(
            "signature does not match for cluster {}",
            eks.cluster
        ));
    }
    // Replay against STS, as the authenticator does.
    use std::io::{Read, Write};
    let mut sts = std::net::TcpStream::connect(host).map_err(|e| format!("STS: {e}"))?;
    let path = &url[eks.sts.len() - 1..];
    // moto_server picks the service of a request from its Authorization header's credential
    // scope and has no rule for query-string signatures (a presigned GET reaches its S3
    // backend), so the replay also carries the query's credential there. The signature itself
    // was checked above; moto does not verify signatures.
    write!(
        sts,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nx-k8s-aws-id: {}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={}\r\n\
         Connection: close\r\n\r\n",
        eks.cluster,
        param("X-Amz-Signature")?
    )
    .map_err(|e| format!("STS: {e}"))?;
    // The answer's head, then Content-Length bytes (the proxy keeps the connection open).
    let mut reader = std::io::BufReader::new(sts);
    let mut answer = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut reader, &mut line).map_err(|e| format!("STS: {e}"))?
            == 0
        {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
        let end = line == "\r\n";
        answer.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|e| format!("STS: {e}"))?;
    answer.push_str(&String::from_utf8_lossy(&body));
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!(
            "STS refused the request: {}",
            answer.lines().next().unwrap_or("")
        ));
    }
    if !answer.contains(&format!("<Account>{}</Account>", eks.account)) {
        return Err(format!(
            "STS did not name account {}: {answer}",
            eks.account
        ));
    }
    Ok(())
}
