//! The configuration-object reads (issue 12) against aws-smithy-mocks, for faults moto
//! cannot produce: a refused GetFindingsStatistics, a throttled ListIPSets, filters across
//! pages with one GetFilter failing, a ListFindings failing after a count, Malware
//! Protection plans in a region without a detector, and an HTTP 500 on the first attempt
//! of every read, retried by gdaudit's own loop (the SDK's retries are off per call).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::time::Duration;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_guardduty::operation::{
    describe_publishing_destination::DescribePublishingDestinationOutput,
    get_administrator_account::GetAdministratorAccountOutput, get_detector::GetDetectorOutput,
    get_filter::GetFilterOutput, get_findings::GetFindingsOutput,
    get_findings_statistics::GetFindingsStatisticsOutput, get_ip_set::GetIpSetOutput,
    get_malware_protection_plan::GetMalwareProtectionPlanOutput,
    get_threat_entity_set::GetThreatEntitySetOutput, get_threat_intel_set::GetThreatIntelSetOutput,
    get_trusted_entity_set::GetTrustedEntitySetOutput, list_detectors::ListDetectorsOutput,
    list_filters::ListFiltersOutput, list_findings::ListFindingsOutput,
    list_ip_sets::ListIpSetsOutput,
    list_malware_protection_plans::ListMalwareProtectionPlansOutput,
    list_members::ListMembersOutput,
    list_publishing_destinations::ListPublishingDestinationsOutput,
    list_threat_entity_sets::ListThreatEntitySetsOutput,
    list_threat_intel_sets::ListThreatIntelSetsOutput,
    list_trusted_entity_sets::ListTrustedEntitySetsOutput,
};
use aws_sdk_guardduty::types::{
    Condition, Destination, DestinationProperties, DestinationType, DetectorStatus, FilterAction,
    Finding, FindingCriteria, FindingStatistics, IpSetFormat, IpSetStatus,
    MalwareProtectionPlanStatus, MalwareProtectionPlanSummary, PublishingStatus, Resource,
    SeverityStatistics, ThreatEntitySetStatus, ThreatIntelSetFormat, ThreatIntelSetStatus,
    TrustedEntitySetFormat, TrustedEntitySetStatus,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use common::mocks::no_objects;
use gdaudit::aws::guardduty::collect_region;
use gdaudit::checks::detectors::region_errors;
use gdaudit::checks::objects::{ObjectCheckOptions, check};
use gdaudit::model::objects::SeverityBand;
use gdaudit::model::{ErrorKind, RegionInfo, RegionOptStatus};

/// A client answering from `rules` first, then with "nothing configured" for every read.
fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    for rule in defaults() {
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

/// One enabled detector, no administrator, no members, and nothing configured.
fn defaults() -> Vec<Rule> {
    vec![
        mock!(Client::list_detectors)
            .then_output(|| ListDetectorsOutput::builder().detector_ids("det1").build()),
        mock!(Client::get_detector).then_output(|| {
            GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .build()
        }),
        mock!(Client::get_administrator_account)
            .then_output(|| GetAdministratorAccountOutput::builder().build()),
        mock!(Client::list_members).then_output(|| ListMembersOutput::builder().build()),
    ]
    .into_iter()
    .chain(no_objects())
    .collect()
}

fn region() -> RegionInfo {
    RegionInfo {
        name: "eu-west-1".into(),
        opt_status: RegionOptStatus::EnabledByDefault,
    }
}

fn denied(operation: &str) -> String {
    format!(
        r#"{{"__type":"AccessDeniedException","message":"not authorized to perform: guardduty:{operation}"}}"#
    )
}

#[tokio::test]
async fn a_refused_findings_count_is_could_not_check_and_the_rest_is_read() {
    let refused = mock!(Client::get_findings_statistics)
        .sequence()
        .http_status(403, Some(denied("GetFindingsStatistics")))
        .repeatedly()
        .build();
    let gd = client(&[&refused]);
    let result = collect_region(&gd, region()).await;
    assert_eq!(result.objects.unhandled_findings, None);
    assert_eq!(result.objects.filters, Some(vec![]));
    assert_eq!(result.objects.malware_protection_plans, Some(vec![]));
    let errors = region_errors(&result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].operation, "guardduty:GetFindingsStatistics");
    assert_eq!(errors[0].kind, ErrorKind::AccessDenied);
}

#[tokio::test]
async fn a_throttled_list_is_retried_and_an_active_trusted_list_is_reported() {
    let throttled = mock!(Client::list_ip_sets)
        .sequence()
        .http_status(
            429,
            Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.into()),
        )
        .output(|| ListIpSetsOutput::builder().ip_set_ids("ips1").build())
        .build();
    let get = mock!(Client::get_ip_set).then_output(|| {
        GetIpSetOutput::builder()
            .name("office")
            .status(IpSetStatus::Active)
            .format(IpSetFormat::Txt)
            .location("s3://lists/office.txt")
            .build()
    });
    let gd = client(&[&throttled, &get]);
    let result = collect_region(&gd, region()).await;
    assert_eq!(throttled.num_calls(), 2);
    assert!(region_errors(&result).is_empty(), "{:?}", result.errors);
    let findings = check(None, &[result], &ObjectCheckOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].check.as_str(), "trusted-list-active");
    assert_eq!(findings[0].resource, "ips1");
}

