//! The `--state` file of `gdaudit changes`: what earlier runs emitted, so a cron job sees each
//! change exactly once even though CloudTrail delivers events minutes late.
//!
//! Each run reads from `high_water_mark - overlap` (re-reading the overlap catches late
//! events) and drops the events whose key an earlier run already emitted. The file is replaced
//! atomically, and only after the output was written: a run that fails leaves it as it was.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::cloudtrail::{Event, Timestamp};

pub const STATE_VERSION: u32 = 1;

/// A state file larger than this is not read: it holds keys for a few hours of events,
/// kilobytes in practice, so anything near this size is not one.
pub const MAX_STATE_BYTES: u64 = 256 << 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub state_version: u32,
    /// The end of the window the last successful run read.
    pub high_water_mark: Timestamp,
    /// Keys of events already emitted (event id, or a digest for records without one),
    /// with their event time, kept while they can still be re-read.
    pub emitted: BTreeMap<String, Timestamp>,
}

/// A state file that cannot be used. The run stops rather than re-emit or skip changes.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read state file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "state file {path} is not a gdaudit state file ({reason}); move it away to start afresh"
    )]
    Invalid { path: String, reason: String },
    #[error("cannot write state file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// The key an event is remembered by: its `eventID`, or for a record without one, a digest of
/// what identifies the call.
pub fn event_key(event: &Event) -> String {
    if let Some(id) = event.event_id.as_deref().filter(|id| !id.is_empty()) {
        return id.to_owned();
    }
    let mut hasher = Sha256::new();
    let parts = [
        event
            .event_time
            .map(|t| t.unix_millis().to_string())
            .unwrap_or_default(),
        event.event_name.clone(),
        event.region.clone().unwrap_or_default(),
        event.user_identity.arn.clone().unwrap_or_default(),
        event.source_ip_address.clone().unwrap_or_default(),
        event
            .request_parameters
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default(),
    ];
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("noid:{hex}")
}

impl State {
    /// Reads the state file; `Ok(None)` when it does not exist yet (the first run).
    pub fn load(path: &Path) -> Result<Option<State>, StateError> {
        let bytes = match crate::limits::read_bounded(path, MAX_STATE_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StateError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        State::from_slice(&bytes, &path.display().to_string()).map(Some)
    }

    /// Parses a state file's bytes (`name` names it in errors).
    pub fn from_slice(bytes: &[u8], name: &str) -> Result<State, StateError> {
        let state: State = serde_json::from_slice(bytes).map_err(|e| StateError::Invalid {
            path: name.to_owned(),
            reason: e.to_string(),
        })?;
        if state.state_version != STATE_VERSION {
            return Err(StateError::Invalid {
                path: name.to_owned(),
                reason: format!("version {}, expected {STATE_VERSION}", state.state_version),
            });
        }
        Ok(state)
    }

    /// Where the next window starts: the last high-water mark less the overlap.
    pub fn resume_from(&self, overlap_millis: i64) -> Timestamp {
        self.high_water_mark.add_millis(-overlap_millis)
    }

    pub fn already_emitted(&self, event: &Event) -> bool {
        self.emitted.contains_key(&event_key(event))
    }

    /// The state after a run that read up to `until` and emitted `events`. Keys older than
    /// any window a later run can read are dropped, so the file stays small.
    pub fn advanced<'a>(
        previous: Option<&State>,
        until: Timestamp,
        events: impl IntoIterator<Item = &'a Event>,
        overlap_millis: i64,
    ) -> State {
        let mut emitted = previous.map(|s| s.emitted.clone()).unwrap_or_default();
        for event in events {
            emitted.insert(event_key(event), event.event_time.unwrap_or(until));
        }
        let high_water_mark = previous.map_or(until, |p| p.high_water_mark.max(until));
        // Keep a key while its event can still fall inside a later run's window.
        let horizon = high_water_mark.add_millis(-2 * overlap_millis);
        emitted.retain(|_, time| *time >= horizon);
        State {
            state_version: STATE_VERSION,
            high_water_mark,
            emitted,
        }
    }

    /// Replaces the file atomically (write beside it, then rename).
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| StateError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        bytes.push(b'\n');
        crate::fsio::write_atomically(path, &bytes).map_err(|source| StateError::Write {
            path: path.display().to_string(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: Option<&str>, millis: i64) -> Event {
        let mut e = Event::from_json_str(
            r#"{"eventName":"DeleteDetector","eventSource":"guardduty.amazonaws.com","awsRegion":"eu-west-1"}"#,
        )
        .unwrap();
        e.event_id = id.map(str::to_owned);
        e.event_time = Some(Timestamp::from_unix_millis(millis));
        e
    }

    #[test]
    fn emitted_events_are_remembered_and_old_ones_forgotten() {
        let hour = 3_600_000;
        let a = event(Some("a"), 10 * hour);
        let first = State::advanced(None, Timestamp::from_unix_millis(11 * hour), [&a], 2 * hour);
        assert!(first.already_emitted(&a));
        assert_eq!(
            first.resume_from(2 * hour),
            Timestamp::from_unix_millis(9 * hour)
        );
        // Much later, `a` can no longer be re-read and is dropped.
        let b = event(Some("b"), 30 * hour);
        let later = State::advanced(
            Some(&first),
            Timestamp::from_unix_millis(31 * hour),
            [&b],
            2 * hour,
        );
        assert!(!later.already_emitted(&a));
        assert!(later.already_emitted(&b));
    }

    #[test]
    fn the_high_water_mark_never_moves_back() {
        let s = State::advanced(None, Timestamp::from_unix_millis(100), [], 10);
        let t = State::advanced(Some(&s), Timestamp::from_unix_millis(50), [], 10);
        assert_eq!(t.high_water_mark, Timestamp::from_unix_millis(100));
    }

    #[test]
    fn records_without_an_event_id_get_a_stable_key() {
        let a = event(None, 5);
        assert_eq!(event_key(&a), event_key(&a.clone()));
        assert!(event_key(&a).starts_with("noid:"));
        assert_ne!(event_key(&a), event_key(&event(None, 6)));
    }

    #[test]
    fn missing_file_is_a_first_run_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            State::load(&dir.path().join("none.json"))
                .unwrap()
                .is_none()
        );
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        assert!(matches!(State::load(&bad), Err(StateError::Invalid { .. })));
        let s = State::advanced(
            None,
            Timestamp::from_unix_millis(7),
            [&event(Some("x"), 7)],
            1,
        );
        let good = dir.path().join("good.json");
        s.save(&good).unwrap();
        assert_eq!(State::load(&good).unwrap(), Some(s));
    }
}
