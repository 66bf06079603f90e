//! The catalogue gatekeeper: every built-in check loads through the real loader, has at least
//! one pass- and one fail- case, and every case holds when run through the real collector and
//! engine. Benchmarks reference only checks that exist.

// Test code: a failed setup step should panic with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use plimsoll::benchmark::Benchmarks;
use plimsoll::cases;
use plimsoll::policy::{Catalogue, IdRule};
use std::collections::HashSet;
use std::path::PathBuf;

fn policies_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies")
}

#[test]
fn every_check_has_passing_and_failing_cases_that_hold() {
    let catalogue =
        Catalogue::from_dirs(&[policies_dir()], IdRule::Builtin).expect("catalogue loads");
    assert!(
        catalogue.checks.len() >= 40,
        "only {} checks",
        catalogue.checks.len()
    );
    let results = cases::run_all(&catalogue);
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.ok)
        .map(|r| format!("{} {}: {}", r.check, r.case, r.detail))
        .collect();
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
    for check in &catalogue.checks {
        let mine: Vec<_> = results
            .iter()
            .filter(|r| r.check == check.meta.id)
            .collect();
        assert!(
            mine.iter().any(|r| r.case.starts_with("pass-")),
            "{} has no pass- case",
            check.meta.id
        );
        assert!(
            mine.iter().any(|r| r.case.starts_with("fail-")),
            "{} has no fail- case",
            check.meta.id
        );
    }
}

#[test]
fn embedded_catalogue_matches_the_policies_directory() {
    let embedded = Catalogue::builtin().expect("embedded catalogue loads");
    let on_disk =
        Catalogue::from_dirs(&[policies_dir()], IdRule::Builtin).expect("catalogue loads");
    let a: Vec<&str> = embedded.checks.iter().map(|c| c.meta.id.as_str()).collect();
    let b: Vec<&str> = on_disk.checks.iter().map(|c| c.meta.id.as_str()).collect();
    assert_eq!(a, b);
}

