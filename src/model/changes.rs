//! GuardDuty changes read from CloudTrail LookupEvents, per region, as stored in a snapshot.

use serde::{Deserialize, Serialize};

use super::cloudtrail::{Event, Timestamp};
use super::regions::CollectError;

/// What `gdaudit collect` (or a live `gdaudit changes`) read from CloudTrail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesData {
    /// The window that was read: `[since, until)`.
    pub since: Timestamp,
    pub until: Timestamp,
    /// Whether read-only GuardDuty calls were kept as well as changes.
    #[serde(default)]
    pub include_read_only: bool,
    pub regions: Vec<RegionEvents>,
}

/// The GuardDuty events of one region, and whether every page of them could be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionEvents {
    pub region: String,
    pub events: Vec<Event>,
    /// LookupEvents pages read.
    #[serde(default)]
    pub pages: u32,
    /// How many times a page was throttled and retried (it was then read).
    #[serde(default)]
    pub throttled_retries: u32,
    /// Records returned that could not be read, one line each (event id and why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
    /// Calls that could not be completed: the region's events are then incomplete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
}
