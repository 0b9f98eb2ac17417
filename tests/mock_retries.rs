//! Every collector's calls go through gdaudit's one retry loop (`aws::retry`), with
//! aws-smithy-mocks: each call below answers a 500, then a throttling error, then a 503,
//! and only then its data. The SDK's own retries (3 attempts, which these calls used to
//! rely on) would give up at the 503; gdaudit's loop has a budget of 2 for each kind, so
//! nothing is lost — and nothing is counted twice (every result is asserted whole).
//! Also: an HTTP 200 whose body is an error is that error, never an empty last page.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::mocks::no_objects;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::model::{ErrorKind, RegionInfo, RegionOptStatus};
use gdaudit::progress::Tick;

/// The faults every call below meets before its data: a 500, throttling, a 503.
macro_rules! after_faults {
    ($rule:expr, $throttle:expr, $output:expr) => {
        $rule
            .sequence()
            .http_status(500, None)
            .http_status($throttle.0, Some($throttle.1.to_owned()))
            .http_status(503, None)
            .output($output)
            .build()
    };
}

const JSON_THROTTLE: (u16, &str) = (
    400,
    r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
);
const ORG_THROTTLE: (u16, &str) = (
    400,
    r#"{"__type":"TooManyRequestsException","message":"slow down"}"#,
);
const GD_THROTTLE: (u16, &str) = (
    429,
    r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
);
const STS_THROTTLE: (u16, &str) = (
    400,
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
     <Message>Rate exceeded</Message></Error></ErrorResponse>",
);
const S3_THROTTLE: (u16, &str) = (
    503,
    "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
);

fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    interceptor
}

/// The SDK's standard budget (3 attempts), with a fast backoff.
fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

fn credentials() -> Credentials {
    Credentials::new("AKIDTEST", "secret", None, None, "test")
}

#[tokio::test]
async fn organizations_loses_nothing_to_a_500_and_throttling() {
    use aws_sdk_organizations::Client as Org;
    use aws_sdk_organizations::operation::{
        describe_organization::DescribeOrganizationOutput, describe_policy::DescribePolicyOutput,
        list_accounts::ListAccountsOutput, list_accounts_for_parent::ListAccountsForParentOutput,
        list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput,
        list_policies_for_target::ListPoliciesForTargetOutput, list_roots::ListRootsOutput,
    };
    use aws_sdk_organizations::types::{
        Account, Organization, OrganizationalUnit, Policy, PolicySummary, PolicyTypeStatus,
        PolicyTypeSummary, Root,
    };
    use gdaudit::aws::organizations::{OrgOptions, collect_organization_with};

    let account = |id: &str| Account::builder().id(id).name(format!("n-{id}")).build();
    let rules = [
        after_faults!(mock!(Org::describe_organization), ORG_THROTTLE, || {
            DescribeOrganizationOutput::builder()
                .organization(
                    Organization::builder()
                        .id("o-1")
                        .master_account_id("111111111111")
                        .build(),
                )
                .build()
        }),
        after_faults!(
            mock!(Org::list_accounts).match_requests(|r| r.next_token().is_none()),
            ORG_THROTTLE,
            move || {
                ListAccountsOutput::builder()
                    .accounts(account("111111111111"))
                    .next_token("p2")
                    .build()
            }
        ),
        after_faults!(
            mock!(Org::list_accounts).match_requests(|r| r.next_token() == Some("p2")),
            ORG_THROTTLE,
            move || {
                ListAccountsOutput::builder()
                    .accounts(account("222222222222"))
                    .build()
            }
        ),
        after_faults!(mock!(Org::list_roots), ORG_THROTTLE, || {
            ListRootsOutput::builder()
                .roots(
                    Root::builder()
                        .id("r-1")
                        .name("Root")
                        .policy_types(
                            PolicyTypeSummary::builder()
                                .r#type(
                                    aws_sdk_organizations::types::PolicyType::ServiceControlPolicy,
                                )
                                .status(PolicyTypeStatus::Enabled)
                                .build(),
                        )
                        .build(),
                )
                .build()
        }),
        after_faults!(
            mock!(Org::list_organizational_units_for_parent)
                .match_requests(|r| r.parent_id() == Some("r-1")),
            ORG_THROTTLE,
            || {
                ListOrganizationalUnitsForParentOutput::builder()
                    .organizational_units(
                        OrganizationalUnit::builder()
                            .id("ou-1")
                            .name("Prod")
                            .build(),
                    )
                    .build()
            }
        ),
        after_faults!(
            mock!(Org::list_organizational_units_for_parent)
                .match_requests(|r| r.parent_id() == Some("ou-1")),
            ORG_THROTTLE,
            || ListOrganizationalUnitsForParentOutput::builder().build()
        ),
        after_faults!(
            mock!(Org::list_accounts_for_parent).match_requests(|r| r.parent_id() == Some("r-1")),
            ORG_THROTTLE,
            move || {
                ListAccountsForParentOutput::builder()
                    .accounts(account("111111111111"))
                    .build()
            }
        ),
        after_faults!(
            mock!(Org::list_accounts_for_parent).match_requests(|r| r.parent_id() == Some("ou-1")),
            ORG_THROTTLE,
            move || {
                ListAccountsForParentOutput::builder()
                    .accounts(account("222222222222"))
                    .build()
            }
        ),
        // The root, the OU and both accounts each have FullAWSAccess attached.
        mock!(Org::list_policies_for_target).then_output(|| {
            ListPoliciesForTargetOutput::builder()
                .policies(
                    PolicySummary::builder()
                        .id("p-FullAWSAccess")
                        .name("FullAWSAccess")
                        .aws_managed(true)
                        .build(),
                )
                .build()
        }),
        after_faults!(mock!(Org::describe_policy), ORG_THROTTLE, || {
            DescribePolicyOutput::builder()
                .policy(
                    Policy::builder()
                        .content(r#"{"Version":"2012-10-17","Statement":[]}"#)
                        .build(),
                )
                .build()
        }),
    ];
    let refs: Vec<&Rule> = rules.iter().collect();
    let client = Org::from_conf(
        aws_sdk_organizations::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&refs))
            .build(),
    );
    let data =
        collect_organization_with(&client, OrgOptions { scps: true }, &Tick::default()).await;

    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.organization.unwrap().id, "o-1");
    let accounts = data.accounts.unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["111111111111", "222222222222"]);
    assert_eq!(
        accounts[1].ou_path_names().as_deref(),
        Some("Root/Prod"),
        "the walk was read whole"
    );
    let scps = data.scps.unwrap();
    assert!(scps.errors.is_empty(), "{:?}", scps.errors);
    assert!(scps.policies["p-FullAWSAccess"].content.is_some());
    assert_eq!(scps.attached.len(), 4);
    for (index, rule) in rules.iter().enumerate() {
        if index != 8 {
            assert_eq!(
                rule.num_calls(),
                4,
                "rule {index}: three faults, then the data"
            );
        }
    }
}

