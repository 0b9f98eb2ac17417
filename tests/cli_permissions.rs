//! `gdaudit permissions` on account exports: verdicts, explanations, bad documents,
//! privileged globs, SCPs and boundaries, through the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::gdaudit_offline as gdaudit;
use common::json_stdout as json_of;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iam")
        .join(name)
}

fn flagged(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap().to_owned())
        .collect()
}

const ACCOUNT: &str = "111122223333";

fn user(name: &str, inline: Value) -> Value {
    json!({
        "UserName": name, "UserId": format!("AIDA{name}"), "Path": "/",
        "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": format!("{name}-inline"), "PolicyDocument": inline}]
    })
}

fn allow(action: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
}

fn export_file(value: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(value).unwrap()).unwrap();
    file
}

#[test]
fn a_real_export_flags_the_not_action_grant() {
    let out = gdaudit()
        .args(["permissions", "-o", "json", "--authorization-details"])
        .arg(fixture("cloudsplaining__examples__files__example.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let of = |check: &str| -> Vec<&Value> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == check)
            .collect()
    };
    let direct: Vec<&str> = of("non-privileged-write-access")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        direct,
        [
            "arn:aws:iam::200611803367:role/fn4-exploitableNotAction-role",
            "arn:aws:iam::200611803367:user/fn4-exploitableNotAction-user"
        ]
    );
    // The export is built from iam-vulnerable: its privilege-escalation principals can become
    // able to change GuardDuty (pinned one by one in the engine's corpus tests).
    let indirect = of("indirect-write-access");
    assert!(
        indirect.iter().any(|f| f["resource"]
            == "arn:aws:iam::200611803367:user/privesc7-AttachUserPolicy-user"
            && f["details"]["path"][0]["method"] == "attach-user-policy"),
        "{indirect:#?}"
    );
    let finding = of("non-privileged-write-access")[0];
    assert_eq!(finding["check"], "non-privileged-write-access");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["details"]["actions"].as_array().unwrap().len(), 57);
    assert_eq!(doc["permissions"]["service_linked_roles_skipped"], 8);
    assert_eq!(doc["summary"]["incomplete"], false);
}

#[test]
fn an_invalid_policy_document_is_named_and_the_rest_still_judged() {
    let export = json!({
        "UserDetailList": [
            user("broken", json!("%7Bnot%20json")),
            user("dev", allow("guardduty:*")),
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": []
    });
    let file = export_file(&export);
    let out = gdaudit()
        .args(["permissions", "-o", "json", "--authorization-details"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "dev is flagged high");
    let doc = json_of(&out);
    assert_eq!(flagged(&doc), [format!("arn:aws:iam::{ACCOUNT}:user/dev")]);
    assert_eq!(doc["summary"]["incomplete"], true);
    let reasons = doc["summary"]["incomplete_reasons"].to_string();
    assert!(reasons.contains("broken-inline"), "{reasons}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("broken-inline"), "{stderr}");
    // Below the threshold, an incomplete judgement exits 3, never 0.
    let out = gdaudit()
        .args([
            "permissions",
            "--fail-on",
            "never",
            "--authorization-details",
        ])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn privileged_globs_scps_and_boundaries_remove_access() {
    let mut capped = user("capped", allow("guardduty:*"));
    capped["PermissionsBoundary"] = json!({
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": format!("arn:aws:iam::{ACCOUNT}:policy/read-only-boundary")
    });
    let export = json!({
        "UserDetailList": [user("dev", allow("guardduty:*")), capped, user("sec", allow("guardduty:*"))],
        "Policies": [{
            "PolicyName": "read-only-boundary", "PolicyId": "ANPA1", "Path": "/",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/read-only-boundary"),
            "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": allow("guardduty:Get*")}]
        }]
    });
    let file = export_file(&export);
    let run = |extra: &[&str]| {
        let out = gdaudit()
            .args(["permissions", "-o", "json", "--authorization-details"])
            .arg(file.path())
            .args(extra)
            .output()
            .unwrap();
        json_of(&out)
    };
    // The boundary caps `capped`: only dev and sec hold write actions.
    let doc = run(&[]);
    assert_eq!(
        flagged(&doc),
        [
            format!("arn:aws:iam::{ACCOUNT}:user/dev"),
            format!("arn:aws:iam::{ACCOUNT}:user/sec")
        ]
    );
    // `sec` is privileged by glob.
    let doc = run(&["--privileged", "arn:aws:iam::*:user/se?"]);
    assert_eq!(flagged(&doc), [format!("arn:aws:iam::{ACCOUNT}:user/dev")]);
    // An SCP denying DeleteDetector leaves dev with 56 actions.
    let scp = export_file(&json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "guardduty:DeleteDetector", "Resource": "*"}
    ]}));
    let doc = run(&[
        "--privileged",
        "arn:aws:iam::*:user/sec",
        "--scp",
        scp.path().to_str().unwrap(),
    ]);
    assert_eq!(
        doc["findings"][0]["details"]["actions"]
            .as_array()
            .unwrap()
            .len(),
        56
    );
}

