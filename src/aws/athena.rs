//! GuardDuty changes from an Athena table over a CloudTrail trail (`--athena-table`): one
//! partition-pruned query, polled with bounded backoff, every result page read, and each
//! row rebuilt into a CloudTrail record (JSON) for the same reader as log files.
//!
//! `StartQueryExecution` is the one call here that is not a List/Get/Describe: it runs a
//! read-only `SELECT` and changes no configuration of the audited account (Athena writes
//! the result file to the workgroup's output location).

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_athena::Client;
use aws_sdk_athena::types::{QueryExecutionState, ResultConfiguration};
use serde_json::{Map, Value};

use super::retry::{self, RetryPolicy};
use crate::model::cloudtrail::GUARDDUTY_SOURCE;
use crate::model::time::Timestamp;
use crate::model::{CollectError, ErrorKind};

/// The columns the query selects, as the AWS-documented CloudTrail table names them. The
/// struct column `useridentity` is selected as JSON text so its nested keys survive.
pub const COLUMNS: [&str; 14] = [
    "eventid",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "recipientaccountid",
    "useridentity",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestparameters",
    "responseelements",
    "readonly",
];

/// Columns whose text is JSON, read back into JSON values.
const JSON_COLUMNS: [&str; 3] = ["useridentity", "requestparameters", "responseelements"];

/// What the query asks for.
#[derive(Debug, Clone, Default)]
pub struct QuerySpec {
    /// `database.table`.
    pub table: String,
    /// Event names of the changes; empty: every GuardDuty call (`--include-read-only`).
    /// Calls CloudTrail marked `readOnly: false` are selected too (a new API not yet in
    /// the catalogue); the reader then keeps exactly what the log path keeps.
    pub change_events: Vec<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Only these regions / accounts (empty: all). Accounts need the org-trail table's
    /// `accountid` partition column.
    pub regions: Vec<String>,
    pub accounts: Vec<String>,
    /// Never these regions.
    pub exclude_regions: Vec<String>,
}

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| literal(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `YYYY/MM/DD`: the `timestamp` partition's form (the delivery day).
fn partition_day(t: Timestamp) -> String {
    t.to_string()[..10].replace('-', "/")
}

/// `YYYY-MM-DDTHH:MM:SSZ`, as CloudTrail writes `eventTime`, to the second (`up`: rounded
/// up, so that the text bound never cuts off an event the exact window keeps).
fn event_time_bound(t: Timestamp, up: bool) -> String {
    let millis = t.unix_millis();
    let rounded = if up && millis.rem_euclid(1000) != 0 {
        millis - millis.rem_euclid(1000) + 1000
    } else {
        millis - millis.rem_euclid(1000)
    };
    Timestamp::from_unix_millis(rounded).to_string()
}

/// The Trino (Athena engine 3) query for the changes in `spec`. The partition columns
/// (`timestamp`, `region`, `accountid`) restrict the scan; the `eventtime` bounds are
/// whole seconds around the window, which the reader then applies exactly.
pub fn changes_query(spec: &QuerySpec) -> String {
    let select: Vec<String> = COLUMNS
        .iter()
        .map(|c| {
            if *c == "useridentity" {
                "json_format(CAST(useridentity AS JSON)) AS useridentity".to_owned()
            } else {
                (*c).to_owned()
            }
        })
        .collect();
    let mut conditions = vec![format!("eventsource = {}", literal(GUARDDUTY_SOURCE))];
    if !spec.change_events.is_empty() {
        conditions.push(format!(
            "(eventname IN ({}) OR readonly = 'false')",
            list(&spec.change_events)
        ));
    }
    if let Some(since) = spec.since {
        conditions.push(format!(
            "\"timestamp\" >= {}",
            literal(&partition_day(since))
        ));
        conditions.push(format!(
            "eventtime >= {}",
            literal(&event_time_bound(since, false))
        ));
    }
    if let Some(until) = spec.until {
        let late = until.add_millis(super::s3::DELIVERY_SLACK_MILLIS);
        conditions.push(format!(
            "\"timestamp\" <= {}",
            literal(&partition_day(late))
        ));
        conditions.push(format!(
            "eventtime <= {}",
            literal(&event_time_bound(until, true))
        ));
    }
    if !spec.regions.is_empty() {
        conditions.push(format!("region IN ({})", list(&spec.regions)));
    }
    if !spec.exclude_regions.is_empty() {
        conditions.push(format!("region NOT IN ({})", list(&spec.exclude_regions)));
    }
    if !spec.accounts.is_empty() {
        conditions.push(format!("accountid IN ({})", list(&spec.accounts)));
    }
    format!(
        "SELECT {}\nFROM {}\nWHERE {}\nORDER BY eventtime, eventid",
        select.join(", "),
        spec.table,
        conditions.join("\n  AND ")
    )
}

/// A row of the result rebuilt into a CloudTrail record: JSON columns parsed (a value that
/// is not valid JSON is kept as text), NULLs left out.
pub fn row_record(columns: &[String], row: &[Option<String>]) -> Value {
    let mut record = Map::new();
    for (column, value) in columns.iter().zip(row) {
        let Some(text) = value else {
            continue;
        };
        let value = if JSON_COLUMNS.contains(&column.as_str()) {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        } else {
            Value::String(text.clone())
        };
        record.insert(column.clone(), value);
    }
    Value::Object(record)
}

/// Where and how to run the query.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    pub workgroup: Option<String>,
    /// `s3://…` for the result file, when the workgroup does not set one.
    pub output: Option<String>,
    /// The first wait between two `GetQueryExecution` calls; it doubles up to `poll_max`.
    pub poll_first: Duration,
    pub poll_max: Duration,
    /// How long to wait for the query in all before giving up (the run is then incomplete).
    pub deadline: Duration,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            workgroup: None,
            output: None,
            poll_first: Duration::from_millis(200),
            poll_max: Duration::from_secs(5),
            deadline: Duration::from_secs(30 * 60),
        }
    }
}

