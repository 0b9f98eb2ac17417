//! The organization collectors (`aws::organizations::collect_org`, `aws::assume::sweep`)
//! against moto, over HTTP: moto serves Organizations, STS AssumeRole across accounts, and
//! each account's GuardDuty detectors for real; tests/support/moto.py serves GuardDuty's
//! organization reads over a seeded state (see its docstring).
//!
//! The organization seeded here: a management account, a delegated administrator in a
//! Security OU, and 21 workload accounts under Workloads/Prod and Sandbox — 18 Enabled
//! members (one with S3 protection off in eu-west-1), one Invited, one not a member, and one
//! suspended (closed) account; organization auto-enable NEW; an SCP on Workloads.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use aws_sdk_guardduty::types::{DetectorFeature, DetectorFeatureConfiguration, FeatureStatus};
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
use common::Moto;
use common::org::{config_in, create_account, management_config, seed_guardduty_org};
use gdaudit::aws::assume::{RoleSpec, SweepOptions, sweep};
use gdaudit::aws::organizations::{OrgOptions, collect_org};
use gdaudit::model::organization::{AccountStatus, Assumed, AutoEnable, OrgData};
use gdaudit::model::{ErrorKind, RegionInfo, RegionOptStatus};
use gdaudit::progress::Tick;
use serde_json::json;

const MANAGEMENT: &str = "111111111111";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const PLANS: [DetectorFeature; 4] = [
    DetectorFeature::S3DataEvents,
    DetectorFeature::EbsMalwareProtection,
    DetectorFeature::RdsLoginEvents,
    DetectorFeature::RuntimeMonitoring,
];

/// The seeded organization's account ids, by role.
struct Org {
    admin: String,
    /// 18 Enabled members; `members[4]` has S3 protection off in eu-west-1.
    members: Vec<String>,
    invited: String,
    non_member: String,
    suspended: String,
    workloads_ou: String,
    prod_ou: String,
    scp_id: String,
}

fn regions() -> Vec<RegionInfo> {
    REGIONS
        .iter()
        .map(|name| RegionInfo {
            name: (*name).to_owned(),
            opt_status: RegionOptStatus::EnabledByDefault,
        })
        .collect()
}

async fn create_detector(endpoint: &str, account: &str, region: &str, s3_on: bool) {
    let config = config_in(endpoint, account).await;
    let gd = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&config)
            .region(aws_config::Region::new(region.to_owned()))
            .build(),
    );
    let mut create = gd.create_detector().enable(true);
    for plan in PLANS {
        let on = plan != DetectorFeature::S3DataEvents || s3_on;
        create = create.features(
            DetectorFeatureConfiguration::builder()
                .name(plan)
                .status(if on {
                    FeatureStatus::Enabled
                } else {
                    FeatureStatus::Disabled
                })
                .build(),
        );
    }
    create.send().await.expect("CreateDetector");
}

