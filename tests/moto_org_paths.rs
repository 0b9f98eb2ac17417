//! `gdaudit audit --org --assume-role`: access paths across the organization's accounts,
//! the real binary against moto (Organizations, STS AssumeRole into each account, and each
//! account's IAM export read there).
//!
//! A contractor in one account may assume `ops-automation` in another, whose trust policy
//! lets the first account in and which may update detectors; a bystander in the first
//! account has no sts:AssumeRole of its own.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::Moto;
use common::org::{config_in, create_account, management_config};
use serde_json::{Value, json};

const MANAGEMENT: &str = "111111111111";

fn doc(statement: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

fn trusting(account: &str) -> String {
    doc(
        json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
               "Action": "sts:AssumeRole"}),
    )
}

async fn iam_in(endpoint: &str, account: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config_in(endpoint, account).await)
}

#[test]
fn a_role_in_one_account_trusting_another_is_a_step_in_the_org_sweep() {
    let moto = Moto::start_multi_account(MANAGEMENT);
    common::block_on(async {
        let endpoint = moto.endpoint.as_str();
        let org = aws_sdk_organizations::Client::new(&management_config(endpoint));
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap();
        let dev = create_account(&org, "dev").await;
        let ops = create_account(&org, "ops").await;
        // The role gdaudit reads each account through.
        for account in [MANAGEMENT, dev.as_str(), ops.as_str()] {
            iam_in(endpoint, account)
                .await
                .create_role()
                .role_name("gdaudit-read")
                .assume_role_policy_document(trusting(MANAGEMENT))
                .send()
                .await
                .unwrap();
        }
        let dev_iam = iam_in(endpoint, &dev).await;
        for user in ["contractor", "bystander"] {
            dev_iam.create_user().user_name(user).send().await.unwrap();
        }
        dev_iam
            .put_user_policy()
            .user_name("contractor")
            .policy_name("cross-account")
            .policy_document(doc(json!({"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": format!("arn:aws:iam::{ops}:role/ops-automation")})))
            .send()
            .await
            .unwrap();
        let ops_iam = iam_in(endpoint, &ops).await;
        ops_iam
            .create_role()
            .role_name("ops-automation")
            .assume_role_policy_document(trusting(&dev))
            .send()
            .await
            .unwrap();
        ops_iam
            .put_role_policy()
            .role_name("ops-automation")
            .policy_name("guardduty")
            .policy_document(doc(json!({"Effect": "Allow",
                "Action": "guardduty:UpdateDetector", "Resource": "*"})))
            .send()
            .await
            .unwrap();

        // The management account's own credentials.
        let out = common::gdaudit_cmd(endpoint)
            .args(["--regions", "us-east-1"])
            .args([
                "audit",
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
        let doc = common::json_stdout(&out);
        let indirect: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", common::describe(&out)))
            .iter()
            .filter(|f| f["check"] == "indirect-write-access")
            .collect();
        let contractor = format!("arn:aws:iam::{dev}:user/contractor");
        let found: Vec<&&Value> = indirect
            .iter()
            .filter(|f| f["resource"] == contractor.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{indirect:#?}");
        let f = found[0];
        assert_eq!(f["account"], dev.as_str());
        assert_eq!(f["severity"], "high");
        let details = &f["details"];
        assert_eq!(details["reached_in_account"], ops.as_str());
        assert_eq!(details["path_action"], "guardduty:UpdateDetector");
        let path = details["path"].as_array().unwrap();
        assert_eq!(path.len(), 1);
        assert_eq!(path[0]["method"], "assume-role");
        assert_eq!(
            path[0]["to"],
            format!("arn:aws:iam::{ops}:role/ops-automation").as_str()
        );
        // Without sts:AssumeRole of its own, the bystander is not let in by the trust of its
        // account's root.
        assert!(
            indirect
                .iter()
                .all(|f| f["resource"] != format!("arn:aws:iam::{dev}:user/bystander").as_str()),
            "{indirect:#?}"
        );
    });
}