#[tokio::test]
async fn filters_are_read_across_pages_and_one_that_fails_is_an_error() {
    let first = mock!(Client::list_filters)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListFiltersOutput::builder()
                .filter_names("hide-high")
                .next_token("p2")
                .build()
        });
    let second = mock!(Client::list_filters)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| ListFiltersOutput::builder().filter_names("broken").build());
    #[allow(deprecated)]
    let hide_high = mock!(Client::get_filter)
        .match_requests(|r| r.filter_name() == Some("hide-high"))
        .then_output(|| {
            GetFilterOutput::builder()
                .name("hide-high")
                .action(FilterAction::Archive)
                .finding_criteria(
                    FindingCriteria::builder()
                        .criterion("severity", Condition::builder().gte(7).build())
                        .build(),
                )
                .build()
        });
    let broken = mock!(Client::get_filter)
        .match_requests(|r| r.filter_name() == Some("broken"))
        .sequence()
        .http_status(
            500,
            Some(r#"{"__type":"InternalServerErrorException","message":"boom"}"#.into()),
        )
        .repeatedly()
        .build();
    let gd = client(&[&first, &second, &hide_high, &broken]);
    let result = collect_region(&gd, region()).await;
    // Three attempts in all (the configured budget), not three times three: the SDK's own
    // retries are off for the call.
    assert_eq!(broken.num_calls(), 3);
    let filters = result.objects.filters.as_ref().unwrap();
    assert_eq!(filters.len(), 1);
    assert_eq!(filters[0].criteria["severity"].gte, Some(7));
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert_eq!(result.errors[0].operation, "guardduty:GetFilter");
    let findings = check(None, &[result], &ObjectCheckOptions::default());
    assert_eq!(findings[0].check.as_str(), "suppression-rule-hides-high");
}