fn gd_client(rules: &[&Rule]) -> aws_sdk_guardduty::Client {
    aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build(),
    )
}

#[tokio::test]
async fn the_guardduty_organization_view_loses_nothing_to_a_500_and_throttling() {
    use aws_sdk_guardduty::Client;
    use aws_sdk_guardduty::operation::{
        describe_organization_configuration::DescribeOrganizationConfigurationOutput,
        get_administrator_account::GetAdministratorAccountOutput,
        get_coverage_statistics::GetCoverageStatisticsOutput, get_detector::GetDetectorOutput,
        get_member_detectors::GetMemberDetectorsOutput, list_detectors::ListDetectorsOutput,
        list_members::ListMembersOutput,
        list_organization_admin_accounts::ListOrganizationAdminAccountsOutput,
    };
    use aws_sdk_guardduty::types::{
        AdminAccount, AdminStatus, AutoEnableMembers, CoverageStatistics, CoverageStatus,
        DetectorFeatureConfigurationResult, DetectorFeatureResult, DetectorStatus, FeatureStatus,
        Member, MemberDataSourceConfiguration,
    };
    use gdaudit::aws::guardduty_org::collect_region;

    let org_rules = [
        after_faults!(
            mock!(Client::list_organization_admin_accounts),
            GD_THROTTLE,
            || {
                ListOrganizationAdminAccountsOutput::builder()
                    .admin_accounts(
                        AdminAccount::builder()
                            .admin_account_id("999999999999")
                            .admin_status(AdminStatus::Enabled)
                            .build(),
                    )
                    .build()
            }
        ),
        after_faults!(
            mock!(Client::describe_organization_configuration),
            GD_THROTTLE,
            || {
                DescribeOrganizationConfigurationOutput::builder()
                    .member_account_limit_reached(false)
                    .auto_enable_organization_members(AutoEnableMembers::All)
                    .build()
            }
        ),
        after_faults!(mock!(Client::get_member_detectors), GD_THROTTLE, || {
            GetMemberDetectorsOutput::builder()
                .member_data_source_configurations(
                    MemberDataSourceConfiguration::builder()
                        .account_id("222222222222")
                        .build(),
                )
                .set_unprocessed_accounts(Some(Vec::new()))
                .build()
        }),
        after_faults!(mock!(Client::get_coverage_statistics), GD_THROTTLE, || {
            GetCoverageStatisticsOutput::builder()
                .coverage_statistics(
                    CoverageStatistics::builder()
                        .count_by_coverage_status(CoverageStatus::Healthy, 3)
                        .build(),
                )
                .build()
        }),
    ];
    let own_rules = [
        mock!(Client::list_detectors)
            .then_output(|| ListDetectorsOutput::builder().detector_ids("det1").build()),
        mock!(Client::get_detector).then_output(|| {
            GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .features(
                    DetectorFeatureConfigurationResult::builder()
                        .name(DetectorFeatureResult::RuntimeMonitoring)
                        .status(FeatureStatus::Enabled)
                        .build(),
                )
                .build()
        }),
        mock!(Client::get_administrator_account)
            .then_output(|| GetAdministratorAccountOutput::builder().build()),
        mock!(Client::list_members).then_output(|| {
            ListMembersOutput::builder()
                .members(
                    Member::builder()
                        .account_id("222222222222")
                        .relationship_status("Enabled")
                        .email("m@example.com")
                        .master_id("111111111111")
                        .updated_at("t")
                        .build(),
                )
                .build()
        }),
    ];
    let objects = no_objects();
    let refs: Vec<&Rule> = org_rules.iter().chain(&own_rules).chain(&objects).collect();
    let region = RegionInfo {
        name: "eu-west-1".into(),
        opt_status: RegionOptStatus::EnabledByDefault,
    };
    let result = collect_region(&gd_client(&refs), region).await;

    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert!(result.own.errors.is_empty(), "{:?}", result.own.errors);
    assert!(
        result.member_errors.is_empty(),
        "{:?}",
        result.member_errors
    );
    assert_eq!(result.admin_accounts.unwrap()[0].account_id, "999999999999");
    assert!(result.configuration.is_some());
    assert_eq!(
        result.member_detectors.unwrap()[0].account_id,
        "222222222222"
    );
    assert_eq!(result.coverage.unwrap().by_status.get("HEALTHY"), Some(&3));
    for (index, rule) in org_rules.iter().enumerate() {
        assert_eq!(
            rule.num_calls(),
            4,
            "rule {index}: three faults, then the data"
        );
    }
}

