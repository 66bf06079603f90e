//! The live-cluster collector end to end, against the loopback HTTPS API server in
//! `tests/support/apiserver.rs` serving `fixtures/cluster/`: kubeconfig in, findings out.
//! `kubectl` is run against the same server first, to prove it speaks the real protocol.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::apiserver::{ApiServer, Behaviour, Cluster, EXPIRED_TOKEN, TOKEN};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_cluster() -> Cluster {
    Cluster::from_dir(&root().join("fixtures/cluster"))
}

/// Runs the binary with a clean environment: no inherited KUBECONFIG, HOME in `home` so a
/// developer's own ~/.kube/config is never read.
fn plimsoll(home: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .env_remove("KUBECONFIG")
        .env_remove("RUST_LOG")
        .env("HOME", home)
        .env_remove("XDG_STATE_HOME")
        .env_remove("PLIMSOLL_STATE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            &out.stdout[..out.stdout.len().min(2000)],
            out.stderr
        )
    })
}

fn start(behaviour: Behaviour) -> (ApiServer, tempfile::TempDir, PathBuf) {
    let server = ApiServer::start(fixture_cluster(), behaviour);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(dir.path(), &[("prod", TOKEN)]);
    (server, dir, kubeconfig)
}

fn scan_json(home: &Path, kubeconfig: &Path, extra: &[&str]) -> (Out, Value) {
    let mut args = vec![
        "scan",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = plimsoll(home, &args);
    let v = json(&out);
    (out, v)
}

/// Failing (check, resource id) pairs.
fn failures(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .map(|f| {
            (
                f["checkId"].as_str().unwrap().to_string(),
                f["resource"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

fn not_assessed(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "NOT_ASSESSED")
        .map(|f| {
            (
                f["checkId"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .expect("kubectl is installed (scripts/install-test-deps.sh)");
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn kubectl_accepts_the_test_server() {
    let (server, _dir, kubeconfig) = start(Behaviour::default());
    let version: Value =
        serde_json::from_str(&kubectl(&kubeconfig, &["version", "-o", "json"])).unwrap();
    assert_eq!(version["serverVersion"]["gitVersion"], "v1.33.2");
    // --chunk-size makes kubectl page with limit/continue, as a real client does.
    let pods = kubectl(
        &kubeconfig,
        &[
            "get",
            "pods",
            "--all-namespaces",
            "-o",
            "name",
            "--chunk-size=2",
        ],
    );
    assert_eq!(pods.lines().count(), 6, "pods: {pods}");
    assert!(pods.contains("pod/debug"));
    let deployments = kubectl(
        &kubeconfig,
        &["get", "deployments", "-n", "shop", "-o", "json"],
    );
    let deployments: Value = serde_json::from_str(&deployments).unwrap();
    assert_eq!(deployments["items"][0]["metadata"]["name"], "web");
    let configz = kubectl(
        &kubeconfig,
        &["get", "--raw", "/api/v1/nodes/node-b/proxy/configz"],
    );
    let configz: Value = serde_json::from_str(&configz).unwrap();
    assert_eq!(configz["kubeletconfig"]["readOnlyPort"], 10255);
    assert!(
        server
            .log()
            .iter()
            .any(|r| r.contains("/api/v1/pods?") && r.contains("continue=")),
        "kubectl paged through pods: {:?}",
        server.log()
    );
}

#[test]
fn scans_a_cluster_from_a_kubeconfig() {
    let (server, home, kubeconfig) = start(Behaviour::default());
    // A page size of 2 forces several pages per kind.
    let (out, report) = scan_json(home.path(), &kubeconfig, &["--page-size", "2"]);
    assert_eq!(out.code, 1, "findings fail the run: {}", out.stderr);
    let fails = failures(&report);
    let has = |check: &str, id: &str| fails.iter().any(|(c, r)| c == check && r == id);

    // No double counting: the template is judged on its top-level owner, never per replica.
    assert!(has(
        "PLM-K8S-0004",
        "k8s/prod/kube-system/DaemonSet/aws-node"
    ));
    assert!(
        has("PLM-K8S-0021", "k8s/prod/legacy/CronJob/report"),
        "{fails:?}"
    );
    for (_, id) in &fails {
        assert!(
            !id.contains("/Pod/web-")
                && !id.contains("/Pod/aws-node-")
                && !id.contains("/Pod/report-"),
            "owned pod reported: {id}"
        );
        assert!(
            !id.contains("/ReplicaSet/") && !id.contains("/Job/"),
            "owned controller reported: {id}"
        );
    }
    // A pod nobody owns is reported itself.
    assert!(has("PLM-K8S-0001", "k8s/prod/legacy/Pod/debug"));
    assert!(has("PLM-K8S-0004", "k8s/prod/legacy/Pod/debug"));
    // Kubelet configuration read through configz: node-b is unhardened, node-a is not.
    for check in [
        "PLM-NODE-0001",
        "PLM-NODE-0002",
        "PLM-NODE-0003",
        "PLM-NODE-0004",
        "PLM-NODE-0009",
    ] {
        assert!(
            has(check, "k8s/prod/-/KubeletConfiguration/node-b"),
            "{check}: {fails:?}"
        );
    }
    assert!(
        !fails
            .iter()
            .any(|(_, id)| id.ends_with("/KubeletConfiguration/node-a")),
        "node-a is hardened: {fails:?}"
    );
    // RBAC from the live objects.
    assert!(
        has("PLM-K8S-0040", "k8s/prod/-/ClusterRoleBinding/ci-admin"),
        "{fails:?}"
    );

    let inputs = &report["scan"]["inputs"][0];
    assert_eq!(inputs["collector"], "kubernetes");
    assert_eq!(inputs["target"], "context prod");
    assert_eq!(inputs["attributes"]["version"], "v1.33.2");
    assert_eq!(inputs["attributes"]["pods"], "6");
    assert_eq!(inputs["attributes"]["podsReportedViaOwners"], "5");
    assert!(
        report["collectionIssues"].as_array().unwrap().is_empty(),
        "{}",
        report["collectionIssues"]
    );

    // Pagination: more than one page of pods was requested with a continue token.
    let log = server.log();
    assert!(
        log.iter()
            .any(|r| r.starts_with("GET /api/v1/pods?limit=2&continue=")),
        "{log:?}"
    );
    // Secrets as a Table, ConfigMaps as metadata, both in the default namespace only (the
    // one check reading them looks there): their values never crossed the wire.
    assert!(log.iter().any(|r| {
        r.contains("/api/v1/namespaces/default/secrets?limit=2&includeObject=Metadata")
    }));
    assert!(
        !log.iter().any(
            |r| r.starts_with("GET /api/v1/secrets") || r.starts_with("GET /api/v1/configmaps")
        ),
        "Secrets and ConfigMaps are not listed cluster-wide: {log:?}"
    );
    for secret in [
        "SECRETVALUE",
        "c3VwZXItc2VjcmV0",
        "dG9rZW4tU0VD",
        "CONFIGMAPSECRETVALUE",
        "sk-live-",
    ] {
        assert!(
            !out.stdout.contains(secret),
            "{secret} leaked into the report"
        );
        assert!(!out.stderr.contains(secret), "{secret} leaked into stderr");
    }
}

#[test]
fn collect_then_scan_offline_gives_the_same_findings() {
    let (_server, home, kubeconfig) = start(Behaviour::default());
    let snap = home.path().join("prod.json");
    let out = plimsoll(
        home.path(),
        &[
            "collect",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--context",
            "prod",
            "-o",
            snap.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&snap).unwrap();
    for secret in [
        "SECRETVALUE",
        "c3VwZXItc2VjcmV0",
        "CONFIGMAPSECRETVALUE",
        "sk-live-",
        "managedFields",
        "last-applied",
    ] {
        assert!(!text.contains(secret), "{secret} is in the snapshot");
    }
    let snapshot: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"k8s/prod/-/KubeletConfiguration/node-b"));
    assert!(ids.contains(&"k8s/prod/default/Secret/registry-token"));
    assert!(ids.contains(&"k8s/prod/default/ConfigMap/legacy-settings"));
    assert!(
        !ids.contains(&"k8s/prod/shop/Secret/db-password"),
        "not listed outside default"
    );
    // aws-auth is read in full; other ConfigMaps are metadata only.
    let aws_auth = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "k8s/prod/kube-system/ConfigMap/aws-auth")
        .unwrap();
    assert!(
        aws_auth["data"]["mapRoles"]
            .as_str()
            .unwrap()
            .contains("eks-node")
    );
    let secret = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "k8s/prod/default/Secret/registry-token")
        .unwrap();
    assert_eq!(secret["type"], "Opaque");

    let live = scan_json(home.path(), &kubeconfig, &[]).1;
    let offline = plimsoll(
        home.path(),
        &["scan", snap.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(failures(&live), failures(&json(&offline)));
    assert_eq!(live["summary"], json(&offline)["summary"]);
}

#[test]
fn forbidden_kinds_are_not_assessed_and_the_rest_still_runs() {
    let mut behaviour = Behaviour::default();
    behaviour.forbidden.insert("secrets".into());
    behaviour.forbidden.insert("nodes/proxy".into());
    let (_server, home, kubeconfig) = start(behaviour);
    let sarif_file = home.path().join("live.sarif");
    let sarif_arg = format!("sarif={}", sarif_file.display());
    let (out, report) = scan_json(home.path(), &kubeconfig, &["--output", &sarif_arg]);
    // Findings elsewhere still fail the run; a 403 alone is not an input error.
    assert_eq!(out.code, 1, "{}", out.stderr);
    // SARIF of a live cluster: GitHub-valid, the resource id as logical location and as the
    // artifact, NOT_ASSESSED checks as notifications naming the 403.
    support::sarif::validate_sarif(&sarif_file);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    support::sarif::assert_github_ready(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let privileged = results
        .iter()
        .find(|r| r["ruleId"] == "PLM-K8S-0001")
        .expect("a privileged finding");
    let loc = &privileged["locations"][0];
    let id = loc["logicalLocations"][0]["fullyQualifiedName"]
        .as_str()
        .unwrap();
    assert!(id.starts_with("k8s/prod/"), "{id}");
    assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], id);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["associatedRule"]["id"] == "PLM-K8S-0030"
                && n["message"]["text"].as_str().unwrap().contains("403"))
    );
    let na = not_assessed(&report);
    let reason = |check: &str| {
        na.iter()
            .find(|(c, _)| c == check)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("{check} not NOT_ASSESSED: {na:?}"))
    };
    // default-namespace needs Secrets.
    assert!(reason("PLM-K8S-0030").contains("cannot list secrets"));
    assert!(reason("PLM-K8S-0030").contains("403"));
    // configz forbidden: kubelet checks are not assessed at all, and say why.
    assert!(reason("PLM-NODE-0001").contains("nodes/proxy"));
    assert!(
        !failures(&report)
            .iter()
            .any(|(c, _)| c.starts_with("PLM-NODE-"))
    );
    // Workload checks do not need Secrets and still ran.
    assert!(failures(&report).iter().any(|(c, _)| c == "PLM-K8S-0001"));
    assert!(!na.iter().any(|(c, _)| c == "PLM-K8S-0001"));
    let issues = report["collectionIssues"].as_array().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["message"].as_str().unwrap().contains("nodes/proxy"))
    );
    assert!(issues.iter().all(|i| i["level"] == "warning"), "{issues:?}");
}

#[test]
fn throttling_server_errors_and_expired_continue_tokens_are_retried() {
    let mut behaviour = Behaviour::default();
    behaviour.throttle.insert("pods".into(), 2);
    behaviour.throttle.insert("deployments".into(), 1);
    behaviour
        .server_error
        .insert("clusterrolebindings".into(), 2);
    behaviour.expire_continue.insert("pods".into());
    let (server, home, kubeconfig) = start(behaviour);
    let (out, report) = scan_json(home.path(), &kubeconfig, &["--page-size", "2", "-v"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        report["collectionIssues"].as_array().unwrap().is_empty(),
        "{}",
        report["collectionIssues"]
    );
    // The same findings as an undisturbed scan.
    let (_clean_server, clean_home, clean_kubeconfig) = start(Behaviour::default());
    let clean = scan_json(clean_home.path(), &clean_kubeconfig, &["--page-size", "2"]).1;
    assert_eq!(failures(&report), failures(&clean));
    let pod_lists = server
        .log()
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods?"))
        .count();
    // 2 throttled + pages 1..2, expired continue, then pages 1..3 again.
    assert!(pod_lists >= 7, "pod list requests: {pod_lists}");
    assert!(out.stderr.contains("retries"), "{}", out.stderr);
}

#[test]
fn several_contexts_make_one_report() {
    let server = ApiServer::start(fixture_cluster(), Behaviour::default());
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(home.path(), &[("prod", TOKEN), ("staging", TOKEN)]);
    let (out, report) = scan_json(
        home.path(),
        &kubeconfig,
        &["--context", "prod", "--context", "staging"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let fails = failures(&report);
    assert!(
        fails
            .iter()
            .any(|(_, id)| id == "k8s/prod/legacy/Pod/debug")
    );
    assert!(
        fails
            .iter()
            .any(|(_, id)| id == "k8s/staging/legacy/Pod/debug")
    );
    assert_eq!(report["scan"]["inputs"].as_array().unwrap().len(), 2);
    let all = scan_json(home.path(), &kubeconfig, &["--all-contexts"]).1;
    assert_eq!(failures(&all), fails);
    // The table names the cluster of each resource, and has no file LOCATION column.
    let table = plimsoll(
        home.path(),
        &[
            "scan",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--all-contexts",
        ],
    );
    assert!(table.stdout.contains("prod: Pod/debug"), "{}", table.stdout);
    assert!(
        table.stdout.contains("staging: Pod/debug"),
        "{}",
        table.stdout
    );
    assert!(!table.stdout.contains("LOCATION"), "{}", table.stdout);
}

#[test]
fn unknown_context_is_a_usage_error_listing_the_contexts() {
    let (_server, home, kubeconfig) = start(Behaviour::default());
    let out = plimsoll(
        home.path(),
        &[
            "scan",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--context",
            "nope",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("context \"nope\" is not in kubeconfig"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("prod"), "{}", out.stderr);
}

#[test]
fn rejected_credentials_unreachable_servers_and_tls_failures_exit_3() {
    let server = ApiServer::start(fixture_cluster(), Behaviour::default());
    let home = tempfile::tempdir().unwrap();
    let expired = server.kubeconfig(home.path(), &[("prod", EXPIRED_TOKEN)]);
    let out = plimsoll(
        home.path(),
        &["scan", "--kubeconfig", expired.to_str().unwrap()],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("context prod"), "{}", out.stderr);
    assert!(
        out.stderr.contains("rejected the credentials (401"),
        "{}",
        out.stderr
    );

    // A CA that did not sign the server's certificate.
    let other = ApiServer::start(Cluster::default(), Behaviour::default());
    let text = std::fs::read_to_string(server.kubeconfig(home.path(), &[("prod", TOKEN)])).unwrap();
    std::fs::write(home.path().join("ca.pem"), &other.ca_pem).unwrap();
    let wrong_ca = home.path().join("wrong-ca");
    std::fs::write(&wrong_ca, text).unwrap();
    let out = plimsoll(
        home.path(),
        &["scan", "--kubeconfig", wrong_ca.to_str().unwrap()],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("TLS failed"), "{}", out.stderr);

    // Nothing listening.
    let url = server.url.clone();
    let good = server.kubeconfig(home.path(), &[("prod", TOKEN)]);
    drop(server);
    let _ = url;
    let out = plimsoll(
        home.path(),
        &[
            "scan",
            "--kubeconfig",
            good.to_str().unwrap(),
            "--request-timeout",
            "2",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot reach the API server"),
        "{}",
        out.stderr
    );
    // One message: kube's own log lines (five `ERROR failed with error` here) only with -v,
    // and no colour codes in a stderr that is not a terminal, even when colour is allowed.
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    let args = [
        "-v",
        "scan",
        "--kubeconfig",
        good.to_str().unwrap(),
        "--request-timeout",
        "2",
    ];
    let verbose = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .env_remove("KUBECONFIG")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env("HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(stderr.contains("failed with error"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn client_certificates_and_exec_plugins_authenticate() {
    let server = ApiServer::start(fixture_cluster(), Behaviour::default());
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    std::fs::write(dir.join("ca.pem"), &server.ca_pem).unwrap();
    std::fs::write(dir.join("client.pem"), &server.client_cert_pem).unwrap();
    std::fs::write(dir.join("client-key.pem"), &server.client_key_pem).unwrap();
    let plugin = dir.join("token-plugin.sh");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{TOKEN}\"}}}}'\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {{server: {url}, certificate-authority: {dir}/ca.pem}}
users:
- name: cert
  user: {{client-certificate: {dir}/client.pem, client-key: {dir}/client-key.pem}}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {plugin}
      interactiveMode: Never
contexts:
- {{name: by-cert, context: {{cluster: test, user: cert}}}}
- {{name: by-exec, context: {{cluster: test, user: exec}}}}
current-context: by-cert
",
            url = server.url,
            dir = dir.display(),
            plugin = plugin.display()
        ),
    )
    .unwrap();
    let (out, report) = scan_json(dir, &kubeconfig, &["--all-contexts"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        report["collectionIssues"].as_array().unwrap().is_empty(),
        "{}",
        report["collectionIssues"]
    );
    let fails = failures(&report);
    assert!(
        fails
            .iter()
            .any(|(_, id)| id == "k8s/by-cert/legacy/Pod/debug")
    );
    assert!(
        fails
            .iter()
            .any(|(_, id)| id == "k8s/by-exec/legacy/Pod/debug")
    );

    // A plugin that never exits is stopped at --request-timeout: the context is reported and
    // the scan ends.
    let hung = dir.join("hung-plugin.sh");
    let pid_file = dir.join("hung.pid");
    std::fs::write(
        &hung,
        format!(
            "#!/bin/sh\necho $$ > {}\nexec sleep 600\n",
            pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hung, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = std::fs::read_to_string(&kubeconfig)
        .unwrap()
        .replace(&plugin.display().to_string(), &hung.display().to_string());
    std::fs::write(&kubeconfig, text).unwrap();
    let started = std::time::Instant::now();
    let out = plimsoll(
        dir,
        &[
            "scan",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--context",
            "by-exec",
            "--request-timeout",
            "1",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("did not finish within 1s"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    // It was sent SIGKILL; on a loaded machine the kernel may take a moment to end it.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let gone = || {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
        (stat.is_empty() || stat.contains(") Z "), stat)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !gone().0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (ended, stat) = gone();
    assert!(ended, "the plugin is still running: {stat}");
}

/// A server that repeats its `continue` token, or answers with more than the client reads,
/// ends the list with an error naming it; the other kinds are still collected.
#[test]
fn endless_lists_and_oversized_answers_are_stopped() {
    let mut b = Behaviour::default();
    b.loop_continue.insert("deployments".into());
    b.oversize.insert("services".into());
    let (_server, home, kubeconfig) = start(b);
    let (out, report) = scan_json(
        home.path(),
        &kubeconfig,
        &["--no-state", "--max-response-mib", "1"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("deployments list: the API server sent a continue token it had already sent"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("services failed: unexpected answer: the answer is larger than 1 MiB"),
        "{}",
        out.stderr
    );
    let judged: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .map(|f| f["resource"]["kind"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        judged.contains("Namespace") && judged.contains("ServiceAccount"),
        "the other kinds are judged: {judged:?}"
    );
}

#[test]
fn the_deployed_roles_grant_exactly_what_the_collector_reads() {
    // Grants as (namespace, group, resource, verb); `*` for a ClusterRole's (cluster-wide).
    type Grant = (String, String, String, String);
    let grants_in = |file: &str| -> Vec<Grant> {
        let text = std::fs::read_to_string(root().join("deploy/kubernetes").join(file)).unwrap();
        let mut granted = Vec::new();
        for role in text
            .split("\n---")
            .map(|d| yaml_serde::from_str::<Value>(d).unwrap())
            .filter(|d| d["kind"] == "ClusterRole" || d["kind"] == "Role")
        {
            let ns = role["metadata"]["namespace"]
                .as_str()
                .unwrap_or("*")
                .to_string();
            assert_eq!(ns == "*", role["kind"] == "ClusterRole");
            for rule in role["rules"].as_array().unwrap() {
                let list = |k: &str| -> Vec<String> {
                    rule[k]
                        .as_array()
                        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                        .unwrap_or_default()
                };
                for verb in list("verbs") {
                    assert!(
                        verb == "list" || verb == "get",
                        "read-only role grants {verb}"
                    );
                    for group in list("apiGroups") {
                        for resource in list("resources") {
                            assert_ne!(resource, "*", "wildcard resource");
                            // A `get` on ConfigMaps is for named objects only.
                            if resource == "configmaps" && verb == "get" {
                                assert_eq!(list("resourceNames"), ["aws-auth"]);
                            }
                            granted.push((ns.clone(), group.clone(), resource, verb.clone()));
                        }
                    }
                }
            }
        }
        granted
    };
    let base = grants_in("rbac.yaml");
    // The default role grants no node proxy (it reaches every kubelet's API: exec included)
    // and no cluster-wide ConfigMaps or Secrets (whose list returns their data).
    for (ns, _, resource, _) in &base {
        assert_ne!(
            resource, "nodes/proxy",
            "configz is the opt-in rbac-kubelet.yaml"
        );
        if resource == "configmaps" || resource == "secrets" {
            assert_ne!(ns, "*", "{resource} granted cluster-wide");
        }
    }
    let kubelet = grants_in("rbac-kubelet.yaml");
    assert_eq!(
        kubelet,
        [(
            "*".to_string(),
            String::new(),
            "nodes/proxy".to_string(),
            "get".to_string()
        )]
    );
    let mut granted: Vec<Grant> = base.into_iter().chain(kubelet).collect();
    let mut needed: Vec<Grant> = plimsoll::collect::kubernetes::collected_kinds()
        .into_iter()
        .map(|k| {
            (
                k.namespace.unwrap_or("*").to_string(),
                k.group.to_string(),
                k.resource.to_string(),
                "list".to_string(),
            )
        })
        .collect();
    let grant = |ns: &str, resource: &str, verb: &str| {
        (
            ns.to_string(),
            String::new(),
            resource.to_string(),
            verb.to_string(),
        )
    };
    needed.push(grant("*", "nodes/proxy", "get"));
    needed.push(grant("kube-system", "configmaps", "get"));
    granted.sort();
    needed.sort();
    assert_eq!(
        granted, needed,
        "deploy/kubernetes/rbac*.yaml vs the collector"
    );

    // And the collector really works with only that: every request the scan makes is one of
    // the granted (namespace, group, resource, verb), a cluster-wide grant covering them all.
    let (server, home, kubeconfig) = start(Behaviour::default());
    let (out, _) = scan_json(home.path(), &kubeconfig, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for request in server.log() {
        let path = request
            .trim_start_matches("GET ")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        if path == "/version" {
            continue;
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let (group, rest) = match segments.as_slice() {
            ["api", "v1", rest @ ..] => ("", rest),
            ["apis", group, "v1" | "v2", rest @ ..] => (*group, rest),
            _ => panic!("unexpected request {request}"),
        };
        let (ns, resource, verb) = match rest {
            [plural] => ("*", plural.to_string(), "list"),
            ["nodes", _, "proxy", "configz"] => ("*", "nodes/proxy".to_string(), "get"),
            ["namespaces", ns, plural] => (*ns, plural.to_string(), "list"),
            ["namespaces", ns, plural, _] => (*ns, plural.to_string(), "get"),
            _ => panic!("unexpected request {request}"),
        };
        let allowed = |scope: &str| {
            granted.contains(&(
                scope.to_string(),
                group.to_string(),
                resource.clone(),
                verb.to_string(),
            ))
        };
        assert!(
            allowed(ns) || allowed("*"),
            "{request} needs {verb} {resource} in group {group:?}, not granted"
        );
    }
}

#[test]
fn an_unreachable_kubelet_leaves_kubelet_checks_not_assessed_but_keeps_other_nodes_findings() {
    let mut behaviour = Behaviour::default();
    behaviour.unreachable_kubelets.insert("node-a".into());
    let (server, home, kubeconfig) = start(behaviour);
    let (out, report) = scan_json(
        home.path(),
        &kubeconfig,
        &["--benchmark", "cis-kubernetes-1.12"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let issue = report["collectionIssues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["message"].as_str().unwrap().contains("node node-a"))
        .expect("an issue names the node");
    assert_eq!(issue["level"], "warning");
    assert_eq!(issue["partial"], true);
    // node-b was read: its failures are reported.
    let fails = failures(&report);
    assert!(fails.contains(&(
        "PLM-NODE-0001".to_string(),
        "k8s/prod/-/KubeletConfiguration/node-b".to_string()
    )));
    let control = |id: &str| {
        report["compliance"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
    // A control node-b fails is FAIL; one node-b passes cannot PASS with node-a unknown.
    assert_eq!(control("4.2.1")["status"], "FAIL");
    let rotation = control("4.2.11");
    assert_eq!(rotation["status"], "NOT_ASSESSED", "{rotation}");
    assert!(
        rotation["reason"].as_str().unwrap().contains("node-a"),
        "{rotation}"
    );
    // A dead kubelet gets one retry, not the full budget lists get.
    let asked = server
        .log()
        .iter()
        .filter(|r| r.as_str() == "GET /api/v1/nodes/node-a/proxy/configz")
        .count();
    assert_eq!(asked, 2, "one try and one retry");
}

#[test]
fn a_request_without_an_answer_times_out_and_is_retried() {
    let mut behaviour = Behaviour::default();
    behaviour.stall.insert("deployments".into(), 1);
    let (server, home, kubeconfig) = start(behaviour);
    let (out, report) = scan_json(home.path(), &kubeconfig, &["--request-timeout", "1", "-vv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(report["collectionIssues"].as_array().unwrap().is_empty());
    assert!(out.stderr.contains("no answer within 1s"), "{}", out.stderr);
    assert!(out.stderr.contains("retry 1"), "{}", out.stderr);
    // The stalled request is still hanging on the server (it logs after answering); the retry
    // was answered.
    assert!(
        server
            .log()
            .iter()
            .any(|r| r.starts_with("GET /apis/apps/v1/deployments?"))
    );
    assert!(
        failures(&report)
            .iter()
            .any(|(_, id)| id == "k8s/prod/kube-system/DaemonSet/aws-node")
    );
}

#[test]
fn kubeconfig_files_in_kubeconfig_are_merged_like_kubectl() {
    let server = ApiServer::start(fixture_cluster(), Behaviour::default());
    let home = tempfile::tempdir().unwrap();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = server.kubeconfig(a.path(), &[("prod", TOKEN)]);
    let second = server.kubeconfig(b.path(), &[("staging", TOKEN)]);
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["scan", "--all-contexts", "--format", "json"])
        .env(
            "KUBECONFIG",
            format!("{}:{}", first.display(), second.display()),
        )
        .env("HOME", home.path())
        .env_remove("XDG_STATE_HOME")
        .env_remove("PLIMSOLL_STATE")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets: Vec<&str> = report["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["context prod", "context staging"]);
}

#[test]
fn in_cluster_outside_a_pod_is_a_clear_configuration_error() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["scan", "--in-cluster"])
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .env("HOME", home.path())
        .env_remove("XDG_STATE_HOME")
        .env_remove("PLIMSOLL_STATE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--in-cluster: no service account environment"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn progress_shows_on_a_terminal_only() {
    let (_server, home, kubeconfig) = start(Behaviour::default());
    // `script` (util-linux) gives the binary a real pseudo-terminal for stderr.
    let out_file = home.path().join("report.txt");
    let cmd = format!(
        "{} scan --kubeconfig {} -o {}",
        env!("CARGO_BIN_EXE_plimsoll"),
        kubeconfig.display(),
        out_file.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("HOME", home.path())
        .env_remove("XDG_STATE_HOME")
        .env_remove("PLIMSOLL_STATE")
        .env_remove("KUBECONFIG")
        .env("TERM", "xterm")
        .output()
        .expect("script(1) from util-linux runs");
    let text = String::from_utf8_lossy(&tty.stdout);
    assert!(
        text.contains("context prod: "),
        "spinner on a terminal: {text}"
    );
    // Piped stderr: no spinner.
    let piped = plimsoll(
        home.path(),
        &[
            "scan",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(!piped.stderr.contains("context prod: "), "{}", piped.stderr);
}

#[test]
fn proxy_url_in_the_kubeconfig_is_used() {
    let (server, home, kubeconfig) = start(Behaviour::default());
    let proxy = support::proxy::ConnectProxy::start();
    let text = std::fs::read_to_string(&kubeconfig).unwrap().replace(
        "    certificate-authority:",
        &format!("    proxy-url: {}\n    certificate-authority:", proxy.url),
    );
    std::fs::write(&kubeconfig, text).unwrap();
    let (out, report) = scan_json(home.path(), &kubeconfig, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(report["collectionIssues"].as_array().unwrap().is_empty());
    assert!(proxy.tunnels() >= 1, "no CONNECT tunnel through the proxy");
    assert!(!server.log().is_empty());
}

/// `plimsoll scan` with nothing named scans the current context of the kubeconfig, as kubectl
/// would, and says so; with no kubeconfig either, it is a usage error naming what can be
/// scanned. The cluster's run is recorded by default (live), with the current context's scope.
#[test]
fn a_scan_with_no_input_reads_the_current_context() {
    let (_server, home, kubeconfig) = start(Behaviour::default());
    std::fs::create_dir_all(home.path().join(".kube")).unwrap();
    std::fs::copy(&kubeconfig, home.path().join(".kube/config")).unwrap();
    let out = plimsoll(home.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no input given: scanning the current context of")
            && out.stderr.contains(".kube/config"),
        "{}",
        out.stderr
    );
    let report = json(&out);
    assert!(
        failures(&report)
            .iter()
            .any(|(_, id)| id.starts_with("k8s/prod/")),
        "the cluster's findings"
    );
    assert!(home.path().join(".local/state/plimsoll/state.db").is_file());

    let empty = tempfile::tempdir().unwrap();
    let out = plimsoll(empty.path(), &["scan"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("nothing to scan") && out.stderr.contains("--context"),
        "{}",
        out.stderr
    );
}

/// `--apply-reports policyreport`: the findings written into the scanned cluster as
/// PolicyReports (per namespace) and a ClusterPolicyReport by server-side apply; an object
/// Plimsoll wrote before that this run does not write is deleted, one another tool wrote is
/// left alone; the same with `openreports`; a cluster without the CRDs is exit 2 naming them.
#[test]
fn policy_reports_are_applied_to_the_cluster_and_stale_ones_removed() {
    let (server, home, kubeconfig) = start(Behaviour::default());
    let stale = serde_json::json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
        "metadata": {"name": "plimsoll", "namespace": "gone",
                     "labels": {"app.kubernetes.io/managed-by": "plimsoll"}},
        "results": []
    });
    let foreign = serde_json::json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
        "metadata": {"name": "kyverno-pol", "namespace": "default",
                     "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
        "results": []
    });
    server.put_report("policyreports", stale);
    server.put_report("policyreports", foreign);
    let (out, report) = scan_json(
        home.path(),
        &kubeconfig,
        &["--apply-reports", "policyreport", "-v"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let written = server.reports();
    let ours: Vec<&Value> = written
        .iter()
        .filter(|o| o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "plimsoll")
        .collect();
    assert!(
        !ours.iter().any(|o| o["metadata"]["namespace"] == "gone"),
        "the stale report is deleted"
    );
    assert!(
        written
            .iter()
            .any(|o| o["metadata"]["name"] == "kyverno-pol"),
        "another tool's report stays"
    );
    let failed: u64 = ours
        .iter()
        .map(|o| o["summary"]["fail"].as_u64().unwrap())
        .sum();
    assert_eq!(failed, report["summary"]["failed"].as_u64().unwrap());
    assert!(ours.iter().any(|o| o["kind"] == "ClusterPolicyReport"));
    assert!(ours.iter().any(|o| o["kind"] == "PolicyReport"));
    assert!(
        server.log().iter().any(|l| l
            .starts_with("PATCH /apis/wgpolicyk8s.io/v1alpha2/namespaces/")
            && l.contains("fieldManager=plimsoll")),
        "server-side apply under the field manager plimsoll"
    );
    assert!(out.stderr.contains("deleted 1 stale"), "{}", out.stderr);

    // OpenReports: the same results under the other API.
    let (out, _) = scan_json(
        home.path(),
        &kubeconfig,
        &["--apply-reports", "openreports"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let open: u64 = server
        .reports()
        .iter()
        .filter(|o| o["apiVersion"] == "openreports.io/v1alpha1")
        .map(|o| o["summary"]["fail"].as_u64().unwrap())
        .sum();
    assert_eq!(open, failed);

    // Manifests are not a cluster to write to.
    let out = plimsoll(
        home.path(),
        &[
            "scan",
            root().join("fixtures/demo").to_str().unwrap(),
            "--no-state",
            "--apply-reports",
            "policyreport",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("scan one live cluster"),
        "{}",
        out.stderr
    );

    // No CRDs: one clear error, after the report is written.
    let mut behaviour = Behaviour::default();
    behaviour.not_served.insert("policyreports".into());
    behaviour.not_served.insert("clusterpolicyreports".into());
    let (_server, home, kubeconfig) = start(behaviour);
    let (out, report) = scan_json(
        home.path(),
        &kubeconfig,
        &["--apply-reports", "policyreport"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("does not serve") && out.stderr.contains("wgpolicyk8s.io/v1alpha2"),
        "{}",
        out.stderr
    );
    assert!(report["summary"]["failed"].as_u64().unwrap() > 0);
}

/// `plimsoll fix --json-patch` against the test cluster: one RFC 6902 patch per resource with
/// its `kubectl patch` command; kubectl itself applies each to the live object (client-side
/// dry run: it reads the object from the server and patches it), and the patched objects no
/// longer fail the checks the patch names.
#[test]
fn json_patches_for_live_resources_are_applied_by_kubectl() {
    let (_server, home, kubeconfig) = start(Behaviour::default());
    let out = plimsoll(
        home.path(),
        &[
            "fix",
            "--json-patch",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--no-config",
        ],
    );
    assert_eq!(out.code, 1, "unfixable findings remain: {}", out.stderr);
    let patches: Vec<Value> = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    assert!(!patches.is_empty(), "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let mut patched = String::new();
    for p in &patches {
        let command = p["command"].as_str().unwrap();
        assert!(command.starts_with("kubectl patch "), "{command}");
        assert!(p["patch"].as_array().is_some_and(|ops| !ops.is_empty()));
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{command} --kubeconfig {} --dry-run=client -o json",
                kubeconfig.display()
            ))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        patched.push_str(&String::from_utf8_lossy(&out.stdout));
        patched.push_str("\n---\n");
    }
    // The objects kubectl patched, scanned: the checks each patch names pass on it.
    let file = dir.path().join("patched.yaml");
    std::fs::write(&file, patched).unwrap();
    let scan = plimsoll(
        home.path(),
        &[
            "scan",
            file.to_str().unwrap(),
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let report = json(&scan);
    let failing: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let r = &f["resource"];
            (
                f["checkId"].as_str().unwrap().to_string(),
                format!(
                    "{}/{}",
                    r["kind"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ),
            )
        })
        .collect();
    for p in &patches {
        let who = format!(
            "{}/{}",
            p["kind"].as_str().unwrap(),
            p["name"].as_str().unwrap()
        );
        for c in p["checks"].as_array().unwrap() {
            assert!(
                !failing.contains(&(c.as_str().unwrap().to_string(), who.clone())),
                "{c} still fails on {who} after kubectl applied the patch"
            );
        }
    }
}

/// The CIS Kubernetes controls of Sections 1.2-1.4, 2 and 3.2.1 by status, from a report run
/// with `--benchmark cis-kubernetes-1.12`.
fn control_plane_controls(report: &Value) -> std::collections::BTreeMap<String, String> {
    report["compliance"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let id = c["id"].as_str().unwrap();
            (id.starts_with("1.2.") || id.starts_with("1.3.") || id.starts_with("1.4."))
                || id.starts_with("2.")
                || id == "3.2.1"
        })
        .filter(|c| !c["checks"].as_array().unwrap().is_empty())
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A kubeadm-shaped cluster's control plane is judged from its mirror pods: every Section
/// 1.2-1.4, 2 and 3.2.1 control with a check passes when the flags are hardened and the
/// insecure flags fail theirs; the same pods as files under /etc/kubernetes/manifests give
/// the same verdicts with the file and line of each flag; an EKS-shaped cluster shows no
/// control plane, and every one of those controls is NOT_ASSESSED with the reason.
#[test]
fn the_control_plane_is_judged_from_its_static_pods_and_not_assessed_on_eks() {
    let fixtures = root().join("fixtures/controlplane");
    let bench = ["--benchmark", "cis-kubernetes-1.12", "--no-config"];
    let mut verdicts = Vec::new();
    for which in ["hardened", "insecure"] {
        let server = ApiServer::start(
            Cluster::from_dir(&fixtures.join(which)),
            Behaviour::default(),
        );
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = server.kubeconfig(home.path(), &[("kubeadm", TOKEN)]);
        let (out, report) = scan_json(home.path(), &kubeconfig, &bench);
        assert!(out.code <= 1, "{}", out.stderr);
        let live = control_plane_controls(&report);
        assert_eq!(live.len(), 45, "{live:?}");
        // The same pods as kubeadm's manifest files.
        let dir = fixtures.join(which).join("manifests");
        let files = plimsoll(
            home.path(),
            &[
                &[
                    "scan",
                    dir.to_str().unwrap(),
                    "--format",
                    "json",
                    "--no-state",
                ][..],
                &bench[..],
            ]
            .concat(),
        );
        let files_report = json(&files);
        assert_eq!(control_plane_controls(&files_report), live, "files vs live");
        verdicts.push((live, files_report));
    }
    let (hardened, _) = &verdicts[0];
    let failing: Vec<_> = hardened.iter().filter(|(_, s)| *s != "PASS").collect();
    assert!(failing.is_empty(), "hardened: {failing:?}");
    let (insecure, files_report) = &verdicts[1];
    for id in [
        "1.2.1", "1.2.2", "1.2.6", "1.2.7", "1.2.8", "1.2.10", "1.2.15", "1.2.16", "1.2.23",
        "1.2.29", "1.2.30", "1.3.2", "1.3.3", "1.3.6", "1.3.7", "1.4.1", "1.4.2", "2.1", "2.2",
        "2.3", "2.6", "3.2.1",
    ] {
        assert_eq!(insecure[id], "FAIL", "insecure {id}: {insecure:?}");
    }
    // A finding on a file points at the flag's own line.
    let f = files_report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["checkId"] == "PLM-CP-0006")
        .expect("AlwaysAllow found");
    assert_eq!(f["resource"]["kind"], "KubeAPIServer");
    assert_eq!(f["path"], "flags.authorization-mode");
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("kube-apiserver.yaml")
    );
    assert_eq!(f["location"]["line"], 21, "{f}");

    // EKS-shaped: the fixture cluster has no control-plane pods.
    let (_server, home, kubeconfig) = start(Behaviour::default());
    let (out, report) = scan_json(home.path(), &kubeconfig, &bench);
    assert!(out.code <= 1, "{}", out.stderr);
    let eks = control_plane_controls(&report);
    assert_eq!(eks.len(), 45);
    assert!(
        eks.values().all(|s| s == "NOT_ASSESSED"),
        "EKS-shaped: {eks:?}"
    );
    let reason = report["compliance"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1.2.6")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("managed control plane"), "{reason}");
}
