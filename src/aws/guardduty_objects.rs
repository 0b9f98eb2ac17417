//! Per-region reads of what is configured inside GuardDuty: suppression rules (ListFilters,
//! GetFilter), trusted and threat lists (ListIPSets, GetIPSet, ListThreatIntelSets,
//! GetThreatIntelSet), publishing destinations (ListPublishingDestinations,
//! DescribePublishingDestination), Malware Protection for S3 plans
//! (ListMalwareProtectionPlans, GetMalwareProtectionPlan) and the findings left unarchived
//! per severity band (GetFindingsStatistics, ListFindings, GetFindings). All reads; a call
//! that fails is recorded in the region's errors and leaves its part `None`. Every call
//! goes through the shared retry loop ([`retry::call`]) with the SDK's own retries off.
//!
//! Trusted and threat *entity sets* (IP addresses and domains: ListTrustedEntitySets,
//! GetTrustedEntitySet, ListThreatEntitySets, GetThreatEntitySet) are read with the lists.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{
    Condition as SdkCondition, FindingCriteria, GroupByType, OrderBy, SortCriteria,
};

use super::pages;
use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::objects::{
    Condition, FindingAges, ListKind, MalwareProtectionPlan, PublishingDestination, SeverityBand,
    SuppressionFilter, ThreatList, UnhandledBand,
};
use crate::model::time::Timestamp;
use crate::model::{CollectError, RegionDetectors};

/// What the object reads need besides the client.
#[derive(Debug, Clone, Copy)]
pub struct ObjectOptions {
    /// How old an unarchived finding may get per band.
    pub finding_ages: FindingAges,
    /// The moment the ages are counted back from.
    pub now: Timestamp,
}

impl Default for ObjectOptions {
    fn default() -> Self {
        ObjectOptions {
            finding_ages: FindingAges::default(),
            now: Timestamp::now(),
        }
    }
}

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Reads the configuration objects of a region whose detectors were read, into `out`.
/// The detector-scoped parts are read through `detector_id`; Malware Protection for S3
/// plans, which exist without a detector, are read in any case.
pub async fn collect(
    client: &Client,
    detector_id: Option<&str>,
    opts: &ObjectOptions,
    out: &mut RegionDetectors,
) {
    let plans = malware_protection_plans(client);
    let Some(detector_id) = detector_id else {
        let (plans, errors) = plans.await;
        out.objects.malware_protection_plans = plans;
        out.errors.extend(errors);
        return;
    };
    let (filters, lists, destinations, plans, unhandled) = tokio::join!(
        filters(client, detector_id),
        lists(client, detector_id),
        publishing_destinations(client, detector_id),
        plans,
        unhandled_findings(client, detector_id, opts),
    );
    out.objects.filters = filters.0;
    out.objects.lists = lists.0;
    out.objects.publishing_destinations = destinations.0;
    out.objects.malware_protection_plans = plans.0;
    out.objects.unhandled_findings = unhandled.0;
    for errors in [filters.1, lists.1, destinations.1, plans.1, unhandled.1] {
        out.errors.extend(errors);
    }
}

/// A part read (or `None`), and the calls that failed while reading it.
type Part<T> = (Option<T>, Vec<CollectError>);

/// Sends a request built by `$req` through the shared retry loop, with the SDK's own
/// retries off for the call: `send!(op, policy, client.get_filter()...)`.
macro_rules! send {
    ($operation:expr, $policy:expr, $req:expr) => {{
        let mut stats = RetryStats::default();
        retry::call($operation, $policy, &Pacer::none(), &mut stats, || {
            $req.customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_guardduty))
                .send()
        })
        .await
    }};
}

/// The ids of a paginated list call, one page at a time through the retry loop.
macro_rules! list_ids {
    ($operation:expr, $policy:expr, $ids:ident, |$token:ident| $req:expr) => {
        pages($operation, |$token| {
            let policy = $policy;
            async move {
                let page = send!($operation, policy, $req)?;
                Ok((page.$ids().to_vec(), page.next_token().map(str::to_owned)))
            }
        })
        .await
    };
}

/// The retry budget of `client`'s configuration.
fn policy_of(client: &Client) -> RetryPolicy {
    RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    )
}

fn tags(map: Option<&HashMap<String, String>>) -> Option<BTreeMap<String, String>> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

