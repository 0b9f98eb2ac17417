//! Tests of the log reader: a synthetic archive with every kind of bad file, the real
//! corpus in tests/fixtures/cloudtrail, and the LookupEvents path giving the same findings.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use super::file::read_bytes;
use super::*;
use crate::checks::changes::{ChangeOptions, check_event, check_events};
use crate::model::cloudtrail::{Event, GUARDDUTY_SOURCE, Timestamp};
use crate::report::finding::Severity;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudtrail")
}

fn gd(name: &str, id: &str, time: &str, params: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333"},
        "eventTime": time,
        "eventSource": GUARDDUTY_SOURCE,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "requestParameters": params,
        "eventID": id,
        "readOnly": name.starts_with("Get") || name.starts_with("List"),
        "recipientAccountId": "111122223333"
    })
}

fn other(id: &str) -> Value {
    json!({"eventTime": "2024-05-01T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
           "eventID": id, "awsRegion": "eu-west-1", "requestParameters": {"filterSet": {}}})
}

fn insight() -> Value {
    json!({"eventVersion": "1.07", "eventTime": "2024-05-01T10:00:00Z", "eventID": "i1",
           "eventType": "AwsCloudTrailInsight", "eventCategory": "Insight",
           "insightDetails": {"eventSource": GUARDDUTY_SOURCE, "eventName": "DeleteDetector"}})
}

fn records(records: &[Value]) -> Vec<u8> {
    json!({ "Records": records }).to_string().into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn ids(read: &LogRead) -> Vec<&str> {
    read.events
        .iter()
        .map(|e| e.event_id.as_deref().unwrap_or("-"))
        .collect()
}

/// An archive laid out as CloudTrail delivers it, with a bad file of every kind.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let day = root.join("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01");
    write(
        &day.join("a.json.gz"),
        &gzip(&records(&[
            gd(
                "DeleteDetector",
                "e1",
                "2024-05-01T10:00:00Z",
                json!({"detectorId": "d1"}),
            ),
            other("o1"),
            gd(
                "GetDetector",
                "r1",
                "2024-05-01T10:01:00Z",
                json!({"detectorId": "d1"}),
            ),
            insight(),
            gd(
                "UpdateDetector",
                "e3",
                "2024-05-01T09:00:00Z",
                json!({"detectorId": "d1", "enable": false}),
            ),
        ])),
    );
    // e1 again: CloudTrail can deliver an event twice; it must be listed once.
    write(
        &day.join("b.json"),
        &records(&[
            gd(
                "DeleteDetector",
                "e1",
                "2024-05-01T10:00:00Z",
                json!({"detectorId": "d1"}),
            ),
            gd(
                "CreateFilter",
                "e2",
                "2024-05-01T11:00:00Z",
                json!({"name": "quiet", "action": "ARCHIVE"}),
            ),
        ]),
    );
    // Truncated in transit: what was decompressed before the cut is still read.
    let mut long = vec![gd(
        "ArchiveFindings",
        "t1",
        "2024-05-01T12:00:00Z",
        json!({"findingIds": ["f"]}),
    )];
    long.extend((0..4000).map(|i| other(&format!("filler-{i}-{}", i * 7919 % 10007))));
    long.push(gd(
        "DeleteMembers",
        "t2",
        "2024-05-01T12:30:00Z",
        json!({"accountIds": ["1"]}),
    ));
    let compressed = gzip(&records(&long));
    write(&day.join("c.json.gz"), &compressed[..compressed.len() / 2]);
    // Corrupt: valid up to the second record.
    let mut corrupt = records(&[gd(
        "CreateIPSet",
        "k1",
        "2024-05-01T13:00:00Z",
        json!({"activate": true}),
    )]);
    corrupt.truncate(corrupt.len() - 2);
    corrupt.extend_from_slice(b",{\"eventName\" \"x\"}]}");
    write(&day.join("d.json"), &corrupt);
    // NDJSON from a SIEM export, lowercase keys and a space in the time.
    let exported = json!({"eventname": "UpdateIPSet", "eventsource": GUARDDUTY_SOURCE, "eventid": "n1",
                          "eventtime": "2024-05-01 14:00:00", "awsregion": "eu-west-1",
                          "requestparameters": {"ipSetId": "ip1", "activate": true}});
    write(
        &day.join("e.ndjson"),
        format!("{exported}\n{}\n", other("o2")).as_bytes(),
    );
    // Digests are signatures, not events: never read, even with a GuardDuty record inside.
    write(
        &root.join("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/x_CloudTrail-Digest_y.json.gz"),
        &gzip(&records(&[gd("DeleteDetector", "dg1", "2024-05-01T10:00:00Z", json!({}))])),
    );
    write(&root.join("MANIFEST.json"), b"{\"files\": 5}");
    write(&root.join("README.txt"), b"not a log");
    dir
}

