//! Faults of the organization-trail sources against aws-smithy-mocks: Athena queries that
//! fail, are cancelled, are slow or never finish, results over several pages; S3 listings
//! that are denied or span pages, and an object that cannot be fetched.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionOutput;
use aws_sdk_athena::types::{
    ColumnInfo, Datum, QueryExecution, QueryExecutionState, QueryExecutionStatistics,
    QueryExecutionStatus, ResultSet, ResultSetMetadata, Row,
};
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::types::Object;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::athena::{QueryOptions, run_query};
use gdaudit::aws::s3::{S3Url, TrailScope, list_trail, read_objects};
use gdaudit::model::ErrorKind;
use gdaudit::model::time::Timestamp;

fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    interceptor
}

fn athena(rules: &[&Rule]) -> aws_sdk_athena::Client {
    use aws_sdk_athena::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_athena::Client::from_conf(
        aws_sdk_athena::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build(),
    )
}

fn s3(rules: &[&Rule]) -> aws_sdk_s3::Client {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build(),
    )
}

fn quick() -> QueryOptions {
    QueryOptions {
        poll_first: Duration::from_millis(1),
        poll_max: Duration::from_millis(4),
        ..QueryOptions::default()
    }
}

fn started() -> Rule {
    mock!(aws_sdk_athena::Client::start_query_execution).then_output(|| {
        StartQueryExecutionOutput::builder()
            .query_execution_id("q-1")
            .build()
    })
}

fn execution(state: QueryExecutionState, reason: Option<&str>) -> GetQueryExecutionOutput {
    GetQueryExecutionOutput::builder()
        .query_execution(
            QueryExecution::builder()
                .query_execution_id("q-1")
                .status(
                    QueryExecutionStatus::builder()
                        .state(state)
                        .set_state_change_reason(reason.map(str::to_owned))
                        .build(),
                )
                .statistics(
                    QueryExecutionStatistics::builder()
                        .data_scanned_in_bytes(123_456)
                        .build(),
                )
                .build(),
        )
        .build()
}

fn row(values: &[Option<&str>]) -> Row {
    Row::builder()
        .set_data(Some(
            values
                .iter()
                .map(|v| {
                    Datum::builder()
                        .set_var_char_value(v.map(str::to_owned))
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn results(rows: Vec<Row>, next: Option<&str>) -> GetQueryResultsOutput {
    let metadata = ResultSetMetadata::builder()
        .column_info(
            ColumnInfo::builder()
                .name("eventid")
                .r#type("varchar")
                .build()
                .unwrap(),
        )
        .column_info(
            ColumnInfo::builder()
                .name("eventname")
                .r#type("varchar")
                .build()
                .unwrap(),
        )
        .build();
    GetQueryResultsOutput::builder()
        .result_set(
            ResultSet::builder()
                .result_set_metadata(metadata)
                .set_rows(Some(rows))
                .build(),
        )
        .set_next_token(next.map(str::to_owned))
        .build()
}

#[tokio::test]
async fn a_failed_or_cancelled_query_is_an_error_with_athenas_reason() {
    for (state, word) in [
        (QueryExecutionState::Failed, "FAILED"),
        (QueryExecutionState::Cancelled, "CANCELLED"),
    ] {
        let start = started();
        let reason = "TABLE_NOT_FOUND: line 2:6: Table 'cloudtrail.nope' does not exist";
        let poll = mock!(aws_sdk_athena::Client::get_query_execution)
            .then_output(move || execution(state.clone(), Some(reason)));
        let fetch =
            mock!(aws_sdk_athena::Client::get_query_results).then_output(|| results(vec![], None));
        let result = run_query(&athena(&[&start, &poll, &fetch]), "SELECT 1", &quick()).await;
        let error = result.error.expect("an error");
        assert!(error.message.contains(word), "{error}");
        assert!(error.message.contains("TABLE_NOT_FOUND"), "{error}");
        assert_eq!(
            fetch.num_calls(),
            0,
            "no results are read of a {word} query"
        );
        assert!(result.rows.is_empty());
    }
}

#[tokio::test]
async fn a_slow_query_is_polled_until_it_ends_and_every_page_is_read() {
    let start = started();
    let poll = mock!(aws_sdk_athena::Client::get_query_execution)
        .sequence()
        .output(|| execution(QueryExecutionState::Queued, None))
        .output(|| execution(QueryExecutionState::Running, None))
        .times(3)
        .output(|| execution(QueryExecutionState::Succeeded, None))
        .build();
    let first = mock!(aws_sdk_athena::Client::get_query_results)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            results(
                vec![
                    row(&[Some("eventid"), Some("eventname")]),
                    row(&[Some("e1"), Some("DeleteDetector")]),
                    row(&[Some("e2"), None]),
                ],
                Some("p2"),
            )
        });
    let second = mock!(aws_sdk_athena::Client::get_query_results)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| results(vec![row(&[Some("e3"), Some("UpdateDetector")])], None));
    let result = run_query(
        &athena(&[&start, &poll, &first, &second]),
        "SELECT 1",
        &quick(),
    )
    .await;
    assert!(result.error.is_none(), "{:?}", result.error);
    assert_eq!(poll.num_calls(), 5);
    assert_eq!(result.pages, 2);
    assert_eq!(result.bytes_scanned, Some(123_456));
    assert_eq!(result.columns, ["eventid", "eventname"]);
    // The header row is left out; a NULL stays None.
    assert_eq!(
        result.rows,
        [
            vec![Some("e1".to_owned()), Some("DeleteDetector".to_owned())],
            vec![Some("e2".to_owned()), None],
            vec![Some("e3".to_owned()), Some("UpdateDetector".to_owned())],
        ]
    );
}

#[tokio::test]
async fn a_query_that_never_ends_gives_up_at_the_deadline() {
    let start = started();
    let poll = mock!(aws_sdk_athena::Client::get_query_execution)
        .then_output(|| execution(QueryExecutionState::Running, None));
    let opts = QueryOptions {
        deadline: Duration::from_millis(30),
        ..quick()
    };
    let result = run_query(&athena(&[&start, &poll]), "SELECT 1", &opts).await;
    let error = result.error.expect("an error");
    assert!(error.message.contains("had not finished"), "{error}");
    assert!(poll.num_calls() >= 2, "polled {} times", poll.num_calls());
}

#[tokio::test]
async fn a_denied_start_is_access_denied() {
    let start = mock!(aws_sdk_athena::Client::start_query_execution)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"AccessDeniedException","Message":"not authorized"}"#.into()),
        )
        .repeatedly()
        .build();
    let result = run_query(&athena(&[&start]), "SELECT 1", &quick()).await;
    assert_eq!(result.error.unwrap().kind, ErrorKind::AccessDenied);
}

