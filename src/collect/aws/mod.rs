//! The AWS collector: the EKS, ECS and ECR control planes of one account, in one or more
//! regions, through the AWS SDK for Rust; or of many accounts (`accounts.rs`: roles assumed
//! by ARN, by id from a file, or in every account of an organization), each returned on its
//! own so the pipeline evaluates and records it as a scope of its own.
//!
//! Credentials come from the SDK's default chain (environment, shared config and credentials
//! files with `--profile`, SSO, assume-role profiles, credential processes, container and
//! instance metadata). The account is identified first with STS GetCallerIdentity, so missing
//! or expired credentials stop the collection with one line instead of one error per call.
//! Regions are collected concurrently (bounded by `--concurrency`), and within a region the
//! three services too; the SDK's standard retry mode retries throttling and transient errors
//! with backoff.
//!
//! A call that is refused (AccessDenied) or not supported (an unknown operation, a region
//! without the service, an emulator without the route) becomes a collection issue naming the
//! operation and the kinds it feeds, so their checks are NOT_ASSESSED; everything else goes on.
//!
//! Snapshot shape: resources are `<service>/<Kind>` (`eks/Cluster`, `ecs/TaskDefinition`,
//! `ecr/Repository`, ...) whose `data` is one of our own serde DTOs (`dto`), in the camelCase
//! of the AWS API reference, with absent fields left out rather than defaulted: a policy can
//! tell "not returned" from "false". `metadata.namespace` is the region, `metadata.labels` the
//! resource's tags. Ids: `<service>/<account>/<region>/<Kind>/<name>`.

/// Every page of a list call (`$pages`: the request, before `into_paginator`), the items each
/// page gives, or the failure of the first page that fails (then nothing of the list is used:
/// a partial list would read as complete). Defined before the service modules, which use it.
macro_rules! all_pages {
    ($pages:expr, $op:literal, $what:expr, |$p:ident| $names:expr) => {
        async {
            let mut pages = $pages.into_paginator().send();
            let mut out = Vec::new();
            while let Some(page) = pages.next().await {
                match page {
                    Ok($p) => out.extend($names),
                    Err(e) => return Err($crate::collect::aws::failure($op, $what, &e)),
                }
            }
            Ok::<_, $crate::collect::aws::CallFailure>(out)
        }
    };
}

mod accounts;
mod dto;
mod ecr;
mod ecs;
mod eks;
mod eks_api;
mod kms;
mod regions;
pub(crate) mod signed;

use crate::snapshot::{CollectionIssue, IssueLevel, Resource, Snapshot, Source, SourceInfo};
pub use accounts::AccountRef;
use aws_config::BehaviorVersion;
use aws_sdk_eks::error::ProvideErrorMetadata;
use aws_sdk_eks::error::SdkError;
use futures::StreamExt;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Every kind this collector produces.
pub const KINDS: [&str; 14] = [
    "eks/Cluster",
    "eks/Nodegroup",
    "eks/FargateProfile",
    "eks/Addon",
    "eks/AccessEntry",
    "eks/IdentityProviderConfig",
    "eks/PodIdentityAssociation",
    "ecs/Cluster",
    "ecs/Service",
    "ecs/TaskDefinition",
    "ecs/CapacityProvider",
    "ecs/AccountSettings",
    "ecr/Repository",
    "ecr/Registry",
];

const COLLECTOR: &str = "aws";

/// Which account and regions to read, and how.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// A named profile of the shared config files (default: `AWS_PROFILE`, else `default`).
    pub profile: Option<String>,
    /// Regions to read; empty: the profile's or environment's region.
    pub regions: Vec<String>,
    /// Every region enabled for the account (EC2 DescribeRegions).
    pub all_regions: bool,
    /// Send every request here instead of AWS (a local emulator).
    pub endpoint_url: Option<String>,
    /// Time limit for one attempt of one call.
    pub timeout: Duration,
    /// Regions (and, within a region, clusters) read at once.
    pub concurrency: usize,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// Also return each EKS cluster's Kubernetes API as a target, authenticated with these
    /// credentials (`--include-kubernetes`).
    pub include_kubernetes: bool,
    /// Accounts to read through a role (`--role-arn`, `--accounts-file`); empty: the account
    /// of the credentials.
    pub accounts: Vec<AccountRef>,
    /// Every active account of the organization (`--organization`).
    pub organization: bool,
    /// The role assumed in accounts named by id (`--role-name`).
    pub role_name: Option<String>,
    /// The external id the roles' trust policies require (`--external-id`).
    pub external_id: Option<String>,
    /// How long assumed credentials last (AssumeRole's DurationSeconds, 15 min to 12 h).
    pub session: Duration,
    /// Accounts read at once.
    pub account_concurrency: usize,
}