#[test]
fn reads_an_archive_reporting_each_bad_file_by_name() {
    let dir = archive();
    let read = read_logs(&[dir.path().to_path_buf()], &LogReadOptions::default());
    let day = dir
        .path()
        .join("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01");

    assert_eq!(
        ids(&read),
        ["e3", "e1", "e2", "t1", "k1", "n1"],
        "changes only, by time, e1 once"
    );
    assert_eq!(read.files_read, 5);
    assert_eq!(read.files_skipped, 1, "MANIFEST.json holds no records");
    assert!(
        (5 + 2 + 2 + 1 + 2..5 + 2 + 4002 + 1 + 2).contains(&read.records_seen),
        "{}",
        read.records_seen
    );
    assert!(!read.is_complete());
    assert_eq!(read.problems.len(), 2, "{:?}", read.problems);
    let (truncated, corrupt) = (&read.problems[0], &read.problems[1]);
    assert_eq!(truncated.path, day.join("c.json.gz"));
    assert!(
        truncated
            .message
            .starts_with("truncated or corrupt gzip data after "),
        "{truncated}"
    );
    assert_eq!(corrupt.path, day.join("d.json"));
    assert!(
        corrupt
            .message
            .starts_with("invalid JSON: expected `:` at byte "),
        "{corrupt}"
    );
    let line = corrupt.to_string();
    assert!(line.starts_with(&day.join("d.json").display().to_string()) && !line.contains('\n'));

    let n1 = &read.events[5];
    assert_eq!(n1.event_time, Timestamp::parse("2024-05-01T14:00:00Z"));
    assert_eq!(n1.event_name, "UpdateIPSet");
}

#[test]
fn reads_can_be_included() {
    let dir = archive();
    let options = LogReadOptions {
        include_read_only: true,
        ..LogReadOptions::default()
    };
    let read = read_logs(&[dir.path().to_path_buf()], &options);
    assert_eq!(ids(&read), ["e3", "e1", "r1", "e2", "t1", "k1", "n1"]);
}

#[test]
fn the_window_is_inclusive_and_leaves_out_undated_events() {
    let dir = archive();
    let undated = gd("DeleteDetector", "u1", "redacted", json!({}));
    write(&dir.path().join("undated.json"), &records(&[undated]));
    let everything = read_logs(&[dir.path().to_path_buf()], &LogReadOptions::default());
    assert_eq!(
        ids(&everything).last(),
        Some(&"u1"),
        "undated last when there is no window"
    );

    let options = LogReadOptions {
        since: Timestamp::parse("2024-05-01T10:00:00Z"),
        until: Timestamp::parse("2024-05-01T12:00:00Z"),
        ..LogReadOptions::default()
    };
    let read = read_logs(&[dir.path().to_path_buf()], &options);
    assert_eq!(ids(&read), ["e1", "e2", "t1"]);
    let since_only = LogReadOptions {
        since: Timestamp::parse("2024-05-01T13:00:00Z"),
        ..LogReadOptions::default()
    };
    assert_eq!(
        ids(&read_logs(&[dir.path().to_path_buf()], &since_only)),
        ["k1", "n1"]
    );
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let dir = archive();
    let paths = [dir.path().to_path_buf()];
    let with = |threads| {
        read_logs(
            &paths,
            &LogReadOptions {
                threads,
                keep_raw: true,
                ..LogReadOptions::default()
            },
        )
    };
    let one = with(1);
    assert_eq!(one, with(4));
    assert_eq!(one, with(0));
    assert!(
        one.events.iter().all(|e| e.raw.is_some()),
        "keep_raw keeps each record"
    );
}

