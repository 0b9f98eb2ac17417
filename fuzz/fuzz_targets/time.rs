//! Times, durations and sizes: record timestamps, `--since`/`--until`, `--state-overlap`,
//! `--max-log-size`.
#![no_main]

use gdaudit::model::time::parse_when;
use gdaudit::model::cloudtrail::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(t) = Timestamp::parse(text) {
        // What parses prints and parses back to the same instant.
        let printed = serde_json::to_string(&t).unwrap_or_default();
        let back: Option<Timestamp> = serde_json::from_str(&printed).ok();
        assert_eq!(back, Some(t), "{text:?} -> {printed}");
    }
    if let Ok(number) = text.trim().parse::<f64>() {
        let _ = Timestamp::from_epoch_number(number);
    }
    let _ = parse_when(text, Timestamp::from_unix_millis(1_790_000_000_000));
    let _ = parse_when(text, Timestamp::from_unix_millis(i64::MAX));
    if let Ok(bytes) = gdaudit::limits::parse_size(text) {
        assert!(bytes > 0);
    }
});