/// What the collector read, and the Kubernetes APIs it was asked to pass on.
pub struct Collected {
    /// The control planes of the account.
    pub snapshot: Snapshot,
    /// The EKS clusters' Kubernetes APIs, for the Kubernetes collector
    /// (`--include-kubernetes`; empty otherwise).
    pub clusters: Vec<crate::collect::kubernetes::Target>,
}

/// A problem that stops the collection before anything is read.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// A flag combination or value that cannot work (exit 2).
    #[error("{0}")]
    Config(String),
    /// The account could not be identified: no, expired or rejected credentials, or no
    /// endpoint reachable (exit 3).
    #[error("{0}")]
    Credentials(String),
}

/// Where the collector is, shared by the per-service readers.
pub(crate) struct Ctx {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) concurrency: usize,
}

impl Ctx {
    /// A resource: `data` is the DTO, `tags` become `metadata.labels`.
    pub(crate) fn resource(
        &self,
        source: Source,
        kind: &str,
        name: &str,
        tags: Option<&BTreeMap<String, String>>,
        data: Value,
    ) -> Resource {
        let service = source.as_str();
        let mut metadata = json!({"name": name, "namespace": self.region});
        if let Some(t) = tags
            && !t.is_empty()
        {
            metadata["labels"] = json!(t);
        }
        let mut obj = Map::new();
        obj.insert(
            "apiVersion".into(),
            json!(format!("{service}.amazonaws.com/v1")),
        );
        obj.insert("kind".into(), json!(kind));
        obj.insert("metadata".into(), metadata);
        obj.insert("account".into(), json!(self.account));
        obj.insert("region".into(), json!(self.region));
        obj.insert("data".into(), data);
        Resource::new(
            format!("{service}/{}/{}/{kind}/{name}", self.account, self.region),
            source,
            obj,
        )
    }

    /// A collection issue for a failed call.
    /// A per-resource call failed: the field it fills (`data.repositoryPolicy`) is recorded
    /// in `gaps` with the reason, and the issue names no kind, so only the checks that need
    /// that field are NOT_ASSESSED, and only on this resource (`Metadata::needs`).
    pub(crate) fn gap(
        &self,
        gaps: &mut BTreeMap<String, String>,
        path: &str,
        failure: &CallFailure,
    ) -> CollectionIssue {
        gaps.insert(path.to_string(), failure.message.clone());
        self.issue(failure, &[])
    }

    pub(crate) fn issue(&self, failure: &CallFailure, kinds: &[&str]) -> CollectionIssue {
        let level = match failure.expected {
            true => IssueLevel::Warning,
            false => IssueLevel::Error,
        };
        let message = format!("{}: {}", self.region, failure.message);
        CollectionIssue::new(COLLECTOR, level, message, kinds, true)
    }
}

/// Why one call failed, in one line.
#[derive(Debug, Clone)]
pub(crate) struct CallFailure {
    pub(crate) message: String,
    /// Refused (AccessDenied) or not offered (unknown operation, no such service here): a
    /// permission or availability fact, reported as a warning, as a Kubernetes 403 is, so a
    /// deliberately narrow audit role can still gate on findings. Anything else (throttled
    /// after the retries, unreachable, a server error) is an error: the input is incomplete.
    pub(crate) expected: bool,
}

impl CallFailure {
    /// A failure that is not an AWS error answer.
    pub(crate) fn other(message: String) -> CallFailure {
        CallFailure {
            message,
            expected: false,
        }
    }
}

