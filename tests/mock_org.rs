//! Faults in the organization collectors, with aws-smithy-mocks: the admin lookup denied,
//! GetMemberDetectors' UnprocessedAccounts and a failed batch, throttling in one region,
//! an account whose role cannot be assumed, and Organizations throttling ListAccounts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::mocks::no_objects;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::operation::describe_organization_configuration::DescribeOrganizationConfigurationOutput;
use aws_sdk_guardduty::operation::get_administrator_account::GetAdministratorAccountOutput;
use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
use aws_sdk_guardduty::operation::get_member_detectors::GetMemberDetectorsOutput;
use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
use aws_sdk_guardduty::operation::list_members::ListMembersOutput;
use aws_sdk_guardduty::operation::list_organization_admin_accounts::ListOrganizationAdminAccountsOutput;
use aws_sdk_guardduty::types::{
    AdminAccount, AdminStatus, AutoEnableMembers, DetectorStatus, FeatureStatus, Member,
    MemberDataSourceConfiguration, MemberFeaturesConfigurationResult, OrgFeature,
    UnprocessedAccount,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::assume::{RoleSpec, SweepOptions, sweep_with};
use gdaudit::aws::guardduty_org::collect_region;
use gdaudit::aws::organizations::{OrgOptions, collect_organization_with};
use gdaudit::model::organization::{AccountStatus, Assumed, AutoEnable};
use gdaudit::model::{ErrorKind, RegionInfo, RegionOptStatus};
use gdaudit::progress::Tick;

fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    interceptor
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

fn credentials() -> Credentials {
    Credentials::new("AKIDTEST", "secret", None, None, "test")
}

fn gd_client(region: &str, rules: &[&Rule]) -> Client {
    let config = aws_sdk_guardduty::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials())
        .retry_config(fast_retries())
        .http_client(create_mock_http_client())
        .interceptor({
            let mut with = interceptor(rules);
            for rule in no_objects() {
                with = with.with_rule(&rule);
            }
            with
        })
        .build();
    Client::from_conf(config)
}

fn region(name: &str) -> RegionInfo {
    RegionInfo {
        name: name.into(),
        opt_status: RegionOptStatus::EnabledByDefault,
    }
}

fn one_detector() -> Rule {
    mock!(Client::list_detectors)
        .then_output(|| ListDetectorsOutput::builder().detector_ids("det1").build())
}

fn get_detector() -> Rule {
    mock!(Client::get_detector).then_output(|| {
        GetDetectorOutput::builder()
            .status(DetectorStatus::Enabled)
            .build()
    })
}

fn no_admin() -> Rule {
    mock!(Client::get_administrator_account)
        .then_output(|| GetAdministratorAccountOutput::builder().build())
}

fn admins() -> Rule {
    mock!(Client::list_organization_admin_accounts).then_output(|| {
        ListOrganizationAdminAccountsOutput::builder()
            .admin_accounts(
                AdminAccount::builder()
                    .admin_account_id("999999999999")
                    .admin_status(AdminStatus::Enabled)
                    .build(),
            )
            .build()
    })
}

fn configuration() -> Rule {
    mock!(Client::describe_organization_configuration).then_output(|| {
        DescribeOrganizationConfigurationOutput::builder()
            .member_account_limit_reached(false)
            .auto_enable_organization_members(AutoEnableMembers::All)
            .build()
    })
}

fn no_members() -> Rule {
    mock!(Client::list_members).then_output(|| ListMembersOutput::builder().build())
}

fn denied(code: &str) -> Option<String> {
    Some(format!(
        r#"{{"__type":"{code}","message":"User is not authorized to perform this action"}}"#
    ))
}

fn member_ids(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{:012}", 100_000_000_000 + i))
        .collect()
}

