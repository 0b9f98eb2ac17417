//! A policy document, parsed and evaluated against GuardDuty's actions: the input becomes the
//! inline policy of one user (as JSON when it is JSON, else as the URL-encoded string form
//! IAM returns), and the whole engine judges that user.
#![no_main]

use gdaudit::iam::{EvalOptions, evaluate, read_export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document = serde_json::from_str::<serde_json::Value>(text)
        .unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
    let export = serde_json::json!({
        "UserDetailList": [{
            "UserName": "fuzz",
            "Arn": "arn:aws:iam::123456789012:user/fuzz",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": document}],
        }],
        "RoleDetailList": [], "GroupDetailList": [], "Policies": [],
    });
    let Ok(bytes) = serde_json::to_vec(&export) else {
        return;
    };
    let read = read_export(&bytes);
    let evaluation = evaluate(&read.details, &EvalOptions::default());
    assert!(evaluation.principals.len() <= 1);
});
