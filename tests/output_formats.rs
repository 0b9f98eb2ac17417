//! `-o sarif` and `-o csv` from the real binary, for every reporting command: the SARIF
//! validates against the official SARIF 2.1.0 schema and meets GitHub code scanning's
//! ingestion rules; the CSV parses back (with Python's csv module) to one row per finding and
//! cannot run a formula in a spreadsheet; exit codes are those of `-o json`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};

use assert_cmd::Command;
use serde_json::{Value, json};

/// The three reporting commands on their bundled offline inputs.
const AUDITS: [&[&str]; 4] = [
    &["detectors", "--snapshot", "examples/demo-snapshot.json"],
    // All three audits, with two findings suppressed by the example configuration.
    &[
        "audit",
        "--config",
        "examples/gdaudit.toml",
        "--snapshot",
        "examples/demo-snapshot.json",
    ],
    &["changes", "--logs", "tests/fixtures/cloudtrail/corpus"],
    &[
        "permissions",
        "--authorization-details",
        "tests/fixtures/iam/cloudsplaining__examples__files__example.json",
    ],
];

/// A cell a spreadsheet would evaluate (the classic DDE payload).
const FORMULA: &str = "=cmd|' /C calc'!A0";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gdaudit() -> Command {
    let mut cmd = Command::cargo_bin("gdaudit").unwrap();
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key == "NO_COLOR" || key == "CI" {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(manifest_dir());
    cmd
}

fn run(args: &[&str], format: &str) -> Output {
    gdaudit().args(args).args(["-o", format]).output().unwrap()
}

fn describe(out: &Output) -> String {
    format!(
        "exit: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", describe(out)))
}

/// The Python of the test virtualenv, which has `jsonschema`.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("GDAUDIT_MOTO_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = manifest_dir().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!("the test virtualenv is missing: run scripts/test");
}

/// Runs a Python snippet with `input` on stdin and the given arguments.
fn python_run(script: &str, args: &[&Path], input: &[u8]) -> Output {
    let mut child = Process::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Validates against the vendored official schema (draft-07), with the `uri` and
/// `uri-reference` formats checked as GitHub's upload action checks them: jsonschema skips
/// both unless an optional package is installed, so they are defined here from RFC 3986.
const VALIDATE_SARIF: &str = r#"
import json, re, sys
import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
document = json.load(sys.stdin)

checker = jsonschema.FormatChecker()
CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"

@checker.checks("uri")
def is_uri(value):
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:" + CHARS, value) is not None

@checker.checks("uri-reference")
def is_uri_reference(value):
    if not isinstance(value, str) or re.fullmatch(CHARS, value) is None:
        return False
    # A relative reference whose first segment has a colon would parse as a scheme.
    first = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in first or is_uri(value)

validator = jsonschema.Draft7Validator(schema, format_checker=checker)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
for error in errors[:20]:
    print("/".join(map(str, error.absolute_path)) or "(root)", "->", error.message)
sys.exit(1 if errors else 0)
"#;

fn schema_path() -> PathBuf {
    manifest_dir().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")
}

/// `Err` with the validator's messages when the document does not validate.
fn validate_sarif(document: &[u8]) -> Result<(), String> {
    let out = python_run(VALIDATE_SARIF, &[&schema_path()], document);
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => panic!("the SARIF validator itself failed:\n{}", describe(&out)),
    }
}

/// Parses CSV with Python's csv module (strict), independent of our writer.
fn parse_csv(csv: &[u8]) -> Vec<Vec<String>> {
    const PARSE: &str = r#"
import csv, io, json, sys
text = sys.stdin.buffer.read().decode("utf-8")
print(json.dumps(list(csv.reader(io.StringIO(text, newline=""), strict=True))))
"#;
    let out = python_run(PARSE, &[], csv);
    assert!(
        out.status.success(),
        "csv parse failed:\n{}",
        describe(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What GitHub code scanning requires beyond the schema, from its "SARIF support for code
/// scanning" documentation and the upload action's own checks.
fn assert_github_accepts(sarif: &Value) {
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().starts_with("https://"));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "gdaudit");

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "duplicate rule ids"
    );
    for rule in rules {
        for text in [
            &rule["shortDescription"]["text"],
            &rule["fullDescription"]["text"],
            &rule["help"]["text"],
        ] {
            let text = text.as_str().unwrap();
            assert!(!text.is_empty() && text.chars().count() <= 1024, "{rule}");
        }
        assert!(rule["name"].as_str().unwrap().len() <= 255);
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(score > 0.0 && score <= 10.0, "{rule}");
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&json!("security"))
        );
    }

    let mut line_hashes = HashSet::new();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(result["ruleId"], rules[index]["id"], "{result}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        // Relative: an absolute URI with a scheme other than the checkout's fails the upload.
        assert!(uri.starts_with("aws/") && !uri.contains("://"), "{uri}");
        assert_eq!(locations[0]["physicalLocation"]["region"]["startLine"], 1);
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(
            line_hashes.insert(hash.to_owned()),
            "two results share {hash}"
        );
    }
}

