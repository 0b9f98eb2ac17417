//! Trusted and threat entity sets, wildcard suppression rules and `--read-lists` against
//! moto: the entity sets come from the launcher's shims (tests/support/moto.py), the rule
//! with a `Matches` criterion is created in moto's own GuardDuty, and the lists' content is
//! read from moto's own S3 (the real part), seeded here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_guardduty::types::{Condition, FilterAction, FindingCriteria};
use common::{Moto, describe, gdaudit_cmd, json_stdout};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const BUCKET: &str = "corp-lists";

fn seed() -> Value {
    json!({"regions": {REGION: {
        "ip_sets": [{"id": "trusted1", "name": "office", "status": "ACTIVE",
                     "location": format!("https://{BUCKET}.s3.{REGION}.amazonaws.com/office.txt")}],
        "trusted_entity_sets": [
            {"id": "entities1", "name": "partners", "status": "ACTIVE",
             "location": format!("s3://{BUCKET}/partners.txt")},
            {"id": "entities2", "name": "vanished", "status": "ACTIVE",
             "location": format!("s3://{BUCKET}/missing.txt")}
        ],
        "threat_entity_sets": [{"id": "threats1", "name": "feed", "status": "ERROR",
                                "location": format!("s3://{BUCKET}/feed.txt")}]
    }}})
}

fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&moto.endpoint)
            .region(Region::new(REGION))
            .force_path_style(true)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .build(),
    )
}

/// A detector with a suppression rule whose only criterion is a wildcard on the finding
/// type, and the list objects in S3 (all but `missing.txt`).
fn seeded() -> Moto {
    let moto = Moto::start_seeded(ACCOUNT, &seed());
    common::block_on(async {
        let gd = moto.guardduty(REGION);
        let detector = gd
            .create_detector()
            .enable(true)
            .send()
            .await
            .expect("seed CreateDetector")
            .detector_id()
            .unwrap()
            .to_owned();
        gd.create_filter()
            .detector_id(&detector)
            .name("hide-backdoors")
            .action(FilterAction::Archive)
            .rank(1)
            .finding_criteria(
                FindingCriteria::builder()
                    .criterion("type", Condition::builder().matches("Backdoor:*").build())
                    .build(),
            )
            .send()
            .await
            .expect("seed CreateFilter with a wildcard criterion");
        let s3 = s3(&moto);
        s3.create_bucket()
            .bucket(BUCKET)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                    .build(),
            )
            .send()
            .await
            .expect("seed CreateBucket");
        for (key, body) in [
            ("office.txt", "# office ranges\n203.0.113.0/24\n0.0.0.0/0\n"),
            ("partners.txt", "partner.example\n198.51.100.7\n"),
            ("feed.txt", "0.0.0.0/0\n"),
        ] {
            s3.put_object()
                .bucket(BUCKET)
                .key(key)
                .body(body.as_bytes().to_vec().into())
                .send()
                .await
                .expect("seed PutObject");
        }
    });
    moto
}

fn detectors(moto: &Moto, extra: &[&str]) -> std::process::Output {
    gdaudit_cmd(&moto.endpoint)
        .args([
            "detectors",
            "--regions",
            REGION,
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
        .args(extra)
        .output()
        .expect("run gdaudit")
}

fn findings<'a>(doc: &'a Value, check: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn lists(doc: &Value) -> Vec<Value> {
    doc["detectors"][0]["configuration"]["lists"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn entity_sets_and_a_wildcard_rule_are_read_and_judged() {
    let moto = seeded();
    let output = detectors(&moto, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let doc = json_stdout(&output);
    // Without --read-lists no list object is fetched: nothing is incomplete, although one
    // object does not exist.
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");

    let rule = findings(&doc, "suppression-rule-hides-high");
    assert_eq!(rule.len(), 1, "{doc:#}");
    assert_eq!(rule[0]["resource"], "hide-backdoors");
    assert_eq!(
        rule[0]["severity"], "high",
        "no attack sequence matches Backdoor:*"
    );
    assert_eq!(
        rule[0]["details"]["criteria"]["type"]["matches"],
        json!(["Backdoor:*"])
    );

    let mut trusted: Vec<String> = findings(&doc, "trusted-list-active")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["details"]["kind"].as_str().unwrap(),
                f["resource"].as_str().unwrap()
            )
        })
        .collect();
    trusted.sort();
    assert_eq!(
        trusted,
        [
            "trusted-entity-set entities1",
            "trusted-entity-set entities2",
            "trusted-ip-list trusted1"
        ]
    );
    let threat = findings(&doc, "threat-list-not-active");
    assert_eq!(threat.len(), 1);
    assert_eq!(threat[0]["details"]["kind"], "threat-entity-set");
    assert!(findings(&doc, "trusted-list-too-broad").is_empty());
    assert!(lists(&doc).iter().all(|l| l.get("content").is_none()));
}

#[test]
fn read_lists_counts_entries_names_broad_ones_and_a_missing_object_is_incomplete() {
    let moto = seeded();
    let output = detectors(&moto, &["--read-lists"]);
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let doc = json_stdout(&output);
    assert_eq!(doc["summary"]["incomplete"], true);
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("s3:GetObject") && reasons.contains("s3://corp-lists/missing.txt"),
        "{reasons}"
    );

    // The readable lists are still judged.
    let broad = findings(&doc, "trusted-list-too-broad");
    assert_eq!(broad.len(), 1, "{doc:#}");
    assert_eq!(broad[0]["resource"], "trusted1");
    assert_eq!(broad[0]["severity"], "high");
    assert_eq!(broad[0]["details"]["broad_entries"], json!(["0.0.0.0/0"]));
    assert_eq!(broad[0]["details"]["entries"], 2);

    let by_id = |id: &str| {
        lists(&doc)
            .into_iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no list {id}"))
    };
    let partners = by_id("entities1");
    assert_eq!(partners["content"]["entries"], 2, "{partners:#}");
    assert_eq!(partners["content"]["domain_entries"], 1);
    assert_eq!(by_id("trusted1")["content"]["ip_entries"], 2);
    // Lists not in force are not read; the missing one has no content.
    assert!(by_id("threats1").get("content").is_none());
    assert!(by_id("entities2").get("content").is_none());
}

#[test]
fn a_list_larger_than_the_bound_is_reported_not_read() {
    let moto = seeded();
    let output = detectors(&moto, &["--read-lists", "--max-list-size", "20"]);
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let doc = json_stdout(&output);
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("office.txt") && reasons.contains("--max-list-size"),
        "{reasons}"
    );
    // partners.txt (30 bytes) is over 20 too; nothing was judged as broad.
    assert!(findings(&doc, "trusted-list-too-broad").is_empty());
}

#[test]
fn read_lists_takes_no_snapshot() {
    let output = common::gdaudit_offline()
        .args(["detectors", "--read-lists", "--snapshot", "snap.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
}