#[tokio::test]
async fn assume_role_loses_no_account_to_a_500_and_throttling() {
    use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
    use gdaudit::aws::assume::{RoleSpec, SweepOptions, sweep_with};
    use gdaudit::model::organization::Assumed;

    let assume = after_faults!(
        mock!(aws_sdk_sts::Client::assume_role),
        STS_THROTTLE,
        || {
            AssumeRoleOutput::builder()
                .credentials(
                    aws_sdk_sts::types::Credentials::builder()
                        .access_key_id("ASIA")
                        .secret_access_key("s")
                        .session_token("t")
                        .expiration(aws_smithy_types::DateTime::from_secs(4_000_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        }
    );
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&[&assume]))
            .build(),
    );
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials()))
        .build();
    let accounts = vec!["111111111111".to_owned()];
    let options = SweepOptions::new(RoleSpec::parse("Audit"));
    // No regions and no IAM: only the AssumeRole step is under test here.
    let sweep = sweep_with(&sts, &config, &accounts, &[], &options, &Tick::default()).await;
    assert_eq!(sweep.accounts[0].assumed, Assumed::Ok);
    assert_eq!(assume.num_calls(), 4);
}

fn s3(rules: &[&Rule]) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build(),
    )
}

#[tokio::test]
async fn s3_listings_and_objects_lose_nothing_to_a_500_and_throttling() {
    use aws_sdk_s3::operation::get_object::GetObjectOutput;
    use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
    use aws_sdk_s3::types::Object;
    use gdaudit::aws::s3::{S3Url, TrailScope, list_trail, read_objects};
    use gdaudit::model::time::Timestamp;

    let key = |n: u32| {
        format!(
            "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/10/111122223333_CloudTrail_eu-west-1_20261110T12{n:02}Z_x.json.gz"
        )
    };
    let first = after_faults!(
        mock!(aws_sdk_s3::Client::list_objects_v2)
            .match_requests(|r| r.continuation_token().is_none()),
        S3_THROTTLE,
        move || {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key(key(1)).build())
                .is_truncated(true)
                .next_continuation_token("c2")
                .build()
        }
    );
    let second = after_faults!(
        mock!(aws_sdk_s3::Client::list_objects_v2)
            .match_requests(|r| r.continuation_token() == Some("c2")),
        S3_THROTTLE,
        move || {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key(key(2)).build())
                .is_truncated(false)
                .build()
        }
    );
    let get = after_faults!(mock!(aws_sdk_s3::Client::get_object), S3_THROTTLE, || {
        GetObjectOutput::builder()
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                b"{\"Records\":[]}",
            ))
            .build()
    });
    let client = s3(&[&first, &second, &get]);
    let scope = TrailScope {
        since: Timestamp::parse("2026-11-10T00:00:00Z"),
        until: Timestamp::parse("2026-11-10T22:00:00Z"),
        regions: vec!["eu-west-1".into()],
        ..TrailScope::default()
    };
    let url = S3Url::parse("s3://trail/AWSLogs/111122223333/CloudTrail/")
        .unwrap()
        .unwrap();
    let listing = list_trail(&client, &url, &scope, 4).await;
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    assert_eq!(listing.keys, [key(1), key(2)]);
    assert_eq!(listing.list_requests, 2, "pages, not attempts");
    assert_eq!((first.num_calls(), second.num_calls()), (4, 4));

    let read = read_objects(&client, "trail", vec![key(1)], 2, |_, bytes| bytes.len()).await;
    assert_eq!(read.len(), 1);
    assert_eq!(*read[0].as_ref().unwrap(), 14);
    assert_eq!(get.num_calls(), 4);
}

