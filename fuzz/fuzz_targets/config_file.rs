//! The configuration file (`gdaudit.toml`, `--config`).
#![no_main]

use std::path::Path;

use gdaudit::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = Config::parse(text, Path::new("gdaudit.toml")) {
        // The error is one line that names the file.
        let message = error.to_string();
        assert!(message.contains("gdaudit.toml"), "{message}");
    }
});
