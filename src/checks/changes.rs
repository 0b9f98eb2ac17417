//! The config-change check: every GuardDuty API call that changes GuardDuty, with what it means.
//!
//! Pure: a CloudTrail [`Event`] in, at most one [`Finding`] out. A call is a change when its
//! IAM action is Write or Tagging ([`Event::is_change`]); its severity and one-line meaning
//! are decoded from `requestParameters`. A failed call is still a finding, marked failed,
//! with the severity of what it tried to do: a failed attempt to turn GuardDuty off is a signal.

use serde_json::Value;

use super::objects;
use super::plans;
use crate::model::cloudtrail::Event;
use crate::model::objects::{Condition, SuppressionFilter};
use crate::report::details::{Actor, ChangeOutcome, ConfigChange, Details};
use crate::report::finding::{CheckId, Finding, Severity, fingerprint};

/// What to report besides changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeOptions {
    /// Report GuardDuty reads too (severity info), for `--include-read-only`.
    pub include_read_only: bool,
    /// Put the whole CloudTrail record (when the event kept it) in `details.raw`, for `--raw`.
    pub include_raw: bool,
}

/// The finding for one event: `None` unless it is a GuardDuty call that changes GuardDuty
/// (or any GuardDuty call, with [`ChangeOptions::include_read_only`]).
pub fn check_event(event: &Event, options: ChangeOptions) -> Option<Finding> {
    if !event.is_guardduty() {
        return None;
    }
    let is_change = event.is_change();
    if !is_change && !options.include_read_only {
        return None;
    }
    // The catalogue's spelling, so that `deletedetector` from an export reads as DeleteDetector.
    let name = event.action().map_or(event.event_name.as_str(), |a| a.name);
    let call = Call::new(event, name);
    let meaning = if is_change {
        decode(&call)
    } else {
        let kind = if event.action().is_some() {
            "read-only"
        } else {
            "not known to change GuardDuty"
        };
        Meaning::new(
            Severity::Info,
            format!("GuardDuty call {name}{} ({kind})", call.in_region()),
            READ_ONLY,
        )
    };
    Some(finding(event, &call, meaning, is_change, options))
}

/// [`check_event`] over many events, in their order.
pub fn check_events<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    options: ChangeOptions,
) -> Vec<Finding> {
    events
        .into_iter()
        .filter_map(|event| check_event(event, options))
        .collect()
}

fn finding(
    event: &Event,
    call: &Call<'_>,
    meaning: Meaning,
    is_change: bool,
    options: ChangeOptions,
) -> Finding {
    let account = event.account();
    let region = event.region.as_deref();
    let identity = &event.user_identity;
    let title = match &event.error_code {
        Some(code) => format!("Failed attempt ({code}): {}", meaning.text),
        None => meaning.text.clone(),
    };
    let resource = call.resource();
    // Without an eventID, the call's name and time are the next best identity.
    let discriminating_id = event.event_id.clone().unwrap_or_else(|| {
        let time = event.event_time.map(|t| t.to_string()).unwrap_or_default();
        format!("{}@{time}", event.event_name)
    });
    let details = ConfigChange {
        actor: Actor {
            account: identity.account_id.clone(),
            arn: identity.arn.clone(),
            invoked_by: identity.invoked_by.clone(),
            role: identity.role_name().map(str::to_owned),
            session: identity.session_name().map(str::to_owned),
            kind: identity.kind.clone(),
        },
        error_code: event.error_code.clone(),
        error_message: event.error_message.clone(),
        event_id: event.event_id.clone(),
        event_name: event.event_name.clone(),
        event_time: event.event_time,
        meaning: meaning.text,
        outcome: if event.failed() {
            ChangeOutcome::Failed
        } else {
            ChangeOutcome::Succeeded
        },
        raw: if options.include_raw {
            event.raw.clone()
        } else {
            None
        },
        read_only: !is_change,
        source_ip: event.source_ip_address.clone(),
        user_agent: event.user_agent.clone(),
    };
    let check = CheckId::GuardDutyConfigChange;
    Finding {
        check,
        severity: meaning.severity,
        title,
        account: account.map(str::to_owned),
        region: region.map(str::to_owned),
        resource,
        fingerprint: fingerprint(check, account, region, &discriminating_id, ""),
        details: Details::ConfigChange(Box::new(details)),
        remediation: meaning.remediation.to_owned(),
        suppressed: None,
    }
}