async fn filters(client: &Client, detector_id: &str) -> Part<Vec<SuppressionFilter>> {
    let policy = policy_of(client);
    let names = list_ids!("guardduty:ListFilters", &policy, filter_names, |token| {
        client
            .list_filters()
            .detector_id(detector_id)
            .set_next_token(token.clone())
    });
    let names = match names {
        Ok(names) => names,
        Err(error) => return (None, vec![error]),
    };
    let mut errors = Vec::new();
    let mut filters = Vec::with_capacity(names.len());
    for name in names {
        let got = send!(
            "guardduty:GetFilter",
            &policy,
            client
                .get_filter()
                .detector_id(detector_id)
                .filter_name(&name)
        );
        match got {
            Ok(resp) => filters.push(SuppressionFilter {
                name: resp.name().unwrap_or(&name).to_owned(),
                action: resp
                    .action()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                rank: resp.rank(),
                description: resp.description().map(str::to_owned),
                criteria: resp
                    .finding_criteria()
                    .and_then(|c| c.criterion())
                    .map(|c| {
                        c.iter()
                            .map(|(field, cond)| (field.clone(), condition(cond)))
                            .collect()
                    })
                    .unwrap_or_default(),
                tags: tags(resp.tags()),
            }),
            Err(error) => errors.push(error),
        }
    }
    (Some(filters), errors)
}

/// Folds the older and newer operators of a criterion together.
#[allow(deprecated)]
fn condition(c: &SdkCondition) -> Condition {
    let both = |old: &[String], new: &[String]| -> Vec<String> {
        let mut all: Vec<String> = old.iter().chain(new).cloned().collect();
        all.dedup();
        all
    };
    Condition {
        eq: both(c.eq(), c.equals()),
        neq: both(c.neq(), c.not_equals()),
        gt: c.greater_than().or(c.gt().map(i64::from)),
        gte: c.greater_than_or_equal().or(c.gte().map(i64::from)),
        lt: c.less_than().or(c.lt().map(i64::from)),
        lte: c.less_than_or_equal().or(c.lte().map(i64::from)),
        matches: c.matches().to_vec(),
        not_matches: c.not_matches().to_vec(),
    }
}

async fn lists(client: &Client, detector_id: &str) -> Part<Vec<ThreatList>> {
    let (ip_sets, threat_sets, trusted_entities, threat_entities) = tokio::join!(
        ip_sets(client, detector_id),
        threat_intel_sets(client, detector_id),
        trusted_entity_sets(client, detector_id),
        threat_entity_sets(client, detector_id),
    );
    let mut errors = Vec::new();
    let mut lists = Vec::new();
    let mut complete = true;
    for (part, part_errors) in [ip_sets, threat_sets, trusted_entities, threat_entities] {
        match part {
            Some(part) => lists.extend(part),
            None => complete = false,
        }
        errors.extend(part_errors);
    }
    // Half the lists would read as "no trusted list" where there may be one: none at all.
    (complete.then_some(lists), errors)
}

/// Reads one kind of trusted or threat list: its ids page by page, then each list. The four
/// kinds answer alike, in different SDK types.
macro_rules! read_lists {
    ($kind:expr, $client:expr,
     list: $list_op:literal, $ids:ident, |$token:ident| $list:expr,
     get: $get_op:literal, |$id:ident| $get:expr) => {{
        let policy = policy_of($client);
        let ids = match list_ids!($list_op, &policy, $ids, |$token| $list) {
            Ok(ids) => ids,
            Err(error) => return (None, vec![error]),
        };
        let mut errors = Vec::new();
        let mut lists = Vec::with_capacity(ids.len());
        for $id in ids {
            match send!($get_op, &policy, $get) {
                Ok(resp) => lists.push(ThreatList {
                    kind: $kind,
                    name: resp.name().unwrap_or_default().to_owned(),
                    id: $id,
                    status: resp
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    location: resp.location().map(str::to_owned),
                    format: resp.format().map(|f| f.as_str().to_owned()),
                    tags: tags(resp.tags()),
                    content: None,
                }),
                Err(error) => errors.push(error),
            }
        }
        (Some(lists), errors)
    }};
}

async fn ip_sets(client: &Client, detector_id: &str) -> Part<Vec<ThreatList>> {
    read_lists!(ListKind::TrustedIpList, client,
        list: "guardduty:ListIPSets", ip_set_ids,
        |token| client.list_ip_sets().detector_id(detector_id).set_next_token(token.clone()),
        get: "guardduty:GetIPSet",
        |id| client.get_ip_set().detector_id(detector_id).ip_set_id(&id))
}

async fn threat_intel_sets(client: &Client, detector_id: &str) -> Part<Vec<ThreatList>> {
    read_lists!(ListKind::ThreatIntelSet, client,
        list: "guardduty:ListThreatIntelSets", threat_intel_set_ids,
        |token| client.list_threat_intel_sets().detector_id(detector_id).set_next_token(token.clone()),
        get: "guardduty:GetThreatIntelSet",
        |id| client.get_threat_intel_set().detector_id(detector_id).threat_intel_set_id(&id))
}