#[tokio::test]
async fn a_denied_admin_lookup_is_could_not_check_not_a_pass() {
    let lookup = mock!(Client::list_organization_admin_accounts)
        .sequence()
        .http_status(403, denied("AccessDeniedException"))
        .repeatedly()
        .build();
    let (list, get, admin, config, members) = (
        one_detector(),
        get_detector(),
        no_admin(),
        configuration(),
        no_members(),
    );
    let gd = gd_client(
        "eu-west-1",
        &[&list, &get, &admin, &lookup, &config, &members],
    );
    let result = collect_region(&gd, region("eu-west-1")).await;
    assert_eq!(result.admin_accounts, None);
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert_eq!(result.errors[0].kind, ErrorKind::AccessDenied);
    assert_eq!(
        result.errors[0].operation,
        "guardduty:ListOrganizationAdminAccounts"
    );
    assert_eq!(lookup.num_calls(), 1, "a denial is not retried");
    // The rest of the region was still read.
    assert_eq!(
        result.configuration.unwrap().auto_enable_members,
        Some(AutoEnable::All)
    );
    assert_eq!(result.member_detectors, Some(Vec::new()));
}

#[tokio::test]
async fn member_detectors_are_read_in_batches_of_50_keeping_unprocessed_and_failed_ones() {
    let ids = member_ids(120);
    let listed = ids.clone();
    let list_members = mock!(Client::list_members).then_output(move || {
        let mut out = ListMembersOutput::builder();
        for id in &listed {
            out = out.members(
                Member::builder()
                    .account_id(id)
                    .relationship_status("Enabled")
                    .email("m@example.com")
                    .master_id("999999999999")
                    .updated_at("t")
                    .build(),
            );
        }
        out.build()
    });
    let (first, second, third) = (ids[0].clone(), ids[50].clone(), ids[100].clone());
    // Batch 1: all processed but one, unprocessed with AWS's reason.
    let batch_one = mock!(Client::get_member_detectors)
        .match_requests(move |req| req.account_ids().first() == Some(&first))
        .then_output(|| {
            let mut out = GetMemberDetectorsOutput::builder();
            for id in member_ids(120).into_iter().take(49) {
                out = out.member_data_source_configurations(
                    MemberDataSourceConfiguration::builder()
                        .account_id(id)
                        .features(
                            MemberFeaturesConfigurationResult::builder()
                                .name(OrgFeature::S3DataEvents)
                                .status(FeatureStatus::Enabled)
                                .build(),
                        )
                        .build(),
                );
            }
            out.unprocessed_accounts(
                UnprocessedAccount::builder()
                    .account_id(format!("{:012}", 100_000_000_049u64))
                    .result("The request is rejected because the member is suspended")
                    .build(),
            )
            .build()
        });
    // Batch 2 fails every attempt.
    let batch_two = mock!(Client::get_member_detectors)
        .match_requests(move |req| req.account_ids().first() == Some(&second))
        .sequence()
        .http_status(
            500,
            Some(r#"{"__type":"InternalServerErrorException","message":"boom"}"#.into()),
        )
        .repeatedly()
        .build();
    let batch_three = mock!(Client::get_member_detectors)
        .match_requests(move |req| {
            req.account_ids().first() == Some(&third) && req.account_ids().len() == 20
        })
        .then_output(|| {
            GetMemberDetectorsOutput::builder()
                .set_member_data_source_configurations(Some(Vec::new()))
                .set_unprocessed_accounts(Some(Vec::new()))
                .build()
        });
    let (list, get, admin, lookup, config) = (
        one_detector(),
        get_detector(),
        no_admin(),
        admins(),
        configuration(),
    );
    let gd = gd_client(
        "eu-west-1",
        &[
            &list,
            &get,
            &admin,
            &lookup,
            &config,
            &list_members,
            &batch_one,
            &batch_two,
            &batch_three,
        ],
    );
    let result = collect_region(&gd, region("eu-west-1")).await;
    assert_eq!(batch_one.num_calls(), 1);
    assert_eq!(
        batch_three.num_calls(),
        1,
        "the last batch holds the 20 left"
    );
    assert_eq!(result.member_detectors.as_ref().unwrap().len(), 49);
    assert_eq!(result.unprocessed.len(), 1);
    assert_eq!(result.unprocessed[0].account_id, ids[49]);
    assert!(result.unprocessed[0].reason.contains("suspended"));
    // Every account of the failed batch is recorded with the error, none dropped.
    assert_eq!(result.member_errors.len(), 50);
    assert_eq!(result.member_errors[0].target, ids[50]);
    assert_eq!(result.member_errors[49].target, ids[99]);
    assert_eq!(
        result.member_errors[0].error.operation,
        "guardduty:GetMemberDetectors"
    );
}

#[tokio::test]
async fn throttling_in_one_region_leaves_the_others_whole() {
    let throttle =
        || Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_owned());
    let throttled_list = mock!(Client::list_detectors)
        .sequence()
        .http_status(429, throttle())
        .repeatedly()
        .build();
    let throttled_admins = mock!(Client::list_organization_admin_accounts)
        .sequence()
        .http_status(429, throttle())
        .repeatedly()
        .build();
    let slow = gd_client("ap-south-1", &[&throttled_list, &throttled_admins]);
    let (list, get, admin, lookup, config, members) = (
        one_detector(),
        get_detector(),
        no_admin(),
        admins(),
        configuration(),
        no_members(),
    );
    let fine = gd_client(
        "eu-west-1",
        &[&list, &get, &admin, &lookup, &config, &members],
    );

    let (bad, good) = tokio::join!(
        collect_region(&slow, region("ap-south-1")),
        collect_region(&fine, region("eu-west-1")),
    );
    assert_eq!(bad.own.errors[0].kind, ErrorKind::Throttled);
    assert_eq!(bad.errors[0].kind, ErrorKind::Throttled);
    assert_eq!(bad.admin_accounts, None);
    assert_eq!(bad.configuration, None);
    assert_eq!(throttled_list.num_calls(), 3, "retried, then given up");
    assert!(good.errors.is_empty() && good.own.errors.is_empty());
    assert_eq!(good.admin_accounts.unwrap()[0].account_id, "999999999999");
}

