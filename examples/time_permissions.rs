//! Times the stages of `gdaudit permissions` on an export, for docs/performance.md:
//! reading the file, parsing it (read_export), evaluating every principal, and building the
//! findings. Run: `cargo run --release --example time_permissions -- FILE`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a measuring tool prints its figures

use std::sync::Arc;
use std::time::Instant;

/// This process's resident and peak resident memory in MB, from /proc (Linux only; zeros elsewhere).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!("rss {} MB, peak {} MB", field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: time_permissions EXPORT.json");
        std::process::exit(2);
    };
    let start = Instant::now();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let read_at = start.elapsed();
    eprintln!("after read: {}", memory());
    let export = gdaudit::iam::read_export(&bytes);
    eprintln!("after parse: {}", memory());
    drop(bytes);
    let parsed_at = start.elapsed();
    eprintln!("after dropping the file: {}", memory());
    let evaluation = Arc::new(gdaudit::iam::evaluate(
        &export.details,
        &gdaudit::iam::EvalOptions::default(),
    ));
    let evaluated_at = start.elapsed();
    eprintln!("after evaluate: {}", memory());
    let findings = gdaudit::checks::permissions::findings(&evaluation);
    let done_at = start.elapsed();
    println!(
        "read {:.2}s, parse {:.2}s, evaluate {:.2}s, findings {:.2}s; {} principals, {} flagged, {} problems",
        read_at.as_secs_f64(),
        (parsed_at - read_at).as_secs_f64(),
        (evaluated_at - parsed_at).as_secs_f64(),
        (done_at - evaluated_at).as_secs_f64(),
        evaluation.principals.len(),
        findings.len(),
        export.problems.len(),
    );
}