/// Explains an SDK error: the operation, the AWS error code and message, or the transport
/// problem.
pub(crate) fn failure<E, R>(operation: &str, what: &str, err: &SdkError<E, R>) -> CallFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let target = if what.is_empty() {
        operation.to_string()
    } else {
        format!("{operation} {what}")
    };
    let mut expected = false;
    let message = match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            expected = e.code().is_some_and(|c| {
                c.contains("AccessDenied")
                    || c.contains("UnauthorizedOperation")
                    || c == "UnknownOperationException"
            });
            match (e.code(), e.message()) {
                (Some(code), Some(msg)) => format!("{target}: {code}: {msg}"),
                (Some(code), None) => format!("{target}: {code}"),
                _ => {
                    // No AWS error body: an unsupported route (HTTP 404 page) or a proxy.
                    let raw = format!("{:?}", se.raw());
                    let status = raw
                        .split("status: StatusCode(")
                        .nth(1)
                        .and_then(|s| s.split(')').next())
                        .unwrap_or("?");
                    expected = status == "404";
                    format!("{target}: not supported here (HTTP {status}, no AWS error)")
                }
            }
        }
        SdkError::TimeoutError(_) => format!("{target}: no answer in time"),
        SdkError::DispatchFailure(_) => {
            format!("{target}: cannot reach the endpoint ({})", chain(err))
        }
        other => format!("{target}: {}", chain(other)),
    };
    CallFailure { message, expected }
}

use crate::net::chain;

/// The SDK configuration of `opts` (profile, region, endpoint, timeouts, rustls) and who the
/// credentials are (STS GetCallerIdentity): one clear error for missing, expired or rejected
/// credentials. Shared by the collector and the Security Hub import.
pub async fn connect(
    opts: &AwsOptions,
) -> Result<
    (
        aws_config::SdkConfig,
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput,
        String,
    ),
    AwsError,
> {
    use aws_smithy_http_client::tls;
    // rustls with ring, as the Kubernetes and Docker clients (no aws-lc build).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(opts.timeout)
                .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
                .build(),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(5));
    if let Some(p) = &opts.profile {
        // An explicit profile wins over credentials in the environment, as with the AWS CLI;
        // a profile that does not exist is then an error rather than a silent fallback.
        let providers = aws_config::provider_config::ProviderConfig::default()
            .with_http_client(http.clone())
            .with_region(opts.regions.first().cloned().map(aws_config::Region::new));
        loader = loader.profile_name(p).credentials_provider(
            aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&providers)
                .profile_name(p)
                .build(),
        );
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    let mut base = loader.load().await;
    if opts.all_regions && base.region().is_none() {
        // DescribeRegions must go to some region; every partition-wide answer is the same.
        base = base
            .to_builder()
            .region(aws_config::Region::new("us-east-1"))
            .build();
    }
    if base.region().is_none() {
        return Err(AwsError::Config(
            "no AWS region: pass --region (or --all-regions), or set AWS_REGION or a region in the profile".into(),
        ));
    }
    let profile = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".into());

    // Who are we? One clear line for missing, expired or rejected credentials.
    let sts = aws_sdk_sts::Client::new(&base);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        let f = failure("sts:GetCallerIdentity", "", &e);
        AwsError::Credentials(credentials_hint(
            &profile,
            opts.profile.is_some(),
            &f.message,
        ))
    })?;
    Ok((base, identity, profile))
}

