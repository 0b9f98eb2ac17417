//! Checks of what is configured inside GuardDuty: suppression rules that can archive High or
//! Critical findings, trusted lists in force, threat lists not in force, exports that stopped,
//! unhealthy Malware Protection for S3 plans, findings left unarchived past their age, and
//! (when required tag keys are configured) untagged detectors, filters and IP sets.

use crate::model::RegionDetectors;
use crate::model::objects::{
    Condition, ListKind, RegionObjects, SeverityBand, SuppressionFilter, ThreatList,
};
use crate::model::time::Timestamp;
use crate::report::RegionState;
use crate::report::details::{
    Details, ListDetails, MalwarePlanDetails, PublishingDestinationDetails, SuppressionRule,
    UnhandledFindings, Untagged,
};
use crate::report::finding::{CheckId, Finding, Severity, fingerprint};

/// What the object checks need beyond the collected data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectCheckOptions {
    /// Tag keys every detector, filter and IP set must carry; empty turns the tagging
    /// checks off (as the issue asks: they are noise unless an organisation tags).
    pub required_tag_keys: Vec<String>,
    /// Service control policies by level, root first (`--scp`, `scp` in gdaudit.toml), for
    /// `runtime-telemetry-blocked`.
    pub scps: Vec<Vec<crate::iam::ScpPolicy>>,
}

/// Runs the object checks over the collected regions.
pub fn check(
    account: Option<&str>,
    regions: &[RegionDetectors],
    opts: &ObjectCheckOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for region in regions {
        let state = super::detectors::region_state(region);
        if matches!(state, RegionState::NotEnabled | RegionState::Error) {
            continue;
        }
        let ctx = Ctx {
            account,
            region: &region.region,
            detector_id: region
                .detectors
                .iter()
                .flatten()
                .find(|d| d.is_enabled())
                .or_else(|| region.detectors.iter().flatten().next())
                .map_or("", |d| d.id.as_str()),
        };
        let objects = &region.objects;
        for filter in objects.filters.iter().flatten() {
            check_filter(&ctx, filter, &mut out);
        }
        for list in objects.lists.iter().flatten() {
            check_list(&ctx, list, &mut out);
        }
        check_destinations(&ctx, objects, &mut out);
        check_malware_plans(&ctx, objects, &mut out);
        check_unhandled(&ctx, objects, &mut out);
        check_tags(&ctx, objects, &opts.required_tag_keys, &mut out);
    }
    out
}

struct Ctx<'a> {
    account: Option<&'a str>,
    region: &'a str,
    detector_id: &'a str,
}

