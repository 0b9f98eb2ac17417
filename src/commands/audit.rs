//! `gdaudit audit`: detectors, changes and permissions from one collection pass, in one
//! report with one exit code.

use super::changes::{self, Source};
use super::permissions::{self, Input};
use super::{Ctx, Io, Needs, RunError, acquire, detectors};
use crate::cli::AuditArgs;
use crate::model::cloudtrail::Timestamp;
use crate::report::{AuditParts, Inventory, Outcome, Report};

/// The changes window of an audit against AWS when neither `--since` nor the file sets one.
const DEFAULT_SINCE: &str = "24h";

pub fn run(ctx: &Ctx, args: &AuditArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let now = Timestamp::now();
    let mut window = ctx.window_args(&args.window);
    // A snapshot shows all the changes it holds unless a window is asked for; AWS is read for
    // the last 24 hours by default.
    let explicit = window.since.is_some() || window.until.is_some();
    if window.since.is_none() {
        window.since = Some(DEFAULT_SINCE.to_owned());
    }
    let iam_args = ctx.iam_args(&args.iam);
    let opts = permissions::eval_options(&iam_args)?;
    let lookup = changes::lookup_options(&window, now, None)?;
    let (since, until) = (lookup.since, lookup.until);

    // One pass: every region's detectors, CloudTrail and the IAM export, at the same time.
    let from_file = iam_args.authorization_details.is_some();
    let needs = Needs {
        detectors: true,
        changes: Some(lookup),
        iam: !from_file,
        progress: io.shows_progress(Some(args.report.output)),
    };
    let snapshot = acquire(&ctx.global, needs, io)?;
    let from_snapshot = ctx.global.snapshot.is_some();

    let mut detectors = detectors::build_report(&snapshot);
    detectors.sort();
    let source = if from_snapshot {
        Source::Snapshot { explicit }
    } else {
        Source::Api
    };
    let gathered = changes::gather(
        snapshot.changes.clone(),
        snapshot.account.id.clone(),
        since,
        until,
        source,
    );
    let changes = changes::build_report(&gathered, &window);
    let input = match &iam_args.authorization_details {
        Some(_) => permissions::input_from_file(&iam_args)?,
        None => Input::from_collected(
            snapshot.iam.clone(),
            snapshot.account.id.clone(),
            if from_snapshot { "snapshot" } else { "api" },
        ),
    };
    let mut progress = crate::progress::Progress::new(io.shows_progress(Some(args.report.output)));
    let opts = crate::iam::EvalOptions {
        progress: progress.counter("principals"),
        ..opts
    };
    let mut permissions = permissions::evaluate(input, &opts);
    progress.finish();
    permissions.sort();

    let mut parts = AuditParts {
        detectors,
        changes,
        permissions,
    };
    for part in [
        &mut parts.detectors,
        &mut parts.changes,
        &mut parts.permissions,
    ] {
        ctx.suppress(part, io);
    }
    let report = combine(parts);
    ctx.render(&report, args.report.output, io)
}

/// One report of the three: findings grouped by audit, what is incomplete prefixed by it.
fn combine(parts: AuditParts) -> Report {
    let mut findings = Vec::new();
    let mut incomplete = Vec::new();
    let mut expired = Vec::new();
    for part in [&parts.detectors, &parts.changes, &parts.permissions] {
        findings.extend(part.findings.iter().cloned());
        incomplete.extend(
            part.incomplete
                .iter()
                .map(|r| format!("{}: {r}", part.command)),
        );
        expired.extend(part.expired_suppressions.iter().cloned());
    }
    let account = parts
        .detectors
        .account
        .clone()
        .or_else(|| parts.permissions.account.clone())
        .or_else(|| parts.changes.account.clone());
    Report {
        command: "audit",
        account,
        generated_at: super::now_rfc3339(),
        regions: parts.detectors.regions.clone(),
        findings,
        incomplete,
        inventory: Inventory::Audit(Box::new(parts)),
        expired_suppressions: expired,
    }
}
