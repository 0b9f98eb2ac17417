//! Running a command: get the data (from AWS or a snapshot), run the checks, render.

mod audit;
mod changes;
mod collect;
mod detectors;
mod permissions;

pub use changes::{ChangesSummary, parse_when};
pub use permissions::{PermissionsSummary, PrivilegedPrincipal};

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use aws_smithy_types::date_time::Format;
use thiserror::Error;

use crate::aws::{self, ConnectOptions};
use crate::cli::{Cli, Command, GlobalArgs, IamArgs, OutputFormat, WindowArgs};
use crate::config::Config;
use crate::model::{RegionList, RegionSource, Snapshot};
use crate::progress::Progress;
use crate::report::Outcome;
use crate::report::sanitize::clean;
use crate::report::{self, RenderOptions, Report};
use crate::scope::{self, ScopeError};

/// Why a command could not run at all.
#[derive(Debug, Error)]
pub enum RunError {
    /// Bad input from the user: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The audit could not start (no credentials): exit 3.
    #[error("{0}")]
    Setup(String),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// The reader of the output went away (a broken pipe) after the verdict was reached: the
    /// run ends quietly with that verdict, and nothing is recorded as delivered (`--state`).
    #[error("the output was not delivered (broken pipe)")]
    OutputClosed(Outcome),
}

impl From<ScopeError> for RunError {
    fn from(e: ScopeError) -> Self {
        RunError::Usage(e.to_string())
    }
}

/// Where a command writes: data to stdout, everything else to stderr.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdout is a terminal that may be coloured.
    pub color: bool,
    pub quiet: bool,
    /// Whether stderr is a terminal (and not `--quiet`): progress may be drawn there.
    pub progress: bool,
    /// Whether stdout is a terminal.
    pub stdout_is_terminal: bool,
}

impl Io<'_> {
    /// Whether to draw progress for output in `format` (`None`: no report on stdout, as for
    /// `collect`): on a terminal's stderr, and never for machine output going to a pipe.
    pub fn shows_progress(&self, format: Option<OutputFormat>) -> bool {
        self.progress
            && (self.stdout_is_terminal || matches!(format, None | Some(OutputFormat::Table)))
    }

    /// A warning or progress note on stderr (nothing with `--quiet`).
    pub fn note(&mut self, text: &str) {
        if !self.quiet {
            // A failed write to stderr has nowhere better to go.
            let _ = writeln!(self.stderr, "gdaudit: {}", clean(text));
        }
    }
}

