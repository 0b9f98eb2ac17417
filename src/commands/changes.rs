//! `gdaudit changes`: every change to GuardDuty's configuration recorded by CloudTrail.

use std::path::Path;

use crate::progress::Progress;

use serde::Serialize;

use super::{Ctx, Io, Needs, RunError, acquire};
use crate::aws::cloudtrail::LookupOptions;
use crate::checks::changes::{ChangeOptions, check_events};
use crate::cli::{ChangesArgs, WindowArgs};
use crate::cloudtrail::{LogReadOptions, read_logs};
use crate::iam::glob;
use crate::model::cloudtrail::{Event, Timestamp};
use crate::report::{Inventory, Outcome, RegionStatus, Report};
use crate::state::{State, event_key};

/// How far back the CloudTrail API is read by default.
const DEFAULT_API_WINDOW_MILLIS: i64 = 7 * 24 * 3_600_000;

/// Parses a duration such as `90s`, `30m`, `24h`, `7d`, `2w` into milliseconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let unit_millis = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_millis)
}

/// Parses `--since`/`--until`: a duration back from `now`, or an RFC 3339 time.
pub fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Some(millis) = parse_duration(text) {
        return Ok(now.add_millis(-millis));
    }
    Timestamp::parse(text).ok_or_else(|| {
        format!("`{text}` is neither a duration (30m, 24h, 7d, 2w) nor an RFC 3339 time (2026-11-01T00:00:00Z)")
    })
}

/// The resolved window: `since` is `None` only for --logs without a start.
struct Window {
    since: Option<Timestamp>,
    until: Timestamp,
}

fn window(
    args: &WindowArgs,
    default_back: Option<i64>,
    now: Timestamp,
) -> Result<Window, RunError> {
    let since = match &args.since {
        Some(text) => {
            Some(parse_when(text, now).map_err(|e| RunError::Usage(format!("--since: {e}")))?)
        }
        None => default_back.map(|back| now.add_millis(-back)),
    };
    let until = match &args.until {
        Some(text) => {
            parse_when(text, now).map_err(|e| RunError::Usage(format!("--until: {e}")))?
        }
        None => now,
    };
    if since.is_some_and(|s| s > until) {
        return Err(RunError::Usage("--since is after --until".into()));
    }
    Ok(Window { since, until })
}

/// The lookup options `collect` and `changes` use for the CloudTrail API.
pub fn lookup_options(
    args: &WindowArgs,
    now: Timestamp,
    since_override: Option<Timestamp>,
) -> Result<LookupOptions, RunError> {
    let w = window(args, Some(DEFAULT_API_WINDOW_MILLIS), now)?;
    let since = since_override.unwrap_or(w.since.unwrap_or(now));
    let mut opts = LookupOptions::new(since, w.until);
    opts.include_read_only = args.include_read_only;
    opts.keep_raw = args.raw;
    Ok(opts)
}

/// What was read, for the `changes` key of the JSON output and the table's header.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesSummary {
    /// `api`, `logs` or `snapshot`.
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
}

/// The GuardDuty events of a run, and what could not be read.
pub struct Gathered {
    pub events: Vec<Event>,
    pub account: Option<String>,
    pub regions: Vec<RegionStatus>,
    pub incomplete: Vec<String>,
    pub summary: ChangesSummary,
}

pub fn run(ctx: &Ctx, args: &ChangesArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let now = Timestamp::now();
    let window = ctx.window_args(&args.window);
    let overlap = parse_duration(&args.state_overlap).ok_or_else(|| {
        RunError::Usage(format!(
            "--state-overlap: `{}` is not a duration",
            args.state_overlap
        ))
    })?;
    let previous = match &args.state {
        Some(path) => State::load(path).map_err(|e| RunError::Usage(e.to_string()))?,
        None => None,
    };
    // With a state file and no --since, resume where the last run ended, less the overlap.
    let resume = previous
        .as_ref()
        .filter(|_| args.window.since.is_none())
        .map(|s| s.resume_from(overlap));

    let mut gathered = if !args.logs.is_empty() {
        let mut progress = Progress::new(io.shows_progress(Some(args.report.output)));
        let gathered = from_logs(
            &args.logs,
            &window,
            now,
            resume,
            progress.counter("log files"),
            Some(args.max_log_size),
        )?;
        progress.finish();
        gathered
    } else {
        let opts = lookup_options(&window, now, resume)?;
        // A snapshot holds the window it was collected for: without --since/--until (or a
        // state file to resume from), all of it is shown, however old.
        let explicit = window.since.is_some() || window.until.is_some() || resume.is_some();
        let (since, until) = (opts.since, opts.until);
        let needs = Needs {
            detectors: false,
            changes: Some(opts),
            iam: false,
            progress: io.shows_progress(Some(args.report.output)),
        };
        let snapshot = acquire(&ctx.global, needs, io)?;
        let source = if ctx.global.snapshot.is_some() {
            Source::Snapshot { explicit }
        } else {
            Source::Api
        };
        gather(snapshot.changes, snapshot.account.id, since, until, source)
    };

    // Filters, then what an earlier run already emitted.
    let actor = args.actor.as_ref().map(|p| p.to_ascii_lowercase());
    gathered.events.retain(|e| {
        (args.events.is_empty()
            || args
                .events
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&e.event_name)))
            && actor.as_deref().is_none_or(|p| actor_matches(e, p))
    });
    let before = gathered.events.len();
    if let Some(state) = &previous {
        gathered.events.retain(|e| !state.already_emitted(e));
    }
    gathered.summary.already_emitted = before - gathered.events.len();

    let report = build_report(&gathered, &window);
    let complete = report.incomplete.is_empty();
    let outcome = ctx.emit(report, args.report.output, io)?;
    // Only once the output is written: a run that fails before leaves the state as it was.
    if let Some(path) = &args.state {
        save_state(
            path,
            previous.as_ref(),
            &gathered.events,
            &gathered.summary,
            complete,
            overlap,
        )?;
    }
    Ok(outcome)
}

