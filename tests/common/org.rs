//! Helpers for organization tests: SDK configurations for moto with the management
//! account's or an assumed role's credentials, and seeding the emulator's GuardDuty
//! organization state (tests/support/moto.py, `moto-api/gdaudit/guardduty-org`).

use std::io::{Read, Write};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

/// An SDK configuration for moto at `endpoint` with the given credentials.
pub fn sdk_config(endpoint: &str, credentials: Credentials) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .build()
}

/// The default (management) account's configuration: plain `testing` keys.
pub fn management_config(endpoint: &str) -> SdkConfig {
    sdk_config(
        endpoint,
        Credentials::new("testing", "testing", None, None, "test"),
    )
}

/// A configuration acting in `account_id`, through sts:AssumeRole from the management
/// account (moto lets any role be assumed; the role does not need to exist).
pub async fn config_in(endpoint: &str, account_id: &str) -> SdkConfig {
    let sts = aws_sdk_sts::Client::new(&management_config(endpoint));
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account_id}:role/seed"))
        .role_session_name("seed")
        .send()
        .await
        .expect("AssumeRole on moto");
    let c = out.credentials().expect("credentials");
    sdk_config(
        endpoint,
        Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            None,
            "test",
        ),
    )
}

/// Replaces the emulator's GuardDuty organization state with `state` (JSON).
pub fn seed_guardduty_org(endpoint: &str, state: &serde_json::Value) {
    let body = state.to_string();
    let address = endpoint
        .strip_prefix("http://")
        .expect("an http:// endpoint");
    let mut stream = std::net::TcpStream::connect(address).expect("connect to moto");
    write!(
        stream,
        "POST /moto-api/gdaudit/guardduty-org HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send the seed");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the answer");
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "seeding the GuardDuty organization failed: {response}"
    );
}

/// Creates an account in the organization (as the management account); its id.
pub async fn create_account(org: &aws_sdk_organizations::Client, name: &str) -> String {
    org.create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .expect("CreateAccount")
        .create_account_status()
        .and_then(|s| s.account_id())
        .expect("an account id")
        .to_owned()
}
