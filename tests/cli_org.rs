//! `gdaudit detectors --org` and `--assume-role`, the real binary against moto (Organizations,
//! STS and each account's GuardDuty for real; GuardDuty's organization reads from the
//! project's emulator layer, tests/support/moto.py).
//!
//! The organization: a management account, a delegated administrator (Security OU) and 21
//! accounts under Workloads/Prod and Sandbox: 16 Enabled members (one with S3 Protection
//! off in eu-west-1), one whose monitoring was stopped (relationship `Disabled`: suspended),
//! one Invited, one Removed, one not a member, and one closed account; organization
//! auto-enable NEW in every region.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_guardduty::types::{
    DetectorAdditionalConfiguration, DetectorFeature, DetectorFeatureConfiguration,
    FeatureAdditionalConfiguration, FeatureStatus,
};
use aws_sdk_organizations::types::OrganizationFeatureSet;
use common::Moto;
use common::org::{config_in, create_account, management_config, seed_guardduty_org};
use serde_json::{Value, json};

const MANAGEMENT: &str = "111111111111";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

struct Org {
    admin: String,
    members: Vec<String>,
    suspended_member: String,
    invited: String,
    removed: String,
    non_member: String,
    closed: String,
}

/// Every plan on, except S3 when `s3_on` is false.
fn features(s3_on: bool) -> Value {
    json!([
        {"name": "CLOUD_TRAIL", "status": "ENABLED"},
        {"name": "DNS_LOGS", "status": "ENABLED"},
        {"name": "FLOW_LOGS", "status": "ENABLED"},
        {"name": "S3_DATA_EVENTS", "status": if s3_on {"ENABLED"} else {"DISABLED"}},
        {"name": "EKS_AUDIT_LOGS", "status": "ENABLED"},
        {"name": "EBS_MALWARE_PROTECTION", "status": "ENABLED"},
        {"name": "RDS_LOGIN_EVENTS", "status": "ENABLED"},
        {"name": "LAMBDA_NETWORK_LOGS", "status": "ENABLED"},
        {"name": "RUNTIME_MONITORING", "status": "ENABLED", "additionalConfiguration": [
            {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"},
            {"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"},
            {"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}]}
    ])
}

/// The administrator's own detector, every plan on, in `region`.
async fn admin_detector(endpoint: &str, admin: &str, region: &str) {
    let config = config_in(endpoint, admin).await;
    let gd = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&config)
            .region(aws_config::Region::new(region.to_owned()))
            .build(),
    );
    let mut create = gd.create_detector().enable(true);
    for plan in [
        DetectorFeature::S3DataEvents,
        DetectorFeature::EksAuditLogs,
        DetectorFeature::EbsMalwareProtection,
        DetectorFeature::RdsLoginEvents,
        DetectorFeature::LambdaNetworkLogs,
        DetectorFeature::RuntimeMonitoring,
    ] {
        let mut feature = DetectorFeatureConfiguration::builder()
            .name(plan.clone())
            .status(FeatureStatus::Enabled);
        if plan == DetectorFeature::RuntimeMonitoring {
            for extra in [
                FeatureAdditionalConfiguration::EksAddonManagement,
                FeatureAdditionalConfiguration::EcsFargateAgentManagement,
                FeatureAdditionalConfiguration::Ec2AgentManagement,
            ] {
                feature = feature.additional_configuration(
                    DetectorAdditionalConfiguration::builder()
                        .name(extra)
                        .status(FeatureStatus::Enabled)
                        .build(),
                );
            }
        }
        create = create.features(feature.build());
    }
    create.send().await.expect("CreateDetector");
}

/// Creates `role` in `account` (IAM, through the seeding role).
async fn create_role(endpoint: &str, account: &str, role: &str) {
    let config = config_in(endpoint, account).await;
    aws_sdk_iam::Client::new(&config)
        .create_role()
        .role_name(role)
        .assume_role_policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{MANAGEMENT}:root")},
                "Action": "sts:AssumeRole"}]})
            .to_string(),
        )
        .send()
        .await
        .expect("CreateRole");
}

async fn seed(moto: &Moto, deny_admin_lookup_in: Option<&str>) -> Org {
    seed_with(moto, deny_admin_lookup_in, None).await
}

