//! `gdaudit changes` over an organization trail, against moto: `--logs s3://…` reading only
//! the prefixes of the window, accounts and regions asked for (moto's S3: ListObjectsV2 pages,
//! GetObject), and `--athena-table` (moto's Athena, with the rows a query returns set by the
//! test) giving the same findings on the same records. `--state` with both.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::io::{Read, Write};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use common::{Moto, describe, gdaudit_cmd, json_stdout};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

const PAYER: &str = "999988887777";
const ORG: &str = "o-exampleorg1";
const BUCKET: &str = "org-trail";
const ACCOUNTS: [&str; 5] = [
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
];
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
/// 30 days: 2026-10-15 .. 2026-11-13.
const FIRST_DAY: (u32, u32) = (10, 15);
const DAYS: u32 = 30;

fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&moto.endpoint)
            .region(Region::new("us-east-1"))
            .force_path_style(true)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .build(),
    )
}

/// `(month, day)` of the `n`th day of the layout.
fn day(n: u32) -> (u32, u32) {
    let (month, first) = FIRST_DAY;
    let d = first + n;
    if d <= 31 {
        (month, d)
    } else {
        (month + 1, d - 31)
    }
}

fn record(account: &str, region: &str, id: &str, time: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:alice",
            "arn": format!("arn:aws:sts::{account}:assumed-role/Admin/alice"),
            "accountId": account,
            "sessionContext": {"sessionIssuer": {
                "type": "Role", "arn": format!("arn:aws:iam::{account}:role/Admin"),
                "accountId": account, "userName": "Admin"}}
        },
        "eventTime": time,
        "eventSource": "guardduty.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15",
        "requestParameters": {"detectorId": "d1", "enable": false},
        "responseElements": null,
        "eventID": id,
        "readOnly": false,
        "eventType": "AwsApiCall",
        "recipientAccountId": account
    })
}

fn other_service(account: &str, region: &str, time: &str) -> Value {
    json!({"eventVersion": "1.08", "eventTime": time, "eventSource": "s3.amazonaws.com",
           "eventName": "ListBuckets", "awsRegion": region, "eventID": format!("s3-{account}-{time}"),
           "recipientAccountId": account, "userIdentity": {"type": "Root"}})
}

fn gz(records: &[Value]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder
        .write_all(json!({ "Records": records }).to_string().as_bytes())
        .unwrap();
    encoder.finish().unwrap()
}

/// Every GuardDuty record of the layout, by (account, region, month, day): each day one
/// `UpdateDetector` at 12:00 (file delivered 12:05) and one at 23:58 delivered after midnight
/// in the next day's folder (file 00:03), plus a record of another service in each file.
fn seed_trail(moto: &Moto) -> Vec<(String, Value)> {
    let client = s3(moto);
    let mut all = Vec::new();
    common::block_on(async {
        client.create_bucket().bucket(BUCKET).send().await.unwrap();
        let mut puts = Vec::new();
        for account in ACCOUNTS {
            for region in REGIONS {
                let folder = |m: u32, d: u32| {
                    format!("trail/AWSLogs/{ORG}/{account}/CloudTrail/{region}/2026/{m:02}/{d:02}/")
                };
                let name = |m: u32, d: u32, hhmm: &str, n: &str| {
                    format!("{account}_CloudTrail_{region}_2026{m:02}{d:02}T{hhmm}Z_{n}.json.gz")
                };
                for n in 0..DAYS {
                    let (m, d) = day(n);
                    let noon = record(
                        account,
                        region,
                        &format!("{account}-{region}-{m:02}{d:02}-noon"),
                        &format!("2026-{m:02}-{d:02}T12:00:00Z"),
                        "UpdateDetector",
                    );
                    let key = folder(m, d) + &name(m, d, "1205", "noon");
                    let body = gz(&[
                        other_service(account, region, &format!("2026-{m:02}-{d:02}T11:59:00Z")),
                        noon.clone(),
                    ]);
                    all.push((key.clone(), noon));
                    puts.push((key, body));
                    // The 23:58 event, delivered at 00:03 the next day (the last day's
                    // late delivery is after the layout and not written).
                    if n + 1 < DAYS {
                        let late = record(
                            account,
                            region,
                            &format!("{account}-{region}-{m:02}{d:02}-late"),
                            &format!("2026-{m:02}-{d:02}T23:58:00Z"),
                            "CreateFilter",
                        );
                        let (nm, nd) = day(n + 1);
                        let key = folder(nm, nd) + &name(nm, nd, "0003", "late");
                        puts.push((key.clone(), gz(std::slice::from_ref(&late))));
                        all.push((key, late));
                    }
                }
                // Digests are beside CloudTrail/ and never listed.
                puts.push((
                    format!("trail/AWSLogs/{ORG}/{account}/CloudTrail-Digest/{region}/2026/11/10/digest.json.gz"),
                    b"not a log".to_vec(),
                ));
            }
        }
        for (key, body) in puts {
            client
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .body(ByteStream::from(body))
                .send()
                .await
                .unwrap();
        }
    });
    all
}

