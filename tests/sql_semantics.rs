//! The Athena query gdaudit generates, run on a real SQL engine: its Trino text is transpiled
//! with sqlglot to DuckDB and executed over a table of test records (tests/support/
//! sql_semantics.py); the rows, rebuilt into records and read as `--athena-table` reads them,
//! give exactly the change set `--logs` gives on the same records.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::Command;

use gdaudit::aws::athena::{QuerySpec, changes_query, row_record};
use gdaudit::cloudtrail::{LogReadOptions, merge_objects, read_log_object, read_logs};
use gdaudit::model::cloudtrail::Event;
use gdaudit::model::time::Timestamp;
use serde_json::{Value, json};

const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const DAYS: [&str; 3] = ["2026-11-09", "2026-11-10", "2026-11-11"];

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("GDAUDIT_MOTO_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "sqlglot and duckdb are not installed: run scripts/test"
    );
    venv
}

fn next_day(day: &str) -> String {
    let t = Timestamp::parse(&format!("{day}T00:00:00Z")).unwrap();
    t.add_millis(86_400_000).to_string()[..10].to_owned()
}

/// A CloudTrail record and the day it was delivered (its `timestamp` partition).
struct Delivered {
    record: Value,
    day: String,
}

fn record(account: &str, region: &str, id: String, time: String, name: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:bob",
            "arn": format!("arn:aws:sts::{account}:assumed-role/Ops/bob"),
            "accountId": account,
            "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "Role",
                "arn": format!("arn:aws:iam::{account}:role/Ops"), "accountId": account, "userName": "Ops"}}
        },
        "eventTime": time,
        "eventSource": "guardduty.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.9",
        "userAgent": "Boto3/1.34",
        "requestParameters": {"detectorId": "abc", "name": "f'1"},
        "responseElements": {"name": "f'1"},
        "eventID": id,
        "readOnly": name.starts_with("List") || name.starts_with("Get"),
        "recipientAccountId": account
    })
}

fn records() -> Vec<Delivered> {
    let mut all = Vec::new();
    for account in ACCOUNTS {
        for region in REGIONS {
            for day in DAYS {
                let id = |what: &str| format!("{account}-{region}-{day}-{what}");
                let at = |hms: &str| format!("{day}T{hms}Z");
                let same = |record: Value| Delivered {
                    record,
                    day: day.to_owned(),
                };
                all.push(same(record(
                    account,
                    region,
                    id("noon"),
                    at("12:00:00"),
                    "UpdateDetector",
                )));
                all.push(same(record(
                    account,
                    region,
                    id("read"),
                    at("13:00:00"),
                    "ListDetectors",
                )));
                let mut failed = record(
                    account,
                    region,
                    id("denied"),
                    at("06:00:00"),
                    "DeleteDetector",
                );
                failed["errorCode"] = json!("AccessDenied");
                failed["errorMessage"] = json!("User: bob is not authorized");
                all.push(same(failed));
                // A GuardDuty API the catalogue does not know yet, marked as a write.
                all.push(same(record(
                    account,
                    region,
                    id("new"),
                    at("07:00:00"),
                    "StartNewThing",
                )));
                let mut other = record(account, region, id("s3"), at("08:00:00"), "PutObject");
                other["eventSource"] = json!("s3.amazonaws.com");
                all.push(same(other));
                // On the window's last second, and delivered the next day.
                all.push(Delivered {
                    record: record(account, region, id("late"), at("23:58:00"), "CreateFilter"),
                    day: next_day(day),
                });
            }
        }
    }
    all
}

/// The record as a row of the CloudTrail table (lowercase columns, JSON text columns,
/// readonly as text) with the org trail's partition columns.
fn table_row(delivered: &Delivered) -> Value {
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
    let r = &delivered.record;
    let mut row = serde_json::Map::new();
    for (key, value) in r.as_object().unwrap() {
        let column = key.to_ascii_lowercase();
        let value = match column.as_str() {
            "useridentity" => lower(value),
            "requestparameters" | "responseelements" => json!(value.to_string()),
            _ => match value {
                Value::Bool(b) => json!(b.to_string()),
                other => other.clone(),
            },
        };
        row.insert(column, value);
    }
    row.insert("accountid".into(), r["recipientAccountId"].clone());
    row.insert("region".into(), r["awsRegion"].clone());
    row.insert("timestamp".into(), json!(delivered.day.replace('-', "/")));
    Value::Object(row)
}

