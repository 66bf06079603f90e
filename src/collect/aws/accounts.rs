//! Many accounts: which ones to read (`--role-arn`, an accounts file, `--organization`), and the
//! credentials to read each with (STS AssumeRole from the caller's credentials).
//!
//! Every account is read with its own temporary credentials, asked for once (one AssumeRole
//! call, whose refusal names the account and the reason), and becomes a scope of its own: its
//! own checks, its own history. The caller's own account, when the organization lists it, is
//! read with the caller's credentials (there is usually no audit role to assume there).
//! Organizations `ListAccounts` is one signed JSON request (`signed.rs`), as KMS `DescribeKey`
//! is: the Organizations SDK crate would be a large build for one call.

use super::signed::{Request, post};
use super::{AwsError, AwsOptions};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use std::time::Duration;

/// An account named on the command line or in an accounts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRef {
    /// A role to assume, by ARN (its account is read from the ARN).
    Role(String),
    /// An account id: the role `--role-name` is assumed in it.
    Id(String),
}

impl AccountRef {
    /// Reads one account: a 12-digit id or an IAM role ARN (`arn:PARTITION:iam::ID:role/NAME`,
    /// paths allowed). The error says what was expected.
    pub fn parse(text: &str) -> Result<AccountRef, String> {
        let text = text.trim();
        if is_account_id(text) {
            return Ok(AccountRef::Id(text.to_string()));
        }
        match role_account(text) {
            Some(_) => Ok(AccountRef::Role(text.to_string())),
            None => Err(format!(
                "{text:?} is neither a 12-digit account id nor an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"
            )),
        }
    }

    /// The accounts of an accounts file: one a line, an id or a role ARN; blank lines and
    /// `#` comments are skipped. The error names the line.
    pub fn read_list(text: &str, file: &str) -> Result<Vec<AccountRef>, String> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            out.push(AccountRef::parse(line).map_err(|e| format!("{file}:{}: {e}", n + 1))?);
        }
        if out.is_empty() {
            return Err(format!("{file}: lists no account"));
        }
        Ok(out)
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account of an IAM role ARN, or None if `arn` is not one.
fn role_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let name = resource.strip_prefix("role/")?;
    (partition.starts_with("aws") && is_account_id(account) && !name.is_empty()).then_some(account)
}

/// One account to read.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) account: String,
    /// The role to assume; None: the caller's own credentials.
    pub(crate) role_arn: Option<String>,
}

/// The accounts the options name, in the order given (the organization's by id), each once.
/// `caller`: the account and ARN of the credentials in use.
pub(crate) async fn targets(
    base: &aws_config::SdkConfig,
    opts: &AwsOptions,
    caller: (&str, &str),
) -> Result<Vec<Target>, AwsError> {
    let (caller_account, caller_arn) = caller;
    // The partition of the caller (aws, aws-us-gov, aws-cn) is that of the roles named by id.
    let partition = caller_arn.split(':').nth(1).unwrap_or("aws");
    let role_of = |account: &str| -> Result<String, AwsError> {
        match &opts.role_name {
            Some(name) => Ok(format!("arn:{partition}:iam::{account}:role/{name}")),
            None => Err(AwsError::Config(format!(
                "account {account}: which role to assume? pass --role-name NAME (or name the role by ARN)"
            ))),
        }
    };
    let mut out: Vec<Target> = Vec::new();
    for r in &opts.accounts {
        let (account, role) = match r {
            AccountRef::Role(arn) => (
                role_account(arn).unwrap_or_default().to_string(),
                arn.clone(),
            ),
            AccountRef::Id(id) => (id.clone(), role_of(id)?),
        };
        out.push(Target {
            account,
            role_arn: Some(role),
        });
    }
    if opts.organization {
        for account in organization_accounts(base, opts, partition).await? {
            let role_arn = match account == caller_account {
                true => None,
                false => Some(role_of(&account)?),
            };
            out.push(Target { account, role_arn });
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.account.clone()));
    Ok(out)
}

/// Largest number of pages of ListAccounts read (20 accounts a page): an answer that never
/// ends is an error, not a hang.
const MAX_PAGES: usize = 1000;

/// The ids of the organization's ACTIVE accounts (suspended and closing ones are left out,
/// with a note), from Organizations ListAccounts.
async fn organization_accounts(
    base: &aws_config::SdkConfig,
    opts: &AwsOptions,
    partition: &str,
) -> Result<Vec<String>, AwsError> {
    // Organizations has one endpoint per partition.
    let region = match partition {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-northwest-1",
        _ => "us-east-1",
    };
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut body = serde_json::json!({});
        if let Some(t) = &token {
            body["NextToken"] = serde_json::json!(t);
        }
        let (status, text) = post(
            base,
            Request {
                path: "/",
                service: "organizations",
                region,
                endpoint: opts.endpoint_url.as_deref(),
                headers: &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", "AWSOrganizationsV20161128.ListAccounts"),
                ],
                body: body.to_string(),
                timeout: opts.timeout,
            },
        )
        .await
        .map_err(|e| AwsError::Credentials(format!("organizations:ListAccounts: {e}")))?;
        let page = read_page(status, &text)
            .map_err(|e| AwsError::Credentials(format!("organizations:ListAccounts: {e}")))?;
        for (id, state) in page.accounts {
            match state.as_str() {
                "ACTIVE" => ids.push(id),
                other => tracing::info!("account {id} left out: it is {other}"),
            }
        }
        match page.next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(ids),
        }
    }
    Err(AwsError::Credentials(format!(
        "organizations:ListAccounts: still more pages after {MAX_PAGES}"
    )))
}

