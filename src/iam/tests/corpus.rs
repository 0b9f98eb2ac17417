//! Real account exports (tests/fixtures/iam/README.md says where each comes from): each reads
//! without error, and who holds GuardDuty change actions is pinned.

use super::*;
use crate::checks::permissions::findings;
use crate::report::finding::{CheckId, Severity};

/// What the engine makes of one export.
struct Judged {
    eval: Evaluation,
    /// `kind/name` of the administrators.
    admins: Vec<String>,
    /// `kind/name` and severity of each `non-privileged-write-access` finding.
    flagged: Vec<(String, Severity)>,
    /// `kind/name` and severity of each `indirect-write-access` finding.
    indirect: Vec<(String, Severity)>,
    /// Each evaluation problem as `kind: policy`.
    problems: Vec<String>,
}

fn judge(bytes: &[u8]) -> Judged {
    let read = read_export(bytes);
    assert!(read.problems.is_empty(), "{:#?}", read.problems);
    let eval = std::sync::Arc::new(evaluate_default(&read.details));
    let short = |arn: &str| arn.rsplit(':').next().unwrap_or(arn).to_owned();
    // The findings share the evaluation; they are gone before it is taken back below.
    let all = findings(&eval);
    let of = |check: CheckId| {
        all.iter()
            .filter(|f| f.check == check)
            .map(|f| (short(&f.resource), f.severity))
            .collect::<Vec<_>>()
    };
    let flagged = of(CheckId::NonPrivilegedWriteAccess);
    let indirect = of(CheckId::IndirectWriteAccess);
    drop(all);
    Judged {
        admins: eval
            .principals
            .iter()
            .filter(|p| p.privileged == Some(PrivilegeReason::Administrator))
            .map(|p| short(&p.arn))
            .collect(),
        flagged,
        indirect,
        problems: eval
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    p.kind.as_str(),
                    p.policy.as_deref().unwrap_or("-")
                )
            })
            .collect(),
        eval: match std::sync::Arc::try_unwrap(eval) {
            Ok(eval) => eval,
            Err(_) => panic!("findings outlived the test"),
        },
    }
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/iam/", $name))
    };
}

#[test]
fn cloudsplaining_example_account() {
    let j = judge(fixture!("cloudsplaining__examples__files__example.json"));
    assert_eq!(j.eval.account_id.as_deref(), Some("200611803367"));
    assert_eq!(
        (j.eval.principals.len(), j.eval.service_linked_roles_skipped),
        (114, 8)
    );
    assert!(j.problems.is_empty(), "{:?}", j.problems);
    assert_eq!(
        j.flagged,
        vec![
            (
                "role/fn4-exploitableNotAction-role".to_owned(),
                Severity::High
            ),
            (
                "user/fn4-exploitableNotAction-user".to_owned(),
                Severity::High
            ),
        ]
    );
    assert_eq!(
        j.admins,
        vec![
            "user/obama",
            "user/userwithlotsofpermissions",
            "role/AWS-QuickSetup-StackSet-Local-ExecutionRole",
            "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc",
            "role/OrganizationAccountAccessRole",
            "role/privesc-AssumeRole-ending-role",
            "role/privesc-high-priv-service-role",
            "role/stacksets-exec-b5520cb2730c2f54b523d6375a319abb",
        ]
    );
    // Allow-all next to deny-all: everything denied, nothing held.
    let fp2 = principal(&j.eval, "fp2-allow-and-deny-multiple-policies-user");
    assert_eq!(fp2.actions.len(), all_actions().len());
    assert!(fp2.actions.iter().all(|a| a.decision == Decision::Denied));
}

#[test]
fn cloudsplaining_test_exports() {
    let j = judge(fixture!(
        "cloudsplaining__test__files__example-authz-details.json"
    ));
    assert!(j.flagged.is_empty() && j.problems.is_empty());
    assert_eq!(
        j.admins,
        vec!["user/obama", "user/userwithlotsofpermissions"]
    );

    let j = judge(fixture!(
        "cloudsplaining__test__files__example_authz_details_for_overrides.json"
    ));
    assert!(j.eval.principals.is_empty() && j.flagged.is_empty() && j.problems.is_empty());

    let j = judge(fixture!(
        "cloudsplaining__test__files__example_authz_details_for_overrides_complete.json"
    ));
    assert!(j.flagged.is_empty() && j.problems.is_empty());
    assert_eq!(j.admins, vec!["user/BlakeBortles", "role/GOATRole"]);

    // AdministratorAccess is attached to a group but not in the export: reported, not guessed.
    let j = judge(fixture!(
        "cloudsplaining__test__files__example_authz_v2.json"
    ));
    assert!(j.flagged.is_empty() && j.admins.is_empty());
    assert_eq!(
        j.problems,
        vec!["missing policy: arn:aws:iam::aws:policy/AdministratorAccess"]
    );

    let j = judge(fixture!(
        "cloudsplaining__test__files__managed_policy_mismatch.json"
    ));
    assert!(j.flagged.is_empty());
    assert_eq!(
        j.problems,
        vec!["missing policy: arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess"]
    );
}

