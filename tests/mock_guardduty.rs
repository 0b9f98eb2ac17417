//! The GuardDuty collector against aws-smithy-mocks, for what moto does not serve
//! (ListMembers, account ListRegions) and for faults: access denied, throttling,
//! paginated and truncated responses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::mocks::no_objects;
use std::time::Duration;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_guardduty::operation::get_administrator_account::GetAdministratorAccountOutput;
use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
use aws_sdk_guardduty::operation::list_members::ListMembersOutput;
use aws_sdk_guardduty::types::{
    DetectorFeatureConfigurationResult, DetectorFeatureResult, DetectorStatus, FeatureStatus,
    Member,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::guardduty::collect_region;
use gdaudit::checks::detectors::{check, region_errors, region_state};
use gdaudit::model::{ErrorKind, RegionInfo, RegionOptStatus};
use gdaudit::report::RegionState as DetectorState;

/// A GuardDuty client that answers from the rules, with fast retries (3 attempts). The
/// configuration-object reads (filters, lists, exports, plans, findings) answer "none"
/// unless a rule says otherwise (tests/mock_guardduty_objects.rs tests them).
fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    for rule in no_objects() {
        interceptor = interceptor.with_rule(&rule);
    }
    let config = aws_sdk_guardduty::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(config)
}

fn region(opt_status: RegionOptStatus) -> RegionInfo {
    RegionInfo {
        name: "eu-west-1".into(),
        opt_status,
    }
}

fn enabled_detector() -> GetDetectorOutput {
    GetDetectorOutput::builder()
        .status(DetectorStatus::Enabled)
        .service_role("arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty")
        .features(
            DetectorFeatureConfigurationResult::builder()
                .name(DetectorFeatureResult::S3DataEvents)
                .status(FeatureStatus::Disabled)
                .build(),
        )
        .build()
}

fn one_detector() -> Rule {
    mock!(Client::list_detectors)
        .then_output(|| ListDetectorsOutput::builder().detector_ids("det1").build())
}

fn get_detector() -> Rule {
    mock!(Client::get_detector).then_output(enabled_detector)
}

fn no_admin() -> Rule {
    mock!(Client::get_administrator_account)
        .then_output(|| GetAdministratorAccountOutput::builder().build())
}

fn member(id: &str, status: &str) -> Member {
    Member::builder()
        .account_id(id)
        .relationship_status(status)
        .email("x@example.com")
        .master_id("1")
        .updated_at("t")
        .build()
}

#[tokio::test]
async fn members_are_read_across_pages_and_judged() {
    let first = mock!(Client::list_members)
        .match_requests(|req| req.next_token().is_none())
        .then_output(|| {
            ListMembersOutput::builder()
                .members(member("111111111111", "Enabled"))
                .next_token("page2")
                .build()
        });
    let second = mock!(Client::list_members)
        .match_requests(|req| req.next_token() == Some("page2"))
        .then_output(|| {
            ListMembersOutput::builder()
                .members(member("222222222222", "Removed"))
                .build()
        });
    let (list, get, admin) = (one_detector(), get_detector(), no_admin());
    let gd = client(&[&list, &get, &admin, &first, &second]);

    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let members = result.members.as_ref().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(second.num_calls(), 1);
    assert_eq!(region_state(&result), DetectorState::Enabled);
    let ids: Vec<String> = check(Some("1"), std::slice::from_ref(&result))
        .into_iter()
        .map(|f| f.check.as_str().to_owned())
        .collect();
    assert_eq!(ids, ["s3-protection-off", "member-not-enabled"]);
}

#[tokio::test]
async fn all_detector_pages_are_followed() {
    let first = mock!(Client::list_detectors)
        .match_requests(|req| req.next_token().is_none())
        .then_output(|| ListDetectorsOutput::builder().next_token("more").build());
    let second = mock!(Client::list_detectors)
        .match_requests(|req| req.next_token() == Some("more"))
        .then_output(|| {
            ListDetectorsOutput::builder()
                .detector_ids("det-on-page-2")
                .build()
        });
    let get = mock!(Client::get_detector)
        .match_requests(|req| req.detector_id() == Some("det-on-page-2"))
        .then_output(enabled_detector);
    let admin = no_admin();
    let members = mock!(Client::list_members).then_output(|| ListMembersOutput::builder().build());
    let gd = client(&[&first, &second, &get, &admin, &members]);

    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    // An empty first page with a NextToken is not "no detector".
    assert_eq!(region_state(&result), DetectorState::Enabled, "{result:?}");
    assert_eq!(result.detectors.as_ref().unwrap()[0].id, "det-on-page-2");
}

