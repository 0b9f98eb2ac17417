//! gdaudit never changes the account it audits: every AWS call in src/aws is a read (the
//! listed exceptions, each with its reason), and docs/iam-policy.json names exactly the
//! operations the code calls; the member role of the assume-role sweep
//! (docs/iam-policy-member-role.json) names exactly what the sweep calls in each member account.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::path::Path;

/// Verbs of AWS operations that only read.
const READ_VERBS: &[&str] = &["list", "get", "describe", "lookup"];

/// Operations that are not List/Get/Describe/Lookup, each with why it changes nothing in
/// the audited account.
const ALLOWED_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "athena:StartQueryExecution",
        "runs the one SELECT of `changes --athena-table` over the trail's table: a read-only \
         query that changes no configuration (Athena only writes the query's result file to the \
         workgroup's output location)",
    ),
    (
        "sts:AssumeRole",
        "hands out temporary credentials for the read-only role of the assume-role sweep",
    ),
];
/// The IAM action of an operation whose action is named differently.
fn iam_action(operation: &str) -> &str {
    match operation {
        "s3:ListObjectsV2" => "s3:ListBucket",
        other => other,
    }
}

/// Permissions the caller needs for an operation besides the operation's own: Athena reads
/// the table's definition in Glue and the trail's objects, and writes its result file, as the
/// caller. docs/iam-policy.json lists them in their own statement.
const ON_BEHALF: &[(&str, &[&str])] = &[(
    "athena:StartQueryExecution",
    &[
        "glue:GetDatabase",
        "glue:GetTable",
        "glue:GetPartitions",
        "s3:GetBucketLocation",
        "s3:PutObject",
    ],
)];

/// The service prefix each collector file talks to.
fn service_of(file: &str) -> &'static str {
    match file {
        "guardduty.rs" | "guardduty_org.rs" | "guardduty_objects.rs" => "guardduty",
        "organizations.rs" => "organizations",
        "regions.rs" => "account",
        "sts.rs" | "assume.rs" => "sts",
        "cloudtrail.rs" => "cloudtrail",
        "iam.rs" => "iam",
        "s3.rs" | "lists.rs" => "s3",
        "athena.rs" => "athena",
        other => panic!("src/aws/{other}: add its service prefix to tests/read_only.rs"),
    }
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Operation names called on an SDK client: `client.list_detectors()` or
/// `client\n    .list_detectors()`.
fn client_calls(source: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let compact: String = source.split_whitespace().collect::<Vec<_>>().join("");
    for (i, _) in compact.match_indices("client.") {
        let rest = &compact[i + "client.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        // `client.config()` reads the client's own settings: not an AWS operation.
        if rest[name.len()..].starts_with('(') && !name.is_empty() && name != "config" {
            calls.push(name);
        }
    }
    calls
}

fn called_operations() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut ops = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        // The shared machinery calls no operation of its own.
        if ["mod.rs", "errors.rs", "retry.rs"].contains(&file.as_str())
            || path.extension().is_none_or(|e| e != "rs")
        {
            continue;
        }
        ops.extend(operations_in(&file));
    }
    ops
}

/// The operations called in one file of src/aws.
fn operations_in(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/aws")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    client_calls(&source)
        .into_iter()
        .map(|call| format!("{}:{}", service_of(file), camel(&call)))
        .collect()
}

