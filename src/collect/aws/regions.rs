//! The regions enabled for the account (`--all-regions`): EC2 `DescribeRegions`, one signed
//! HTTPS request. It is the only EC2 call Plimsoll makes; the EC2 SDK crate it replaces was
//! most of a cold build (docs/development.md). The request is signed with `aws-sigv4` (already
//! used for EKS tokens) and sent with the hyper client kube and the SDK already build; the
//! answer is EC2's query-protocol XML, of which only `regionName` and `optInStatus` are read.

use super::{AwsError, chain};
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http_body_util::{BodyExt, Full};
use std::time::{Duration, SystemTime};

const BODY: &str = "Action=DescribeRegions&Version=2016-11-15";

/// Largest answer read: a few KB per partition in practice.
const MAX_ANSWER: usize = 1 << 20;

/// The enabled regions, sorted. `endpoint` overrides the EC2 endpoint (`--endpoint-url`).
pub(crate) async fn enabled(
    base: &aws_config::SdkConfig,
    endpoint: Option<&str>,
    timeout: Duration,
) -> Result<Vec<String>, AwsError> {
    let fail =
        |m: String| AwsError::Credentials(format!("--all-regions: ec2:DescribeRegions: {m}"));
    let region = base
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into());
    let url = match endpoint {
        Some(u) => format!("{}/", u.trim_end_matches('/')),
        None => format!("https://ec2.{region}.amazonaws.com/"),
    };
    let credentials = match base.credentials_provider() {
        Some(p) => p.provide_credentials().await.map_err(|e| fail(chain(&e)))?,
        None => return Err(fail("no AWS credentials to sign the request with".into())),
    };
    let identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&region)
        .name("ec2")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| fail(e.to_string()))?
        .into();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = [("content-type", content_type)];
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(BODY.as_bytes()),
    )
    .map_err(|e| fail(e.to_string()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| fail(e.to_string()))?
        .into_parts();
    let mut request = http::Request::post(&url)
        .header("content-type", content_type)
        .body(Full::new(bytes::Bytes::from_static(BODY.as_bytes())))
        .map_err(|e| fail(e.to_string()))?;
    instructions.apply_to_request_http1x(&mut request);

    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| fail(format!("no TLS root certificates: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(https);
    let answer = tokio::time::timeout(timeout, async {
        let response = client.request(request).await.map_err(|e| chain(&e))?;
        let status = response.status();
        let body = http_body_util::Limited::new(response.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok::<_, String>((status, String::from_utf8_lossy(&body).into_owned()))
    })
    .await
    .map_err(|_| fail(format!("no answer within {}s", timeout.as_secs_f64())))?
    .map_err(fail)?;
    let (status, text) = answer;
    if !status.is_success() {
        // <Response><Errors><Error><Code>AuthFailure</Code><Message>...</Message>
        let code = element(&text, "Code").unwrap_or_else(|| status.to_string());
        let message = element(&text, "Message").unwrap_or_default();
        return Err(fail(format!("{code}: {message}")));
    }
    let regions = parse(&text);
    if regions.is_empty() {
        return Err(fail("returned no region".into()));
    }
    Ok(regions)
}

/// `regionName` of every `<item>` not marked `not-opted-in`, sorted.
fn parse(xml: &str) -> Vec<String> {
    let mut regions: Vec<String> = xml
        .split("<item>")
        .skip(1)
        .filter(|item| element(item, "optInStatus").as_deref() != Some("not-opted-in"))
        .filter_map(|item| element(item, "regionName"))
        .collect();
    regions.sort();
    regions.dedup();
    regions
}

/// The text of the first `<name>...</name>` in `xml`.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn enabled_regions_are_read_from_the_answer() {
        let xml = "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
            <requestId>x</requestId><regionInfo>\
            <item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>\
            <item><regionName>af-south-1</regionName><optInStatus>not-opted-in</optInStatus></item>\
            <item><regionName>ap-east-1</regionName><optInStatus>opted-in</optInStatus></item>\
            <item><regionName>us-east-1</regionName></item>\
            </regionInfo></DescribeRegionsResponse>";
        assert_eq!(parse(xml), ["ap-east-1", "eu-west-1", "us-east-1"]);
    }
}
