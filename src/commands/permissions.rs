//! `gdaudit permissions`: which non-privileged users and roles can change GuardDuty.

use std::sync::Arc;

use crate::progress::Progress;

use serde::Serialize;

use super::{Ctx, Io, Needs, RunError, acquire};
use crate::checks::permissions::findings;
use crate::cli::{GlobalArgs, IamArgs, OutputFormat, PermissionsArgs, PermissionsCommand};
use crate::iam::{self, EvalOptions, Evaluation, PrivilegeReason};
use crate::model::iam::AuthorizationDetails;
use crate::report::sanitize::clean_lines;
use crate::report::{Inventory, Outcome, Report};

/// What was judged, for the `permissions` key of the JSON output and the table's summary.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionsSummary {
    /// `api`, `file` or `snapshot`.
    pub source: &'static str,
    pub users: usize,
    pub roles: usize,
    pub groups: usize,
    pub managed_policies: usize,
    /// Principals judged privileged, and why (`administrator`, or `matches_glob` with the glob).
    pub privileged: Vec<PrivilegedPrincipal>,
    pub service_linked_roles_skipped: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivilegedPrincipal {
    pub arn: String,
    pub reason: PrivilegeReason,
}

/// The IAM data and what is wrong with it, from a file, a snapshot or AWS.
pub struct Input {
    pub details: AuthorizationDetails,
    pub account: Option<String>,
    /// `api`, `file` or `snapshot`.
    pub source: &'static str,
    pub incomplete: Vec<String>,
}

impl Input {
    /// The IAM data of a collected snapshot.
    pub fn from_collected(
        data: Option<crate::model::IamData>,
        account: Option<String>,
        source: &'static str,
    ) -> Input {
        let data = data.unwrap_or_default();
        Input {
            details: data.authorization_details,
            account,
            source,
            incomplete: data
                .error
                .iter()
                .map(|e| format!("the IAM export is incomplete: {e}"))
                .collect(),
        }
    }
}

