//! The AWS collector end to end through the real AWS SDK against `moto_server`
//! (tests/support/moto.rs), seeded with an insecure and a hardened EKS cluster, ECS clusters,
//! services, task sets and task definitions, and ECR repositories; AccessDenied, throttling and
//! expired credentials injected by a loopback proxy in front of it.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use support::bin::{Out, command, output};
use support::moto::{Fault, FaultProxy, Moto};

/// `plimsoll ARGS` with moto's test credentials and no instance metadata lookups.
fn aws(dir: &Path, args: &[&str]) -> Out {
    let mut c = command(dir, dir, args);
    c.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    output(&mut c)
}

/// `plimsoll scan --aws` against `endpoint` in eu-west-1, without configuration or history,
/// then `extra`.
fn scan_account(dir: &Path, endpoint: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "scan",
        "--aws",
        "--endpoint-url",
        endpoint,
        "--region",
        "eu-west-1",
        "--no-config",
        "--no-state",
    ];
    args.extend_from_slice(extra);
    aws(dir, &args)
}

fn snapshot(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

fn ids(snap: &Value) -> BTreeSet<String> {
    snap["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn issues(snap: &Value) -> Vec<String> {
    snap["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_account_is_collected_through_the_sdk_in_every_region_asked() {
    let moto = Moto::start();
    moto.seed("eu-west-1");
    moto.seed("us-east-1");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = aws(
        d,
        &[
            "collect",
            "--aws",
            "--endpoint-url",
            &moto.url,
            "--region",
            "eu-west-1",
            "--region",
            "us-east-1",
            "-o",
            "snap.json",
        ],
    );
    // moto has no route for add-ons, access entries, identity provider configs and pod
    // identity associations: recorded as warnings (an operation this endpoint does not
    // offer, like a refused one, is a fact about the account, not broken input), and their
    // checks become NOT_ASSESSED, never a pass.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snap = snapshot(d, "snap.json");
    let unsupported: Vec<&Value> = snap["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["message"]
                .as_str()
                .unwrap()
                .contains("not supported here")
        })
        .collect();
    assert!(!unsupported.is_empty(), "{:?}", snap["issues"]);
    assert!(unsupported.iter().all(|i| i["level"] == "warning"));
    let ids = ids(&snap);
    for region in ["eu-west-1", "us-east-1"] {
        for want in [
            "eks/123456789012/{r}/Cluster/legacy-eks",
            "eks/123456789012/{r}/Cluster/prod-eks",
            "eks/123456789012/{r}/Nodegroup/legacy-eks/workers",
            "eks/123456789012/{r}/FargateProfile/prod-eks/batch",
            "ecs/123456789012/{r}/Cluster/legacy",
            "ecs/123456789012/{r}/Cluster/shop",
            "ecs/123456789012/{r}/Service/legacy/legacy-svc",
            "ecs/123456789012/{r}/Service/shop/web",
            "ecs/123456789012/{r}/TaskDefinition/legacy-app:1",
            "ecs/123456789012/{r}/TaskDefinition/shop-web:1",
            "ecs/123456789012/{r}/TaskDefinition/shop-web:2",
            "ecs/123456789012/{r}/CapacityProvider/legacy-asg",
            "ecs/123456789012/{r}/AccountSettings/{r}",
            "ecr/123456789012/{r}/Repository/legacy-repo",
            "ecr/123456789012/{r}/Repository/shop-repo",
            "ecr/123456789012/{r}/Registry/123456789012",
        ] {
            let id = want.replace("{r}", region);
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }
    let find = |id: &str| {
        snap["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    // The latest ACTIVE revision of a family, and an older one because a task set runs it.
    let td1 = find("ecs/123456789012/eu-west-1/TaskDefinition/shop-web:1");
    assert_eq!(td1["usage"]["latestActive"], false);
    assert_eq!(td1["usage"]["services"][0], "legacy/legacy-ext");
    // Deregistered, but still run: judged. Deregistered and run by nothing: not collected
    // (moto, unlike AWS, lists INACTIVE families and describes their latest INACTIVE revision).
    assert_eq!(td1["data"]["status"], "INACTIVE");
    for region in ["eu-west-1", "us-east-1"] {
        let id = format!("ecs/123456789012/{region}/TaskDefinition/retired-app:1");
        assert!(!ids.contains(&id), "{id} is INACTIVE and unused");
    }
    let td2 = find("ecs/123456789012/eu-west-1/TaskDefinition/shop-web:2");
    assert_eq!(td2["usage"]["latestActive"], true);
    // Tags are labels; absent fields stay absent.
    let prod = find("eks/123456789012/eu-west-1/Cluster/prod-eks");
    assert_eq!(prod["metadata"]["labels"]["team"], "platform");
    assert_eq!(prod["metadata"]["namespace"], "eu-west-1");
    assert!(prod["data"].get("deletionProtection").is_none());
    // Environment values never reach the snapshot; whether they looked like secrets does.
    let text = std::fs::read_to_string(d.join("snap.json")).unwrap();
    assert!(!text.contains("wJalrXUtnFEMI") && !text.contains("AKIAIOSFODNN7EXAMPLE"));
    let env = &find("ecs/123456789012/eu-west-1/TaskDefinition/legacy-app:1")["data"]["containerDefinitions"]
        [0]["environment"];
    assert_eq!(env[1]["name"], "AWS_SECRET_ACCESS_KEY");
    assert_eq!(env[1]["secretLike"], true);
    assert_eq!(env[2]["secretLike"], false);
    // The unsupported calls are named, per cluster and region.
    let msgs = issues(&snap);
    assert!(
        msgs.iter()
            .any(|m| m.contains("eu-west-1: eks:ListAddons legacy-eks: not supported")),
        "{msgs:?}"
    );
    let src = &snap["sources"][0];
    assert_eq!(src["collector"], "aws");
    assert_eq!(src["attributes"]["account"], "123456789012");
    assert_eq!(src["attributes"]["regions"], "eu-west-1,us-east-1");
}

#[test]
fn credentials_and_regions_problems_are_one_clear_line() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No credentials anywhere (HOME is empty, metadata disabled).
    let mut c = command(
        d,
        d,
        &[
            "scan",
            "--aws",
            "--endpoint-url",
            &moto.url,
            "--region",
            "eu-west-1",
        ],
    );
    c.env("AWS_EC2_METADATA_DISABLED", "true");
    let out = output(&mut c);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("no AWS credentials found"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    // Expired credentials (STS answers ExpiredToken).
    let proxy = FaultProxy::start(&moto.url, vec![("GetCallerIdentity", Fault::Expired)]);
    let out = aws(
        d,
        &[
            "scan",
            "--aws",
            "--endpoint-url",
            &proxy.url,
            "--region",
            "eu-west-1",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("have expired") && out.stderr.contains("ExpiredToken"),
        "{}",
        out.stderr
    );
    // They came from the environment: the advice is about the environment, not a profile.
    assert!(
        out.stderr.contains("credentials in the environment")
            && !out.stderr.contains("profile default")
            && !out.stderr.contains("sso login"),
        "{}",
        out.stderr
    );
    // No region from flags, environment or profile.
    let out = aws(d, &["scan", "--aws", "--endpoint-url", &moto.url]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no AWS region"), "{}", out.stderr);
    // A named profile from the shared files gives both the credentials and the region.
    std::fs::create_dir_all(d.join(".aws")).unwrap();
    std::fs::write(
        d.join(".aws/credentials"),
        "[prod]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    std::fs::write(
        d.join(".aws/config"),
        "[profile prod]\nregion = ap-south-1\n",
    )
    .unwrap();
    let mut c = command(
        d,
        d,
        &[
            "collect",
            "--profile",
            "prod",
            "--endpoint-url",
            &moto.url,
            "-o",
            "p.json",
        ],
    );
    c.env("AWS_EC2_METADATA_DISABLED", "true");
    let out = output(&mut c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snap = snapshot(d, "p.json");
    assert_eq!(snap["sources"][0]["attributes"]["regions"], "ap-south-1");
    assert_eq!(snap["sources"][0]["target"], moto.url.as_str());
    // Every region enabled for the account (EC2 DescribeRegions).
    let out = aws(
        d,
        &[
            "collect",
            "--all-regions",
            "--endpoint-url",
            &moto.url,
            "-o",
            "all.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let regions = snapshot(d, "all.json")["sources"][0]["attributes"]["regions"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        regions.split(',').count() > 10 && regions.contains("eu-west-1"),
        "{regions}"
    );
    // A named profile that does not exist.
    let out = aws(
        d,
        &[
            "scan",
            "--profile",
            "nosuch",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &moto.url,
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("nosuch"), "{}", out.stderr);
}

#[test]
fn access_denied_is_recorded_and_throttling_is_retried() {
    let moto = Moto::seeded();
    let proxy = FaultProxy::start(
        &moto.url,
        vec![
            ("ListTaskDefinitionFamilies", Fault::Deny),
            ("/node-groups", Fault::Deny),
            ("DescribeRepositories", Fault::Throttle(2)),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = aws(
        d,
        &[
            "collect",
            "--aws",
            "--endpoint-url",
            &proxy.url,
            "--region",
            "eu-west-1",
            "-o",
            "snap.json",
        ],
    );
    // Refusals are warnings, as a Kubernetes 403 is: a deliberately narrow audit role still
    // gates on its findings.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snap = snapshot(d, "snap.json");
    let msgs = issues(&snap);
    let denied: Vec<&Value> = snap["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["message"].as_str().unwrap().contains("AccessDenied"))
        .collect();
    assert!(denied.len() >= 3, "{denied:?}");
    assert!(denied.iter().all(|i| i["level"] == "warning"), "{denied:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("ecs:ListTaskDefinitionFamilies")
                && m.contains("AccessDeniedException")
                && m.contains("not authorized")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("eks:ListNodegroups prod-eks") && m.contains("AccessDenied")),
        "{msgs:?}"
    );
    let kinds: BTreeSet<&str> = snap["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
        })
        .collect();
    assert!(kinds.contains("ecs/TaskDefinition") && kinds.contains("eks/Nodegroup"));
    // Everything else was read: clusters despite the denied node groups, repositories after
    // two throttled attempts, and the task definitions services run.
    let ids = ids(&snap);
    assert!(ids.contains("eks/123456789012/eu-west-1/Cluster/prod-eks"));
    assert!(!ids.iter().any(|i| i.contains("/Nodegroup/")));
    assert!(ids.contains("ecr/123456789012/eu-west-1/Repository/shop-repo"));
    assert!(ids.contains("ecs/123456789012/eu-west-1/TaskDefinition/legacy-app:1"));
    assert!(
        !msgs.iter().any(|m| m.contains("DescribeRepositories")),
        "throttling was retried: {msgs:?}"
    );
    // Two throttled DescribeRepositories, the denied family list, and one denied node-group
    // list per cluster.
    let denied_and_throttled = 2 + 1 + 2;
    assert!(
        proxy.injected() >= denied_and_throttled,
        "{}",
        proxy.injected()
    );

    // Throttled past every retry is different: the input is incomplete, an error, exit 3,
    // and the repositories' checks are NOT_ASSESSED rather than passed.
    let proxy = FaultProxy::start(
        &moto.url,
        vec![("DescribeRepositories", Fault::Throttle(1000))],
    );
    let out = scan_account(
        d,
        &proxy.url,
        &[
            "--check",
            "PLM-ECR-0001",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("ecr:DescribeRepositories"),
        "{}",
        out.stderr
    );
    let report = snapshot(d, "report.json");
    let throttled: Vec<&Value> = report["collectionIssues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["message"]
                .as_str()
                .unwrap()
                .contains("DescribeRepositories")
        })
        .collect();
    assert_eq!(throttled.len(), 1, "{:?}", report["collectionIssues"]);
    assert_eq!(throttled[0]["level"], "error");
    let statuses: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, BTreeSet::from(["NOT_ASSESSED"]), "{report}");
    assert!(proxy.injected() >= 5, "five attempts: {}", proxy.injected());
}

/// Scan results come from DescribeImageScanFindings when DescribeImages has no summary (basic
/// scanning since 2024 and enhanced scanning report only there): a scanned image is judged by
/// its findings, and only an image without any scan reads as never scanned.
#[test]
fn image_scan_results_are_read_where_aws_reports_them() {
    let moto = Moto::start();
    moto.python(
        "eu-west-1",
        r#"
ecr = client("ecr")
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + "c" * 64},
    "layers": []})
for name in ["scanned", "unscanned"]:
    ecr.create_repository(repositoryName=name)
    ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag="v1")
ecr.start_image_scan(repositoryName="scanned", imageId={"imageTag": "v1"})
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = scan_account(
        d,
        &moto.url,
        &["--check", "PLM-ECR-0007", "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let message = |repo: &str| -> String {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["resource"]["name"] == repo)
            .map(|f| format!("{} {}", f["status"], f["message"]))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let scanned = message("scanned");
    assert!(
        scanned.contains("FAIL") && scanned.contains("1 HIGH vulnerabilities"),
        "{scanned}"
    );
    assert!(!scanned.contains("never been scanned"), "{scanned}");
    let unscanned = message("unscanned");
    assert!(unscanned.contains("never been scanned"), "{unscanned}");
}

/// No log level prints a secret: the AWS SDK's trace output held whole responses, so the
/// environment values of task definitions (credentials) reached stderr with RUST_LOG=trace.
#[test]
fn no_log_level_prints_collected_secrets() {
    let moto = Moto::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for level in [
        "trace",
        "debug",
        "plimsoll=trace,aws_smithy_runtime=trace,hyper=trace",
    ] {
        let mut c = command(
            d,
            d,
            &[
                "scan",
                "--aws",
                "--endpoint-url",
                &moto.url,
                "--region",
                "eu-west-1",
                "--no-config",
                "--no-state",
                "--format",
                "json",
                "-o",
                "report.json",
            ],
        );
        c.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("RUST_LOG", level);
        let out = output(&mut c);
        assert_eq!(
            out.code,
            1,
            "{level}: {}",
            &out.stderr[..out.stderr.len().min(3000)]
        );
        assert!(!out.stderr.is_empty(), "{level}: something is logged");
        for secret in ["wJalrXUtnFEMI/K7MDENG", "AKIAIOSFODNN7EXAMPLE"] {
            assert!(!out.stderr.contains(secret), "{level}: {secret} on stderr");
            let report = std::fs::read_to_string(d.join("report.json")).unwrap();
            assert!(!report.contains(secret), "{level}: {secret} in the report");
        }
    }
}

/// Live sources are read together and judged together: an engine that cannot be reached
/// beside an account that can is one error among the account's findings (exit 3, a report
/// written), not "nothing could be collected" because the engine happened to be read first.
#[test]
fn an_unreachable_engine_beside_a_readable_account_still_reports_the_account() {
    let moto = Moto::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = scan_account(
        d,
        &moto.url,
        &[
            "--docker-host",
            "tcp://127.0.0.1:1",
            "--request-timeout",
            "5",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report = snapshot(d, "report.json");
    let issues: Vec<&str> = report["collectionIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert!(
        issues.iter().any(
            |m| m.contains("tcp://127.0.0.1:1") && m.contains("cannot reach the Docker engine")
        ),
        "{issues:?}"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["checkId"] == "PLM-ECR-0001" && f["status"] == "FAIL"),
        "the account's findings are reported"
    );
}

/// A per-resource call that is refused or throttled leaves only the checks needing its data
/// NOT_ASSESSED, on that resource, in every format: never a pass, and no other check touched.
#[test]
fn partial_ecr_data_is_not_assessed_per_resource_and_check() {
    let moto = Moto::seeded();
    let proxy = FaultProxy::start(
        &moto.url,
        vec![
            ("GetRepositoryPolicy", Fault::Deny),
            ("GetLifecyclePolicy", Fault::Throttle(1000)),
            ("DescribeKey", Fault::Deny),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = scan_account(
        d,
        &proxy.url,
        &[
            "--check",
            "PLM-ECR-0001",
            "--check",
            "PLM-ECR-0003",
            "--check",
            "PLM-ECR-0004",
            "--check",
            "PLM-ECR-0005",
            "--format",
            "json",
            "-o",
            "report.json",
            "--output",
            "junit=report.xml",
            "--output",
            "sarif=report.sarif",
        ],
    );
    // Throttled past the retries is an incomplete input: exit 3.
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report = snapshot(d, "report.json");
    let by = |check: &str, status: &str| -> BTreeSet<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["checkId"] == check && f["status"] == status)
            .map(|f| f["resource"]["name"].as_str().unwrap_or("-").to_string())
            .collect()
    };
    let repos = BTreeSet::from(["legacy-repo".to_string(), "shop-repo".to_string()]);
    assert_eq!(by("PLM-ECR-0004", "NOT_ASSESSED"), repos, "{report}");
    assert_eq!(by("PLM-ECR-0003", "NOT_ASSESSED"), repos, "{report}");
    let check = |id: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    for id in ["PLM-ECR-0003", "PLM-ECR-0004"] {
        let c = check(id);
        assert_eq!(
            (c["passed"].as_u64(), c["failed"].as_u64()),
            (Some(0), Some(0)),
            "{c}"
        );
        assert!(
            c["notAssessed"].as_str().unwrap().contains("2 resources"),
            "{c}"
        );
    }
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["checkId"] == "PLM-ECR-0004")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .all(|m| m.contains("GetRepositoryPolicy") && m.contains("AccessDenied")),
        "{messages:?}"
    );
    // Who manages shop-repo's KMS key is KMS's answer, refused here: NOT_ASSESSED, saying so;
    // legacy-repo (AES256, no call needed) is judged.
    assert_eq!(
        by("PLM-ECR-0005", "NOT_ASSESSED"),
        BTreeSet::from(["shop-repo".to_string()]),
        "{report}"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["checkId"] == "PLM-ECR-0005"
                && f["message"].as_str().unwrap().contains("kms:DescribeKey")
                && f["message"].as_str().unwrap().contains("AccessDenied")),
        "{report}"
    );
    assert_eq!(
        by("PLM-ECR-0005", "FAIL"),
        BTreeSet::from(["legacy-repo".to_string()])
    );
    // The check that needs neither call is judged as usual.
    assert!(by("PLM-ECR-0001", "NOT_ASSESSED").is_empty(), "{report}");
    assert_eq!(
        by("PLM-ECR-0001", "FAIL"),
        BTreeSet::from(["legacy-repo".to_string()])
    );
    assert_eq!(check("PLM-ECR-0001")["passed"], 1);
    assert!(check("PLM-ECR-0001")["notAssessed"].is_null());
    // JUnit: the repositories are skipped test cases of 0004, not passing ones.
    let junit = std::fs::read_to_string(d.join("report.xml")).unwrap();
    let suite = junit
        .split("<testsuite ")
        .find(|s| s.contains("name=\"PLM-ECR-0004\""))
        .unwrap();
    assert_eq!(
        suite.matches("<skipped message=\"NOT_ASSESSED").count(),
        2,
        "{suite}"
    );
    assert!(!suite.contains("<testcase classname=\"PLM-ECR-0004\" name=\"ecr/123456789012/eu-west-1/Repository/legacy-repo\"/>"), "{suite}");
    // SARIF: no result claims 0004 passed, and the gap is reported to the run.
    let sarif = std::fs::read_to_string(d.join("report.sarif")).unwrap();
    assert!(sarif.contains("GetRepositoryPolicy"), "{sarif}");
}

/// Failing check ids per resource (kind/name).
fn failing(report: &Value) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for f in report["findings"].as_array().unwrap() {
        if f["status"] == "FAIL" {
            let r = &f["resource"];
            out.entry(format!(
                "{}/{}",
                r["kind"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            ))
            .or_default()
            .insert(f["checkId"].as_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn the_insecure_resources_fail_and_the_hardened_ones_pass() {
    let moto = Moto::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = scan_account(d, &moto.url, &["--format", "json", "-o", "report.json"]);
    // Findings fail the run; moto's missing EKS routes are warnings, not input errors.
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = snapshot(d, "report.json");
    let f = failing(&report);
    let has_all = |res: &str, checks: &[&str]| {
        let got = f.get(res).cloned().unwrap_or_default();
        for c in checks {
            assert!(got.contains(*c), "{res}: {c} missing from {got:?}");
        }
    };
    let has_none = |res: &str, checks: &[&str]| {
        let got = f.get(res).cloned().unwrap_or_default();
        for c in checks {
            assert!(!got.contains(*c), "{res}: unexpected {c} in {got:?}");
        }
    };
    let eks = [
        "PLM-EKS-0001",
        "PLM-EKS-0002",
        "PLM-EKS-0003",
        "PLM-EKS-0004",
        "PLM-EKS-0005",
        "PLM-EKS-0006",
        "PLM-EKS-0007",
    ];
    has_all("Cluster/legacy-eks", &eks);
    has_none("Cluster/prod-eks", &eks);
    has_all(
        "Nodegroup/legacy-eks/workers",
        &[
            "PLM-EKS-0020",
            "PLM-EKS-0023",
            "PLM-EKS-0025",
            "PLM-EKS-0026",
        ],
    );
    has_none(
        "Nodegroup/prod-eks/private",
        &[
            "PLM-EKS-0022",
            "PLM-EKS-0023",
            "PLM-EKS-0025",
            "PLM-EKS-0026",
        ],
    );
    let task = [
        "PLM-ECS-0002",
        "PLM-ECS-0003",
        "PLM-ECS-0004",
        "PLM-ECS-0005",
        "PLM-ECS-0006",
        "PLM-ECS-0007",
        "PLM-ECS-0008",
        "PLM-ECS-0009",
        "PLM-ECS-0011",
        "PLM-ECS-0015",
        "PLM-ECS-0017",
        "PLM-ECS-0018",
        "PLM-ECS-0019",
        "PLM-ECS-0024",
    ];
    has_all("TaskDefinition/legacy-app:1", &task);
    assert!(
        !f.contains_key("TaskDefinition/shop-web:2"),
        "the hardened task definition passes: {:?}",
        f.get("TaskDefinition/shop-web:2")
    );
    has_all(
        "Service/legacy/legacy-svc",
        &["PLM-ECS-0040", "PLM-ECS-0041"],
    );
    has_all("Service/legacy/legacy-ext", &["PLM-ECS-0043"]);
    assert!(
        !f.contains_key("Service/shop/web"),
        "{:?}",
        f.get("Service/shop/web")
    );
    has_all("Cluster/legacy", &["PLM-ECS-0050", "PLM-ECS-0052"]);
    assert!(
        !f.contains_key("Cluster/shop"),
        "{:?}",
        f.get("Cluster/shop")
    );
    has_all("CapacityProvider/legacy-asg", &["PLM-ECS-0060"]);
    has_all(
        "Repository/legacy-repo",
        &[
            "PLM-ECR-0001",
            "PLM-ECR-0002",
            "PLM-ECR-0003",
            "PLM-ECR-0004",
            "PLM-ECR-0005",
        ],
    );
    assert!(
        !f.contains_key("Repository/shop-repo"),
        "{:?}",
        f.get("Repository/shop-repo")
    );
    // Its key is customer managed, as KMS answers: judged and passed, not left unassessed.
    let ecr5 = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "PLM-ECR-0005")
        .unwrap();
    assert_eq!(
        (ecr5["passed"].as_u64(), ecr5["failed"].as_u64()),
        (Some(1), Some(1)),
        "{ecr5}"
    );
    assert!(ecr5["notAssessed"].is_null(), "{ecr5}");
    // What moto cannot serve is NOT_ASSESSED, with the reason, never a pass.
    let na: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "NOT_ASSESSED")
        .map(|x| x["checkId"].as_str().unwrap())
        .collect();
    for c in ["PLM-EKS-0040", "PLM-EKS-0050", "PLM-EKS-0070"] {
        assert!(na.contains(c), "{c} in {na:?}");
    }
    // The same collection, offline, gives the same findings.
    let collect = aws(
        d,
        &[
            "collect",
            "--aws",
            "--endpoint-url",
            &moto.url,
            "--region",
            "eu-west-1",
            "-o",
            "snap.json",
        ],
    );
    assert_eq!(collect.code, 0, "{}", collect.stderr);
    let offline = aws(
        d,
        &[
            "scan",
            "snap.json",
            "--no-config",
            "--no-state",
            "--format",
            "json",
        ],
    );
    let offline: Value = serde_json::from_str(&offline.stdout).unwrap();
    assert_eq!(failing(&offline), f);
}

/// `--include-kubernetes`: the EKS clusters moto knows are pointed (by the proxy, since moto's
/// endpoints and CA bundles are random) at the loopback Kubernetes API server, which accepts
/// only tokens bound to `legacy-eks`, checking each token's signature itself and replaying it
/// against moto's STS. So `legacy-eks` is scanned through its Kubernetes API and `prod-eks`,
/// whose token names another cluster, is refused: recorded, and the rest goes on.
#[test]
fn include_kubernetes_scans_each_eks_cluster_api_with_an_eks_token() {
    use std::sync::{Arc, OnceLock};
    use support::apiserver::{ApiServer, Behaviour, Cluster, EksAuth};
    let moto = Moto::seeded();
    let server_at: Arc<OnceLock<(String, String)>> = Arc::new(OnceLock::new());
    let at = server_at.clone();
    let point_at_server = Fault::Rewrite(Arc::new(move |v: &mut Value| {
        use base64::Engine as _;
        let (url, ca) = at.get().expect("server started");
        if let Some(c) = v.get_mut("cluster") {
            c["endpoint"] = Value::from(url.as_str());
            c["certificateAuthority"]["data"] =
                Value::from(base64::engine::general_purpose::STANDARD.encode(ca));
        }
    }));
    let proxy = FaultProxy::start(&moto.url, vec![("/clusters/", point_at_server)]);
    let server = ApiServer::start(
        Cluster::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cluster")),
        Behaviour {
            eks: Some(EksAuth {
                cluster: "legacy-eks".into(),
                region: "eu-west-1".into(),
                sts: format!("{}/", proxy.url),
                secret_key: "test".into(),
                account: "123456789012".into(),
            }),
            ..Behaviour::default()
        },
    );
    server_at
        .set((server.url.clone(), server.ca_pem.clone()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = aws(
        d,
        &[
            "scan",
            "--include-kubernetes",
            "--endpoint-url",
            &proxy.url,
            "--region",
            "eu-west-1",
            "--benchmark",
            "cis-eks-1.8",
            "--no-config",
            "--no-state",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    // One cluster could not be read: an input error, as for a kubeconfig context.
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report = snapshot(d, "report.json");
    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.contains("EKS token rejected: signature does not match")),
        "prod-eks's token is bound to prod-eks: {log:?}"
    );
    assert!(
        log.iter().any(|l| l.starts_with("GET /api/v1/pods")),
        "{log:?}"
    );
    // Both layers, one report: the control plane and the workloads of legacy-eks.
    let scope = "k8s/arn:aws:eks:eu-west-1:123456789012:cluster:legacy-eks";
    let f = failing(&report);
    assert!(f["Cluster/legacy-eks"].contains("PLM-EKS-0001"), "{f:?}");
    let failed_ids: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "FAIL")
        .filter_map(|x| x["resource"]["id"].as_str())
        .collect();
    assert!(
        failed_ids.contains(format!("{scope}/legacy/Pod/debug").as_str()),
        "{failed_ids:?}"
    );
    let sources: Vec<&str> = report["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["target"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"EKS cluster legacy-eks (eu-west-1)"),
        "{sources:?}"
    );
    // The refused cluster: one error naming it, partial, so the Kubernetes checks still
    // judge legacy-eks (the privileged pod above FAILs) but cannot pass.
    let refused: Vec<&Value> = report["collectionIssues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["message"]
                .as_str()
                .unwrap()
                .starts_with("EKS cluster prod-eks (eu-west-1): ")
        })
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", report["collectionIssues"]);
    assert_eq!(refused[0]["level"], "error");
    assert_eq!(refused[0]["partial"], true);
    let message = refused[0]["message"].as_str().unwrap();
    assert!(
        message.contains("rejected the credentials (401") && message.contains("access entry"),
        "{message}"
    );
    let statuses = |check: &str| -> BTreeSet<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["checkId"] == check)
            .map(|x| x["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(statuses("PLM-K8S-0001").contains("FAIL"));
    // No token is written anywhere the user can see.
    assert!(!out.stderr.contains("k8s-aws-v1."), "{}", out.stderr);
    let text = std::fs::read_to_string(d.join("report.json")).unwrap();
    assert!(!text.contains("k8s-aws-v1."));
}

/// The resource ids of the FAIL findings of `check`.
fn failing_ids(report: &Value, check: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["checkId"] == check && f["status"] == "FAIL")
        .map(|f| f["resource"]["id"].as_str().unwrap().to_string())
        .collect()
}

/// Several accounts through assumed roles: each is read with its own credentials and is a
/// scope of its own in the store (its own history and fleet row), in one report; an account
/// whose role cannot be assumed is NOT_ASSESSED with the reason, never a pass, and the others
/// still report and are recorded.
#[test]
fn several_accounts_are_read_through_roles_and_recorded_as_scopes_of_their_own() {
    let moto = Moto::start();
    moto.repositories(&["111111111111", "222222222222"]);
    // AssumeRole into 333333333333 is refused, as AWS refuses a role whose trust policy does
    // not name the caller.
    let proxy = FaultProxy::start(&moto.url, vec![("333333333333", Fault::Deny)]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("accounts.txt"),
        "# audit targets\n111111111111\n\narn:aws:iam::333333333333:role/PlimsollAudit  # denied\n222222222222\n",
    )
    .unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--endpoint-url",
            &proxy.url,
            "--region",
            "eu-west-1",
            "--no-config",
            "--state",
            "store.db",
            "--format",
            "json",
            "-o",
            "report.json",
        ];
        args.extend_from_slice(extra);
        aws(d, &args)
    };
    let out = scan(&[
        "--accounts-file",
        "accounts.txt",
        "--role-name",
        "PlimsollAudit",
        "--account-concurrency",
        "2",
    ]);
    assert_eq!(out.code, 3, "an account could not be read: {}", out.stderr);
    let report = snapshot(d, "report.json");
    let inputs: Vec<&str> = report["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["attributes"]["account"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["111111111111", "333333333333", "222222222222"]);
    let denied = &report["scan"]["inputs"][1];
    assert!(
        denied["attributes"]["notAssessed"]
            .as_str()
            .unwrap()
            .contains("sts:AssumeRole arn:aws:iam::333333333333:role/PlimsollAudit: AccessDenied"),
        "{denied}"
    );
    assert!(
        out.stderr
            .contains("account 333333333333 not assessed: sts:AssumeRole"),
        "{}",
        out.stderr
    );
    // Each account judged on its own resources: only the first has mutable tags.
    assert_eq!(
        failing_ids(&report, "PLM-ECR-0002"),
        BTreeSet::from(["ecr/111111111111/eu-west-1/Repository/repo-111111111111".to_string()])
    );
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "PLM-ECR-0002")
        .unwrap();
    assert_eq!(
        (check["evaluated"].as_u64(), check["failed"].as_u64()),
        (Some(2), Some(1))
    );
    // The unread account never passes: the check says why it is not fully assessed, and a
    // NOT_ASSESSED finding names the account.
    assert!(
        check["notAssessed"]
            .as_str()
            .is_some_and(|r| r.contains("333333333333")),
        "{check}"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["checkId"] == "PLM-ECR-0002"
                && f["status"] == "NOT_ASSESSED"
                && f["message"].as_str().unwrap().contains("333333333333")),
        "a NOT_ASSESSED finding names the unread account"
    );
    // The two accounts read are recorded, each as its own scope; the unread one is not.
    let history = aws(d, &["history", "--state", "store.db", "--format", "json"]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    let runs: Value = serde_json::from_str(&history.stdout).unwrap();
    let mut scopes: Vec<&str> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    scopes.sort();
    assert_eq!(
        scopes,
        [
            "aws:111111111111/eu-west-1@aws account 111111111111",
            "aws:222222222222/eu-west-1@aws account 222222222222"
        ]
    );
    let fleet = aws(d, &["fleet", "--state", "store.db", "--format", "json"]);
    assert_eq!(fleet.code, 0, "{}", fleet.stderr);
    let fleet: Value = serde_json::from_str(&fleet.stdout).unwrap();
    assert_eq!(fleet.as_array().map(Vec::len), Some(2), "{fleet}");

    // Again, the two readable accounts by role ARN: each compared with its own previous run.
    let out = scan(&[
        "--role-arn",
        "arn:aws:iam::222222222222:role/PlimsollAudit",
        "--role-arn",
        "arn:aws:iam::111111111111:role/PlimsollAudit",
        "--account-concurrency",
        "1",
    ]);
    assert_eq!(out.code, 1, "findings fail the gate: {}", out.stderr);
    let report = snapshot(d, "report.json");
    let drift = &report["drift"];
    let per_scope = drift["scopes"].as_array().unwrap();
    assert_eq!(per_scope.len(), 2, "{drift}");
    assert!(
        per_scope.iter().all(|s| s["previousRun"]["id"].is_i64()),
        "each account compared with its own previous run: {drift}"
    );
    assert_eq!(drift["new"], 0, "{drift}");
    assert!(drift["persisting"].as_u64().unwrap() >= 1, "{drift}");

    // Malformed accounts are refused before anything is read, naming the line.
    std::fs::write(d.join("bad.txt"), "111111111111\nprod-account\n").unwrap();
    let out = scan(&["--accounts-file", "bad.txt", "--role-name", "R"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("bad.txt:2: \"prod-account\""),
        "{}",
        out.stderr
    );
    let out = scan(&["--accounts-file", "accounts.txt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pass --role-name"), "{}", out.stderr);
}

/// `--organization`: the organization's active accounts are listed (Organizations
/// ListAccounts) and each member is read through the named role; the caller's own account with
/// its own credentials.
#[test]
fn the_organization_is_listed_and_each_member_read_through_its_role() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let members = moto.organization(2);
    assert_eq!(members.len(), 2);
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    moto.repositories(&refs);
    let out = scan_account(
        d,
        &moto.url,
        &[
            "--organization",
            "--role-name",
            "OrganizationAccountAccessRole",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = snapshot(d, "report.json");
    let mut accounts: Vec<String> = report["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["attributes"]["account"].as_str().unwrap().to_string())
        .collect();
    accounts.sort();
    let mut expected = members.clone();
    expected.push("123456789012".into());
    expected.sort();
    assert_eq!(
        accounts, expected,
        "the management account and both members"
    );
    let principals: Vec<&str> = report["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["attributes"]["principal"].as_str())
        .collect();
    for m in &members {
        assert!(
            principals
                .contains(&format!("arn:aws:iam::{m}:role/OrganizationAccountAccessRole").as_str()),
            "{principals:?}"
        );
    }
    assert_eq!(
        failing_ids(&report, "PLM-ECR-0002"),
        BTreeSet::from([format!(
            "ecr/{}/eu-west-1/Repository/repo-{}",
            members[0], members[0]
        )])
    );
    // Without the role name there is nothing to assume.
    let out = scan_account(d, &moto.url, &["--organization"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--role-name"), "{}", out.stderr);
}

/// Every finding Security Hub holds: Id -> compliance status and record state.
fn hub_findings(moto: &Moto) -> std::collections::BTreeMap<String, (String, String)> {
    let code = "hub = client('securityhub')\n\
                token = None\n\
                while True:\n\
                \x20   page = hub.get_findings(MaxResults=100, **({'NextToken': token} if token else {}))\n\
                \x20   for f in page['Findings']:\n\
                \x20       print(f['Id'], f.get('Compliance', {}).get('Status', '-'), f.get('RecordState', '-'))\n\
                \x20   token = page.get('NextToken')\n\
                \x20   if not token:\n\
                \x20       break\n";
    moto.python("eu-west-1", code)
        .lines()
        .map(|l| {
            let mut p = l.split(' ');
            let id = p.next().unwrap().to_string();
            (
                id,
                (p.next().unwrap().to_string(), p.next().unwrap().to_string()),
            )
        })
        .collect()
}

/// `--security-hub` against moto's Security Hub: the findings arrive through
/// BatchImportFindings in calls of at most 100 (a throttled call retried), each under an Id
/// stable per account, scope, resource and check; a re-run updates them rather than adding
/// any; a finding fixed since the previous run is set PASSED (Security Hub resolves it); the
/// `asff=` file holds what was imported. A refused import exits 2 after the reports are
/// written.
#[test]
fn findings_are_imported_into_security_hub_and_updated_not_duplicated() {
    let moto = Moto::start();
    moto.python(
        "eu-west-1",
        "ecr = client('ecr')\n\
         for i in range(120):\n\
         \x20   ecr.create_repository(repositoryName=f'r{i:03}', imageTagMutability='MUTABLE')\n\
         client('securityhub').enable_security_hub()\n",
    );
    let proxy = FaultProxy::start(&moto.url, vec![("/findings/import", Fault::Throttle(2))]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = format!("--state={}", d.join("state.db").display());
    let run = |endpoint: &str| {
        aws(
            d,
            &[
                "scan",
                "--aws",
                "--endpoint-url",
                endpoint,
                "--region",
                "eu-west-1",
                "--no-config",
                &state,
                "--security-hub",
                "--output",
                "asff=asff.json",
                "--output",
                "json=report.json",
                "-v",
            ],
        )
    };
    let out = run(&proxy.url);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(proxy.injected() >= 2, "the throttled call was retried");
    let asff: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(d.join("asff.json")).unwrap()).unwrap();
    let report = snapshot(d, "report.json");
    assert_eq!(asff.len(), report["findings"].as_array().unwrap().len());
    assert!(
        asff.len() > 200,
        "{} findings: more than two calls",
        asff.len()
    );
    let calls = asff.len().div_ceil(100);
    assert!(
        out.stderr.contains(&format!("imported {} findings into Security Hub (account 123456789012, eu-west-1) in {calls} calls", asff.len())),
        "{}",
        out.stderr
    );
    let ids: BTreeSet<String> = asff
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), asff.len(), "ids are unique");
    assert!(
        ids.iter()
            .all(|id| id.starts_with("plimsoll/123456789012/"))
    );
    for f in &asff {
        assert_eq!(f["AwsAccountId"], "123456789012");
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        );
        assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
        assert!(f["Description"].as_str().unwrap().chars().count() <= 1024);
    }
    let held = hub_findings(&moto);
    assert_eq!(held.keys().cloned().collect::<BTreeSet<_>>(), ids);

    // The same again: updated in place.
    let out = run(&moto.url);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(hub_findings(&moto).len(), ids.len());

    // r000 made immutable: its mutability finding is resolved, under the Id it had.
    let fixed: Vec<String> = asff
        .iter()
        .filter(|f| {
            f["GeneratorId"] == "plimsoll/PLM-ECR-0002"
                && f["Resources"][0]["Id"].as_str().unwrap().ends_with("/r000")
        })
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        fixed.len(),
        1,
        "{:?}",
        asff.iter()
            .map(|f| f["GeneratorId"].as_str().unwrap())
            .collect::<BTreeSet<_>>()
    );
    moto.python(
        "eu-west-1",
        "client('ecr').put_image_tag_mutability(repositoryName='r000', imageTagMutability='IMMUTABLE')\n",
    );
    let out = run(&moto.url);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let held = hub_findings(&moto);
    assert_eq!(held.len(), ids.len(), "no finding added");
    assert_eq!(
        held[&fixed[0]],
        ("PASSED".to_string(), "ACTIVE".to_string())
    );
    let failed = held.values().filter(|(c, _)| c == "FAILED").count();
    assert_eq!(failed, ids.len() - 1);

    // Refused: the reports are written, the run exits 2 and says why.
    std::fs::remove_file(d.join("report.json")).unwrap();
    let deny = FaultProxy::start(&moto.url, vec![("/findings/import", Fault::Deny)]);
    let out = run(&deny.url);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Security Hub BatchImportFindings: AccessDenied"),
        "{}",
        out.stderr
    );
    assert!(d.join("report.json").exists());
}

/// The exact commands the findings name (`command` in the JSON report) are run as printed,
/// with the AWS CLI against moto, and a second scan finds what they fixed fixed, with no new
/// failure beside the one a newly configured feature brings into scope.
#[test]
fn the_remediation_commands_run_with_the_aws_cli_and_fix_what_they_name() {
    let moto = Moto::start();
    moto.seed("eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = scan_account(d, &moto.url, &["--format", "json", "-o", "before.json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let before = snapshot(d, "before.json");
    // Commands moto 5.2.5 cannot carry out: UpdateClusterSettings fails inside moto, EKS has no
    // UpdateClusterVersion, UpdateNodegroupVersion or AssociateEncryptionConfig route, and its
    // UpdateClusterConfig ignores accessConfig and deletionProtection. Their commands are
    // still rendered and syntax-checked (tests/catalogue.rs).
    let moto_cannot = [
        "PLM-ECS-0050",
        "PLM-EKS-0004",
        "PLM-EKS-0007",
        "PLM-EKS-0009",
        "PLM-EKS-0011",
        "PLM-EKS-0023",
    ];
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv/bin");
    let path = format!(
        "{}:{}",
        venv.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The commands of one resource run in report order (each task definition command starts
    // from the family's newest revision, so they build on each other); resources in parallel.
    let mut by_resource: std::collections::BTreeMap<String, Vec<(String, String)>> =
        Default::default();
    for f in before["findings"].as_array().unwrap() {
        let (Some(command), "FAIL") = (f["command"].as_str(), f["status"].as_str().unwrap()) else {
            continue;
        };
        let check = f["checkId"].as_str().unwrap();
        if moto_cannot.contains(&check) {
            continue;
        }
        let name = f["resource"]["name"].as_str().unwrap().to_string();
        by_resource
            .entry(name)
            .or_default()
            .push((check.to_string(), command.to_string()));
    }
    let run = |check: &str, command: &str| {
        let run = std::process::Command::new("bash")
            .args(["-c", command])
            .env("PATH", &path)
            .env("AWS_ENDPOINT_URL", &moto.url)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // The values the commands ask for rather than guess.
            .env("MEMORY_MIB", "512")
            .env("CPU_UNITS", "256")
            .env("CIDRS", "203.0.113.0/24")
            .env(
                "KMS_KEY_ID",
                "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
            )
            .stdin(std::process::Stdio::null())
            .output()
            .expect("bash runs");
        assert!(
            run.status.success(),
            "{check}: {command}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    let run = &run;
    std::thread::scope(|s| {
        for commands in by_resource.values() {
            s.spawn(move || {
                for (check, command) in commands {
                    run(check, command);
                }
            });
        }
    });
    let ran: BTreeSet<(String, String)> = by_resource
        .iter()
        .flat_map(|(name, cs)| cs.iter().map(move |(c, _)| (c.clone(), name.clone())))
        .collect();
    let checks: BTreeSet<&str> = ran.iter().map(|(c, _)| c.as_str()).collect();
    for family in ["PLM-ECR", "PLM-ECS", "PLM-EKS"] {
        assert!(
            checks.iter().filter(|c| c.starts_with(family)).count() >= 5,
            "{family}: {checks:?}"
        );
    }

    let out = scan_account(d, &moto.url, &["--format", "json", "-o", "after.json"]);
    assert!(out.code <= 1, "{}", out.stderr);
    let after = snapshot(d, "after.json");
    // A task definition is fixed in a new revision of its family (services still running
    // the old one keep it in the scan): judge the family's newest revision.
    let revision = |name: &str| -> (String, u32) {
        match name.rsplit_once(':') {
            Some((family, rev)) if rev.parse::<u32>().is_ok() => {
                (family.to_string(), rev.parse().unwrap())
            }
            _ => (name.to_string(), 0),
        }
    };
    // The newest revisions as ECS lists them (a revision that passes has no finding to
    // tell it by), every other resource as revision 0.
    let mut newest: std::collections::BTreeMap<String, u32> = Default::default();
    let listed = moto.python(
        "eu-west-1",
        "for a in client('ecs').list_task_definitions(status='ACTIVE')['taskDefinitionArns']:\n    print(a.rsplit('/', 1)[1])\n",
    );
    for name in listed.lines() {
        let (family, rev) = revision(name);
        let e = newest.entry(family).or_default();
        *e = (*e).max(rev);
    }
    let failing_after: BTreeSet<(String, String)> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .filter_map(|f| {
            let (family, rev) = revision(f["resource"]["name"].as_str()?);
            (rev == newest.get(&family).copied().unwrap_or(0))
                .then(|| (f["checkId"].as_str().unwrap().to_string(), family))
        })
        .collect();
    for (check, name) in &ran {
        let (family, _) = revision(name);
        assert!(
            !failing_after.contains(&(check.clone(), family.clone())),
            "{check} still fails on {family} after its command ran"
        );
    }
    let failing_before: BTreeSet<(String, String)> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .map(|f| {
            let (family, _) = revision(f["resource"]["name"].as_str().unwrap());
            (f["checkId"].as_str().unwrap().to_string(), family)
        })
        .collect();
    let new: Vec<_> = failing_after.difference(&failing_before).collect();
    // Turning on ECS Exec logging for the legacy cluster (PLM-ECS-0052) brings its exec
    // configuration under PLM-ECS-0053 (sessions encrypted with a KMS key), whose key is a
    // person's choice: the one new failure allowed. (moto replaces a cluster's whole
    // configuration on UpdateCluster, so when the Fargate storage key's command runs after
    // the exec logging one, the exec configuration is gone again and so is that failure.)
    let expected = ("PLM-ECS-0053".to_string(), "legacy".to_string());
    assert!(
        new.iter().all(|n| **n == expected),
        "new failures after the commands: {new:?}"
    );
}
