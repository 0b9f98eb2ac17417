//! CloudTrail LookupEvents (which moto does not serve) against aws-smithy-mocks: every page
//! followed, throttling retried without losing a page, and the API path reading a record
//! exactly as the log-file path does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput;
use aws_sdk_cloudtrail::types::Event as ApiEvent;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::cloudtrail::{LookupOptions, lookup_region};
use gdaudit::checks::changes::{ChangeOptions, check_events};
use gdaudit::model::ErrorKind;
use gdaudit::model::cloudtrail::{Event, Timestamp};
use serde_json::json;

fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    Client::from_conf(
        aws_sdk_cloudtrail::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            // The SDK gives up at once; gdaudit's own page retries are under test.
            .retry_config(RetryConfig::disabled())
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    )
}

fn options() -> LookupOptions {
    let mut opts = LookupOptions::new(Timestamp::from_unix_millis(0), Timestamp::now());
    opts.pace = Duration::from_millis(1);
    opts.throttle_backoff = Duration::from_millis(1);
    opts
}

fn cloudtrail_event(id: &str, name: &str) -> String {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/eve", "accountId": "111122223333"},
        "eventTime": "2026-11-20T10:00:00Z",
        "eventSource": "guardduty.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "198.51.100.4",
        "userAgent": "aws-cli/2",
        "requestParameters": {"detectorId": "d1"},
        "eventID": id,
        "readOnly": name.starts_with("Get") || name.starts_with("List"),
        "recipientAccountId": "111122223333"
    })
    .to_string()
}

fn page(events: &[(&str, &str)], next: Option<&str>) -> LookupEventsOutput {
    let mut out = LookupEventsOutput::builder();
    for (id, name) in events {
        out = out.events(
            ApiEvent::builder()
                .event_id(*id)
                .cloud_trail_event(cloudtrail_event(id, name))
                .build(),
        );
    }
    out.set_next_token(next.map(str::to_owned)).build()
}

const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

#[tokio::test]
async fn every_page_is_read_and_throttling_loses_nothing() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            page(
                &[("e1", "DeleteDetector"), ("e2", "GetDetector")],
                Some("t2"),
            )
        });
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(400, Some(THROTTLED.into()))
        .times(3)
        .output(|| page(&[("e3", "UpdateDetector")], Some("t3")))
        .build();
    let third = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t3"))
        .then_output(|| page(&[("e4", "CreateIPSet")], None));
    let region = lookup_region(&client(&[&first, &second, &third]), "eu-west-1", &options()).await;
    assert!(region.errors.is_empty(), "{:?}", region.errors);
    assert_eq!(region.pages, 3);
    assert_eq!(region.throttled_retries, 3);
    assert_eq!(second.num_calls(), 4);
    // The read-only GetDetector is dropped; every change is kept once.
    let ids: Vec<&str> = region
        .events
        .iter()
        .map(|e| e.event_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["e1", "e3", "e4"]);
}

#[tokio::test]
async fn throttling_beyond_the_retries_marks_the_region_incomplete() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| page(&[("e1", "DeleteDetector")], Some("t2")));
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(400, Some(THROTTLED.into()))
        .repeatedly()
        .build();
    let mut opts = options();
    opts.throttle_retries = 2;
    let region = lookup_region(&client(&[&first, &second]), "eu-west-1", &opts).await;
    assert_eq!(region.errors.len(), 1);
    assert_eq!(region.errors[0].kind, ErrorKind::Throttled);
    // What was read is kept; the region is reported incomplete, never as "no changes".
    assert_eq!(region.events.len(), 1);
    assert_eq!(second.num_calls(), 3);
}

#[tokio::test]
async fn read_only_events_are_kept_when_asked() {
    let only = mock!(Client::lookup_events).then_output(|| page(&[("r1", "ListDetectors")], None));
    let mut opts = options();
    opts.include_read_only = true;
    let region = lookup_region(&client(&[&only]), "eu-west-1", &opts).await;
    assert_eq!(region.events.len(), 1);
}

