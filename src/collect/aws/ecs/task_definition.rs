//! ECS task definitions: the latest ACTIVE revision of every family, plus every revision a
//! service or task set runs. Environment values of containers are redacted here (see
//! `dto::env_var`), and log driver options whose name says token, password or secret too.

use super::super::dto::{EnvVar, enum_str, env_var, strings, time};
use super::super::{Ctx, failure};
use super::{NameValue, tag_map, to_value};
use crate::snapshot::{REDACTED, Snapshot, Source};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use futures::StreamExt;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

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
type Described = Result<(t::TaskDefinition, Vec<t::Tag>), super::super::CallFailure>;

/// `arn:aws:ecs:r:a:task-definition/web:3` or `web:3` -> `web:3`.
pub(super) fn family_revision(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The task definitions: every family's latest ACTIVE revision and the revisions in
/// `wanted` (revision -> the services that run it), recorded in `s`.
pub(super) async fn task_definitions(
    client: &Client,
    ctx: &Ctx,
    s: &mut Snapshot,
    wanted: &BTreeMap<String, BTreeSet<String>>,
) {
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
                            super::super::CallFailure::other(format!(
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
}
