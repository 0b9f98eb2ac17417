//! The config-change check: every GuardDuty API call that changes GuardDuty, with what it means.
//!
//! Pure: a CloudTrail [`Event`] in, at most one [`Finding`] out. A call is a change when its
//! IAM action is Write or Tagging ([`Event::is_change`]); its severity and one-line meaning
//! are decoded from `requestParameters`. A failed call is still a finding, marked failed,
//! with the severity of what it tried to do: a failed attempt to turn GuardDuty off is a signal.

use serde_json::{Value, json};

use super::CheckInfo;
use crate::model::cloudtrail::Event;
use crate::report::finding::{Finding, Severity, fingerprint};

/// Each finding carries its own severity, from info (sample findings) to critical
/// (GuardDuty turned off); the registry lists the highest.
pub const CONFIG_CHANGE: CheckInfo = CheckInfo {
    id: "guardduty-config-change",
    severity: Severity::Critical,
    title: "GuardDuty configuration changed",
    remediation: "Confirm the change was approved (ticket, pipeline run, the actor's other activity). If it was not: \
                  revert it, revoke the actor's credentials, and deny the action with an SCP outside a break-glass role.",
};

/// The checks this module reports, for the registry in `checks/mod.rs`.
pub const CHECKS: &[CheckInfo] = &[CONFIG_CHANGE];

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
    let mut details = json!({
        "event_time": event.event_time.map(|t| t.to_string()),
        "event_name": event.event_name,
        "event_id": event.event_id,
        "outcome": if event.failed() { "failed" } else { "succeeded" },
        "error_code": event.error_code,
        "error_message": event.error_message,
        "actor": {
            "type": identity.kind,
            "arn": identity.arn,
            "role": identity.role_name(),
            "session": identity.session_name(),
            "account": identity.account_id,
            "invoked_by": identity.invoked_by,
        },
        "source_ip": event.source_ip_address,
        "user_agent": event.user_agent,
        "meaning": meaning.text,
        "read_only": !is_change,
    });
    if let (true, Some(raw), Some(map)) = (options.include_raw, &event.raw, details.as_object_mut())
    {
        map.insert("raw".to_owned(), raw.clone());
    }
    Finding {
        check: CONFIG_CHANGE.id.to_owned(),
        severity: meaning.severity,
        title,
        account: account.map(str::to_owned),
        region: region.map(str::to_owned),
        resource,
        fingerprint: fingerprint(CONFIG_CHANGE.id, account, region, &discriminating_id, ""),
        details: details.into(),
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

/// The meaning of one change, by event name. Names follow the catalogue's spelling.
fn decode(call: &Call<'_>) -> Meaning {
    let region = call.in_region();
    let name = call.name;
    match name {
        "DeleteDetector" => Meaning::new(
            Severity::Critical,
            format!(
                "GuardDuty turned off{region} (detector {} deleted, with its findings)",
                id_or(call, "detectorId")
            ),
            TURNED_OFF,
        ),
        "UpdateDetector" | "CreateDetector" => detector(call, &region),
        "UpdateMemberDetectors" => member_detectors(call, &region),
        "CreateIPSet" | "UpdateIPSet" => trusted_list(call, &region, "Trusted IP list", "ipSetId"),
        "CreateTrustedEntitySet" | "UpdateTrustedEntitySet" => {
            trusted_list(call, &region, "Trusted entity list", "trustedEntitySetId")
        }
        "DeleteIPSet" => Meaning::new(
            Severity::Low,
            format!(
                "Trusted IP list {} deleted{region}: its IPs raise findings again",
                id_or(call, "ipSetId")
            ),
            ROUTINE,
        ),
        "DeleteTrustedEntitySet" => Meaning::new(
            Severity::Low,
            format!(
                "Trusted entity list {} deleted{region}: its entries raise findings again",
                id_or(call, "trustedEntitySetId")
            ),
            ROUTINE,
        ),
        "CreateThreatIntelSet" | "UpdateThreatIntelSet" | "DeleteThreatIntelSet" => {
            threat_list(call, &region, "Threat intel list", "threatIntelSetId")
        }
        "CreateThreatEntitySet" | "UpdateThreatEntitySet" | "DeleteThreatEntitySet" => {
            threat_list(call, &region, "Threat entity list", "threatEntitySetId")
        }
        "CreateFilter" | "UpdateFilter" => filter(call, &region),
        "DeleteFilter" => Meaning::new(
            Severity::Low,
            format!(
                "Findings filter {} deleted{region}",
                call.named("filterName")
            ),
            ROUTINE,
        ),
        "DisassociateFromMasterAccount" | "DisassociateFromAdministratorAccount" => Meaning::new(
            Severity::High,
            format!(
                "Account left its GuardDuty administrator{region}: the administrator no longer sees its findings"
            ),
            ADMINISTRATION,
        ),
        "DisassociateMembers" => members(
            call,
            Severity::High,
            &format!(
                "disassociated from this GuardDuty administrator{region}: their findings are no longer seen here"
            ),
        ),
        "DeleteMembers" => members(
            call,
            Severity::High,
            &format!(
                "removed from this GuardDuty administrator{region}: their findings are no longer seen here"
            ),
        ),
        "StopMonitoringMembers" => members(
            call,
            Severity::High,
            &format!("no longer monitored by this GuardDuty administrator{region}"),
        ),
        "DisableOrganizationAdminAccount" => Meaning::new(
            Severity::High,
            format!(
                "GuardDuty delegated administrator {} removed for the organization{region}",
                id_or(call, "adminAccountId")
            ),
            ADMINISTRATION,
        ),
        "EnableOrganizationAdminAccount" => Meaning::new(
            Severity::Medium,
            format!(
                "Account {} made the organization's GuardDuty delegated administrator{region}",
                id_or(call, "adminAccountId")
            ),
            ADMINISTRATION,
        ),
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
        "DeletePublishingDestination" => Meaning::new(
            Severity::High,
            format!(
                "Findings export cut{region}: publishing destination {} deleted",
                id_or(call, "destinationId")
            ),
            PUBLISHING,
        ),
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
        "ArchiveFindings" => Meaning::new(
            Severity::Medium,
            format!(
                "{} archived{region}",
                plural(call.count_of("findingIds"), "finding")
            ),
            ARCHIVED,
        ),
        "UnarchiveFindings" => Meaning::new(
            Severity::Low,
            format!(
                "{} unarchived{region}",
                plural(call.count_of("findingIds"), "finding")
            ),
            ROUTINE,
        ),
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
        "CreateSampleFindings" => Meaning::new(
            Severity::Info,
            format!("Sample findings generated{region}"),
            ROUTINE,
        ),
        "CreateMembers" | "InviteMembers" | "StartMonitoringMembers" => {
            let what = match name {
                "CreateMembers" => "added to this GuardDuty administrator",
                "InviteMembers" => "invited to this GuardDuty administrator",
                _ => "monitored again by this GuardDuty administrator",
            };
            members(call, Severity::Low, &format!("{what}{region}"))
        }
        "DeclineInvitations" | "DeleteInvitations" => Meaning::new(
            Severity::Low,
            format!(
                "GuardDuty administrator invitations {}{region}",
                if name == "DeclineInvitations" {
                    "declined"
                } else {
                    "deleted"
                }
            ),
            ROUTINE,
        ),
        "CreatePublishingDestination" => Meaning::new(
            Severity::Low,
            format!("Findings export added{region}"),
            ROUTINE,
        ),
        "UpdateMalwareScanSettings" => malware_scan_settings(call, &region),
        "DeleteMalwareProtectionPlan" => Meaning::new(
            Severity::High,
            format!(
                "Malware protection plan {} deleted{region}: its S3 bucket is no longer scanned",
                id_or(call, "malwareProtectionPlanId")
            ),
            PROTECTION_OFF,
        ),
        "UpdateMalwareProtectionPlan" => Meaning::new(
            Severity::Medium,
            format!(
                "Malware protection plan {} changed{region}",
                id_or(call, "malwareProtectionPlanId")
            ),
            MALWARE_SCANS,
        ),
        "TagResource" | "UntagResource" => Meaning::new(
            Severity::Info,
            format!(
                "Tags {} on {}",
                if name == "TagResource" {
                    "set"
                } else {
                    "removed"
                },
                id_or(call, "resourceArn")
            ),
            ROUTINE,
        ),
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

fn filter(call: &Call<'_>, region: &str) -> Meaning {
    let which = call.named("filterName");
    let created = call.name == "CreateFilter";
    let action = call.text("action").map(str::to_ascii_uppercase);
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

fn members(call: &Call<'_>, severity: Severity, what: &str) -> Meaning {
    let who = accounts_phrase(&call.accounts());
    let remediation = if severity >= Severity::High {
        ADMINISTRATION
    } else {
        ROUTINE
    };
    Meaning::new(severity, format!("{who} {what}"), remediation)
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
    let words = match name {
        "S3_DATA_EVENTS" => "S3 Protection",
        "EKS_AUDIT_LOGS" => "EKS Audit Log Monitoring",
        "EBS_MALWARE_PROTECTION" => "Malware Protection for EC2",
        "RDS_LOGIN_EVENTS" => "RDS Protection",
        "EKS_RUNTIME_MONITORING" => "EKS Runtime Monitoring",
        "RUNTIME_MONITORING" => "Runtime Monitoring",
        "LAMBDA_NETWORK_LOGS" => "Lambda Protection",
        other => return clip(other),
    };
    format!("{words} ({name})")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cloudtrail::GUARDDUTY_SOURCE;

    fn record(name: &str, params: Value) -> Value {
        json!({
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLE:mallory",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/mallory",
                "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/Admin", "userName": "Admin"}}
            },
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": GUARDDUTY_SOURCE,
            "eventName": name,
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2.17.60",
            "requestParameters": params,
            "responseElements": null,
            "eventID": format!("id-{name}"),
            "readOnly": false,
            "recipientAccountId": "111122223333"
        })
    }

    fn event(name: &str, params: Value) -> Event {
        Event::from_value(&record(name, params)).unwrap()
    }

    /// Severity and title of the finding for `name` called with `params`.
    fn verdict(name: &str, params: Value) -> (Severity, String) {
        let finding = check_event(&event(name, params), ChangeOptions::default()).unwrap();
        (finding.severity, finding.title)
    }

    #[track_caller]
    fn assert_verdict(name: &str, params: Value, severity: Severity, title: &str) {
        assert_eq!(
            verdict(name, params),
            (severity, title.to_owned()),
            "{name}"
        );
    }

    #[test]
    fn turning_guardduty_off_is_critical() {
        let off = "GuardDuty turned off in eu-west-1";
        assert_verdict(
            "DeleteDetector",
            json!({"detectorId": "d1"}),
            Severity::Critical,
            &format!("{off} (detector d1 deleted, with its findings)"),
        );
        assert_verdict(
            "UpdateDetector",
            json!({"detectorId": "d1", "enable": false}),
            Severity::Critical,
            &format!("{off} (detector d1 suspended)"),
        );
        assert_verdict(
            "CreateDetector",
            json!({"enable": false}),
            Severity::Critical,
            &format!("{off} (detector created disabled)"),
        );
    }

    #[test]
    fn turning_a_protection_plan_off_is_high_and_named() {
        assert_verdict(
            "UpdateDetector",
            json!({"detectorId": "d1", "features": [
                {"name": "S3_DATA_EVENTS", "status": "DISABLED"},
                {"name": "RDS_LOGIN_EVENTS", "status": "ENABLED"},
                {"name": "RUNTIME_MONITORING", "status": "ENABLED",
                 "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}]}
            ]}),
            Severity::High,
            "GuardDuty protection turned off in eu-west-1: S3 Protection (S3_DATA_EVENTS), \
             EKS_ADDON_MANAGEMENT of RUNTIME_MONITORING",
        );
        assert_verdict(
            "UpdateDetector",
            json!({"detectorId": "d1", "dataSources": {
                "s3Logs": {"enable": false},
                "kubernetes": {"auditLogs": {"enable": false}},
                "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": false}}
            }}),
            Severity::High,
            "GuardDuty protection turned off in eu-west-1: S3 Protection (S3_DATA_EVENTS), \
             EKS Audit Log Monitoring (EKS_AUDIT_LOGS), Malware Protection for EC2 (EBS_MALWARE_PROTECTION)",
        );
        assert_verdict(
            "UpdateMemberDetectors",
            json!({"detectorId": "d1", "accountIds": ["444455556666"],
                   "features": [{"name": "EKS_AUDIT_LOGS", "status": "DISABLED"}]}),
            Severity::High,
            "GuardDuty protection turned off for Member account 444455556666 in eu-west-1: \
             EKS Audit Log Monitoring (EKS_AUDIT_LOGS)",
        );
        assert_verdict(
            "CreateDetector",
            json!({"enable": true, "features": [{"name": "LAMBDA_NETWORK_LOGS", "status": "DISABLED"}]}),
            Severity::Medium,
            "GuardDuty detector created in eu-west-1 without Lambda Protection (LAMBDA_NETWORK_LOGS)",
        );
    }

    #[test]
    fn routine_detector_changes_are_low() {
        assert_verdict(
            "CreateDetector",
            json!({"enable": true, "clientToken": "t"}),
            Severity::Low,
            "GuardDuty detector created in eu-west-1",
        );
        assert_verdict(
            "UpdateDetector",
            json!({"detectorId": "d1", "findingPublishingFrequency": "SIX_HOURS"}),
            Severity::Low,
            "GuardDuty detector d1 now publishes findings every 6 hours in eu-west-1",
        );
        assert_verdict(
            "UpdateDetector",
            json!({"detectorId": "d1", "enable": true, "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}),
            Severity::Low,
            "GuardDuty detector d1 enabled in eu-west-1",
        );
        assert_verdict(
            "UpdateMemberDetectors",
            json!({"detectorId": "d1", "accountIds": ["1", "2", "3", "4", "5"],
                   "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}),
            Severity::Low,
            "GuardDuty settings updated for 5 member accounts (1, 2, 3 and 2 more) in eu-west-1",
        );
    }

    #[test]
    fn activating_a_trusted_list_is_high() {
        assert_verdict(
            "CreateIPSet",
            json!({"detectorId": "d1", "name": "office", "format": "TXT", "location": "s3://b/ips.txt", "activate": true}),
            Severity::High,
            "Trusted IP list 'office' created and activated in eu-west-1: matching traffic no longer raises findings",
        );
        assert_verdict(
            "UpdateIPSet",
            json!({"detectorId": "d1", "ipSetId": "ip1", "activate": true}),
            Severity::High,
            "Trusted IP list ip1 activated in eu-west-1: matching traffic no longer raises findings",
        );
        assert_verdict(
            "CreateTrustedEntitySet",
            json!({"detectorId": "d1", "name": "vendors", "format": "TXT", "location": "s3://b/t.txt", "activate": true}),
            Severity::High,
            "Trusted entity list 'vendors' created and activated in eu-west-1: matching traffic no longer raises findings",
        );
        assert_verdict(
            "UpdateTrustedEntitySet",
            json!({"detectorId": "d1", "trustedEntitySetId": "te1", "location": "s3://b/t2.txt"}),
            Severity::Medium,
            "Trusted entity list te1 changed in eu-west-1: if active, matching traffic raises no findings",
        );
        assert_verdict(
            "CreateIPSet",
            json!({"detectorId": "d1", "name": "office", "activate": false}),
            Severity::Low,
            "Trusted IP list 'office' created inactive in eu-west-1",
        );
        assert_verdict(
            "UpdateIPSet",
            json!({"detectorId": "d1", "ipSetId": "ip1", "activate": false}),
            Severity::Low,
            "Trusted IP list ip1 deactivated in eu-west-1: its entries raise findings again",
        );
        assert_verdict(
            "DeleteIPSet",
            json!({"detectorId": "d1", "ipSetId": "ip1"}),
            Severity::Low,
            "Trusted IP list ip1 deleted in eu-west-1: its IPs raise findings again",
        );
    }

    #[test]
    fn an_archiving_filter_is_a_suppression_rule() {
        let criteria = json!({"criterion": {"severity": {"lt": 7}}});
        assert_verdict(
            "CreateFilter",
            json!({"detectorId": "d1", "name": "quiet", "action": "ARCHIVE", "rank": 1, "findingCriteria": criteria}),
            Severity::High,
            "Suppression rule 'quiet' created in eu-west-1: matching findings are archived automatically",
        );
        assert_verdict(
            "UpdateFilter",
            json!({"detectorId": "d1", "filterName": "quiet", "action": "ARCHIVE"}),
            Severity::High,
            "Suppression rule 'quiet' set in eu-west-1: matching findings are archived automatically",
        );
        assert_verdict(
            "UpdateFilter",
            json!({"detectorId": "d1", "filterName": "quiet", "findingCriteria": criteria}),
            Severity::Medium,
            "Findings filter 'quiet' criteria changed in eu-west-1: if it archives, what it hides changed",
        );
        assert_verdict(
            "CreateFilter",
            json!({"detectorId": "d1", "name": "triage", "action": "NOOP"}),
            Severity::Low,
            "Findings filter 'triage' created in eu-west-1 (no automatic archiving)",
        );
    }

    #[test]
    fn leaving_central_administration_is_high() {
        assert_verdict(
            "DisassociateFromMasterAccount",
            json!({"detectorId": "d1"}),
            Severity::High,
            "Account left its GuardDuty administrator in eu-west-1: the administrator no longer sees its findings",
        );
        assert_verdict(
            "DisassociateFromAdministratorAccount",
            json!({"detectorId": "d1"}),
            Severity::High,
            "Account left its GuardDuty administrator in eu-west-1: the administrator no longer sees its findings",
        );
        assert_verdict(
            "DisassociateMembers",
            json!({"detectorId": "d1", "accountIds": ["444455556666", "777788889999"]}),
            Severity::High,
            "2 member accounts (444455556666, 777788889999) disassociated from this GuardDuty administrator \
             in eu-west-1: their findings are no longer seen here",
        );
        assert_verdict(
            "DeleteMembers",
            json!({"detectorId": "d1", "accountIds": ["444455556666"]}),
            Severity::High,
            "Member account 444455556666 removed from this GuardDuty administrator in eu-west-1: \
             their findings are no longer seen here",
        );
        assert_verdict(
            "StopMonitoringMembers",
            json!({"detectorId": "d1", "accountIds": ["444455556666"]}),
            Severity::High,
            "Member account 444455556666 no longer monitored by this GuardDuty administrator in eu-west-1",
        );
        assert_verdict(
            "DisableOrganizationAdminAccount",
            json!({"adminAccountId": "999988887777"}),
            Severity::High,
            "GuardDuty delegated administrator 999988887777 removed for the organization in eu-west-1",
        );
    }

    #[test]
    fn stopping_organization_auto_enable_is_high() {
        let stopped = "Organization auto-enable turned off in eu-west-1";
        assert_verdict(
            "UpdateOrganizationConfiguration",
            json!({"detectorId": "d1", "autoEnableOrganizationMembers": "NONE"}),
            Severity::High,
            &format!("{stopped}: GuardDuty for member accounts"),
        );
        assert_verdict(
            "UpdateOrganizationConfiguration",
            json!({"detectorId": "d1", "autoEnable": false}),
            Severity::High,
            &format!("{stopped}: GuardDuty for new member accounts"),
        );
        assert_verdict(
            "UpdateOrganizationConfiguration",
            json!({"detectorId": "d1", "autoEnableOrganizationMembers": "ALL", "features": [
                {"name": "RDS_LOGIN_EVENTS", "autoEnable": "NONE"},
                {"name": "RUNTIME_MONITORING", "autoEnable": "ALL",
                 "additionalConfiguration": [{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "autoEnable": "NONE"}]}
            ], "dataSources": {"s3Logs": {"autoEnable": false}}}),
            Severity::High,
            &format!(
                "{stopped}: RDS Protection (RDS_LOGIN_EVENTS), ECS_FARGATE_AGENT_MANAGEMENT of RUNTIME_MONITORING, \
                 S3 Protection (S3_DATA_EVENTS)"
            ),
        );
        assert_verdict(
            "UpdateOrganizationConfiguration",
            json!({"detectorId": "d1", "autoEnableOrganizationMembers": "ALL"}),
            Severity::Low,
            "Organization auto-enable settings updated in eu-west-1",
        );
    }

    #[test]
    fn cutting_the_findings_export_is_high() {
        assert_verdict(
            "DeletePublishingDestination",
            json!({"detectorId": "d1", "destinationId": "pd1"}),
            Severity::High,
            "Findings export cut in eu-west-1: publishing destination pd1 deleted",
        );
        assert_verdict(
            "UpdatePublishingDestination",
            json!({"detectorId": "d1", "destinationId": "pd1",
                   "destinationProperties": {"destinationArn": "arn:aws:s3:::elsewhere", "kmsKeyArn": "k"}}),
            Severity::High,
            "Findings export redirected in eu-west-1: publishing destination pd1 changed (now arn:aws:s3:::elsewhere)",
        );
    }

    #[test]
    fn archiving_findings_and_threat_lists_are_medium() {
        assert_verdict(
            "ArchiveFindings",
            json!({"detectorId": "d1", "findingIds": ["f1", "f2"]}),
            Severity::Medium,
            "2 findings archived in eu-west-1",
        );
        assert_verdict(
            "CreateThreatIntelSet",
            json!({"detectorId": "d1", "name": "feed", "format": "TXT", "location": "s3://b/bad.txt", "activate": true}),
            Severity::Medium,
            "Threat intel list 'feed' created in eu-west-1 (active)",
        );
        assert_verdict(
            "UpdateThreatIntelSet",
            json!({"detectorId": "d1", "threatIntelSetId": "t1", "activate": false}),
            Severity::Medium,
            "Threat intel list t1 changed in eu-west-1 and deactivated: its entries no longer raise findings",
        );
        assert_verdict(
            "DeleteThreatIntelSet",
            json!({"detectorId": "d1", "threatIntelSetId": "t1"}),
            Severity::Medium,
            "Threat intel list t1 deleted in eu-west-1: its entries no longer raise findings",
        );
        assert_verdict(
            "DeleteThreatEntitySet",
            json!({"detectorId": "d1", "threatEntitySetId": "x1"}),
            Severity::Medium,
            "Threat entity list x1 deleted in eu-west-1: its entries no longer raise findings",
        );
    }

    #[test]
    fn routine_creates_are_low_or_info() {
        assert_verdict(
            "CreateSampleFindings",
            json!({"detectorId": "d1"}),
            Severity::Info,
            "Sample findings generated in eu-west-1",
        );
        assert_verdict(
            "CreateMembers",
            json!({"detectorId": "d1", "accountDetails": [{"accountId": "444455556666", "email": "a@example.com"}]}),
            Severity::Low,
            "Member account 444455556666 added to this GuardDuty administrator in eu-west-1",
        );
        assert_verdict(
            "TagResource",
            json!({"resourceArn": "arn:aws:guardduty:eu-west-1:111122223333:detector/d1", "tags": {"a": "b"}}),
            Severity::Info,
            "Tags set on arn:aws:guardduty:eu-west-1:111122223333:detector/d1",
        );
    }

    #[test]
    fn every_change_action_in_the_catalogue_gets_a_meaning() {
        for action in crate::catalogue::change_actions() {
            let finding = check_event(&event(action.name, json!({})), ChangeOptions::default())
                .unwrap_or_else(|| panic!("{} is a change", action.name));
            assert!(!finding.title.is_empty());
            assert!(
                !finding.title.contains("does not know"),
                "{}: {}",
                action.name,
                finding.title
            );
            assert_eq!(finding.details.value()["read_only"], json!(false));
        }
    }

    #[test]
    fn unknown_guardduty_writes_are_reported_reads_are_not() {
        let (severity, title) = verdict("CreateShinyNewThing", json!({}));
        assert_eq!(severity, Severity::Low);
        assert_eq!(
            title,
            "GuardDuty CreateShinyNewThing called in eu-west-1 (an API gdaudit's catalogue does not know yet)"
        );

        let read = event("GetDetector", json!({"detectorId": "d1"}));
        assert_eq!(check_event(&read, ChangeOptions::default()), None);
        let with_reads = ChangeOptions {
            include_read_only: true,
            ..ChangeOptions::default()
        };
        let finding = check_event(&read, with_reads).unwrap();
        assert_eq!(finding.severity, Severity::Info);
        assert_eq!(
            finding.title,
            "GuardDuty call GetDetector in eu-west-1 (read-only)"
        );
        let odd = Event::from_value(
            &json!({"eventName": "ModifyInstanceAttributes", "eventSource": GUARDDUTY_SOURCE}),
        )
        .unwrap();
        assert_eq!(
            check_event(&odd, ChangeOptions::default()),
            None,
            "unknown and not marked readOnly false"
        );
        assert_eq!(
            check_event(&odd, with_reads).map(|f| f.title).as_deref(),
            Some("GuardDuty call ModifyInstanceAttributes (not known to change GuardDuty)")
        );
        assert_eq!(finding.details.value()["read_only"], json!(true));

        let mut other = record("DeleteDetector", json!({}));
        other["eventSource"] = json!("ec2.amazonaws.com");
        assert_eq!(
            check_event(&Event::from_value(&other).unwrap(), with_reads),
            None
        );
    }

    #[test]
    fn a_failed_call_keeps_its_severity_and_says_it_failed() {
        let mut failed = record("DeleteDetector", json!({"detectorId": "d1"}));
        failed["errorCode"] = json!("AccessDenied");
        failed["errorMessage"] =
            json!("User is not authorized to perform guardduty:DeleteDetector");
        let finding = check_event(
            &Event::from_value(&failed).unwrap(),
            ChangeOptions::default(),
        )
        .unwrap();
        assert_eq!(finding.severity, Severity::Critical);
        assert_eq!(
            finding.title,
            "Failed attempt (AccessDenied): GuardDuty turned off in eu-west-1 (detector d1 deleted, with its findings)"
        );
        assert_eq!(finding.details.value()["outcome"], json!("failed"));
        assert_eq!(finding.details.value()["error_code"], json!("AccessDenied"));
        assert_eq!(
            finding.details.value()["meaning"],
            json!("GuardDuty turned off in eu-west-1 (detector d1 deleted, with its findings)")
        );
    }

    #[test]
    fn the_finding_carries_who_what_where() {
        let record = record(
            "CreateIPSet",
            json!({"detectorId": "d1", "name": "office", "activate": true}),
        );
        let mut with_response = record.clone();
        with_response["responseElements"] = json!({"ipSetId": "ip-42"});
        let event = Event::from_value(&with_response)
            .unwrap()
            .with_raw(with_response.clone());
        let finding = check_event(&event, ChangeOptions::default()).unwrap();
        assert_eq!(finding.check, "guardduty-config-change");
        assert_eq!(finding.account.as_deref(), Some("111122223333"));
        assert_eq!(finding.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            finding.resource, "ip-42",
            "the created set's id, from the response"
        );
        assert_eq!(
            finding.fingerprint,
            fingerprint(
                "guardduty-config-change",
                Some("111122223333"),
                Some("eu-west-1"),
                "id-CreateIPSet",
                ""
            )
        );
        assert_eq!(finding.remediation, TRUSTED_LIST);
        assert_eq!(
            finding.details.value(),
            json!({
                "event_time": "2024-05-01T12:00:00Z",
                "event_name": "CreateIPSet",
                "event_id": "id-CreateIPSet",
                "outcome": "succeeded",
                "error_code": null,
                "error_message": null,
                "actor": {
                    "type": "AssumedRole",
                    "arn": "arn:aws:sts::111122223333:assumed-role/Admin/mallory",
                    "role": "Admin",
                    "session": "mallory",
                    "account": "111122223333",
                    "invoked_by": null
                },
                "source_ip": "203.0.113.7",
                "user_agent": "aws-cli/2.17.60",
                "meaning": "Trusted IP list 'office' created and activated in eu-west-1: matching traffic no longer raises findings",
                "read_only": false
            }),
            "no raw record unless asked for"
        );
        let raw = ChangeOptions {
            include_raw: true,
            ..ChangeOptions::default()
        };
        let finding = check_event(&event, raw).unwrap();
        assert_eq!(finding.details.value()["raw"], with_response);
        assert!(CHECKS.iter().any(|c| c.id == finding.check));
    }

    #[test]
    fn request_values_are_kept_to_one_line() {
        let (_, title) = verdict(
            "CreateFilter",
            json!({"detectorId": "d1", "name": format!("a\u{1b}[31mred\n{}", "x".repeat(300)), "action": "ARCHIVE"}),
        );
        assert!(
            !title.contains('\n') && !title.contains('\u{1b}'),
            "{title}"
        );
        assert!(title.chars().count() < 250, "{title}");
    }
}