fn sts_client(rules: &[&Rule]) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials())
        .retry_config(fast_retries())
        .http_client(create_mock_http_client())
        .interceptor(interceptor(rules))
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

#[tokio::test]
async fn an_account_whose_role_is_missing_is_recorded_never_skipped() {
    use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
    let missing = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|req| {
            req.role_arn()
                .is_some_and(|arn| arn.contains("222222222222"))
        })
        .sequence()
        .http_status(
            403,
            Some(
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>User is not authorized to perform: sts:AssumeRole</Message>\
                 </Error></ErrorResponse>"
                    .into(),
            ),
        )
        .repeatedly()
        .build();
    let assumed = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|req| {
            req.external_id() == Some("ext-1") && req.role_session_name() == Some("gdaudit")
        })
        .then_output(|| {
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
        });
    let sts = sts_client(&[&missing, &assumed]);
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials()))
        .build();
    let accounts: Vec<String> = ["111111111111", "222222222222", "333333333333"]
        .map(String::from)
        .to_vec();
    let mut options = SweepOptions::new(RoleSpec::parse("arn:aws:iam::{account_id}:role/Audit"));
    options.external_id = Some("ext-1".into());
    // No regions and no IAM: only the AssumeRole step is under test here.
    let sweep = sweep_with(&sts, &config, &accounts, &[], &options, &Tick::default()).await;
    assert_eq!(sweep.accounts.len(), 3);
    assert_eq!(sweep.accounts[0].assumed, Assumed::Ok);
    assert_eq!(sweep.accounts[2].assumed, Assumed::Ok);
    let Assumed::Error(error) = &sweep.accounts[1].assumed else {
        panic!("{:?}", sweep.accounts[1])
    };
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.operation, "sts:AssumeRole");
    assert!(
        error
            .message
            .contains("arn:aws:iam::222222222222:role/Audit"),
        "{}",
        error.message
    );
    assert_eq!(sweep.accounts[1].detectors, None);
    assert_eq!(sweep.accounts[0].detectors, Some(Vec::new()));
    assert_eq!(missing.num_calls(), 1);
}

