//! What GuardDuty reported in each region: detectors, their features, administrator and members.

use serde::{Deserialize, Serialize};

use super::regions::{CollectError, RegionOptStatus};

/// Everything read about GuardDuty in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionDetectors {
    pub region: String,
    pub opt_status: RegionOptStatus,
    /// `None` when ListDetectors itself could not be read (see `errors`).
    pub detectors: Option<Vec<Detector>>,
    /// The administrator account this account is a member of, if any
    /// (`None` also when the call failed: see `errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator: Option<Administrator>,
    /// Member accounts seen from this (administrator) account; `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    /// Calls that could not be completed in this region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
    /// What is configured inside GuardDuty (filters, lists, exports, …); each part is
    /// left out when it was not read.
    #[serde(default, flatten)]
    pub objects: super::objects::RegionObjects,
}

/// One detector as GetDetector describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    pub id: String,
    /// `ENABLED` or `DISABLED` (suspended), as AWS spells it.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Protection plans (`Features`); empty when the response carried none (older API shape).
    #[serde(default)]
    pub features: Vec<Feature>,
    /// The older `DataSources` view, kept for responses without `Features`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<DataSources>,
}

impl Detector {
    pub fn is_enabled(&self) -> bool {
        self.status.eq_ignore_ascii_case("ENABLED")
    }
}

/// One protection plan of a detector, e.g. `S3_DATA_EVENTS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<AdditionalConfiguration>,
}

/// A sub-setting of a feature, e.g. `EKS_ADDON_MANAGEMENT` of `RUNTIME_MONITORING`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdditionalConfiguration {
    pub name: String,
    pub status: String,
}

/// The older per-source status (`DataSources`): `ENABLED` / `DISABLED` where present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataSources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_logs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_audit_logs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_protection_ebs: Option<String>,
}

/// The administrator account of a member, as GetAdministratorAccount reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Administrator {
    pub account_id: String,
    pub relationship_status: String,
}

/// A member account seen from the administrator (ListMembers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub account_id: String,
    pub relationship_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}