/// What the query returned.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub query_id: Option<String>,
    /// Column names (lowercase, as Athena reports them).
    pub columns: Vec<String>,
    /// Data rows (the header row left out); `None` is SQL NULL.
    pub rows: Vec<Vec<Option<String>>>,
    /// `GetQueryResults` pages read.
    pub pages: u32,
    /// Bytes the query scanned (Athena bills by this).
    pub bytes_scanned: Option<i64>,
    /// Why the query or its results could not be read to the end.
    pub error: Option<CollectError>,
}

/// An Athena client for the home region of `config`.
pub fn client(config: &SdkConfig) -> Client {
    Client::new(config)
}

/// Runs `sql` and reads every page of its result. Never fails as a whole: a query that
/// failed, was cancelled or took too long is [`QueryResult::error`], with Athena's reason.
pub async fn run_query(client: &Client, sql: &str, opts: &QueryOptions) -> QueryResult {
    let mut result = QueryResult::default();
    // One token for every attempt: a retried start whose first attempt did reach Athena
    // (a 500 after the fact) is the same query, not a second one to pay for.
    let token = format!("gdaudit-{:016x}{:016x}", retry::roll(), retry::roll());
    let mut request = client
        .start_query_execution()
        .query_string(sql)
        .client_request_token(token);
    if let Some(workgroup) = &opts.workgroup {
        request = request.work_group(workgroup);
    }
    if let Some(output) = &opts.output {
        request = request.result_configuration(
            ResultConfiguration::builder()
                .output_location(output)
                .build(),
        );
    }
    let policy = policy(client);
    let started = retry::unpaced("athena:StartQueryExecution", &policy, || {
        request
            .clone()
            .customize()
            .config_override(crate::no_sdk_retries!(aws_sdk_athena))
            .send()
    })
    .await;
    let id = match started {
        Ok(out) => match out.query_execution_id {
            Some(id) => id,
            None => {
                result.error = Some(other("athena:StartQueryExecution", "no query id returned"));
                return result;
            }
        },
        Err(error) => {
            result.error = Some(error);
            return result;
        }
    };
    result.query_id = Some(id.clone());
    if let Err(error) = wait(client, &id, opts, &mut result).await {
        result.error = Some(error);
        return result;
    }
    if let Err(error) = read_pages(client, &id, &mut result).await {
        result.error = Some(error);
    }
    result
}