/// The collector modules a file calls into (`super::NAME::`), other than helpers.
fn collectors_used_by(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/aws")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    source
        .match_indices("super::")
        .filter_map(|(i, _)| {
            let rest = &source[i + "super::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            rest[name.len()..].starts_with("::").then_some(name)
        })
        .filter(|name| !matches!(name.as_str(), "errors" | "retry" | "error_body"))
        .collect()
}

fn policy_actions(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let policy: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut documented = BTreeSet::new();
    for statement in policy["Statement"].as_array().unwrap() {
        assert_eq!(statement["Effect"], "Allow");
        for action in statement["Action"].as_array().unwrap() {
            documented.insert(action.as_str().unwrap().to_owned());
        }
    }
    documented
}

#[test]
fn every_aws_call_is_a_read() {
    let ops = called_operations();
    assert!(
        ops.contains("guardduty:ListDetectors"),
        "the scan found no calls: {ops:?}"
    );
    for op in &ops {
        if let Some((_, why)) = ALLOWED_EXCEPTIONS.iter().find(|(o, _)| o == op) {
            assert!(!why.is_empty());
            continue;
        }
        let name = op.split(':').nth(1).unwrap();
        let verb: String = name
            .chars()
            .take_while(|c| !c.is_ascii_uppercase() || name.starts_with(*c))
            .collect();
        assert!(
            READ_VERBS
                .iter()
                .any(|v| name.to_ascii_lowercase().starts_with(v)),
            "{op} is not a read-only operation (verb {verb})"
        );
    }
}

/// Only src/aws may use the AWS SDK, and nothing there calls a method with a write verb.
#[test]
fn no_write_calls_and_no_sdk_outside_src_aws() {
    let writes = [
        "create_",
        "update_",
        "delete_",
        "put_",
        "enable_",
        "disable_",
        "accept_",
        "decline_",
        "disassociate_",
        "associate_",
        "invite_",
        "archive_",
        "unarchive_",
        "tag_",
        "untag_",
        "attach_",
        "detach_",
        "modify_",
        "start_monitoring",
        "stop_",
        "send_",
    ];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let in_aws = path.components().any(|c| c.as_os_str() == "aws");
            if !in_aws {
                assert!(
                    !source.contains("aws_sdk_"),
                    "{} uses the AWS SDK outside src/aws",
                    path.display()
                );
                continue;
            }
            let compact: String = source.split_whitespace().collect();
            for verb in writes {
                assert!(
                    !compact.contains(&format!(".{verb}")),
                    "{} calls a method starting with `{verb}`: gdaudit must never change the account",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_documented_policy_names_exactly_what_the_code_calls() {
    let mut expected: BTreeSet<String> = called_operations()
        .iter()
        .map(|op| iam_action(op).to_owned())
        .collect();
    for (op, needs) in ON_BEHALF {
        if called_operations().contains(*op) {
            expected.extend(needs.iter().map(|n| (*n).to_owned()));
        }
    }
    assert_eq!(
        lower(policy_actions("docs/iam-policy.json")),
        lower(expected)
    );
}

/// IAM action names are case-insensitive (the SDK says `ListIpSets`, IAM `ListIPSets`).
fn lower(set: BTreeSet<String>) -> BTreeSet<String> {
    set.into_iter().map(|a| a.to_ascii_lowercase()).collect()
}

/// In each member account the sweep runs the per-account collectors that src/aws/assume.rs
/// calls into; the member role's policy must allow exactly their operations.
#[test]
fn the_member_role_policy_names_exactly_what_the_sweep_calls() {
    let used = collectors_used_by("assume.rs");
    assert!(
        used.contains("guardduty") && used.contains("iam"),
        "the sweep no longer calls the detector and IAM collectors: {used:?}"
    );
    let mut ops = BTreeSet::new();
    for module in &used {
        ops.extend(operations_in(&format!("{module}.rs")));
        // The detector collector reads the configuration objects through its own file.
        if module == "guardduty" {
            ops.extend(operations_in("guardduty_objects.rs"));
        }
    }
    assert!(ops.contains("guardduty:ListDetectors"), "{ops:?}");
    assert_eq!(
        lower(policy_actions("docs/iam-policy-member-role.json")),
        lower(ops)
    );
}

/// The content of trusted and threat lists is read with s3:GetObject only, and only with
/// `--read-lists`: the one call into `aws::lists` is behind that flag (the live proof, that
/// no object is fetched without it, is in tests/moto_list_content.rs).
#[test]
fn list_objects_are_read_only_with_read_lists() {
    assert_eq!(
        operations_in("lists.rs"),
        BTreeSet::from(["s3:GetObject".to_owned()])
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let acquire = std::fs::read_to_string(root.join("src/commands/acquire.rs")).unwrap();
    let calls: Vec<_> = acquire.match_indices("aws::lists::read_lists(").collect();
    assert_eq!(calls.len(), 1, "one call into aws::lists");
    let before = &acquire[..calls[0].0];
    let guard = before.rfind("if let (Some(opts), Some(regions)) = (needs.read_lists,");
    assert!(
        guard.is_some_and(|g| !before[g..].contains(';')),
        "aws::lists::read_lists is called outside `if let (Some(opts), ...) = (needs.read_lists, ...)`"
    );
    // And `read_lists` is `Some` only when the flag was given.
    let settings = std::fs::read_to_string(root.join("src/commands/settings.rs")).unwrap();
    assert!(settings.contains("args.read_lists.then("), "{settings}");
}

#[test]
fn the_exceptions_are_called_and_nothing_else_starts_anything() {
    let ops = called_operations();
    for (op, _) in ALLOWED_EXCEPTIONS {
        assert!(
            ops.contains(*op),
            "{op} is listed as an exception but not called"
        );
    }
    assert!(ops.contains("s3:ListObjectsV2"), "{ops:?}");
}

#[test]
fn the_scanner_sees_multi_line_calls() {
    let src = "let x = client\n        .list_members()\n        .detector_id(id);\nclient.get_detector().send()";
    assert_eq!(client_calls(src), ["list_members", "get_detector"]);
    assert_eq!(
        client_calls("client.list_objects_v2()"),
        ["list_objects_v2"]
    );
    assert_eq!(camel("list_objects_v2"), "ListObjectsV2");
    assert_eq!(
        camel("get_administrator_account"),
        "GetAdministratorAccount"
    );
}