/// With `roles`: the role to create in every active account but the one named, and
/// sts:AssumeRole then refused for a role that does not exist.
async fn seed_with(
    moto: &Moto,
    deny_admin_lookup_in: Option<&str>,
    roles: Option<(&str, usize)>,
) -> Org {
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
    let mut ous: Vec<String> = Vec::new();
    for (name, parent) in [
        ("Security", None),
        ("Workloads", None),
        ("Prod", Some(1)),
        ("Sandbox", Some(1)),
    ] {
        let parent_id: String = match parent {
            None => root.clone(),
            Some(i) => ous[i as usize].clone(),
        };
        let id = org
            .create_organizational_unit()
            .parent_id(parent_id)
            .name(name)
            .send()
            .await
            .unwrap()
            .organizational_unit()
            .unwrap()
            .id()
            .unwrap()
            .to_owned();
        ous.push(id);
    }
    let mut ids = Vec::new();
    for i in 0..22 {
        let id = create_account(&org, &format!("acct-{i:02}")).await;
        let target = match i {
            0 => &ous[0],
            1..=12 => &ous[2],
            _ => &ous[3],
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
    let closed = ids[21].clone();
    org.close_account()
        .account_id(&closed)
        .send()
        .await
        .unwrap();
    for region in REGIONS {
        admin_detector(endpoint, &admin, region).await;
    }
    let members: Vec<String> = ids[1..17].to_vec();
    let suspended_member = ids[17].clone();
    let invited = ids[18].clone();
    let removed = ids[19].clone();
    let non_member = ids[20].clone();
    let mut regions = serde_json::Map::new();
    for region in REGIONS {
        let mut listed: Vec<Value> = members
            .iter()
            .enumerate()
            .map(|(i, id)| {
                json!({"account_id": id, "relationship_status": "Enabled",
                       "features": features(!(i == 4 && region == "eu-west-1"))})
            })
            .collect();
        listed.push(json!({"account_id": suspended_member, "relationship_status": "Disabled"}));
        listed.push(json!({"account_id": invited, "relationship_status": "Invited"}));
        listed.push(json!({"account_id": removed, "relationship_status": "Removed"}));
        let mut state = json!({
            "admin": admin,
            "auto_enable_members": "NEW",
            "features": [{"name": "S3_DATA_EVENTS", "auto_enable": "NEW"},
                         {"name": "RUNTIME_MONITORING", "auto_enable": "NEW"}],
            "members": listed,
        });
        if deny_admin_lookup_in == Some(region) {
            state["deny"] = json!(["ListOrganizationAdminAccounts"]);
        }
        regions.insert(region.to_owned(), state);
    }
    let mut state = json!({ "regions": regions });
    if let Some((role, without)) = roles {
        for (i, account) in std::iter::once(MANAGEMENT.to_owned())
            .chain(ids[..21].iter().cloned())
            .enumerate()
        {
            if i != without {
                create_role(endpoint, &account, role).await;
            }
        }
        state["require_roles"] = json!(true);
    }
    seed_guardduty_org(endpoint, &state);
    Org {
        admin,
        members,
        suspended_member,
        invited,
        removed,
        non_member,
        closed,
    }
}

/// The binary with the credentials of `account` (assumed from the management account).
async fn gdaudit_as(moto: &Moto, account: &str) -> assert_cmd::Command {
    let config = config_in(&moto.endpoint, account).await;
    let creds = config
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    let mut cmd = common::gdaudit_cmd(&moto.endpoint);
    cmd.env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            creds.session_token().unwrap_or_default(),
        )
        .args(["--regions", &REGIONS.join(",")]);
    cmd
}

fn cell<'a>(doc: &'a Value, account: &str, region: &str) -> &'a Value {
    let row = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == account)
        .unwrap_or_else(|| panic!("account {account} not in the matrix"));
    row["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"] == region)
        .unwrap()
}

fn findings_of<'a>(doc: &'a Value, check: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