#[tokio::test]
async fn athena_loses_nothing_to_a_500_and_throttling() {
    use aws_sdk_athena::operation::{
        get_query_execution::GetQueryExecutionOutput, get_query_results::GetQueryResultsOutput,
        start_query_execution::StartQueryExecutionOutput,
    };
    use aws_sdk_athena::types::{
        ColumnInfo, Datum, QueryExecution, QueryExecutionState, QueryExecutionStatus, ResultSet,
        ResultSetMetadata, Row,
    };
    use gdaudit::aws::athena::{QueryOptions, run_query};

    let tokens = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&tokens);
    let start = after_faults!(
        mock!(aws_sdk_athena::Client::start_query_execution).match_requests(move |r| {
            seen.lock()
                .unwrap()
                .push(r.client_request_token().map(str::to_owned));
            true
        }),
        JSON_THROTTLE,
        || {
            StartQueryExecutionOutput::builder()
                .query_execution_id("q-1")
                .build()
        }
    );
    let poll = after_faults!(
        mock!(aws_sdk_athena::Client::get_query_execution),
        JSON_THROTTLE,
        || {
            GetQueryExecutionOutput::builder()
                .query_execution(
                    QueryExecution::builder()
                        .query_execution_id("q-1")
                        .status(
                            QueryExecutionStatus::builder()
                                .state(QueryExecutionState::Succeeded)
                                .build(),
                        )
                        .build(),
                )
                .build()
        }
    );
    let cell = |v: &str| Datum::builder().var_char_value(v).build();
    let fetch = after_faults!(
        mock!(aws_sdk_athena::Client::get_query_results),
        JSON_THROTTLE,
        move || {
            GetQueryResultsOutput::builder()
                .result_set(
                    ResultSet::builder()
                        .result_set_metadata(
                            ResultSetMetadata::builder()
                                .column_info(
                                    ColumnInfo::builder()
                                        .name("eventid")
                                        .r#type("varchar")
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        )
                        .rows(Row::builder().data(cell("eventid")).build())
                        .rows(Row::builder().data(cell("e1")).build())
                        .build(),
                )
                .build()
        }
    );
    let client = aws_sdk_athena::Client::from_conf(
        aws_sdk_athena::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&[&start, &poll, &fetch]))
            .build(),
    );
    let opts = QueryOptions {
        poll_first: Duration::from_millis(1),
        poll_max: Duration::from_millis(4),
        ..QueryOptions::default()
    };
    let result = run_query(&client, "SELECT 1", &opts).await;
    assert!(result.error.is_none(), "{:?}", result.error);
    assert_eq!(result.rows, [vec![Some("e1".to_owned())]]);
    assert_eq!(result.pages, 1);
    assert_eq!(
        (start.num_calls(), poll.num_calls(), fetch.num_calls()),
        (4, 4, 4)
    );
    // Every attempt to start the query carried the same idempotency token: a start that
    // reached Athena before its 500 is not a second query.
    let tokens = tokens.lock().unwrap();
    assert!(tokens.len() >= 4, "{tokens:?}");
    assert!(
        tokens[0].as_ref().is_some_and(|t| t.len() >= 32),
        "{tokens:?}"
    );
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
}