#[test]
fn named_paths_that_are_not_logs_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("MANIFEST.json");
    write(&manifest, b"{\"files\": 5}");
    let fake_gz = dir.path().join("x.json.gz");
    write(&fake_gz, b"{\"Records\": []}");
    let empty_gz = dir.path().join("y.json.gz");
    write(&empty_gz, b"");
    let missing = dir.path().join("missing.json");
    let digest = dir.path().join("1_CloudTrail-Digest_eu-west-1.json.gz");
    write(&digest, b"");

    let read = read_logs(
        &[
            manifest.clone(),
            fake_gz.clone(),
            empty_gz.clone(),
            missing.clone(),
            digest,
        ],
        &LogReadOptions::default(),
    );
    let problems: Vec<(&Path, &str)> = read
        .problems
        .iter()
        .map(|p| (p.path.as_path(), p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(
        problems[0],
        (manifest.as_path(), "no CloudTrail records in this file")
    );
    assert_eq!(problems[1].0, missing.as_path());
    assert!(problems[1].1.starts_with("cannot read: "));
    assert_eq!(
        problems[2],
        (fake_gz.as_path(), "not gzip data (no gzip header)")
    );
    assert_eq!(
        problems[3],
        (empty_gz.as_path(), "empty file: no gzip data")
    );
    assert_eq!(read.files_skipped, 1, "the digest");
}

/// The record of a GuardDuty change as LookupEvents returns it (`CloudTrailEvent` is the
/// record as a JSON string) and as an S3 log file holds it must give the same finding.
#[test]
fn lookup_events_and_log_files_give_identical_findings() {
    let record_path = fixtures()
        .join("corpus/guardduty-events/awsdocs-guardduty-user-guide/CreateThreatIntelSet.json");
    let record: Value = serde_json::from_str(&fs::read_to_string(record_path).unwrap()).unwrap();
    let mut failed = record.clone();
    failed["eventID"] = json!("failed-1");
    failed["errorCode"] = json!("AccessDenied");

    // The shape of aws-cli-examples' lookup-events.json, with GuardDuty records in it.
    let listed: Vec<Value> = [&record, &failed]
        .iter()
        .map(|r| {
            json!({
                "EventId": r["eventID"], "EventName": r["eventName"], "EventTime": r["eventTime"],
                "CloudTrailEvent": r.to_string(), "Resources": []
            })
        })
        .collect();
    let response = json!({ "Events": listed }).to_string();

    let dir = tempfile::tempdir().unwrap();
    let log = dir
        .path()
        .join("111122223333_CloudTrail_us-west-2_20180614T2300Z_x.json.gz");
    write(&log, &gzip(&records(&[record, failed])));

    for include_raw in [false, true] {
        let options = ChangeOptions {
            include_raw,
            ..ChangeOptions::default()
        };
        let response: Value = serde_json::from_str(&response).unwrap();
        let from_api: Vec<_> = response["Events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let text = e["CloudTrailEvent"].as_str().unwrap();
                let event = if include_raw {
                    Event::from_json_str_with_raw(text).unwrap()
                } else {
                    Event::from_json_str(text).unwrap()
                };
                check_event(&event, options).unwrap()
            })
            .collect();
        let read = read_logs(
            std::slice::from_ref(&log),
            &LogReadOptions {
                keep_raw: include_raw,
                ..LogReadOptions::default()
            },
        );
        assert!(read.is_complete());
        let from_files = check_events(&read.events, options);
        assert_eq!(from_api.len(), 2);
        assert_eq!(from_api, from_files, "include_raw: {include_raw}");
        assert_eq!(
            crate::report::json::details_value(&from_api[1].details)["outcome"],
            json!("failed")
        );
        assert_eq!(
            crate::report::json::details_value(&from_api[0].details)
                .get("raw")
                .is_some(),
            include_raw
        );
    }
}

#[test]
fn the_documented_lookup_events_outputs_parse() {
    let api = fixtures().join("api-responses");
    let text = fs::read_to_string(api.join("aws-cli-examples_lookup-events.json")).unwrap();
    let response: Value = serde_json::from_str(&text).unwrap();
    let event =
        Event::from_json_str(response["Events"][0]["CloudTrailEvent"].as_str().unwrap()).unwrap();
    assert_eq!(event.event_name, "ConsoleLogin");
    assert_eq!(event.user_identity.role_name(), Some("my-role"));
    assert_eq!(event.user_identity.session_name(), Some("my-session-name"));
    assert_eq!(event.event_time, Timestamp::parse("2016-01-26T21:42:12Z"));
    assert_eq!(
        check_event(
            &event,
            ChangeOptions {
                include_read_only: true,
                include_raw: true
            }
        ),
        None
    );

    let text =
        fs::read_to_string(api.join("awsdocs-cloudtrail-user-guide_lookup-events_insights.json"))
            .unwrap();
    let response: Value = serde_json::from_str(&text).unwrap();
    let insights = response["Events"].as_array().unwrap();
    assert!(!insights.is_empty());
    for insight in insights {
        assert!(matches!(
            Event::from_value(insight),
            Err(crate::model::cloudtrail::RecordError::Insight)
        ));
    }
}