/// A severity, a one-line meaning and what to do about it.
struct Meaning {
    severity: Severity,
    text: String,
    remediation: &'static str,
}

impl Meaning {
    fn new(severity: Severity, text: String, remediation: &'static str) -> Meaning {
        Meaning {
            severity,
            text,
            remediation,
        }
    }
}

const TURNED_OFF: &str = "If not approved: re-create or re-enable the detector (`aws guardduty create-detector --enable` / \
     `update-detector --enable`), re-enable its protection plans, revoke the actor's credentials and review what else \
     they did while GuardDuty was blind. Deny guardduty:DeleteDetector and guardduty:UpdateDetector with an SCP.";
const PROTECTION_OFF: &str = "If not approved: turn the protection plan back on (`aws guardduty update-detector --features ...` \
     or `update-member-detectors`) and review the actor's activity since the change.";
const TRUSTED_LIST: &str = "Check the list's contents: traffic from trusted IPs and domains raises no findings. \
     Deactivate or delete it if it was not approved, and restrict guardduty:*IPSet / *TrustedEntitySet and iam:PutRolePolicy.";
const SUPPRESSION: &str = "Review the filter's criteria: findings matching an ARCHIVE filter are archived without anyone \
     seeing them. Delete or narrow it if it was not approved.";
const ADMINISTRATION: &str = "If not approved: re-associate the accounts with the GuardDuty administrator (or re-designate \
     the delegated administrator) and review the actor's activity; members outside the administrator are not watched centrally.";
const AUTO_ENABLE: &str = "If not approved: set auto-enable back (`aws guardduty update-organization-configuration \
     --auto-enable-organization-members ALL` and per-feature autoEnable), then enable GuardDuty for accounts that joined since.";
const PUBLISHING: &str = "If not approved: restore the publishing destination so findings reach their archive \
     (`aws guardduty create-publishing-destination`), and check the bucket and KMS key policy.";
const ARCHIVED: &str =
    "Check that the archived findings were triaged; unarchive any that were hidden without review.";
const THREAT_INTEL: &str =
    "Check the threat list's source and contents: it decides which IPs and domains raise findings.";
const MALWARE_SCANS: &str = "Check which resources malware scanning now covers; restore the settings if they were not approved.";
const ROUTINE: &str = "Routine change: confirm it was expected.";
const READ_ONLY: &str = "A read: nothing to do unless the actor is unexpected.";

/// The parts of an event that decoding reads.
struct Call<'a> {
    name: &'a str,
    region: Option<&'a str>,
    params: &'a Value,
    response: &'a Value,
}

