//! The Kubernetes API of each EKS cluster (`--include-kubernetes`): connection settings from
//! DescribeCluster (endpoint and CA bundle) and authentication tokens, the same ones
//! `aws eks get-token` prints, so one AWS identity scans both layers.
//!
//! An EKS cluster's API server (through its aws-iam-authenticator webhook) accepts a bearer
//! token that is a presigned STS `GetCallerIdentity` request: `k8s-aws-v1.` followed by the
//! URL, base64url-encoded without padding. The request signs an `x-k8s-aws-id` header naming
//! the cluster, so a token made for one cluster is rejected by another. The server replays the
//! request against STS and maps the identity STS returns to Kubernetes users and groups (access
//! entries or the aws-auth ConfigMap). Nothing secret leaves the process except the signature,
//! and the URL is valid for 60 seconds to sign with, 15 minutes to be used.

use crate::collect::kubernetes::Target;
use crate::snapshot::{CollectionIssue, IssueLevel, Snapshot};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use std::time::{Duration, SystemTime};

/// What every EKS token starts with.
pub(crate) const TOKEN_PREFIX: &str = "k8s-aws-v1.";
/// The signed header that binds a token to one cluster.
pub(crate) const CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// How long the presigned request is valid (what `aws eks get-token` uses).
const EXPIRES: Duration = Duration::from_secs(60);

/// The STS endpoint a token for `region` is signed for: the regional endpoint (EKS accepts
/// them, and they work in opt-in regions), or the emulator given with `--endpoint-url`.
pub(crate) fn sts_endpoint(region: &str, endpoint_url: Option<&str>) -> String {
    match endpoint_url {
        Some(u) => format!("{}/", u.trim_end_matches('/')),
        None if region.starts_with("cn-") => format!("https://sts.{region}.amazonaws.com.cn/"),
        None => format!("https://sts.{region}.amazonaws.com/"),
    }
}

/// A bearer token for `cluster`, signed with `credentials` at `now`.
pub(crate) fn token(
    credentials: &Credentials,
    region: &str,
    sts: &str,
    cluster: &str,
    now: SystemTime,
) -> Result<String, String> {
    let url = format!("{sts}?Action=GetCallerIdentity&Version=2011-06-15");
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(EXPIRES);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(settings)
        .build()
        .map_err(|e| format!("cannot sign an EKS token: {e}"))?
        .into();
    let headers = [(CLUSTER_HEADER, cluster)];
    let signable = SignableRequest::new(
        "GET",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(&[]),
    )
    .map_err(|e| format!("cannot sign an EKS token for {url}: {e}"))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| format!("cannot sign an EKS token: {e}"))?
        .into_parts();
    let mut request = http::Request::get(&url)
        .body(())
        .map_err(|e| format!("cannot sign an EKS token for {url}: {e}"))?;
    instructions.apply_to_request_http1x(&mut request);
    let presigned = request.uri().to_string();
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(presigned)
    ))
}