/// Each audit's SARIF validates, is what GitHub accepts, holds the same findings as its JSON
/// (same order, fingerprints, checks) with every catalogue check as a rule, says whether the
/// audit was complete, and exits as `-o json` does.
#[test]
fn sarif_validates_and_matches_the_json_report_for_every_command() {
    let catalogue: Vec<&str> = gdaudit::report::registry::CheckId::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for args in AUDITS {
        let json_out = run(args, "json");
        let report = json_of(&json_out);
        let out = run(args, "sarif");
        assert_eq!(out.status.code(), json_out.status.code(), "{args:?}");
        assert_eq!(out.stderr, json_out.stderr, "{args:?}");
        if let Err(errors) = validate_sarif(&out.stdout) {
            panic!("{args:?}: SARIF does not validate:\n{errors}");
        }
        let sarif = json_of(&out);
        assert_github_accepts(&sarif);

        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            &rule_ids[..catalogue.len()],
            &catalogue[..],
            "{args:?}: rules are not the catalogue"
        );
        let findings = report["findings"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(
            !findings.is_empty(),
            "{args:?}: the fixture should find something"
        );
        assert_eq!(results.len(), findings.len(), "{args:?}");
        for (result, finding) in results.iter().zip(findings) {
            assert_eq!(result["ruleId"], finding["check"]);
            assert_eq!(
                result["partialFingerprints"]["gdaudit/v1"],
                finding["fingerprint"]
            );
            assert_eq!(result["properties"]["severity"], finding["severity"]);
            assert_eq!(result["properties"]["details"], finding["details"]);
        }

        let invocation = &run["invocations"][0];
        let incomplete = report["summary"]["incomplete"].as_bool().unwrap();
        assert_eq!(invocation["executionSuccessful"], !incomplete, "{args:?}");
        let reasons = report["summary"]["incomplete_reasons"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let notifications = invocation["toolExecutionNotifications"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(notifications.len(), reasons.len(), "{args:?}");
    }
}

/// Every rule comes from the check catalogue (with its docs link), none from the renderer's
/// fallback for a check id the catalogue lacks.
#[test]
fn every_sarif_rule_is_a_catalogued_check() {
    let catalogue: Vec<&str> = gdaudit::report::registry::CheckId::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for args in AUDITS {
        let sarif = json_of(&run(args, "sarif"));
        let rule_ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            rule_ids, catalogue,
            "{args:?}: a finding names a check missing from checks::catalogue()"
        );
    }
}

#[test]
fn the_demo_audit_is_incomplete_in_sarif_and_says_why() {
    let out = run(AUDITS[0], "sarif");
    let invocation = &json_of(&out)["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let text = invocation["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("sa-east-1") && text.contains("access denied"),
        "{text}"
    );
}

/// The validator is not a rubber stamp: it rejects what GitHub would reject.
#[test]
fn the_schema_check_rejects_invalid_sarif() {
    let mut sarif = json_of(&run(AUDITS[0], "sarif"));
    sarif["runs"][0]["results"][0]["level"] = json!("critical");
    assert!(validate_sarif(&serde_json::to_vec(&sarif).unwrap()).is_err());

    let mut sarif = json_of(&run(AUDITS[0], "sarif"));
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("no file associated with this alert");
    let errors = validate_sarif(&serde_json::to_vec(&sarif).unwrap()).unwrap_err();
    assert!(errors.contains("uri"), "{errors}");
}

/// Each audit's CSV parses back to a header and one row per finding, in the JSON's order,
/// and exits as `-o json` does; incomplete reasons stay on stderr, out of the data.
#[test]
fn csv_parses_back_to_one_row_per_finding_for_every_command() {
    for args in AUDITS {
        let json_out = run(args, "json");
        let report = json_of(&json_out);
        let out = run(args, "csv");
        assert_eq!(out.status.code(), json_out.status.code(), "{args:?}");
        assert_eq!(out.stderr, json_out.stderr, "{args:?}");

        let rows = parse_csv(&out.stdout);
        assert_eq!(
            rows[0],
            [
                "severity",
                "check",
                "title",
                "account",
                "region",
                "resource",
                "fingerprint",
                "remediation",
                "details"
            ]
        );
        // Suppressed findings are listed (marked) in JSON and left out of CSV.
        let findings: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.get("suppressed").is_none())
            .collect();
        assert_eq!(rows.len(), findings.len() + 1, "{args:?}");
        for (row, finding) in rows[1..].iter().zip(findings) {
            assert_eq!(row.len(), 9, "{row:?}");
            assert_eq!(row[0], finding["severity"].as_str().unwrap());
            assert_eq!(row[1], finding["check"].as_str().unwrap());
            assert_eq!(row[4], finding["region"].as_str().unwrap_or(""));
            assert_eq!(row[6], finding["fingerprint"].as_str().unwrap());
            let details: Value = serde_json::from_str(&row[8]).unwrap();
            assert_eq!(details, finding["details"]);
        }
        for reason in report["summary"]["incomplete_reasons"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let reason = reason.as_str().unwrap();
            assert!(!String::from_utf8_lossy(&out.stdout).contains(reason));
            assert!(String::from_utf8_lossy(&out.stderr).contains(reason));
        }
    }
}