/// Runs `sql` in DuckDB over the table, and reads the rows as `--athena-table` does.
fn through_duckdb(dir: &Path, sql: &str, options: &LogReadOptions) -> Vec<Event> {
    let rows_path = dir.join("rows.jsonl");
    let table: Vec<String> = records().iter().map(|d| table_row(d).to_string()).collect();
    std::fs::write(&rows_path, table.join("\n")).unwrap();
    let sql_path = dir.join("query.sql");
    std::fs::write(&sql_path, sql).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/sql_semantics.py");
    let output = Command::new(python())
        .arg(script)
        .arg(&rows_path)
        .arg(&sql_path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    let columns: Vec<String> = serde_json::from_value(result["columns"].clone()).unwrap();
    let rows: Vec<Vec<Option<String>>> = serde_json::from_value(result["rows"].clone()).unwrap();
    let text: String = rows
        .iter()
        .map(|row| row_record(&columns, row).to_string() + "\n")
        .collect();
    let object = read_log_object("athena:duckdb", text.as_bytes(), options);
    let read = merge_objects(vec![object], Vec::new(), 0);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read.events
}

/// The same records as log files, read by `--logs`.
fn through_logs(dir: &Path, options: &LogReadOptions) -> Vec<Event> {
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    for (n, delivered) in records().iter().enumerate() {
        let file = logs.join(format!("{}-{n}.json", delivered.day));
        std::fs::write(file, json!({"Records": [delivered.record]}).to_string()).unwrap();
    }
    let read = read_logs(&[logs], options);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read.events
}

fn ids(events: &[Event]) -> Vec<String> {
    let mut ids: Vec<String> = events.iter().map(|e| e.event_id.clone().unwrap()).collect();
    ids.sort();
    ids
}

fn check(spec: QuerySpec, include_read_only: bool, expected_count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let options = LogReadOptions {
        include_read_only,
        since: spec.since,
        until: spec.until,
        threads: 1,
        ..LogReadOptions::default()
    };
    let sql = changes_query(&spec);
    let from_sql = through_duckdb(dir.path(), &sql, &options);
    let from_logs: Vec<Event> = through_logs(dir.path(), &options)
        .into_iter()
        .filter(|e| {
            spec.accounts.is_empty()
                || spec
                    .accounts
                    .iter()
                    .any(|a| Some(a.as_str()) == e.account())
        })
        .filter(|e| {
            spec.regions.is_empty() || spec.regions.iter().any(|r| Some(r) == e.region.as_ref())
        })
        .collect();
    assert_eq!(ids(&from_sql), ids(&from_logs), "{sql}");
    assert_eq!(from_sql.len(), expected_count, "{sql}");
    // Not only the ids: the events themselves, as the findings are built from them.
    let by_id = |events: &[Event]| {
        let mut events = events.to_vec();
        events.sort_by(|a, b| a.event_id.cmp(&b.event_id));
        events
    };
    assert_eq!(by_id(&from_sql), by_id(&from_logs));
}

fn changes() -> Vec<String> {
    gdaudit::catalogue::change_actions()
        .map(|a| a.name.to_owned())
        .collect()
}

#[test]
fn one_day_every_account_and_region() {
    // Per account and region: noon, denied, new and late (23:58, delivered the next day),
    // and the previous day's late event is before the window.
    let spec = QuerySpec {
        table: "cloudtrail.org_trail".into(),
        change_events: changes(),
        since: Timestamp::parse("2026-11-10T00:00:00Z"),
        until: Timestamp::parse("2026-11-10T23:58:00Z"),
        ..QuerySpec::default()
    };
    check(spec, false, 4 * 4);
}

#[test]
fn accounts_regions_and_a_window_inside_seconds() {
    let spec = QuerySpec {
        table: "cloudtrail.org_trail".into(),
        change_events: changes(),
        since: Timestamp::parse("2026-11-10T12:00:00.500Z"),
        until: Timestamp::parse("2026-11-11T12:00:00.000Z"),
        accounts: vec!["222222222222".into()],
        regions: vec!["eu-west-1".into()],
        exclude_regions: Vec::new(),
    };
    // 10th: late; 11th: denied, new, noon (at until exactly). 10th's noon is 0.5 s early.
    check(spec, false, 4);
}

#[test]
fn reads_included_without_a_start() {
    let spec = QuerySpec {
        table: "cloudtrail.org_trail".into(),
        change_events: Vec::new(),
        since: None,
        until: Timestamp::parse("2026-11-09T23:59:59Z"),
        ..QuerySpec::default()
    };
    // The 9th: noon, read, denied, new, late, per account and region.
    check(spec, true, 5 * 4);
}

#[test]
fn excluded_regions_are_left_out() {
    let spec = QuerySpec {
        table: "cloudtrail.org_trail".into(),
        change_events: changes(),
        since: Timestamp::parse("2026-11-10T00:00:00Z"),
        until: Timestamp::parse("2026-11-10T23:58:00Z"),
        exclude_regions: vec!["us-east-1".into()],
        ..QuerySpec::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let options = LogReadOptions {
        since: spec.since,
        until: spec.until,
        threads: 1,
        ..LogReadOptions::default()
    };
    let from_sql = through_duckdb(dir.path(), &changes_query(&spec), &options);
    assert_eq!(from_sql.len(), 2 * 4);
    assert!(
        from_sql
            .iter()
            .all(|e| e.region.as_deref() == Some("eu-west-1"))
    );
}