/// The body moto (and a confused proxy) sends with HTTP 200 for a throttled call.
const THROTTLED_200: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

#[tokio::test]
async fn a_200_carrying_an_error_is_retried_as_that_error_not_read_as_the_last_page() {
    use aws_sdk_cloudtrail::Client;
    use aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput;
    use aws_sdk_cloudtrail::types::Event;
    use gdaudit::aws::cloudtrail::{LookupOptions, lookup_region};
    use gdaudit::model::cloudtrail::Timestamp;

    let record = |id: &str| {
        format!(
            r#"{{"eventVersion":"1.08","eventID":"{id}","eventTime":"2026-11-10T12:00:00Z","eventSource":"guardduty.amazonaws.com","eventName":"DeleteDetector","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/x"}}}}"#
        )
    };
    let page = move |id: &str, next: Option<&str>| {
        LookupEventsOutput::builder()
            .events(
                Event::builder()
                    .event_id(id)
                    .cloud_trail_event(record(id))
                    .build(),
            )
            .set_next_token(next.map(str::to_owned))
            .build()
    };
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || page("e1", Some("t2")));
    // The second page is "answered" twice with a 200 carrying ThrottlingException.
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(200, Some(THROTTLED_200.into()))
        .times(2)
        .output(move || page("e2", None))
        .build();
    let client = Client::from_conf(
        aws_sdk_cloudtrail::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&[&first, &second]))
            .build(),
    );
    let mut opts = LookupOptions::new(
        Timestamp::parse("2026-11-10T00:00:00Z").unwrap(),
        Timestamp::parse("2026-11-11T00:00:00Z").unwrap(),
    );
    opts.pace = Duration::ZERO;
    opts.throttle_backoff = Duration::from_millis(1);
    let region = lookup_region(&client, "eu-west-1", &opts).await;
    assert!(region.errors.is_empty(), "{:?}", region.errors);
    assert_eq!(region.pages, 2);
    assert_eq!(region.events.len(), 2, "the page after the 200 was read");
    assert_eq!(region.throttled_retries, 2, "counted as throttling");
    assert_eq!(second.num_calls(), 3);

    // One that never ends is that error, named, and the region is incomplete.
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || page("e1", Some("t2")));
    let forever = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("t2"))
        .sequence()
        .http_status(200, Some(THROTTLED_200.into()))
        .repeatedly()
        .build();
    let client = Client::from_conf(
        aws_sdk_cloudtrail::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&[&first, &forever]))
            .build(),
    );
    opts.throttle_retries = 3;
    let region = lookup_region(&client, "eu-west-1", &opts).await;
    assert_eq!(region.events.len(), 1, "what was read is kept");
    assert_eq!(region.errors.len(), 1, "{:?}", region.errors);
    let error = &region.errors[0];
    assert_eq!(error.kind, ErrorKind::Throttled);
    assert_eq!(error.code.as_deref(), Some("ThrottlingException"));
    assert!(error.message.contains("Rate exceeded"), "{error}");
    assert!(error.message.contains("HTTP 200"), "{error}");
    assert_eq!(forever.num_calls(), 4);
}

