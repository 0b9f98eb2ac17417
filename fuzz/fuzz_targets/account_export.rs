//! An account export file (`--authorization-details`), in any of its forms and both policy
//! encodings (JSON objects or URL-encoded strings), read and then evaluated.
#![no_main]

use gdaudit::iam::{EvalOptions, evaluate, read_export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = read_export(data);
    // Evaluation is what a real run does next; bound it so a huge input stays quick.
    if read.details.users.len() + read.details.roles.len() <= 64 {
        let _ = evaluate(&read.details, &EvalOptions::default());
    }
});