#[tokio::test]
async fn throttled_list_accounts_falls_back_to_the_tree_walk_and_says_so() {
    use aws_sdk_organizations::Client as Org;
    use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput;
    use aws_sdk_organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput;
    use aws_sdk_organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput;
    use aws_sdk_organizations::operation::list_roots::ListRootsOutput;
    use aws_sdk_organizations::types::{
        Account, AccountStatus as SdkStatus, Organization, OrganizationalUnit, Root,
    };

    let throttled = mock!(Org::list_accounts)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"TooManyRequestsException","message":"slow down"}"#.into()),
        )
        .repeatedly()
        .build();
    let describe = mock!(Org::describe_organization).then_output(|| {
        DescribeOrganizationOutput::builder()
            .organization(
                Organization::builder()
                    .id("o-1")
                    .master_account_id("111111111111")
                    .build(),
            )
            .build()
    });
    let roots = mock!(Org::list_roots).then_output(|| {
        ListRootsOutput::builder()
            .roots(Root::builder().id("r-1").name("Root").build())
            .build()
    });
    let units_root = mock!(Org::list_organizational_units_for_parent)
        .match_requests(|req| req.parent_id() == Some("r-1"))
        .then_output(|| {
            ListOrganizationalUnitsForParentOutput::builder()
                .organizational_units(
                    OrganizationalUnit::builder()
                        .id("ou-1")
                        .name("Prod")
                        .build(),
                )
                .build()
        });
    let units_leaf = mock!(Org::list_organizational_units_for_parent)
        .match_requests(|req| req.parent_id() == Some("ou-1"))
        .then_output(|| ListOrganizationalUnitsForParentOutput::builder().build());
    let account = |id: &str, status: SdkStatus| {
        Account::builder()
            .id(id)
            .name(format!("n-{id}"))
            .status(status)
            .build()
    };
    let in_root = mock!(Org::list_accounts_for_parent)
        .match_requests(|req| req.parent_id() == Some("r-1"))
        .then_output(move || {
            ListAccountsForParentOutput::builder()
                .accounts(account("111111111111", SdkStatus::Active))
                .build()
        });
    // Two pages under the OU.
    let in_ou_first = mock!(Org::list_accounts_for_parent)
        .match_requests(|req| req.parent_id() == Some("ou-1") && req.next_token().is_none())
        .then_output(move || {
            ListAccountsForParentOutput::builder()
                .accounts(account("222222222222", SdkStatus::Active))
                .next_token("p2")
                .build()
        });
    let in_ou_second = mock!(Org::list_accounts_for_parent)
        .match_requests(|req| req.parent_id() == Some("ou-1") && req.next_token() == Some("p2"))
        .then_output(move || {
            ListAccountsForParentOutput::builder()
                .accounts(account("333333333333", SdkStatus::Suspended))
                .build()
        });
    let rules = [
        &throttled,
        &describe,
        &roots,
        &units_root,
        &units_leaf,
        &in_root,
        &in_ou_first,
        &in_ou_second,
    ];
    let config = aws_sdk_organizations::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials())
        .retry_config(fast_retries())
        .http_client(create_mock_http_client())
        .interceptor(interceptor(&rules))
        .build();
    let org = Org::from_conf(config);

    let data = collect_organization_with(&org, OrgOptions::default(), &Tick::default()).await;
    assert_eq!(data.errors.len(), 1, "{:?}", data.errors);
    assert_eq!(data.errors[0].kind, ErrorKind::Throttled);
    assert_eq!(data.errors[0].operation, "organizations:ListAccounts");
    assert_eq!(throttled.num_calls(), 3);
    let accounts = data.accounts.as_ref().unwrap();
    assert_eq!(accounts.len(), 3);
    let third = accounts.iter().find(|a| a.id == "333333333333").unwrap();
    assert_eq!(third.status, AccountStatus::Suspended);
    assert_eq!(third.ou_path_names().as_deref(), Some("Root/Prod"));
    assert_eq!(in_ou_second.num_calls(), 1);
    assert_eq!(
        data.organization.unwrap().management_account_id,
        "111111111111"
    );
}
