//! The edge: each command resolves its settings ([`settings`]), acquires the data (live,
//! a snapshot or files: [`acquire`]), assesses it ([`crate::assess`]), renders and exits.

mod acquire;
mod audit;
mod changes;
mod collect;
mod detectors;
mod organization;
mod permissions;
pub mod settings;

use std::io::{IsTerminal, Write};

use thiserror::Error;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::report::sanitize::clean;
use crate::report::{Format, Outcome};
use crate::scope::ScopeError;
use settings::Ctx;

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
    /// The width tables fit (`None`: `--wide`).
    pub width: Option<usize>,
}

impl Io<'_> {
    /// Whether to draw progress for output in `format` (`None`: no report on stdout, as for
    /// `collect`): on a terminal's stderr, and never for machine output going to a pipe.
    pub fn shows_progress(&self, format: Option<Format>) -> bool {
        self.progress && (self.stdout_is_terminal || matches!(format, None | Some(Format::Table)))
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

/// Tables are this wide when stdout is not a terminal (a pipe, a file, a CI log).
pub const WIDTH_WHEN_NOT_A_TERMINAL: usize = 100;

/// The width tables fit: `--wide` (unbounded), `--width N`, the terminal's, or 100.
pub fn table_width(global: &GlobalArgs) -> Option<usize> {
    if global.wide {
        return None;
    }
    if let Some(width) = global.width {
        return Some(usize::from(width));
    }
    let stdout = std::io::stdout();
    if stdout.is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stdout)
    {
        return Some(usize::from(w).max(40));
    }
    Some(WIDTH_WHEN_NOT_A_TERMINAL)
}

/// Runs the parsed command line.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    if let Command::Completions(args) = &cli.command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        // Generated into memory first: clap_complete panics when its writer fails, and a
        // reader that went away (`| head -1`) must end the run quietly like any other.
        let mut script = Vec::new();
        clap_complete::generate(args.shell, &mut cmd, "gdaudit", &mut script);
        return match io
            .stdout
            .write_all(&script)
            .and_then(|()| io.stdout.flush())
        {
            Ok(()) => Ok(Outcome::Clean),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                Err(RunError::OutputClosed(Outcome::Clean))
            }
            Err(e) => Err(RunError::Output(e)),
        };
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