/// Collects the account of the credentials, or with `accounts`/`organization` each account
/// named, as a part of its own (in the order named). Fails only when nothing can be read at
/// all (bad flags, no credentials, no region, an organization that cannot be listed); a
/// failing call is recorded as an issue instead, and an account whose role cannot be assumed
/// is a part with no resources and one error naming the account and the reason, so every
/// AWS check on it is NOT_ASSESSED while the other accounts report.
pub async fn collect(opts: &AwsOptions) -> Result<Vec<Collected>, AwsError> {
    if opts.all_regions && !opts.regions.is_empty() {
        return Err(AwsError::Config(
            "--all-regions and --region exclude each other".into(),
        ));
    }
    let (base, identity, profile) = connect(opts).await?;
    let account = identity.account().unwrap_or("unknown").to_string();
    let principal = identity.arn().unwrap_or_default().to_string();
    let own_target = opts
        .endpoint_url
        .clone()
        .unwrap_or_else(|| format!("profile {profile}"));
    if opts.accounts.is_empty() && !opts.organization {
        let one = Account {
            conf: &base,
            account: &account,
            principal: &principal,
            target: own_target,
            progress: opts.progress,
        };
        return Ok(vec![one.read(opts).await?]);
    }

    let targets = accounts::targets(&base, opts, (&account, &principal)).await?;
    let bar = progress_bar(opts, targets.len(), "AWS accounts");
    let many = targets.len() > 1;
    let read = futures::stream::iter(targets)
        .map(|t| {
            let (base, bar, own_target) = (&base, bar.clone(), own_target.clone());
            let principal = principal.as_str();
            async move {
                let conf = match &t.role_arn {
                    None => Ok(base.clone()),
                    Some(role) => {
                        accounts::assume(base, role, opts.external_id.as_deref(), opts.session)
                            .await
                    }
                };
                let target = t.role_arn.clone().unwrap_or(own_target);
                let result = match conf {
                    Ok(conf) => {
                        let principal = match &t.role_arn {
                            Some(role) => role.as_str(),
                            None => principal,
                        };
                        let one = Account {
                            conf: &conf,
                            account: &t.account,
                            principal,
                            target: target.clone(),
                            progress: opts.progress && !many,
                        };
                        one.read(opts).await.map_err(|e| e.to_string())
                    }
                    Err(reason) => Err(reason),
                };
                bar.inc(1);
                match result {
                    Ok(c) => c,
                    Err(reason) => unread(opts, &t.account, target, &reason),
                }
            }
        })
        .buffered(opts.account_concurrency.max(1))
        .collect::<Vec<Collected>>()
        .await;
    bar.finish_and_clear();
    Ok(read)
}

/// An account that could not be read at all (its role could not be assumed, or its regions
/// not listed): its source, and one error naming every AWS kind, so each AWS check on it is
/// NOT_ASSESSED with the reason.
fn unread(opts: &AwsOptions, account: &str, target: String, reason: &str) -> Collected {
    let regions = match opts.all_regions {
        true => "all".to_string(),
        false => opts.regions.join(","),
    };
    let mut snapshot = Snapshot::default();
    let mut attributes = BTreeMap::new();
    attributes.insert("scope".into(), format!("{account}/{regions}"));
    attributes.insert("server".into(), format!("aws account {account}"));
    attributes.insert("account".into(), account.to_string());
    attributes.insert("regions".into(), regions);
    attributes.insert("notAssessed".into(), reason.to_string());
    snapshot.sources.push(SourceInfo {
        collector: COLLECTOR.into(),
        target,
        attributes,
    });
    snapshot.issues.push(CollectionIssue::new(
        COLLECTOR,
        IssueLevel::Error,
        format!("account {account} not assessed: {reason}"),
        &KINDS,
        false,
    ));
    Collected {
        snapshot,
        clusters: Vec::new(),
    }
}

/// One account to read, with the configuration (credentials) to read it with.
struct Account<'a> {
    conf: &'a aws_config::SdkConfig,
    account: &'a str,
    /// Whose credentials (the caller's ARN, or the role assumed).
    principal: &'a str,
    /// How the account was reached (a profile, the endpoint, the role ARN).
    target: String,
    progress: bool,
}

