//! The `gdaudit` binary: parse arguments, run, map the outcome to an exit status.

use std::io::{ErrorKind, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use gdaudit::cli::Cli;
use gdaudit::commands::{self, Io, RunError};
use gdaudit::report::Outcome;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" that exit 0; usage errors exit 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                Outcome::Usage as u8
            } else {
                0
            });
        }
    };
    install_panic_hook(cli.global.verbose);
    let color = commands::use_color(&cli.global);
    let quiet = cli.global.quiet;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked for the whole run: the progress line is drawn from another thread.
    let mut err = std::io::stderr();
    let progress = !quiet && std::io::stderr().is_terminal();
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let width = commands::table_width(&cli.global);
    let mut io = Io {
        stdout: &mut out,
        stderr: &mut err,
        color,
        quiet,
        progress,
        stdout_is_terminal,
        width,
    };
    // A bug must not look like a pass: an internal error ends the run as incomplete (3).
    let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        commands::run(cli, &mut io)
    })) {
        Ok(result) => result,
        Err(_) => return ExitCode::from(Outcome::Incomplete as u8),
    };
    let flushed = out.flush();
    ExitCode::from(exit_status(result, flushed, &mut err))
}

/// The exit status of a run. A reader that went away (`| head`, `| true`) ends the run
/// quietly but never turns its verdict into a pass: a report keeps its own status (0/1/3),
/// and output that was cut short before any verdict was reached is incomplete (3).
fn exit_status(
    result: Result<Outcome, RunError>,
    flushed: std::io::Result<()>,
    err: &mut dyn Write,
) -> u8 {
    match (result, flushed) {
        (Err(RunError::OutputClosed(outcome)), _) => outcome as u8,
        (Err(RunError::Output(e)), _) if e.kind() == ErrorKind::BrokenPipe => {
            Outcome::Incomplete as u8
        }
        (Ok(outcome), _) => outcome as u8,
        (Err(e), _) => {
            let _ = writeln!(err, "gdaudit: error: {e}");
            match e {
                RunError::Usage(_) => Outcome::Usage as u8,
                RunError::Setup(_) | RunError::Output(_) | RunError::OutputClosed(_) => {
                    Outcome::Incomplete as u8
                }
            }
        }
    }
}

/// One line for an internal error (a bug), unless `-v` asks for the details and a backtrace.
fn install_panic_hook(verbose: bool) {
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let mut err = std::io::stderr();
        if verbose {
            let _ = writeln!(err, "gdaudit: internal error: {message}{place}");
            let _ = writeln!(err, "{}", std::backtrace::Backtrace::force_capture());
        } else {
            let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                err,
                "gdaudit: internal error: {message}{place} (a bug: please report it; -v shows a backtrace)"
            );
        }
    }));
}
