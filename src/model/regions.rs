//! Regions in scope, their opt-in status, and the errors a collection can meet.

use serde::{Deserialize, Serialize};

/// Why a region or call could not be read. Callers branch on the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The caller lacks permission for the call.
    AccessDenied,
    /// The region is not enabled for the account (or the credentials are not valid there).
    OptInRequired,
    /// AWS kept throttling the call after every retry.
    Throttled,
    /// No answer: connection refused, DNS failure, time-out.
    Network,
    /// Anything else: an unexpected error or response.
    Other,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::OptInRequired => "region not enabled",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Network => "network",
            ErrorKind::Other => "other",
        }
    }
}

/// A call that could not be completed: data, never an abort and never a silent pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectError {
    pub kind: ErrorKind,
    /// The API operation, e.g. `guardduty:ListDetectors`.
    pub operation: String,
    /// The AWS error code, when AWS answered with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error as AWS or the network reported it.
    pub message: String,
}

impl std::fmt::Display for CollectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.operation,
            self.kind.as_str(),
            self.message
        )
    }
}

/// A region's opt-in status as the Account API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegionOptStatus {
    EnabledByDefault,
    Enabled,
    Enabling,
    Disabling,
    Disabled,
    /// Not known: the region list came from somewhere other than the Account API.
    Unknown,
}

impl RegionOptStatus {
    /// Whether GuardDuty can run in the region for this account.
    pub fn is_enabled(self) -> bool {
        matches!(
            self,
            RegionOptStatus::EnabledByDefault | RegionOptStatus::Enabled | RegionOptStatus::Unknown
        )
    }
}

/// One region and its opt-in status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInfo {
    pub name: String,
    pub opt_status: RegionOptStatus,
}

/// Where the list of regions came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionSource {
    /// `account:ListRegions`, with each region's opt-in status.
    AccountApi,
    /// The list built into gdaudit (ListRegions was denied or failed).
    BuiltIn,
    /// Named on the command line with `--regions`.
    CommandLine,
}

/// The account's regions as collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionList {
    pub source: RegionSource,
    pub regions: Vec<RegionInfo>,
    /// Why the Account API could not be used, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CollectError>,
}
