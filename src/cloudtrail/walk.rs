//! Finding the log files under `--logs` paths: a lazy, sorted, depth-first walk.
//!
//! Lazy so that an archive of millions of files is never listed in memory at once (only
//! the directories on the current path are); sorted so that problems come out in the
//! same order every run. Symbolic links to directories are not followed (no loops).

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use super::LogProblem;

/// Directories and files CloudTrail writes digests (signatures, not events) to.
const DIGEST_MARKER: &str = "CloudTrail-Digest";

/// File names read when walking a directory (compared in lowercase).
const LOG_SUFFIXES: [&str; 6] = [
    ".json",
    ".json.gz",
    ".jsonl",
    ".jsonl.gz",
    ".ndjson",
    ".ndjson.gz",
];

/// What the walk found next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A file to read. `named` when the user gave its path rather than a directory's.
    File { path: PathBuf, named: bool },
    /// A CloudTrail digest file: not read.
    Digest,
    /// A path or directory that could not be read.
    Problem(LogProblem),
}

enum Pending {
    Named(PathBuf),
    Directory(PathBuf),
    File(PathBuf),
}

pub(crate) struct Walk {
    /// Next item last.
    stack: Vec<Pending>,
}

impl Walk {
    pub(crate) fn new(paths: &[PathBuf]) -> Walk {
        Walk {
            stack: paths.iter().rev().cloned().map(Pending::Named).collect(),
        }
    }

    /// Pushes a directory's entries (sorted by name); returns a problem when it cannot be listed.
    fn enter(&mut self, dir: &Path) -> Option<Found> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return Some(problem(dir, format!("cannot read directory: {error}"))),
        };
        let mut children = Vec::new();
        let mut failure = None;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    failure.get_or_insert_with(|| {
                        problem(dir, format!("cannot list the whole directory: {error}"))
                    });
                    continue;
                }
            };
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                if !is_digest(entry.file_name().as_os_str()) {
                    children.push(Pending::Directory(path));
                }
            } else if is_log_name(entry.file_name().as_os_str()) && path.is_file() {
                children.push(Pending::File(path));
            }
        }
        children.sort_by(|a, b| pending_path(b).cmp(pending_path(a)));
        self.stack.extend(children);
        failure
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        while let Some(pending) = self.stack.pop() {
            match pending {
                Pending::Named(path) => match fs::metadata(&path) {
                    Err(error) => return Some(problem(&path, format!("cannot read: {error}"))),
                    Ok(meta) if meta.is_dir() => {
                        if let Some(found) = self.enter(&path) {
                            return Some(found);
                        }
                    }
                    Ok(_) if path.file_name().is_some_and(is_digest) => return Some(Found::Digest),
                    Ok(_) => return Some(Found::File { path, named: true }),
                },
                Pending::Directory(path) => {
                    if let Some(found) = self.enter(&path) {
                        return Some(found);
                    }
                }
                Pending::File(path) if path.file_name().is_some_and(is_digest) => {
                    return Some(Found::Digest);
                }
                Pending::File(path) => return Some(Found::File { path, named: false }),
            }
        }
        None
    }
}

fn pending_path(pending: &Pending) -> &Path {
    match pending {
        Pending::Named(path) | Pending::Directory(path) | Pending::File(path) => path,
    }
}

fn problem(path: &Path, message: String) -> Found {
    Found::Problem(LogProblem {
        path: path.to_path_buf(),
        message,
    })
}

fn is_digest(name: &OsStr) -> bool {
    name.to_string_lossy().contains(DIGEST_MARKER)
}

/// A key or file name the walk would read: a log file's ending, and not a digest.
pub fn is_log_key(name: &str) -> bool {
    !name.contains(DIGEST_MARKER) && {
        let name = name.to_ascii_lowercase();
        LOG_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
    }
}

fn is_log_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    LOG_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skipping_digests_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = root.join("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01");
        let digests = root.join("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01");
        fs::create_dir_all(&day).unwrap();
        fs::create_dir_all(&digests).unwrap();
        for name in [
            "b.json.gz",
            "a.json",
            "c.txt",
            "d_CloudTrail-Digest_x.json.gz",
            "E.JSON",
        ] {
            fs::write(day.join(name), "").unwrap();
        }
        fs::write(digests.join("x.json.gz"), "").unwrap();
        let named_digest = day.join("d_CloudTrail-Digest_x.json.gz");
        let missing = root.join("missing");

        let found: Vec<Found> =
            Walk::new(&[root.to_path_buf(), named_digest, missing.clone()]).collect();
        let file = |name: &str| Found::File {
            path: day.join(name),
            named: false,
        };
        assert_eq!(found.len(), 6, "{found:?}");
        assert_eq!(
            &found[..5],
            [
                file("E.JSON"),
                file("a.json"),
                file("b.json.gz"),
                Found::Digest,
                Found::Digest
            ]
        );
        assert!(
            matches!(&found[5], Found::Problem(p) if p.path == missing && p.message.starts_with("cannot read"))
        );
    }
}
