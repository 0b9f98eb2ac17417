//! Every output format of every reporting command, pinned on the bundled offline inputs.
//!
//! These snapshots are the contract a refactor must keep: a change to any of them is either
//! a bug or a deliberate change listed in CHANGELOG.md with its reason. The only thing
//! redacted is the run's own clock (`generated_at` and the times derived from it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::gdaudit_offline as gdaudit;

const FORMATS: [&str; 6] = ["table", "json", "jsonl", "sarif", "csv", "ocsf"];

const DEMO: &str = "examples/demo-snapshot.json";
const ORG_DEMO: &str = "examples/org-demo-snapshot.json";

/// (name, arguments): the commands on the demo snapshot and on the other bundled inputs.
fn runs() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("detectors", vec!["detectors", "--snapshot", DEMO]),
        ("changes", vec!["changes", "--snapshot", DEMO]),
        ("permissions", vec!["permissions", "--snapshot", DEMO]),
        ("audit", vec!["audit", "--snapshot", DEMO]),
        (
            "audit_config",
            vec![
                "audit",
                "--config",
                "examples/gdaudit.toml",
                "--snapshot",
                DEMO,
            ],
        ),
        (
            "org_detectors",
            vec!["detectors", "--org", "--snapshot", ORG_DEMO],
        ),
        ("org_audit", vec!["audit", "--org", "--snapshot", ORG_DEMO]),
        (
            "changes_logs",
            vec!["changes", "--logs", "tests/fixtures/cloudtrail/corpus"],
        ),
        (
            "permissions_file",
            vec![
                "permissions",
                "--authorization-details",
                "tests/fixtures/iam/cloudsplaining__examples__files__example.json",
            ],
        ),
    ]
}

/// Days since 1970-01-01 as (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Replaces the run's clock: RFC 3339 times dated today or yesterday (UTC) and Unix
/// milliseconds within two days of now. Nothing in the bundled inputs is that recent.
fn redact_now(text: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let today = now.as_secs() as i64 / 86_400;
    let dates: Vec<String> = [today, today - 1]
        .iter()
        .map(|d| {
            let (y, m, dd) = civil(*d);
            format!("{y:04}-{m:02}-{dd:02}T")
        })
        .collect();
    let now_ms = now.as_millis() as i64;
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        // An RFC 3339 time of today or yesterday: up to its `Z`.
        if let Some(date) = dates.iter().find(|d| text[i..].starts_with(d.as_str())) {
            let rest = &text[i + date.len()..];
            if let Some(end) = rest.find('Z').filter(|e| *e <= 16) {
                out.push_str("[now]");
                i += date.len() + end + 1;
                continue;
            }
        }
        // Unix milliseconds near now: 13 digits, not part of a longer number.
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 13 {
                let n: i64 = text[i..i + 13].parse().unwrap();
                if (n - now_ms).abs() < 2 * 86_400_000 {
                    out.push_str("[now-ms]");
                    i += 13;
                    continue;
                }
            }
            out.push_str(&text[i..i + len]);
            i += len;
            continue;
        }
        let ch = text[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

#[test]
fn every_format_of_every_command_is_pinned() {
    for (name, args) in runs() {
        for format in FORMATS {
            let out = gdaudit()
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(&args)
                .args(["-o", format])
                .output()
                .unwrap();
            let text = format!(
                "exit: {:?}\n--- stderr\n{}--- stdout\n{}",
                out.status.code(),
                redact_now(&String::from_utf8_lossy(&out.stderr)),
                redact_now(&String::from_utf8_lossy(&out.stdout)),
            );
            insta::assert_snapshot!(format!("{name}__{format}"), text);
        }
    }
}

#[test]
fn explain_is_pinned() {
    for format in ["table", "json"] {
        let out = gdaudit()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["permissions", "--snapshot", DEMO, "-o", format, "explain"])
            .arg("arn:aws:iam::111122223333:role/ops-automation")
            .output()
            .unwrap();
        let text = format!(
            "exit: {:?}\n--- stderr\n{}--- stdout\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout),
        );
        insta::assert_snapshot!(format!("explain__{format}"), text);
    }
}

#[test]
fn the_clock_redaction_leaves_old_times_alone() {
    let old = "2026-11-22T08:00:00Z 1763798400000";
    assert_eq!(redact_now(old), old);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let ms = now.as_millis().to_string();
    assert_eq!(redact_now(&format!("t={ms}.")), "t=[now-ms].");
}
