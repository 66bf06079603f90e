//! EKS: clusters (DescribeCluster) and, per cluster, node groups, Fargate profiles, add-ons,
//! access entries with their associated access policies, identity provider configs and pod
//! identity associations. Clusters are read concurrently (bounded), their sub-resources too.

use super::dto::{enum_str, strings, tags, time};
use super::{CallFailure, Ctx, failure};
use crate::collect::to_value;
use crate::snapshot::{Snapshot, Source};
use aws_sdk_eks::Client;
use aws_sdk_eks::types as t;
use futures::StreamExt;
use serde::Serialize;
use std::collections::BTreeMap;

// ---- DTOs (camelCase as in the EKS API reference) ----

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cluster {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    /// The API server's CA bundle (base64 PEM, public): `--include-kubernetes` connects with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_authority: Option<CertificateAuthority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources_vpc_config: Option<VpcConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logging: Option<Logging>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<Identity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_config: Option<Vec<EncryptionConfig>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_config: Option<AccessConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upgrade_policy: Option<UpgradePolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_protection: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes_network_config: Option<NetworkConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VpcConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_group_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_security_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc_id: Option<String>,
    /// Always returned by AWS (the SDK reads a missing value as false).
    endpoint_public_access: bool,
    endpoint_private_access: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_access_cidrs: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logging {
    cluster_logging: Vec<LogSetup>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogSetup {
    types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity {
    #[serde(skip_serializing_if = "Option::is_none")]
    oidc: Option<Oidc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Oidc {
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EncryptionConfig {
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<KeyProvider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyProvider {
    #[serde(skip_serializing_if = "Option::is_none")]
    key_arn: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateAuthority {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    bootstrap_cluster_creator_admin_permissions: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_mode: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpgradePolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    support_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    service_ipv4_cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_family: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Nodegroup {
    nodegroup_name: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodegroup_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ami_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node_role: Option<String>,
    instance_types: Vec<String>,
    subnets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_size: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_access: Option<RemoteAccess>,
    #[serde(skip_serializing_if = "Option::is_none")]
    launch_template: Option<LaunchTemplate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scaling_config: Option<Scaling>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RemoteAccess {
    #[serde(skip_serializing_if = "Option::is_none")]
    ec2_ssh_key: Option<String>,
    source_security_groups: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LaunchTemplate {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scaling {
    #[serde(skip_serializing_if = "Option::is_none")]
    min_size: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_size: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    desired_size: Option<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FargateProfile {
    fargate_profile_name: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_execution_role_arn: Option<String>,
    subnets: Vec<String>,
    selectors: Vec<FargateSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FargateSelector {
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Addon {
    addon_name: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    addon_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_values: Option<String>,
    pod_identity_associations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessEntry {
    principal_arn: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    r#type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    kubernetes_groups: Vec<String>,
    /// ListAssociatedAccessPolicies; absent when that call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_access_policies: Option<Vec<AssociatedPolicy>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssociatedPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_scope: Option<AccessScope>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessScope {
    #[serde(skip_serializing_if = "Option::is_none")]
    r#type: Option<String>,
    namespaces: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityProviderConfig {
    identity_provider_config_name: String,
    cluster_name: String,
    r#type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodIdentityAssociation {
    association_id: String,
    cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

fn cluster_dto(c: &t::Cluster) -> Cluster {
    Cluster {
        name: c.name().unwrap_or_default().to_string(),
        arn: c.arn().map(str::to_string),
        created_at: time(c.created_at()),
        version: c.version().map(str::to_string),
        platform_version: c.platform_version().map(str::to_string),
        status: enum_str(c.status()),
        endpoint: c.endpoint().map(str::to_string),
        certificate_authority: c.certificate_authority().map(|a| CertificateAuthority {
            data: a.data().map(str::to_string),
        }),
        role_arn: c.role_arn().map(str::to_string),
        resources_vpc_config: c.resources_vpc_config().map(|v| VpcConfig {
            subnet_ids: v.subnet_ids.clone(),
            security_group_ids: v.security_group_ids.clone(),
            cluster_security_group_id: v.cluster_security_group_id().map(str::to_string),
            vpc_id: v.vpc_id().map(str::to_string),
            endpoint_public_access: v.endpoint_public_access(),
            endpoint_private_access: v.endpoint_private_access(),
            public_access_cidrs: v.public_access_cidrs.clone(),
        }),
        logging: c.logging().map(|l| Logging {
            cluster_logging: l
                .cluster_logging()
                .iter()
                .map(|s| LogSetup {
                    types: s.types().iter().map(|t| t.as_str().to_string()).collect(),
                    enabled: s.enabled(),
                })
                .collect(),
        }),
        identity: c.identity().map(|i| Identity {
            oidc: i.oidc().map(|o| Oidc {
                issuer: o.issuer().map(str::to_string),
            }),
        }),
        encryption_config: c.encryption_config.as_ref().map(|v| {
            v.iter()
                .map(|e| EncryptionConfig {
                    // Deprecated in the API (EKS now encrypts all API data by default), but
                    // still what CIS EKS 5.3.1 asks about for clusters created before that.
                    #[allow(deprecated)]
                    resources: strings(e.resources()),
                    provider: e.provider().map(|p| KeyProvider {
                        key_arn: p.key_arn().map(str::to_string),
                    }),
                })
                .collect()
        }),
        access_config: c.access_config().map(|a| AccessConfig {
            bootstrap_cluster_creator_admin_permissions: a
                .bootstrap_cluster_creator_admin_permissions(),
            authentication_mode: enum_str(a.authentication_mode()),
        }),
        upgrade_policy: c.upgrade_policy().map(|u| UpgradePolicy {
            support_type: enum_str(u.support_type()),
        }),
        deletion_protection: c.deletion_protection(),
        kubernetes_network_config: c.kubernetes_network_config().map(|n| NetworkConfig {
            service_ipv4_cidr: n.service_ipv4_cidr().map(str::to_string),
            ip_family: enum_str(n.ip_family()),
        }),
        tags: tags(c.tags()),
    }
}

fn nodegroup_dto(cluster: &str, n: &t::Nodegroup) -> Nodegroup {
    Nodegroup {
        nodegroup_name: n.nodegroup_name().unwrap_or_default().to_string(),
        cluster_name: cluster.to_string(),
        nodegroup_arn: n.nodegroup_arn().map(str::to_string),
        version: n.version().map(str::to_string),
        release_version: n.release_version().map(str::to_string),
        status: enum_str(n.status()),
        capacity_type: enum_str(n.capacity_type()),
        ami_type: enum_str(n.ami_type()),
        node_role: n.node_role().map(str::to_string),
        instance_types: strings(n.instance_types()),
        subnets: strings(n.subnets()),
        disk_size: n.disk_size(),
        remote_access: n.remote_access().map(|r| RemoteAccess {
            ec2_ssh_key: r.ec2_ssh_key().map(str::to_string),
            source_security_groups: strings(r.source_security_groups()),
        }),
        launch_template: n.launch_template().map(|l| LaunchTemplate {
            name: l.name().map(str::to_string),
            id: l.id().map(str::to_string),
            version: l.version().map(str::to_string),
        }),
        scaling_config: n.scaling_config().map(|s| Scaling {
            min_size: s.min_size(),
            max_size: s.max_size(),
            desired_size: s.desired_size(),
        }),
        labels: tags(n.labels()),
        tags: tags(n.tags()),
    }
}

/// Reads every cluster of the region.
pub(crate) async fn collect(conf: &aws_config::SdkConfig, ctx: &Ctx) -> Snapshot {
    let client = Client::new(conf);
    let mut snapshot = Snapshot::default();
    let mut names = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => names.extend(p.clusters().iter().cloned()),
            Err(e) => {
                let f = failure("eks:ListClusters", "", &e);
                snapshot.issues.push(ctx.issue(&f, &super::KINDS[..7]));
                return snapshot;
            }
        }
    }
    let per_cluster: Vec<Snapshot> = futures::stream::iter(names)
        .map(|name| {
            let client = client.clone();
            async move { read_cluster(&client, ctx, &name).await }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    for s in per_cluster {
        snapshot.merge(s);
    }
    snapshot
}

async fn read_cluster(client: &Client, ctx: &Ctx, name: &str) -> Snapshot {
    let mut s = Snapshot::default();
    match client.describe_cluster().name(name).send().await {
        Ok(out) => {
            if let Some(c) = out.cluster() {
                let dto = cluster_dto(c);
                let tags = dto.tags.clone();
                s.resources.push(ctx.resource(
                    Source::Eks,
                    "Cluster",
                    name,
                    tags.as_ref(),
                    to_value(&dto),
                ));
            }
        }
        Err(e) => {
            let f = failure("eks:DescribeCluster", name, &e);
            s.issues.push(ctx.issue(&f, &["eks/Cluster"]));
        }
    }
    let (ng, fp, ad, ae, idp, pia) = tokio::join!(
        nodegroups(client, ctx, name),
        fargate_profiles(client, ctx, name),
        addons(client, ctx, name),
        access_entries(client, ctx, name),
        identity_providers(client, ctx, name),
        pod_identities(client, ctx, name),
    );
    for part in [ng, fp, ad, ae, idp, pia] {
        s.merge(part);
    }
    s
}

/// One described sub-resource of a cluster: its name (after the region), tags and body.
struct Described {
    name: String,
    tags: Option<BTreeMap<String, String>>,
    data: serde_json::Value,
}

impl Described {
    fn of(name: String, tags: Option<BTreeMap<String, String>>, dto: &impl Serialize) -> Self {
        Described {
            name,
            tags,
            data: to_value(dto),
        }
    }
}

/// A cluster's sub-resources of one kind, read as EKS serves them: the list (every page),
/// then each item described. A failed list is one issue for the kind (nothing of it read);
/// a failed describe is one issue naming the item, and the others are still read. `Ok(None)`:
/// EKS answered without the resource.
async fn list_then_describe<I, DF>(
    ctx: &Ctx,
    kind: &str,
    list: impl Future<Output = Result<Vec<I>, CallFailure>>,
    describe: impl Fn(I) -> DF,
) -> Snapshot
where
    DF: Future<Output = Result<Option<Described>, CallFailure>>,
{
    let mut s = Snapshot::default();
    let selector = format!("eks/{kind}");
    let items = match list.await {
        Ok(items) => items,
        Err(f) => {
            s.issues.push(ctx.issue(&f, &[&selector]));
            return s;
        }
    };
    for item in items {
        match describe(item).await {
            Ok(Some(d)) => {
                s.resources
                    .push(ctx.resource(Source::Eks, kind, &d.name, d.tags.as_ref(), d.data))
            }
            Ok(None) => {}
            Err(f) => s.issues.push(ctx.issue(&f, &[&selector])),
        }
    }
    s
}

async fn nodegroups(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let list = all_pages!(
        client.list_nodegroups().cluster_name(cluster),
        "eks:ListNodegroups",
        cluster,
        |p| p.nodegroups().iter().cloned()
    );
    list_then_describe(ctx, "Nodegroup", list, |n: String| async move {
        let name = format!("{cluster}/{n}");
        let out = client
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(&n)
            .send()
            .await
            .map_err(|e| failure("eks:DescribeNodegroup", &name, &e))?;
        Ok(out.nodegroup().map(|ng| {
            let dto = nodegroup_dto(cluster, ng);
            Described::of(name, dto.tags.clone(), &dto)
        }))
    })
    .await
}

async fn fargate_profiles(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let list = all_pages!(
        client.list_fargate_profiles().cluster_name(cluster),
        "eks:ListFargateProfiles",
        cluster,
        |p| p.fargate_profile_names().iter().cloned()
    );
    list_then_describe(ctx, "FargateProfile", list, |n: String| async move {
        let name = format!("{cluster}/{n}");
        let out = client
            .describe_fargate_profile()
            .cluster_name(cluster)
            .fargate_profile_name(&n)
            .send()
            .await
            .map_err(|e| failure("eks:DescribeFargateProfile", &name, &e))?;
        Ok(out.fargate_profile().map(|p| {
            let dto = FargateProfile {
                fargate_profile_name: n.clone(),
                cluster_name: cluster.to_string(),
                pod_execution_role_arn: p.pod_execution_role_arn().map(str::to_string),
                subnets: strings(p.subnets()),
                selectors: p
                    .selectors()
                    .iter()
                    .map(|sel| FargateSelector {
                        namespace: sel.namespace().map(str::to_string),
                        labels: tags(sel.labels()),
                    })
                    .collect(),
                status: enum_str(p.status()),
                tags: tags(p.tags()),
            };
            Described::of(name, dto.tags.clone(), &dto)
        }))
    })
    .await
}

async fn addons(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let list = all_pages!(
        client.list_addons().cluster_name(cluster),
        "eks:ListAddons",
        cluster,
        |p| p.addons().iter().cloned()
    );
    list_then_describe(ctx, "Addon", list, |n: String| async move {
        let name = format!("{cluster}/{n}");
        let out = client
            .describe_addon()
            .cluster_name(cluster)
            .addon_name(&n)
            .send()
            .await
            .map_err(|e| failure("eks:DescribeAddon", &name, &e))?;
        Ok(out.addon().map(|a| {
            let dto = Addon {
                addon_name: n.clone(),
                cluster_name: cluster.to_string(),
                addon_version: a.addon_version().map(str::to_string),
                status: enum_str(a.status()),
                service_account_role_arn: a.service_account_role_arn().map(str::to_string),
                configuration_values: a.configuration_values().map(str::to_string),
                pod_identity_associations: strings(a.pod_identity_associations()),
                tags: tags(a.tags()),
            };
            Described::of(name, dto.tags.clone(), &dto)
        }))
    })
    .await
}

async fn access_entries(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let mut s = Snapshot::default();
    let kind = ["eks/AccessEntry"];
    let listed = all_pages!(
        client.list_access_entries().cluster_name(cluster),
        "eks:ListAccessEntries",
        cluster,
        |p| p.access_entries().iter().cloned()
    );
    let arns = match listed.await {
        Ok(arns) => arns,
        Err(f) => {
            s.issues.push(ctx.issue(&f, &kind));
            return s;
        }
    };
    for arn in arns {
        let entry = match client
            .describe_access_entry()
            .cluster_name(cluster)
            .principal_arn(&arn)
            .send()
            .await
        {
            Ok(out) => out.access_entry().cloned(),
            Err(e) => {
                s.issues.push(ctx.issue(
                    &failure("eks:DescribeAccessEntry", &format!("{cluster} {arn}"), &e),
                    &kind,
                ));
                continue;
            }
        };
        let Some(entry) = entry else { continue };
        let mut policies = Some(Vec::new());
        let mut pp = client
            .list_associated_access_policies()
            .cluster_name(cluster)
            .principal_arn(&arn)
            .into_paginator()
            .send();
        while let Some(page) = pp.next().await {
            match page {
                Ok(p) => {
                    if let Some(list) = policies.as_mut() {
                        list.extend(p.associated_access_policies().iter().map(|a| {
                            AssociatedPolicy {
                                policy_arn: a.policy_arn().map(str::to_string),
                                access_scope: a.access_scope().map(|sc| AccessScope {
                                    r#type: enum_str(sc.r#type()),
                                    namespaces: strings(sc.namespaces()),
                                }),
                            }
                        }));
                    }
                }
                Err(e) => {
                    s.issues.push(ctx.issue(
                        &failure(
                            "eks:ListAssociatedAccessPolicies",
                            &format!("{cluster} {arn}"),
                            &e,
                        ),
                        &kind,
                    ));
                    policies = None;
                    break;
                }
            }
        }
        let dto = AccessEntry {
            principal_arn: arn.clone(),
            cluster_name: cluster.to_string(),
            r#type: entry.r#type().map(str::to_string),
            username: entry.username().map(str::to_string),
            kubernetes_groups: strings(entry.kubernetes_groups()),
            associated_access_policies: policies,
            tags: tags(entry.tags()),
        };
        // The principal's name part keeps ids readable and unique per cluster.
        let principal = arn.rsplit(':').next().unwrap_or(&arn);
        s.resources.push(ctx.resource(
            Source::Eks,
            "AccessEntry",
            &format!("{cluster}/{principal}"),
            dto.tags.as_ref(),
            to_value(&dto),
        ));
    }
    s
}

async fn identity_providers(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let list = all_pages!(
        client
            .list_identity_provider_configs()
            .cluster_name(cluster),
        "eks:ListIdentityProviderConfigs",
        cluster,
        |p| p.identity_provider_configs().iter().cloned()
    );
    list_then_describe(
        ctx,
        "IdentityProviderConfig",
        list,
        |c: t::IdentityProviderConfig| async move {
            let name = format!("{cluster}/{}", c.name());
            let req = t::IdentityProviderConfig::builder()
                .r#type(c.r#type())
                .name(c.name())
                .build();
            let Ok(req) = req else { return Ok(None) };
            let out = client
                .describe_identity_provider_config()
                .cluster_name(cluster)
                .identity_provider_config(req)
                .send()
                .await
                .map_err(|e| failure("eks:DescribeIdentityProviderConfig", &name, &e))?;
            let oidc = out.identity_provider_config().and_then(|r| r.oidc());
            let dto = IdentityProviderConfig {
                identity_provider_config_name: c.name().to_string(),
                cluster_name: cluster.to_string(),
                r#type: c.r#type().to_string(),
                issuer_url: oidc.and_then(|o| o.issuer_url()).map(str::to_string),
                client_id: oidc.and_then(|o| o.client_id()).map(str::to_string),
                status: oidc.and_then(|o| enum_str(o.status())),
                tags: oidc.and_then(|o| tags(o.tags())),
            };
            Ok(Some(Described::of(name, dto.tags.clone(), &dto)))
        },
    )
    .await
}

async fn pod_identities(client: &Client, ctx: &Ctx, cluster: &str) -> Snapshot {
    let list = all_pages!(
        client
            .list_pod_identity_associations()
            .cluster_name(cluster),
        "eks:ListPodIdentityAssociations",
        cluster,
        |p| p
            .associations()
            .iter()
            .filter_map(|a| a.association_id().map(str::to_string))
    );
    list_then_describe(
        ctx,
        "PodIdentityAssociation",
        list,
        |id: String| async move {
            let out = client
                .describe_pod_identity_association()
                .cluster_name(cluster)
                .association_id(&id)
                .send()
                .await
                .map_err(|e| {
                    failure(
                        "eks:DescribePodIdentityAssociation",
                        &format!("{cluster} {id}"),
                        &e,
                    )
                })?;
            Ok(out.association().map(|a| {
                let dto = PodIdentityAssociation {
                    association_id: id.clone(),
                    cluster_name: cluster.to_string(),
                    namespace: a.namespace().map(str::to_string),
                    service_account: a.service_account().map(str::to_string),
                    role_arn: a.role_arn().map(str::to_string),
                    tags: tags(a.tags()),
                };
                // Namespace and service account name it; the id is random.
                let name = format!(
                    "{cluster}/{}/{}",
                    dto.namespace.as_deref().unwrap_or("-"),
                    dto.service_account.as_deref().unwrap_or(&id)
                );
                Described::of(name, dto.tags.clone(), &dto)
            }))
        },
    )
    .await
}
