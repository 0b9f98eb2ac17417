//! Listing regions (account:ListRegions, which moto does not serve) against aws-smithy-mocks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use aws_sdk_account::Client;
use aws_sdk_account::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_account::operation::list_regions::ListRegionsOutput;
use aws_sdk_account::types::{Region as AccountRegion, RegionOptStatus as SdkStatus};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::regions::{DEFAULT_REGIONS, OPT_IN_REGIONS, list_regions_with};
use gdaudit::model::{ErrorKind, RegionOptStatus, RegionSource};
use gdaudit::scope;

fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    Client::from_conf(
        aws_sdk_account::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    )
}

fn region(name: &str, status: SdkStatus) -> AccountRegion {
    AccountRegion::builder()
        .region_name(name)
        .region_opt_status(status)
        .build()
}

#[tokio::test]
async fn regions_and_opt_in_status_across_pages() {
    let first = mock!(Client::list_regions)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListRegionsOutput::builder()
                .regions(region("us-east-1", SdkStatus::EnabledByDefault))
                .regions(region("af-south-1", SdkStatus::Disabled))
                .next_token("p2")
                .build()
        });
    let second = mock!(Client::list_regions)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| {
            ListRegionsOutput::builder()
                .regions(region("me-central-1", SdkStatus::Enabled))
                .regions(region("il-central-1", SdkStatus::Enabling))
                .build()
        });
    let list = list_regions_with(&client(&[&first, &second])).await;
    assert_eq!(list.source, RegionSource::AccountApi);
    assert!(list.error.is_none());
    let got: Vec<(&str, RegionOptStatus)> = list
        .regions
        .iter()
        .map(|r| (r.name.as_str(), r.opt_status))
        .collect();
    assert_eq!(
        got,
        [
            ("af-south-1", RegionOptStatus::Disabled),
            ("il-central-1", RegionOptStatus::Enabling),
            ("me-central-1", RegionOptStatus::Enabled),
            ("us-east-1", RegionOptStatus::EnabledByDefault),
        ]
    );
    // The default scope is the enabled regions only.
    let scoped = scope::select(&list, &[], &[]).unwrap();
    let names: Vec<&str> = scoped.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["me-central-1", "us-east-1"]);
}

#[tokio::test]
async fn a_denied_list_falls_back_to_the_built_in_list_and_says_why() {
    let denied = mock!(Client::list_regions)
        .sequence()
        .http_status(
            403,
            Some(r#"{"__type":"AccessDeniedException","message":"no account:ListRegions"}"#.into()),
        )
        .build();
    let list = list_regions_with(&client(&[&denied])).await;
    assert_eq!(list.source, RegionSource::BuiltIn);
    let error = list.error.clone().unwrap();
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.operation, "account:ListRegions");
    assert_eq!(
        list.regions.len(),
        DEFAULT_REGIONS.len() + OPT_IN_REGIONS.len()
    );
    // Opt-in regions stay in scope, with their status unknown until a call says otherwise.
    let scoped = scope::select(&list, &[], &[]).unwrap();
    assert_eq!(scoped.len(), list.regions.len());
    let af = list
        .regions
        .iter()
        .find(|r| r.name == "af-south-1")
        .unwrap();
    assert_eq!(af.opt_status, RegionOptStatus::Unknown);
}
