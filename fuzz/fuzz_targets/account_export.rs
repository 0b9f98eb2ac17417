//! An account export file (`--authorization-details`), in any of its forms and both policy
//! encodings (JSON objects or URL-encoded strings), read and then evaluated — both ways: kept
//! by the caller, and handed over (its identity policies' text freed once compiled), which
//! must judge it the same.
#![no_main]

use gdaudit::iam::{EvalOptions, evaluate, evaluate_owned, read_export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = read_export(data);
    // Evaluation is what a real run does next; bound it so a huge input stays quick.
    if read.details.users.len() + read.details.roles.len() <= 64 {
        let opts = EvalOptions::default();
        let kept = evaluate(&read.details, &opts);
        let given = evaluate_owned(read.details, &opts);
        assert_eq!(
            serde_json::to_value(&kept).ok(),
            serde_json::to_value(&given).ok(),
            "an export handed over is judged differently from one kept"
        );
    }
});
