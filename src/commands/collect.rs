//! `gdaudit collect`: everything the audits read, as one snapshot file.

use std::io::Write;

use super::{Io, Needs, RunError, collect_live};
use crate::cli::{CollectArgs, GlobalArgs};
use crate::report::Outcome;

pub fn run(global: &GlobalArgs, args: &CollectArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    if global.snapshot.is_some() {
        return Err(RunError::Usage(
            "collect reads from AWS; it does not take --snapshot".into(),
        ));
    }
    let snapshot = collect_live(global, Needs { detectors: true }, io)?;
    let mut text = serde_json::to_vec_pretty(&snapshot).map_err(std::io::Error::from)?;
    text.push(b'\n');
    if args.output.as_os_str() == "-" {
        io.stdout.write_all(&text)?;
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
    if args.output.as_os_str() != "-" {
        io.note(&format!(
            "wrote {} ({} regions{})",
            args.output.display(),
            snapshot.detectors.as_ref().map_or(0, Vec::len),
            if problems > 0 {
                format!(", {problems} could not be read")
            } else {
                String::new()
            }
        ));
    }
    Ok(if problems > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Clean
    })
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