/// The Kubernetes API of every EKS cluster in `snapshot` (the AWS collector's output), and a
/// warning for each cluster that has none to scan yet (not ACTIVE, or no endpoint).
///
/// Scopes are the cluster ARN with `/` as `:`, which is also the context name
/// `aws eks update-kubeconfig` writes: a scan through that kubeconfig and one through
/// `--include-kubernetes` continue the same history.
pub(crate) fn targets(
    snapshot: &Snapshot,
    credentials: &Credentials,
    endpoint_url: Option<&str>,
) -> (Vec<Target>, Vec<CollectionIssue>) {
    let mut targets = Vec::new();
    let mut issues = Vec::new();
    let clusters = snapshot
        .resources
        .iter()
        .filter(|r| r.selector() == "eks/Cluster");
    for r in clusters {
        let data = &r.object["data"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let (name, region) = (text(&data["name"]), text(&r.object["region"]));
        let label = format!("EKS cluster {name} ({region})");
        let status = data["status"].as_str().unwrap_or("ACTIVE");
        let endpoint = data["endpoint"].as_str().filter(|e| !e.is_empty());
        let skip = match (status, endpoint) {
            ("ACTIVE" | "UPDATING", Some(_)) => None,
            ("ACTIVE" | "UPDATING", None) => Some("DescribeCluster returned no endpoint".into()),
            (other, _) => Some(format!("it is {other}")),
        };
        if let Some(why) = skip {
            issues.push(CollectionIssue::new(
                "kubernetes",
                IssueLevel::Warning,
                format!("{label}: Kubernetes API not scanned: {why}"),
                &[],
                false,
            ));
            continue;
        }
        let scope = match data["arn"].as_str() {
            Some(arn) => arn.replace('/', ":"),
            None => format!("eks:{}:{region}:{name}", text(&r.object["account"])),
        };
        let config = connection(
            endpoint.unwrap_or_default(),
            &data["certificateAuthority"]["data"],
        );
        let sts = sts_endpoint(&region, endpoint_url);
        let credentials = credentials.clone();
        let prepare: crate::collect::kubernetes::Prepare = Box::new(move |c: &mut kube::Config| {
            let t = token(&credentials, &region, &sts, &name, SystemTime::now())?;
            c.auth_info.token = Some(t.into());
            Ok(())
        });
        targets.push(Target {
            scope,
            label,
            config,
            prepare: Some(prepare),
            unauthorized_hint: Some(
                "the AWS principal has no access to this cluster: give it an access entry \
                 (aws eks create-access-entry, then associate AmazonEKSAdminViewPolicy) or a \
                 mapping in the aws-auth ConfigMap"
                    .into(),
            ),
        });
    }
    (targets, issues)
}

/// A client configuration for an API server at `endpoint` whose CA bundle is `ca` (base64
/// of PEM, as DescribeCluster returns it).
fn connection(endpoint: &str, ca: &serde_json::Value) -> Result<kube::Config, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let url: http::Uri = endpoint
        .parse()
        .map_err(|e| format!("endpoint {endpoint:?} is not a URL: {e}"))?;
    let ca = ca
        .as_str()
        .ok_or("DescribeCluster returned no certificateAuthority")?;
    let pem = base64::engine::general_purpose::STANDARD
        .decode(ca.trim())
        .map_err(|e| format!("certificateAuthority.data is not base64: {e}"))?;
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("certificateAuthority.data is not a PEM certificate bundle: {e}"))?;
    if certs.is_empty() {
        return Err("certificateAuthority.data holds no PEM certificate".into());
    }
    let mut config = kube::Config::new(url);
    config.root_cert = Some(certs);
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> String {
        let body = token.strip_prefix(TOKEN_PREFIX).expect("prefix");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .expect("base64url without padding");
        String::from_utf8(bytes).expect("a URL")
    }

    #[test]
    fn a_token_is_a_presigned_get_caller_identity_bound_to_the_cluster() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "t");
        let sts = sts_endpoint("eu-west-1", None);
        assert_eq!(sts, "https://sts.eu-west-1.amazonaws.com/");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let t = token(&creds, "eu-west-1", &sts, "prod", at).unwrap();
        assert!(!t.contains('='), "no padding: {t}");
        let url = decode(&t);
        assert!(
            url.starts_with(
                "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{url}"
        );
        for part in [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIDEXAMPLE%2F20231114%2Feu-west-1%2Fsts%2Faws4_request",
            "X-Amz-Date=20231114T221320Z",
            "X-Amz-Expires=60",
            "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
            "X-Amz-Security-Token=session",
            "X-Amz-Signature=",
        ] {
            assert!(url.contains(part), "{part} in {url}");
        }
        // The secret key itself is never in the token.
        assert!(!url.contains("secret"), "{url}");
        // Another cluster, another signature.
        let other = decode(&token(&creds, "eu-west-1", &sts, "dev", at).unwrap());
        let sig = |u: &str| u.split("X-Amz-Signature=").nth(1).map(str::to_string);
        assert_ne!(sig(&url), sig(&other));
        assert_eq!(
            sts_endpoint("cn-north-1", None),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            sts_endpoint("x", Some("http://127.0.0.1:5000/")),
            "http://127.0.0.1:5000/"
        );
    }

    #[test]
    fn a_bad_endpoint_or_ca_bundle_is_a_reason_not_a_panic() {
        let b64 =
            |s: &str| serde_json::Value::from(base64::engine::general_purpose::STANDARD.encode(s));
        // moto returns 1,400 random characters as the CA bundle.
        let random = serde_json::Value::from("x".repeat(1400));
        let e = connection("https://a.example/", &random).unwrap_err();
        assert!(e.contains("PEM") || e.contains("base64"), "{e}");
        let e = connection("https://a.example/", &b64("not a certificate")).unwrap_err();
        assert!(e.contains("no PEM certificate"), "{e}");
        let e = connection("https://a.example/", &serde_json::Value::Null).unwrap_err();
        assert!(e.contains("no certificateAuthority"), "{e}");
        let e = connection("not a url at all", &random).unwrap_err();
        assert!(e.contains("not a URL"), "{e}");
    }
}
