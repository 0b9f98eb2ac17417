//! `gdaudit changes` and `gdaudit audit` from the APIs against moto. moto's CloudTrail
//! LookupEvents is not implemented (HTTP 500): a region whose events could not be read must be
//! reported as incomplete, never as "no changes".

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{Moto, gdaudit_cmd, json_stdout};

const ACCOUNT: &str = "111122223333";

#[test]
fn unreadable_cloudtrail_is_incomplete_not_no_changes() {
    let moto = Moto::start(ACCOUNT);
    let output = gdaudit_cmd(&moto.endpoint)
        .args([
            "changes",
            "--regions",
            "us-east-1,eu-west-1",
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{doc:#}");
    assert_eq!(doc["summary"]["incomplete"], true);
    for region in doc["regions"].as_array().unwrap() {
        assert_eq!(region["state"], "error", "{doc:#}");
        assert_eq!(
            region["error"]["operation"], "cloudtrail:LookupEvents",
            "{doc:#}"
        );
    }
}

#[test]
fn audit_reads_everything_in_one_pass_and_reports_what_it_could_not() {
    let moto = Moto::start(ACCOUNT);
    common::block_on(async {
        moto.guardduty("us-east-1")
            .create_detector()
            .enable(true)
            .send()
            .await
            .unwrap();
        // An account always has roles; an export with none is reported as suspicious.
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::Config::builder()
                .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
                .endpoint_url(&moto.endpoint)
                .region(aws_sdk_iam::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_iam::config::Credentials::new(
                    "testing", "testing", None, None, "test",
                ))
                .build(),
        );
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        iam.create_role()
            .role_name("app")
            .assume_role_policy_document(trust)
            .send()
            .await
            .unwrap();
    });
    let output = gdaudit_cmd(&moto.endpoint)
        .args([
            "audit",
            "--regions",
            "us-east-1",
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    // Detectors and IAM were read; CloudTrail was not (moto): incomplete, exit 3.
    assert_eq!(output.status.code(), Some(3), "{doc:#}");
    assert_eq!(doc["regions"][0]["state"], "enabled", "{doc:#}");
    assert_eq!(doc["permissions"]["source"], "api", "{doc:#}");
    let reasons = doc["summary"]["incomplete_reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .all(|r| r.as_str().unwrap().starts_with("changes: ")),
        "{reasons:?}"
    );
    assert!(!reasons.is_empty());
}
