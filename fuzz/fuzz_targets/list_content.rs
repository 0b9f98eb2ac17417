//! A trusted or threat list object as `--read-lists` reads it from S3, in the format the
//! first input byte chooses; counts must add up and the named broad entries stay bounded.
#![no_main]

use gdaudit::model::list_content::parse;
use libfuzzer_sys::fuzz_target;

const FORMATS: [&str; 7] = [
    "TXT",
    "STIX",
    "OTX_CSV",
    "ALIEN_VAULT",
    "PROOF_POINT",
    "FIRE_EYE",
    "UNKNOWN",
];

fuzz_target!(|data: &[u8]| {
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(*first) % FORMATS.len()];
    let content = parse(format, body);
    assert_eq!(content.bytes, body.len() as u64);
    assert!(content.broad.len() <= 20);
    assert!(content.broad_count <= content.entries());
    assert!(content.broad.iter().all(|b| b.chars().count() <= 64));
});
