//! The regions enabled for the account (`--all-regions`): EC2 `DescribeRegions`, one signed
//! HTTPS request (`signed.rs`). It is the only EC2 call Plimsoll makes; the EC2 SDK crate it
//! replaces was most of a cold build (docs/development.md). The answer is EC2's query-protocol
//! XML, of which only `regionName` and `optInStatus` are read.

use super::AwsError;
use super::signed::{Request, post};
use std::time::Duration;

const BODY: &str = "Action=DescribeRegions&Version=2016-11-15";

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
    let answer = post(
        base,
        Request {
            path: "/",
            service: "ec2",
            region: &region,
            endpoint,
            headers: &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body: BODY.into(),
            timeout,
        },
    )
    .await
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
