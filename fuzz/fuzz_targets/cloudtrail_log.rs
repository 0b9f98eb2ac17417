//! One CloudTrail log file as `--logs` reads it: plain JSON, NDJSON, or gzip. The first byte
//! chooses how the rest is presented: as is (gzip is then recognised by its magic bytes), or
//! gzip-compressed first, so the decompressor's happy path is reached as often as its errors.
#![no_main]

use std::io::Write;

use gdaudit::cloudtrail::{LogReadOptions, read_log_data};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let options = LogReadOptions {
        include_read_only: mode & 2 != 0,
        keep_raw: mode & 4 != 0,
        // A small bound, so the limit's edge is reached too.
        max_file_bytes: Some(64 << 10),
        ..LogReadOptions::default()
    };
    let read = if mode & 1 == 0 {
        read_log_data(rest, mode & 8 != 0, &options)
    } else {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(rest);
        let Ok(compressed) = gz.finish() else { return };
        read_log_data(&compressed, true, &options)
    };
    for event in &read.events {
        assert!(event.is_guardduty());
        let _ = (
            event.account(),
            event.user_identity.role_name(),
            event.user_identity.session_name(),
        );
    }
});
