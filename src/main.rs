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
    let color = commands::use_color(&cli.global);
    let quiet = cli.global.quiet;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked for the whole run: the progress line is drawn from another thread.
    let mut err = std::io::stderr();
    let progress = !quiet && std::io::stderr().is_terminal();
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let mut io = Io {
        stdout: &mut out,
        stderr: &mut err,
        color,
        quiet,
        progress,
        stdout_is_terminal,
    };
    let result = commands::run(cli, &mut io);
    let flushed = out.flush();
    match (result, flushed) {
        // A reader that went away (`| head`) is not a failure.
        (Err(RunError::Output(e)), _) | (Ok(_), Err(e)) if e.kind() == ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        (Ok(outcome), _) => ExitCode::from(outcome as u8),
        (Err(e), _) => {
            let _ = writeln!(err, "gdaudit: error: {e}");
            ExitCode::from(match e {
                RunError::Usage(_) => Outcome::Usage as u8,
                RunError::Setup(_) | RunError::Output(_) => Outcome::Incomplete as u8,
            })
        }
    }
}
