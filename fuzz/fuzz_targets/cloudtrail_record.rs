//! One CloudTrail record, as a LookupEvents `CloudTrailEvent` string carries it.
#![no_main]

use gdaudit::model::cloudtrail::Event;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        let _ = Event::from_slice(data);
        return;
    };
    if let Ok(event) = Event::from_json_str_with_raw(text) {
        let _ = (event.is_change(), event.failed(), event.action());
        let _ = (
            event.account(),
            event.user_identity.role_name(),
            event.user_identity.session_name(),
        );
        let _ = gdaudit::state::event_key(&event);
        // What is kept must survive the snapshot round trip.
        if let Ok(json) = serde_json::to_string(&event) {
            let _ = serde_json::from_str::<Event>(&json);
        }
    }
    let _ = Event::from_json_str(text);
});