/// AWS text that would run in a spreadsheet comes out inert: a detector id and a member
/// account (its id and relationship status) carrying formulas.
#[test]
fn csv_neutralises_formulas_from_aws_text() {
    let mut snapshot: Value =
        serde_json::from_slice(&std::fs::read(manifest_dir().join(AUDITS[0][2])).unwrap()).unwrap();
    for r in snapshot["detectors"].as_array_mut().unwrap() {
        if r["region"] == "eu-west-1" {
            r["detectors"][0]["id"] = json!(FORMULA);
        }
        if r["region"] == "us-east-1" {
            r["members"][0]["account_id"] = json!("@SUM(1+1)*cmd|' /C calc'!A0");
            r["members"][0]["relationship_status"] = json!(FORMULA);
        }
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&snapshot).unwrap()).unwrap();
    let snapshot_path = file.path().to_str().unwrap();

    let json_out = gdaudit()
        .args(["detectors", "--snapshot", snapshot_path, "-o", "json"])
        .output()
        .unwrap();
    let out = gdaudit()
        .args(["detectors", "--snapshot", snapshot_path, "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), json_out.status.code());
    let findings = json_of(&json_out)["findings"].as_array().unwrap().clone();
    let rows = parse_csv(&out.stdout);
    assert_eq!(rows.len(), findings.len() + 1);

    let suspended = rows
        .iter()
        .find(|row| row[1] == "detector-suspended")
        .unwrap();
    assert_eq!(suspended[5], format!("'{FORMULA}"));
    // The details column is JSON (starts with `{`), and keeps the value as AWS returned it.
    let details: Value = serde_json::from_str(&suspended[8]).unwrap();
    assert_eq!(details["detector_id"], FORMULA);

    let member = rows
        .iter()
        .find(|row| row[1] == "member-not-enabled" && row[5].contains("cmd|"))
        .unwrap();
    assert_eq!(member[5], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert!(member[2].starts_with("Member account"), "{member:?}");

    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell {cell:?} would run as a formula"
            );
        }
    }
}

#[test]
fn explain_refuses_formats_that_hold_findings() {
    for format in ["sarif", "csv"] {
        let out = gdaudit()
            .args(AUDITS[3])
            .args(["-o", format, "explain", "fn4-exploitableNotAction-role"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(out.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("-o json"),
            "{}",
            describe(&out)
        );
    }
}

/// `--fail-on` decides the exit code the same way whatever the format.
#[test]
fn exit_codes_do_not_depend_on_the_format() {
    for fail_on in ["never", "critical", "info"] {
        for args in AUDITS {
            let codes: Vec<Option<i32>> = ["json", "sarif", "csv"]
                .iter()
                .map(|format| {
                    gdaudit()
                        .args(args)
                        .args(["--fail-on", fail_on, "-o", format])
                        .output()
                        .unwrap()
                        .status
                        .code()
                })
                .collect();
            assert!(
                codes.iter().all(|c| *c == codes[0]),
                "{args:?} --fail-on {fail_on}: {codes:?}"
            );
        }
    }
    // And the demo, with its unreadable region, is incomplete (3) when findings cannot fail it.
    for format in ["sarif", "csv"] {
        let out = gdaudit()
            .args(AUDITS[0])
            .args(["--fail-on", "never", "-o", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    }
}
