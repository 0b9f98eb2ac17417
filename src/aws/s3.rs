//! CloudTrail logs in S3 (`--logs s3://BUCKET/PREFIX/`): the object keys a window, regions
//! and accounts need, found by walking the trail's layout so that only those prefixes are
//! listed, then bounded parallel GETs handed one by one to a reader. Every request goes
//! through gdaudit's retry loop (`super::retry`), and a body cut off is fetched again.
//!
//! The layout CloudTrail writes (organization trails add the `o-…` level):
//! `PREFIX/AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_ID.json.gz`.
//! The date folders and the time in a name are when the file was *delivered* (UTC); the
//! events in it happened before that, usually minutes before.

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_sdk_s3::Client;

use super::retry::{self, RetryPolicy};
use crate::model::time::Timestamp;
use crate::model::{CollectError, ErrorKind};

/// How long after an event CloudTrail may still deliver it: the files delivered up to this
/// long after the window's end are read too, so an event late in the window is not missed.
pub const DELIVERY_SLACK_MILLIS: i64 = 60 * 60 * 1000;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// `s3://BUCKET/PREFIX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    /// The key prefix, `""` or ending with `/`.
    pub prefix: String,
}

impl S3Url {
    /// Reads `s3://bucket[/prefix]`; `None` when `text` is not an `s3://` URL at all.
    pub fn parse(text: &str) -> Option<Result<S3Url, String>> {
        let rest = text.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(format!("{text}: no bucket name after s3://")));
        }
        let prefix = prefix.trim_start_matches('/');
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix.to_owned()
        } else {
            format!("{prefix}/")
        };
        Some(Ok(S3Url {
            bucket: bucket.to_owned(),
            prefix,
        }))
    }

    /// `s3://bucket/key`, to name an object or a prefix in messages.
    pub fn name(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }
}

/// Which part of the trail to read.
#[derive(Debug, Clone, Default)]
pub struct TrailScope {
    /// Only files delivered at or after this (less a minute: names are to the minute).
    pub since: Option<Timestamp>,
    /// Only files delivered at or before this plus [`DELIVERY_SLACK_MILLIS`].
    pub until: Option<Timestamp>,
    /// The end of the date folders listed when `since` is set and `until` is not (now).
    pub now: Option<Timestamp>,
    /// Only these accounts (empty: every account).
    pub accounts: Vec<String>,
    /// Only these regions (empty: every region found).
    pub regions: Vec<String>,
    /// Never these regions.
    pub exclude_regions: Vec<String>,
}

/// The object keys found, and what could not be listed.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Keys to read, sorted.
    pub keys: Vec<String>,
    /// ListObjectsV2 requests made (one per page).
    pub list_requests: u64,
    /// Keys left out because their name says they were delivered outside the window.
    pub keys_outside_window: u64,
    /// Prefixes that could not be listed (`s3://bucket/prefix`), and why.
    pub errors: Vec<(String, CollectError)>,
}

/// A level of the layout: what the folders under a prefix are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Under `PREFIX/AWSLogs/`: organization ids or account ids. `fallback`: the user's
    /// prefix had no `AWSLogs/`; if nothing is there, everything under the prefix is read.
    AwsLogs { fallback: bool },
    /// Under `o-ORGID/`: account ids.
    Organization,
    /// Under `ACCOUNT/`: `CloudTrail/` (digests and Insights are beside it and not read).
    /// Not listed: an account without `CloudTrail/` lists as empty one level down.
    Account,
    /// Under `CloudTrail/`: regions.
    Regions,
    /// Under `REGION/`: `YYYY/MM/DD/` folders.
    Days,
    /// Every object under the prefix.
    Objects,
}

/// Where a user's prefix sits in the layout.
fn start(prefix: &str) -> (String, Level) {
    let parts: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    let Some(at) = parts.iter().position(|p| *p == "AWSLogs") else {
        return (
            format!("{prefix}AWSLogs/"),
            Level::AwsLogs { fallback: true },
        );
    };
    let mut level = Level::AwsLogs { fallback: false };
    for part in &parts[at + 1..] {
        level = match level {
            Level::AwsLogs { .. } if part.starts_with("o-") => Level::Organization,
            Level::AwsLogs { .. } | Level::Organization if is_account(part) => Level::Account,
            Level::Account if *part == "CloudTrail" => Level::Regions,
            Level::Regions => Level::Days,
            _ => return (prefix.to_owned(), Level::Objects),
        };
    }
    (prefix.to_owned(), level)
}

