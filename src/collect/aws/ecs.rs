//! ECS: clusters (with settings, execute-command configuration and tags), their services and
//! task sets, the latest ACTIVE revision of every task definition family plus every revision a
//! service or task set runs, the capacity providers the clusters use, and the account settings.
//!
//! Environment values of containers are redacted here (see `dto::env_var`), and log driver
//! options whose name says token, password or secret too.

use super::dto::{EnvVar, enum_str, env_var, strings, time};
use super::{Ctx, failure};
use crate::snapshot::{REDACTED, Snapshot, Source};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use futures::StreamExt;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

// ---- DTOs (camelCase as in the ECS API reference) ----

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
struct NameValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    execute_command_configuration: Option<ExecConfig>,
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
struct StrategyItem {
    capacity_provider: String,
    weight: i32,
    base: i32,
}

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskDefinition {
    family: String,
    revision: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_definition_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipc_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
    requires_compatibilities: Vec<String>,
    compatibilities: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    runtime_platform: Option<RuntimePlatform>,
    volumes: Vec<Volume>,
    container_definitions: Vec<ContainerDefinition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registered_at: Option<String>,
    tags: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuntimePlatform {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_architecture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operating_system_family: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Volume {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<HostVolume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    efs_volume_configuration: Option<EfsVolume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    docker_volume_configuration: Option<DockerVolume>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HostVolume {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_path: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EfsVolume {
    file_system_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_directory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transit_encryption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_config: Option<EfsAuth>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EfsAuth {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_point_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iam: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DockerVolume {
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    driver: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContainerDefinition {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    cpu: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_reservation: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    essential: Option<bool>,
    port_mappings: Vec<PortMapping>,
    environment: Vec<EnvVar>,
    environment_files: Vec<String>,
    secrets: Vec<SecretRef>,
    mount_points: Vec<MountPoint>,
    volumes_from: Vec<VolumeFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linux_parameters: Option<LinuxParameters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    privileged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    readonly_root_filesystem: Option<bool>,
    docker_security_options: Vec<String>,
    ulimits: Vec<Ulimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_configuration: Option<LogConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    health_check: Option<HealthCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_credentials: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disable_networking: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interactive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pseudo_terminal: Option<bool>,
    system_controls: Vec<NameValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PortMapping {
    #[serde(skip_serializing_if = "Option::is_none")]
    container_port: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_port: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretRef {
    name: String,
    value_from: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MountPoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_only: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeFrom {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_only: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinuxParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    capabilities: Option<Capabilities>,
    devices: Vec<Device>,
    #[serde(skip_serializing_if = "Option::is_none")]
    init_process_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_memory_size: Option<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Capabilities {
    add: Vec<String>,
    drop: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Device {
    host_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_path: Option<String>,
    permissions: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ulimit {
    name: String,
    soft_limit: i32,
    hard_limit: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogConfiguration {
    log_driver: String,
    options: BTreeMap<String, String>,
    secret_options: Vec<SecretRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HealthCheck {
    command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_period: Option<i32>,
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

fn tag_map(tags: &[t::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

fn strategy(items: &[t::CapacityProviderStrategyItem]) -> Vec<StrategyItem> {
    items
        .iter()
        .map(|i| StrategyItem {
            capacity_provider: i.capacity_provider().to_string(),
            weight: i.weight(),
            base: i.base(),
        })
        .collect()
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

/// A log option whose name says it holds a credential (splunk-token, ...).
fn secret_option(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["token", "password", "secret", "key"]
        .iter()
        .any(|s| k.contains(s))
}

fn container_dto(c: &t::ContainerDefinition) -> ContainerDefinition {
    ContainerDefinition {
        name: c.name().map(str::to_string),
        image: c.image().map(str::to_string),
        cpu: c.cpu(),
        memory: c.memory(),
        memory_reservation: c.memory_reservation(),
        essential: c.essential(),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| PortMapping {
                container_port: p.container_port(),
                host_port: p.host_port(),
                protocol: enum_str(p.protocol()),
            })
            .collect(),
        environment: c
            .environment()
            .iter()
            .map(|kv| env_var(kv.name().unwrap_or(""), kv.value().unwrap_or("")))
            .collect(),
        environment_files: c
            .environment_files()
            .iter()
            .map(|f| f.value().to_string())
            .collect(),
        secrets: c
            .secrets()
            .iter()
            .map(|s| SecretRef {
                name: s.name().to_string(),
                value_from: s.value_from().to_string(),
            })
            .collect(),
        mount_points: c
            .mount_points()
            .iter()
            .map(|m| MountPoint {
                source_volume: m.source_volume().map(str::to_string),
                container_path: m.container_path().map(str::to_string),
                read_only: m.read_only(),
            })
            .collect(),
        volumes_from: c
            .volumes_from()
            .iter()
            .map(|v| VolumeFrom {
                source_container: v.source_container().map(str::to_string),
                read_only: v.read_only(),
            })
            .collect(),
        linux_parameters: c.linux_parameters().map(|l| LinuxParameters {
            capabilities: l.capabilities().map(|k| Capabilities {
                add: strings(k.add()),
                drop: strings(k.drop()),
            }),
            devices: l
                .devices()
                .iter()
                .map(|d| Device {
                    host_path: d.host_path().to_string(),
                    container_path: d.container_path().map(str::to_string),
                    permissions: d
                        .permissions()
                        .iter()
                        .map(|p| p.as_str().to_string())
                        .collect(),
                })
                .collect(),
            init_process_enabled: l.init_process_enabled(),
            shared_memory_size: l.shared_memory_size(),
        }),
        user: c.user().map(str::to_string),
        privileged: c.privileged(),
        readonly_root_filesystem: c.readonly_root_filesystem(),
        docker_security_options: strings(c.docker_security_options()),
        ulimits: c
            .ulimits()
            .iter()
            .map(|u| Ulimit {
                name: u.name().as_str().to_string(),
                soft_limit: u.soft_limit(),
                hard_limit: u.hard_limit(),
            })
            .collect(),
        log_configuration: c.log_configuration().map(|l| LogConfiguration {
            log_driver: l.log_driver().as_str().to_string(),
            options: l
                .options()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            let v = if secret_option(k) {
                                REDACTED.to_string()
                            } else {
                                v.clone()
                            };
                            (k.clone(), v)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            secret_options: l
                .secret_options()
                .iter()
                .map(|s| SecretRef {
                    name: s.name().to_string(),
                    value_from: s.value_from().to_string(),
                })
                .collect(),
        }),
        health_check: c.health_check().map(|h| HealthCheck {
            command: strings(h.command()),
            interval: h.interval(),
            timeout: h.timeout(),
            retries: h.retries(),
            start_period: h.start_period(),
        }),
        repository_credentials: c
            .repository_credentials()
            .map(|r| r.credentials_parameter().to_string()),
        disable_networking: c.disable_networking(),
        interactive: c.interactive(),
        pseudo_terminal: c.pseudo_terminal(),
        system_controls: c
            .system_controls()
            .iter()
            .map(|s| NameValue {
                name: s.namespace().map(str::to_string),
                value: s.value().map(str::to_string),
            })
            .collect(),
    }
}

fn task_definition_dto(td: &t::TaskDefinition, tags: &[t::Tag]) -> TaskDefinition {
    TaskDefinition {
        family: td.family().unwrap_or_default().to_string(),
        revision: td.revision(),
        task_definition_arn: td.task_definition_arn().map(str::to_string),
        status: enum_str(td.status()),
        network_mode: enum_str(td.network_mode()),
        pid_mode: enum_str(td.pid_mode()),
        ipc_mode: enum_str(td.ipc_mode()),
        task_role_arn: td.task_role_arn().map(str::to_string),
        execution_role_arn: td.execution_role_arn().map(str::to_string),
        cpu: td.cpu().map(str::to_string),
        memory: td.memory().map(str::to_string),
        requires_compatibilities: td
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        compatibilities: td
            .compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        runtime_platform: td.runtime_platform().map(|r| RuntimePlatform {
            cpu_architecture: enum_str(r.cpu_architecture()),
            operating_system_family: enum_str(r.operating_system_family()),
        }),
        volumes: td
            .volumes()
            .iter()
            .map(|v| Volume {
                name: v.name().map(str::to_string),
                host: v.host().map(|h| HostVolume {
                    source_path: h.source_path().map(str::to_string),
                }),
                efs_volume_configuration: v.efs_volume_configuration().map(|e| EfsVolume {
                    file_system_id: e.file_system_id().to_string(),
                    root_directory: e.root_directory().map(str::to_string),
                    transit_encryption: enum_str(e.transit_encryption()),
                    authorization_config: e.authorization_config().map(|a| EfsAuth {
                        access_point_id: a.access_point_id().map(str::to_string),
                        iam: enum_str(a.iam()),
                    }),
                }),
                docker_volume_configuration: v.docker_volume_configuration().map(|d| {
                    DockerVolume {
                        scope: enum_str(d.scope()),
                        driver: d.driver().map(str::to_string),
                    }
                }),
            })
            .collect(),
        container_definitions: td
            .container_definitions()
            .iter()
            .map(container_dto)
            .collect(),
        registered_at: time(td.registered_at()),
        tags: tag_map(tags),
    }
}

/// A task definition and its tags, or why it could not be read.
type Described = Result<(t::TaskDefinition, Vec<t::Tag>), super::CallFailure>;

fn to_value<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// `arn:aws:ecs:r:a:task-definition/web:3` or `web:3` -> `web:3`.
fn family_revision(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Reads the region's ECS resources.
pub(crate) async fn collect(conf: &aws_config::SdkConfig, ctx: &Ctx) -> Snapshot {
    let client = Client::new(conf);
    let mut s = Snapshot::default();

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

    // Services, per cluster (bounded).
    let per_cluster: Vec<(Snapshot, Vec<String>)> = futures::stream::iter(clusters.iter())
        .map(|c| {
            let client = client.clone();
            async move { services(&client, ctx, c).await }
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
    let mut families = Vec::new();
    let mut fam_pages = client
        .list_task_definition_families()
        .status(t::TaskDefinitionFamilyStatus::Active)
        .into_paginator()
        .send();
    while let Some(page) = fam_pages.next().await {
        match page {
            Ok(p) => families.extend(p.families().iter().cloned()),
            Err(e) => {
                s.issues.push(ctx.issue(
                    &failure("ecs:ListTaskDefinitionFamilies", "", &e),
                    &["ecs/TaskDefinition"],
                ));
                break;
            }
        }
    }
    let mut latest_of_family = BTreeSet::new();
    let mut requests: Vec<String> = families.clone();
    requests.extend(wanted.keys().cloned());
    let described: Vec<(String, Described)> = futures::stream::iter(requests)
        .map(|req| {
            let client = client.clone();
            async move {
                let r = client
                    .describe_task_definition()
                    .task_definition(&req)
                    .include(t::TaskDefinitionField::Tags)
                    .send()
                    .await;
                let r = match r {
                    Ok(out) => out
                        .task_definition()
                        .cloned()
                        .map(|td| (td, out.tags().to_vec()))
                        .ok_or_else(|| {
                            super::CallFailure::other(format!(
                                "ecs:DescribeTaskDefinition {req}: empty answer"
                            ))
                        }),
                    Err(e) => Err(failure("ecs:DescribeTaskDefinition", &req, &e)),
                };
                (req, r)
            }
        })
        .buffer_unordered(ctx.concurrency * 2)
        .collect()
        .await;
    let mut seen = BTreeSet::new();
    for (req, r) in &described {
        if let Ok((td, _)) = r
            && !req.contains(':')
            && td.status() != Some(&t::TaskDefinitionStatus::Inactive)
        {
            latest_of_family.insert(format!(
                "{}:{}",
                td.family().unwrap_or_default(),
                td.revision()
            ));
        }
    }
    for (_, r) in described {
        match r {
            Ok((td, tags)) => {
                let dto = task_definition_dto(&td, &tags);
                let name = format!("{}:{}", dto.family, dto.revision);
                // A deregistered revision that no service or task set runs cannot start a task:
                // judging it would report what does not run. AWS never answers a family name
                // with one, but an emulator or a deregistration racing the listing can.
                let inactive = dto.status.as_deref() == Some("INACTIVE");
                if (inactive && !wanted.contains_key(&name)) || !seen.insert(name.clone()) {
                    continue;
                }
                let mut resource = ctx.resource(
                    Source::Ecs,
                    "TaskDefinition",
                    &name,
                    Some(&dto.tags),
                    to_value(&dto),
                );
                // Why this revision was read: the family's latest ACTIVE one, and which
                // services run it.
                resource.object.insert(
                    "usage".into(),
                    json!({
                        "latestActive": latest_of_family.contains(&name),
                        "services": wanted.get(&name).map(|s| s.iter().collect::<Vec<_>>()).unwrap_or_default(),
                    }),
                );
                s.resources.push(resource);
            }
            Err(f) => s.issues.push(ctx.issue(&f, &["ecs/TaskDefinition"])),
        }
    }

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
    s
}

/// The services of one cluster; also returns "service\ntask definition" for every task
/// definition a service or task set runs.
async fn services(client: &Client, ctx: &Ctx, c: &t::Cluster) -> (Snapshot, Vec<String>) {
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
                            &super::CallFailure::other(format!(
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
