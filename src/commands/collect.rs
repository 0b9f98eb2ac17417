//! `gdaudit collect`: everything the audits read, as one snapshot file.

use super::acquire::{Needs, collect_live};
use super::changes::{lookup_options, settings};
use super::settings::{CHANGES_WINDOW, Ctx};
use super::{Io, RunError, organization};
use crate::cli::CollectArgs;
use crate::fsio::write_atomically;
use crate::model::time::Timestamp;
use crate::report::Outcome;

pub fn run(ctx: &Ctx, args: &CollectArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let global = &ctx.global;
    if global.snapshot.is_some() {
        return Err(RunError::Usage(
            "collect reads from AWS; it does not take --snapshot".into(),
        ));
    }
    let now = Timestamp::now();
    let window = ctx.window(&args.window, Some(CHANGES_WINDOW), now)?;
    let changes = lookup_options(&window, None, &settings(&args.window, &[], None));
    let snapshot = collect_live(
        global,
        Needs {
            detectors: true,
            changes: Some(changes),
            iam: true,
            progress: io.shows_progress(None),
            org: organization::needs(&args.org, true, global.concurrency),
            finding_ages: ctx.finding_ages(),
            read_lists: ctx.read_lists(&args.lists),
        },
        io,
    )?;
    let mut text = serde_json::to_vec_pretty(&snapshot).map_err(std::io::Error::from)?;
    text.push(b'\n');
    if args.output.as_os_str() == "-" {
        std::io::Write::write_all(io.stdout, &text)?;
    } else {
        write_atomically(&args.output, &text)
            .map_err(|e| RunError::Usage(format!("cannot write {}: {e}", args.output.display())))?;
    }
    let mut problems = 0;
    for region in snapshot.detectors.iter().flatten() {
        for error in crate::checks::detectors::region_errors(region) {
            problems += 1;
            io.note(&format!("incomplete: {}: {error}", region.region));
        }
    }
    if let Some(org) = &snapshot.organization {
        // What the organization run could not read counts as for the audits themselves.
        let caller = snapshot.account.id.as_deref();
        for reason in crate::assess::organization::assess(org, caller).incomplete {
            problems += 1;
            io.note(&format!("incomplete: {reason}"));
        }
    }
    for region in snapshot.changes.iter().flat_map(|c| &c.regions) {
        for error in &region.errors {
            problems += 1;
            io.note(&format!("incomplete: {}: {error}", region.region));
        }
    }
    if args.output.as_os_str() != "-" {
        io.note(&format!(
            "wrote {} ({} regions{})",
            args.output.display(),
            snapshot.detectors.as_ref().map_or(0, Vec::len),
            if problems > 0 {
                format!(", {problems} could not be read")
            } else {
                String::new()
            },
        ));
    }
    Ok(if problems > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Clean
    })
}