fn is_account(part: &str) -> bool {
    part.len() == 12 && part.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY/MM/DD/` of the day `t` is in.
fn day_folder(t: Timestamp) -> String {
    let text = t.to_string();
    format!("{}/{}/{}/", &text[0..4], &text[5..7], &text[8..10])
}

/// The delivery time in a CloudTrail file name (`…_20261110T0005Z_…`), to the minute.
pub fn delivered_at(key: &str) -> Option<Timestamp> {
    let name = key.rsplit('/').next()?;
    name.split('_').find_map(|part| {
        let b = part.as_bytes();
        let shaped = b.len() == 14
            && b[8] == b'T'
            && b[13] == b'Z'
            && b[..8].iter().chain(&b[9..13]).all(u8::is_ascii_digit);
        if !shaped {
            return None;
        }
        Timestamp::parse(&format!(
            "{}-{}-{}T{}:{}:00Z",
            &part[0..4],
            &part[4..6],
            &part[6..8],
            &part[9..11],
            &part[11..13]
        ))
    })
}

impl TrailScope {
    /// A key is read unless its name says it was delivered outside the window.
    fn wants(&self, key: &str) -> bool {
        let Some(at) = delivered_at(key) else {
            return true;
        };
        // Names are to the minute: a file named 00:05 may hold an event of 00:05:59.
        self.since.is_none_or(|s| at.add_millis(60_000) >= s)
            && self
                .until
                .is_none_or(|u| at <= u.add_millis(DELIVERY_SLACK_MILLIS))
    }

    /// The date folders to list: from the window's first day to the day its end's late
    /// deliveries land in. `None`: no window, every folder.
    fn days(&self) -> Option<Vec<String>> {
        let since = self.since?;
        let end = self
            .until
            .or(self.now)
            .unwrap_or_else(Timestamp::now)
            .add_millis(DELIVERY_SLACK_MILLIS);
        let mut days = Vec::new();
        let mut day = since;
        while day_folder(day) <= day_folder(end) && days.len() < 40_000 {
            days.push(day_folder(day));
            day = day.add_millis(MILLIS_PER_DAY);
        }
        Some(days)
    }

    fn region_wanted(&self, region: &str) -> bool {
        (self.regions.is_empty() || self.regions.iter().any(|r| r == region))
            && !self.exclude_regions.iter().any(|r| r == region)
    }

    fn account_wanted(&self, account: &str) -> bool {
        self.accounts.is_empty() || self.accounts.iter().any(|a| a == account)
    }
}

/// An S3 client for the bucket's region (`region`, else the configuration's).
pub fn client(config: &SdkConfig, region: Option<&str>) -> Client {
    let mut builder = aws_sdk_s3::config::Builder::from(config);
    if let Some(region) = region {
        builder = builder.region(aws_config::Region::new(region.to_owned()));
    }
    Client::from_conf(builder.build())
}

/// Lists the keys of the trail under `url` that `scope` needs, listing at most
/// `concurrency` prefixes at once. Never fails as a whole: a prefix that cannot be listed
/// is in [`Listing::errors`] and the others are still listed.
pub async fn list_trail(
    client: &Client,
    url: &S3Url,
    scope: &TrailScope,
    concurrency: usize,
) -> Listing {
    let mut listing = Listing::default();
    let mut pending = vec![start(&url.prefix)];
    while !pending.is_empty() {
        // Levels whose folder names are known (accounts or regions asked for, the days of
        // a window, `CloudTrail/`) are not listed at all.
        let mut round = Vec::new();
        for (prefix, level) in std::mem::take(&mut pending) {
            match known_children(&prefix, level, scope) {
                Some(children) => pending.extend(children),
                None => round.push((prefix, level)),
            }
        }
        if round.is_empty() {
            continue;
        }
        let results = super::fan_out(round.clone(), concurrency, |(prefix, level)| {
            let client = Client::clone(client);
            let bucket = url.bucket.clone();
            async move { list_prefix(&client, &bucket, &prefix, level != Level::Objects).await }
        })
        .await;
        for ((prefix, level), result) in round.into_iter().zip(results) {
            let Some(page) = result else {
                let error = super::internal_error("s3:ListObjectsV2");
                listing.errors.push((url.name(&prefix), error));
                continue;
            };
            listing.list_requests += page.requests;
            if let Some(error) = page.error.clone() {
                listing.errors.push((url.name(&prefix), error));
            }
            expand(&prefix, level, page, scope, &mut pending, &mut listing);
        }
    }
    listing.keys.sort();
    listing.keys.dedup();
    listing
}

/// The sub-folders of `prefix` at `level` when they need no listing.
fn known_children(prefix: &str, level: Level, scope: &TrailScope) -> Option<Vec<(String, Level)>> {
    let under = |names: &[String], next: Level| {
        names
            .iter()
            .map(|name| (format!("{prefix}{name}/"), next))
            .collect::<Vec<_>>()
    };
    match level {
        Level::Organization if !scope.accounts.is_empty() => {
            Some(under(&scope.accounts, Level::Account))
        }
        Level::Account => Some(vec![(format!("{prefix}CloudTrail/"), Level::Regions)]),
        Level::Regions if !scope.regions.is_empty() => {
            let wanted: Vec<String> = scope
                .regions
                .iter()
                .filter(|r| scope.region_wanted(r))
                .cloned()
                .collect();
            Some(under(&wanted, Level::Days))
        }
        Level::Days => Some(match scope.days() {
            Some(days) => days
                .into_iter()
                .map(|day| (format!("{prefix}{day}"), Level::Objects))
                .collect(),
            None => vec![(prefix.to_owned(), Level::Objects)],
        }),
        _ => None,
    }
}

/// What the folders (or objects) found under `prefix` at `level` lead to next.
fn expand(
    prefix: &str,
    level: Level,
    page: Page,
    scope: &TrailScope,
    pending: &mut Vec<(String, Level)>,
    listing: &mut Listing,
) {
    let child = |folder: &str| folder[prefix.len()..].trim_end_matches('/').to_owned();
    match level {
        Level::AwsLogs { fallback } => {
            if fallback && page.folders.is_empty() && page.keys.is_empty() {
                let above = prefix.trim_end_matches("AWSLogs/").to_owned();
                pending.push((above, Level::Objects));
            }
            for folder in &page.folders {
                let name = child(folder);
                if name.starts_with("o-") {
                    pending.push((folder.clone(), Level::Organization));
                } else if is_account(&name) && scope.account_wanted(&name) {
                    pending.push((folder.clone(), Level::Account));
                }
            }
        }
        Level::Organization => {
            for folder in &page.folders {
                let name = child(folder);
                if is_account(&name) && scope.account_wanted(&name) {
                    pending.push((folder.clone(), Level::Account));
                }
            }
        }
        Level::Regions => {
            for folder in &page.folders {
                if scope.region_wanted(&child(folder)) {
                    pending.push((folder.clone(), Level::Days));
                }
            }
        }
        // Known without listing: see `known_children`.
        Level::Account | Level::Days => {}
        Level::Objects => {
            for key in page.keys {
                if scope.wants(&key) {
                    listing.keys.push(key);
                } else {
                    listing.keys_outside_window += 1;
                }
            }
        }
    }
}

/// One prefix listed to its end.
#[derive(Debug, Clone, Default)]
struct Page {
    folders: Vec<String>,
    keys: Vec<String>,
    requests: u64,
    error: Option<CollectError>,
}

/// Lists `prefix` (every page): its sub-folders and keys with `folders`, else every key
/// below it. Folder levels are only listed where the layout has few of them; a level
/// known in advance (accounts asked for, days of a window) is not listed at all.
async fn list_prefix(client: &Client, bucket: &str, prefix: &str, folders: bool) -> Page {
    let policy = policy(client);
    let mut page = Page::default();
    let mut token: Option<String> = None;
    loop {
        let mut request = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.clone());
        if folders {
            request = request.delimiter("/");
        }
        page.requests += 1;
        let sent = retry::unpaced("s3:ListObjectsV2", &policy, || {
            request
                .clone()
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_s3))
                .send()
        })
        .await;
        match sent {
            Ok(out) => {
                page.folders.extend(
                    out.common_prefixes()
                        .iter()
                        .filter_map(|p| p.prefix().map(str::to_owned)),
                );
                page.keys.extend(
                    out.contents()
                        .iter()
                        .filter_map(|o| o.key().map(str::to_owned)),
                );
                match out.next_continuation_token() {
                    Some(next) if out.is_truncated() == Some(true) && !next.is_empty() => {
                        token = Some(next.to_owned());
                    }
                    _ => break,
                }
            }
            Err(error) => {
                page.error = Some(error);
                break;
            }
        }
    }
    page
}

/// Fetches every key (at most `concurrency` GETs at once) and hands each object's bytes to
/// `read` on a blocking thread as soon as it has arrived, so that at most `concurrency`
/// objects are held at a time. Results are in the keys' order: what `read` returned, or
/// why the object could not be fetched.
pub async fn read_objects<R, F>(
    client: &Client,
    bucket: &str,
    keys: Vec<String>,
    concurrency: usize,
    read: F,
) -> Vec<Result<R, CollectError>>
where
    R: Send + 'static,
    F: Fn(&str, &[u8]) -> R + Send + Sync + 'static,
{
    let read = Arc::new(read);
    let count = keys.len();
    let mut results: Vec<Option<Result<R, CollectError>>> = (0..count).map(|_| None).collect();
    let mut keys = keys.into_iter().enumerate();
    let mut tasks = tokio::task::JoinSet::new();
    // Only `concurrency` requests exist at a time (not one future per key, spawned up
    // front): an SDK request future is tens of KB, and a year of a trail is millions of keys.
    loop {
        while tasks.len() < concurrency.max(1) {
            let Some((index, key)) = keys.next() else {
                break;
            };
            let client = Client::clone(client);
            let bucket = bucket.to_owned();
            let read = Arc::clone(&read);
            tasks.spawn(async move {
                let result = match get_object(&client, &bucket, &key).await {
                    Ok(bytes) => tokio::task::spawn_blocking(move || read(&key, bytes.as_ref()))
                        .await
                        .map_err(|_| super::internal_error("s3:GetObject")),
                    Err(error) => Err(error),
                };
                (index, result)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        // A task that panicked leaves its slot `None`: reported below as an internal error.
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(super::internal_error("s3:GetObject"))))
        .collect()
}

async fn get_object(
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<impl AsRef<[u8]> + Send + 'static, CollectError> {
    let policy = policy(client);
    let mut cut_off = 0;
    loop {
        let out = retry::unpaced("s3:GetObject", &policy, || {
            client
                .get_object()
                .bucket(bucket)
                .key(key)
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_s3))
                .send()
        })
        .await?;
        match out.body.collect().await {
            // The body's bytes as received (no copy when they arrived in one piece).
            Ok(body) => return Ok(body.into_bytes()),
            // A body cut off (a reset mid-transfer) is fetched again, within the same
            // budget as any transient error.
            Err(_) if cut_off < policy.transient_retries => {
                retry::back_off(&policy, cut_off).await;
                cut_off += 1;
            }
            Err(err) => {
                return Err(CollectError {
                    kind: ErrorKind::Network,
                    operation: "s3:GetObject".to_owned(),
                    code: None,
                    message: format!("the object's body could not be read to its end: {err}"),
                });
            }
        }
    }
}

/// gdaudit's retry budget for `client` (every call goes through `retry::unpaced`).
fn policy(client: &Client) -> RetryPolicy {
    RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn parses_urls() {
        assert_eq!(
            S3Url::parse("s3://b/AWSLogs").unwrap().unwrap(),
            S3Url {
                bucket: "b".into(),
                prefix: "AWSLogs/".into()
            }
        );
        assert_eq!(S3Url::parse("s3://b").unwrap().unwrap().prefix, "");
        assert!(S3Url::parse("s3:///x").unwrap().is_err());
        assert!(S3Url::parse("./AWSLogs").is_none());
    }

    #[test]
    fn places_a_prefix_in_the_layout() {
        assert_eq!(
            start("logs/"),
            ("logs/AWSLogs/".into(), Level::AwsLogs { fallback: true })
        );
        assert_eq!(start("AWSLogs/o-abc/").1, Level::Organization);
        assert_eq!(start("x/AWSLogs/o-abc/111122223333/").1, Level::Account);
        assert_eq!(start("AWSLogs/111122223333/CloudTrail/").1, Level::Regions);
        assert_eq!(
            start("AWSLogs/111122223333/CloudTrail/eu-west-1/").1,
            Level::Days
        );
        assert_eq!(
            start("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/").1,
            Level::Objects
        );
        assert_eq!(
            start("AWSLogs/111122223333/CloudTrail-Digest/").1,
            Level::Objects
        );
    }

    #[test]
    fn reads_the_delivery_time_of_a_name() {
        let key = "AWSLogs/o-a/111122223333/CloudTrail/eu-west-1/2026/11/10/111122223333_CloudTrail_eu-west-1_20261110T2355Z_AbC.json.gz";
        assert_eq!(delivered_at(key), Some(at("2026-11-10T23:55:00Z")));
        assert_eq!(delivered_at("a/b/c.json"), None);
    }

    #[test]
    fn a_window_prunes_days_and_names() {
        let scope = TrailScope {
            since: Some(at("2026-11-10T00:00:00Z")),
            until: Some(at("2026-11-10T23:59:59Z")),
            ..TrailScope::default()
        };
        // The next day's folder is listed for late deliveries of the window's last hour.
        assert_eq!(scope.days().unwrap(), ["2026/11/10/", "2026/11/11/"]);
        let name = |t: &str| format!("x/111122223333_CloudTrail_eu-west-1_{t}_id.json.gz");
        assert!(scope.wants(&name("20261110T0000Z")));
        assert!(scope.wants(&name("20261111T0055Z")));
        assert!(!scope.wants(&name("20261111T0105Z")));
        assert!(!scope.wants(&name("20261109T2358Z")));
        assert!(scope.wants("x/unknown-name.json"));
        assert!(TrailScope::default().days().is_none());
    }
}
