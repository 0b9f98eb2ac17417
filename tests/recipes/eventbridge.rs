//! EventBridge: the pattern, checked against the catalogue and gdaudit's own severities,
//! and the script that puts the rule in place.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::harness::*;

/// EventBridge matching for the pattern shapes used here: an object matches when each of its
/// fields matches the event's field of that name (a missing field never matches); an array
/// of values matches a value equal to one of them, or an array holding such a value.
fn matches(pattern: &Value, event: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields
            .iter()
            .all(|(key, inner)| event.get(key).is_some_and(|value| matches(inner, value))),
        Value::Array(allowed) => match event {
            Value::Array(values) => values.iter().any(|v| allowed.contains(v)),
            value => allowed.contains(value),
        },
        other => panic!("not a pattern this matcher knows: {other}"),
    }
}

/// A CloudTrail record as EventBridge delivers it ("AWS API Call via CloudTrail").
fn eventbridge_event(record: &Value) -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.guardduty",
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record
    })
}

fn pattern() -> (String, Value) {
    let raw = read(&recipe("eventbridge-pattern.json"));
    let pattern = serde_json::from_str(&raw).expect("eventbridge-pattern.json is not JSON");
    (raw, pattern)
}

fn pattern_event_names(pattern: &Value) -> BTreeSet<String> {
    pattern["detail"]["eventName"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| text(name).to_owned())
        .collect()
}

#[test]
fn eventbridge_pattern_matches_guardduty_changes_only() {
    let (raw, pattern) = pattern();
    assert!(
        raw.len() <= 2048,
        "EventBridge's default limit for a pattern is 2048 characters"
    );
    assert_eq!(pattern["source"], json!(["aws.guardduty"]));
    assert_eq!(
        pattern["detail-type"],
        json!(["AWS API Call via CloudTrail"])
    );
    assert_eq!(
        pattern["detail"]["eventSource"],
        json!(["guardduty.amazonaws.com"])
    );
    let catalogue: BTreeSet<String> = gdaudit::catalogue::change_actions()
        .map(|a| a.name.to_owned())
        .collect();
    let names = pattern_event_names(&pattern);
    assert_eq!(
        names.len(),
        pattern["detail"]["eventName"].as_array().unwrap().len()
    );
    let unknown: Vec<&String> = names.difference(&catalogue).collect();
    assert!(
        unknown.is_empty(),
        "not change actions in the catalogue: {unknown:?}"
    );

    let record = delete_detector_record();
    assert!(
        matches(&pattern, &eventbridge_event(&record)),
        "DeleteDetector"
    );
    let mut read_only = record.clone();
    read_only["eventName"] = json!("GetDetector");
    assert!(!matches(&pattern, &eventbridge_event(&read_only)));
    let mut sample = record.clone();
    sample["eventName"] = json!("CreateSampleFindings");
    assert!(!matches(&pattern, &eventbridge_event(&sample)), "info only");
    let mut elsewhere = eventbridge_event(&record);
    elsewhere["source"] = json!("aws.ec2");
    assert!(!matches(&pattern, &elsewhere));
    let mut no_detail = eventbridge_event(&record);
    no_detail.as_object_mut().unwrap().remove("detail");
    assert!(!matches(&pattern, &no_detail));
}

