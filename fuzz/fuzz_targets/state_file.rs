//! The `--state` file of `gdaudit changes`.
#![no_main]

use gdaudit::state::{DEFAULT_OVERLAP_MILLIS, State};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(state) = State::from_slice(data, "state.json") else {
        return;
    };
    let _ = state.resume_from(DEFAULT_OVERLAP_MILLIS);
    let next = State::advanced(
        Some(&state),
        state.high_water_mark,
        [],
        DEFAULT_OVERLAP_MILLIS,
    );
    assert!(next.emitted.len() <= state.emitted.len());
});