impl Account<'_> {
    /// Reads every region of the account (concurrently, bounded by `--concurrency`).
    async fn read(&self, opts: &AwsOptions) -> Result<Collected, AwsError> {
        let (base, account) = (self.conf, self.account);
        let home = base.region().map(|r| r.to_string()).unwrap_or_default();
        let regions = if opts.all_regions {
            regions::enabled(base, opts.endpoint_url.as_deref(), opts.timeout).await?
        } else if opts.regions.is_empty() {
            vec![home.clone()]
        } else {
            let mut r = opts.regions.clone();
            r.sort();
            r.dedup();
            r
        };

        let mut snapshot = Snapshot::default();
        let mut attributes = BTreeMap::new();
        attributes.insert("scope".into(), format!("{account}/{}", regions.join(",")));
        attributes.insert("server".into(), format!("aws account {account}"));
        attributes.insert("account".into(), account.to_string());
        attributes.insert("regions".into(), regions.join(","));
        if !self.principal.is_empty() {
            attributes.insert("principal".into(), self.principal.to_string());
        }
        snapshot.sources.push(SourceInfo {
            collector: COLLECTOR.into(),
            target: self.target.clone(),
            attributes,
        });

        let bar = match self.progress {
            true => progress_bar(opts, regions.len(), "AWS regions"),
            false => indicatif::ProgressBar::hidden(),
        };
        let per_region: Vec<Snapshot> = futures::stream::iter(regions)
            .map(|region| {
                let ctx = Ctx {
                    account: account.to_string(),
                    region: region.clone(),
                    concurrency: opts.concurrency.max(1),
                };
                let bar = bar.clone();
                async move {
                    let conf = base
                        .to_builder()
                        .region(aws_config::Region::new(region.clone()))
                        .build();
                    let (a, b, c) = tokio::join!(
                        eks::collect(&conf, &ctx),
                        ecs::collect(&conf, &ctx),
                        ecr::collect(&conf, &ctx)
                    );
                    bar.inc(1);
                    bar.set_message(region);
                    let mut s = a;
                    s.merge(b);
                    s.merge(c);
                    s
                }
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
        bar.finish_and_clear();
        for s in per_region {
            snapshot.merge(s);
        }
        let mut clusters = Vec::new();
        if opts.include_kubernetes {
            use aws_credential_types::provider::ProvideCredentials;
            // The account was identified (or its role assumed), so the configuration has
            // credentials; asking again returns the cached ones.
            let credentials = match base.credentials_provider() {
                Some(p) => p.provide_credentials().await.map_err(|e| {
                    AwsError::Credentials(format!("--include-kubernetes: {}", chain(&e)))
                })?,
                None => {
                    return Err(AwsError::Credentials(
                        "--include-kubernetes: no AWS credentials to sign EKS tokens with".into(),
                    ));
                }
            };
            let (targets, issues) =
                eks_api::targets(&snapshot, &credentials, opts.endpoint_url.as_deref());
            clusters = targets;
            snapshot.issues.extend(issues);
        }
        Ok(Collected { snapshot, clusters })
    }
}

/// Adds what to do to a credentials failure.
fn credentials_hint(profile: &str, explicit: bool, message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    let missing = lower.contains("no credentials")
        || lower.contains("credentials provider")
        || lower.contains("provider was not enabled");
    // The default chain reads environment variables before any profile: advice about a
    // profile is wrong when those were used.
    let from_env = !explicit
        && std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty())
        && std::env::var_os("AWS_SECRET_ACCESS_KEY").is_some_and(|v| !v.is_empty());
    let hint = if explicit && missing {
        return format!(
            "profile {profile}: not found in the AWS config or credentials files, or it gives no credentials ({message})"
        );
    } else if from_env && lower.contains("expired") {
        "the credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) have expired: export new ones, or unset them to use a profile".to_string()
    } else if from_env
        && (lower.contains("invalidclienttokenid") || lower.contains("signaturedoesnotmatch"))
    {
        "the credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) were rejected".to_string()
    } else if lower.contains("expired") {
        format!(
            "the credentials of profile {profile} have expired: refresh them (aws sso login --profile {profile}, or new keys)"
        )
    } else if missing {
        // The chain's own account of every provider it tried is long and not actionable.
        return "no AWS credentials found (environment, profiles, web identity, container and instance metadata were tried): set AWS_PROFILE or pass --profile, run aws sso login, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_string();
    } else if lower.contains("invalidclienttokenid") || lower.contains("signaturedoesnotmatch") {
        format!("the credentials of profile {profile} were rejected")
    } else {
        "cannot identify the AWS account".to_string()
    };
    format!("{hint} ({message})")
}

fn progress_bar(opts: &AwsOptions, len: usize, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !opts.progress || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = crate::collect::progress().add(indicatif::ProgressBar::new(len as u64));
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {what} {{pos}}/{{len}} {{msg}} [{{elapsed}}]"
    )) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