async fn seed(moto: &Moto) -> Org {
    let endpoint = moto.endpoint.as_str();
    let org = aws_sdk_organizations::Client::new(&management_config(endpoint));
    org.create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let root = org.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_owned();
    let ou = |name: &'static str, parent: String| {
        let org = org.clone();
        async move {
            org.create_organizational_unit()
                .parent_id(parent)
                .name(name)
                .send()
                .await
                .unwrap()
                .organizational_unit()
                .unwrap()
                .id()
                .unwrap()
                .to_owned()
        }
    };
    let security_ou = ou("Security", root.clone()).await;
    let workloads_ou = ou("Workloads", root.clone()).await;
    let prod_ou = ou("Prod", workloads_ou.clone()).await;
    let sandbox_ou = ou("Sandbox", workloads_ou.clone()).await;

    let mut ids = Vec::new();
    for i in 0..22 {
        let id = create_account(&org, &format!("acct-{i:02}")).await;
        let target = match i {
            0 => &security_ou,
            1..=12 => &prod_ou,
            _ => &sandbox_ou,
        };
        org.move_account()
            .account_id(&id)
            .source_parent_id(&root)
            .destination_parent_id(target)
            .send()
            .await
            .unwrap();
        ids.push(id);
    }
    let admin = ids[0].clone();
    org.register_delegated_administrator()
        .account_id(&admin)
        .service_principal("guardduty.amazonaws.com")
        .send()
        .await
        .unwrap();
    let suspended = ids[21].clone();
    org.close_account()
        .account_id(&suspended)
        .send()
        .await
        .unwrap();

    let scp_id = org
        .create_policy()
        .name("DenyGuardDutyChanges")
        .description("workloads may not turn GuardDuty off")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                "Action": ["guardduty:DeleteDetector", "guardduty:UpdateDetector"],
                "Resource": "*"}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .policy()
        .unwrap()
        .policy_summary()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    org.attach_policy()
        .policy_id(&scp_id)
        .target_id(&workloads_ou)
        .send()
        .await
        .unwrap();

    let members: Vec<String> = ids[1..19].to_vec();
    for region in REGIONS {
        create_detector(endpoint, &admin, region, true).await;
        for (i, member) in members.iter().enumerate() {
            let s3_on = !(i == 4 && region == "eu-west-1");
            create_detector(endpoint, member, region, s3_on).await;
        }
    }
    let invited = ids[19].clone();
    let non_member = ids[20].clone();

    let mut listed: Vec<serde_json::Value> = members
        .iter()
        .map(|id| json!({"account_id": id, "email": "m@example.com", "relationship_status": "Enabled"}))
        .collect();
    listed.push(json!({"account_id": invited, "relationship_status": "Invited"}));
    listed.push(json!({"account_id": suspended, "relationship_status": "Enabled"}));
    seed_guardduty_org(
        endpoint,
        &json!({"regions": {"*": {
            "admin": admin,
            "auto_enable_members": "NEW",
            "features": [
                {"name": "S3_DATA_EVENTS", "auto_enable": "ALL"},
                {"name": "RUNTIME_MONITORING", "auto_enable": "NEW",
                 "additional": [{"name": "EKS_ADDON_MANAGEMENT", "auto_enable": "NONE"}]}
            ],
            "members": listed,
            "coverage": {"by_status": {"HEALTHY": 5, "UNHEALTHY": 1},
                         "by_resource_type": {"EKS": 2, "EC2": 4}}
        }}}),
    );
    Org {
        admin,
        members,
        invited,
        non_member,
        suspended,
        workloads_ou,
        prod_ou,
        scp_id,
    }
}

fn account<'a>(data: &'a OrgData, id: &str) -> &'a gdaudit::model::organization::OrgAccount {
    data.accounts
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("account {id} not collected"))
}

