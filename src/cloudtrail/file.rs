//! Reading one log file: decompress, split into records, keep the GuardDuty events.
//!
//! The hot path: most records are not GuardDuty's, so a record is only parsed when its
//! text contains `guardduty.amazonaws.com`; the others are validated and counted by the
//! splitter without being built.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;
use serde_json::Value;

use super::LogReadOptions;
use super::split::{Piece, Pieces};
use crate::model::cloudtrail::{Event, GUARDDUTY_SOURCE, Timestamp};

/// A file bigger than this once decompressed is not read (a gzip bomb, or not a log file),
/// unless [`LogReadOptions::max_file_bytes`] says otherwise. CloudTrail's own files are a few MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// What one file held.
#[derive(Debug, Default)]
pub(crate) struct FileContents {
    /// GuardDuty events kept, with their record's index in the file.
    pub events: Vec<(Event, u64)>,
    /// Records seen (including Insights and other services').
    pub records: u64,
    /// Top-level JSON values that are neither records nor `{"Records": [...]}`.
    pub other_values: u64,
    /// Why the file could not be read to its end; what came before is still in `events`.
    pub problem: Option<String>,
}

impl FileContents {
    /// Valid JSON, but nothing in it is a CloudTrail record (a manifest, a config file…).
    pub(crate) fn is_not_cloudtrail(&self) -> bool {
        self.problem.is_none() && self.records == 0 && self.other_values > 0
    }
}

/// Reads `path` into `buffer` (reused across files) and returns what it held.
pub(crate) fn read_file(
    path: &Path,
    buffer: &mut Vec<u8>,
    options: &LogReadOptions,
) -> FileContents {
    buffer.clear();
    let limit = options.max_file_bytes();
    let load_problem = match File::open(path) {
        Ok(file) => load(
            BufReader::with_capacity(256 * 1024, file),
            named_gz(path),
            limit,
            buffer,
        )
        .err(),
        Err(error) => Some(format!("cannot open: {error}")),
    };
    checked_read(buffer, load_problem, limit, options)
}

/// What one log file held, read from its bytes (gzip is recognised by its magic bytes): the
/// entry point for one file's data that does not come from disk (and for the fuzz targets).
pub fn read_log_data(data: &[u8], named_gz: bool, options: &LogReadOptions) -> LogFileRead {
    let mut buffer = Vec::new();
    let limit = options.max_file_bytes();
    let load_problem = load(data, named_gz, limit, &mut buffer).err();
    let contents = checked_read(&buffer, load_problem, limit, options);
    LogFileRead {
        events: contents
            .events
            .into_iter()
            .map(|(event, _)| event)
            .collect(),
        records: contents.records,
        problem: contents.problem,
    }
}

/// Reads one object's bytes as fetched (from S3): decompressed like a file (within the same
/// size limit), then read by the same code. `name` is the object's key, whose `.gz` ending
/// means it must be gzip.
pub(crate) fn read_object(
    name: &str,
    raw: &[u8],
    buffer: &mut Vec<u8>,
    options: &LogReadOptions,
) -> FileContents {
    buffer.clear();
    let named_gz = name.to_ascii_lowercase().ends_with(".gz");
    let limit = options.max_file_bytes();
    let load_problem = load(raw, named_gz, limit, buffer).err();
    checked_read(buffer, load_problem, limit, options)
}

/// What [`read_log_data`] found in one file.
#[derive(Debug, Default)]
pub struct LogFileRead {
    /// GuardDuty events kept, in file order.
    pub events: Vec<Event>,
    /// Records seen (including Insights and other services').
    pub records: u64,
    /// Why the file could not be read to its end, when it could not.
    pub problem: Option<String>,
}

fn named_gz(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"))
}

/// Refuses a file that decompressed past `limit`; reads the others.
fn checked_read(
    buffer: &[u8],
    load_problem: Option<String>,
    limit: u64,
    options: &LogReadOptions,
) -> FileContents {
    if buffer.len() as u64 > limit {
        return FileContents {
            problem: Some(format!(
                "larger than {} once decompressed (the limit): not read",
                crate::limits::human_bytes(limit)
            )),
            ..FileContents::default()
        };
    }
    read_bytes(buffer, load_problem, options)
}