/// Whether output to stdout should be coloured.
pub fn use_color(global: &GlobalArgs) -> bool {
    !global.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// What every command runs with: the global options with the configuration file merged
/// in (flags win), and the file itself for what only it can say (suppressions).
pub struct Ctx {
    pub global: GlobalArgs,
    pub config: Config,
}

impl Ctx {
    /// Reads the configuration file and merges it under the command line's global options.
    pub fn new(mut global: GlobalArgs) -> Result<Ctx, RunError> {
        let config = if global.no_config {
            Config::default()
        } else {
            Config::discover(global.config.as_deref())
                .map_err(|e| RunError::Usage(e.to_string()))?
        };
        if global.fail_on.is_none() {
            global.fail_on = config.fail_on;
        }
        if global.regions.is_empty() {
            global.regions = config.regions.clone();
        }
        if global.exclude_regions.is_empty() {
            global.exclude_regions = config.exclude_regions.clone();
        }
        Ok(Ctx { global, config })
    }

    /// The IAM options with the file's `privileged` and `scp` where the flags give none.
    pub fn iam_args(&self, args: &IamArgs) -> IamArgs {
        let mut args = args.clone();
        if args.privileged.is_empty() {
            args.privileged = self.config.privileged.clone();
        }
        if args.scp.is_empty() {
            args.scp = self.config.scp.clone();
        }
        args
    }

    /// The window options with the file's `changes.since` where `--since` is not given.
    pub fn window_args(&self, args: &WindowArgs) -> WindowArgs {
        let mut args = args.clone();
        if args.since.is_none() {
            args.since = self.config.changes_since.clone();
        }
        args
    }

    /// Marks the findings a configured suppression matches, and says which suppressions have
    /// expired (stderr, and the report's `expired_suppressions`).
    pub fn suppress(&self, report: &mut Report, io: &mut Io<'_>) {
        let today = crate::config::today();
        for s in crate::config::apply_suppressions(
            &self.config.suppressions,
            &mut report.findings,
            &today,
        ) {
            let file = self
                .config
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let text = format!(
                "{file}:{}: the suppression of {} (\"{}\") expired on {}: it no longer applies",
                s.line,
                s.check,
                s.reason,
                s.expires.as_deref().unwrap_or("?")
            );
            io.note(&text);
            report.expired_suppressions.push(text);
        }
    }

    /// Applies suppressions, renders, and returns the exit status.
    pub fn emit(
        &self,
        mut report: Report,
        format: OutputFormat,
        io: &mut Io<'_>,
    ) -> Result<Outcome, RunError> {
        self.suppress(&mut report, io);
        self.render(&report, format, io)
    }

    /// Says what is incomplete on stderr (machine formats; the table shows it itself),
    /// renders, and returns the exit status.
    pub fn render(
        &self,
        report: &Report,
        format: OutputFormat,
        io: &mut Io<'_>,
    ) -> Result<Outcome, RunError> {
        if format != OutputFormat::Table {
            for reason in &report.incomplete {
                io.note(&format!("incomplete: {reason}"));
            }
        }
        let outcome = report.outcome(self.global.fail_on());
        let written = report::render(
            report,
            RenderOptions {
                format,
                color: io.color,
            },
            io.stdout,
        )
        .and_then(|()| io.stdout.flush());
        match written {
            // The verdict stands; the error stops the caller from recording the output as
            // delivered (the --state file).
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                Err(RunError::OutputClosed(outcome))
            }
            Err(e) => Err(e.into()),
            Ok(()) => Ok(outcome),
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    if let Command::Completions(args) = &cli.command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(args.shell, &mut cmd, "gdaudit", io.stdout);
        return Ok(Outcome::Clean);
    }
    let ctx = Ctx::new(cli.global)?;
    match &cli.command {
        Command::Completions(_) => Ok(Outcome::Clean),
        Command::Audit(args) => audit::run(&ctx, args, io),
        Command::Detectors(args) => detectors::run(&ctx, args, io),
        Command::Changes(args) => changes::run(&ctx, args, io),
        Command::Permissions(args) => permissions::run(&ctx, args, io),
        Command::Collect(args) => collect::run(&ctx, args, io),
    }
}

/// The current time in RFC 3339 (UTC).
pub fn now_rfc3339() -> String {
    aws_smithy_types::DateTime::from(SystemTime::now())
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

/// A multi-threaded runtime for the AWS calls (the audit itself is synchronous).
fn runtime() -> Result<tokio::runtime::Runtime, RunError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::Setup(format!("cannot start the async runtime: {e}")))
}

/// Reads a snapshot file written by `gdaudit collect`.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, RunError> {
    let bytes = crate::limits::read_bounded(path, crate::limits::MAX_SNAPSHOT_BYTES)
        .map_err(|e| RunError::Usage(format!("cannot read snapshot {}: {e}", path.display())))?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        RunError::Usage(format!(
            "snapshot {} is not a gdaudit snapshot: {e}",
            path.display()
        ))
    })?;
    if snapshot.snapshot_version > crate::model::SNAPSHOT_VERSION {
        return Err(RunError::Usage(format!(
            "snapshot {} has version {}; this gdaudit reads up to version {}",
            path.display(),
            snapshot.snapshot_version,
            crate::model::SNAPSHOT_VERSION
        )));
    }
    Ok(snapshot)
}

/// What a live collection should gather.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub detectors: bool,
    /// GuardDuty events from CloudTrail LookupEvents, in this window.
    pub changes: Option<aws::cloudtrail::LookupOptions>,
    /// The IAM account export.
    pub iam: bool,
    /// Draw progress on stderr while collecting.
    pub progress: bool,
}

