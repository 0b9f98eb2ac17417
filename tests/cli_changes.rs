//! `gdaudit changes` on CloudTrail log files: the real corpus, filters, the cron `--state`
//! loop, bad files, and hostile text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::gdaudit_offline as gdaudit;
use common::json_stdout as json_of;
use std::io::Write;
use std::path::{Path, PathBuf};

use gdaudit::model::cloudtrail::Timestamp;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudtrail/corpus")
}

/// A GuardDuty change record `minutes_ago` minutes old.
fn record(id: &str, name: &str, minutes_ago: i64, params: Value) -> Value {
    let time = Timestamp::now().add_millis(-minutes_ago * 60_000);
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws:sts::111122223333:assumed-role/Ops/mallory",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/Ops", "userName": "Ops"}}
        },
        "eventTime": time.to_string(),
        "eventSource": "guardduty.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": params,
        "eventID": id,
        "readOnly": false,
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    })
}

fn write_log(dir: &Path, name: &str, records: &[Value]) -> PathBuf {
    let path = dir.join(name);
    let body = serde_json::to_vec(&json!({ "Records": records })).unwrap();
    if name.ends_with(".gz") {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&body).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
    } else {
        std::fs::write(&path, body).unwrap();
    }
    path
}

#[test]
fn the_real_corpus_lists_exactly_its_guardduty_changes() {
    let out = gdaudit()
        .args(["changes", "-o", "json", "--logs"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a critical change is at or above --fail-on high"
    );
    let doc = json_of(&out);
    let got: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["details"]["event_name"].as_str().unwrap().to_owned(),
                f["details"]["outcome"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("CreateThreatIntelSet", "succeeded", "medium"),
        ("CreateIPSet", "succeeded", "medium"),
        ("DeleteDetector", "failed", "critical"),
        ("DeleteIPSet", "failed", "low"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str(), g.2.as_str()), w);
    }
    assert_eq!(doc["command"], "changes");
    assert_eq!(doc["changes"]["source"], "logs");
    assert_eq!(doc["summary"]["incomplete"], false);
    assert!(
        doc["findings"][2]["title"]
            .as_str()
            .unwrap()
            .contains("GuardDuty turned off in us-west-2")
    );
}

#[test]
fn event_and_actor_filters() {
    let out = gdaudit()
        .args([
            "changes",
            "-o",
            "jsonl",
            "--event",
            "DeleteDetector,DeleteIPSet",
            "--actor",
            "*bhavin*",
            "--logs",
        ])
        .arg(fixtures())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["details"]["event_name"], "DeleteIPSet");
    assert_eq!(
        out.status.code(),
        Some(0),
        "a low change does not fail --fail-on high"
    );
}

#[test]
fn a_cron_loop_with_state_emits_each_change_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let state = dir.path().join("state.json");
    let run = || {
        let out = gdaudit()
            .args(["changes", "-o", "jsonl", "--fail-on", "never", "--state"])
            .arg(&state)
            .arg("--logs")
            .arg(&logs)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["details"]["event_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    write_log(
        &logs,
        "a.json.gz",
        &[record(
            "ev-a",
            "DeleteDetector",
            10,
            json!({"detectorId": "d1"}),
        )],
    );
    assert_eq!(run(), ["ev-a"]);
    // No new activity: nothing the second time.
    assert_eq!(run(), Vec::<String>::new());
    // A late event (20 minutes old, delivered now) and a second copy of ev-a in another file.
    write_log(
        &logs,
        "b.json",
        &[
            record(
                "ev-late",
                "UpdateDetector",
                20,
                json!({"detectorId": "d1", "enable": false}),
            ),
            record("ev-a", "DeleteDetector", 10, json!({"detectorId": "d1"})),
        ],
    );
    assert_eq!(run(), ["ev-late"]);
    assert_eq!(run(), Vec::<String>::new());
    // A run that fails (bad arguments) leaves the state file as it was.
    let before = std::fs::read(&state).unwrap();
    let out = gdaudit()
        .args(["changes", "--since", "soon", "--state"])
        .arg(&state)
        .arg("--logs")
        .arg(&logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // A state file that is not one stops the run (exit 2) instead of re-emitting everything.
    std::fs::write(&state, b"garbage").unwrap();
    let out = gdaudit()
        .args(["changes", "--state"])
        .arg(&state)
        .arg("--logs")
        .arg(&logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a gdaudit state file"));
}

#[test]
fn a_corrupt_file_is_named_and_the_rest_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    write_log(
        dir.path(),
        "good.json.gz",
        &[record(
            "ev-1",
            "CreateIPSet",
            5,
            json!({"activate": true, "name": "x"}),
        )],
    );
    let full = std::fs::read(write_log(
        dir.path(),
        "tmp.json.gz",
        &[record("ev-2", "DeleteDetector", 5, json!({}))],
    ))
    .unwrap();
    std::fs::remove_file(dir.path().join("tmp.json.gz")).unwrap();
    std::fs::write(
        dir.path().join("truncated.json.gz"),
        &full[..full.len() / 2],
    )
    .unwrap();
    let out = gdaudit()
        .args(["changes", "-o", "json", "--fail-on", "never", "--logs"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "incomplete");
    let doc = json_of(&out);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["findings"][0]["details"]["event_id"], "ev-1");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("truncated.json.gz"), "{stderr}");
    assert_eq!(doc["summary"]["incomplete"], true);
}

#[test]
fn escape_sequences_in_a_user_agent_print_harmlessly() {
    let dir = tempfile::tempdir().unwrap();
    let mut evil = record("ev-x", "DeleteDetector", 5, json!({"detectorId": "d1"}));
    evil["userAgent"] = json!("aws-cli\u{1b}[2J\u{1b}]8;;http://evil\u{7}click\u{1b}[0m");
    write_log(dir.path(), "evil.json", &[evil]);
    // The user agent is a --wide column.
    let out = gdaudit()
        .args(["changes", "--wide", "--logs"])
        .arg(dir.path())
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(table.contains("aws-cli\\x1b[2J"), "{table}");
    assert!(
        table.contains("GuardDuty turned off in eu-west-1"),
        "{table}"
    );
}

#[test]
fn bad_windows_are_usage_errors() {
    for args in [["--since", "yesterday"], ["--until", "later"]] {
        let out = gdaudit()
            .arg("changes")
            .args(args)
            .arg("--logs")
            .arg(fixtures())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
    }
    let out = gdaudit()
        .args(["changes", "--since", "1d", "--until", "2d", "--logs"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_directory_without_logs_is_incomplete_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = gdaudit()
        .args(["changes", "-o", "json", "--logs"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc = json_of(&out);
    assert!(
        doc["summary"]["incomplete_reasons"][0]
            .as_str()
            .unwrap()
            .contains("no CloudTrail log file")
    );
}