#[test]
fn the_delegated_administrator_sees_the_whole_organization() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto).await;
        let config = config_in(&moto.endpoint, &org.admin).await;
        let data = collect_org(
            &config,
            &regions(),
            8,
            OrgOptions { scps: true },
            &Tick::default(),
        )
        .await;

        // Organizations, read by the delegated administrator.
        assert!(data.errors.is_empty(), "{:?}", data.errors);
        let organization = data.organization.as_ref().unwrap();
        assert_eq!(organization.management_account_id, MANAGEMENT);
        assert_eq!(data.accounts.as_ref().unwrap().len(), 23);
        assert_eq!(
            account(&data, &org.suspended).status,
            AccountStatus::Suspended
        );
        assert_eq!(
            account(&data, &org.members[0]).status,
            AccountStatus::Active
        );
        assert_eq!(
            account(&data, &org.members[0]).ou_path_names().as_deref(),
            Some("Root/Workloads/Prod")
        );
        assert_eq!(
            account(&data, &org.admin).ou_path_names().as_deref(),
            Some("Root/Security")
        );
        assert_eq!(
            account(&data, MANAGEMENT).ou_path_names().as_deref(),
            Some("Root")
        );
        assert_eq!(data.units.len(), 4);

        // SCPs along the chain: the Workloads OU's policy applies to a Prod account.
        let scps = data.scps.as_ref().unwrap();
        assert!(scps.errors.is_empty(), "{:?}", scps.errors);
        let chain = data.scp_chain(&org.members[0]).unwrap();
        assert_eq!(
            chain.len(),
            4,
            "root, Workloads, Prod, the account: {chain:?}"
        );
        assert_eq!(chain[1], org.workloads_ou);
        assert_eq!(chain[2], org.prod_ou);
        assert!(scps.attached[&org.workloads_ou].contains(&org.scp_id));
        assert!(!scps.attached[&org.prod_ou].contains(&org.scp_id));
        let policy = &scps.policies[&org.scp_id];
        assert!(!policy.aws_managed);
        assert!(
            policy
                .content
                .as_deref()
                .unwrap()
                .contains("guardduty:DeleteDetector")
        );

        // GuardDuty, per region.
        assert_eq!(data.regions.len(), 2);
        for region in &data.regions {
            let name = &region.region;
            assert!(region.errors.is_empty(), "{name}: {:?}", region.errors);
            assert!(
                region.own.errors.is_empty(),
                "{name}: {:?}",
                region.own.errors
            );
            let admins = region.admin_accounts.as_ref().unwrap();
            assert_eq!(admins.len(), 1);
            assert_eq!(admins[0].account_id, org.admin);
            assert_eq!(admins[0].status, "ENABLED");
            assert!(region.own.administrator.is_none(), "the admin has no admin");

            let configuration = region.configuration.as_ref().unwrap();
            assert_eq!(configuration.auto_enable_members, Some(AutoEnable::New));
            assert_eq!(configuration.auto_enable_legacy, Some(true));
            let runtime = configuration
                .features
                .iter()
                .find(|f| f.name == "RUNTIME_MONITORING")
                .unwrap();
            assert_eq!(runtime.auto_enable, AutoEnable::New);
            assert_eq!(
                runtime.additional_configuration[0].auto_enable,
                AutoEnable::None
            );

            // Every member, whatever its relationship status (OnlyAssociated=false).
            let members = region.own.members.as_ref().unwrap();
            assert_eq!(members.len(), 20, "{name}");
            let invited = members
                .iter()
                .find(|m| m.account_id == org.invited)
                .unwrap();
            assert_eq!(invited.relationship_status, "Invited");
            assert!(!members.iter().any(|m| m.account_id == org.non_member));

            // Member detectors: 18 Enabled members; the Invited and the suspended account
            // (no detector) come back unprocessed, with AWS's reason.
            let detectors = region.member_detectors.as_ref().unwrap();
            assert_eq!(detectors.len(), 18, "{name}: {:?}", region.unprocessed);
            let unprocessed: Vec<&str> = region
                .unprocessed
                .iter()
                .map(|u| u.account_id.as_str())
                .collect();
            assert_eq!(unprocessed, [org.invited.as_str(), org.suspended.as_str()]);
            assert!(region.unprocessed[0].reason.contains("Invited"));
            assert!(region.member_errors.is_empty());
            let s3 = |id: &str| {
                detectors
                    .iter()
                    .find(|d| d.account_id == id)
                    .unwrap()
                    .features
                    .iter()
                    .find(|f| f.name == "S3_DATA_EVENTS")
                    .unwrap()
                    .status
                    .clone()
            };
            let expected = if name == "eu-west-1" {
                "DISABLED"
            } else {
                "ENABLED"
            };
            assert_eq!(s3(&org.members[4]), expected, "{name}");
            assert_eq!(s3(&org.members[5]), "ENABLED", "{name}");

            // Runtime Monitoring is on, so coverage was read.
            let coverage = region.coverage.as_ref().unwrap();
            assert_eq!(coverage.by_status["UNHEALTHY"], 1);
            assert_eq!(coverage.by_resource_type["EC2"], 4);
        }

        // The whole thing is a snapshot section that reads back the same.
        let text = serde_json::to_string(&data).unwrap();
        let back: OrgData = serde_json::from_str(&text).unwrap();
        assert_eq!(back, data);
    });
}

