//! What is configured inside a region's GuardDuty: suppression rules, trusted and threat
//! lists, publishing destinations, Malware Protection for S3 plans, tags, and the findings
//! left unarchived. Every field is `None` when it was not read (older snapshots, a failed
//! call: see the region's `errors`), and then left out of the snapshot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The configuration objects of one region (flattened into [`super::RegionDetectors`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionObjects {
    /// Suppression rules and saved filters (ListFilters + GetFilter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<SuppressionFilter>>,
    /// Trusted IP lists, threat lists and entity sets (ListIPSets, ListThreatIntelSets,
    /// ListTrustedEntitySets, ListThreatEntitySets and their Get calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<Vec<ThreatList>>,
    /// Where findings are exported (ListPublishingDestinations + DescribePublishingDestination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publishing_destinations: Option<Vec<PublishingDestination>>,
    /// Malware Protection for S3 plans. They exist without a detector, so they are read
    /// in every enabled region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_protection_plans: Option<Vec<MalwareProtectionPlan>>,
    /// The tags of the region's detector (GetDetector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector_tags: Option<BTreeMap<String, String>>,
    /// Unarchived findings older than the age thresholds, per severity band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhandled_findings: Option<Vec<UnhandledBand>>,
}

impl RegionObjects {
    /// Whether anything beyond the detectors was read in the region.
    pub fn any_read(&self) -> bool {
        self.filters.is_some()
            || self.lists.is_some()
            || self.publishing_destinations.is_some()
            || self.malware_protection_plans.is_some()
            || self.unhandled_findings.is_some()
    }
}

/// A saved filter; with action `ARCHIVE` it is a suppression rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuppressionFilter {
    pub name: String,
    /// `ARCHIVE` (suppression rule) or `NOOP` (saved filter), as AWS spells it.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The finding criteria, by field (`severity`, `type`, `resource.…`).
    #[serde(default)]
    pub criteria: BTreeMap<String, Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl SuppressionFilter {
    pub fn archives(&self) -> bool {
        self.action.eq_ignore_ascii_case("ARCHIVE")
    }
}

/// One criterion of a filter. The older integer operators (`gt`, `gte`, …) and the newer
/// ones (`greater_than`, …) are folded together; `matches`/`not_matches` are wildcards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eq: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neq: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_matches: Vec<String>,
}

/// What a list tells GuardDuty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListKind {
    /// A trusted IP list (IPSet): traffic from it raises no findings.
    TrustedIpList,
    /// A trusted entity set (IPs and domains): activity from it raises no findings.
    TrustedEntitySet,
    /// A threat IP list (ThreatIntelSet).
    ThreatIntelSet,
    /// A threat entity set (IPs and domains).
    ThreatEntitySet,
}

impl ListKind {
    /// Whether the list silences findings (rather than adding detections).
    pub fn is_trusted(self) -> bool {
        matches!(self, ListKind::TrustedIpList | ListKind::TrustedEntitySet)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::TrustedIpList => "trusted-ip-list",
            ListKind::TrustedEntitySet => "trusted-entity-set",
            ListKind::ThreatIntelSet => "threat-intel-set",
            ListKind::ThreatEntitySet => "threat-entity-set",
        }
    }
}

/// A trusted or threat list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatList {
    pub kind: ListKind,
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `ACTIVE`, `INACTIVE`, `ACTIVATING`, `DEACTIVATING`, `ERROR`, `DELETE_PENDING`, `DELETED`.
    pub status: String,
    /// Where the list is read from (an S3 URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// What the list holds, when its S3 object was read (`--read-lists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<super::list_content::ListContent>,
}

impl ThreatList {
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }
}

/// Where findings are exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishingDestination {
    pub id: String,
    /// `S3`, as AWS spells it.
    #[serde(default)]
    pub destination_type: String,
    /// `PUBLISHING`, `STOPPED`, `PENDING_VERIFICATION`, `UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// Since when publishing has been failing (epoch milliseconds), if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publishing_failure_start_timestamp: Option<i64>,
}

/// A Malware Protection for S3 plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MalwareProtectionPlan {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `ACTIVE`, `WARNING` or `ERROR`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_prefixes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Why the plan is not ACTIVE, as AWS explains it (`code: message`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_reasons: Vec<String>,
}

/// A severity band of GuardDuty findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityBand {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityBand {
    /// Every band, most severe first.
    pub const ALL: [SeverityBand; 4] = [
        SeverityBand::Critical,
        SeverityBand::High,
        SeverityBand::Medium,
        SeverityBand::Low,
    ];

    /// The band's severity range `[from, to)` as GuardDuty numbers it: Low 1.0–3.9,
    /// Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
    pub fn range(self) -> (i64, Option<i64>) {
        match self {
            SeverityBand::Low => (1, Some(4)),
            SeverityBand::Medium => (4, Some(7)),
            SeverityBand::High => (7, Some(9)),
            SeverityBand::Critical => (9, None),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SeverityBand::Low => "low",
            SeverityBand::Medium => "medium",
            SeverityBand::High => "high",
            SeverityBand::Critical => "critical",
        }
    }
}

/// How old an unarchived finding may get, per band, before it counts as left unhandled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingAges {
    pub critical_days: u32,
    pub high_days: u32,
    pub medium_days: u32,
    pub low_days: u32,
}

impl Default for FindingAges {
    /// AWS Config's `guardduty-non-archived-findings` defaults (high 1, medium 7, low 30);
    /// Critical, which that rule predates, as High.
    fn default() -> Self {
        FindingAges {
            critical_days: 1,
            high_days: 1,
            medium_days: 7,
            low_days: 30,
        }
    }
}

impl FindingAges {
    pub fn days(&self, band: SeverityBand) -> u32 {
        match band {
            SeverityBand::Critical => self.critical_days,
            SeverityBand::High => self.high_days,
            SeverityBand::Medium => self.medium_days,
            SeverityBand::Low => self.low_days,
        }
    }
}

/// Unarchived findings of one band not updated for `older_than_days`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnhandledBand {
    pub band: SeverityBand,
    /// The threshold the collection used.
    pub older_than_days: u32,
    pub count: u64,
    /// The `updatedAt` of the least recently updated one, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_finding_type: Option<String>,
}