#[test]
fn cloudmapper_demo_account() {
    let j = judge(fixture!(
        "cloudmapper-demo__iam-get-account-authorization-details.json"
    ));
    assert_eq!(j.eval.account_id.as_deref(), Some("123456789012"));
    assert_eq!(j.eval.principals.len(), 6);
    assert!(j.flagged.is_empty() && j.problems.is_empty());
    assert_eq!(j.admins, vec!["role/bad_role"]);
}

#[test]
fn aws_cli_documented_export() {
    // A truncated first page (IsTruncated, Marker) whose groups attach AWS managed policies
    // that are not in it, and one group's AttachedManagedPolicies written as an object.
    let j = judge(fixture!(
        "aws-cli-examples__get-account-authorization-details.json"
    ));
    assert_eq!(j.eval.account_id.as_deref(), Some("123456789012"));
    assert_eq!(j.eval.principals.len(), 4);
    assert!(j.flagged.is_empty() && j.admins.is_empty());
    assert_eq!(
        j.problems,
        vec![
            "missing policy: arn:aws:iam::aws:policy/AdministratorAccess",
            "missing policy: arn:aws:iam::aws:policy/PowerUserAccess",
            "missing policy: arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "missing policy: arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        ]
    );
}

#[test]
fn an_export_survives_a_snapshot_round_trip_with_the_same_verdicts() {
    let read = read_export(fixture!("cloudsplaining__examples__files__example.json"));
    let json = serde_json::to_string(&read.details).unwrap();
    let back: AuthorizationDetails = serde_json::from_str(&json).unwrap();
    assert_eq!(back, read.details);
    let before = serde_json::to_value(evaluate_default(&read.details)).unwrap();
    let after = serde_json::to_value(evaluate_default(&back)).unwrap();
    assert_eq!(before, after);
}

/// The example account is built from Bishop Fox's iam-vulnerable: each `privescN-Method-…`
/// principal can escalate by that method, `fnN-…` are escalations other tools miss, `fpN-…`
/// look like escalations and are not.
#[test]
fn cloudsplaining_example_account_access_paths() {
    let j = judge(fixture!("cloudsplaining__examples__files__example.json"));
    let found = |name: &str| {
        j.indirect
            .iter()
            .find(|(n, _)| n.ends_with(name))
            .map(|(_, s)| *s)
    };
    for name in [
        "privesc1-CreateNewPolicyVersion-user",
        "privesc1-CreateNewPolicyVersion-role",
        "privesc3-CreateEC2WithExistingInstanceProfile-user",
        "privesc4-CreateAccessKey-user",
        "privesc5-CreateLoginProfile-user",
        "privesc6-UpdateLoginProfile-user",
        "privesc7-AttachUserPolicy-user",
        "privesc8-AttachGroupPolicy-user",
        "privesc9-AttachRolePolicy-role",
        "privesc10-PutUserPolicy-user",
        "privesc11-PutGroupPolicy-user",
        "privesc12-PutRolePolicy-role",
        "privesc13-AddUserToGroup-user",
        "privesc14-UpdatingAssumeRolePolicy-user",
        "privesc15-PassExistingRoleToNewLambdaThenInvoke-user",
        "privesc18-PassExistingRoleToNewGlueDevEndpoint-user",
        "privesc20-PassExistingRoleToCloudFormation-user",
        "privesc-codeBuildCreateProjectPassRole-user",
        "privesc-sageMakerCreateNotebookPassRole-user",
        "privesc-AssumeRole-starting-role",
        "privesc-AssumeRole-intermediate-role",
        "fn1-privesc3-partial-user",
        "fn2-exploitableResourceConstraint-user",
    ] {
        assert_eq!(found(name), Some(Severity::High), "{name}");
    }
    // `aws:TokenIssueTime` is not known from an export: conditional, so low.
    assert_eq!(
        found("fn3-exploitableConditionConstraint-user"),
        Some(Severity::Low)
    );
    assert_eq!(
        found("fp5-nonExploitableConditionConstraint-user"),
        Some(Severity::Low)
    );
    for name in [
        "fp1-allow-and-deny-user",
        "fp2-allow-and-deny-multiple-policies-user",
        "fp3-deny-iam-user",
        "fp4-nonExploitableResourceConstraint-user",
        // Its only other version is not in the export: nothing to make the default.
        "privesc2-SetExistingDefaultPolicyVersion-user",
        // Methods on existing resources the export does not describe (a function, an
        // endpoint, a stack, an instance) or services gdaudit does not follow.
        "privesc17-EditExistingLambdaFunctionWithRole-user",
        "privesc19-UpdateExistingGlueDevEndpoint-user",
        "privesc21-PassExistingRoleToNewDataPipeline-user",
        "privesc-ssmSendCommand-user",
        // No policy of its own in the export.
        "privesc-AssumeRole-start-user",
    ] {
        assert_eq!(found(name), None, "{name}");
    }
    // Administrators are never flagged.
    assert_eq!(found("obama"), None);
    let j = judge(fixture!(
        "cloudsplaining__test__files__example-authz-details.json"
    ));
    assert_eq!(
        j.indirect,
        vec![("role/OverprivilegedEC2".to_owned(), Severity::High)]
    );
}
