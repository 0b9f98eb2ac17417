//! `read_logs`: the files under `--logs` paths, read by a pool of threads sharing one walk.
//!
//! Memory stays flat however large the archive: each worker holds one decompressed file at
//! a time and keeps only GuardDuty events. The result does not depend on thread timing:
//! events are sorted by time, then event id, then file and position, and de-duplicated by
//! event id; problems are sorted by path.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::file::{DEFAULT_MAX_FILE_BYTES, FileContents, read_file, read_object};
use super::walk::{Found, Walk};
use crate::model::cloudtrail::{Event, Timestamp};

/// How to read `--logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogReadOptions {
    /// Keep GuardDuty reads too (`--include-read-only`); otherwise only changes are kept.
    pub include_read_only: bool,
    /// Keep events at or after this time. With `since` or `until` set, events without a
    /// readable time are left out.
    pub since: Option<Timestamp>,
    /// Keep events at or before this time.
    pub until: Option<Timestamp>,
    /// Reader threads; 0 means one per available core.
    pub threads: usize,
    /// Keep each event's whole record in [`Event::raw`] (`--raw`).
    pub keep_raw: bool,
    /// Counts files as they are read, for the progress line.
    pub progress: crate::progress::Tick,
    /// The most bytes one file may decompress to before it is refused as a problem
    /// (a gzip bomb); `None` means [`DEFAULT_MAX_FILE_BYTES`] (1 GiB).
    pub max_file_bytes: Option<u64>,
}

impl LogReadOptions {
    /// The decompressed size past which a file is not read.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES)
    }
}

/// What `--logs` held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRead {
    /// GuardDuty events, sorted by time (undated last) then event id, one per event id.
    pub events: Vec<Event>,
    /// CloudTrail log files read, including those with a problem.
    pub files_read: usize,
    /// Files not read as logs: CloudTrail digest files, and JSON files found in a directory
    /// that hold no CloudTrail record (such as a manifest).
    pub files_skipped: usize,
    /// Records in the files read, of every service, Insights included.
    pub records_seen: u64,
    /// Files and directories that could not be read, or only in part.
    pub problems: Vec<LogProblem>,
}

impl LogRead {
    /// Every file was read to its end: the events are all there is.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A file or directory that could not be read (or only in part), and why: one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProblem {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for LogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Reads CloudTrail log files (`.json`, `.json.gz`, NDJSON; files or directory trees) and
/// returns their GuardDuty events. Never fails as a whole: what could not be read is listed
/// in [`LogRead::problems`], and everything else is still read.
pub fn read_logs(paths: &[PathBuf], options: &LogReadOptions) -> LogRead {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        n => n,
    };
    let walk = Mutex::new(Walk::new(paths));
    let outputs: Vec<WorkerOutput> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| work(&walk, options)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|_| WorkerOutput::crashed()))
            .collect()
    });
    merge(outputs)
}

/// An event and where it was found, for a deterministic order.
struct Located {
    event: Event,
    path: Arc<Path>,
    index: u64,
}

#[derive(Default)]
struct WorkerOutput {
    events: Vec<Located>,
    files_read: usize,
    files_skipped: usize,
    records_seen: u64,
    problems: Vec<LogProblem>,
}

impl WorkerOutput {
    /// Counts a file that was read (`named`: the user gave its path) and keeps its events.
    fn add(&mut self, path: PathBuf, named: bool, contents: FileContents) {
        if contents.is_not_cloudtrail() {
            if named {
                self.problems.push(LogProblem {
                    path,
                    message: "no CloudTrail records in this file".to_owned(),
                });
            } else {
                self.files_skipped += 1;
            }
            return;
        }
        self.files_read += 1;
        self.records_seen += contents.records;
        let path: Arc<Path> = Arc::from(path);
        if let Some(message) = contents.problem {
            self.problems.push(LogProblem {
                path: path.to_path_buf(),
                message,
            });
        }
        self.events
            .extend(contents.events.into_iter().map(|(event, index)| Located {
                event,
                path: Arc::clone(&path),
                index,
            }));
    }