#[tokio::test]
async fn a_200_carrying_an_error_is_no_empty_guardduty_or_organizations_page() {
    use aws_sdk_guardduty::Client;
    use aws_sdk_guardduty::operation::{
        get_administrator_account::GetAdministratorAccountOutput, get_detector::GetDetectorOutput,
        list_detectors::ListDetectorsOutput, list_members::ListMembersOutput,
    };
    use aws_sdk_guardduty::types::{DetectorStatus, Member};

    // GuardDuty: ListDetectors answers throttling in a 200 first, ListMembers a server error.
    let list = mock!(Client::list_detectors)
        .sequence()
        .http_status(200, Some(THROTTLED_200.into()))
        .output(|| ListDetectorsOutput::builder().detector_ids("det1").build())
        .build();
    let members = mock!(Client::list_members)
        .sequence()
        .http_status(
            200,
            Some(r#"{"__type":"InternalServerErrorException","message":"boom"}"#.into()),
        )
        .output(|| {
            ListMembersOutput::builder()
                .members(
                    Member::builder()
                        .account_id("222222222222")
                        .relationship_status("Enabled")
                        .email("m@example.com")
                        .master_id("111111111111")
                        .updated_at("t")
                        .build(),
                )
                .build()
        })
        .build();
    let get = mock!(Client::get_detector).then_output(|| {
        GetDetectorOutput::builder()
            .status(DetectorStatus::Enabled)
            .build()
    });
    let admin = mock!(Client::get_administrator_account)
        .then_output(|| GetAdministratorAccountOutput::builder().build());
    let objects = no_objects();
    let refs: Vec<&Rule> = [&list, &members, &get, &admin]
        .into_iter()
        .chain(&objects)
        .collect();
    let region = RegionInfo {
        name: "eu-west-1".into(),
        opt_status: RegionOptStatus::EnabledByDefault,
    };
    let result = gdaudit::aws::guardduty::collect_region(&gd_client(&refs), region).await;
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert_eq!(result.detectors.unwrap().len(), 1, "not an empty region");
    assert_eq!(result.members.unwrap().len(), 1, "not an empty member list");
    assert_eq!((list.num_calls(), members.num_calls()), (2, 2));

    // Organizations: a ListAccounts that only ever says so is an error, not no accounts.
    use aws_sdk_organizations::Client as Org;
    let accounts = mock!(Org::list_accounts)
        .sequence()
        .http_status(
            200,
            Some(r#"{"__type":"AccessDeniedException","Message":"no"}"#.into()),
        )
        .repeatedly()
        .build();
    let describe = mock!(Org::describe_organization).then_output(|| {
        aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput::builder()
            .build()
    });
    let roots = mock!(Org::list_roots).then_output(|| {
        aws_sdk_organizations::operation::list_roots::ListRootsOutput::builder().build()
    });
    let client = Org::from_conf(
        aws_sdk_organizations::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .retry_config(retries())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(&[&accounts, &describe, &roots]))
            .build(),
    );
    let data = gdaudit::aws::organizations::collect_organization_with(
        &client,
        Default::default(),
        &Tick::default(),
    )
    .await;
    let error = data
        .errors
        .iter()
        .find(|e| e.operation == "organizations:ListAccounts")
        .expect("ListAccounts failed");
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert!(error.message.contains("HTTP 200"), "{error}");
    assert_eq!(
        data.accounts, None,
        "no accounts is not an empty organization"
    );
    assert_eq!(accounts.num_calls(), 1, "a denial is final, in a 200 too");
}

/// A body that sends a few bytes, then fails (a connection reset mid-transfer).
struct CutOff(bool);

impl http_body::Body for CutOff {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        let sent = std::mem::replace(&mut self.0, true);
        std::task::Poll::Ready(Some(if sent {
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "connection reset by peer",
            ))
        } else {
            Ok(http_body::Frame::data(bytes::Bytes::from_static(b"{\"Rec")))
        }))
    }
}

#[tokio::test]
async fn an_object_body_cut_off_is_fetched_again() {
    use aws_sdk_s3::operation::get_object::GetObjectOutput;
    use aws_sdk_s3::primitives::ByteStream;
    use gdaudit::aws::s3::read_objects;

    let cut_off = || {
        GetObjectOutput::builder()
            .body(ByteStream::new(
                aws_smithy_types::body::SdkBody::from_body_1_x(CutOff(false)),
            ))
            .build()
    };
    let whole = || {
        GetObjectOutput::builder()
            .body(ByteStream::from_static(b"{\"Records\":[]}"))
            .build()
    };
    let once = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.key() == Some("a.json"))
        .sequence()
        .output(cut_off)
        .output(whole)
        .build();
    let always = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.key() == Some("b.json"))
        .sequence()
        .output(cut_off)
        .repeatedly()
        .build();
    let client = s3(&[&once, &always]);
    let keys = vec!["a.json".to_owned(), "b.json".to_owned()];
    let read = read_objects(&client, "trail", keys, 2, |_, bytes| bytes.len()).await;
    assert_eq!(*read[0].as_ref().unwrap(), 14, "fetched again, whole");
    assert_eq!(once.num_calls(), 2);
    let error = read[1].as_ref().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Network);
    assert!(
        error.message.contains("could not be read to its end"),
        "{error}"
    );
    assert_eq!(always.num_calls(), 3, "the transient budget: 1 + 2 retries");
}
