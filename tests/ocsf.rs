//! `-o ocsf`: every event validates against the OCSF models of py-ocsf-models (in the test
//! virtualenv), one event per finding, changes as Detection Findings, the rest as Compliance
//! Findings, suppressed findings with status Suppressed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::path::{Path, PathBuf};

use common::gdaudit_offline as gdaudit;
use common::json_stdout;
use serde_json::Value;

const RUNS: [&[&str]; 4] = [
    &["detectors", "--snapshot", "examples/demo-snapshot.json"],
    &["changes", "--logs", "tests/fixtures/cloudtrail/corpus"],
    &[
        "permissions",
        "--authorization-details",
        "tests/fixtures/iam/cloudsplaining__examples__files__example.json",
    ],
    &[
        "audit",
        "--config",
        "examples/gdaudit.toml",
        "--snapshot",
        "examples/demo-snapshot.json",
    ],
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("GDAUDIT_MOTO_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let venv = root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the test virtualenv is missing: run scripts/test"
    );
    venv
}

/// Runs the validator on `events`; Ok(count) or Err(its message).
fn validate(events: &[u8]) -> Result<usize, String> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), events).unwrap();
    let out = std::process::Command::new(python())
        .arg(root().join("tests/support/validate_ocsf.py"))
        .arg(file.path())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn every_event_validates_and_matches_the_findings() {
    for args in RUNS {
        let ocsf = gdaudit()
            .current_dir(root())
            .args(args)
            .args(["-o", "ocsf"])
            .output()
            .unwrap();
        let json = gdaudit()
            .current_dir(root())
            .args(args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        assert_eq!(ocsf.status.code(), json.status.code(), "{args:?}");
        let count = validate(&ocsf.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let report = json_stdout(&json);
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(count, findings.len(), "{args:?}");
        let events: Vec<Value> = serde_json::from_slice(&ocsf.stdout).unwrap();
        for (event, finding) in events.iter().zip(findings) {
            assert_eq!(
                event["finding_info"]["uid"], finding["fingerprint"],
                "{args:?}"
            );
            assert_eq!(event["metadata"]["event_code"], finding["check"]);
            let class = if finding["check"] == "guardduty-config-change" {
                2004
            } else {
                2003
            };
            assert_eq!(event["class_uid"], class, "{event}");
            let suppressed = finding.get("suppressed").is_some();
            assert_eq!(
                event["status_id"],
                if suppressed { 3 } else { 1 },
                "{event}"
            );
        }
    }
}

#[test]
fn the_validator_rejects_an_event_without_finding_info() {
    let out = gdaudit()
        .current_dir(root())
        .args([
            "detectors",
            "-o",
            "ocsf",
            "--snapshot",
            "examples/demo-snapshot.json",
        ])
        .output()
        .unwrap();
    let mut events: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    events[0].as_object_mut().unwrap().remove("finding_info");
    let broken = serde_json::to_vec(&events).unwrap();
    let error = validate(&broken).unwrap_err();
    assert!(error.contains("finding_info"), "{error}");
}
