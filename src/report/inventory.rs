//! The inventories of the audits: what each one looked at, beside its findings.

use serde::Serialize;

use super::RegionState;
use crate::iam::PrivilegeReason;
use crate::model::CollectError;
use crate::model::time::Timestamp;

/// One region's detector inventory (the `detectors` key of `gdaudit detectors`).
#[derive(Debug, Clone, Serialize)]
pub struct DetectorRow {
    pub region: String,
    pub state: RegionState,
    /// What could not be read in the region (listed under the report's incomplete reasons).
    #[serde(skip)]
    pub errors: Vec<CollectError>,
    pub detector_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
    pub features: Vec<FeatureOut>,
    /// Protection plans that are off, by feature name.
    pub features_off: Vec<String>,
    /// The same plans in the console's words, for people.
    #[serde(skip)]
    pub plans_off: Vec<&'static str>,
    pub administrator: Option<AdministratorOut>,
    /// `None` when not read.
    pub members: Option<Vec<MemberOut>>,
    /// What is configured inside GuardDuty; absent when none of it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<ConfigurationOut>,
}

/// The configuration objects of a region (the `configuration` key of a detectors row).
/// Each part is `null` when it could not be read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfigurationOut {
    pub suppression_rules: Option<Vec<FilterOut>>,
    pub lists: Option<Vec<ListOut>>,
    pub publishing_destinations: Option<Vec<DestinationOut>>,
    pub malware_protection_plans: Option<Vec<MalwarePlanOut>>,
    pub unhandled_findings: Option<Vec<BandOut>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterOut {
    pub name: String,
    /// `ARCHIVE` (suppression rule) or `NOOP`.
    pub action: String,
    pub rank: Option<i32>,
    /// Whether it can archive High or Critical findings (`suppression-rule-hides-high`).
    pub hides_high: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListOut {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub status: String,
    pub location: Option<String>,
    /// What the list holds, when it was read (`--read-lists`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<ListContentOut>,
}

/// The content of a list read with `--read-lists`.
#[derive(Debug, Clone, Serialize)]
pub struct ListContentOut {
    pub bytes: u64,
    /// `false`: a format gdaudit does not parse — content not judged, the counts are absent.
    pub judged: bool,
    pub entries: Option<u64>,
    pub ip_entries: Option<u64>,
    pub domain_entries: Option<u64>,
    /// Lines that are neither an entry, a header nor blank.
    pub unreadable: Option<u64>,
    /// Entries trusting a very broad range (the first 20), for trusted lists.
    pub broad_entries: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DestinationOut {
    pub id: String,
    pub status: String,
    pub destination_arn: Option<String>,
    pub kms_key_arn: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MalwarePlanOut {
    pub id: String,
    pub status: String,
    pub bucket: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandOut {
    pub band: &'static str,
    pub older_than_days: u32,
    pub count: u64,
    pub oldest_updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeatureOut {
    pub name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<AdditionalOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdditionalOut {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdministratorOut {
    pub account_id: String,
    pub relationship_status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberOut {
    pub account_id: String,
    pub relationship_status: String,
}

/// What was read, for the `changes` key of the JSON output and the table's header.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesSummary {
    /// `api`, `logs`, `s3`, `athena` or `snapshot`.
    pub source: &'static str,
    pub since: Option<Timestamp>,
    pub until: Timestamp,
    /// GuardDuty events read in the window, before filters and `--state`.
    pub events_read: usize,
    /// Events left out because an earlier run with the same `--state` file emitted them.
    pub already_emitted: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_read: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_seen: Option<u64>,
    /// Bytes the Athena query scanned (what Athena bills).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_scanned: Option<i64>,
}

/// What was judged, for the `permissions` key of the JSON output and the table's summary.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionsSummary {
    /// `api`, `file` or `snapshot`.
    pub source: &'static str,
    pub users: usize,
    pub roles: usize,
    pub groups: usize,
    pub managed_policies: usize,
    /// Principals judged privileged, and why (`administrator`, or `matches_glob` with the glob).
    pub privileged: Vec<PrivilegedPrincipal>,
    pub service_linked_roles_skipped: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivilegedPrincipal {
    pub arn: String,
    pub reason: PrivilegeReason,
}

/// An organization run: the accounts × regions coverage matrix and what shaped it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgInventory {
    pub organization_id: Option<String>,
    pub management_account: Option<String>,
    /// `delegated-administrator` or `assume-role`.
    pub mode: &'static str,
    /// The regions of the matrix, in its column order.
    pub regions: Vec<String>,
    /// Each delegated administrator and the regions it administers.
    pub administrators: std::collections::BTreeMap<String, Vec<String>>,
    /// `AutoEnableOrganizationMembers` per region (`ALL`, `NEW`, `NONE`).
    pub auto_enable: std::collections::BTreeMap<String, String>,
    /// Every active account, grouped by OU (serialized at the top level as `accounts`).
    #[serde(skip)]
    pub accounts: Vec<AccountRow>,
    /// Closed and suspended accounts: listed, not audited.
    pub left_out: Vec<LeftOut>,
}

/// One account of the organization and its state in each region.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    /// The OU path, e.g. `Root/Workloads/Prod`; `None` when the tree walk did not reach it.
    pub ou: Option<String>,
    /// `active` (only active accounts are audited).
    pub status: &'static str,
    /// `administrator`, `management` or `member`.
    pub role: &'static str,
    pub regions: Vec<AccountCell>,
}

/// An account's GuardDuty state in one region.
#[derive(Debug, Clone, Serialize)]
pub struct AccountCell {
    pub region: String,
    pub state: CellState,
    /// The plans off, the relationship status, or why it could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The verdict of one account × region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// A member (or the administrator) with GuardDuty and every plan on.
    Enabled,
    /// Enabled, with at least one protection plan off.
    PlanOff,
    /// Monitoring stopped (member relationship `Disabled`) or the detector suspended.
    Suspended,
    /// Not a member of the administrator.
    NotMember,
    /// A member whose relationship is not Enabled (Invited, Removed, Resigned, …).
    NotEnabled,
    /// The account's own detector is missing (assume-role mode).
    NoDetector,
    /// The region is not enabled for the account.
    RegionNotEnabled,
    CouldNotCheck,
}

impl CellState {
    /// One character for the terminal matrix.
    pub fn symbol(self) -> char {
        match self {
            CellState::Enabled => '✓',
            CellState::PlanOff => 'p',
            CellState::Suspended => 'S',
            CellState::NotMember => '✗',
            CellState::NotEnabled => 'i',
            CellState::NoDetector => '✗',
            CellState::RegionNotEnabled => '–',
            CellState::CouldNotCheck => '?',
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            CellState::Enabled => "enabled",
            CellState::PlanOff => "a protection plan off",
            CellState::Suspended => "suspended",
            CellState::NotMember => "not a member",
            CellState::NotEnabled => "member not enabled (invited, removed, resigned…)",
            CellState::NoDetector => "no detector",
            CellState::RegionNotEnabled => "region not enabled",
            CellState::CouldNotCheck => "could not check",
        }
    }
}

/// An account of the organization that was not audited, and why.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub id: String,
    pub name: String,
    /// `suspended` (closed) or `pending-closure`.
    pub status: &'static str,
}