impl Ctx<'_> {
    fn finding(
        &self,
        check: CheckId,
        severity: Severity,
        resource: &str,
        discriminator: &str,
        title: String,
        details: Details,
    ) -> Finding {
        Finding {
            check,
            severity,
            title,
            account: self.account.map(str::to_owned),
            region: Some(self.region.to_owned()),
            resource: resource.to_owned(),
            fingerprint: fingerprint(
                check,
                self.account,
                Some(self.region),
                resource,
                discriminator,
            ),
            details,
            remediation: check.info().remediation.to_owned(),
            suppressed: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Suppression rules

/// Criteria fields that do not pin a rule to particular findings: a rule whose exact
/// matches are all on these still archives a whole class of findings. (`type` pins: see
/// [`hidden_by`].)
const UNPINNING_FIELDS: &[&str] = &[
    "severity",
    "service.archived",
    "accountId",
    "region",
    "updatedAt",
    "createdAt",
    "confidence",
    "service.count",
    "service.eventFirstSeen",
    "service.eventLastSeen",
    "service.featureName",
    "service.resourceRole",
    "service.action.actionType",
    "resource.resourceType",
];

/// What an ARCHIVE rule can hide, when it can hide High or Critical findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub severity_matched: String,
    pub high: bool,
    pub critical: bool,
    pub attack_sequences: bool,
    pub unpinned: bool,
}

/// The severities `[low, high]` a severity criterion admits, with the exact values of
/// `eq` when it has any. Severity runs from 1.0 to 10.0 (fractions included).
fn severity_bounds(c: &Condition) -> (f64, f64, Vec<f64>) {
    const STEP: f64 = 0.1;
    let mut low: f64 = 0.0;
    let mut high: f64 = 10.0;
    if let Some(v) = c.gte {
        low = low.max(v as f64);
    }
    if let Some(v) = c.gt {
        low = low.max(v as f64 + STEP);
    }
    if let Some(v) = c.lte {
        high = high.min(v as f64);
    }
    if let Some(v) = c.lt {
        high = high.min(v as f64 - STEP);
    }
    let exact: Vec<f64> =
        c.eq.iter()
            .filter_map(|v| v.trim().parse::<f64>().ok())
            .filter(|v| *v >= low && *v <= high)
            .collect();
    (low, high, exact)
}

fn describe_severity(c: &Condition) -> String {
    let mut parts = Vec::new();
    if !c.eq.is_empty() {
        parts.push(format!("= {}", c.eq.join(" or ")));
    }
    for (op, v) in [(">=", c.gte), (">", c.gt), ("<=", c.lte), ("<", c.lt)] {
        if let Some(v) = v {
            parts.push(format!("{op} {v}"));
        }
    }
    if !c.neq.is_empty() {
        parts.push(format!("!= {}", c.neq.join(", ")));
    }
    if parts.is_empty() {
        "any".to_owned()
    } else {
        parts.join(" and ")
    }
}

fn is_wildcard(value: &str) -> bool {
    value.contains('*') || value.contains('?')
}

/// Whether a `type` pattern (exact or wildcard) can match an attack sequence type.
fn type_matches_attack_sequence(value: &str) -> bool {
    const PREFIX: &str = "AttackSequence:";
    let literal = value.split(['*', '?']).next().unwrap_or_default();
    if is_wildcard(value) {
        PREFIX.starts_with(literal) || literal.starts_with(PREFIX)
    } else {
        value.starts_with(PREFIX)
    }
}

/// Whether a criterion pins a rule to particular findings: exact values (no wildcard) on a
/// field that names a resource, an actor, a finding or a finding type that is no attack
/// sequence.
fn pins(field: &str, c: &Condition) -> bool {
    if UNPINNING_FIELDS.contains(&field) || c.eq.is_empty() {
        return false;
    }
    let exact = c.eq.iter().all(|v| !v.is_empty() && !is_wildcard(v));
    let sequence = field == "type" && c.eq.iter().any(|t| type_matches_attack_sequence(t));
    exact && !sequence
}

/// What a filter can hide, if it is a suppression rule that can archive High or Critical
/// findings: with a severity criterion reaching 7 or more, or with none and no criterion
/// that pins it to particular resources, actors or findings.
pub fn hidden_by(filter: &SuppressionFilter) -> Option<Hidden> {
    if !filter.archives() {
        return None;
    }
    let severity = filter.criteria.get("severity");
    let (low, high, exact) = severity.map_or((0.0, 10.0, Vec::new()), severity_bounds);
    let reaches = |at: f64| {
        if severity.is_some_and(|c| !c.eq.is_empty()) {
            exact.iter().any(|v| *v >= at)
        } else {
            high >= at && low <= 10.0
        }
    };
    let (reaches_high, reaches_critical) = (reaches(7.0), reaches(9.0));
    if !reaches_high {
        return None;
    }
    // Exact finding types pin a rule too (the usual, documented suppression: one noisy
    // type), unless one of them is an attack sequence.
    let unpinned = !filter.criteria.iter().any(|(field, c)| pins(field, c));
    if severity.is_none() && !unpinned {
        return None;
    }
    let attack_sequences = reaches_critical
        && match filter.criteria.get("type") {
            None => true,
            Some(c) if !c.eq.is_empty() || !c.matches.is_empty() => {
                c.eq.iter()
                    .chain(&c.matches)
                    .any(|t| type_matches_attack_sequence(t))
            }
            Some(_) => true, // only exclusions (`neq`, `not_matches`)
        };
    Some(Hidden {
        severity_matched: severity.map_or_else(
            || "any (no severity criterion)".to_owned(),
            describe_severity,
        ),
        high: reaches_high,
        critical: reaches_critical,
        attack_sequences,
        unpinned,
    })
}

fn check_filter(ctx: &Ctx<'_>, filter: &SuppressionFilter, out: &mut Vec<Finding>) {
    let Some(hidden) = hidden_by(filter) else {
        return;
    };
    let mut hides = vec!["High findings".to_owned()];
    if hidden.critical {
        hides.push("Critical findings".to_owned());
    }
    if hidden.attack_sequences {
        hides.push("attack sequences".to_owned());
    }
    // Attack sequences are what Extended Threat Detection reports; hiding them is worst.
    let severity = if hidden.attack_sequences {
        Severity::Critical
    } else {
        Severity::High
    };
    let title = format!(
        "Suppression rule {} can archive {} in {}",
        filter.name,
        match hides.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        },
        ctx.region
    );
    out.push(ctx.finding(
        CheckId::SuppressionRuleHidesHigh,
        severity,
        &filter.name,
        ctx.detector_id,
        title,
        Details::SuppressionRule(Box::new(SuppressionRule {
            detector_id: ctx.detector_id.to_owned(),
            filter_name: filter.name.clone(),
            rank: filter.rank,
            severity_matched: hidden.severity_matched,
            hides,
            unpinned: hidden.unpinned,
            criteria: filter.criteria.clone(),
        })),
    ));
}

