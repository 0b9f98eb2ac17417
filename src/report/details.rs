//! Typed finding details: one struct per kind of finding. Checks fill them in, renderers
//! read their fields, and only the wire layer ([`super::json::details_json`]) turns them
//! into JSON. Adding a kind is a new variant of [`Details`]: every `match` over it (the
//! table, OCSF) then fails to compile until it says how to show the new kind.
//!
//! Field order is the JSON key order of the wire format, so keep it when adding fields.

use std::sync::Arc;

use serde::Serialize;

use crate::iam::{ActionVerdict, Evaluation, PrincipalVerdict};
use crate::model::Administrator;
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