/// Reads a file's (decompressed) bytes. `load_problem` is why loading stopped early, if it did.
pub(crate) fn read_bytes(
    buffer: &[u8],
    load_problem: Option<String>,
    options: &LogReadOptions,
) -> FileContents {
    let mut contents = FileContents {
        problem: load_problem,
        ..FileContents::default()
    };
    let text = match std::str::from_utf8(buffer) {
        Ok(text) => Cow::Borrowed(text),
        // Cut short inside a character: the decompressor or the JSON will say why.
        Err(error) if error.error_len().is_none() => {
            Cow::Borrowed(std::str::from_utf8(&buffer[..error.valid_up_to()]).unwrap_or_default())
        }
        Err(error) => {
            contents.problem.get_or_insert_with(|| {
                format!(
                    "not UTF-8 text (first bad byte at {}); the rest was read",
                    error.valid_up_to()
                )
            });
            String::from_utf8_lossy(buffer)
        }
    };
    let mut reader = Reader {
        options,
        contents: &mut contents,
    };
    for piece in Pieces::new(&text) {
        match piece {
            Ok(Piece::Element(record)) => reader.element(record),
            Ok(Piece::TopLevel(value)) => reader.top_level(value),
            Err(error) => {
                // A decompression error already explains why the JSON stops.
                reader
                    .contents
                    .problem
                    .get_or_insert_with(|| error.to_string());
                break;
            }
        }
    }
    contents
}

/// Reads a file, decompressing gzip (recognised by its magic bytes), into `buffer`; at most
/// `limit + 1` bytes, so that a file past the limit is seen to be, without holding more.
fn load(
    mut reader: impl BufRead,
    named_gz: bool,
    limit: u64,
    buffer: &mut Vec<u8>,
) -> Result<(), String> {
    let head = reader
        .fill_buf()
        .map_err(|error| format!("cannot read: {error}"))?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    if named_gz && !gzip {
        return Err(if head.is_empty() {
            "empty file: no gzip data".to_owned()
        } else {
            "not gzip data (no gzip header)".to_owned()
        });
    }
    let limit = limit.saturating_add(1);
    let result = if gzip {
        MultiGzDecoder::new(reader).take(limit).read_to_end(buffer)
    } else {
        reader.take(limit).read_to_end(buffer)
    };
    result.map(drop).map_err(|error| {
        if gzip {
            format!(
                "truncated or corrupt gzip data after {} decompressed bytes: {error}",
                buffer.len()
            )
        } else {
            format!("read failed after {} bytes: {error}", buffer.len())
        }
    })
}

struct Reader<'a> {
    options: &'a LogReadOptions,
    contents: &'a mut FileContents,
}

impl Reader<'_> {
    fn element(&mut self, record: &str) {
        let index = self.contents.records;
        self.contents.records += 1;
        // Cheap test first: only a record mentioning GuardDuty can be a GuardDuty call.
        if !record.contains(GUARDDUTY_SOURCE) {
            return;
        }
        if let Ok(value) = serde_json::from_str::<Value>(record) {
            self.keep(&value, index);
        }
    }

    fn top_level(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            // The splitter validated it; unreachable in practice, and harmless.
            self.contents.other_values += 1;
            return;
        };
        if let Some(records) = records_array(&value) {
            for record in records {
                let index = self.contents.records;
                self.contents.records += 1;
                self.keep(record, index);
            }
        } else if looks_like_record(&value) {
            let index = self.contents.records;
            self.contents.records += 1;
            self.keep(&value, index);
        } else {
            self.contents.other_values += 1;
        }
    }

    /// Keeps the record if it is a GuardDuty event the options ask for.
    fn keep(&mut self, record: &Value, index: u64) {
        let Ok(event) = Event::from_value(record) else {
            return; // Insights records and non-API records are counted, not kept.
        };
        let options = self.options;
        if !event.is_guardduty()
            || (!options.include_read_only && !event.is_change())
            || !in_window(event.event_time, options.since, options.until)
        {
            return;
        }
        let event = if options.keep_raw {
            event.with_raw(record.clone())
        } else {
            event
        };
        self.contents.events.push((event, index));
    }
}

/// `since <= time <= until`, both inclusive as in LookupEvents. With a window set, an
/// event without a readable time cannot be placed in it and is left out.
pub(crate) fn in_window(
    time: Option<Timestamp>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
) -> bool {
    if since.is_none() && until.is_none() {
        return true;
    }
    time.is_some_and(|t| since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u))
}

/// The `Records` array of a wrapper object whose key was not first.
fn records_array(value: &Value) -> Option<&Vec<Value>> {
    let map = value.as_object()?;
    map.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("Records"))
        .and_then(|(_, records)| records.as_array())
}

/// An object with any of the keys every CloudTrail record has (in any letter case).
fn looks_like_record(value: &Value) -> bool {
    const KEYS: [&str; 6] = [
        "eventName",
        "eventSource",
        "eventID",
        "eventTime",
        "eventVersion",
        "insightDetails",
    ];
    value.as_object().is_some_and(|map| {
        map.keys()
            .any(|key| KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)))
    })
}