/// Every file under tests/fixtures/cloudtrail/corpus, relative path → its changes.
fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&fixtures().join("corpus"), &mut files);
    files.sort();
    files
}

#[test]
fn every_corpus_file_is_read_and_its_changes_are_pinned() {
    let root = fixtures().join("corpus");
    let files = corpus_files();
    assert_eq!(
        files.len(),
        576,
        "the corpus copy changed: update this test and the README"
    );
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    let mut records = 0;
    for file in &files {
        let read = read_logs(std::slice::from_ref(file), &LogReadOptions::default());
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        records += read.records_seen;
        for problem in &read.problems {
            problems.push((name.clone(), problem.message.clone()));
        }
        for finding in check_events(&read.events, ChangeOptions::default()) {
            let outcome = crate::report::json::details_value(&finding.details)["outcome"]
                .as_str()
                .unwrap()
                .to_owned();
            let event = crate::report::json::details_value(&finding.details)["event_name"]
                .as_str()
                .unwrap()
                .to_owned();
            changes.push((name.clone(), event, outcome, finding.severity));
        }
    }
    let change = |file: &str, event: &str, outcome: &str, severity| {
        (
            file.to_owned(),
            event.to_owned(),
            outcome.to_owned(),
            severity,
        )
    };
    assert_eq!(
        changes,
        [
            change(
                "guardduty-events/awsdocs-guardduty-user-guide/CreateThreatIntelSet.json",
                "CreateThreatIntelSet",
                "succeeded",
                Severity::Medium
            ),
            change(
                "guardduty-events/panther-analysis/AWS.IPSet.Modified__00__CreateIPSet_Event.json",
                "CreateIPSet",
                "succeeded",
                Severity::Medium
            ),
            change(
                "guardduty-events/panther-analysis/AWS.IPSet.Modified__01__UpdateIPSet.json",
                "CreateIPSet",
                "succeeded",
                Severity::Medium
            ),
            change(
                "guardduty-events/splunk-security-content/aws_cloudtrail_deletedetector.json",
                "DeleteDetector",
                "failed",
                Severity::Critical
            ),
            change(
                "guardduty-events/splunk-security-content/aws_cloudtrail_deleteipset.json",
                "DeleteIPSet",
                "failed",
                Severity::Low
            ),
            change(
                "mixed/panther-analysis/events/AWS.IPSet.Modified__00__CreateIPSet_Event.json",
                "CreateIPSet",
                "succeeded",
                Severity::Medium
            ),
            change(
                "mixed/panther-analysis/events/AWS.IPSet.Modified__01__UpdateIPSet.json",
                "CreateIPSet",
                "succeeded",
                Severity::Medium
            ),
            change(
                "mixed/splunk-security-content/example_logs/aws_cloudtrail_deletedetector.json",
                "DeleteDetector",
                "failed",
                Severity::Critical
            ),
            change(
                "mixed/splunk-security-content/example_logs/aws_cloudtrail_deleteipset.json",
                "DeleteIPSet",
                "failed",
                Severity::Low
            ),
        ]
    );
    let problem_files: Vec<&str> = problems.iter().map(|(file, _)| file.as_str()).collect();
    assert_eq!(
        problem_files,
        [
            "guardduty-events/panther-analysis/INDEX.csv",
            "mixed/awsdocs-cloudtrail-user-guide/logfile_example_06a_CreateRole_INVALID_JSON_as_published.txt",
            "mixed/panther-analysis/INDEX.csv",
            "mixed/panther-analysis/events/Standard.GreyNoiseV3.MaliciousIP__00__Malicious_IP_Detected.json",
            "mixed/panther-analysis/events/Standard.ImpossibleTravel.Login__00__CloudTrail_not_ConsoleLogin.json",
            "mixed/panther-analysis/events/Standard.OTX.MaliciousIndicator__00__Known_Threat_IP_Detected_-_With_Adversary_and_Malware.json",
            "mixed/splunk-security-content/INDEX.csv",
        ],
        "{problems:#?}"
    );
    assert_eq!(
        records, 947,
        "every record of every file, Insights included"
    );
}

