//! ECS clusters (settings, execute-command configuration, tags) and the capacity providers
//! they use.

use super::super::dto::{enum_str, strings};
use super::super::{Ctx, failure};
use super::{NameValue, StrategyItem, strategy, tag_map, to_value};
use crate::snapshot::{Snapshot, Source};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cluster {
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    settings: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration: Option<ClusterConfiguration>,
    capacity_providers: Vec<String>,
    default_capacity_provider_strategy: Vec<StrategyItem>,
    tags: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    execute_command_configuration: Option<ExecConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_storage_configuration: Option<ManagedStorage>,
}

/// The customer managed keys of the cluster's storage (Fargate ephemeral storage, managed
/// instances' volumes).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManagedStorage {
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fargate_ephemeral_storage_kms_key_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logging: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_configuration: Option<ExecLogConfig>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecLogConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_watch_log_group_name: Option<String>,
    cloud_watch_encryption_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_bucket_name: Option<String>,
    s3_encryption_enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CapacityProvider {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_provider_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_scaling_group_provider: Option<AsgProvider>,
    tags: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AsgProvider {
    auto_scaling_group_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_scaling_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_termination_protection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_draining: Option<String>,
}

/// Every cluster of the region, recorded in `s`; also returned, with the names of the
/// capacity providers they use (not Fargate's).
pub(super) async fn clusters(
    client: &Client,
    ctx: &Ctx,
    s: &mut Snapshot,
) -> (Vec<t::Cluster>, BTreeSet<String>) {
    // Clusters.
    let mut arns = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => arns.extend(p.cluster_arns().iter().cloned()),
            Err(e) => {
                s.issues.push(ctx.issue(
                    &failure("ecs:ListClusters", "", &e),
                    &["ecs/Cluster", "ecs/Service", "ecs/CapacityProvider"],
                ));
                break;
            }
        }
    }
    let mut clusters: Vec<t::Cluster> = Vec::new();
    for chunk in arns.chunks(100) {
        match client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(t::ClusterField::Settings)
            .include(t::ClusterField::Configurations)
            .include(t::ClusterField::Tags)
            .send()
            .await
        {
            Ok(out) => clusters.extend(out.clusters().iter().cloned()),
            Err(e) => s
                .issues
                .push(ctx.issue(&failure("ecs:DescribeClusters", "", &e), &["ecs/Cluster"])),
        }
    }
    let mut provider_names = BTreeSet::new();
    for c in &clusters {
        let name = c.cluster_name().unwrap_or_default().to_string();
        provider_names.extend(
            c.capacity_providers()
                .iter()
                .filter(|p| !p.starts_with("FARGATE"))
                .cloned(),
        );
        let dto = Cluster {
            cluster_name: name.clone(),
            cluster_arn: c.cluster_arn().map(str::to_string),
            status: c.status().map(str::to_string),
            settings: c
                .settings()
                .iter()
                .map(|st| NameValue {
                    name: enum_str(st.name()),
                    value: st.value().map(str::to_string),
                })
                .collect(),
            configuration: c.configuration().map(|cf| ClusterConfiguration {
                execute_command_configuration: cf.execute_command_configuration().map(|x| {
                    ExecConfig {
                        kms_key_id: x.kms_key_id().map(str::to_string),
                        logging: enum_str(x.logging()),
                        log_configuration: x.log_configuration().map(|l| ExecLogConfig {
                            cloud_watch_log_group_name: l
                                .cloud_watch_log_group_name()
                                .map(str::to_string),
                            cloud_watch_encryption_enabled: l.cloud_watch_encryption_enabled(),
                            s3_bucket_name: l.s3_bucket_name().map(str::to_string),
                            s3_encryption_enabled: l.s3_encryption_enabled(),
                        }),
                    }
                }),
                managed_storage_configuration: cf.managed_storage_configuration().map(|m| {
                    ManagedStorage {
                        kms_key_id: m.kms_key_id().map(str::to_string),
                        fargate_ephemeral_storage_kms_key_id: m
                            .fargate_ephemeral_storage_kms_key_id()
                            .map(str::to_string),
                    }
                }),
            }),
            capacity_providers: strings(c.capacity_providers()),
            default_capacity_provider_strategy: strategy(c.default_capacity_provider_strategy()),
            tags: tag_map(c.tags()),
        };
        s.resources.push(ctx.resource(
            Source::Ecs,
            "Cluster",
            &name,
            Some(&dto.tags),
            to_value(&dto),
        ));
    }
    (clusters, provider_names)
}

/// The capacity providers the clusters use (named: describing all at once fails on some
/// emulators, and unused providers run nothing).
pub(super) async fn capacity_providers(
    client: &Client,
    ctx: &Ctx,
    s: &mut Snapshot,
    provider_names: BTreeSet<String>,
) {
    // Capacity providers in use (named: describing all at once fails on some emulators, and
    // unused providers run nothing).
    if !provider_names.is_empty() {
        match client
            .describe_capacity_providers()
            .set_capacity_providers(Some(provider_names.into_iter().collect()))
            .include(t::CapacityProviderField::Tags)
            .send()
            .await
        {
            Ok(out) => {
                for p in out.capacity_providers() {
                    let name = p.name().unwrap_or_default().to_string();
                    let dto = CapacityProvider {
                        name: name.clone(),
                        capacity_provider_arn: p.capacity_provider_arn().map(str::to_string),
                        status: enum_str(p.status()),
                        auto_scaling_group_provider: p.auto_scaling_group_provider().map(|a| {
                            AsgProvider {
                                auto_scaling_group_arn: a.auto_scaling_group_arn().to_string(),
                                managed_scaling_status: a
                                    .managed_scaling()
                                    .and_then(|m| enum_str(m.status())),
                                managed_termination_protection: enum_str(
                                    a.managed_termination_protection(),
                                ),
                                managed_draining: enum_str(a.managed_draining()),
                            }
                        }),
                        tags: tag_map(p.tags()),
                    };
                    s.resources.push(ctx.resource(
                        Source::Ecs,
                        "CapacityProvider",
                        &name,
                        Some(&dto.tags),
                        to_value(&dto),
                    ));
                }
            }
            Err(e) => s.issues.push(ctx.issue(
                &failure("ecs:DescribeCapacityProviders", "", &e),
                &["ecs/CapacityProvider"],
            )),
        }
    }
}
