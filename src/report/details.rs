//! Typed finding details: one struct per kind of finding. Checks fill them in, renderers
//! read their fields, and only the wire layer ([`super::json::details_json`]) turns them
//! into JSON. Adding a kind is a new variant of [`Details`]: every `match` over it (the
//! table, OCSF) then fails to compile until it says how to show the new kind.
//!
//! Field order is the JSON key order of the wire format, so keep it when adding fields.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::iam::{ActionVerdict, Evaluation, PrincipalVerdict};
use crate::model::Administrator;
use crate::model::objects::{Condition, SeverityBand};
use crate::model::time::Timestamp;

/// A finding's check-specific facts.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// `detector-missing`: the region says it all (`{}` in JSON).
    DetectorMissing,
    DetectorSuspended(DetectorSuspended),
    /// One of the protection-plan checks (`s3-protection-off`, …).
    PlanOff(PlanOff),
    PublishingFrequency(PublishingFrequency),
    NotCentrallyManaged(NotCentrallyManaged),
    MemberNotEnabled(MemberNotEnabled),
    ConfigChange(Box<ConfigChange>),
    WriteAccess(WriteAccess),
    /// `indirect-write-access`.
    IndirectWrite(IndirectWrite),
    /// `suppression-rule-hides-high`.
    SuppressionRule(Box<SuppressionRule>),
    /// `trusted-list-active` and `threat-list-not-active`.
    List(ListDetails),
    /// `publishing-destination-unhealthy`.
    PublishingDestination(PublishingDestinationDetails),
    /// `malware-protection-plan-unhealthy`.
    MalwarePlan(MalwarePlanDetails),
    /// `findings-unhandled`.
    UnhandledFindings(UnhandledFindings),
    /// `guardduty-resource-untagged`.
    Untagged(Untagged),
    /// `runtime-telemetry-blocked`.
    TelemetryBlocked(TelemetryBlocked),
    /// `org-account-not-member`, `org-member-not-enabled`.
    OrgAccountGap(OrgAccountGap),
    /// `org-auto-enable-none`, `org-auto-enable-new`.
    OrgAutoEnable(OrgAutoEnable),
    OrgFeatureAutoEnable(OrgFeatureAutoEnable),
    /// `org-administrator-missing`, `org-administrator-differs`.
    OrgAdministrators(OrgAdministrators),
    CoverageUnhealthy(CoverageUnhealthy),
}

/// An account and the regions where it is not covered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgAccountGap {
    pub account_name: String,
    /// The OU path, e.g. `Root/Workloads/Prod`.
    pub ou: Option<String>,
    pub regions: Vec<RegionStatusOf>,
}

/// A region and, for a member, its relationship status there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionStatusOf {
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgAutoEnable {
    /// `NONE` or `NEW`.
    pub auto_enable_organization_members: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgFeatureAutoEnable {
    pub feature: String,
    pub feature_auto_enable: String,
    pub members_auto_enable: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgAdministrators {
    /// Each delegated administrator and the regions it administers.
    pub administrators: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageUnhealthy {
    pub unhealthy: i64,
    pub healthy: i64,
    pub by_resource_type: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectorSuspended {
    pub detector_id: String,
    /// `DISABLED`, as AWS spells it.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanOff {
    pub detector_id: String,
    /// The feature (or `FEATURE/ADDITIONAL_CONFIGURATION`) that is off.
    pub feature: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishingFrequency {
    pub detector_id: String,
    pub finding_publishing_frequency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotCentrallyManaged {
    pub detector_id: String,
    /// The administrator GetAdministratorAccount named (not Enabled), if any.
    pub administrator: Option<Administrator>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberNotEnabled {
    pub detector_id: String,
    pub member_account_id: String,
    pub relationship_status: String,
}

/// `suppression-rule-hides-high`: an ARCHIVE filter and what it can hide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuppressionRule {
    pub detector_id: String,
    pub filter_name: String,
    pub rank: Option<i32>,
    /// The severities it can archive, e.g. `>= 7`, `any (no severity criterion)`.
    pub severity_matched: String,
    /// What it hides, in the user's words: `High findings`, `Critical findings`,
    /// `attack sequences`.
    pub hides: Vec<String>,
    /// Why the rule is broad: no criterion pins it to a resource, actor or finding.
    pub unpinned: bool,
    pub criteria: BTreeMap<String, Condition>,
}

/// A trusted or threat list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListDetails {
    pub detector_id: String,
    pub kind: &'static str,
    pub list_id: String,
    pub name: String,
    pub status: String,
    pub location: Option<String>,
    pub format: Option<String>,
    /// With `--read-lists`: how many entries the list holds (absent when not read or judged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    /// With `--read-lists`, for a trusted list: how many entries trust a very broad range…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broad_count: Option<u64>,
    /// …and the first of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub broad_entries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishingDestinationDetails {
    pub detector_id: String,
    pub destination_id: String,
    pub destination_type: String,
    pub status: String,
    pub destination_arn: Option<String>,
    pub kms_key_arn: Option<String>,
    /// Since when publishing has been failing, when AWS says.
    pub failing_since: Option<Timestamp>,
    /// What is wrong: `status STOPPED`, `no KMS key`.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MalwarePlanDetails {
    pub plan_id: String,
    pub arn: Option<String>,
    pub status: String,
    pub bucket: Option<String>,
    pub status_reasons: Vec<String>,
}

/// Unarchived findings of one severity band past its age threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnhandledFindings {
    pub detector_id: String,
    pub band: SeverityBand,
    pub count: u64,
    pub older_than_days: u32,
    pub oldest_updated_at: Option<String>,
    pub oldest_finding_type: Option<String>,
}

/// A GuardDuty resource without a required tag key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Untagged {
    /// `detector`, `filter` or `ip-set`.
    pub resource_type: &'static str,
    pub resource_id: String,
    pub security_hub: &'static str,
    pub missing_tag_keys: Vec<String>,
}

/// SCPs that block the Runtime Monitoring agent's telemetry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TelemetryBlocked {
    pub action: &'static str,
    /// Regions where Runtime Monitoring is on.
    pub regions: Vec<String>,
    /// The SCP level (0: root) that blocks it.
    pub scp_level: usize,
    /// The policy and statement that deny it; `None` when the level simply allows nothing.
    pub scp_policy: Option<String>,
    pub statement: Option<String>,
    /// The deny holds only under its conditions.
    pub conditional: bool,
}

/// `guardduty-config-change`: one GuardDuty API call from CloudTrail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigChange {
    pub event_time: Option<Timestamp>,
    pub event_name: String,
    pub event_id: Option<String>,
    pub outcome: ChangeOutcome,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub actor: Actor,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// What the change means, in one line.
    pub meaning: String,
    pub read_only: bool,
    /// The whole CloudTrail record, with `--raw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<serde_json::Value>,
}

/// Whether the call succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOutcome {
    Succeeded,
    Failed,
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub arn: Option<String>,
    pub role: Option<String>,
    pub session: Option<String>,
    pub account: Option<String>,
    pub invoked_by: Option<String>,
}