#[tokio::test]
async fn a_page_that_fails_midway_is_an_error_not_an_empty_region() {
    let first = mock!(Client::list_detectors)
        .match_requests(|req| req.next_token().is_none())
        .then_output(|| ListDetectorsOutput::builder().next_token("more").build());
    let second = mock!(Client::list_detectors)
        .match_requests(|req| req.next_token() == Some("more"))
        .sequence()
        .http_status(
            500,
            Some(r#"{"__type":"InternalServerErrorException","message":"boom"}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&first, &second]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(region_state(&result), DetectorState::Error);
    assert_eq!(result.errors[0].operation, "guardduty:ListDetectors");
    assert_eq!(result.errors[0].kind, ErrorKind::Other);
    assert!(check(None, std::slice::from_ref(&result)).is_empty());
}

#[tokio::test]
async fn access_denied_is_reported_with_its_kind() {
    let denied = mock!(Client::list_detectors)
        .sequence()
        .http_status(
            403,
            Some(r#"{"__type":"AccessDeniedException","message":"not authorized to perform: guardduty:ListDetectors"}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&denied]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(region_state(&result), DetectorState::Error);
    let error = &region_errors(&result)[0];
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.code.as_deref(), Some("AccessDeniedException"));
    assert!(
        error.message.contains("not authorized"),
        "{}",
        error.message
    );
    // Not retried: a denial does not go away.
    assert_eq!(denied.num_calls(), 1);
}

#[tokio::test]
async fn throttling_is_retried_and_then_succeeds() {
    let throttled = mock!(Client::list_detectors)
        .sequence()
        .http_status(
            429,
            Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.into()),
        )
        .times(2)
        .output(|| ListDetectorsOutput::builder().build())
        .build();
    let gd = client(&[&throttled]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(throttled.num_calls(), 3);
    assert_eq!(
        region_state(&result),
        DetectorState::NoDetector,
        "{result:?}"
    );
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_an_error() {
    let throttled = mock!(Client::list_detectors)
        .sequence()
        .http_status(
            429,
            Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&throttled]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(region_state(&result), DetectorState::Error);
    assert_eq!(result.errors[0].kind, ErrorKind::Throttled);
    assert_eq!(throttled.num_calls(), 3);
}

#[tokio::test]
async fn a_failed_list_members_leaves_the_region_incomplete() {
    let (list, get, admin) = (one_detector(), get_detector(), no_admin());
    let members = mock!(Client::list_members)
        .sequence()
        .http_status(
            403,
            Some(r#"{"__type":"AccessDeniedException","message":"denied"}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&list, &get, &admin, &members]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(region_state(&result), DetectorState::Enabled);
    assert_eq!(region_errors(&result).len(), 1);
    // The detector is still judged; central management is not claimed either way.
    let ids: Vec<String> = check(None, std::slice::from_ref(&result))
        .into_iter()
        .map(|f| f.check.as_str().to_owned())
        .collect();
    assert_eq!(ids, ["s3-protection-off"]);
}

#[tokio::test]
async fn an_opt_in_region_that_rejects_the_credentials_is_not_enabled() {
    let rejected = mock!(Client::list_detectors)
        .sequence()
        .http_status(
            403,
            Some(r#"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&rejected]);
    // Status unknown (built-in region list): the rejection means the region is not enabled.
    let result = collect_region(&gd, region(RegionOptStatus::Unknown)).await;
    assert_eq!(region_state(&result), DetectorState::NotEnabled);
    assert!(region_errors(&result).is_empty());
    // Known to be enabled: the same answer is a credentials problem, and the region is an error.
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert_eq!(region_state(&result), DetectorState::Error);
    assert_eq!(result.errors[0].kind, ErrorKind::AccessDenied);
}

#[tokio::test]
async fn a_region_known_not_enabled_is_not_called() {
    let list = one_detector();
    let gd = client(&[&list]);
    let result = collect_region(&gd, region(RegionOptStatus::Disabled)).await;
    assert_eq!(region_state(&result), DetectorState::NotEnabled);
    assert_eq!(list.num_calls(), 0);
}

#[tokio::test]
async fn a_500_on_the_first_attempt_of_every_call_loses_nothing() {
    let internal = Some(r#"{"__type":"InternalServerErrorException","message":"oops"}"#.into());
    let list = mock!(Client::list_detectors)
        .sequence()
        .http_status(500, internal.clone())
        .output(|| ListDetectorsOutput::builder().detector_ids("det-1").build())
        .build();
    let get = mock!(Client::get_detector)
        .sequence()
        .http_status(502, None)
        .output(enabled_detector)
        .build();
    let admin = mock!(Client::get_administrator_account)
        .sequence()
        .http_status(500, internal.clone())
        .output(|| GetAdministratorAccountOutput::builder().build())
        .build();
    let members = mock!(Client::list_members)
        .sequence()
        .http_status(503, None)
        .output(|| {
            ListMembersOutput::builder()
                .members(member("222233334444", "Enabled"))
                .build()
        })
        .build();
    let gd = client(&[&list, &get, &admin, &members]);
    let result = collect_region(&gd, region(RegionOptStatus::EnabledByDefault)).await;
    assert!(result.errors.is_empty(), "{result:?}");
    assert_eq!(region_state(&result), DetectorState::Enabled);
    assert_eq!(result.members.as_ref().unwrap().len(), 1);
    for rule in [&list, &get, &admin, &members] {
        assert_eq!(rule.num_calls(), 2);
    }
}
