//! `gdaudit permissions`: which non-privileged users and roles can change GuardDuty.

use super::acquire::{Needs, acquire, iam_from_file};
use super::settings::{Ctx, IamSettings, report};
use super::{Io, RunError};
use crate::assess::permissions::{self, Input};
use crate::cli::{GlobalArgs, PermissionsArgs, PermissionsCommand};
use crate::iam::{self, EvalOptions};
use crate::model::iam::AuthorizationDetails;
use crate::progress::Progress;
use crate::report::layout::wrap_lines;
use crate::report::sanitize::clean_lines;
use crate::report::{Format, Outcome};

/// The IAM data: `--authorization-details`, a snapshot, or AWS.
pub fn input(
    global: &GlobalArgs,
    settings: &IamSettings,
    io: &mut Io<'_>,
    progress: bool,
) -> Result<Input, RunError> {
    if let Some(path) = &settings.authorization_details {
        return iam_from_file(path);
    }
    let needs = Needs {
        detectors: false,
        changes: None,
        iam: true,
        progress,
        org: None,
        finding_ages: Default::default(),
        read_lists: None,
    };
    let snapshot = acquire(global, needs, io)?;
    let source = if global.snapshot.is_some() {
        "snapshot"
    } else {
        "api"
    };
    Ok(Input::from_collected(
        snapshot.iam,
        snapshot.account.id,
        source,
    ))
}

pub fn run(ctx: &Ctx, args: &PermissionsArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let settings = ctx.iam(&args.iam)?;
    let format: Format = args.report.output.into();
    let shows_progress = io.shows_progress(Some(format));
    let input = input(&ctx.global, &settings, io, shows_progress)?;
    if let Some(PermissionsCommand::Explain { principal, action }) = &args.explain {
        return explain(
            &input.details,
            &settings.eval,
            principal,
            action.as_deref(),
            format,
            io,
        );
    }
    let mut progress = Progress::new(shows_progress);
    let opts = EvalOptions {
        progress: progress.counter("principals"),
        ..settings.eval
    };
    let section = permissions::assess(input, &opts);
    progress.finish();
    ctx.emit(report("permissions", vec![section]), format, io)
}

fn explain(
    details: &AuthorizationDetails,
    opts: &EvalOptions,
    principal: &str,
    action: Option<&str>,
    format: Format,
    io: &mut Io<'_>,
) -> Result<Outcome, RunError> {
    let explanation = iam::explain(details, opts, principal, action)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    match format {
        Format::Table => write!(
            io.stdout,
            "{}",
            wrap_lines(&clean_lines(&explanation.to_string()), io.width)
        )?,
        Format::Json | Format::Jsonl => {
            serde_json::to_writer_pretty(&mut *io.stdout, &explanation)
                .map_err(std::io::Error::from)?;
            writeln!(io.stdout)?;
        }
        Format::Sarif | Format::Csv | Format::Ocsf | Format::Markdown | Format::Html => {
            return Err(RunError::Usage(
                "`permissions explain` prints decisions, not findings: use -o table or -o json"
                    .to_owned(),
            ));
        }
    }
    Ok(Outcome::Clean)
}