/// Collects a snapshot from AWS for the regions in scope.
pub fn collect_live(
    global: &GlobalArgs,
    needs: Needs,
    io: &mut Io<'_>,
) -> Result<Snapshot, RunError> {
    let rt = runtime()?;
    rt.block_on(async {
        let opts = ConnectOptions {
            profile: global.profile.clone(),
            home_region: global.region.clone(),
            timeout: Duration::from_secs(global.timeout),
        };
        let config = aws::connect(&opts).await.map_err(|e| RunError::Setup(e.to_string()))?;
        let (account, region_list) =
            tokio::join!(aws::sts::caller_account(&config), aws::regions::list_regions(&config));
        if let Some(error) = &account.error {
            io.note(&format!("could not learn the account id: {error}"));
        }
        if let Some(error) = &region_list.error {
            if global.regions.is_empty() {
                io.note(&format!(
                    "could not list the account's regions ({error}); auditing the {} regions gdaudit knows of \
                     (opt-in regions count as not enabled where AWS rejects the call) — use --regions to choose",
                    region_list.regions.len()
                ));
            }
        }
        let in_scope = scope::select(&region_list, &global.regions, &global.exclude_regions)?;
        let mut snapshot = Snapshot {
            snapshot_version: crate::model::SNAPSHOT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            collected_at: now_rfc3339(),
            account,
            regions: Some(RegionList {
                source: if global.regions.is_empty() || global.regions.iter().any(|r| r == "all") {
                    region_list.source
                } else {
                    RegionSource::CommandLine
                },
                regions: in_scope.clone(),
                error: region_list.error.clone(),
            }),
            detectors: None,
            changes: None,
            iam: None,
        };
        let concurrency = usize::from(global.concurrency);
        let mut progress = Progress::new(needs.progress);
        let regions_tick = progress.counter("regions");
        let mut needs = needs;
        if let Some(opts) = &mut needs.changes {
            opts.pages = progress.counter("CloudTrail pages");
        }
        let names: Vec<String> = in_scope.iter().filter(|r| r.opt_status.is_enabled()).map(|r| r.name.clone()).collect();
        let detectors = async {
            if needs.detectors {
                Some(aws::guardduty::collect_regions(&config, &in_scope, concurrency, &regions_tick).await)
            } else {
                None
            }
        };
        let changes = async {
            match &needs.changes {
                Some(opts) => Some(crate::model::changes::ChangesData {
                    since: opts.since,
                    until: opts.until,
                    include_read_only: opts.include_read_only,
                    regions: aws::cloudtrail::lookup_regions(&config, &names, concurrency, opts).await,
                }),
                None => None,
            }
        };
        let iam = async {
            if needs.iam {
                let (authorization_details, error) = aws::iam::authorization_details(&config).await;
                Some(crate::model::IamData { authorization_details, error })
            } else {
                None
            }
        };
        // The audits share one collection pass and run at the same time.
        let (detectors, changes, iam) = tokio::join!(detectors, changes, iam);
        snapshot.detectors = detectors;
        snapshot.changes = changes;
        snapshot.iam = iam;
        progress.finish();
        Ok(snapshot)
    })
}

/// Gets the data for a command: from `--snapshot` (no AWS call) or from AWS.
pub fn acquire(global: &GlobalArgs, needs: Needs, io: &mut Io<'_>) -> Result<Snapshot, RunError> {
    let Some(path) = &global.snapshot else {
        return collect_live(global, needs, io);
    };
    let mut snapshot = load_snapshot(path)?;
    // Scope a snapshot like a live run, against the regions it holds.
    if let Some(list) = &snapshot.regions {
        let as_api = RegionList {
            source: RegionSource::AccountApi,
            ..list.clone()
        };
        let in_scope = scope::select(&as_api, &global.regions, &global.exclude_regions)?;
        if let Some(detectors) = &mut snapshot.detectors {
            detectors.retain(|d| in_scope.iter().any(|r| r.name == d.region));
        }
        if let Some(changes) = &mut snapshot.changes {
            changes
                .regions
                .retain(|d| in_scope.iter().any(|r| r.name == d.region));
        }
    }
    if needs.detectors && snapshot.detectors.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no detector data: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    if needs.iam && snapshot.iam.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no IAM data: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    if needs.changes.is_some() && snapshot.changes.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no CloudTrail events: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    Ok(snapshot)
}

/// Writes to a temporary file beside the target, then renames it into place, so a reader
/// never sees half a snapshot.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