#[test]
fn the_corpus_as_one_tree_lists_each_change_once() {
    let read = read_logs(&[fixtures().join("corpus")], &LogReadOptions::default());
    assert_eq!(
        read.problems,
        [],
        "the walk reads only .json and .ndjson files"
    );
    assert_eq!(
        (read.files_read, read.files_skipped, read.records_seen),
        (569, 3, 947)
    );
    let findings = check_events(&read.events, ChangeOptions::default());
    let ids: Vec<String> = findings
        .iter()
        .map(|f| {
            crate::report::json::details_value(&f.details)["event_id"]
                .as_str()
                .unwrap_or("-")
                .to_owned()
        })
        .collect();
    let rows: Vec<(&str, Severity, &str)> = findings
        .iter()
        .zip(&ids)
        .map(|(f, id)| (id.as_str(), f.severity, f.title.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "81337b11-e5c8-4f91-b141-deb405625bc9",
                Severity::Medium,
                "Threat intel list 'Example' created in us-west-2 (inactive)"
            ),
            (
                "abc-123",
                Severity::Medium,
                "Trusted IP list (unnamed) created in us-east-1: if active, matching traffic raises no findings"
            ),
            (
                "c1367a2f-8910-4e64-9256-a854d2e9f37d",
                Severity::Critical,
                "Failed attempt (BadRequestException): GuardDuty turned off in us-west-2 (detector 123 deleted, with its findings)"
            ),
            (
                "884dc529-d98f-4529-bfa1-8cdd6c06d02f",
                Severity::Low,
                "Failed attempt (BadRequestException): Trusted IP list 1111 deleted in us-west-2: its IPs raise findings again"
            ),
        ]
    );
}

/// Cut and corrupted versions of real files: the reader reports them, it never panics.
#[test]
fn no_input_makes_the_reader_panic() {
    let options = LogReadOptions {
        include_read_only: true,
        keep_raw: true,
        ..LogReadOptions::default()
    };
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let samples = corpus_files()
        .into_iter()
        .step_by(7)
        .map(|p| fs::read(p).unwrap());
    let synthetic = [records(&[gd(
        "UpdateDetector",
        "z",
        "2024-05-01T00:00:00Z",
        json!({"features": [{"name": 1}]}),
    )])];
    for bytes in samples.chain(synthetic) {
        for cut in [
            0,
            1,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len().saturating_sub(1),
        ] {
            let contents = read_bytes(&bytes[..cut], None, &options);
            let _ = check_events(
                contents.events.iter().map(|(e, _)| e),
                ChangeOptions::default(),
            );
        }
        for _ in 0..20 {
            let mut mutated = bytes.clone();
            for _ in 0..3 {
                if mutated.is_empty() {
                    break;
                }
                let at = (next() as usize) % mutated.len();
                mutated[at] = (next() % 256) as u8;
            }
            let contents = read_bytes(&mutated, None, &options);
            let _ = check_events(
                contents.events.iter().map(|(e, _)| e),
                ChangeOptions::default(),
            );
        }
    }
    for junk in [
        &b"\xff\xfe{"[..],
        b"[[[[[[[[",
        b"{\"Records\":",
        b"\"x\"",
        b"1 2 3",
        b"nul",
        &[b'['; 10_000],
    ] {
        let contents = read_bytes(junk, None, &options);
        assert!(contents.events.is_empty());
    }
}

#[test]
fn a_file_past_the_decompression_limit_is_named_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // 64 KiB of spaces compress to a few hundred bytes: a small gzip bomb under a small limit.
    let mut bomb = vec![b' '; 64 << 10];
    bomb.extend_from_slice(&records(&[gd(
        "DeleteDetector",
        "bomb-1",
        "2026-11-01T00:00:00Z",
        json!({}),
    )]));
    write(&dir.path().join("bomb.json.gz"), &gzip(&bomb));
    let good = records(&[gd(
        "CreateIPSet",
        "good-1",
        "2026-11-01T00:00:00Z",
        json!({}),
    )]);
    write(&dir.path().join("good.json.gz"), &gzip(&good));
    let options = LogReadOptions {
        max_file_bytes: Some(32 << 10),
        ..LogReadOptions::default()
    };
    let read = read_logs(&[dir.path().to_owned()], &options);
    assert_eq!(ids(&read), ["good-1"]);
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    assert!(read.problems[0].path.ends_with("bomb.json.gz"));
    assert_eq!(
        read.problems[0].message,
        "larger than 32 KiB once decompressed (the limit): not read"
    );
    // The default limit (1 GiB) reads both.
    let read = read_logs(&[dir.path().to_owned()], &LogReadOptions::default());
    assert_eq!(ids(&read), ["bomb-1", "good-1"]);
    // The same bound applies to data that does not come from a file.
    let one = read_log_data(&gzip(&bomb), true, &options);
    assert!(one.events.is_empty());
    assert!(one.problem.unwrap().contains("32 KiB"));
    let one = read_log_data(&good, false, &options);
    assert_eq!(one.events.len(), 1);
    assert_eq!(one.records, 1);
}