/// The changes report of what was gathered (pure).
pub fn build_report(gathered: &Gathered, window: &WindowArgs) -> Report {
    let options = ChangeOptions {
        include_read_only: window.include_read_only,
        include_raw: window.raw,
    };
    Report {
        command: "changes",
        account: gathered.account.clone(),
        generated_at: super::now_rfc3339(),
        regions: gathered.regions.clone(),
        findings: check_events(&gathered.events, options),
        incomplete: gathered.incomplete.clone(),
        inventory: Inventory::Changes(gathered.summary.clone()),
        expired_suppressions: Vec::new(),
    }
}

/// Records what was emitted. An incomplete run does not move the high-water mark past what
/// it could not read, so the next run reads that part again; its emitted events are still
/// remembered, so nothing is emitted twice.
fn save_state(
    path: &Path,
    previous: Option<&State>,
    emitted: &[Event],
    summary: &ChangesSummary,
    complete: bool,
    overlap: i64,
) -> Result<(), RunError> {
    let until = if complete {
        summary.until
    } else {
        match previous {
            Some(p) => p.high_water_mark,
            // A first run that was incomplete: the next run starts where this one did.
            None => summary.since.unwrap_or(summary.until).add_millis(overlap),
        }
    };
    let next = State::advanced(previous, until, emitted.iter(), overlap);
    next.save(path).map_err(|e| RunError::Setup(e.to_string()))
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

/// The GuardDuty events of CloudTrail log files (`--logs`).
pub fn from_logs(
    paths: &[std::path::PathBuf],
    window_args: &WindowArgs,
    now: Timestamp,
    resume: Option<Timestamp>,
    progress: crate::progress::Tick,
    max_file_bytes: Option<u64>,
) -> Result<Gathered, RunError> {
    let w = window(window_args, None, now)?;
    // Without --until, log files are read to their end.
    let until = window_args.until.as_ref().map(|_| w.until);
    let since = resume.or(w.since);
    let options = LogReadOptions {
        include_read_only: window_args.include_read_only,
        since,
        until,
        threads: 0,
        keep_raw: window_args.raw,
        progress,
        max_file_bytes,
    };
    let read = read_logs(paths, &options);
    let account = read
        .events
        .iter()
        .find_map(|e| e.account().map(str::to_owned));
    let mut incomplete: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
    // Nothing to read is not "no changes": a wrong path or an empty sync must not pass a gate.
    if read.files_read == 0 {
        let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        incomplete.push(format!(
            "no CloudTrail log file found in {}",
            named.join(", ")
        ));
    }
    Ok(Gathered {
        account,
        regions: Vec::new(),
        incomplete,
        summary: ChangesSummary {
            source: "logs",
            since,
            until: until.unwrap_or(now),
            events_read: read.events.len(),
            already_emitted: 0,
            files_read: Some(read.files_read),
            records_seen: Some(read.records_seen),
        },
        events: read.events,
    })
}

/// Where CloudTrail events came from, for [`gather`].
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
    changes: Option<crate::model::changes::ChangesData>,
    account: Option<String>,
    since: Timestamp,
    until: Timestamp,
    source: Source,
) -> Gathered {
    let data = changes.unwrap_or_else(|| crate::model::changes::ChangesData {
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
                "read".into()
            } else {
                "error".into()
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
    let mut seen = std::collections::HashSet::new();
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
        },
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        assert_eq!(
            parse_when("24h", now).unwrap(),
            Timestamp::parse("2026-11-21T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_when("7d", now).unwrap(),
            Timestamp::parse("2026-11-15T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_when("30m", now).unwrap(),
            Timestamp::parse("2026-11-22T11:30:00Z").unwrap()
        );
        assert_eq!(
            parse_when("2026-11-01T00:00:00Z", now).unwrap(),
            Timestamp::parse("2026-11-01T00:00:00Z").unwrap()
        );
        assert!(parse_when("yesterday", now).is_err());
        assert!(parse_when("10y", now).is_err());
        assert_eq!(parse_duration("2w"), Some(14 * 86_400_000));
    }
}