fn changes_json(moto: &Moto, args: &[&str]) -> (std::process::Output, Value) {
    let output = gdaudit_cmd(&moto.endpoint)
        .args(["changes", "-o", "json", "--fail-on", "never"])
        .args(args)
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    (output, doc)
}

fn event_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["details"]["event_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

const WINDOW: [&str; 4] = [
    "--since",
    "2026-11-10T00:00:00Z",
    "--until",
    "2026-11-10T23:59:59Z",
];

/// The changes the window, accounts and regions of the tests select, from the seeded records.
fn expected(records: &[(String, Value)], accounts: &[&str], regions: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = records
        .iter()
        .filter(|(_, r)| {
            let time = r["eventTime"].as_str().unwrap();
            time.starts_with("2026-11-10")
                && accounts.contains(&r["recipientAccountId"].as_str().unwrap())
                && regions.contains(&r["awsRegion"].as_str().unwrap())
        })
        .map(|(_, r)| r["eventID"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn s3_org_trail_reads_only_the_day_accounts_and_regions_asked_for() {
    let moto = Moto::start(PAYER);
    let records = seed_trail(&moto);
    let (output, doc) = changes_json(
        &moto,
        &[
            &WINDOW[..],
            &[
                "--logs",
                "s3://org-trail/trail/",
                "--accounts",
                "111111111111,333333333333",
                "--regions",
                "us-east-1,eu-west-1",
            ],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let want = expected(
        &records,
        &["111111111111", "333333333333"],
        &["us-east-1", "eu-west-1"],
    );
    // Noon and the 23:58 event (delivered the next day) for 2 accounts x 2 regions.
    assert_eq!(want.len(), 8);
    assert_eq!(event_ids(&doc), want, "{doc:#}");
    assert_eq!(doc["changes"]["source"], "s3");
    // GETs: per account and region, the day's two files and the next day's 00:03 file;
    // nothing of the other 29 days, accounts or regions.
    assert_eq!(doc["changes"]["files_read"], 4 * 3, "{doc:#}");
    assert_eq!(doc["summary"]["incomplete"], false);
}

#[test]
fn s3_corrupt_object_is_named_the_rest_read_and_a_missing_bucket_could_not_be_checked() {
    let moto = Moto::start(PAYER);
    let records = seed_trail(&moto);
    let bad = format!(
        "trail/AWSLogs/{ORG}/222222222222/CloudTrail/eu-west-1/2026/11/10/222222222222_CloudTrail_eu-west-1_20261110T1805Z_bad.json.gz"
    );
    let full = gz(&[record(
        "222222222222",
        "eu-west-1",
        "lost",
        "2026-11-10T18:00:00Z",
        "DeleteDetector",
    )]);
    common::block_on(async {
        s3(&moto)
            .put_object()
            .bucket(BUCKET)
            .key(&bad)
            .body(ByteStream::from(full[..full.len() / 2].to_vec()))
            .send()
            .await
            .unwrap();
    });
    let (output, doc) = changes_json(
        &moto,
        &[
            &WINDOW[..],
            &["--logs", "s3://org-trail/trail/", "--regions", "eu-west-1"],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains(&format!("s3://org-trail/{bad}")),
        "{reasons}"
    );
    assert!(reasons.contains("corrupt gzip"), "{reasons}");
    assert_eq!(
        event_ids(&doc),
        expected(&records, &ACCOUNTS, &["eu-west-1"]),
        "the other objects are still read"
    );

    let (output, doc) = changes_json(
        &moto,
        &[&WINDOW[..], &["--logs", "s3://no-such-bucket/"]].concat(),
    );
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("could not check: s3:ListObjectsV2") && reasons.contains("NoSuchBucket"),
        "{reasons}"
    );
}

/// An HTTP POST of JSON to moto's own API (the test's control channel, not an AWS call).
fn moto_api(moto: &Moto, path: &str, body: &Value) {
    let address = moto.endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 20"), "{response}");
}

/// A record as a row of the AWS-documented CloudTrail table, as Athena returns it: every
/// value text, the struct `useridentity` as JSON with lowercase keys (`json_format(CAST(…))`),
/// `requestparameters` / `responseelements` as the JSON text the table stores.
fn athena_row(record: &Value) -> Value {
    fn lower(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), lower(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let columns = gdaudit::aws::athena::COLUMNS;
    let data: Vec<Value> = columns
        .iter()
        .map(|column| {
            let key = record
                .as_object()
                .unwrap()
                .keys()
                .find(|k| k.eq_ignore_ascii_case(column));
            match key.map(|k| &record[k]) {
                None | Some(Value::Null) => json!({}),
                Some(Value::String(s)) => json!({ "VarCharValue": s }),
                Some(v) if *column == "useridentity" => {
                    json!({ "VarCharValue": lower(v).to_string() })
                }
                Some(v) => json!({ "VarCharValue": v.to_string() }),
            }
        })
        .collect();
    json!({ "Data": data })
}

fn set_athena_rows(moto: &Moto, rows: &[Value], times: usize) {
    let columns = gdaudit::aws::athena::COLUMNS;
    let header =
        json!({"Data": columns.iter().map(|c| json!({"VarCharValue": c})).collect::<Vec<_>>()});
    let mut all = vec![header];
    all.extend(rows.iter().cloned());
    let column_info: Vec<Value> = columns
        .iter()
        .map(|c| json!({"Name": c, "Label": c, "Type": "varchar", "Nullable": "UNKNOWN"}))
        .collect();
    let result = json!({"rows": all, "column_info": column_info});
    moto_api(
        moto,
        "/moto-api/static/athena/query-results",
        &json!({"account_id": PAYER, "region": "us-east-1", "results": vec![result; times]}),
    );
}

#[test]
fn athena_gives_the_same_findings_as_the_trail_and_state_works_with_both() {
    let moto = Moto::start(PAYER);
    let records = seed_trail(&moto);
    let accounts = ["111111111111,333333333333"];
    let s3_args = [
        &WINDOW[..],
        &["--logs", "s3://org-trail/trail/", "--accounts", accounts[0]],
    ]
    .concat();
    let (output, from_s3) = changes_json(&moto, &s3_args);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    // What a partition-pruned query returns: the GuardDuty records of the days it scans
    // (the window's day and the next), in the accounts asked for; the reader applies the
    // exact window, as it does to the objects of those days.
    let rows: Vec<Value> = records
        .iter()
        .filter(|(key, r)| {
            (key.contains("/2026/11/10/") || key.contains("/2026/11/11/"))
                && ["111111111111", "333333333333"]
                    .contains(&r["recipientAccountId"].as_str().unwrap())
        })
        .map(|(_, r)| athena_row(r))
        .collect();
    set_athena_rows(&moto, &rows, 1);
    let athena_args = [
        &WINDOW[..],
        &[
            "--athena-table",
            "cloudtrail.org_trail",
            "--athena-output",
            "s3://org-trail/athena-results/",
            "--accounts",
            accounts[0],
        ],
    ]
    .concat();
    let (output, from_athena) = changes_json(&moto, &athena_args);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(from_athena["changes"]["source"], "athena");
    assert_eq!(event_ids(&from_s3).len(), 12, "{from_s3:#}");
    let strip = |doc: &Value| -> Vec<Value> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f["details"].as_object_mut().unwrap().remove("raw");
                f
            })
            .collect()
    };
    // Same findings, fingerprints included.
    assert_eq!(strip(&from_athena), strip(&from_s3));

    // The query moto received is partition-pruned and restricted to GuardDuty.
    let sql = common::block_on(async {
        let athena = aws_sdk_athena::Client::from_conf(
            aws_sdk_athena::Config::builder()
                .behavior_version(aws_sdk_athena::config::BehaviorVersion::latest())
                .endpoint_url(&moto.endpoint)
                .region(aws_sdk_athena::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_athena::config::Credentials::new(
                    "testing", "testing", None, None, "test",
                ))
                .build(),
        );
        let ids = athena.list_query_executions().send().await.unwrap();
        let id = ids.query_execution_ids()[0].clone();
        let execution = athena
            .get_query_execution()
            .query_execution_id(id)
            .send()
            .await
            .unwrap();
        execution
            .query_execution()
            .unwrap()
            .query()
            .unwrap()
            .to_owned()
    });
    for part in [
        "FROM cloudtrail.org_trail",
        "eventsource = 'guardduty.amazonaws.com'",
        "\"timestamp\" >= '2026/11/10'",
        "\"timestamp\" <= '2026/11/11'",
        "accountid IN ('111111111111', '333333333333')",
    ] {
        assert!(sql.contains(part), "{part} not in {sql}");
    }

    // --state, as a cron job runs it: the first run with a window, the next resuming from
    // where it ended (less the 2h overlap, which holds the six 23:58 events): nothing twice.
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [("s3", &s3_args), ("athena", &athena_args)] {
        let state = dir.path().join(format!("{name}.json"));
        let state = state.to_str().unwrap();
        if name == "athena" {
            set_athena_rows(&moto, &rows, 2);
        }
        let first_args = [&args[..], &["--state", state]].concat();
        let (first_out, first) = changes_json(&moto, &first_args);
        assert_eq!(first_out.status.code(), Some(0), "{}", describe(&first_out));
        assert_eq!(event_ids(&first).len(), 12, "{name}: {first:#}");
        // The same run without --since: it resumes from the state file.
        let resumed: Vec<&str> = first_args[2..].to_vec();
        assert_eq!(first_args[..2], ["--since", "2026-11-10T00:00:00Z"]);
        let (second_out, second) = changes_json(&moto, &resumed);
        assert_eq!(
            second_out.status.code(),
            Some(0),
            "{}",
            describe(&second_out)
        );
        assert_eq!(event_ids(&second).len(), 0, "{name}: {second:#}");
        assert_eq!(second["changes"]["since"], "2026-11-10T21:59:59Z", "{name}");
        assert_eq!(
            second["changes"]["already_emitted"], 6,
            "{name}: {second:#}"
        );
    }
}
