//! Settings, resolved once: the command line's flags over the configuration file over
//! gdaudit's defaults. Every default the commands use is here.

use std::path::PathBuf;

use super::{Io, RunError};
use crate::cli::{GlobalArgs, IamArgs, WindowArgs};
use crate::config::Config;
use crate::iam::{self, EvalOptions};
use crate::model::time::{Timestamp, parse_duration, parse_when};
use crate::report::{self, FailOn, Format, Outcome, RenderOptions, Report, Section};

pub use crate::config::defaults::{AUDIT_WINDOW, CHANGES_WINDOW, STATE_OVERLAP};

/// What every command runs with: the global options with the configuration file merged
/// in (flags win), and the file itself for what only it can say (suppressions).
pub struct Ctx {
    pub global: GlobalArgs,
    pub config: Config,
    pub fail_on: FailOn,
}

/// A resolved CloudTrail window. `since` is `None` only for log files read without a start.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: Option<Timestamp>,
    pub until: Timestamp,
    /// Whether `--since` or `--until` was given (or the file's `changes.since`).
    pub explicit: bool,
    /// Whether `--until` was given.
    pub until_given: bool,
}

/// Where the IAM data comes from and how it is judged.
pub struct IamSettings {
    pub authorization_details: Option<PathBuf>,
    pub eval: EvalOptions,
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
        let fail_on = global
            .fail_on
            .map(FailOn::from)
            .or(config.fail_on)
            .unwrap_or(crate::config::defaults::FAIL_ON);
        if global.regions.is_empty() {
            global.regions = config.regions.clone();
        }
        if global.exclude_regions.is_empty() {
            global.exclude_regions = config.exclude_regions.clone();
        }
        Ok(Ctx {
            global,
            config,
            fail_on,
        })
    }

    /// `--read-lists` as the collector takes it; `None` when not asked for.
    pub fn read_lists(
        &self,
        args: &crate::cli::ListArgs,
    ) -> Option<crate::aws::lists::ListReadOptions> {
        args.read_lists.then(|| crate::aws::lists::ListReadOptions {
            max_bytes: args.max_list_size,
            concurrency: usize::from(self.global.concurrency),
        })
    }

    /// How old an unarchived finding may get per severity band: the file's
    /// `[detectors] finding-age-days`, else the defaults.
    pub fn finding_ages(&self) -> crate::model::objects::FindingAges {
        self.config
            .finding_ages
            .unwrap_or(crate::config::defaults::FINDING_AGES)
    }

    /// The options of the configuration-object checks: the file's required tag keys, and
    /// the service control policies (`--scp` or the file's `scp`, read by the caller).
    pub fn object_checks(
        &self,
        scps: Vec<Vec<iam::ScpPolicy>>,
    ) -> crate::checks::objects::ObjectCheckOptions {
        crate::checks::objects::ObjectCheckOptions {
            required_tag_keys: self.config.required_tag_keys.clone(),
            scps,
        }
    }

    /// The service control policies of the file's `scp` (for commands without `--scp`).
    pub fn config_scps(&self) -> Result<Vec<Vec<iam::ScpPolicy>>, RunError> {
        read_scps(&self.config.scp)
    }

    /// The IAM settings: the flags, else the file's `privileged` and `scp`; SCP files read.
    pub fn iam(&self, args: &IamArgs) -> Result<IamSettings, RunError> {
        let privileged = if args.privileged.is_empty() {
            self.config.privileged.clone()
        } else {
            args.privileged.clone()
        };
        let scp_files = if args.scp.is_empty() {
            self.config.scp.clone()
        } else {
            args.scp.clone()
        };
        let scps = read_scps(&scp_files)?;
        if privileged.iter().any(|glob| glob.trim().is_empty()) {
            return Err(RunError::Usage(
                "--privileged needs a non-empty ARN glob".into(),
            ));
        }
        Ok(IamSettings {
            authorization_details: args.authorization_details.clone(),
            eval: EvalOptions {
                privileged_globs: privileged,
                scps,
                ..EvalOptions::default()
            },
        })
    }

    /// The window options with the file's `changes.since` where `--since` is not given.
    pub fn window_args(&self, args: &WindowArgs) -> WindowArgs {
        let mut args = args.clone();
        if args.since.is_none() {
            args.since = self.config.changes_since.clone();
        }
        args
    }

    /// Resolves `--since`/`--until` (and the file's `changes.since`) at `now`; without a
    /// start, `default_back` (a duration) back from `now`, or no start at all.
    pub fn window(
        &self,
        args: &WindowArgs,
        default_back: Option<&str>,
        now: Timestamp,
    ) -> Result<Window, RunError> {
        let args = self.window_args(args);
        let explicit = args.since.is_some() || args.until.is_some();
        let since = match args.since.as_deref().or(default_back) {
            Some(text) => {
                Some(parse_when(text, now).map_err(|e| RunError::Usage(format!("--since: {e}")))?)
            }
            None => None,
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
        Ok(Window {
            since,
            until,
            explicit,
            until_given: args.until.is_some(),
        })
    }

    /// Marks the findings a configured suppression matches, and says which suppressions have
    /// expired (stderr, and the section's `expired_suppressions`).
    pub fn suppress(&self, section: &mut Section, io: &mut Io<'_>) {
        let today = crate::config::today();
        for s in crate::config::apply_suppressions(
            &self.config.suppressions,
            &mut section.findings,
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
            section.expired_suppressions.push(text);
        }
    }

    /// Applies suppressions to every section, renders, and returns the exit status.
    pub fn emit(
        &self,
        mut report: Report,
        format: Format,
        io: &mut Io<'_>,
    ) -> Result<Outcome, RunError> {
        for section in &mut report.sections {
            self.suppress(section, io);
        }
        let outcome = self.render(&report, format, io);
        // The run is over: a large report (every principal's verdicts) takes a tenth of a
        // second to free, which the other core can do while the process winds up.
        std::thread::spawn(move || drop(report));
        outcome
    }

    /// Says what is incomplete on stderr (machine formats; the table shows it itself),
    /// renders, and returns the exit status.
    pub fn render(
        &self,
        report: &Report,
        format: Format,
        io: &mut Io<'_>,
    ) -> Result<Outcome, RunError> {
        if format != Format::Table {
            for reason in report.incomplete() {
                io.note(&format!("incomplete: {reason}"));
            }
        }
        let outcome = report.outcome(self.fail_on);
        let written = report::render(
            report,
            RenderOptions {
                format,
                color: io.color,
                width: io.width,
                fail_on: self.fail_on,
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

/// Parses `--state-overlap`.
pub fn state_overlap(text: &str) -> Result<i64, RunError> {
    parse_duration(text)
        .ok_or_else(|| RunError::Usage(format!("--state-overlap: `{text}` is not a duration")))
}

/// A report of `sections` generated now.
pub fn report(command: &'static str, sections: Vec<Section>) -> Report {
    let account = sections.iter().find_map(|s| s.account.clone());
    Report {
        command,
        account,
        generated_at: Timestamp::now().to_string(),
        sections,
    }
}

/// Reads `--scp` files into levels of service control policies, root first.
fn read_scps(files: &[PathBuf]) -> Result<Vec<Vec<iam::ScpPolicy>>, RunError> {
    let mut scps = Vec::new();
    for path in files {
        let bytes = crate::limits::read_bounded(path, crate::limits::MAX_SCP_BYTES)
            .map_err(|e| RunError::Usage(format!("cannot read --scp {}: {e}", path.display())))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| RunError::Usage(format!("--scp {} is not JSON: {e}", path.display())))?;
        let levels = iam::scp_levels_from_json(&value)
            .map_err(|e| RunError::Usage(format!("--scp {}: {e}", path.display())))?;
        scps.extend(levels);
    }
    Ok(scps)
}