#[tokio::test]
async fn the_api_path_and_the_file_path_give_identical_findings() {
    let record = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cloudtrail/corpus/guardduty-events/splunk-security-content/aws_cloudtrail_deletedetector.json"),
    )
    .unwrap();
    let as_string = record.clone();
    let rule = mock!(Client::lookup_events).then_output(move || {
        LookupEventsOutput::builder()
            .events(
                ApiEvent::builder()
                    .event_id("x")
                    .cloud_trail_event(as_string.clone())
                    .build(),
            )
            .build()
    });
    let region = lookup_region(&client(&[&rule]), "us-west-2", &options()).await;
    let from_api = check_events(&region.events, ChangeOptions::default());
    let from_file = check_events(
        &[Event::from_json_str(&record).unwrap()],
        ChangeOptions::default(),
    );
    assert_eq!(from_api.len(), 1);
    assert_eq!(from_api, from_file);
    assert_eq!(
        from_api[0].severity,
        gdaudit::report::finding::Severity::Critical
    );
}

/// A client with the SDK's standard budget (3 attempts) and a fast backoff: gdaudit takes the
/// budget for transient errors from it and does the retrying itself.
fn client_with_retries(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    Client::from_conf(
        aws_sdk_cloudtrail::Config::builder()
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
            .build(),
    )
}

const INTERNAL: &str = r#"{"__type":"InternalServerErrorException","message":"try again"}"#;

#[tokio::test]
async fn a_500_on_the_first_attempt_of_every_page_loses_nothing() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .sequence()
        .http_status(500, Some(INTERNAL.into()))
        .output(|| page(&[("e1", "DeleteDetector")], Some("t2")))
        .build();
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(503, None)
        .output(|| page(&[("e2", "UpdateDetector")], None))
        .build();
    let region = lookup_region(
        &client_with_retries(&[&first, &second]),
        "eu-west-1",
        &options(),
    )
    .await;
    assert!(region.errors.is_empty(), "{:?}", region.errors);
    assert_eq!(region.pages, 2);
    assert_eq!((first.num_calls(), second.num_calls()), (2, 2));
    assert_eq!(region.events.len(), 2);
}

#[tokio::test]
async fn a_500_that_outlasts_the_budget_is_named_and_keeps_what_was_read() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| page(&[("e1", "DeleteDetector")], Some("t2")));
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(500, Some(INTERNAL.into()))
        .repeatedly()
        .build();
    let region = lookup_region(
        &client_with_retries(&[&first, &second]),
        "eu-west-1",
        &options(),
    )
    .await;
    assert_eq!(second.num_calls(), 3, "the SDK's budget of 3 attempts");
    assert_eq!(region.events.len(), 1);
    assert_eq!(region.errors.len(), 1);
    assert_eq!(
        region.errors[0].message,
        "InternalServerErrorException: try again"
    );
}

#[tokio::test]
async fn a_page_that_is_not_json_says_it_could_not_be_parsed_and_where() {
    for body in [
        "<html>gateway</html>",
        r#"{"Events":[{"EventId":"e1","CloudT"#,
    ] {
        let only = mock!(Client::lookup_events)
            .sequence()
            .http_status(200, Some(body.into()))
            .repeatedly()
            .build();
        let region = lookup_region(&client_with_retries(&[&only]), "eu-west-1", &options()).await;
        assert_eq!(region.errors.len(), 1, "{body}");
        let message = &region.errors[0].message;
        assert!(
            message.starts_with("could not parse the HTTP 200 response: "),
            "{body}: {message}"
        );
        assert!(message.contains("offset"), "where it stopped: {message}");
        assert!(!message.contains('\n'));
        // A body that does not parse will not parse the next time either.
        assert_eq!(only.num_calls(), 1);
    }
}