#[test]
fn explain_shows_the_statements_behind_a_verdict() {
    let export = json!({"UserDetailList": [user("dev", json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "GuardDutyAdmin", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    ]}))]});
    let file = export_file(&export);
    let out = gdaudit()
        .args(["permissions", "--authorization-details"])
        .arg(file.path())
        .args(["explain", "dev", "guardduty:DeleteDetector"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("DeleteDetector"), "{text}");
    assert!(text.contains("GuardDutyAdmin"), "{text}");
    assert!(text.contains("NotAction"), "{text}");
    // Machine-readable too.
    let out = gdaudit()
        .args(["permissions", "-o", "json", "--authorization-details"])
        .arg(file.path())
        .args(["explain", &format!("arn:aws:iam::{ACCOUNT}:user/dev")])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["actions"].as_array().unwrap().len(), 57);
    // An unknown principal is a usage error, one line.
    let out = gdaudit()
        .args(["permissions", "--authorization-details"])
        .arg(file.path())
        .args(["explain", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
}

#[test]
fn every_real_export_is_read_without_error() {
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iam")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let out = gdaudit()
            .args(["permissions", "-o", "json", "--authorization-details"])
            .arg(&path)
            .output()
            .unwrap();
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1 || code == 3,
            "{}: exit {code}",
            path.display()
        );
        let doc = json_of(&out);
        assert_eq!(doc["command"], "permissions", "{}", path.display());
    }
}

#[test]
fn an_unreadable_file_is_a_usage_error() {
    let out = gdaudit()
        .args([
            "permissions",
            "--authorization-details",
            "/nonexistent.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = gdaudit()
        .args([
            "permissions",
            "--scp",
            "/nonexistent.json",
            "--authorization-details",
        ])
        .arg(fixture(
            "cloudmapper-demo__iam-get-account-authorization-details.json",
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_export_without_principals_never_passes() {
    let file = export_file(&json!({"UserDetailList": [], "RoleDetailList": []}));
    let out = gdaudit()
        .args(["permissions", "--authorization-details"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("no users and no roles")
    );
}

/// The hand-built account of the access-path issue, tried as a user would: the contractor who
/// may assume the ops role and the developer who may attach a policy to itself each get one
/// finding with the right path and severity; `explain` prints the path; a principal that
/// cannot drive the service its role would be passed to gets nothing.
#[test]
fn access_paths_on_a_hand_built_account() {
    let out = gdaudit()
        .args(["permissions", "-o", "json", "--authorization-details"])
        .arg(fixture("access-paths.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");
    let indirect: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "indirect-write-access")
        .collect();
    let of = |name: &str| -> Vec<&Value> {
        indirect
            .iter()
            .copied()
            .filter(|f| f["resource"] == format!("arn:aws:iam::{ACCOUNT}:user/{name}"))
            .collect()
    };
    let contractor = of("contractor");
    assert_eq!(contractor.len(), 1);
    assert_eq!(contractor[0]["severity"], "high");
    let path = contractor[0]["details"]["path"].as_array().unwrap();
    assert_eq!(path.len(), 1);
    assert_eq!(path[0]["method"], "assume-role");
    assert_eq!(
        path[0]["to"],
        format!("arn:aws:iam::{ACCOUNT}:role/ops-automation")
    );
    assert_eq!(path[0]["allowed_by"][0]["statement"], "AssumeOps");
    assert_eq!(
        contractor[0]["details"]["path_action"],
        "guardduty:DeleteDetector"
    );

    let dev = of("dev");
    assert_eq!(dev.len(), 1);
    assert_eq!(dev[0]["severity"], "high");
    assert_eq!(dev[0]["details"]["path"][0]["method"], "attach-user-policy");
    assert_eq!(
        dev[0]["details"]["path"][0]["allowed_by"][0]["statement"],
        "ManageOwnPolicies"
    );

    let builder = of("builder");
    assert_eq!(builder.len(), 1);
    assert_eq!(builder[0]["severity"], "medium", "ArchiveFindings only");
    assert_eq!(
        builder[0]["details"]["path"][0]["method"],
        "pass-role-lambda"
    );
    assert!(
        of("half-builder").is_empty(),
        "it cannot invoke what it creates"
    );
    assert!(of("analyst").is_empty());

    let explain = gdaudit()
        .args(["permissions", "--authorization-details"])
        .arg(fixture("access-paths.json"))
        .args(["explain", "contractor"])
        .output()
        .unwrap();
    let text = String::from_utf8(explain.stdout).unwrap();
    assert!(
        text.contains("shortest path to guardduty:DeleteDetector"),
        "{text}"
    );
    assert!(text.contains("method: assume-role"), "{text}");
    assert!(text.contains("[AssumeOps]"), "{text}");
    assert!(text.contains("trust/ops-automation"), "{text}");
}
