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
    pub administrator: Option<AdministratorOut>,
    /// `None` when not read.
    pub members: Option<Vec<MemberOut>>,
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