// ---------------------------------------------------------------------------------------
// Trusted and threat lists

fn list_words(kind: ListKind) -> &'static str {
    match kind {
        ListKind::TrustedIpList => "Trusted IP list",
        ListKind::TrustedEntitySet => "Trusted entity set",
        ListKind::ThreatIntelSet => "Threat list",
        ListKind::ThreatEntitySet => "Threat entity set",
    }
}

/// Threat-list states in which GuardDuty does not use the list. DELETE_PENDING and DELETED
/// are left out: someone deleted it, and `gdaudit changes` reports that.
const NOT_IN_FORCE: &[&str] = &["ERROR", "INACTIVE", "DEACTIVATING"];

fn check_list(ctx: &Ctx<'_>, list: &ThreatList, out: &mut Vec<Finding>) {
    let details = || {
        Details::List(ListDetails {
            detector_id: ctx.detector_id.to_owned(),
            kind: list.kind.as_str(),
            list_id: list.id.clone(),
            name: list.name.clone(),
            status: list.status.clone(),
            location: list.location.clone(),
            format: list.format.clone(),
            entries: list
                .content
                .as_ref()
                .filter(|c| c.judged)
                .map(|c| c.entries()),
            broad_count: None,
            broad_entries: Vec::new(),
        })
    };
    let label = if list.name.is_empty() {
        &list.id
    } else {
        &list.name
    };
    if list.kind.is_trusted() {
        if list.is_active() {
            out.push(ctx.finding(
                CheckId::TrustedListActive,
                Severity::Medium,
                &list.id,
                "",
                format!(
                    "{} {label} is active in {}: activity from it raises no findings",
                    list_words(list.kind),
                    ctx.region
                ),
                details(),
            ));
        }
        // Only a list in force trusts anything.
        if let Some(content) = list
            .content
            .as_ref()
            .filter(|c| c.broad_count > 0 && list.is_active())
        {
            let Details::List(mut broad) = details() else {
                return;
            };
            broad.broad_count = Some(content.broad_count);
            broad.broad_entries = content.broad.clone();
            out.push(ctx.finding(
                CheckId::TrustedListTooBroad,
                Severity::High,
                &list.id,
                "broad",
                format!(
                    "{} {label} in {} trusts a very broad range: {}{}",
                    list_words(list.kind),
                    ctx.region,
                    content.broad.join(", "),
                    if content.broad_count > content.broad.len() as u64 {
                        format!(
                            " and {} more",
                            content.broad_count - content.broad.len() as u64
                        )
                    } else {
                        String::new()
                    }
                ),
                Details::List(broad),
            ));
        }
    } else if NOT_IN_FORCE
        .iter()
        .any(|s| list.status.eq_ignore_ascii_case(s))
    {
        out.push(ctx.finding(
            CheckId::ThreatListNotActive,
            Severity::Medium,
            &list.id,
            "",
            format!(
                "{} {label} is {} in {}: GuardDuty does not use it",
                list_words(list.kind),
                list.status,
                ctx.region
            ),
            details(),
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Publishing destinations and Malware Protection for S3 plans

fn check_destinations(ctx: &Ctx<'_>, objects: &RegionObjects, out: &mut Vec<Finding>) {
    for d in objects.publishing_destinations.iter().flatten() {
        let mut problems = Vec::new();
        if !d.status.eq_ignore_ascii_case("PUBLISHING") {
            problems.push(format!(
                "status {}",
                if d.status.is_empty() {
                    "unknown"
                } else {
                    &d.status
                }
            ));
        }
        if d.kms_key_arn.as_deref().is_none_or(str::is_empty) {
            problems.push("no KMS key".to_owned());
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            ctx.finding(
                CheckId::PublishingDestinationUnhealthy,
                Severity::High,
                &d.id,
                "",
                format!(
                    "Findings export {} in {}: {}",
                    d.destination_arn.as_deref().unwrap_or(&d.id),
                    ctx.region,
                    problems.join(", ")
                ),
                Details::PublishingDestination(PublishingDestinationDetails {
                    detector_id: ctx.detector_id.to_owned(),
                    destination_id: d.id.clone(),
                    destination_type: d.destination_type.clone(),
                    status: d.status.clone(),
                    destination_arn: d.destination_arn.clone(),
                    kms_key_arn: d.kms_key_arn.clone(),
                    failing_since: d
                        .publishing_failure_start_timestamp
                        .map(Timestamp::from_unix_millis),
                    problems,
                }),
            ),
        );
    }
}

fn check_malware_plans(ctx: &Ctx<'_>, objects: &RegionObjects, out: &mut Vec<Finding>) {
    for plan in objects.malware_protection_plans.iter().flatten() {
        if plan.status.eq_ignore_ascii_case("ACTIVE") {
            continue;
        }
        // ERROR: nothing is scanned; WARNING: some objects may not be.
        let severity = if plan.status.eq_ignore_ascii_case("ERROR") {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(ctx.finding(
            CheckId::MalwareProtectionPlanUnhealthy,
            severity,
            &plan.id,
            "",
            format!(
                "Malware Protection plan for bucket {} is {} in {}",
                plan.bucket.as_deref().unwrap_or("(unknown)"),
                if plan.status.is_empty() {
                    "in an unknown state"
                } else {
                    &plan.status
                },
                ctx.region
            ),
            Details::MalwarePlan(MalwarePlanDetails {
                plan_id: plan.id.clone(),
                arn: plan.arn.clone(),
                status: plan.status.clone(),
                bucket: plan.bucket.clone(),
                status_reasons: plan.status_reasons.clone(),
            }),
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Findings left unhandled

fn band_severity(band: SeverityBand) -> Severity {
    match band {
        SeverityBand::Critical => Severity::Critical,
        SeverityBand::High => Severity::High,
        SeverityBand::Medium => Severity::Medium,
        SeverityBand::Low => Severity::Low,
    }
}

fn check_unhandled(ctx: &Ctx<'_>, objects: &RegionObjects, out: &mut Vec<Finding>) {
    for band in objects.unhandled_findings.iter().flatten() {
        if band.count == 0 {
            continue;
        }
        let days = band.older_than_days;
        out.push(ctx.finding(
            CheckId::FindingsUnhandled,
            band_severity(band.band),
            ctx.detector_id,
            band.band.as_str(),
            format!(
                "{} unarchived {} finding{} not updated for over {days} day{} in {}",
                band.count,
                band.band.as_str(),
                if band.count == 1 { "" } else { "s" },
                if days == 1 { "" } else { "s" },
                ctx.region
            ),
            Details::UnhandledFindings(UnhandledFindings {
                detector_id: ctx.detector_id.to_owned(),
                band: band.band,
                count: band.count,
                older_than_days: days,
                oldest_updated_at: band.oldest_updated_at.clone(),
                oldest_finding_type: band.oldest_finding_type.clone(),
            }),
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Tags (Security Hub GuardDuty.2, .3, .4)

fn missing(
    tags: Option<&std::collections::BTreeMap<String, String>>,
    required: &[String],
) -> Vec<String> {
    required
        .iter()
        .filter(|k| !tags.is_some_and(|t| t.contains_key(k.as_str())))
        .cloned()
        .collect()
}

fn check_tags(ctx: &Ctx<'_>, objects: &RegionObjects, required: &[String], out: &mut Vec<Finding>) {
    if required.is_empty() {
        return;
    }
    let mut untagged = |resource_type: &'static str,
                        id: &str,
                        control: &'static str,
                        missing_keys: Vec<String>| {
        if missing_keys.is_empty() {
            return;
        }
        out.push(ctx.finding(
            CheckId::GuardDutyResourceUntagged,
            Severity::Low,
            id,
            resource_type,
            format!(
                "GuardDuty {} {id} in {} lacks tag{} {}",
                match resource_type {
                    "ip-set" => "trusted IP list",
                    other => other,
                },
                ctx.region,
                if missing_keys.len() == 1 { "" } else { "s" },
                missing_keys.join(", ")
            ),
            Details::Untagged(Untagged {
                resource_type,
                resource_id: id.to_owned(),
                security_hub: control,
                missing_tag_keys: missing_keys,
            }),
        ));
    };
    if let Some(tags) = &objects.detector_tags
        && !ctx.detector_id.is_empty()
    {
        untagged(
            "detector",
            ctx.detector_id,
            "GuardDuty.4",
            missing(Some(tags), required),
        );
    }
    for filter in objects.filters.iter().flatten() {
        untagged(
            "filter",
            &filter.name,
            "GuardDuty.2",
            missing(filter.tags.as_ref(), required),
        );
    }
    for list in objects.lists.iter().flatten() {
        if list.kind == ListKind::TrustedIpList {
            untagged(
                "ip-set",
                &list.id,
                "GuardDuty.3",
                missing(list.tags.as_ref(), required),
            );
        }
    }
}

#[cfg(test)]
mod tests;
