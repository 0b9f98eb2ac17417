//! `gdaudit audit` and the configuration file, through the real binary: one report of all
//! three audits, flags over the file, strict reading, suppressions and their expiry.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::gdaudit_offline as gdaudit;
use common::json_stdout as json_of;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> PathBuf {
    root().join("examples/demo-snapshot.json")
}

fn config(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gdaudit.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn checks(doc: &Value) -> std::collections::BTreeSet<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_demo_audit_shows_all_three_audits() {
    let out = gdaudit()
        .args(["audit", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "=== GuardDuty detectors ===",
        "=== GuardDuty configuration changes ===",
        "=== Who can change GuardDuty ===",
    ] {
        assert!(table.contains(heading), "{heading} missing:\n{table}");
    }
    assert!(
        table.contains("GuardDuty turned off in eu-west-1"),
        "{table}"
    );
    assert!(table.contains("contractor-dev"), "{table}");
    let out = gdaudit()
        .args(["audit", "-o", "json", "--snapshot"])
        .arg(demo())
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["command"], "audit");
    let got = checks(&doc);
    for check in [
        "detector-suspended",
        "guardduty-config-change",
        "non-privileged-write-access",
    ] {
        assert!(got.contains(check), "{check}: {got:?}");
    }
    assert!(
        doc["detectors"].is_array() && doc["changes"].is_object() && doc["permissions"].is_object()
    );
    // Both the detectors and the changes of sa-east-1 could not be read.
    let reasons = doc["summary"]["incomplete_reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("detectors: sa-east-1"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("changes: sa-east-1"))
    );
}

#[test]
fn the_example_configuration_is_valid_and_changes_the_verdicts() {
    let out = gdaudit()
        .args(["audit", "-o", "json", "--config"])
        .arg(root().join("examples/gdaudit.toml"))
        .arg("--snapshot")
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    // exclude-regions drops sa-east-1, the only unreadable region: the audit is complete.
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");
    // privileged: the security role is no longer flagged.
    let flagged: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "non-privileged-write-access")
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(
        !flagged.iter().any(|r| r.contains("GuardDutyAdmin")),
        "{flagged:?}"
    );
    // Two suppressions matched: listed, marked, counted.
    assert_eq!(doc["summary"]["suppressed"], 2, "{doc:#}");
    let suppressed: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    assert!(
        suppressed
            .iter()
            .any(|f| f["check"] == "not-centrally-managed" && f["region"] == "ap-northeast-3")
    );
    // JSON Lines, for ticket systems, leaves suppressed findings out.
    let out = gdaudit()
        .args(["audit", "-o", "jsonl", "--config"])
        .arg(root().join("examples/gdaudit.toml"))
        .arg("--snapshot")
        .arg(demo())
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        lines.lines().count(),
        doc["findings"].as_array().unwrap().len() - 2
    );
}

#[test]
fn flags_override_the_file() {
    let (_dir, path) = config("fail-on = \"never\"\n");
    let run = |extra: &[&str]| {
        gdaudit()
            .args(["detectors", "--config"])
            .arg(&path)
            .args(extra)
            .arg("--snapshot")
            .arg(demo())
            .output()
            .unwrap()
            .status
            .code()
    };
    // The file says never: the demo's high findings do not fail, but sa-east-1 is incomplete.
    assert_eq!(run(&[]), Some(3));
    assert_eq!(run(&["--fail-on", "high"]), Some(1));
    assert_eq!(run(&["--exclude-regions", "sa-east-1"]), Some(0));
}

#[test]
fn a_typo_is_rejected_with_its_line() {
    let (_dir, path) = config("fail-on = \"high\"\n\nprivilged = [\"arn:aws:iam::*:role/x\"]\n");
    let out = gdaudit()
        .args(["detectors", "--config"])
        .arg(&path)
        .arg("--snapshot")
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!("{}:3:", path.display())), "{err}");
    assert!(err.contains("privilged"), "{err}");
    // A bad value, and an unknown check id in a suppression, likewise.
    for (text, line) in [
        ("fail-on = \"hgih\"\n", 1),
        (
            "[[suppress]]\ncheck = \"detector-mising\"\nreason = \"r\"\n",
            2,
        ),
        (
            "[[suppress]]\ncheck = \"detector-missing\"\nreason = \"r\"\nexpires = \"next year\"\n",
            4,
        ),
    ] {
        let (_dir, path) = config(text);
        let out = gdaudit()
            .args(["detectors", "--config"])
            .arg(&path)
            .arg("--snapshot")
            .arg(demo())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(&format!("gdaudit.toml:{line}:")),
            "{text}: {err}"
        );
    }
}

#[test]
fn a_suppression_past_its_expiry_no_longer_hides_its_finding() {
    let suppress = |expires: &str| {
        format!(
            "[[suppress]]\ncheck = \"detector-suspended\"\nregion = \"eu-west-1\"\nreason = \"migration\"\nexpires = \"{expires}\"\n"
        )
    };
    let run = |text: &str| {
        let (_dir, path) = config(text);
        let out = gdaudit()
            .args(["detectors", "-o", "json", "--config"])
            .arg(&path)
            .arg("--snapshot")
            .arg(demo())
            .output()
            .unwrap();
        (json_of(&out), String::from_utf8(out.stderr).unwrap())
    };
    let suspended = |doc: &Value| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == "detector-suspended")
            .unwrap()
            .clone()
    };
    let (doc, _) = run(&suppress("2999-12-31"));
    assert_eq!(suspended(&doc)["suppressed"]["reason"], "migration");
    assert_eq!(doc["summary"]["suppressed"], 1);
    let (doc, stderr) = run(&suppress("2020-01-01"));
    assert!(suspended(&doc).get("suppressed").is_none(), "{doc:#}");
    assert_eq!(doc["summary"]["suppressed"], 0);
    assert!(stderr.contains("expired on 2020-01-01"), "{stderr}");
    assert_eq!(
        doc["summary"]["expired_suppressions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_detectors_table_counts_suppressed_findings() {
    let out = gdaudit()
        .args(["detectors", "--config"])
        .arg(root().join("examples/gdaudit.toml"))
        .arg("--snapshot")
        .arg(demo())
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("Suppressed by the configuration file: 1"),
        "{table}"
    );
}

/// The usual guardrail that protects GuardDuty from changes also silences the Runtime
/// Monitoring agents: `audit` with the example SCP says so, once, for the account.
#[test]
fn an_scp_that_blocks_the_runtime_agent_is_reported_with_the_demo() {
    let out = gdaudit()
        .current_dir(root())
        .args([
            "audit",
            "--snapshot",
            "examples/demo-snapshot.json",
            "--scp",
            "examples/scp-protect-guardduty.json",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let blocked: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "runtime-telemetry-blocked")
        .collect();
    assert_eq!(blocked.len(), 1, "{doc:#}");
    assert_eq!(blocked[0]["severity"], "medium");
    assert_eq!(blocked[0]["details"]["statement"], "ProtectGuardDuty");
    assert_eq!(blocked[0]["details"]["conditional"], true);
    // eu-central-1 has Runtime Monitoring off; the suspended eu-west-1 does not count.
    let regions = blocked[0]["details"]["regions"].as_array().unwrap();
    assert!(
        !regions
            .iter()
            .any(|r| r == "eu-central-1" || r == "eu-west-1")
    );
    assert!(regions.iter().any(|r| r == "us-east-1"));
}
