//! A snapshot file (`--snapshot`): parsed, then judged by the detectors audit.
#![no_main]

use gdaudit::model::Snapshot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = serde_json::from_slice::<Snapshot>(data) else {
        return;
    };
    // Judged as the detectors audit judges it.
    let regions = snapshot.detectors.as_deref().unwrap_or_default();
    let _ = gdaudit::checks::detectors::check(snapshot.account.id.as_deref(), regions);
    for region in regions {
        let _ = gdaudit::checks::detectors::region_state(region);
    }
    if let Ok(json) = serde_json::to_vec(&snapshot) {
        assert!(serde_json::from_slice::<Snapshot>(&json).is_ok());
    }
});