async fn trusted_entity_sets(client: &Client, detector_id: &str) -> Part<Vec<ThreatList>> {
    read_lists!(ListKind::TrustedEntitySet, client,
        list: "guardduty:ListTrustedEntitySets", trusted_entity_set_ids,
        |token| client.list_trusted_entity_sets().detector_id(detector_id).set_next_token(token.clone()),
        get: "guardduty:GetTrustedEntitySet",
        |id| client.get_trusted_entity_set().detector_id(detector_id).trusted_entity_set_id(&id))
}

async fn threat_entity_sets(client: &Client, detector_id: &str) -> Part<Vec<ThreatList>> {
    read_lists!(ListKind::ThreatEntitySet, client,
        list: "guardduty:ListThreatEntitySets", threat_entity_set_ids,
        |token| client.list_threat_entity_sets().detector_id(detector_id).set_next_token(token.clone()),
        get: "guardduty:GetThreatEntitySet",
        |id| client.get_threat_entity_set().detector_id(detector_id).threat_entity_set_id(&id))
}

async fn publishing_destinations(
    client: &Client,
    detector_id: &str,
) -> Part<Vec<PublishingDestination>> {
    let policy = policy_of(client);
    let summaries = list_ids!(
        "guardduty:ListPublishingDestinations",
        &policy,
        destinations,
        |token| client
            .list_publishing_destinations()
            .detector_id(detector_id)
            .set_next_token(token.clone())
    );
    let summaries = match summaries {
        Ok(summaries) => summaries,
        Err(error) => return (None, vec![error]),
    };
    let mut destinations = Vec::with_capacity(summaries.len());
    let mut errors = Vec::new();
    for summary in summaries {
        let id = summary.destination_id().unwrap_or_default().to_owned();
        let mut destination = PublishingDestination {
            id: id.clone(),
            destination_type: summary
                .destination_type()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            status: summary
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            destination_arn: None,
            kms_key_arn: None,
            publishing_failure_start_timestamp: None,
        };
        let described = send!(
            "guardduty:DescribePublishingDestination",
            &policy,
            client
                .describe_publishing_destination()
                .detector_id(detector_id)
                .destination_id(&id)
        );
        match described {
            Ok(resp) => {
                if let Some(status) = resp.status() {
                    destination.status = status.as_str().to_owned();
                }
                destination.destination_arn = resp
                    .destination_properties()
                    .and_then(|p| p.destination_arn())
                    .map(str::to_owned);
                destination.kms_key_arn = resp
                    .destination_properties()
                    .and_then(|p| p.kms_key_arn())
                    .map(str::to_owned);
                destination.publishing_failure_start_timestamp =
                    resp.publishing_failure_start_timestamp().filter(|t| *t > 0);
            }
            Err(error) => errors.push(error),
        }
        destinations.push(destination);
    }
    (Some(destinations), errors)
}

async fn malware_protection_plans(client: &Client) -> Part<Vec<MalwareProtectionPlan>> {
    let policy = policy_of(client);
    let summaries = list_ids!(
        "guardduty:ListMalwareProtectionPlans",
        &policy,
        malware_protection_plans,
        |token| client
            .list_malware_protection_plans()
            .set_next_token(token.clone())
    );
    let ids: Vec<String> = match summaries {
        Ok(summaries) => summaries
            .iter()
            .filter_map(|p| p.malware_protection_plan_id().map(str::to_owned))
            .collect(),
        Err(error) => return (None, vec![error]),
    };
    let mut errors = Vec::new();
    let mut plans = Vec::with_capacity(ids.len());
    for id in ids {
        let got = send!(
            "guardduty:GetMalwareProtectionPlan",
            &policy,
            client
                .get_malware_protection_plan()
                .malware_protection_plan_id(&id)
        );
        match got {
            Ok(resp) => {
                let bucket = resp.protected_resource().and_then(|r| r.s3_bucket());
                plans.push(MalwareProtectionPlan {
                    id,
                    arn: resp.arn().map(str::to_owned),
                    status: resp
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    bucket: bucket.and_then(|b| b.bucket_name()).map(str::to_owned),
                    object_prefixes: bucket
                        .map(|b| b.object_prefixes().to_vec())
                        .unwrap_or_default(),
                    role: resp.role().map(str::to_owned),
                    status_reasons: resp
                        .status_reasons()
                        .iter()
                        .map(|r| match (r.code(), r.message()) {
                            (Some(code), Some(message)) => format!("{code}: {message}"),
                            (Some(code), None) => code.to_owned(),
                            (None, message) => message.unwrap_or_default().to_owned(),
                        })
                        .collect(),
                });
            }
            Err(error) => errors.push(error),
        }
    }
    (Some(plans), errors)
}

