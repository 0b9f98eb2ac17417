//! `gdaudit changes`: every change to GuardDuty's configuration recorded by CloudTrail.

use std::path::Path;

use super::acquire::{AthenaTarget, Needs, TrailSource, acquire, from_athena, from_logs, from_s3};
use super::settings::{CHANGES_WINDOW, Ctx, Window, report, state_overlap};
use super::{Io, RunError};
use crate::assess::changes::{self, Gathered, Settings, Source};
use crate::aws::cloudtrail::LookupOptions;
use crate::aws::s3::S3Url;
use crate::cli::{ChangesArgs, WindowArgs};
use crate::model::cloudtrail::Event;
use crate::model::time::Timestamp;
use crate::progress::Progress;
use crate::report::inventory::ChangesSummary;
use crate::report::{Format, Outcome};
use crate::state::State;

/// The changes settings of the window flags and the event filters.
pub fn settings(window: &WindowArgs, events: &[String], actor: Option<&str>) -> Settings {
    Settings {
        include_read_only: window.include_read_only,
        raw: window.raw,
        events: events.to_vec(),
        actor: actor.map(str::to_owned),
    }
}

/// What the CloudTrail API is asked for: the window from `since` (a resumed run's start
/// when given) to its end.
pub fn lookup_options(
    window: &Window,
    resume: Option<Timestamp>,
    settings: &Settings,
) -> LookupOptions {
    let since = resume.unwrap_or(window.since.unwrap_or(window.until));
    let mut opts = LookupOptions::new(since, window.until);
    opts.include_read_only = settings.include_read_only;
    opts.keep_raw = settings.raw;
    opts
}

pub fn run(ctx: &Ctx, args: &ChangesArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let now = Timestamp::now();
    let format: Format = args.report.output.into();
    let settings = settings(&args.window, &args.events, args.actor.as_deref());
    let overlap = state_overlap(&args.state_overlap)?;
    let previous = match &args.state {
        Some(path) => State::load(path).map_err(|e| RunError::Usage(e.to_string()))?,
        None => None,
    };
    // With a state file and no --since, resume where the last run ended, less the overlap.
    let resume = previous
        .as_ref()
        .filter(|_| args.window.since.is_none())
        .map(|s| s.resume_from(overlap));

    let source = LogSource::of(args)?;
    let mut gathered = if let LogSource::Trail(trail_source) = &source {
        // A trail's bucket or table holds months: as with the API, the last 7 days by
        // default, unless a state file says where to resume.
        let default_back = resume.is_none().then_some(CHANGES_WINDOW);
        let window = ctx.window(&args.window, default_back, now)?;
        let mut progress = Progress::new(io.shows_progress(Some(format)));
        let trail = TrailSource {
            since: resume.or(window.since).unwrap_or(window.until),
            until: window.until,
            accounts: &args.accounts,
            settings: &settings,
            progress: progress.counter("log objects"),
            max_file_bytes: Some(args.max_log_size),
        };
        let gathered = match trail_source {
            Trail::S3(urls) => from_s3(&ctx.global, urls, &trail),
            Trail::Athena(target) => from_athena(&ctx.global, target, &trail, io),
        };
        progress.finish();
        gathered?
    } else if !args.logs.is_empty() {
        // Log files are read from their start and to their end unless a window is given.
        let window = ctx.window(&args.window, None, now)?;
        let until = window.until_given.then_some(window.until);
        let mut progress = Progress::new(io.shows_progress(Some(format)));
        let gathered = from_logs(
            &args.logs,
            resume.or(window.since),
            until,
            now,
            &settings,
            progress.counter("log files"),
            Some(args.max_log_size),
        );
        progress.finish();
        gathered
    } else {
        let window = ctx.window(&args.window, Some(CHANGES_WINDOW), now)?;
        let opts = lookup_options(&window, resume, &settings);
        // A snapshot holds the window it was collected for: without --since/--until (or a
        // state file to resume from), all of it is shown, however old.
        let explicit = window.explicit || resume.is_some();
        let (since, until) = (opts.since, opts.until);
        let needs = Needs {
            detectors: false,
            changes: Some(opts),
            iam: false,
            progress: io.shows_progress(Some(format)),
            org: None,
            finding_ages: ctx.finding_ages(),
            read_lists: None,
        };
        let snapshot = acquire(&ctx.global, needs, io)?;
        let source = if ctx.global.snapshot.is_some() {
            Source::Snapshot { explicit }
        } else {
            Source::Api
        };
        changes::gather(snapshot.changes, snapshot.account.id, since, until, source)
    };

    changes::select(&mut gathered, &settings, previous.as_ref());
    let section = changes::assess(&gathered, &settings);
    let complete = section.incomplete.is_empty();
    let outcome = ctx.emit(report("changes", vec![section]), format, io)?;
    // Only once the output is written: a run that fails before leaves the state as it was.
    if let Some(path) = &args.state {
        save_state(path, previous.as_ref(), &gathered, complete, overlap)?;
    }
    Ok(outcome)
}

/// Where `--logs` / `--athena-table` read from, when not local files.
enum LogSource<'a> {
    Local,
    Trail(Trail<'a>),
}

enum Trail<'a> {
    S3(Vec<S3Url>),
    Athena(AthenaTarget<'a>),
}

impl LogSource<'_> {
    fn of(args: &ChangesArgs) -> Result<LogSource<'_>, RunError> {
        if let Some(bad) = args
            .accounts
            .iter()
            .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(RunError::Usage(format!(
                "--accounts: {bad:?} is not a 12-digit AWS account id"
            )));
        }
        if let Some(table) = &args.athena_table {
            return Ok(LogSource::Trail(Trail::Athena(AthenaTarget {
                table,
                workgroup: args.athena_workgroup.as_deref(),
                output: args.athena_output.as_deref(),
            })));
        }
        let mut urls = Vec::new();
        for path in &args.logs {
            let text = path.to_string_lossy();
            if let Some(url) = S3Url::parse(&text) {
                urls.push(url.map_err(|e| RunError::Usage(format!("--logs: {e}")))?);
            }
        }
        if urls.is_empty() {
            if !args.accounts.is_empty() {
                return Err(RunError::Usage(
                    "--accounts needs --logs s3://… or --athena-table".into(),
                ));
            }
            return Ok(LogSource::Local);
        }
        if urls.len() != args.logs.len() {
            return Err(RunError::Usage(
                "--logs: give local paths or s3:// URLs, not both".into(),
            ));
        }
        Ok(LogSource::Trail(Trail::S3(urls)))
    }
}

/// Records what was emitted. An incomplete run does not move the high-water mark past what
/// it could not read, so the next run reads that part again; its emitted events are still
/// remembered, so nothing is emitted twice.
fn save_state(
    path: &Path,
    previous: Option<&State>,
    gathered: &Gathered,
    complete: bool,
    overlap: i64,
) -> Result<(), RunError> {
    let summary: &ChangesSummary = &gathered.summary;
    let until = if complete {
        summary.until
    } else {
        match previous {
            Some(p) => p.high_water_mark,
            // A first run that was incomplete: the next run starts where this one did.
            None => summary.since.unwrap_or(summary.until).add_millis(overlap),
        }
    };
    let emitted: &[Event] = &gathered.events;
    let next = State::advanced(previous, until, emitted.iter(), overlap);
    next.save(path).map_err(|e| RunError::Setup(e.to_string()))
}
