//! `gdaudit audit`: detectors, changes and permissions from one collection pass, in one
//! report with one exit code.

use super::acquire::{Needs, acquire, iam_from_file};
use super::changes::{lookup_options, settings as changes_settings};
use super::settings::{AUDIT_WINDOW, Ctx};
use super::{Io, RunError, organization};
use crate::assess::{self, changes::Source, permissions::Input};
use crate::cli::AuditArgs;
use crate::iam::EvalOptions;
use crate::model::time::Timestamp;
use crate::progress::Progress;
use crate::report::{Format, Outcome, Report};

pub fn run(ctx: &Ctx, args: &AuditArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let now = Timestamp::now();
    let format: Format = args.report.output.into();
    // A snapshot shows all the changes it holds unless a window is asked for; AWS is read for
    // the last 24 hours by default.
    let window = ctx.window(&args.window, Some(AUDIT_WINDOW), now)?;
    let changes = changes_settings(&args.window, &[], None);
    let iam = ctx.iam(&args.iam)?;
    let lookup = lookup_options(&window, None, &changes);
    let (since, until) = (lookup.since, lookup.until);

    // One pass: every region's detectors, CloudTrail and the IAM export, at the same time.
    let needs = Needs {
        detectors: true,
        changes: Some(lookup),
        iam: iam.authorization_details.is_none(),
        progress: io.shows_progress(Some(format)),
        org: organization::needs(&args.org, true, ctx.global.concurrency),
        finding_ages: ctx.finding_ages(),
        read_lists: ctx.read_lists(&args.lists),
    };
    let snapshot = acquire(&ctx.global, needs, io)?;
    let from_snapshot = ctx.global.snapshot.is_some();

    let checks = ctx.object_checks(iam.eval.scps.clone());
    let mut detectors = if args.org.org {
        organization::detector_sections(&snapshot, &checks)?
    } else {
        vec![assess::detectors::assess_with(
            snapshot.account.id.as_deref(),
            snapshot.detectors.as_deref().unwrap_or_default(),
            &checks,
        )]
    };
    let source = if from_snapshot {
        Source::Snapshot {
            explicit: window.explicit,
        }
    } else {
        Source::Api
    };
    let gathered = assess::changes::gather(
        snapshot.changes.clone(),
        snapshot.account.id.clone(),
        since,
        until,
        source,
    );
    let changes = assess::changes::assess(&gathered, &changes);
    let input = match &iam.authorization_details {
        Some(path) => iam_from_file(path)?,
        None => Input::from_collected(
            snapshot.iam.clone(),
            snapshot.account.id.clone(),
            if from_snapshot { "snapshot" } else { "api" },
        ),
    };
    let mut progress = Progress::new(io.shows_progress(Some(format)));
    let opts = EvalOptions {
        progress: progress.counter("principals"),
        ..iam.eval
    };
    let swept = if args.org.org && iam.authorization_details.is_none() {
        organization::permission_sections(&snapshot, &opts)?
    } else {
        None
    };
    let permissions = match swept {
        Some(sections) => sections,
        None => vec![assess::permissions::assess(input, &opts)],
    };
    progress.finish();

    let account = detectors[0]
        .account
        .clone()
        .or_else(|| permissions.first().and_then(|p| p.account.clone()))
        .or_else(|| changes.account.clone());
    let mut sections = Vec::new();
    sections.append(&mut detectors);
    sections.push(changes);
    sections.extend(permissions);
    let report = Report {
        command: "audit",
        account,
        generated_at: Timestamp::now().to_string(),
        sections,
    };
    ctx.emit(report, format, io)
}