/// Unarchived findings of `band` last updated before `cutoff` (epoch milliseconds).
fn stale_criteria(band: SeverityBand, cutoff: i64) -> FindingCriteria {
    let (from, to) = band.range();
    let severity = SdkCondition::builder().greater_than_or_equal(from);
    let severity = match to {
        Some(to) => severity.less_than(to),
        None => severity,
    };
    FindingCriteria::builder()
        .criterion(
            "service.archived",
            SdkCondition::builder().equals("false").build(),
        )
        .criterion("severity", severity.build())
        .criterion(
            "updatedAt",
            SdkCondition::builder().less_than(cutoff).build(),
        )
        .build()
}

async fn unhandled_findings(
    client: &Client,
    detector_id: &str,
    opts: &ObjectOptions,
) -> Part<Vec<UnhandledBand>> {
    // The four bands at once: each is a count and, when there is one, its oldest.
    let [critical, high, medium, low] = SeverityBand::ALL;
    let (critical, high, medium, low) = tokio::join!(
        unhandled_band(client, detector_id, opts, critical),
        unhandled_band(client, detector_id, opts, high),
        unhandled_band(client, detector_id, opts, medium),
        unhandled_band(client, detector_id, opts, low),
    );
    let mut bands = Vec::with_capacity(4);
    let mut complete = true;
    let mut errors: Vec<CollectError> = Vec::new();
    for (band, error) in [critical, high, medium, low] {
        // The same refusal in every band is one problem, said once.
        if let Some(error) = error.filter(|e| !errors.iter().any(|x| x.operation == e.operation)) {
            errors.push(error);
        }
        match band {
            Some(band) => bands.push(band),
            None => complete = false,
        }
    }
    // A band without its count would read as "none left unhandled": none at all.
    (complete.then_some(bands), errors)
}

/// One band's count (or `None` when it could not be read) and the error of a failed read.
async fn unhandled_band(
    client: &Client,
    detector_id: &str,
    opts: &ObjectOptions,
    band: SeverityBand,
) -> (Option<UnhandledBand>, Option<CollectError>) {
    let days = opts.finding_ages.days(band);
    let cutoff = opts.now.unix_millis() - i64::from(days) * DAY_MILLIS;
    let criteria = stale_criteria(band, cutoff);
    let stats = send!(
        "guardduty:GetFindingsStatistics",
        &policy_of(client),
        client
            .get_findings_statistics()
            .detector_id(detector_id)
            .group_by(GroupByType::Severity)
            .finding_criteria(criteria.clone())
    );
    let count: u64 = match stats {
        Ok(resp) => resp
            .finding_statistics()
            .map(|s| {
                s.grouped_by_severity()
                    .iter()
                    .map(|g| u64::try_from(g.total_findings().unwrap_or(0)).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0),
        Err(error) => return (None, Some(error)),
    };
    let mut entry = UnhandledBand {
        band,
        older_than_days: days,
        count,
        oldest_updated_at: None,
        oldest_finding_type: None,
    };
    if count == 0 {
        return (Some(entry), None);
    }
    match oldest(client, detector_id, criteria).await {
        Ok(found) => {
            if let Some((updated_at, kind)) = found {
                entry.oldest_updated_at = updated_at;
                entry.oldest_finding_type = kind;
            }
            (Some(entry), None)
        }
        // The count stands without the oldest; the error marks the region incomplete.
        Err(error) => (Some(entry), Some(error)),
    }
}

type Oldest = Option<(Option<String>, Option<String>)>;

/// The `updatedAt` and type of the least recently updated finding matching `criteria`.
async fn oldest(
    client: &Client,
    detector_id: &str,
    criteria: FindingCriteria,
) -> Result<Oldest, CollectError> {
    let policy = policy_of(client);
    let ids = send!(
        "guardduty:ListFindings",
        &policy,
        client
            .list_findings()
            .detector_id(detector_id)
            .finding_criteria(criteria.clone())
            .sort_criteria(
                SortCriteria::builder()
                    .attribute_name("updatedAt")
                    .order_by(OrderBy::Asc)
                    .build(),
            )
            .max_results(1)
    )?;
    let Some(id) = ids.finding_ids().first() else {
        return Ok(None);
    };
    let found = send!(
        "guardduty:GetFindings",
        &policy,
        client
            .get_findings()
            .detector_id(detector_id)
            .finding_ids(id)
    )?;
    Ok(found.findings().first().map(|f| {
        (
            f.updated_at().map(str::to_owned),
            f.r#type().filter(|t| !t.is_empty()).map(str::to_owned),
        )
    }))
}