/// One page of ListAccounts.
#[derive(Debug)]
struct Page {
    /// (id, status).
    accounts: Vec<(String, String)>,
    next: Option<String>,
}

/// Reads a ListAccounts answer, or the error it carries, in one line.
fn read_page(status: http::StatusCode, text: &str) -> Result<Page, String> {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    if !status.is_success() {
        let (code, message) = super::signed::json_error(status, &doc);
        let hint = match code.as_str() {
            "AWSOrganizationsNotInUseException" => " (this account is in no organization)",
            c if c.contains("AccessDenied") => {
                " (ListAccounts is answered in the management account or a delegated administrator)"
            }
            _ => "",
        };
        return Err(format!("{code}: {message}{hint}")
            .replace(": (", " (")
            .trim_end_matches(": ")
            .to_string());
    }
    let Some(list) = doc["Accounts"].as_array() else {
        return Err("the answer has no Accounts list".into());
    };
    let mut accounts = Vec::with_capacity(list.len());
    for a in list {
        let id = a["Id"].as_str().filter(|id| is_account_id(id));
        // `State` replaces `Status` (deprecated in 2025); either may be present.
        let state = a["State"].as_str().or(a["Status"].as_str());
        match (id, state) {
            (Some(id), Some(state)) => accounts.push((id.to_string(), state.to_string())),
            _ => return Err(format!("an account without an id or status: {a}")),
        }
    }
    Ok(Page {
        accounts,
        next: doc["NextToken"].as_str().map(str::to_string),
    })
}

/// The configuration to read `role_arn`'s account with: the base configuration with the
/// role's temporary credentials (one AssumeRole call). The error is the reason, in one line.
pub(crate) async fn assume(
    base: &aws_config::SdkConfig,
    role_arn: &str,
    external_id: Option<&str>,
    session: Duration,
) -> Result<aws_config::SdkConfig, String> {
    let sts = aws_sdk_sts::Client::new(base);
    let answer = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("plimsoll")
        .set_external_id(external_id.map(str::to_string))
        .duration_seconds(session.as_secs().clamp(900, 43_200) as i32)
        .send()
        .await
        .map_err(|e| super::failure("sts:AssumeRole", role_arn, &e).message)?;
    let Some(c) = answer.credentials() else {
        return Err(format!(
            "sts:AssumeRole {role_arn}: the answer has no credentials"
        ));
    };
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "plimsoll-assume-role",
    );
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_ids_or_role_arns() {
        assert_eq!(
            AccountRef::parse(" 123456789012 "),
            Ok(AccountRef::Id("123456789012".into()))
        );
        let arn = "arn:aws:iam::210987654321:role/audit/Plimsoll";
        assert_eq!(AccountRef::parse(arn), Ok(AccountRef::Role(arn.into())));
        assert_eq!(role_account(arn), Some("210987654321"));
        assert_eq!(
            role_account("arn:aws-us-gov:iam::210987654321:role/X"),
            Some("210987654321")
        );
        for bad in [
            "12345678901",
            "1234567890123",
            "arn:aws:iam::210987654321:user/bob",
            "arn:aws:iam::210987654321:role/",
            "arn:aws:sts::210987654321:role/X",
            "arn:aws:iam:eu-west-1:210987654321:role/X",
            "",
        ] {
            assert!(AccountRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_accounts_file_names_its_bad_line() {
        let text = "# audit targets\n111111111111\n\narn:aws:iam::222222222222:role/A  # prod\n";
        let list = AccountRef::read_list(text, "accounts.txt").unwrap();
        assert_eq!(list.len(), 2);
        let err = AccountRef::read_list("111111111111\nprod\n", "accounts.txt").unwrap_err();
        assert!(err.starts_with("accounts.txt:2: \"prod\""), "{err}");
        assert!(AccountRef::read_list("# none\n", "a").is_err());
    }

    #[test]
    fn list_accounts_pages_and_refusals_are_read() {
        let ok = r#"{"Accounts":[{"Id":"111111111111","Status":"ACTIVE"},
            {"Id":"222222222222","State":"SUSPENDED","Status":"SUSPENDED"}],"NextToken":"t"}"#;
        let p = read_page(http::StatusCode::OK, ok).unwrap();
        assert_eq!(p.accounts.len(), 2);
        assert_eq!(p.accounts[1].1, "SUSPENDED");
        assert_eq!(p.next.as_deref(), Some("t"));
        let denied = r#"{"__type":"AccessDeniedException","message":"no"}"#;
        let e = read_page(http::StatusCode::BAD_REQUEST, denied).unwrap_err();
        assert!(
            e.starts_with("AccessDeniedException: no (ListAccounts"),
            "{e}"
        );
        let odd = r#"{"Accounts":[{"Id":"x","Status":"ACTIVE"}]}"#;
        assert!(read_page(http::StatusCode::OK, odd).is_err());
    }
}