    /// A worker that panicked: its files' results are lost, and the run says so.
    fn crashed() -> WorkerOutput {
        WorkerOutput {
            problems: vec![LogProblem {
                path: PathBuf::new(),
                message: "a reader thread stopped unexpectedly; some files may not have been read"
                    .to_owned(),
            }],
            ..WorkerOutput::default()
        }
    }
}

/// A buffer that grew past this for one large file is let go rather than kept for the next.
const KEEP_BUFFER_BYTES: usize = 64 << 20;

fn work(walk: &Mutex<Walk>, options: &LogReadOptions) -> WorkerOutput {
    let mut output = WorkerOutput::default();
    let mut buffer = Vec::new();
    loop {
        // The walk reads directories while locked; that is short next to reading a file.
        let found = walk.lock().unwrap_or_else(PoisonError::into_inner).next();
        let Some(found) = found else {
            break;
        };
        let (path, named) = match found {
            Found::File { path, named } => {
                options.progress.inc();
                (path, named)
            }
            Found::Digest => {
                output.files_skipped += 1;
                continue;
            }
            Found::Problem(problem) => {
                output.problems.push(problem);
                continue;
            }
        };
        let contents = read_file(&path, &mut buffer, options);
        if buffer.capacity() > KEEP_BUFFER_BYTES {
            buffer = Vec::new();
        }
        output.add(path, named, contents);
    }
    output
}

fn merge(outputs: Vec<WorkerOutput>) -> LogRead {
    let mut read = LogRead::default();
    let mut located = Vec::new();
    for output in outputs {
        read.files_read += output.files_read;
        read.files_skipped += output.files_skipped;
        read.records_seen += output.records_seen;
        read.problems.extend(output.problems);
        located.extend(output.events);
    }
    located.sort_by(|a, b| {
        let time = |l: &Located| (l.event.event_time.is_none(), l.event.event_time);
        time(a)
            .cmp(&time(b))
            .then_with(|| a.event.event_id.cmp(&b.event.event_id))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.index.cmp(&b.index))
    });
    let mut seen = HashSet::new();
    read.events = located
        .into_iter()
        .filter(|l| match &l.event.event_id {
            Some(id) => seen.insert(id.clone()),
            None => true,
        })
        .map(|l| l.event)
        .collect();
    read.problems
        .sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    read
}

/// One log object fetched from elsewhere (an S3 object), read by the same code as a file.
#[derive(Debug)]
pub struct ObjectRead {
    name: PathBuf,
    contents: FileContents,
}

/// Reads one object's bytes as fetched (gzip or not, `{"Records":[...]}`, arrays, NDJSON),
/// keeping the GuardDuty events `options` asks for. `name` (e.g. `s3://bucket/key`) names the
/// object in problems; a key ending `.gz` must hold gzip data.
pub fn read_log_object(name: &str, raw: &[u8], options: &LogReadOptions) -> ObjectRead {
    thread_local! {
        // One decompression buffer per reader thread, reused as the file reader's is, so
        // that memory stays flat however many objects a thread reads.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let contents = BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        let contents = read_object(name, raw, &mut buffer, options);
        if buffer.capacity() > KEEP_BUFFER_BYTES {
            *buffer = Vec::new();
        }
        contents
    });
    options.progress.inc();
    ObjectRead {
        name: PathBuf::from(name),
        contents,
    }
}

/// Merges objects read with [`read_log_object`] exactly as [`read_logs`] merges files: sorted,
/// one event per event id. `problems` are objects or listings that could not be read at all;
/// `skipped` counts objects not read as logs (digests).
pub fn merge_objects(
    objects: Vec<ObjectRead>,
    problems: Vec<LogProblem>,
    skipped: usize,
) -> LogRead {
    let mut output = WorkerOutput {
        problems,
        files_skipped: skipped,
        ..WorkerOutput::default()
    };
    for object in objects {
        output.add(object.name, false, object.contents);
    }
    merge(vec![output])
}
