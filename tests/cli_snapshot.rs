//! The real binary on snapshot files: table, JSON and JSONL output, and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::gdaudit_offline as gdaudit;
use serde_json::{Value, json};

fn demo_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-snapshot.json")
}

fn demo() -> Value {
    serde_json::from_slice(&std::fs::read(demo_path()).unwrap()).unwrap()
}

/// Writes a snapshot to a temporary file and returns it (kept alive by the handle).
fn snapshot_file(value: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(value).unwrap()).unwrap();
    file
}

/// The demo account reduced to the regions given, all healthy and centrally managed.
fn healthy(regions: &[&str]) -> Value {
    let mut snap = demo();
    let good = snap["detectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "us-east-2")
        .unwrap()
        .clone();
    snap["detectors"] = Value::Array(
        regions
            .iter()
            .map(|name| {
                let mut r = good.clone();
                r["region"] = json!(name);
                r
            })
            .collect(),
    );
    snap["regions"]["regions"] = Value::Array(
        regions
            .iter()
            .map(|n| json!({"name": n, "opt_status": "ENABLED_BY_DEFAULT"}))
            .collect(),
    );
    snap
}

fn run_json(args: &[&str]) -> (Value, i32) {
    let out = gdaudit().args(args).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (doc, out.status.code().unwrap())
}

#[test]
fn demo_table_output() {
    let out = gdaudit()
        .args(["detectors", "--snapshot"])
        .arg(demo_path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("demo_table", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn demo_json_output() {
    let path = demo_path();
    let (doc, code) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--snapshot",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "gdaudit");
    assert_eq!(doc["summary"]["incomplete"], true);
    insta::assert_json_snapshot!("demo_json", doc, { ".generated_at" => "[time]" });
}

#[test]
fn demo_jsonl_output_is_one_finding_per_line() {
    let out = gdaudit()
        .args(["detectors", "-o", "jsonl", "--snapshot"])
        .arg(demo_path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 21);
    for line in &lines {
        for key in [
            "check",
            "severity",
            "title",
            "account",
            "region",
            "resource",
            "fingerprint",
            "details",
            "remediation",
        ] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
    // Same findings, same fingerprints as the JSON document.
    let path = demo_path();
    let (doc, _) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--snapshot",
        path.to_str().unwrap(),
    ]);
    let from_doc: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["fingerprint"])
        .collect();
    let from_lines: Vec<&Value> = lines.iter().map(|f| &f["fingerprint"]).collect();
    assert_eq!(from_doc, from_lines);
}

#[test]
fn healthy_account_exits_zero() {
    let file = snapshot_file(&healthy(&["eu-west-1", "us-east-1"]));
    let (doc, code) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--snapshot",
        file.path().to_str().unwrap(),
    ]);
    assert_eq!(doc["findings"], json!([]), "{doc}");
    assert_eq!(doc["summary"]["incomplete"], false);
    assert_eq!(code, 0);
}

#[test]
fn fail_on_threshold_decides_exit_one() {
    let mut snap = healthy(&["eu-west-1"]);
    snap["detectors"][0]["detectors"][0]["finding_publishing_frequency"] = json!("SIX_HOURS");
    let file = snapshot_file(&snap);
    let path = file.path().to_str().unwrap();
    for (fail_on, want) in [("high", 0), ("low", 0), ("info", 1), ("never", 0)] {
        let out = gdaudit()
            .args(["detectors", "--fail-on", fail_on, "--snapshot", path])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(want), "--fail-on {fail_on}");
    }
}

#[test]
fn an_unreadable_region_makes_the_run_incomplete_never_clean() {
    let mut snap = healthy(&["eu-west-1", "us-east-1"]);
    snap["detectors"][1] = json!({
        "region": "us-east-1",
        "opt_status": "ENABLED_BY_DEFAULT",
        "errors": [{"kind": "throttled", "operation": "guardduty:ListDetectors", "message": "Rate exceeded"}]
    });
    let file = snapshot_file(&snap);
    let path = file.path().to_str().unwrap();
    let (doc, code) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--fail-on",
        "never",
        "--snapshot",
        path,
    ]);
    assert_eq!(code, 3);
    assert_eq!(doc["regions"][1]["state"], "error");
    assert_eq!(doc["regions"][1]["error"]["kind"], "throttled");
    assert_eq!(doc["summary"]["incomplete"], true);
    let out = gdaudit()
        .args(["detectors", "--snapshot", path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("could not check (throttled)"), "{table}");
    assert!(table.contains("INCOMPLETE"), "{table}");
}

#[test]
fn regions_filter_applies_to_snapshots() {
    let path = demo_path();
    let (doc, code) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--regions",
        "us-east-2,eu-north-1",
        "--snapshot",
        path.to_str().unwrap(),
    ]);
    let regions: Vec<&str> = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["eu-north-1", "us-east-2"]);
    assert_eq!(code, 0, "{doc}");
    let (doc, _) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--exclude-regions",
        "sa-east-1",
        "--snapshot",
        path.to_str().unwrap(),
    ]);
    assert_eq!(doc["summary"]["incomplete"], false);
    assert_eq!(doc["regions"].as_array().unwrap().len(), 16);
    let (doc, _) = run_json(&[
        "detectors",
        "-o",
        "json",
        "--regions",
        "all",
        "--snapshot",
        path.to_str().unwrap(),
    ]);
    let af = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "af-south-1")
        .unwrap();
    assert_eq!(af["state"], "not-enabled");
}

#[test]
fn usage_errors_exit_two_with_one_line() {
    let path = demo_path();
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "detectors",
            "--regions",
            "nowhere",
            "--snapshot",
            path.to_str().unwrap(),
        ],
        vec![
            "detectors",
            "--regions",
            "xx-nowhere-1",
            "--snapshot",
            path.to_str().unwrap(),
        ],
        vec!["detectors", "--snapshot", "/nonexistent/snapshot.json"],
        vec!["detectors", "--output", "xml"],
        vec!["detectors", "--fail-on", "sometimes"],
    ];
    for args in cases {
        let out = gdaudit().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("gdaudit: error:") || err.starts_with("error:"),
            "{args:?}: {err}"
        );
    }
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), b"{\"snapshot_version\": 1, \"detectors\": [").unwrap();
    let out = gdaudit()
        .args(["detectors", "--snapshot"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not a gdaudit snapshot"), "{err}");
}

#[test]
fn control_characters_from_aws_never_reach_the_terminal() {
    let mut snap = healthy(&["eu-west-1"]);
    snap["detectors"][0]["members"][0]["relationship_status"] =
        json!("Removed\u{1b}[2J\u{1b}]0;owned\u{7}");
    let file = snapshot_file(&snap);
    let out = gdaudit()
        .args(["detectors", "--snapshot"])
        .arg(file.path())
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(
        table.contains("Removed\\x1b[2J\\x1b]0;owned\\x07"),
        "{table}"
    );
    // JSON keeps the text, escaped by JSON itself.
    let out = gdaudit()
        .args(["detectors", "-o", "json", "--snapshot"])
        .arg(file.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("\\u001b[2J"));
}

#[test]
fn broken_pipe_ends_quietly() {
    // `head -c0` style: stdout closed before anything is written.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gdaudit"))
        .args(["detectors", "-o", "json", "--snapshot"])
        .arg(demo_path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{:?}",
        out.status
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
