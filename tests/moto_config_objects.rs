//! `gdaudit detectors` against moto seeded with what can be configured *inside* GuardDuty
//! (issue 12): a suppression rule archiving severity >= 7, an ACTIVE trusted IP list, a
//! threat list in ERROR, a stopped publishing destination, a Malware Protection plan in
//! ERROR and three High findings two days old, each reported with its severity, while a
//! region with only healthy objects stays clean; and a denied ListFilters is "could not
//! check" with exit 3.
//!
//! moto 5.2.5 serves CreateFilter/GetFilter itself (the rule is seeded through the SDK);
//! the rest comes from the launcher's shims, seeded per region (tests/support/moto.py).
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_guardduty::types::{
    Condition, FilterAction, FindingCriteria, FindingPublishingFrequency,
};
use common::{Moto, describe, gdaudit_cmd, json_stdout};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
/// eu-west-1 carries one of each problem; us-east-1 has healthy objects only.
const REGIONS: &str = "us-east-1,eu-west-1";

fn seed() -> Value {
    json!({"regions": {
        "eu-west-1": {
            "ip_sets": [{"id": "trusted1", "name": "office", "status": "ACTIVE",
                         "location": "s3://corp-lists/office.txt"}],
            "threat_intel_sets": [{"id": "threat1", "name": "feed", "status": "ERROR",
                                   "location": "s3://corp-lists/feed.txt"}],
            "publishing_destinations": [{"id": "dest1", "status": "STOPPED",
                                         "destinationArn": "arn:aws:s3:::findings-archive",
                                         "kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/k1"}],
            "malware_protection_plans": [{"id": "plan1", "status": "ERROR", "bucket": "uploads",
                                          "statusReasons": [{"code": "AccessDenied", "message": "role cannot read"}]}],
            "findings": [
                {"severity": 8.0, "age_days": 2},
                {"severity": 7.0, "age_days": 2},
                {"severity": 8.9, "age_days": 2, "type": "UnauthorizedAccess:EC2/SSHBruteForce"},
                {"severity": 8.0, "age_days": 0.1},
                {"severity": 5.0, "age_days": 2},
                {"severity": 3.9, "age_days": 31, "type": "Recon:EC2/Portscan"},
                {"severity": 9.0, "age_days": 5, "archived": true}
            ]
        },
        "us-east-1": {
            "ip_sets": [{"id": "trusted0", "name": "old-office", "status": "INACTIVE"}],
            "threat_intel_sets": [{"id": "threat0", "name": "feed", "status": "ACTIVE"}],
            "publishing_destinations": [{"id": "dest0", "status": "PUBLISHING",
                                         "destinationArn": "arn:aws:s3:::findings",
                                         "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k0"}],
            "malware_protection_plans": [{"id": "plan0", "status": "ACTIVE", "bucket": "inbox"}],
            "findings": [{"severity": 8.0, "age_days": 0.1}, {"severity": 2.0, "age_days": 10}]
        }
    }})
}

async fn create_detector(moto: &Moto, region: &str) -> String {
    moto.guardduty(region)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .send()
        .await
        .unwrap_or_else(|e| panic!("seed CreateDetector in {region}: {e:?}"))
        .detector_id()
        .expect("a detector id")
        .to_owned()
}

async fn create_filter(moto: &Moto, region: &str, detector: &str, name: &str, severity: Condition) {
    moto.guardduty(region)
        .create_filter()
        .detector_id(detector)
        .name(name)
        .action(FilterAction::Archive)
        .rank(1)
        .finding_criteria(
            FindingCriteria::builder()
                .criterion("severity", severity)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("seed CreateFilter in {region}: {e:?}"));
}

/// Both regions with a detector and a suppression rule: in eu-west-1 one archiving
/// severity >= 7, in us-east-1 one archiving below 4 only.
fn seeded(seed: &Value) -> Moto {
    let moto = Moto::start_seeded(ACCOUNT, seed);
    common::block_on(async {
        let eu = create_detector(&moto, "eu-west-1").await;
        #[allow(deprecated)]
        let high = Condition::builder().gte(7).build();
        create_filter(&moto, "eu-west-1", &eu, "hide-high", high).await;
        let us = create_detector(&moto, "us-east-1").await;
        let low = Condition::builder().less_than(4).build();
        create_filter(&moto, "us-east-1", &us, "hide-low-noise", low).await;
    });
    moto
}

fn detectors_json(endpoint: &str) -> std::process::Output {
    gdaudit_cmd(endpoint)
        .args(["detectors", "--regions", REGIONS, "-o", "json"])
        .output()
        .expect("run gdaudit")
}

/// (check, severity) of every finding in `region`, leaving out the detector checks that
/// the minimal seeded detector trips (plans off, not centrally managed).
fn object_findings(doc: &Value, region: &str) -> BTreeSet<(String, String)> {
    const OBJECT_CHECKS: &[&str] = &[
        "suppression-rule-hides-high",
        "trusted-list-active",
        "threat-list-not-active",
        "publishing-destination-unhealthy",
        "malware-protection-plan-unhealthy",
        "findings-unhandled",
    ];
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["region"] == region && OBJECT_CHECKS.contains(&f["check"].as_str().unwrap()))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn finding<'a>(doc: &'a Value, region: &str, check: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["region"] == region && f["check"] == check)
        .unwrap_or_else(|| panic!("no {check} in {region}: {doc:#}"))
}