impl<'a> Call<'a> {
    fn new(event: &'a Event, name: &'a str) -> Call<'a> {
        Call {
            name,
            region: event.region.as_deref(),
            params: event.request_parameters.as_ref().unwrap_or(&Value::Null),
            response: event.response_elements.as_ref().unwrap_or(&Value::Null),
        }
    }

    /// " in eu-west-1", or nothing when the region is unknown.
    fn in_region(&self) -> String {
        self.region.map(|r| format!(" in {r}")).unwrap_or_default()
    }

    fn param(&self, key: &str) -> Option<&'a Value> {
        get(self.params, key)
    }

    fn text(&self, key: &str) -> Option<&'a str> {
        self.param(key).and_then(Value::as_str)
    }

    fn flag(&self, key: &str) -> Option<bool> {
        self.param(key).and_then(Value::as_bool)
    }

    /// A request parameter, else the same key in the response (ids of created things).
    fn id(&self, key: &str) -> Option<&'a str> {
        self.text(key)
            .or_else(|| get(self.response, key).and_then(Value::as_str))
    }

    /// `'name'`, else the id, quoted for a sentence.
    fn named(&self, id_key: &str) -> String {
        match (
            self.text("name").or(self.text("filterName")),
            self.id(id_key),
        ) {
            (Some(name), _) => format!("'{}'", clip(name)),
            (None, Some(id)) => clip(id),
            (None, None) => "(unnamed)".to_owned(),
        }
    }

    /// What the finding is about: the most specific id the call names.
    fn resource(&self) -> String {
        const KEYS: [&str; 11] = [
            "ipSetId",
            "threatIntelSetId",
            "trustedEntitySetId",
            "threatEntitySetId",
            "filterName",
            "destinationId",
            "malwareProtectionPlanId",
            "resourceArn",
            "adminAccountId",
            "detectorId",
            "administratorId",
        ];
        let filter_name = self.text("name").or(self.text("filterName"));
        if let (true, Some(name)) = (self.name.ends_with("Filter"), filter_name) {
            return name.to_owned();
        }
        KEYS.iter()
            .find_map(|key| self.id(key))
            .map_or_else(|| self.name.to_owned(), str::to_owned)
    }

    /// Account ids a members call acts on.
    fn accounts(&self) -> Vec<String> {
        let listed = self.param("accountIds").and_then(Value::as_array);
        let details = self.param("accountDetails").and_then(Value::as_array);
        listed
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .chain(details.into_iter().flatten().filter_map(|d| {
                get(d, "accountId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }))
            .collect()
    }

    fn count_of(&self, key: &str) -> usize {
        self.param(key)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }
}

/// A change whose meaning is a fixed sentence around what the call names. In `text`,
/// `{region}` is " in REGION", `{id:KEY}` the id the call names under KEY, `{named:KEY}` the
/// quoted name or else that id, `{findings}` how many findings it names, and `{accounts}`
/// the member accounts it acts on.
struct Fixed {
    name: &'static str,
    severity: Severity,
    text: &'static str,
    remediation: &'static str,
}

const fn fixed(
    name: &'static str,
    severity: Severity,
    text: &'static str,
    remediation: &'static str,
) -> Fixed {
    Fixed {
        name,
        severity,
        text,
        remediation,
    }
}

/// The changes that need no decoding beyond their ids.
const FIXED: &[Fixed] = &[
    fixed(
        "DeleteDetector",
        Severity::Critical,
        "GuardDuty turned off{region} (detector {id:detectorId} deleted, with its findings)",
        TURNED_OFF,
    ),
    fixed(
        "DeleteIPSet",
        Severity::Low,
        "Trusted IP list {id:ipSetId} deleted{region}: its IPs raise findings again",
        ROUTINE,
    ),
    fixed(
        "DeleteTrustedEntitySet",
        Severity::Low,
        "Trusted entity list {id:trustedEntitySetId} deleted{region}: its entries raise findings again",
        ROUTINE,
    ),
    fixed(
        "DeleteFilter",
        Severity::Low,
        "Findings filter {named:filterName} deleted{region}",
        ROUTINE,
    ),
    fixed(
        "DisassociateFromMasterAccount",
        Severity::High,
        "Account left its GuardDuty administrator{region}: the administrator no longer sees its findings",
        ADMINISTRATION,
    ),
    fixed(
        "DisassociateFromAdministratorAccount",
        Severity::High,
        "Account left its GuardDuty administrator{region}: the administrator no longer sees its findings",
        ADMINISTRATION,
    ),
    fixed(
        "DisassociateMembers",
        Severity::High,
        "{accounts} disassociated from this GuardDuty administrator{region}: their findings are no longer seen here",
        ADMINISTRATION,
    ),
    fixed(
        "DeleteMembers",
        Severity::High,
        "{accounts} removed from this GuardDuty administrator{region}: their findings are no longer seen here",
        ADMINISTRATION,
    ),
    fixed(
        "StopMonitoringMembers",
        Severity::High,
        "{accounts} no longer monitored by this GuardDuty administrator{region}",
        ADMINISTRATION,
    ),
    fixed(
        "DisableOrganizationAdminAccount",
        Severity::High,
        "GuardDuty delegated administrator {id:adminAccountId} removed for the organization{region}",
        ADMINISTRATION,
    ),
    fixed(
        "EnableOrganizationAdminAccount",
        Severity::Medium,
        "Account {id:adminAccountId} made the organization's GuardDuty delegated administrator{region}",
        ADMINISTRATION,
    ),
    fixed(
        "DeletePublishingDestination",
        Severity::High,
        "Findings export cut{region}: publishing destination {id:destinationId} deleted",
        PUBLISHING,
    ),
    fixed(
        "ArchiveFindings",
        Severity::Medium,
        "{findings} archived{region}",
        ARCHIVED,
    ),
    fixed(
        "UnarchiveFindings",
        Severity::Low,
        "{findings} unarchived{region}",
        ROUTINE,
    ),
    fixed(
        "CreateSampleFindings",
        Severity::Info,
        "Sample findings generated{region}",
        ROUTINE,
    ),
    fixed(
        "CreateMembers",
        Severity::Low,
        "{accounts} added to this GuardDuty administrator{region}",
        ROUTINE,
    ),
    fixed(
        "InviteMembers",
        Severity::Low,
        "{accounts} invited to this GuardDuty administrator{region}",
        ROUTINE,
    ),
    fixed(
        "StartMonitoringMembers",
        Severity::Low,
        "{accounts} monitored again by this GuardDuty administrator{region}",
        ROUTINE,
    ),
    fixed(
        "DeclineInvitations",
        Severity::Low,
        "GuardDuty administrator invitations declined{region}",
        ROUTINE,
    ),
    fixed(
        "DeleteInvitations",
        Severity::Low,
        "GuardDuty administrator invitations deleted{region}",
        ROUTINE,
    ),
    fixed(
        "CreatePublishingDestination",
        Severity::Low,
        "Findings export added{region}",
        ROUTINE,
    ),
    fixed(
        "DeleteMalwareProtectionPlan",
        Severity::High,
        "Malware protection plan {id:malwareProtectionPlanId} deleted{region}: its S3 bucket is no longer scanned",
        PROTECTION_OFF,
    ),
    fixed(
        "TagResource",
        Severity::Info,
        "Tags set on {id:resourceArn}",
        ROUTINE,
    ),
    fixed(
        "UntagResource",
        Severity::Info,
        "Tags removed on {id:resourceArn}",
        ROUTINE,
    ),
];

/// Fills in a [`Fixed`] text. Values from the call are inserted, never read as placeholders.
fn expand(text: &str, call: &Call<'_>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let token = &rest[open + 1..open + close];
        match token.split_once(':') {
            Some(("id", key)) => out.push_str(&id_or(call, key)),
            Some(("named", key)) => out.push_str(&call.named(key)),
            _ => match token {
                "region" => out.push_str(&call.in_region()),
                "findings" => out.push_str(&plural(call.count_of("findingIds"), "finding")),
                "accounts" => out.push_str(&accounts_phrase(&call.accounts())),
                other => out.push_str(other),
            },
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The meaning of one change, by event name. Names follow the catalogue's spelling.
fn decode(call: &Call<'_>) -> Meaning {
    let name = call.name;
    if let Some(f) = FIXED.iter().find(|f| f.name == name) {
        return Meaning::new(f.severity, expand(f.text, call), f.remediation);
    }
    let region = call.in_region();
    match name {
        "UpdateDetector" | "CreateDetector" => detector(call, &region),
        "UpdateMemberDetectors" => member_detectors(call, &region),
        "CreateIPSet" | "UpdateIPSet" => trusted_list(call, &region, "Trusted IP list", "ipSetId"),
        "CreateTrustedEntitySet" | "UpdateTrustedEntitySet" => {
            trusted_list(call, &region, "Trusted entity list", "trustedEntitySetId")
        }
        "CreateThreatIntelSet" | "UpdateThreatIntelSet" | "DeleteThreatIntelSet" => {
            threat_list(call, &region, "Threat intel list", "threatIntelSetId")
        }
        "CreateThreatEntitySet" | "UpdateThreatEntitySet" | "DeleteThreatEntitySet" => {
            threat_list(call, &region, "Threat entity list", "threatEntitySetId")
        }
        "CreateFilter" | "UpdateFilter" => filter(call, &region),
        "AcceptInvitation" | "AcceptAdministratorInvitation" => {
            let by = call
                .text("administratorId")
                .or(call.text("masterId"))
                .map_or_else(
                    || "another account".to_owned(),
                    |id| format!("account {}", clip(id)),
                );
            Meaning::new(
                Severity::Medium,
                format!(
                    "Account accepted GuardDuty administration by {by}{region}: it sees and manages this account's findings"
                ),
                ADMINISTRATION,
            )
        }
        "UpdateOrganizationConfiguration" => organization(call, &region),
        "UpdatePublishingDestination" => {
            let target = call
                .param("destinationProperties")
                .and_then(|p| get(p, "destinationArn"))
                .and_then(Value::as_str)
                .map(|arn| format!(" (now {})", clip(arn)))
                .unwrap_or_default();
            Meaning::new(
                Severity::High,
                format!(
                    "Findings export redirected{region}: publishing destination {} changed{target}",
                    id_or(call, "destinationId")
                ),
                PUBLISHING,
            )
        }
        "UpdateFindingsFeedback" => Meaning::new(
            Severity::Low,
            format!(
                "Feedback {} given on {}{region}",
                call.text("feedback")
                    .map_or_else(|| "(unknown)".to_owned(), clip),
                plural(call.count_of("findingIds"), "finding")
            ),
            ROUTINE,
        ),
        "UpdateMalwareScanSettings" => malware_scan_settings(call, &region),
        "CreateMalwareProtectionPlan" | "UpdateMalwareProtectionPlan" => {
            malware_protection_plan(call, &region)
        }
        _ => generic(call, &region),
    }
}

fn detector(call: &Call<'_>, region: &str) -> Meaning {
    let created = call.name == "CreateDetector";
    let id = call.id("detectorId").map(clip);
    let which = id.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
    if call.flag("enable") == Some(false) {
        let how = if created {
            "created disabled"
        } else {
            "suspended"
        };
        return Meaning::new(
            Severity::Critical,
            format!("GuardDuty turned off{region} (detector{which} {how})"),
            TURNED_OFF,
        );
    }
    let off = disabled_protections(call.params);
    if !off.is_empty() {
        let (severity, verb) = if created {
            (
                Severity::Medium,
                format!("GuardDuty detector{which} created{region} without"),
            )
        } else {
            (
                Severity::High,
                format!("GuardDuty protection turned off{region}:"),
            )
        };
        return Meaning::new(
            severity,
            format!("{verb} {}", off.join(", ")),
            PROTECTION_OFF,
        );
    }
    let text = if created {
        format!("GuardDuty detector{which} created{region}")
    } else if call.flag("enable") == Some(true) {
        format!("GuardDuty detector{which} enabled{region}")
    } else if let Some(frequency) = call.text("findingPublishingFrequency") {
        format!(
            "GuardDuty detector{which} now publishes findings every {}{region}",
            frequency_words(frequency)
        )
    } else {
        format!("GuardDuty detector{which} settings updated{region}")
    };
    Meaning::new(Severity::Low, text, ROUTINE)
}

fn member_detectors(call: &Call<'_>, region: &str) -> Meaning {
    let off = disabled_protections(call.params);
    let who = accounts_phrase(&call.accounts());
    if off.is_empty() {
        Meaning::new(
            Severity::Low,
            format!("GuardDuty settings updated for {who}{region}"),
            ROUTINE,
        )
    } else {
        Meaning::new(
            Severity::High,
            format!(
                "GuardDuty protection turned off for {who}{region}: {}",
                off.join(", ")
            ),
            PROTECTION_OFF,
        )
    }
}

fn trusted_list(call: &Call<'_>, region: &str, what: &str, id_key: &str) -> Meaning {
    let created = call.name.starts_with("Create");
    let which = call.named(id_key);
    match (call.flag("activate"), created) {
        (Some(true), _) => Meaning::new(
            Severity::High,
            format!(
                "{what} {which} {}{region}: matching traffic no longer raises findings",
                if created {
                    "created and activated"
                } else {
                    "activated"
                }
            ),
            TRUSTED_LIST,
        ),
        (Some(false), true) => Meaning::new(
            Severity::Low,
            format!("{what} {which} created inactive{region}"),
            ROUTINE,
        ),
        (Some(false), false) => Meaning::new(
            Severity::Low,
            format!("{what} {which} deactivated{region}: its entries raise findings again"),
            ROUTINE,
        ),
        (None, _) => Meaning::new(
            Severity::Medium,
            format!(
                "{what} {which} {}{region}: if active, matching traffic raises no findings",
                if created { "created" } else { "changed" }
            ),
            TRUSTED_LIST,
        ),
    }
}

fn threat_list(call: &Call<'_>, region: &str, what: &str, id_key: &str) -> Meaning {
    let which = call.named(id_key);
    let text = if call.name.starts_with("Delete") {
        format!("{what} {which} deleted{region}: its entries no longer raise findings")
    } else {
        let state = match call.flag("activate") {
            Some(true) => " (active)",
            Some(false) if call.name.starts_with("Update") => {
                " and deactivated: its entries no longer raise findings"
            }
            Some(false) => " (inactive)",
            None => "",
        };
        let verb = if call.name.starts_with("Create") {
            "created"
        } else {
            "changed"
        };
        format!("{what} {which} {verb}{region}{state}")
    };
    Meaning::new(Severity::Medium, text, THREAT_INTEL)
}

/// The criteria of a CreateFilter/UpdateFilter request, as a filter with `action`, when the
/// request carries criteria. Both operator spellings (`gte`, `greaterThanOrEqual`) and the
/// wildcard operators (`matches`, `notMatches`) are read.
fn requested_filter(call: &Call<'_>, action: &str) -> Option<SuppressionFilter> {
    let criterion = call
        .param("findingCriteria")
        .and_then(|c| get(c, "criterion"))?;
    let strings = |cond: &Value, keys: &[&str]| -> Vec<String> {
        keys.iter()
            .filter_map(|k| get(cond, k))
            .filter_map(Value::as_array)
            .flatten()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let number = |cond: &Value, keys: &[&str]| -> Option<i64> {
        keys.iter()
            .filter_map(|k| get(cond, k))
            .find_map(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    };
    let criteria = criterion
        .as_object()?
        .iter()
        .map(|(field, cond)| {
            (
                field.clone(),
                Condition {
                    eq: strings(cond, &["eq", "equals"]),
                    neq: strings(cond, &["neq", "notEquals"]),
                    gt: number(cond, &["gt", "greaterThan"]),
                    gte: number(cond, &["gte", "greaterThanOrEqual"]),
                    lt: number(cond, &["lt", "lessThan"]),
                    lte: number(cond, &["lte", "lessThanOrEqual"]),
                    matches: strings(cond, &["matches"]),
                    not_matches: strings(cond, &["notMatches"]),
                },
            )
        })
        .collect();
    Some(SuppressionFilter {
        name: String::new(),
        action: action.to_owned(),
        rank: None,
        description: None,
        criteria,
        tags: None,
    })
}

/// `High findings, Critical findings and attack sequences (severity >= 7, wildcard criteria)`.
fn hidden_words(filter: &SuppressionFilter) -> Option<String> {
    let hidden = objects::hidden_by(filter)?;
    let mut what = vec!["High findings"];
    if hidden.critical {
        what.push("Critical findings");
    }
    if hidden.attack_sequences {
        what.push("attack sequences");
    }
    let list = match what.as_slice() {
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let wildcard = filter
        .criteria
        .values()
        .any(|c| !c.matches.is_empty() || !c.not_matches.is_empty());
    Some(format!(
        "{list} (severity {}{})",
        clip(&hidden.severity_matched),
        if wildcard { ", wildcard criteria" } else { "" }
    ))
}

fn filter(call: &Call<'_>, region: &str) -> Meaning {
    let which = call.named("filterName");
    let created = call.name == "CreateFilter";
    let action = call.text("action").map(str::to_ascii_uppercase);
    // What the rule can hide, judged as `suppression-rule-hides-high` judges the state.
    let archiving = requested_filter(call, "ARCHIVE");
    if let Some(hides) = archiving.as_ref().and_then(hidden_words) {
        match action.as_deref() {
            Some("ARCHIVE") => {
                return Meaning::new(
                    Severity::Critical,
                    format!(
                        "Suppression rule {which} {}{region}: it can archive {hides}",
                        if created { "created" } else { "set" }
                    ),
                    SUPPRESSION,
                );
            }
            None if !created => {
                return Meaning::new(
                    Severity::High,
                    format!(
                        "Findings filter {which} criteria changed{region}: if it archives, it can now hide {hides}"
                    ),
                    SUPPRESSION,
                );
            }
            _ => {}
        }
    }
    match action.as_deref() {
        Some("ARCHIVE") => Meaning::new(
            Severity::High,
            format!(
                "Suppression rule {which} {}{region}: matching findings are archived automatically",
                if created { "created" } else { "set" }
            ),
            SUPPRESSION,
        ),
        Some(_) => Meaning::new(
            Severity::Low,
            format!(
                "Findings filter {which} {}{region} (no automatic archiving)",
                if created { "created" } else { "updated" }
            ),
            ROUTINE,
        ),
        None if created => Meaning::new(
            Severity::Low,
            format!("Findings filter {which} created{region}"),
            ROUTINE,
        ),
        None => Meaning::new(
            Severity::Medium,
            format!(
                "Findings filter {which} criteria changed{region}: if it archives, what it hides changed"
            ),
            SUPPRESSION,
        ),
    }
}

fn organization(call: &Call<'_>, region: &str) -> Meaning {
    let stopped = stopped_auto_enable(call.params);
    if stopped.is_empty() {
        Meaning::new(
            Severity::Low,
            format!("Organization auto-enable settings updated{region}"),
            ROUTINE,
        )
    } else {
        Meaning::new(
            Severity::High,
            format!(
                "Organization auto-enable turned off{region}: {}",
                stopped.join(", ")
            ),
            AUTO_ENABLE,
        )
    }
}

fn malware_scan_settings(call: &Call<'_>, region: &str) -> Meaning {
    let excludes = call
        .param("scanResourceCriteria")
        .and_then(|c| get(c, "exclude"))
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    let text = if excludes {
        format!("Malware scans now exclude tagged resources{region}")
    } else {
        format!("Malware scan settings changed{region}")
    };
    Meaning::new(Severity::Medium, text, MALWARE_SCANS)
}

/// Malware Protection for S3: a plan created (a bucket now scanned), or changed — its
/// prefixes narrowed (objects outside them are no longer scanned) or the tagging of scan
/// results turned off (policies that block untagged or infected objects stop working).
fn malware_protection_plan(call: &Call<'_>, region: &str) -> Meaning {
    let bucket = call
        .param("protectedResource")
        .and_then(|r| path(r, &["s3Bucket", "bucketName"]))
        .and_then(Value::as_str)
        .map(|b| format!(" for bucket {}", clip(b)))
        .unwrap_or_default();
    if call.name == "CreateMalwareProtectionPlan" {
        return Meaning::new(
            Severity::Low,
            format!("Malware protection plan created{bucket}{region}: uploads are scanned"),
            ROUTINE,
        );
    }
    let plan = id_or(call, "malwareProtectionPlanId");
    let mut changes = Vec::new();
    if let Some(prefixes) = call
        .param("protectedResource")
        .and_then(|r| path(r, &["s3Bucket", "objectPrefixes"]))
        .and_then(Value::as_array)
        .filter(|p| !p.is_empty())
    {
        let n = prefixes.len();
        changes.push(format!(
            "now scans only {n} object prefix{}",
            if n == 1 { "" } else { "es" }
        ));
    }
    let tagging_off = call
        .param("actions")
        .and_then(|a| path(a, &["tagging", "status"]))
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("DISABLED"));
    if tagging_off {
        changes.push("scan results no longer tag objects".to_owned());
    }
    if call.param("role").is_some() {
        changes.push("its IAM role changed".to_owned());
    }
    // Less is scanned, or scan results no longer act: high. A new role alone: medium.
    let narrowed = changes.iter().any(|c| c.starts_with("now scans"));
    let severity = if tagging_off || narrowed {
        Severity::High
    } else {
        Severity::Medium
    };
    let what = if changes.is_empty() {
        String::new()
    } else {
        format!(": {}", changes.join(", "))
    };
    Meaning::new(
        severity,
        format!("Malware protection plan {plan} changed{region}{what}"),
        MALWARE_SCANS,
    )
}

/// Actions the catalogue lists as changes but that need no decoding of their own.
fn generic(call: &Call<'_>, region: &str) -> Meaning {
    let name = call.name;
    let severity = if name.starts_with("Delete")
        || name.starts_with("Update")
        || name.starts_with("Disable")
    {
        Severity::Medium
    } else if name.starts_with("Create") || name.starts_with("Enable") {
        Severity::Low
    } else {
        Severity::Info
    };
    let known = crate::catalogue::action(name).is_some();
    let note = if known {
        ""
    } else {
        " (an API gdaudit's catalogue does not know yet)"
    };
    Meaning::new(
        severity,
        format!("GuardDuty {name} called{region}{note}"),
        ROUTINE,
    )
}

/// Protection plans a detector or member-detector update turns off, by feature name.
fn disabled_protections(params: &Value) -> Vec<String> {
    let mut off = switched_off(params, "status", "DISABLED", "enable");
    off.dedup();
    off
}

/// What an organization configuration update stops enabling for members.
fn stopped_auto_enable(params: &Value) -> Vec<String> {
    let mut stopped = Vec::new();
    if get(params, "autoEnable").and_then(Value::as_bool) == Some(false) {
        stopped.push("GuardDuty for new member accounts".to_owned());
    }
    if is_word(get(params, "autoEnableOrganizationMembers"), "NONE") {
        stopped.push("GuardDuty for member accounts".to_owned());
    }
    stopped.extend(switched_off(params, "autoEnable", "NONE", "autoEnable"));
    stopped
}

/// Plans that `params` switches off: `features[]` (and their `additionalConfiguration`) whose
/// `field` is `off_word`, and the older `dataSources` shape whose `legacy_field` is `false`.
/// UpdateDetector uses `status`/`DISABLED`/`enable`; UpdateOrganizationConfiguration uses
/// `autoEnable`/`NONE`/`autoEnable`.
fn switched_off(params: &Value, field: &str, off_word: &str, legacy_field: &str) -> Vec<String> {
    let mut off = Vec::new();
    for feature in get(params, "features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = get(feature, "name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)");
        if is_word(get(feature, field), off_word) {
            off.push(feature_words(name));
        }
        for extra in get(feature, "additionalConfiguration")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if is_word(get(extra, field), off_word) {
                let extra_name = get(extra, "name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)");
                off.push(format!("{} of {}", clip(extra_name), clip(name)));
            }
        }
    }
    let sources = get(params, "dataSources").unwrap_or(&Value::Null);
    let legacy: [(&[&str], &str); 3] = [
        (&["s3Logs"], "S3_DATA_EVENTS"),
        (&["kubernetes", "auditLogs"], "EKS_AUDIT_LOGS"),
        (
            &[
                "malwareProtection",
                "scanEc2InstanceWithFindings",
                "ebsVolumes",
            ],
            "EBS_MALWARE_PROTECTION",
        ),
    ];
    for (at, feature) in legacy {
        let mut keys = at.to_vec();
        // UpdateDetector's `ebsVolumes` is the boolean itself; elsewhere it holds `legacy_field`.
        if !(legacy_field == "enable" && feature == "EBS_MALWARE_PROTECTION") {
            keys.push(legacy_field);
        }
        if path(sources, &keys).and_then(Value::as_bool) == Some(false) {
            off.push(feature_words(feature));
        }
    }
    off
}

/// A protection plan in the console's words, with the API name for searching.
fn feature_words(name: &str) -> String {
    match plans::by_feature(name) {
        Some(plan) => format!("{} ({name})", plan.words),
        None => clip(name),
    }
}

fn frequency_words(frequency: &str) -> String {
    match frequency {
        "FIFTEEN_MINUTES" => "15 minutes".to_owned(),
        "ONE_HOUR" => "hour".to_owned(),
        "SIX_HOURS" => "6 hours".to_owned(),
        other => clip(other),
    }
}

fn accounts_phrase(accounts: &[String]) -> String {
    const SHOWN: usize = 3;
    match accounts {
        [] => "Member accounts".to_owned(),
        [one] => format!("Member account {}", clip(one)),
        many => {
            let shown: Vec<String> = many.iter().take(SHOWN).map(|a| clip(a)).collect();
            let more = many.len().saturating_sub(SHOWN);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{} member accounts ({}{tail})",
                many.len(),
                shown.join(", ")
            )
        }
    }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        0 => format!("{noun}s"),
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

fn id_or(call: &Call<'_>, key: &str) -> String {
    call.id(key).map_or_else(|| "(unknown)".to_owned(), clip)
}

/// Values come from the caller's request: keep them to one readable line.
fn clip(text: &str) -> String {
    const MAX_CHARS: usize = 120;
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

fn is_word(value: Option<&Value>, word: &str) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case(word))
}

/// Looks a key up in an object, case-insensitively (exports sometimes lowercase keys).
fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let map = value.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn path<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |v, key| get(v, key))
}
