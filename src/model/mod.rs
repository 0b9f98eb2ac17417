//! Plain serde types of what was collected. Together they are the snapshot file format.

pub mod changes;
pub mod cloudtrail;
pub mod detectors;
pub mod iam;
pub mod list_content;
pub mod objects;
pub mod organization;
pub mod regions;
pub mod time;

use serde::{Deserialize, Serialize};

pub use detectors::{
    AdditionalConfiguration, Administrator, DataSources, Detector, Feature, Member, RegionDetectors,
};
pub use regions::{CollectError, ErrorKind, RegionInfo, RegionList, RegionOptStatus, RegionSource};

/// The version of the snapshot file format written by this build.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Everything the audits read, as one JSON file (`gdaudit collect`, `--snapshot`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub snapshot_version: u32,
    /// gdaudit version that wrote it.
    #[serde(default)]
    pub tool_version: String,
    /// When it was collected (RFC 3339, UTC).
    #[serde(default)]
    pub collected_at: String,
    #[serde(default)]
    pub account: Account,
    /// The regions and how they were learnt. Present once any region-based audit was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<RegionList>,
    /// Detector data per region (`gdaudit detectors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectors: Option<Vec<RegionDetectors>>,
    /// GuardDuty changes read from CloudTrail LookupEvents (`gdaudit changes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<changes::ChangesData>,
    /// The IAM account export (`gdaudit permissions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam: Option<IamData>,
    /// The organization run (`collect --org`): accounts, OU tree, the GuardDuty
    /// organization view per region and, with `--assume-role`, each account's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<organization::OrgData>,
}

/// The account's IAM data as collected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IamData {
    pub authorization_details: iam::AuthorizationDetails,
    /// Why the export is incomplete (a page could not be read), when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CollectError>,
}

/// The audited account as far as it is known.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// 12-digit account id (`None` when it could not be learnt).
    pub id: Option<String>,
    /// The ARN of the identity that collected the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// Why the account could not be learnt, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CollectError>,
}
