//! CloudTrail LookupEvents, filtered to GuardDuty, paced under its limit of 2 requests per
//! second per region (every attempt, retries included), retrying throttled and failed pages
//! (`super::retry`), and following every NextToken.

use std::time::Duration;

use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::changes::RegionEvents;
use crate::model::cloudtrail::{Event, GUARDDUTY_SOURCE, Timestamp};
use crate::model::{CollectError, ErrorKind};
use aws_config::{Region, SdkConfig};
use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

/// How to read one region's events.
#[derive(Debug, Clone)]
pub struct LookupOptions {
    pub since: Timestamp,
    pub until: Timestamp,
    /// Keep read-only GuardDuty calls too (otherwise only changes are kept).
    pub include_read_only: bool,
    /// Keep each whole record (`--raw`).
    pub keep_raw: bool,
    /// The least time between two requests in a region (LookupEvents allows 2 per second).
    pub pace: Duration,
    /// How often one page is retried after throttling (other transient errors — HTTP 5xx,
    /// time-outs, connection errors — get the SDK's budget, `AWS_MAX_ATTEMPTS`, default 3).
    pub throttle_retries: u32,
    /// The first wait before a retry; it doubles each time, up to 16 s.
    pub throttle_backoff: Duration,
    /// Counts pages as they are read, for the progress line.
    pub pages: crate::progress::Tick,
}

impl LookupOptions {
    pub fn new(since: Timestamp, until: Timestamp) -> Self {
        LookupOptions {
            since,
            until,
            include_read_only: false,
            keep_raw: false,
            pace: Duration::from_millis(550),
            throttle_retries: 8,
            throttle_backoff: Duration::from_secs(1),
            pages: crate::progress::Tick::default(),
        }
    }
}

/// Reads every region, at most `concurrency` at once, in the order given.
pub async fn lookup_regions(
    config: &SdkConfig,
    regions: &[String],
    concurrency: usize,
    opts: &LookupOptions,
) -> Vec<RegionEvents> {
    let results = super::fan_out(regions.to_vec(), concurrency, |region| {
        let conf = aws_sdk_cloudtrail::config::Builder::from(config)
            .region(Region::new(region.clone()))
            .build();
        let client = Client::from_conf(conf);
        let opts = opts.clone();
        async move { lookup_region(&client, &region, &opts).await }
    })
    .await;
    results
        .into_iter()
        .zip(regions)
        .map(|(result, region)| {
            result.unwrap_or_else(|| RegionEvents {
                region: region.clone(),
                events: vec![],
                pages: 0,
                throttled_retries: 0,
                unreadable: vec![],
                errors: vec![super::internal_error("cloudtrail:LookupEvents")],
            })
        })
        .collect()
}

/// Reads one region's GuardDuty events in the window, every page. A page that cannot be
/// read ends the region with an error: what was read is kept, and the region is incomplete.
pub async fn lookup_region(client: &Client, region: &str, opts: &LookupOptions) -> RegionEvents {
    let mut out = RegionEvents {
        region: region.to_owned(),
        events: Vec::new(),
        pages: 0,
        throttled_retries: 0,
        unreadable: Vec::new(),
        errors: Vec::new(),
    };
    let attribute = match LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventSource)
        .attribute_value(GUARDDUTY_SOURCE)
        .build()
    {
        Ok(attribute) => attribute,
        Err(e) => {
            out.errors.push(CollectError {
                kind: ErrorKind::Other,
                operation: "cloudtrail:LookupEvents".into(),
                code: None,
                message: e.to_string(),
            });
            return out;
        }
    };
    let mut next_token: Option<String> = None;
    // Every attempt, retried or not, waits its turn: LookupEvents allows 2 per second per
    // account and region, and a throttling storm must not be answered with a burst.
    let pacer = Pacer::every(opts.pace);
    let policy = RetryPolicy {
        throttle_retries: opts.throttle_retries,
        first_backoff: opts.throttle_backoff,
        max_backoff: Duration::from_secs(16),
        ..RetryPolicy::from_sdk(
            client.config().retry_config(),
            client.config().timeout_config(),
        )
    };
    let mut stats = RetryStats::default();
    loop {
        let sent = retry::call(
            "cloudtrail:LookupEvents",
            &policy,
            &pacer,
            &mut stats,
            || {
                client
                    .lookup_events()
                    .lookup_attributes(attribute.clone())
                    .start_time(aws_smithy_types::DateTime::from_millis(
                        opts.since.unix_millis(),
                    ))
                    .end_time(aws_smithy_types::DateTime::from_millis(
                        opts.until.unix_millis(),
                    ))
                    .max_results(50)
                    .set_next_token(next_token.clone())
                    .customize()
                    .config_override(crate::no_sdk_retries!(aws_sdk_cloudtrail))
                    .send()
            },
        )
        .await;
        out.throttled_retries = stats.throttled;
        let page = match sent {
            Ok(page) => page,
            Err(error) => {
                out.errors.push(error);
                break;
            }
        };
        out.pages += 1;
        opts.pages.inc();
        for record in page.events() {
            let Some(text) = record.cloud_trail_event() else {
                out.unreadable.push(format!(
                    "{}: no CloudTrailEvent",
                    record.event_id().unwrap_or("(no event id)")
                ));
                continue;
            };
            let parsed = if opts.keep_raw {
                Event::from_json_str_with_raw(text)
            } else {
                Event::from_json_str(text)
            };
            match parsed {
                Ok(event) if event.is_change() || opts.include_read_only => out.events.push(event),
                Ok(_) => {}
                Err(e) => out.unreadable.push(format!(
                    "{}: {e}",
                    record.event_id().unwrap_or("(no event id)")
                )),
            }
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
            _ => break,
        }
    }
    out
}
