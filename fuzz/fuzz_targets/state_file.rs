//! The `--state` file of `gdaudit changes`.
#![no_main]

use gdaudit::config::defaults::STATE_OVERLAP;
use gdaudit::model::time::parse_duration;
use gdaudit::state::State;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(state) = State::from_slice(data, "state.json") else {
        return;
    };
    let overlap = parse_duration(STATE_OVERLAP).unwrap_or(0);
    let _ = state.resume_from(overlap);
    let next = State::advanced(
        Some(&state),
        state.high_water_mark,
        [],
        overlap,
    );
    assert!(next.emitted.len() <= state.emitted.len());
});