const DENIED: &str = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";

#[tokio::test]
async fn a_denied_listing_is_reported_and_pages_are_followed() {
    let denied = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| {
            r.prefix() == Some("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/10/")
        })
        .sequence()
        .http_status(403, Some(DENIED.into()))
        .repeatedly()
        .build();
    let key = |n: u32| {
        format!(
            "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/10/111122223333_CloudTrail_eu-west-1_20261110T12{n:02}Z_x.json.gz"
        )
    };
    let page_one = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| {
            r.prefix() == Some("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/10/")
                && r.continuation_token().is_none()
        })
        .then_output(move || {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key(key(1)).build())
                .is_truncated(true)
                .next_continuation_token("c2")
                .build()
        });
    let page_two = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.continuation_token() == Some("c2"))
        .then_output(move || {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key(key(2)).build())
                .is_truncated(false)
                .build()
        });
    let scope = TrailScope {
        since: Timestamp::parse("2026-11-10T00:00:00Z"),
        until: Timestamp::parse("2026-11-10T22:00:00Z"),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        ..TrailScope::default()
    };
    let client = s3(&[&denied, &page_one, &page_two]);
    // The user's prefix is the account's CloudTrail folder, regions given: only the two
    // regions' day folders are listed (22:00 + 1h stays on the same day).
    let url = S3Url::parse("s3://trail/AWSLogs/111122223333/CloudTrail/")
        .unwrap()
        .unwrap();
    let listing = list_trail(&client, &url, &scope, 4).await;
    assert_eq!(listing.keys, [key(1), key(2)]);
    assert_eq!(listing.errors.len(), 1, "{:?}", listing.errors);
    let (prefix, error) = &listing.errors[0];
    assert_eq!(
        prefix,
        "s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/10/"
    );
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.operation, "s3:ListObjectsV2");
    assert_eq!(listing.list_requests, 3);
}

#[tokio::test]
async fn an_object_that_cannot_be_fetched_is_named_and_the_others_are_read() {
    let missing = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.key() == Some("b.json"))
        .sequence()
        .http_status(403, Some(DENIED.into()))
        .repeatedly()
        .build();
    let found = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.key() != Some("b.json"))
        .then_output(|| {
            aws_sdk_s3::operation::get_object::GetObjectOutput::builder()
                .body(aws_sdk_s3::primitives::ByteStream::from_static(
                    b"{\"Records\":[]}",
                ))
                .build()
        });
    let client = s3(&[&missing, &found]);
    let keys = vec![
        "a.json".to_owned(),
        "b.json".to_owned(),
        "c.json".to_owned(),
    ];
    let results = read_objects(&client, "trail", keys, 2, |key, bytes| {
        format!("{key}:{}", bytes.len())
    })
    .await;
    assert_eq!(results[0].as_ref().unwrap(), "a.json:14");
    assert_eq!(
        results[1].as_ref().unwrap_err().kind,
        ErrorKind::AccessDenied
    );
    assert_eq!(results[2].as_ref().unwrap(), "c.json:14");
}