/// The pattern lists exactly the change actions that gdaudit can rate critical or high: one
/// record per change action, with every request parameter that makes a change worse, goes
/// through the real `gdaudit changes`.
#[test]
fn eventbridge_pattern_lists_what_gdaudit_rates_critical_or_high() {
    let dir = tempfile::tempdir().unwrap();
    let worst = json!({
        "detectorId": "12abc34d567e8fa901bc2d34e56789f0",
        "enable": false,
        "activate": true,
        "action": "ARCHIVE",
        "autoEnable": false,
        "autoEnableOrganizationMembers": "NONE",
        "accountIds": ["111122223333"],
        "features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED", "autoEnable": "NONE"}]
    });
    let records: Vec<Value> = gdaudit::catalogue::change_actions()
        .enumerate()
        .map(|(i, action)| {
            let mut record = delete_detector_record();
            record["eventName"] = json!(action.name);
            record["eventID"] = json!(format!("00000000-0000-0000-0000-{i:012}"));
            record["requestParameters"] = worst.clone();
            record.as_object_mut().unwrap().remove("errorCode");
            record
        })
        .collect();
    let logs = dir.path().join("worst.json");
    std::fs::write(&logs, json!({ "Records": records }).to_string()).unwrap();
    let out = Run::new()
        .command(gdaudit())
        .args([
            "changes",
            "--output",
            "jsonl",
            "--fail-on",
            "never",
            "--logs",
        ])
        .arg(&logs)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let changes = parse_lines(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        changes.len(),
        records.len(),
        "every change action is a change"
    );
    let serious: BTreeSet<String> = changes
        .iter()
        .filter(|c| c["severity"] == "critical" || c["severity"] == "high")
        .map(|c| text(&c["details"]["event_name"]).to_owned())
        .collect();
    let (_, pattern) = pattern();
    assert_eq!(
        pattern_event_names(&pattern),
        serious,
        "docs/recipes/eventbridge-pattern.json should list the change actions gdaudit can rate \
         critical or high (and docs/alerts.md say which)"
    );
}

#[test]
fn eventbridge_rule_script_alerts_home_and_forwards_other_regions() {
    let topic = "arn:aws:sns:us-east-1:111122223333:guardduty-changes";
    let role = "arn:aws:iam::111122223333:role/gdaudit-eventbridge-forward";
    let stubs = Stubs::new(&["aws"]);
    let out = Run::new()
        .with_stubs(&stubs)
        .env("ALERT_TOPIC_ARN", topic)
        .env("FORWARD_ROLE_ARN", role)
        .recipe("eventbridge-rule.sh", &["eu-west-1", "us-east-1"], "");
    assert_exit(&out, 0);
    let calls: Vec<Vec<String>> = stubs.calls().into_iter().map(|c| c.args).collect();
    let summary: Vec<(&str, &str)> = calls
        .iter()
        .map(|args| (args[1].as_str(), arg(args, "--region")))
        .collect();
    assert_eq!(
        summary,
        [
            ("put-rule", "us-east-1"),
            ("put-targets", "us-east-1"),
            ("put-rule", "eu-west-1"),
            ("put-targets", "eu-west-1"),
        ],
        "the topic's region first, each region once"
    );
    for args in &calls {
        assert_eq!(args[0], "events");
        assert_eq!(
            arg(
                args,
                if args[1] == "put-rule" {
                    "--name"
                } else {
                    "--rule"
                }
            ),
            "gdaudit-guardduty-changes"
        );
    }
    let pattern_file = arg(&calls[0], "--event-pattern")
        .strip_prefix("file://")
        .unwrap();
    assert_eq!(
        std::fs::canonicalize(pattern_file).unwrap(),
        std::fs::canonicalize(recipe("eventbridge-pattern.json")).unwrap()
    );

    let home: Value = serde_json::from_str(arg(&calls[1], "--targets")).unwrap();
    assert_eq!(home[0]["Arn"], topic);
    let transformer = &home[0]["InputTransformer"];
    // Every path the transformer reads exists in a real event, and every placeholder has one.
    let event = eventbridge_event(&delete_detector_record());
    let paths = transformer["InputPathsMap"].as_object().unwrap();
    for (name, path) in paths {
        let pointer = text(path).strip_prefix("$").unwrap().replace('.', "/");
        assert!(
            event.pointer(&pointer).is_some(),
            "{name}: {path} not in the event"
        );
    }
    let template = text(&transformer["InputTemplate"]);
    for placeholder in template
        .split('<')
        .skip(1)
        .filter_map(|s| s.split_once('>'))
    {
        assert!(
            paths.contains_key(placeholder.0),
            "<{}> has no path",
            placeholder.0
        );
    }

    let forward: Value = serde_json::from_str(arg(&calls[3], "--targets")).unwrap();
    assert_eq!(
        forward,
        json!([{
            "Id": "forward",
            "Arn": "arn:aws:events:us-east-1:111122223333:event-bus/default",
            "RoleArn": role
        }])
    );
}