/// Polls until the query ends, waiting `poll_first`, doubling up to `poll_max`, for at most
/// `deadline` in all.
async fn wait(
    client: &Client,
    id: &str,
    opts: &QueryOptions,
    result: &mut QueryResult,
) -> Result<(), CollectError> {
    let policy = policy(client);
    let started = tokio::time::Instant::now();
    let mut pause = opts.poll_first;
    loop {
        let out = retry::unpaced("athena:GetQueryExecution", &policy, || {
            client
                .get_query_execution()
                .query_execution_id(id)
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_athena))
                .send()
        })
        .await?;
        let execution = out.query_execution();
        result.bytes_scanned = execution
            .and_then(|e| e.statistics())
            .and_then(|s| s.data_scanned_in_bytes())
            .or(result.bytes_scanned);
        let status = execution.and_then(|e| e.status());
        let reason = status
            .and_then(|s| s.state_change_reason())
            .unwrap_or("no reason given");
        match status.and_then(|s| s.state()) {
            Some(QueryExecutionState::Succeeded) => return Ok(()),
            Some(QueryExecutionState::Failed) => {
                return Err(other(
                    "athena:GetQueryExecution",
                    &format!("query {id} FAILED: {reason}"),
                ));
            }
            Some(QueryExecutionState::Cancelled) => {
                return Err(other(
                    "athena:GetQueryExecution",
                    &format!("query {id} was CANCELLED: {reason}"),
                ));
            }
            _ => {}
        }
        if started.elapsed() + pause > opts.deadline {
            return Err(CollectError {
                kind: ErrorKind::Network,
                operation: "athena:GetQueryExecution".to_owned(),
                code: None,
                message: format!(
                    "query {id} had not finished after {}s; it may still be running in Athena",
                    opts.deadline.as_secs()
                ),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(opts.poll_max);
    }
}

/// Reads every page of the result. The first row of the first page repeats the column
/// names (Athena does this for `SELECT`) and is left out.
async fn read_pages(
    client: &Client,
    id: &str,
    result: &mut QueryResult,
) -> Result<(), CollectError> {
    let policy = policy(client);
    let mut token: Option<String> = None;
    loop {
        let out = retry::unpaced("athena:GetQueryResults", &policy, || {
            client
                .get_query_results()
                .query_execution_id(id)
                .max_results(1000)
                .set_next_token(token.clone())
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_athena))
                .send()
        })
        .await?;
        result.pages += 1;
        let Some(set) = out.result_set() else {
            break;
        };
        if result.columns.is_empty() {
            result.columns = set
                .result_set_metadata()
                .map(|m| {
                    m.column_info()
                        .iter()
                        .map(|c| c.name().to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default();
        }
        for (index, row) in set.rows().iter().enumerate() {
            let values: Vec<Option<String>> = row
                .data()
                .iter()
                .map(|d| d.var_char_value().map(str::to_owned))
                .collect();
            let header = result.pages == 1
                && index == 0
                && values
                    .iter()
                    .zip(&result.columns)
                    .all(|(v, c)| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(c)));
            if !header {
                result.rows.push(values);
            }
        }
        match out.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
    Ok(())
}

/// gdaudit's retry budget for `client` (every call goes through `retry::unpaced`).
fn policy(client: &Client) -> RetryPolicy {
    RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    )
}

fn other(operation: &str, message: &str) -> CollectError {
    CollectError {
        kind: ErrorKind::Other,
        operation: operation.to_owned(),
        code: None,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_prunes_partitions_and_quotes_literals() {
        let spec = QuerySpec {
            table: "trails.org".into(),
            change_events: vec!["DeleteDetector".into(), "It's".into()],
            since: Timestamp::parse("2026-11-10T00:00:00.250Z"),
            until: Timestamp::parse("2026-11-10T23:59:59.500Z"),
            regions: vec!["eu-west-1".into()],
            accounts: vec!["111122223333".into()],
            exclude_regions: vec!["me-south-1".into()],
        };
        let sql = changes_query(&spec);
        assert!(sql.contains("\"timestamp\" >= '2026/11/10'"), "{sql}");
        assert!(sql.contains("\"timestamp\" <= '2026/11/11'"), "{sql}");
        assert!(sql.contains("eventtime >= '2026-11-10T00:00:00Z'"), "{sql}");
        assert!(sql.contains("eventtime <= '2026-11-11T00:00:00Z'"), "{sql}");
        assert!(sql.contains("'It''s'"), "{sql}");
        assert!(sql.contains("region IN ('eu-west-1')"), "{sql}");
        assert!(sql.contains("accountid IN ('111122223333')"), "{sql}");
        assert!(sql.contains("region NOT IN ('me-south-1')"), "{sql}");
    }

    #[test]
    fn rows_become_records() {
        let columns: Vec<String> = [
            "eventname",
            "useridentity",
            "requestparameters",
            "errorcode",
        ]
        .map(String::from)
        .to_vec();
        let row = [
            Some("DeleteDetector".to_owned()),
            Some(r#"{"type":"IAMUser","arn":"arn:x"}"#.to_owned()),
            Some("{\"detectorId\":".to_owned()),
            None,
        ];
        let record = row_record(&columns, &row);
        assert_eq!(record["useridentity"]["arn"], "arn:x");
        assert_eq!(record["requestparameters"], "{\"detectorId\":");
        assert!(record.get("errorcode").is_none());
    }
}
