//! ECS services and their task sets, per cluster.

use super::super::dto::{enum_str, strings};
use super::super::{Ctx, failure};
use super::{StrategyItem, strategy, tag_map, to_value};
use crate::snapshot::{Snapshot, Source};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    service_name: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    launch_type: Option<String>,
    capacity_provider_strategy: Vec<StrategyItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_definition: Option<String>,
    desired_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_configuration: Option<NetworkConfiguration>,
    /// The SDK reads a missing value as false (AWS always returns it).
    enable_execute_command: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduling_strategy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    propagate_tags: Option<String>,
    task_sets: Vec<TaskSet>,
    tags: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    awsvpc_configuration: Option<AwsVpc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AwsVpc {
    subnets: Vec<String>,
    security_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assign_public_ip: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_set_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    launch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_configuration: Option<NetworkConfiguration>,
}

fn network(n: Option<&t::NetworkConfiguration>) -> Option<NetworkConfiguration> {
    n.map(|n| NetworkConfiguration {
        awsvpc_configuration: n.awsvpc_configuration().map(|a| AwsVpc {
            subnets: strings(a.subnets()),
            security_groups: strings(a.security_groups()),
            assign_public_ip: enum_str(a.assign_public_ip()),
        }),
    })
}

/// The services of one cluster; also returns "service\ntask definition" for every task
/// definition a service or task set runs.
pub(super) async fn services(
    client: &Client,
    ctx: &Ctx,
    c: &t::Cluster,
) -> (Snapshot, Vec<String>) {
    let mut s = Snapshot::default();
    let mut used = Vec::new();
    let cluster = c.cluster_name().unwrap_or_default().to_string();
    let cluster_ref = c.cluster_arn().unwrap_or(&cluster).to_string();
    let mut arns = Vec::new();
    let mut pages = client
        .list_services()
        .cluster(&cluster_ref)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => arns.extend(p.service_arns().iter().cloned()),
            Err(e) => {
                s.issues.push(ctx.issue(
                    &failure("ecs:ListServices", &cluster, &e),
                    &["ecs/Service", "ecs/TaskDefinition"],
                ));
                return (s, used);
            }
        }
    }
    for chunk in arns.chunks(10) {
        match client
            .describe_services()
            .cluster(&cluster_ref)
            .set_services(Some(chunk.to_vec()))
            .include(t::ServiceField::Tags)
            .send()
            .await
        {
            Ok(out) => {
                for svc in out.services() {
                    // A service ARN of another cluster (an emulator quirk) is not ours.
                    if svc
                        .cluster_arn()
                        .is_some_and(|a| c.cluster_arn().is_some_and(|ours| ours != a))
                    {
                        continue;
                    }
                    let name = svc.service_name().unwrap_or_default().to_string();
                    let full = format!("{cluster}/{name}");
                    if let Some(td) = svc.task_definition() {
                        used.push(format!("{full}\n{td}"));
                    }
                    for ts in svc.task_sets() {
                        if let Some(td) = ts.task_definition() {
                            used.push(format!("{full}\n{td}"));
                        }
                    }
                    let dto = Service {
                        service_name: name.clone(),
                        cluster_name: cluster.clone(),
                        service_arn: svc.service_arn().map(str::to_string),
                        status: svc.status().map(str::to_string),
                        launch_type: enum_str(svc.launch_type()),
                        capacity_provider_strategy: strategy(svc.capacity_provider_strategy()),
                        platform_version: svc.platform_version().map(str::to_string),
                        platform_family: svc.platform_family().map(str::to_string),
                        task_definition: svc.task_definition().map(str::to_string),
                        desired_count: svc.desired_count(),
                        network_configuration: network(svc.network_configuration()),
                        enable_execute_command: svc.enable_execute_command(),
                        scheduling_strategy: enum_str(svc.scheduling_strategy()),
                        propagate_tags: enum_str(svc.propagate_tags()),
                        task_sets: svc
                            .task_sets()
                            .iter()
                            .map(|ts| TaskSet {
                                id: ts.id().map(str::to_string),
                                task_set_arn: ts.task_set_arn().map(str::to_string),
                                status: ts.status().map(str::to_string),
                                task_definition: ts.task_definition().map(str::to_string),
                                launch_type: enum_str(ts.launch_type()),
                                platform_version: ts.platform_version().map(str::to_string),
                                platform_family: ts.platform_family().map(str::to_string),
                                network_configuration: network(ts.network_configuration()),
                            })
                            .collect(),
                        tags: tag_map(svc.tags()),
                    };
                    s.resources.push(ctx.resource(
                        Source::Ecs,
                        "Service",
                        &full,
                        Some(&dto.tags),
                        to_value(&dto),
                    ));
                }
                for f in out.failures() {
                    if f.reason() != Some("MISSING") {
                        s.issues.push(ctx.issue(
                            &super::super::CallFailure::other(format!(
                                "ecs:DescribeServices {cluster}: {} {}",
                                f.arn().unwrap_or(""),
                                f.reason().unwrap_or("")
                            )),
                            &["ecs/Service"],
                        ));
                    }
                }
            }
            Err(e) => s.issues.push(ctx.issue(
                &failure("ecs:DescribeServices", &cluster, &e),
                &["ecs/Service"],
            )),
        }
    }
    (s, used)
}