#[test]
fn benchmarks_reference_existing_checks_and_have_every_control() {
    let catalogue = Catalogue::builtin().expect("catalogue loads");
    let ids: HashSet<&str> = catalogue
        .checks
        .iter()
        .map(|c| c.meta.id.as_str())
        .collect();
    let benchmarks = Benchmarks::builtin().expect("benchmarks load");
    for b in &benchmarks.all {
        for c in &b.controls {
            for check in &c.checks {
                assert!(
                    ids.contains(check.as_str()),
                    "{} control {} maps unknown check {check}",
                    b.id,
                    c.id
                );
            }
        }
    }
    let cis = benchmarks
        .get("cis-kubernetes-1.12")
        .expect("cis-kubernetes-1.12 exists");
    let section = |prefix: &str| -> Vec<&plimsoll::benchmark::Control> {
        cis.controls
            .iter()
            .filter(|c| c.id.starts_with(prefix))
            .collect()
    };
    // 131 recommendations, as in CIS v1.12.0 (and v2.0).
    assert_eq!(cis.controls.len(), 131);
    assert_eq!(section("1.1.").len(), 21);
    assert_eq!(section("1.2.").len(), 30);
    assert_eq!(section("1.3.").len(), 7);
    assert_eq!(section("1.4.").len(), 2);
    assert_eq!(section("2.").len(), 7);
    assert_eq!(section("3.").len(), 5);
    assert_eq!(section("5.").len(), 34);
    assert_eq!(section("4.1.").len(), 10);
    assert_eq!(section("4.2.").len(), 14);
    assert_eq!(section("4.3.").len(), 1);
    let level2: Vec<&str> = cis
        .controls
        .iter()
        .filter(|c| c.level == 2)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        level2,
        [
            "1.2.12", "1.2.13", "1.2.14", "2.7", "3.2.2", "4.2.8", "5.2.7", "5.3.2", "5.4.1",
            "5.4.2", "5.5.1", "5.6.2", "5.6.3", "5.6.4"
        ]
    );
    let automated =
        |cs: &[&plimsoll::benchmark::Control]| cs.iter().filter(|c| !c.checks.is_empty()).count();
    assert_eq!(
        automated(&section("5.")),
        31,
        "5.3.1, 5.4.2 and 5.5.1 are the only manual controls (31 of 34 decided from the API)"
    );
    assert_eq!(
        automated(&section("4.2.")),
        14,
        "every kubelet control (4.2.7 from the kubelet's command line on the node)"
    );
    // Node files are read by the host collector: every 1.1 and 4.1 control has a check.
    assert!(
        section("1.1.")
            .iter()
            .chain(section("4.1.").iter())
            .all(|c| !c.checks.is_empty() && c.needs.is_none())
    );

    let eks = benchmarks.get("cis-eks-1.8").expect("cis-eks-1.8 exists");
    assert_eq!(eks.controls.len(), 50);
    assert!(eks.controls.iter().all(|c| c.level == 1));
    let eks_section = |prefix: &'static str| {
        eks.controls
            .iter()
            .filter(move |c| c.id.starts_with(prefix))
    };
    assert_eq!(
        eks_section("3.2.").filter(|c| !c.checks.is_empty()).count(),
        9
    );
    assert_eq!(eks_section("4.").count(), 23);
    // Every control is either decided by checks, waiting for a collector (needs), or a
    // documented judgement call (note).
    for c in &eks.controls {
        assert!(
            !c.checks.is_empty() || c.needs.is_some() || c.note.is_some(),
            "cis-eks-1.8 {} has neither checks, needs nor a note",
            c.id
        );
    }
    // The AWS-API controls of Sections 2 and 5 are decided by the AWS checks.
    for (id, check) in [
        ("2.1.1", "PLM-EKS-0005"),
        ("4.1.7", "PLM-EKS-0009"),
        ("5.1.1", "PLM-ECR-0001"),
        ("5.3.1", "PLM-EKS-0004"),
        ("5.4.1", "PLM-EKS-0002"),
        ("5.4.2", "PLM-EKS-0001"),
        ("5.4.4", "PLM-EKS-0040"),
    ] {
        let c = eks.controls.iter().find(|c| c.id == id).unwrap();
        assert!(c.checks.iter().any(|x| x == check), "{id}: {:?}", c.checks);
    }
    // No control still points at a collector that now exists.
    assert!(
        eks.controls.iter().all(|c| !c
            .needs
            .as_deref()
            .unwrap_or("")
            .contains("not yet available")
            || c.id.starts_with("3.1.")),
        "stale needs in cis-eks-1.8"
    );
    // Security Hub's container controls: every ECS.* control Security Hub lists is mapped.
    let fsbp = benchmarks
        .get("aws-fsbp-containers")
        .expect("aws-fsbp-containers exists");
    let ecs: Vec<_> = fsbp
        .controls
        .iter()
        .filter(|c| c.id.starts_with("ECS."))
        .collect();
    assert_eq!(ecs.len(), 18);
    assert!(ecs.iter().all(|c| !c.checks.is_empty()));
    // CIS AWS Compute Services 1.1 Section 3: 14 automated ECS recommendations, all decided
    // from the ECS API, only 3.9 at Level 2.
    let cis = benchmarks
        .get("cis-aws-compute-1.1-ecs")
        .expect("cis-aws-compute-1.1-ecs exists");
    assert_eq!(cis.controls.len(), 14);
    assert!(
        cis.controls
            .iter()
            .all(|c| !c.checks.is_empty() && c.checks.iter().all(|k| k.starts_with("PLM-ECS-")))
    );
    let l2: Vec<&str> = cis
        .controls
        .iter()
        .filter(|c| c.level == 2)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(l2, ["3.9"]);
}

