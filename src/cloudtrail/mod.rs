//! CloudTrail log files as delivered to S3 (`--logs`): find them, read them on every core,
//! and keep the GuardDuty events, sorted and de-duplicated. Objects fetched from S3 are read
//! by the same code ([`read_log_object`], [`merge_objects`]).
//!
//! Collection, not judgement: what the events mean is `checks::changes`'s business.

mod file;
mod logs;
mod split;
mod walk;

pub use file::{DEFAULT_MAX_FILE_BYTES, LogFileRead, read_log_data};
pub use logs::{
    LogProblem, LogRead, LogReadOptions, ObjectRead, merge_objects, read_log_object, read_logs,
};
pub use walk::is_log_key;

#[cfg(test)]
mod tests;