fn input(
    global: &GlobalArgs,
    args: &IamArgs,
    io: &mut Io<'_>,
    progress: bool,
) -> Result<Input, RunError> {
    if args.authorization_details.is_some() {
        return input_from_file(args);
    }
    let needs = Needs {
        detectors: false,
        changes: None,
        iam: true,
        progress,
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

/// The IAM data of `--authorization-details FILE`.
pub fn input_from_file(args: &IamArgs) -> Result<Input, RunError> {
    if let Some(path) = &args.authorization_details {
        let bytes = crate::limits::read_bounded(path, crate::limits::MAX_EXPORT_BYTES)
            .map_err(|e| RunError::Usage(format!("cannot read {}: {e}", path.display())))?;
        let read = iam::read_export(&bytes);
        return Ok(Input {
            details: read.details,
            account: None,
            source: "file",
            incomplete: read
                .problems
                .iter()
                .map(|p| format!("{}: {p}", path.display()))
                .collect(),
        });
    }
    Err(RunError::Usage(
        "--authorization-details is required here".into(),
    ))
}

/// The evaluation options from the flags (and configuration file).
pub fn eval_options(args: &IamArgs) -> Result<EvalOptions, RunError> {
    let mut scps = Vec::new();
    for path in &args.scp {
        let bytes = crate::limits::read_bounded(path, crate::limits::MAX_SCP_BYTES)
            .map_err(|e| RunError::Usage(format!("cannot read --scp {}: {e}", path.display())))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| RunError::Usage(format!("--scp {} is not JSON: {e}", path.display())))?;
        let levels = iam::scp_levels_from_json(&value)
            .map_err(|e| RunError::Usage(format!("--scp {}: {e}", path.display())))?;
        scps.extend(levels);
    }
    for glob in &args.privileged {
        if glob.trim().is_empty() {
            return Err(RunError::Usage(
                "--privileged needs a non-empty ARN glob".into(),
            ));
        }
    }
    Ok(EvalOptions {
        privileged_globs: args.privileged.clone(),
        scps,
        progress: crate::progress::Tick::default(),
    })
}

pub fn run(ctx: &Ctx, args: &PermissionsArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let iam_args = ctx.iam_args(&args.iam);
    let opts = eval_options(&iam_args)?;
    let shows_progress = io.shows_progress(Some(args.report.output));
    let input = input(&ctx.global, &iam_args, io, shows_progress)?;
    if let Some(PermissionsCommand::Explain { principal, action }) = &args.explain {
        return explain(
            &input.details,
            &opts,
            principal,
            action.as_deref(),
            args.report.output,
            io,
        );
    }
    let mut progress = Progress::new(shows_progress);
    let opts = EvalOptions {
        progress: progress.counter("principals"),
        ..opts
    };
    let mut report = evaluate(input, &opts);
    progress.finish();
    report.sort();
    ctx.emit(report, args.report.output, io)
}

/// Judges every principal and builds the report. The export is freed once evaluated: the
/// verdicts carry everything the findings need.
pub fn evaluate(mut input: Input, opts: &EvalOptions) -> Report {
    let evaluation = iam::evaluate(&input.details, opts);
    input
        .incomplete
        .extend(evaluation.problems.iter().map(ToString::to_string));
    let counts = Counts::of(&input.details);
    // Every account has roles (at least AWS's service-linked ones): an export without a single
    // user or role is the wrong file or a failed export, not a clean account.
    if counts.users + counts.roles == 0 {
        input.incomplete.push(
            "the IAM data holds no users and no roles: is it the output of `aws iam get-account-authorization-details`?"
                .to_owned(),
        );
    }
    input.details = AuthorizationDetails::default();
    build_report(&input, counts, Arc::new(evaluation))
}

/// How many of each kind of entity the export held.
struct Counts {
    users: usize,
    roles: usize,
    groups: usize,
    managed_policies: usize,
}

impl Counts {
    fn of(d: &AuthorizationDetails) -> Counts {
        Counts {
            users: d.users.len(),
            roles: d.roles.len(),
            groups: d.groups.len(),
            managed_policies: d.policies.len(),
        }
    }
}

fn build_report(input: &Input, counts: Counts, evaluation: Arc<Evaluation>) -> Report {
    let summary = PermissionsSummary {
        source: input.source,
        users: counts.users,
        roles: counts.roles,
        groups: counts.groups,
        managed_policies: counts.managed_policies,
        privileged: evaluation
            .principals
            .iter()
            .filter_map(|p| {
                p.privileged.clone().map(|reason| PrivilegedPrincipal {
                    arn: p.arn.clone(),
                    reason,
                })
            })
            .collect(),
        service_linked_roles_skipped: evaluation.service_linked_roles_skipped,
    };
    Report {
        command: "permissions",
        account: evaluation
            .account_id
            .clone()
            .or_else(|| input.account.clone()),
        generated_at: super::now_rfc3339(),
        regions: Vec::new(),
        findings: findings(&evaluation),
        incomplete: input.incomplete.clone(),
        inventory: Inventory::Permissions(summary),
        expired_suppressions: Vec::new(),
    }
}

fn explain(
    details: &AuthorizationDetails,
    opts: &EvalOptions,
    principal: &str,
    action: Option<&str>,
    format: OutputFormat,
    io: &mut Io<'_>,
) -> Result<Outcome, RunError> {
    let explanation = iam::explain(details, opts, principal, action)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    match format {
        OutputFormat::Table => write!(io.stdout, "{}", clean_lines(&explanation.to_string()))?,
        OutputFormat::Json | OutputFormat::Jsonl => {
            serde_json::to_writer_pretty(&mut *io.stdout, &explanation)
                .map_err(std::io::Error::from)?;
            writeln!(io.stdout)?;
        }
        OutputFormat::Sarif | OutputFormat::Csv | OutputFormat::Ocsf => {
            return Err(RunError::Usage(
                "`permissions explain` prints decisions, not findings: use -o table or -o json"
                    .to_owned(),
            ));
        }
    }
    Ok(Outcome::Clean)
}