#[test]
fn every_check_maps_to_a_benchmark_or_is_general_hardening() {
    // Not every check is a CIS control (image pinning, resource limits, services), but the
    // CIS Section 5 pod-security ones must be mapped; guard against a renumbering slip.
    let refs = Benchmarks::builtin().expect("benchmarks load").references();
    for id in [
        "PLM-K8S-0001",
        "PLM-K8S-0006",
        "PLM-K8S-0040",
        "PLM-K8S-0060",
        "PLM-K8S-0061",
    ] {
        assert!(
            refs.contains_key(id),
            "{id} is not mapped to any benchmark control"
        );
    }
}

/// Docker, host and AWS findings have no manifest for `plimsoll fix` to edit: each of their
/// checks names the exact command that corrects it (or why no command can), and every command
/// renders for a resource of its kind into shell that `bash -n` accepts, names and all quoted.
#[test]
fn every_live_platform_check_names_its_command() {
    use plimsoll::policy::command::Command;
    use plimsoll::policy::command::ResourceRef;
    let catalogue = Catalogue::builtin().expect("catalogue loads");
    let (mut commands, mut manual) = (0, 0);
    for c in &catalogue.checks {
        let kind = &c.meta.kinds[0];
        let Some((source, kind)) = kind.split_once('/') else {
            panic!("{}: kind {kind}", c.meta.id)
        };
        if !["docker", "host", "ecr", "ecs", "eks"].contains(&source) {
            continue;
        }
        let command =
            c.meta.command.as_ref().unwrap_or_else(|| {
                panic!("{} ({source}/{kind}) names no custom.command", c.meta.id)
            });
        // A name that needs quoting, shaped like the collector's names of the kind.
        let name = match kind {
            "Service"
            | "Nodegroup"
            | "FargateProfile"
            | "Addon"
            | "IdentityProviderConfig"
            | "PodIdentityAssociation" => "prod eu/web's",
            "AccessEntry" => "prod/arn:aws:iam::123456789012:role/ops admin",
            "TaskDefinition" => "web $(id):7",
            "File" => "/etc/docker/my dir/ca.crt",
            _ => "web; rm -rf /",
        };
        let (namespace, id) = match source {
            "docker" | "host" => (None, format!("{source}/host/-/{kind}/{name}")),
            _ => (
                Some("eu-west-1".to_string()),
                format!("{source}/123456789012/eu-west-1/{kind}/{name}"),
            ),
        };
        let r = ResourceRef {
            id: &id,
            namespace: namespace.as_deref(),
            name,
        };
        match command {
            Command::Manual(why) => {
                manual += 1;
                assert!(why.len() > 20, "{}: say why: {why}", c.meta.id);
            }
            Command::Template(_) => {
                commands += 1;
                let text = command
                    .render(r)
                    .unwrap_or_else(|| panic!("{}: no command for {r:?}", c.meta.id));
                assert!(!text.contains("{{"), "{}: {text}", c.meta.id);
                let check = std::process::Command::new("bash")
                    .args(["-n", "-c", &text])
                    .output()
                    .expect("bash runs");
                assert!(
                    check.status.success(),
                    "{}: bash -n refuses {text}: {}",
                    c.meta.id,
                    String::from_utf8_lossy(&check.stderr)
                );
                // The hostile name stays inside one word of the command: unquoted, `rm` or
                // `$(id)` would be words of their own.
                let words = shlex_words(&text);
                assert!(
                    !words.iter().any(|w| w == "rm" || w == "$(id)"),
                    "{}: a name escaped its quotes: {text}",
                    c.meta.id
                );
            }
        }
    }
    assert!(
        commands >= 90 && manual >= 40,
        "{commands} commands, {manual} manual"
    );
}

/// The words of a shell command as the shell splits them (quotes removed); `$(...)` and
/// pipes stay inside their words, which is enough to see a name stay one word.
fn shlex_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quote) = (String::new(), None::<char>);
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (None, '\'' | '"') => quote = Some(ch),
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (_, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