/// A member account that is not the administrator: the admin lookup and Organizations are
/// denied, and that is recorded as data (could not check), never an empty pass.
#[test]
fn a_plain_member_records_what_it_may_not_read() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto).await;
        let config = config_in(&moto.endpoint, &org.members[0]).await;
        let data = collect_org(
            &config,
            &regions(),
            8,
            OrgOptions::default(),
            &Tick::default(),
        )
        .await;
        assert!(data.accounts.is_none());
        let denied: Vec<&str> = data
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::AccessDenied)
            .map(|e| e.operation.as_str())
            .collect();
        assert!(denied.contains(&"organizations:ListAccounts"), "{denied:?}");
        for region in &data.regions {
            assert!(region.admin_accounts.is_none());
            let error = region
                .errors
                .iter()
                .find(|e| e.operation == "guardduty:ListOrganizationAdminAccounts")
                .unwrap();
            assert_eq!(error.kind, ErrorKind::AccessDenied);
            // Its own view still works: its detector and its administrator.
            assert_eq!(
                region.own.administrator.as_ref().unwrap().account_id,
                org.admin
            );
            assert!(region.configuration.is_none());
        }
    });
}

#[test]
fn the_sweep_assumes_a_role_in_each_account_and_reads_it_there() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto).await;
        let accounts = vec![
            org.members[0].clone(),
            org.members[4].clone(),
            org.invited.clone(),
        ];
        let mut options = SweepOptions::new(RoleSpec::parse("gdaudit-member-read"));
        options.iam = true;
        options.external_id = Some("secret-id".into());
        let sweep = sweep(
            &management_config(&moto.endpoint),
            &accounts,
            &regions(),
            &options,
            &Tick::default(),
        )
        .await;
        assert_eq!(sweep.role, "gdaudit-member-read");
        assert!(sweep.external_id);
        let ids: Vec<&str> = sweep
            .accounts
            .iter()
            .map(|a| a.account_id.as_str())
            .collect();
        assert_eq!(ids, accounts.iter().map(String::as_str).collect::<Vec<_>>());
        for swept in &sweep.accounts {
            assert_eq!(swept.assumed, Assumed::Ok, "{}", swept.account_id);
            let detectors = swept.detectors.as_ref().unwrap();
            assert_eq!(
                detectors
                    .iter()
                    .map(|r| r.region.as_str())
                    .collect::<Vec<_>>(),
                REGIONS
            );
            // The IAM export was read in the account itself: moto gives every account
            // created by Organizations its OrganizationAccountAccessRole.
            let iam = swept.iam.as_ref().unwrap();
            assert!(iam.error.is_none());
            assert!(
                iam.authorization_details
                    .roles
                    .iter()
                    .any(|r| r.arn.contains(&swept.account_id)
                        && r.role_name == "OrganizationAccountAccessRole"),
                "{}",
                swept.account_id
            );
        }
        // Members have a detector in each region, administered by the admin...
        for region in sweep.accounts[1].detectors.as_ref().unwrap() {
            assert!(region.errors.is_empty(), "{:?}", region.errors);
            let detector = &region.detectors.as_ref().unwrap()[0];
            assert!(detector.is_enabled());
            let s3 = detector
                .features
                .iter()
                .find(|f| f.name == "S3_DATA_EVENTS")
                .unwrap();
            let expected = if region.region == "eu-west-1" {
                "DISABLED"
            } else {
                "ENABLED"
            };
            assert_eq!(s3.status, expected);
            assert_eq!(region.administrator.as_ref().unwrap().account_id, org.admin);
        }
        // ...and the Invited account has none: that is read, not an error.
        for region in sweep.accounts[2].detectors.as_ref().unwrap() {
            assert!(region.errors.is_empty(), "{:?}", region.errors);
            assert_eq!(region.detectors.as_deref(), Some(&[][..]));
        }
    });
}
