//! `gdaudit detectors`: is there an enabled detector, with its protection plans on, in every region?

use super::acquire::{Needs, acquire};
use super::settings::{Ctx, report};
use super::{Io, RunError, organization};
use crate::assess;
use crate::cli::DetectorsArgs;
use crate::report::Outcome;

pub fn run(ctx: &Ctx, args: &DetectorsArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let format = args.report.output.into();
    let needs = Needs {
        detectors: true,
        changes: None,
        iam: false,
        progress: io.shows_progress(Some(format)),
        org: organization::needs(&args.org, false, ctx.global.concurrency),
        finding_ages: ctx.finding_ages(),
        read_lists: ctx.read_lists(&args.lists),
    };
    let snapshot = acquire(&ctx.global, needs, io)?;
    let checks = ctx.object_checks(ctx.config_scps()?);
    let sections = if args.org.org {
        organization::detector_sections(&snapshot, &checks)?
    } else {
        vec![assess::detectors::assess_with(
            snapshot.account.id.as_deref(),
            snapshot.detectors.as_deref().unwrap_or_default(),
            &checks,
        )]
    };
    ctx.emit(report("detectors", sections), format, io)
}
