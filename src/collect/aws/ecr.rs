//! ECR: repositories (scan on push, tag mutability, encryption, tags), each repository's
//! lifecycle and repository policies, its most recently pushed image with the summary of that
//! image's latest scan (from DescribeImages, else DescribeImageScanFindings), and the
//! registry's scanning configuration.

use super::dto::{enum_str, time};
use super::{Ctx, failure};
use crate::collect::to_value;
use crate::snapshot::{Snapshot, Source};
use aws_sdk_ecr::Client;
use aws_sdk_ecr::error::ProvideErrorMetadata;
use aws_sdk_ecr::types as t;
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Repository {
    repository_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_tag_mutability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_scanning_configuration: Option<ScanningConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_configuration: Option<Encryption>,
    /// The lifecycle policy document; `null` when the repository has none; absent when it
    /// could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    lifecycle_policy: Option<Value>,
    /// The repository policy document, same convention.
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_policy: Option<Value>,
    /// The most recently pushed image; `null` for an empty repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_image: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScanningConfig {
    scan_on_push: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Encryption {
    encryption_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key: Option<String>,
    /// Who manages the KMS key: `AWS` (the `aws/ecr` key) or `CUSTOMER`; `null` without KMS;
    /// absent when it is not known (a key ARN says nothing about its manager: kms:DescribeKey
    /// tells, and when it fails the gap makes PLM-ECR-0005 NOT_ASSESSED, not passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    key_manager: Option<Option<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Image {
    #[serde(skip_serializing_if = "Option::is_none")]
    image_digest: Option<String>,
    image_tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_pushed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_scan_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_scan_completed_at: Option<String>,
    /// CRITICAL/HIGH/... -> count, from the latest scan; absent when never scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    finding_severity_counts: Option<BTreeMap<String, i32>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegistryScanning {
    registry_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scan_type: Option<String>,
    rules: Vec<ScanRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScanRule {
    scan_frequency: String,
    repository_filters: Vec<RepoFilter>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RepoFilter {
    filter: String,
    filter_type: String,
}

/// A policy document as JSON (its text if it is not JSON).
fn document(text: Option<&str>) -> Value {
    match text {
        Some(t) => serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string())),
        None => Value::Null,
    }
}

/// Reads the region's registry.
pub(crate) async fn collect(conf: &aws_config::SdkConfig, ctx: &Ctx) -> Snapshot {
    let client = Client::new(conf);
    let mut s = Snapshot::default();

    match client.get_registry_scanning_configuration().send().await {
        Ok(out) => {
            let sc = out.scanning_configuration();
            let dto = RegistryScanning {
                registry_id: out.registry_id().unwrap_or(&ctx.account).to_string(),
                scan_type: sc.and_then(|c| enum_str(c.scan_type())),
                rules: sc
                    .map(|c| {
                        c.rules()
                            .iter()
                            .map(|r| ScanRule {
                                scan_frequency: r.scan_frequency().as_str().to_string(),
                                repository_filters: r
                                    .repository_filters()
                                    .iter()
                                    .map(|f| RepoFilter {
                                        filter: f.filter().to_string(),
                                        filter_type: f.filter_type().as_str().to_string(),
                                    })
                                    .collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            s.resources.push(ctx.resource(
                Source::Ecr,
                "Registry",
                &ctx.account,
                None,
                to_value(&dto),
            ));
        }
        Err(e) => s.issues.push(ctx.issue(
            &failure("ecr:GetRegistryScanningConfiguration", "", &e),
            &["ecr/Registry"],
        )),
    }

    let listed = all_pages!(
        client.describe_repositories(),
        "ecr:DescribeRepositories",
        "",
        |p| p.repositories().iter().cloned()
    );
    let repos = match listed.await {
        Ok(repos) => repos,
        Err(f) => {
            s.issues.push(ctx.issue(&f, &["ecr/Repository"]));
            return s;
        }
    };
    let keys = super::kms::KeyManagers::default();
    let parts: Vec<Snapshot> = futures::stream::iter(repos)
        .map(|r| {
            let client = client.clone();
            let keys = &keys;
            async move { repository(&client, conf, keys, ctx, &r).await }
        })
        .buffer_unordered(ctx.concurrency * 2)
        .collect()
        .await;
    for p in parts {
        s.merge(p);
    }
    s
}

async fn repository(
    client: &Client,
    conf: &aws_config::SdkConfig,
    keys: &super::kms::KeyManagers,
    ctx: &Ctx,
    r: &t::Repository,
) -> Snapshot {
    let mut s = Snapshot::default();
    // What could not be read of this repository: only the checks needing it are NOT_ASSESSED.
    let mut gaps = BTreeMap::new();
    let name = r.repository_name().unwrap_or_default().to_string();
    let mut dto = Repository {
        repository_name: name.clone(),
        repository_arn: r.repository_arn().map(str::to_string),
        repository_uri: r.repository_uri().map(str::to_string),
        registry_id: r.registry_id().map(str::to_string),
        created_at: time(r.created_at()),
        image_tag_mutability: enum_str(r.image_tag_mutability()),
        image_scanning_configuration: r.image_scanning_configuration().map(|c| ScanningConfig {
            scan_on_push: c.scan_on_push(),
        }),
        encryption_configuration: r.encryption_configuration().map(|e| {
            let encryption_type = e.encryption_type().as_str().to_string();
            let kms_key = e.kms_key().map(str::to_string);
            let key_manager = if !encryption_type.starts_with("KMS") {
                Some(None)
            } else if kms_key
                .as_deref()
                .is_none_or(|k| k.ends_with("alias/aws/ecr"))
            {
                // KMS without a key named is the AWS managed aws/ecr key.
                Some(Some("AWS".to_string()))
            } else {
                None
            };
            Encryption {
                encryption_type,
                kms_key,
                key_manager,
            }
        }),
        lifecycle_policy: None,
        repository_policy: None,
        latest_image: None,
        tags: None,
    };
    // A key named by ARN or alias: who manages it is KMS's answer. Unanswered, PLM-ECR-0005
    // is NOT_ASSESSED on this repository (a gap), never passed.
    if let Some(e) = dto.encryption_configuration.as_mut()
        && e.key_manager.is_none()
        && let Some(key) = e.kms_key.clone()
    {
        match keys.of(conf, &key).await {
            Ok(manager) => e.key_manager = Some(Some(manager)),
            Err(f) => {
                s.issues
                    .push(ctx.gap(&mut gaps, "data.encryptionConfiguration.keyManager", &f))
            }
        }
    }
    let (lifecycle, policy, tags, images) = tokio::join!(
        client.get_lifecycle_policy().repository_name(&name).send(),
        client.get_repository_policy().repository_name(&name).send(),
        async {
            match r.repository_arn() {
                Some(arn) => Some(
                    client
                        .list_tags_for_resource()
                        .resource_arn(arn)
                        .send()
                        .await,
                ),
                None => None,
            }
        },
        latest_image(client, &name),
    );
    match lifecycle {
        Ok(out) => dto.lifecycle_policy = Some(document(out.lifecycle_policy_text())),
        Err(e) if e.code() == Some("LifecyclePolicyNotFoundException") => {
            dto.lifecycle_policy = Some(Value::Null)
        }
        Err(e) => s.issues.push(ctx.gap(
            &mut gaps,
            "data.lifecyclePolicy",
            &failure("ecr:GetLifecyclePolicy", &name, &e),
        )),
    }
    match policy {
        Ok(out) => dto.repository_policy = Some(document(out.policy_text())),
        Err(e) if e.code() == Some("RepositoryPolicyNotFoundException") => {
            dto.repository_policy = Some(Value::Null)
        }
        Err(e) => s.issues.push(ctx.gap(
            &mut gaps,
            "data.repositoryPolicy",
            &failure("ecr:GetRepositoryPolicy", &name, &e),
        )),
    }
    match tags {
        Some(Ok(out)) => {
            dto.tags = Some(
                out.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
            )
        }
        Some(Err(e)) => s.issues.push(ctx.gap(
            &mut gaps,
            "data.tags",
            &failure("ecr:ListTagsForResource", &name, &e),
        )),
        None => {}
    }
    match images {
        Ok(img) => dto.latest_image = Some(img.map(|i| to_value(&i)).unwrap_or(Value::Null)),
        Err(f) => s.issues.push(ctx.gap(&mut gaps, "data.latestImage", &f)),
    }
    let tags = dto.tags.clone();
    let mut resource = ctx.resource(
        Source::Ecr,
        "Repository",
        &name,
        tags.as_ref(),
        to_value(&dto),
    );
    resource.gaps = gaps;
    s.resources.push(resource);
    s
}

/// The most recently pushed image of a repository and its scan summary.
async fn latest_image(client: &Client, repo: &str) -> Result<Option<Image>, super::CallFailure> {
    let mut newest: Option<t::ImageDetail> = None;
    let mut pages = client
        .describe_images()
        .repository_name(repo)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let p = page.map_err(|e| failure("ecr:DescribeImages", repo, &e))?;
        for d in p.image_details() {
            let later = match (&newest, d.image_pushed_at()) {
                (None, _) => true,
                (Some(n), Some(at)) => n.image_pushed_at().is_none_or(|cur| at > cur),
                (Some(_), None) => false,
            };
            if later {
                newest = Some(d.clone());
            }
        }
    }
    let Some(d) = newest else {
        return Ok(None);
    };
    let summary = d.image_scan_findings_summary();
    let mut image = Image {
        image_digest: d.image_digest().map(str::to_string),
        image_tags: d.image_tags().to_vec(),
        image_pushed_at: time(d.image_pushed_at()),
        image_scan_status: d.image_scan_status().and_then(|st| enum_str(st.status())),
        image_scan_completed_at: summary.and_then(|x| time(x.image_scan_completed_at())),
        finding_severity_counts: summary.and_then(|x| x.finding_severity_counts().map(counts)),
    };
    // Basic scanning since 2024 and enhanced scanning (Inspector) report through
    // DescribeImageScanFindings, not in DescribeImages' summary: without asking, every image
    // scanned that way would read as never scanned.
    if image.finding_severity_counts.is_none()
        && let Some(digest) = d.image_digest()
    {
        let id = t::ImageIdentifier::builder().image_digest(digest).build();
        match client
            .describe_image_scan_findings()
            .repository_name(repo)
            .image_id(id)
            .max_results(1)
            .send()
            .await
        {
            Ok(out) => {
                if let Some(st) = out.image_scan_status().and_then(|s| enum_str(s.status())) {
                    image.image_scan_status = Some(st);
                }
                if let Some(f) = out.image_scan_findings() {
                    image.image_scan_completed_at = time(f.image_scan_completed_at());
                    image.finding_severity_counts = f.finding_severity_counts().map(counts);
                }
            }
            // Never scanned: what the check reports.
            Err(e) if e.code() == Some("ScanNotFoundException") => {}
            Err(e) => return Err(failure("ecr:DescribeImageScanFindings", repo, &e)),
        }
    }
    Ok(Some(image))
}

/// Severity counts as the checks read them (`CRITICAL` -> n).
fn counts(m: &std::collections::HashMap<t::FindingSeverity, i32>) -> BTreeMap<String, i32> {
    m.iter()
        .map(|(k, v)| (k.as_str().to_string(), *v))
        .collect()
}
