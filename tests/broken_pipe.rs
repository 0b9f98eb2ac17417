//! A reader that goes away (`gdaudit … | head`, `| true`) ends the run quietly, with the run's
//! own verdict as the exit status, and never records undelivered output in `--state`.
//!
//! The child's stdout is a pipe whose only read end is closed before the child writes, so its
//! first write fails with EPIPE every time: no timing is involved.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn gdaudit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gdaudit"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key == "NO_COLOR" || key == "CI" {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Runs `cmd` with its stdout's reader gone before it starts writing.
fn run_with_closed_stdout(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

fn record(id: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory",
                         "accountId": "111122223333", "userName": "mallory"},
        "eventTime": "2026-11-01T10:00:00Z",
        "eventSource": "guardduty.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "requestParameters": {"detectorId": "d1"},
        "eventID": id,
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    })
}

/// A log directory with one change; with `corrupt`, also a cut-off gzip file (incomplete).
fn logs(dir: &Path, name: &str, corrupt: bool) -> PathBuf {
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let body = serde_json::to_vec(&json!({"Records": [record("ev-1", name)]})).unwrap();
    std::fs::write(logs.join("a.json"), &body).unwrap();
    if corrupt {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&body).unwrap();
        let gz = gz.finish().unwrap();
        std::fs::write(logs.join("cut.json.gz"), &gz[..gz.len() / 2]).unwrap();
    }
    logs
}

fn changes(logs: &Path, state: &Path, format: &str, fail_on: &str) -> Command {
    let mut cmd = gdaudit();
    cmd.args(["changes", "-o", format, "--fail-on", fail_on, "--since"])
        .arg("2026-11-01T00:00:00Z")
        .args(["--until", "2026-11-02T00:00:00Z", "--state"])
        .arg(state)
        .arg("--logs")
        .arg(logs);
    cmd
}

fn assert_quiet(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "a broken pipe ends quietly: {stderr}"
    );
}

#[test]
fn an_incomplete_run_stays_incomplete_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path(), "CreateIPSet", true);
    let state = dir.path().join("state.json");
    for format in ["json", "table", "jsonl", "csv", "sarif"] {
        let out = run_with_closed_stdout(changes(&logs, &state, format, "never"));
        assert_eq!(
            out.status.code(),
            Some(3),
            "-o {format}: incomplete, not a pass"
        );
        assert_quiet(&out);
        assert!(
            !state.exists(),
            "-o {format}: undelivered output is not recorded"
        );
    }
}

#[test]
fn a_failing_run_still_fails_and_a_clean_one_passes() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path(), "DeleteDetector", false);
    let state = dir.path().join("state.json");
    let out = run_with_closed_stdout(changes(&logs, &state, "json", "low"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the finding still fails the run"
    );
    assert_quiet(&out);
    assert!(!state.exists());
    let out = run_with_closed_stdout(changes(&logs, &state, "json", "never"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "a complete run below --fail-on passes"
    );
    assert!(
        !state.exists(),
        "even a pass is not recorded when undelivered"
    );
    // Control: the same run with a reader records what it delivered.
    let out = changes(&logs, &state, "json", "never").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["high_water_mark"], "2026-11-02T00:00:00Z", "{saved}");
}

#[test]
fn a_snapshot_audit_keeps_its_verdict() {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-snapshot.json");
    let mut cmd = gdaudit();
    cmd.args(["audit", "-o", "json", "--snapshot"])
        .arg(&snapshot);
    let delivered = cmd.output().unwrap().status.code();
    let mut cmd = gdaudit();
    cmd.args(["audit", "-o", "json", "--snapshot"])
        .arg(&snapshot);
    let out = run_with_closed_stdout(cmd);
    assert_eq!(delivered, Some(1), "the demo snapshot fails its audit");
    assert_eq!(out.status.code(), delivered);
    assert_quiet(&out);
}

#[test]
fn completions_end_quietly_with_status_0_when_the_reader_goes_away() {
    // `gdaudit completions bash | head -1` used to panic inside clap_complete.
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let mut cmd = gdaudit();
        cmd.args(["completions", shell]);
        let out = run_with_closed_stdout(cmd);
        assert_eq!(out.status.code(), Some(0), "{shell}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