#[tokio::test]
async fn a_count_without_its_oldest_keeps_the_count_and_marks_the_region_incomplete() {
    let stats = mock!(Client::get_findings_statistics)
        .match_requests(|r| {
            r.finding_criteria()
                .and_then(|c| c.criterion())
                .and_then(|c| c.get("severity"))
                .and_then(|s| s.greater_than_or_equal())
                == Some(7)
        })
        .then_output(|| {
            GetFindingsStatisticsOutput::builder()
                .finding_statistics(
                    FindingStatistics::builder()
                        .grouped_by_severity(
                            SeverityStatistics::builder()
                                .severity(8.0)
                                .total_findings(3)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let list = mock!(Client::list_findings)
        .sequence()
        .http_status(403, Some(denied("ListFindings")))
        .repeatedly()
        .build();
    let gd = client(&[&stats, &list]);
    let result = collect_region(&gd, region()).await;
    let bands = result.objects.unhandled_findings.as_ref().unwrap();
    let high = bands.iter().find(|b| b.band == SeverityBand::High).unwrap();
    assert_eq!((high.count, high.oldest_updated_at.as_deref()), (3, None));
    assert_eq!(result.errors[0].operation, "guardduty:ListFindings");
    let findings = check(None, &[result], &ObjectCheckOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].check.as_str(), "findings-unhandled");
}

#[tokio::test]
async fn malware_plans_are_read_where_there_is_no_detector() {
    let none = mock!(Client::list_detectors).then_output(|| ListDetectorsOutput::builder().build());
    let plans = mock!(Client::list_malware_protection_plans).then_output(|| {
        ListMalwareProtectionPlansOutput::builder()
            .malware_protection_plans(
                MalwareProtectionPlanSummary::builder()
                    .malware_protection_plan_id("plan1")
                    .build(),
            )
            .build()
    });
    let plan = mock!(Client::get_malware_protection_plan).then_output(|| {
        GetMalwareProtectionPlanOutput::builder()
            .status(MalwareProtectionPlanStatus::Error)
            .build()
    });
    let gd = client(&[&none, &plans, &plan]);
    let result = collect_region(&gd, region()).await;
    assert_eq!(result.detectors, Some(vec![]));
    assert_eq!(
        result.objects.filters, None,
        "no detector: nothing else to read"
    );
    assert_eq!(
        result.objects.malware_protection_plans.as_ref().unwrap()[0].id,
        "plan1"
    );
    let findings = check(None, &[result], &ObjectCheckOptions::default());
    assert_eq!(
        findings[0].check.as_str(),
        "malware-protection-plan-unhealthy"
    );
}

fn server_error() -> Option<String> {
    Some(r#"{"__type":"InternalServerErrorException","message":"try again"}"#.into())
}

/// A rule for `$op` answering HTTP 500 once, then `$output` (repeatedly).
macro_rules! once_500 {
    ($op:path, $output:expr) => {
        mock!($op)
            .sequence()
            .http_status(500, server_error())
            .output($output)
            .repeatedly()
            .build()
    };
}

#[tokio::test]
async fn a_500_on_the_first_attempt_of_every_read_loses_nothing() {
    #[allow(deprecated)]
    let rules = [
        once_500!(Client::list_filters, || ListFiltersOutput::builder()
            .filter_names("hide-high")
            .build()),
        once_500!(Client::get_filter, || GetFilterOutput::builder()
            .name("hide-high")
            .action(FilterAction::Archive)
            .finding_criteria(
                FindingCriteria::builder()
                    .criterion("severity", Condition::builder().gte(7).build())
                    .build(),
            )
            .build()),
        once_500!(Client::list_ip_sets, || ListIpSetsOutput::builder()
            .ip_set_ids("ips1")
            .build()),
        once_500!(Client::get_ip_set, || GetIpSetOutput::builder()
            .name("office")
            .status(IpSetStatus::Active)
            .format(IpSetFormat::Txt)
            .location("s3://lists/office.txt")
            .build()),
        once_500!(Client::list_threat_intel_sets, || {
            ListThreatIntelSetsOutput::builder()
                .threat_intel_set_ids("feed1")
                .build()
        }),
        once_500!(Client::get_threat_intel_set, || {
            GetThreatIntelSetOutput::builder()
                .name("feed")
                .status(ThreatIntelSetStatus::Active)
                .format(ThreatIntelSetFormat::Txt)
                .location("s3://lists/feed.txt")
                .build()
        }),
        once_500!(Client::list_trusted_entity_sets, || {
            ListTrustedEntitySetsOutput::builder()
                .trusted_entity_set_ids("partners1")
                .build()
        }),
        once_500!(Client::get_trusted_entity_set, || {
            GetTrustedEntitySetOutput::builder()
                .name("partners")
                .status(TrustedEntitySetStatus::Active)
                .format(TrustedEntitySetFormat::Txt)
                .location("s3://lists/partners.txt")
                .build()
        }),
        once_500!(Client::list_threat_entity_sets, || {
            ListThreatEntitySetsOutput::builder()
                .threat_entity_set_ids("bad1")
                .build()
        }),
        once_500!(Client::get_threat_entity_set, || {
            GetThreatEntitySetOutput::builder()
                .name("bad")
                .status(ThreatEntitySetStatus::Error)
                .build()
        }),
        once_500!(Client::list_publishing_destinations, || {
            ListPublishingDestinationsOutput::builder()
                .destinations(
                    Destination::builder()
                        .destination_id("dest1")
                        .destination_type(DestinationType::S3)
                        .status(PublishingStatus::Publishing)
                        .build(),
                )
                .build()
        }),
        once_500!(Client::describe_publishing_destination, || {
            DescribePublishingDestinationOutput::builder()
                .destination_id("dest1")
                .destination_type(DestinationType::S3)
                .status(PublishingStatus::Publishing)
                .publishing_failure_start_timestamp(0)
                .destination_properties(
                    DestinationProperties::builder()
                        .destination_arn("arn:aws:s3:::findings")
                        .kms_key_arn("arn:aws:kms:eu-west-1:111122223333:key/k1")
                        .build(),
                )
                .build()
        }),
        once_500!(Client::list_malware_protection_plans, || {
            ListMalwareProtectionPlansOutput::builder()
                .malware_protection_plans(
                    MalwareProtectionPlanSummary::builder()
                        .malware_protection_plan_id("plan1")
                        .build(),
                )
                .build()
        }),
        once_500!(Client::get_malware_protection_plan, || {
            GetMalwareProtectionPlanOutput::builder()
                .status(MalwareProtectionPlanStatus::Active)
                .build()
        }),
        once_500!(Client::get_findings_statistics, || {
            GetFindingsStatisticsOutput::builder()
                .finding_statistics(
                    FindingStatistics::builder()
                        .grouped_by_severity(
                            SeverityStatistics::builder()
                                .severity(8.0)
                                .total_findings(3)
                                .build(),
                        )
                        .build(),
                )
                .build()
        }),
        once_500!(Client::list_findings, || ListFindingsOutput::builder()
            .finding_ids("f1")
            .build()),
        once_500!(Client::get_findings, || GetFindingsOutput::builder()
            .findings(
                Finding::builder()
                    .account_id("111122223333")
                    .arn("arn:aws:guardduty:eu-west-1:111122223333:detector/det1/finding/f1")
                    .created_at("2026-11-01T00:00:00.000Z")
                    .region("eu-west-1")
                    .resource(Resource::builder().build())
                    .schema_version("2.0")
                    .id("f1")
                    .r#type("Recon:EC2/Portscan")
                    .updated_at("2026-11-01T00:00:00.000Z")
                    .build(),
            )
            .build()),
    ];
    let gd = client(&rules.iter().collect::<Vec<_>>());
    let result = collect_region(&gd, region()).await;
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    for rule in &rules {
        assert!(rule.num_calls() >= 2, "a rule was not retried");
    }
    let objects = &result.objects;
    assert_eq!(objects.filters.as_ref().unwrap()[0].name, "hide-high");
    let lists = objects.lists.as_ref().unwrap();
    assert_eq!(lists.len(), 4, "{lists:?}");
    let kinds: Vec<&str> = lists.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "trusted-ip-list",
            "threat-intel-set",
            "trusted-entity-set",
            "threat-entity-set"
        ]
    );
    assert_eq!(
        objects.publishing_destinations.as_ref().unwrap()[0].id,
        "dest1"
    );
    assert_eq!(
        objects.malware_protection_plans.as_ref().unwrap()[0].id,
        "plan1"
    );
    let bands = objects.unhandled_findings.as_ref().unwrap();
    assert_eq!(bands.len(), 4);
    assert!(
        bands
            .iter()
            .all(|b| b.count == 3 && b.oldest_finding_type.as_deref() == Some("Recon:EC2/Portscan")),
        "{bands:?}"
    );
}