#[test]
fn the_delegated_administrator_reports_every_account() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto, None).await;
        let out = gdaudit_as(&moto, &org.admin)
            .await
            .args(["detectors", "--org", "-o", "json"])
            .output()
            .unwrap();
        let doc = common::json_stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{}", common::describe(&out));
        // Every active account is a row; the closed one is left out and named.
        let rows = doc["accounts"].as_array().unwrap();
        assert_eq!(rows.len(), 22, "management + 21 active accounts");
        assert!(rows.iter().all(|r| r["id"] != org.closed.as_str()));
        assert_eq!(
            doc["organization"]["left_out"][0]["id"],
            org.closed.as_str()
        );
        for region in REGIONS {
            assert_eq!(cell(&doc, &org.members[0], region)["state"], "enabled");
            assert_eq!(
                cell(&doc, &org.suspended_member, region)["state"],
                "suspended"
            );
            assert_eq!(cell(&doc, &org.invited, region)["state"], "not-enabled");
            assert_eq!(cell(&doc, &org.removed, region)["state"], "not-enabled");
            assert_eq!(cell(&doc, &org.non_member, region)["state"], "not-member");
            assert_eq!(cell(&doc, &org.admin, region)["state"], "enabled");
        }
        assert_eq!(
            cell(&doc, &org.members[4], "eu-west-1")["state"],
            "plan-off"
        );
        assert_eq!(cell(&doc, &org.members[4], "us-east-1")["state"], "enabled");

        let not_member: Vec<&str> = findings_of(&doc, "org-account-not-member")
            .iter()
            .map(|f| f["account"].as_str().unwrap())
            .collect();
        assert!(
            not_member.contains(&org.non_member.as_str()),
            "{not_member:?}"
        );
        assert!(
            not_member.contains(&MANAGEMENT),
            "the management account is not a member either"
        );
        let not_enabled: Vec<&Value> = findings_of(&doc, "org-member-not-enabled");
        assert_eq!(not_enabled.len(), 3, "suspended, invited, removed");
        assert!(not_enabled.iter().all(|f| f["severity"] == "high"));
        let suspended = not_enabled
            .iter()
            .find(|f| f["account"] == org.suspended_member.as_str())
            .unwrap();
        assert!(suspended["title"].as_str().unwrap().contains("suspended"));
        let s3 = findings_of(&doc, "s3-protection-off");
        assert_eq!(s3.len(), 1);
        assert_eq!(s3[0]["account"], org.members[4].as_str());
        assert_eq!(s3[0]["region"], "eu-west-1");
        assert_eq!(s3[0]["severity"], "high");
        let new = findings_of(&doc, "org-auto-enable-new");
        assert_eq!(new.len(), 2, "one per region");
        assert!(new.iter().all(|f| f["severity"] == "medium"));
        assert!(findings_of(&doc, "org-administrator-missing").is_empty());
        // Fingerprints tell accounts apart.
        let prints: std::collections::HashSet<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(prints.len(), doc["findings"].as_array().unwrap().len());
        assert_eq!(doc["summary"]["incomplete"], false, "{doc}");

        // The table: a matrix with a legend, within 120 columns.
        let out = gdaudit_as(&moto, &org.admin)
            .await
            .args(["detectors", "--org", "--width", "120"])
            .output()
            .unwrap();
        let table = String::from_utf8(out.stdout).unwrap();
        assert!(table.contains("Legend:"), "{table}");
        assert!(table.contains("Root/Workloads/Prod"), "{table}");
        assert!(table.lines().all(|l| l.chars().count() <= 120), "{table}");
    });
}

#[test]
fn a_denied_administrator_lookup_is_incomplete_naming_the_region() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto, Some("eu-west-1")).await;
        let out = gdaudit_as(&moto, &org.admin)
            .await
            .args(["detectors", "--org", "-o", "json", "--fail-on", "never"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", common::describe(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("eu-west-1") && stderr.contains("ListOrganizationAdminAccounts"),
            "{stderr}"
        );
        // The region that answered is still judged.
        let doc = common::json_stdout(&out);
        assert_eq!(
            cell(&doc, &org.non_member, "us-east-1")["state"],
            "not-member"
        );
    });
}

#[test]
fn a_member_account_is_not_the_administrator_and_says_so() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let org = seed(&moto, None).await;
        // Run from an ordinary member: its view of the organization is not the admin's.
        let out = gdaudit_as(&moto, &org.members[0])
            .await
            .args(["detectors", "--org", "-o", "json", "--fail-on", "never"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", common::describe(&out));
        // Never a pass, and no account reported as "not a member" from a view that cannot tell.
        let doc = common::json_stdout(&out);
        assert!(findings_of(&doc, "org-account-not-member").is_empty());
    });
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_named_and_never_skipped() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        // Every active account has the role but acct-05 (index 6: the management account
        // comes first).
        let org = seed_with(&moto, None, Some(("gdaudit-read", 6))).await;
        let missing = org.members[4].clone();
        let out = common::gdaudit_cmd(&moto.endpoint)
            .args(["--regions", &REGIONS.join(",")])
            .args([
                "detectors",
                "--org",
                "--assume-role",
                "gdaudit-read",
                "-o",
                "json",
                "--fail-on",
                "never",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", common::describe(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&missing) && stderr.contains("could not assume"),
            "{stderr}"
        );
        let doc = common::json_stdout(&out);
        assert_eq!(doc["organization"]["mode"], "assume-role");
        // Still a row, every cell "could not check"; the others were read.
        for region in REGIONS {
            assert_eq!(cell(&doc, &missing, region)["state"], "could-not-check");
            assert_eq!(cell(&doc, &org.admin, region)["state"], "enabled");
            // Members have no detector of their own in this emulator: the sweep says so.
            assert_eq!(cell(&doc, &org.members[0], region)["state"], "no-detector");
        }
        assert_eq!(doc["accounts"].as_array().unwrap().len(), 22);
    });
}
