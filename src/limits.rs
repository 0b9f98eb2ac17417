//! Size bounds on the files gdaudit reads, so one hostile or mistaken file costs a named
//! error rather than all the memory of the machine.

use std::io::{self, Read};
use std::path::Path;

/// A snapshot (`gdaudit collect`): detectors, events and the IAM export of one account.
/// The largest accounts' snapshots are tens of MB.
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;
/// An account export (`--authorization-details`): tens of MB for the largest accounts.
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;
/// A configuration file: a few KB in practice.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;
/// A service control policy file (`--scp`): AWS caps one policy at 5,120 characters.
pub const MAX_SCP_BYTES: u64 = 16 << 20;

/// Reads a whole file, refusing one larger than `limit` bytes with an
/// [`io::ErrorKind::InvalidData`] error that says so (never holding more than `limit + 1`).
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0);
    if hint > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// [`read_bounded`] for text: a file that is not UTF-8 is an `InvalidData` error.
pub fn read_bounded_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {} (the limit): not read", human_bytes(limit)),
    )
}

/// `1 GiB`, `16 MiB`, `4096 bytes`: a size as the user would write it.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    UNITS
        .iter()
        .find(|(size, _)| bytes >= *size && bytes.is_multiple_of(*size))
        .map(|(size, unit)| format!("{} {unit}", bytes / size))
        .unwrap_or_else(|| format!("{bytes} bytes"))
}

/// Parses a size such as `1GiB`, `512MiB`, `64KB` or `4096` (bytes): binary units
/// (KiB, MiB, GiB; K, M, G) and decimal ones (KB, MB, GB), case-insensitive.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let bad = || format!("`{text}` is not a size (e.g. 1GiB, 512MiB, 64KB, 4096)");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return Err(bad()),
    };
    number
        .checked_mul(scale)
        .filter(|bytes| *bytes > 0)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_the_limit_is_a_named_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 4097]).unwrap();
        let err = read_bounded(&path, 4096).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "larger than 4 KiB (the limit): not read");
        assert_eq!(read_bounded(&path, 4097).unwrap().len(), 4097);
    }

    #[test]
    fn sizes_parse_in_the_units_people_write() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_size("64kb"), Ok(64_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        for bad in [
            "",
            "GiB",
            "1.5GiB",
            "-1",
            "0",
            "1TiB",
            "99999999999999999999GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_read_as_written() {
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(16 << 20), "16 MiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }
}
