//! The changes audit: every change to GuardDuty's configuration that CloudTrail recorded,
//! from LookupEvents (live or in a snapshot) or from log files.

use std::collections::HashSet;

use crate::checks::changes::{ChangeOptions, check_events};
use crate::iam::glob;
use crate::model::changes::ChangesData;
use crate::model::cloudtrail::Event;
use crate::model::time::Timestamp;
use crate::report::inventory::ChangesSummary;
use crate::report::{Inventory, RegionState, RegionStatus, Section};
use crate::state::{State, event_key};

/// What the changes audit reports besides changes, and which events it keeps.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Report GuardDuty reads too (severity info).
    pub include_read_only: bool,
    /// Put each event's whole CloudTrail record in its finding.
    pub raw: bool,
    /// Only these event names (any case); empty: all.
    pub events: Vec<String>,
    /// Only events whose actor matches this glob (ARN, role, session, user name).
    pub actor: Option<String>,
}

/// The GuardDuty events of a run, and what could not be read.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub events: Vec<Event>,
    pub account: Option<String>,
    pub regions: Vec<RegionStatus>,
    pub incomplete: Vec<String>,
    pub summary: ChangesSummary,
}

/// Where LookupEvents results came from, for [`gather`].
#[derive(Debug, Clone, Copy)]
pub enum Source {
    Api,
    /// `explicit`: a window was asked for; otherwise all the snapshot holds is shown.
    Snapshot {
        explicit: bool,
    },
}

/// The events collected from LookupEvents (live or in a snapshot) in the window
/// `[since, until]`, one per event, oldest first.
pub fn gather(
    changes: Option<ChangesData>,
    account: Option<String>,
    since: Timestamp,
    until: Timestamp,
    source: Source,
) -> Gathered {
    let data = changes.unwrap_or_else(|| ChangesData {
        since,
        until,
        include_read_only: false,
        regions: vec![],
    });
    let from_snapshot = matches!(source, Source::Snapshot { .. });
    let mut incomplete = Vec::new();
    let mut regions = Vec::new();
    let mut events = Vec::new();
    for region in data.regions {
        for error in &region.errors {
            incomplete.push(format!("{}: {error}", region.region));
        }
        for line in &region.unreadable {
            incomplete.push(format!("{}: unreadable record {line}", region.region));
        }
        regions.push(RegionStatus {
            region: region.region.clone(),
            state: if region.errors.is_empty() {
                RegionState::Read
            } else {
                RegionState::Error
            },
            errors: region.errors,
        });
        events.extend(region.events);
    }
    // A snapshot's window may be wider than the one asked for: keep the part asked for.
    let (since, until) = match source {
        Source::Snapshot { explicit: true } => (since.max(data.since), until.min(data.until)),
        Source::Snapshot { explicit: false } => (data.since, data.until),
        Source::Api => (since, until),
    };
    events.retain(|e| e.event_time.is_none_or(|t| t >= since && t <= until));
    events.sort_by(|a, b| {
        (a.event_time.is_none(), a.event_time, a.event_id.as_deref()).cmp(&(
            b.event_time.is_none(),
            b.event_time,
            b.event_id.as_deref(),
        ))
    });
    // The same event seen twice (from two regions' lookups) is one change.
    let mut seen = HashSet::new();
    events.retain(|e| seen.insert(event_key(e)));
    Gathered {
        account,
        regions,
        incomplete,
        summary: ChangesSummary {
            source: if from_snapshot { "snapshot" } else { "api" },
            since: Some(since),
            until,
            events_read: events.len(),
            already_emitted: 0,
            files_read: None,
            records_seen: None,
            bytes_scanned: None,
        },
        events,
    }
}

/// Keeps the events the settings ask for that an earlier run (`previous` state) has not
/// emitted yet, and counts those left out as already emitted.
pub fn select(gathered: &mut Gathered, settings: &Settings, previous: Option<&State>) {
    let actor = settings.actor.as_ref().map(|p| p.to_ascii_lowercase());
    gathered.events.retain(|e| {
        (settings.events.is_empty()
            || settings
                .events
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&e.event_name)))
            && actor.as_deref().is_none_or(|p| actor_matches(e, p))
    });
    let before = gathered.events.len();
    if let Some(state) = previous {
        gathered.events.retain(|e| !state.already_emitted(e));
    }
    gathered.summary.already_emitted = before - gathered.events.len();
}

/// The changes section of what was gathered.
pub fn assess(gathered: &Gathered, settings: &Settings) -> Section {
    let options = ChangeOptions {
        include_read_only: settings.include_read_only,
        include_raw: settings.raw,
    };
    let mut section = Section::new(Inventory::Changes(gathered.summary.clone()));
    section.account = gathered.account.clone();
    section.regions = gathered.regions.clone();
    section.findings = check_events(&gathered.events, options);
    section.incomplete = gathered.incomplete.clone();
    section
}

/// Does the actor (ARN, role, session, user name) match the lowercase glob?
fn actor_matches(event: &Event, pattern: &str) -> bool {
    let who = &event.user_identity;
    [
        who.arn.as_deref(),
        who.user_name.as_deref(),
        who.role_name(),
        who.session_name(),
        who.session_issuer.as_ref().and_then(|s| s.arn.as_deref()),
        who.principal_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|text| glob::matches(pattern.as_bytes(), text.to_ascii_lowercase().as_bytes()))
}
