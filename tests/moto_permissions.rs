//! `gdaudit permissions` reading IAM from the API (iam:GetAccountAuthorizationDetails,
//! every page) against moto, seeded with users, groups, roles and managed policies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};
use common::{Moto, gdaudit_cmd, json_stdout};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";

fn iam(moto: &Moto) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&moto.endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .build(),
    )
}

fn doc(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

async fn seed(iam: &aws_sdk_iam::Client) {
    // A developer with an inline grant of all of GuardDuty.
    iam.create_user().user_name("dev").send().await.unwrap();
    iam.put_user_policy()
        .user_name("dev")
        .policy_name("gd")
        .policy_document(doc(
            json!([{"Effect": "Allow", "Action": "guardduty:*", "Resource": "*"}]),
        ))
        .send()
        .await
        .unwrap();
    // An analyst who gets ArchiveFindings through a group's managed policy, under MFA.
    let policy = iam
        .create_policy()
        .policy_name("archive-with-mfa")
        .policy_document(doc(json!([{
            "Sid": "ArchiveWithMfa", "Effect": "Allow", "Action": "guardduty:ArchiveFindings", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        }])))
        .send()
        .await
        .unwrap();
    let arn = policy.policy().unwrap().arn().unwrap().to_owned();
    iam.create_group()
        .group_name("analysts")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("analysts")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("ana").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("analysts")
        .user_name("ana")
        .send()
        .await
        .unwrap();
    // The security team's role, privileged by the --privileged glob.
    let trust = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]),
    );
    iam.create_role()
        .role_name("gd-admin")
        .path("/security/")
        .assume_role_policy_document(&trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("gd-admin")
        .policy_name("gd")
        .policy_document(doc(
            json!([{"Effect": "Allow", "Action": "guardduty:*", "Resource": "*"}]),
        ))
        .send()
        .await
        .unwrap();
    // A reader: nothing to report.
    iam.create_role()
        .role_name("reader")
        .assume_role_policy_document(&trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("reader")
        .policy_name("ro")
        .policy_document(doc(json!([{"Effect": "Allow", "Action": ["guardduty:Get*", "guardduty:List*"], "Resource": "*"}])))
        .send()
        .await
        .unwrap();
}

#[test]
fn the_api_path_judges_every_principal() {
    let moto = Moto::start(ACCOUNT);
    common::block_on(seed(&iam(&moto)));
    let output = gdaudit_cmd(&moto.endpoint)
        .args([
            "permissions",
            "-o",
            "json",
            "--privileged",
            "arn:aws:iam::*:role/security/*",
        ])
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{doc:#}");
    assert_eq!(doc["account"], ACCOUNT);
    assert_eq!(doc["permissions"]["source"], "api");
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");
    let by_arn: std::collections::BTreeMap<String, &Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["resource"].as_str().unwrap().to_owned(), f))
        .collect();
    let keys: Vec<&str> = by_arn.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            format!("arn:aws:iam::{ACCOUNT}:user/ana"),
            format!("arn:aws:iam::{ACCOUNT}:user/dev")
        ]
    );
    let dev = by_arn[&format!("arn:aws:iam::{ACCOUNT}:user/dev")];
    assert_eq!(dev["severity"], "high");
    assert_eq!(dev["details"]["actions"].as_array().unwrap().len(), 57);
    let ana = by_arn[&format!("arn:aws:iam::{ACCOUNT}:user/ana")];
    assert_eq!(
        ana["severity"], "low",
        "every grant is conditional: {ana:#}"
    );
    let action = &ana["details"]["actions"][0];
    assert_eq!(action["action"], "guardduty:ArchiveFindings");
    assert_eq!(action["conditional"], true);
    assert_eq!(action["granted_by"][0]["statement"], "ArchiveWithMfa");
    let privileged = doc["permissions"]["privileged"].to_string();
    assert!(
        privileged.contains("role/security/gd-admin"),
        "{privileged}"
    );
}

/// Trust policies come from the API too: a contractor who may assume the ops role (trusting
/// the account) reaches what the role holds; a role trusting only a service the contractor
/// cannot drive is not a path.
#[test]
fn the_api_path_reads_trust_policies_for_access_paths() {
    let moto = Moto::start(ACCOUNT);
    let client = iam(&moto);
    common::block_on(async {
        let trust = doc(json!([{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]));
        client
            .create_role()
            .role_name("ops-automation")
            .assume_role_policy_document(&trust)
            .send()
            .await
            .unwrap();
        client
            .put_role_policy()
            .role_name("ops-automation")
            .policy_name("ops")
            .policy_document(doc(json!([{"Sid": "Operate", "Effect": "Allow",
                "Action": "guardduty:UpdateDetector", "Resource": "*"}])))
            .send()
            .await
            .unwrap();
        let lambda_trust = doc(json!([{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]));
        client
            .create_role()
            .role_name("fn-role")
            .assume_role_policy_document(&lambda_trust)
            .send()
            .await
            .unwrap();
        client
            .put_role_policy()
            .role_name("fn-role")
            .policy_name("gd")
            .policy_document(doc(
                json!([{"Effect": "Allow", "Action": "guardduty:DeleteDetector", "Resource": "*"}]),
            ))
            .send()
            .await
            .unwrap();
        client
            .create_user()
            .user_name("contractor")
            .send()
            .await
            .unwrap();
        client
            .put_user_policy()
            .user_name("contractor")
            .policy_name("assume-ops")
            .policy_document(doc(json!([
                {"Sid": "AssumeOps", "Effect": "Allow", "Action": "sts:AssumeRole",
                 "Resource": format!("arn:aws:iam::{ACCOUNT}:role/ops-automation")},
                {"Sid": "PassAnything", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
            ])))
            .send()
            .await
            .unwrap();
    });
    let output = gdaudit_cmd(&moto.endpoint)
        .args(["permissions", "-o", "json"])
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{doc:#}");
    let indirect: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "indirect-write-access")
        .collect();
    assert_eq!(indirect.len(), 1, "{doc:#}");
    let f = indirect[0];
    assert_eq!(
        f["resource"],
        format!("arn:aws:iam::{ACCOUNT}:user/contractor")
    );
    assert_eq!(f["severity"], "high");
    let details = &f["details"];
    assert_eq!(
        details["actions"],
        json!([{"action": "guardduty:UpdateDetector", "conditional": false}])
    );
    let step = &details["path"][0];
    assert_eq!(step["method"], "assume-role");
    assert_eq!(
        step["to"],
        format!("arn:aws:iam::{ACCOUNT}:role/ops-automation")
    );
    assert_eq!(step["allowed_by"][0]["statement"], "AssumeOps");
    assert_eq!(step["allowed_by"][1]["policy"], "trust/ops-automation");
}