#[test]
fn each_seeded_problem_is_reported_with_its_severity_and_the_healthy_region_is_clean() {
    let moto = seeded(&seed());
    let output = detectors_json(&moto.endpoint);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let doc = json_stdout(&output);
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");

    let expected: BTreeSet<(String, String)> = [
        ("suppression-rule-hides-high", "critical"),
        ("trusted-list-active", "medium"),
        ("threat-list-not-active", "medium"),
        ("publishing-destination-unhealthy", "high"),
        ("malware-protection-plan-unhealthy", "high"),
        ("findings-unhandled", "high"),
        ("findings-unhandled", "low"),
    ]
    .into_iter()
    .map(|(c, s)| (c.to_owned(), s.to_owned()))
    .collect();
    assert_eq!(object_findings(&doc, "eu-west-1"), expected, "{doc:#}");
    assert_eq!(
        object_findings(&doc, "us-east-1"),
        BTreeSet::new(),
        "{doc:#}"
    );

    // The High band counts the three stale ones (7.0, 8.0, 8.9), not the fresh one nor
    // the archived Critical one; the Medium one is 2 days old, under its 7-day threshold;
    // the Low one (3.9) is 31 days old, over 30. The oldest's type comes from GetFindings.
    let high = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "findings-unhandled" && f["severity"] == "high")
        .unwrap();
    assert_eq!(high["details"]["count"], 3, "{high:#}");
    assert_eq!(high["details"]["older_than_days"], 1);
    assert!(high["details"]["oldest_updated_at"].is_string(), "{high:#}");
    let rule = finding(&doc, "eu-west-1", "suppression-rule-hides-high");
    assert_eq!(rule["resource"], "hide-high");
    assert_eq!(rule["details"]["severity_matched"], ">= 7");
    let list = finding(&doc, "eu-west-1", "trusted-list-active");
    assert_eq!(list["details"]["location"], "s3://corp-lists/office.txt");

    // The inventory lists every object of both regions.
    let rows: BTreeMap<String, Value> = doc["detectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["region"].as_str().unwrap().to_owned(),
                r["configuration"].clone(),
            )
        })
        .collect();
    let us = &rows["us-east-1"];
    assert_eq!(us["suppression_rules"][0]["name"], "hide-low-noise");
    assert_eq!(us["suppression_rules"][0]["hides_high"], false);
    assert_eq!(us["malware_protection_plans"][0]["status"], "ACTIVE");
    assert_eq!(us["lists"].as_array().unwrap().len(), 2);
}

#[test]
fn the_table_summarises_each_region_in_one_line() {
    let moto = seeded(&seed());
    let output = gdaudit_cmd(&moto.endpoint)
        .args(["detectors", "--wide", "--regions", REGIONS])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Configuration"), "{}", describe(&output));
    assert!(text.contains("(1 hides high)"), "{}", describe(&output));
    assert!(
        text.contains("unhandled: 3 high, 1 low"),
        "{}",
        describe(&output)
    );
}

#[test]
fn a_denied_list_filters_is_could_not_check_and_exit_3() {
    let mut seed = seed();
    seed["regions"]["us-east-1"]["deny"] = json!(["ListFilters"]);
    let moto = seeded(&seed);
    let output = gdaudit_cmd(&moto.endpoint)
        .args([
            "detectors",
            "--regions",
            REGIONS,
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let doc = json_stdout(&output);
    assert_eq!(doc["summary"]["incomplete"], true);
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("us-east-1") && reasons.contains("guardduty:ListFilters"),
        "{reasons}"
    );
    // The rest of the region was still read and judged; only the rules are unknown.
    let us = doc["detectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "us-east-1")
        .unwrap();
    assert_eq!(us["configuration"]["suppression_rules"], Value::Null);
    assert_eq!(
        us["configuration"]["malware_protection_plans"][0]["id"],
        "plan0"
    );
    // And the other region is unaffected.
    assert!(object_findings(&doc, "eu-west-1").contains(&(
        "suppression-rule-hides-high".to_owned(),
        "critical".to_owned()
    )));

    let table = gdaudit_cmd(&moto.endpoint)
        .args(["detectors", "--regions", REGIONS, "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(3), "{}", describe(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("suppression rules: ?"),
        "{}",
        describe(&table)
    );
}

/// `collect` keeps every object in the snapshot, and the snapshot judges as the live run did.
#[test]
fn a_collected_snapshot_holds_the_objects_and_replays_the_same_findings() {
    let moto = seeded(&seed());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    let collected = gdaudit_cmd(&moto.endpoint)
        .args(["collect", "--regions", REGIONS, "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(path.exists(), "{}", describe(&collected));
    let snapshot: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let eu = snapshot["detectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "eu-west-1")
        .unwrap();
    for key in [
        "filters",
        "lists",
        "publishing_destinations",
        "malware_protection_plans",
        "unhandled_findings",
    ] {
        assert!(eu[key].is_array(), "{key} missing in {eu:#}");
    }
    assert_eq!(eu["filters"][0]["criteria"]["severity"]["gte"], 7);

    let live = json_stdout(&detectors_json(&moto.endpoint));
    let replayed = gdaudit_cmd(&moto.endpoint)
        .args(["detectors", "-o", "json", "--snapshot"])
        .arg(&path)
        .output()
        .unwrap();
    let replayed = json_stdout(&replayed);
    for region in ["eu-west-1", "us-east-1"] {
        assert_eq!(
            object_findings(&replayed, region),
            object_findings(&live, region),
            "{region}"
        );
    }
}
