//! ECS: clusters (with settings, execute-command configuration and tags), their services and
//! task sets, the latest ACTIVE revision of every task definition family plus every revision a
//! service or task set runs, the capacity providers the clusters use, and the account settings.
//!
//! Environment values of containers are redacted here (see `dto::env_var`), and log driver
//! options whose name says token, password or secret too.
//!
//! One file per resource: `cluster.rs` (clusters and the capacity providers they use),
//! `service.rs` (services and task sets), `task_definition.rs`; account settings here.

mod cluster;
mod service;
mod task_definition;

use super::dto::enum_str;
use super::{Ctx, failure};
use crate::collect::to_value;
use crate::snapshot::{Snapshot, Source};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use futures::StreamExt;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use task_definition::family_revision;

// ---- DTOs shared by the resources (camelCase as in the ECS API reference) ----

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NameValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StrategyItem {
    capacity_provider: String,
    weight: i32,
    base: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountSetting {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal_arn: Option<String>,
}

pub(super) fn tag_map(tags: &[t::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

pub(super) fn strategy(items: &[t::CapacityProviderStrategyItem]) -> Vec<StrategyItem> {
    items
        .iter()
        .map(|i| StrategyItem {
            capacity_provider: i.capacity_provider().to_string(),
            weight: i.weight(),
            base: i.base(),
        })
        .collect()
}

/// Reads the region's ECS resources.
pub(crate) async fn collect(conf: &aws_config::SdkConfig, ctx: &Ctx) -> Snapshot {
    let client = Client::new(conf);
    let mut s = Snapshot::default();
    let (clusters, provider_names) = cluster::clusters(&client, ctx, &mut s).await;
    // Services, per cluster (bounded).
    let per_cluster: Vec<(Snapshot, Vec<String>)> = futures::stream::iter(clusters.iter())
        .map(|c| {
            let client = client.clone();
            async move { service::services(&client, ctx, c).await }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    // Task definitions: what services run, plus the latest ACTIVE revision of every family.
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (part, used) in per_cluster {
        s.merge(part);
        for u in used {
            let (svc, td) = u.split_once('\n').unwrap_or(("", &u));
            wanted
                .entry(family_revision(td).to_string())
                .or_default()
                .insert(svc.to_string());
        }
    }
    task_definition::task_definitions(&client, ctx, &mut s, &wanted).await;
    cluster::capacity_providers(&client, ctx, &mut s, provider_names).await;
    account_settings(&client, ctx, &mut s).await;
    s
}

/// The account settings, effective values for the caller.
async fn account_settings(client: &Client, ctx: &Ctx, s: &mut Snapshot) {
    // Account settings (effective values for the caller).
    let mut settings = Vec::new();
    let mut ok = true;
    let mut set_pages = client
        .list_account_settings()
        .effective_settings(true)
        .into_paginator()
        .send();
    while let Some(page) = set_pages.next().await {
        match page {
            Ok(p) => settings.extend(p.settings().iter().map(|st| AccountSetting {
                name: enum_str(st.name()),
                value: st.value().map(str::to_string),
                principal_arn: st.principal_arn().map(str::to_string),
            })),
            Err(e) => {
                s.issues.push(ctx.issue(
                    &failure("ecs:ListAccountSettings", "", &e),
                    &["ecs/AccountSettings"],
                ));
                ok = false;
                break;
            }
        }
    }
    if ok {
        s.resources.push(ctx.resource(
            Source::Ecs,
            "AccountSettings",
            &ctx.region,
            None,
            json!({"settings": settings}),
        ));
    }
}