/// `non-privileged-write-access`: a principal's GuardDuty write actions.
///
/// An account export can flag tens of thousands of principals with dozens of actions each;
/// written out, their details are several times the size of the export. So the findings
/// share one evaluation and each reads its principal's verdicts from it when rendered.
#[derive(Clone)]
pub struct WriteAccess {
    evaluation: Arc<Evaluation>,
    index: usize,
    high_risk: Box<[&'static str]>,
}

impl WriteAccess {
    /// The details of principal `index` of `evaluation`; `high_risk` are the actions the
    /// check judged high-risk among those held without condition.
    pub fn new(
        evaluation: Arc<Evaluation>,
        index: usize,
        high_risk: Vec<&'static str>,
    ) -> WriteAccess {
        WriteAccess {
            evaluation,
            index,
            high_risk: high_risk.into_boxed_slice(),
        }
    }

    fn principal(&self) -> Option<&PrincipalVerdict> {
        self.evaluation.principals.get(self.index)
    }

    /// `user` or `role`.
    pub fn principal_type(&self) -> &'static str {
        self.principal().map_or("unknown", |p| p.kind.as_str())
    }

    /// The GuardDuty write actions the principal holds, with or without conditions.
    pub fn actions(&self) -> Vec<&ActionVerdict> {
        self.principal()
            .map(|p| p.held_actions().collect())
            .unwrap_or_default()
    }

    /// The held actions, granted without condition, whose grant makes a finding high.
    pub fn high_risk_actions(&self) -> &[&'static str] {
        &self.high_risk
    }
}

/// Details of an `indirect-write-access` finding: what a principal can become able to do,
/// and the path, read from the shared evaluation.
#[derive(Clone)]
pub struct IndirectWrite {
    evaluation: Arc<Evaluation>,
    /// Index into the evaluation's `indirect`.
    index: usize,
}

impl IndirectWrite {
    pub fn new(evaluation: Arc<Evaluation>, index: usize) -> IndirectWrite {
        IndirectWrite { evaluation, index }
    }

    pub fn access(&self) -> Option<&crate::iam::IndirectAccess> {
        self.evaluation.indirect.get(self.index)
    }

    /// `user` or `role`.
    pub fn principal_type(&self) -> &'static str {
        self.access()
            .and_then(|a| self.evaluation.principals.get(a.principal))
            .map_or("unknown", |p| p.kind.as_str())
    }

    /// The path as one line: `assume-role → arn:…:role/ops; holds guardduty:UpdateDetector`.
    pub fn path_line(&self) -> String {
        let Some(a) = self.access() else {
            return String::new();
        };
        let mut parts: Vec<String> = a
            .path
            .iter()
            .map(|s| {
                let cond = if s.conditional { " (conditional)" } else { "" };
                format!("{} → {}{cond}", s.method.as_str(), s.to)
            })
            .collect();
        parts.push(a.holds());
        parts.join("; ")
    }
}

impl PartialEq for IndirectWrite {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.evaluation, &other.evaluation) && self.index == other.index
    }
}

impl std::fmt::Debug for IndirectWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndirectWrite")
            .field("index", &self.index)
            .finish()
    }
}

impl PartialEq for WriteAccess {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.evaluation, &other.evaluation) && self.index == other.index
    }
}

impl std::fmt::Debug for WriteAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteAccess")
            .field("principal", &self.principal().map(|p| &p.arn))
            .finish()
    }
}
