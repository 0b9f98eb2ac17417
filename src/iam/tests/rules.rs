//! One test per evaluation rule, each with the smallest policy that shows it.

use super::*;

const DETECTORS: &str = "arn:aws:guardduty:*:111122223333:detector/*";

#[test]
fn not_action_grants_everything_it_does_not_name() {
    let eval = evaluate_default(&users(vec![
        user(
            "everything-but-iam",
            &[&doc(
                r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
            )],
        ),
        user(
            "everything-but-gd",
            &[&doc(
                r#"{"Effect":"Allow","NotAction":["iam:*","guardduty:*"],"Resource":"*"}"#,
            )],
        ),
    ]));
    assert_eq!(held(&eval, "everything-but-iam"), all_actions());
    assert!(held(&eval, "everything-but-gd").is_empty());
    // Everything but IAM is not everything: not an administrator.
    assert_eq!(principal(&eval, "everything-but-iam").privileged, None);
}

#[test]
fn wildcards_in_the_service_prefix() {
    let eval = evaluate_default(&users(vec![
        user(
            "prefix",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guard*:Delete*","Resource":"*"}"#,
            )],
        ),
        user(
            "any-service",
            &[&doc(
                r#"{"Effect":"Allow","Action":"*:DisassociateMembers","Resource":"*"}"#,
            )],
        ),
        user(
            "other-service",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardian:*","Resource":"*"}"#,
            )],
        ),
    ]));
    let deletes: Vec<&str> = all_actions()
        .into_iter()
        .filter(|a| a.starts_with("Delete"))
        .collect();
    assert_eq!(held(&eval, "prefix"), deletes);
    assert_eq!(held(&eval, "any-service"), vec!["DisassociateMembers"]);
    assert!(held(&eval, "other-service").is_empty());
}

#[test]
fn question_mark_matches_exactly_one_character() {
    let eval = evaluate_default(&users(vec![
        user(
            "one",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardduty:Update?etector","Resource":"*"}"#,
            )],
        ),
        user(
            "none",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardduty:Update?Detector","Resource":"*"}"#,
            )],
        ),
    ]));
    assert_eq!(held(&eval, "one"), vec!["UpdateDetector"]);
    assert!(held(&eval, "none").is_empty());
}

#[test]
fn action_names_are_case_insensitive() {
    let eval = evaluate_default(&users(vec![user(
        "shouty",
        &[&doc(
            r#"{"Effect":"Allow","Action":["GUARDDUTY:deletedetector"],"Resource":"*"}"#,
        )],
    )]));
    assert_eq!(held(&eval, "shouty"), vec!["DeleteDetector"]);
}

#[test]
fn statement_and_elements_may_be_single_values() {
    let single =
        r#"{"Statement":{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}}"#;
    let eval = evaluate_default(&users(vec![user("u", &[single])]));
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
}

#[test]
fn explicit_deny_beats_allow() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#),
            &doc(
                r#"{"Sid":"NoDelete","Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"*"}"#,
            ),
        ],
    )]));
    let delete = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(delete.decision, Decision::Denied);
    assert_eq!(delete.denied_by[0].policy.as_str(), "inline/user/u/p1");
    assert_eq!(delete.denied_by[0].statement.as_deref(), Some("NoDelete"));
    assert_eq!(held(&eval, "u").len(), all_actions().len() - 1);
}

#[test]
fn deny_with_not_action_denies_what_it_does_not_name() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#),
            &doc(r#"{"Effect":"Deny","NotAction":"guardduty:ArchiveFindings","Resource":"*"}"#),
        ],
    )]));
    assert_eq!(held(&eval, "u"), vec!["ArchiveFindings"]);
}

#[test]
fn conditional_deny_makes_the_action_conditional() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#),
            &doc(r#"{"Effect":"Deny","Action":"guardduty:*","Resource":"*",
                    "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#),
        ],
    )]));
    let v = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(v.decision, Decision::Conditional);
    assert!(v.conditional);
    assert_eq!(v.conditional_by, vec![ConditionSource::Deny]);
    assert_eq!(
        v.condition_keys,
        vec![Label::from("aws:MultiFactorAuthPresent")]
    );
    assert_eq!(v.denied_by.len(), 1);
}

#[test]
fn conditional_allow_lists_its_keys() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:CreateIPSet","Resource":"*",
                  "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#,
        )],
    )]));
    let v = verdict(&eval, "u", "CreateIPSet").unwrap();
    assert_eq!(v.decision, Decision::Conditional);
    assert_eq!(v.conditional_by, vec![ConditionSource::Allow]);
    // The region is decided region by region; only the request's source address is unknown.
    assert_eq!(v.condition_keys, vec![Label::from("aws:SourceIp")]);
    assert_eq!(v.regions, vec!["eu-west-1".to_owned()]);
}

#[test]
fn an_unconditional_grant_outweighs_a_conditional_one() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(
                r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
            ),
            &doc(r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}"#),
        ],
    )]));
    let v = verdict(&eval, "u", "CreateFilter").unwrap();
    assert_eq!(v.decision, Decision::Allowed);
    assert!(v.condition_keys.is_empty());
    assert_eq!(v.granted_by.len(), 2);
}

#[test]
fn deny_on_some_resources_leaves_the_action_allowed_but_scoped() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*"}"#),
            &doc(
                r#"{"Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:us-east-1:111122223333:detector/*"}"#,
            ),
        ],
    )]));
    let v = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(v.decision, Decision::Allowed);
    assert!(v.resource_scoped);
    assert_eq!(v.denied_by.len(), 1);
}

#[test]
fn permissions_boundary_caps_identity_policies() {
    let bound = managed(
        "Boundary",
        &[(
            "v1",
            true,
            &doc(
                r#"{"Effect":"Allow","Action":["guardduty:Get*","guardduty:ArchiveFindings"],"Resource":"*"}"#,
            ),
        )],
    );
    let mut capped = user(
        "capped",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#,
        )],
    );
    capped.permissions_boundary = boundary(&bound.arn);
    let details = AuthorizationDetails {
        users: vec![capped],
        policies: vec![bound.clone()],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    assert!(eval.problems.is_empty(), "{:?}", eval.problems);
    assert_eq!(held(&eval, "capped"), vec!["ArchiveFindings"]);
    let delete = verdict(&eval, "capped", "DeleteDetector").unwrap();
    assert_eq!(delete.decision, Decision::NotAllowed);
    assert_eq!(
        delete.capped_by,
        vec![StatementRef {
            policy: Label::from(bound.arn.as_str()),
            statement: None
        }]
    );
}

#[test]
fn a_boundary_missing_from_the_export_is_reported_and_caps_nothing() {
    let mut u = user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}"#,
        )],
    );
    u.permissions_boundary = boundary("arn:aws:iam::111122223333:policy/Gone");
    let eval = evaluate_default(&users(vec![u]));
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
    assert_eq!(eval.problems.len(), 1);
    assert_eq!(eval.problems[0].kind, ProblemKind::MissingBoundary);
    assert_eq!(
        eval.problems[0].location.as_deref(),
        Some(arn("user", "u").as_str())
    );
}

#[test]
fn a_deny_in_the_boundary_is_an_explicit_deny() {
    let bound = managed(
        "Boundary",
        &[(
            "v1",
            true,
            &doc(r#"[{"Effect":"Allow","Action":"*","Resource":"*"},
                              {"Effect":"Deny","Action":"guardduty:Delete*","Resource":"*"}]"#),
        )],
    );
    let mut u = user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#,
        )],
    );
    u.permissions_boundary = boundary(&bound.arn);
    let details = AuthorizationDetails {
        users: vec![u],
        policies: vec![bound],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    assert_eq!(
        verdict(&eval, "u", "DeleteFilter").unwrap().decision,
        Decision::Denied
    );
    assert_eq!(
        verdict(&eval, "u", "CreateFilter").unwrap().decision,
        Decision::Allowed
    );
}

#[test]
fn service_control_policies_cap_at_every_level_and_their_denies_win() {
    let details = users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#,
        )],
    )]);
    let scp = |name: &str, statements: &str| {
        ScpPolicy::new(name, &serde_json::from_str(&doc(statements)).unwrap())
    };
    let full = scp(
        "FullAWSAccess",
        r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
    );
    let only_gd_reads = scp(
        "GuardDutyReads",
        r#"{"Effect":"Allow","Action":["guardduty:Get*","guardduty:CreateFilter"],"Resource":"*"}"#,
    );
    let deny_delete = scp(
        "NoDelete",
        r#"{"Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"*"}"#,
    );

    // Root allows everything; the OU level allows only CreateFilter among the writes.
    let opts = EvalOptions {
        scps: vec![vec![full.clone()], vec![only_gd_reads]],
        ..EvalOptions::default()
    };
    let eval = evaluate(&details, &opts);
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
    let capped = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(capped.decision, Decision::NotAllowed);
    assert_eq!(capped.capped_by[0].policy.as_str(), "scp/1/GuardDutyReads");

    // A Deny in any SCP wins even where another allows.
    let opts = EvalOptions {
        scps: vec![vec![full, deny_delete]],
        ..EvalOptions::default()
    };
    let eval = evaluate(&details, &opts);
    let denied = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(denied.decision, Decision::Denied);
    assert_eq!(denied.denied_by[0].policy.as_str(), "scp/0/NoDelete");
    assert_eq!(held(&eval, "u").len(), all_actions().len() - 1);
}

#[test]
fn not_resource_grants_what_it_leaves_out() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(&format!(
            r#"{{"Effect":"Allow","Action":"guardduty:*","NotResource":"{DETECTORS}"}}"#
        ))],
    )]));
    // Everything under a detector is left out; the malware protection plans are not, and
    // actions without a resource type take `*`, which the pattern does not name.
    assert!(verdict(&eval, "u", "DeleteDetector").is_none());
    assert!(verdict(&eval, "u", "DeleteFilter").is_none());
    let plan = verdict(&eval, "u", "DeleteMalwareProtectionPlan").unwrap();
    assert_eq!(
        (plan.decision, plan.resource_scoped),
        (Decision::Allowed, false)
    );
    let ipset = verdict(&eval, "u", "CreateIPSet").unwrap();
    assert_eq!(
        (ipset.decision, ipset.resource_scoped),
        (Decision::Allowed, false)
    );
    // Tagging reaches detectors too: only part of it is left.
    assert!(verdict(&eval, "u", "TagResource").unwrap().resource_scoped);
}

#[test]
fn another_accounts_arn_grants_nothing() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"arn:aws:guardduty:*:444455556666:*"}"#,
        )],
    )]));
    assert_eq!(eval.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(held(&eval, "u"), Vec::<&str>::new());
}

#[test]
fn detector_wildcard_covers_filters_ip_sets_and_other_children() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(&format!(
            r#"{{"Effect":"Allow","Action":"guardduty:*","Resource":"{DETECTORS}"}}"#
        ))],
    )]));
    for child in [
        "DeleteDetector",
        "DeleteFilter",
        "UpdateIPSet",
        "DeletePublishingDestination",
        "UpdateThreatIntelSet",
    ] {
        let v = verdict(&eval, "u", child).unwrap_or_else(|| panic!("{child}"));
        assert_eq!(
            (v.decision, v.resource_scoped),
            (Decision::Allowed, false),
            "{child}"
        );
    }
    // No resource type in the reference: the request names `*`, which a detector ARN does
    // not match.
    assert!(verdict(&eval, "u", "ArchiveFindings").is_none());
    // Malware protection plans are not under a detector.
    assert!(verdict(&eval, "u", "DeleteMalwareProtectionPlan").is_none());
}

#[test]
fn a_grant_narrower_than_every_resource_is_resource_scoped() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:DeleteFilter","Resource":"arn:aws:guardduty:eu-west-1:111122223333:detector/12abc34d/filter/*"}"#,
        )],
    )]));
    let v = verdict(&eval, "u", "DeleteFilter").unwrap();
    assert_eq!((v.decision, v.resource_scoped), (Decision::Allowed, true));
}

#[test]
fn only_the_default_version_of_a_managed_policy_counts() {
    let all = doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#);
    let reads = doc(r#"{"Effect":"Allow","Action":"guardduty:Get*","Resource":"*"}"#);
    let flagged = managed("Flagged", &[("v1", true, &reads), ("v2", false, &all)]);
    let mut by_id = managed("ById", &[("v1", false, &all), ("v2", false, &reads)]);
    by_id.default_version_id = Some("v2".to_owned());
    let mut u = user("u", &[]);
    u.attached_managed_policies = vec![attach(&flagged), attach(&by_id)];
    let details = AuthorizationDetails {
        users: vec![u],
        policies: vec![flagged, by_id],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    assert!(eval.problems.is_empty(), "{:?}", eval.problems);
    assert!(held(&eval, "u").is_empty());
}

#[test]
fn percent_encoded_documents_are_judged_like_objects() {
    let object = r#"{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::111122223333:user/u",
        "UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17",
        "Statement":{"Effect":"Allow","Action":"guardduty:Create+Filter","Resource":"*"}}}]}]}"#;
    let encoded = r#"{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::111122223333:user/u",
        "UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22guardduty%3ACreateFilter%22%2C%22guardduty%3ACreate%2BFilter%22%5D%2C%22Resource%22%3A%22%2A%22%7D%7D"}]}]}"#;
    let read = read_export(encoded.as_bytes());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let eval = evaluate_default(&read.details);
    assert!(eval.problems.is_empty(), "{:?}", eval.problems);
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
    // `+` stays `+`: the object form's `Create+Filter` names no action, and neither does the
    // decoded one (it would read `Create Filter` if `+` were taken for a space).
    let plain = evaluate_default(&read_export(object.as_bytes()).details);
    assert!(held(&plain, "u").is_empty());
    let text = read.details.users[0].user_policy_list[0]
        .policy_document
        .as_json_text();
    assert!(text.contains("guardduty:Create+Filter"), "{text}");
}

#[test]
fn an_invalid_document_is_reported_by_name_and_the_rest_is_judged() {
    let grant = doc(r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}"#);
    let broken = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"guardduty:*""#;
    let not_a_policy = r#"{"Version":"2012-10-17","Statement":"nope"}"#;
    let eval = evaluate_default(&users(vec![
        user("mixed", &[broken, &grant]),
        user("odd", &[not_a_policy]),
        user("fine", &[&grant]),
    ]));
    assert_eq!(held(&eval, "mixed"), vec!["CreateFilter"]);
    assert_eq!(held(&eval, "fine"), vec!["CreateFilter"]);
    let lines: Vec<String> = eval.problems.iter().map(ToString::to_string).collect();
    assert_eq!(eval.problems.len(), 2, "{lines:#?}");
    assert_eq!(eval.problems[0].kind, ProblemKind::InvalidJson);
    assert!(
        lines[0].contains("inline/user/mixed/p0") && lines[0].contains(&arn("user", "mixed")),
        "{}",
        lines[0]
    );
    assert_eq!(eval.problems[1].kind, ProblemKind::InvalidPolicy);
    assert!(lines[1].contains("inline/user/odd/p0"), "{}", lines[1]);
    assert!(!lines.iter().any(|l| l.contains('\n')), "one line each");
}

#[test]
fn an_invalid_statement_is_skipped_and_reported_the_others_count() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"[{"Effect":"Permit","Action":"guardduty:*","Resource":"*"},
                   {"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}]"#,
        )],
    )]));
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
    assert_eq!(eval.problems.len(), 1);
    assert!(
        eval.problems[0].message.contains("Statement[0]"),
        "{}",
        eval.problems[0]
    );
}

#[test]
fn missing_managed_policies_and_groups_are_reported() {
    let mut u = user("u", &[]);
    u.attached_managed_policies = vec![AttachedPolicy {
        policy_name: "Gone".to_owned(),
        policy_arn: "arn:aws:iam::aws:policy/Gone".to_owned(),
    }];
    u.group_list = vec!["NoSuchGroup".to_owned()];
    let mut v = user("v", &[]);
    v.attached_managed_policies = u.attached_managed_policies.clone();
    let eval = evaluate_default(&users(vec![u, v]));
    let kinds: Vec<ProblemKind> = eval.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![ProblemKind::MissingGroup, ProblemKind::MissingPolicy]
    );
    assert!(
        eval.problems[1].to_string().contains("and 1 more"),
        "{}",
        eval.problems[1]
    );
}

#[test]
fn users_inherit_their_groups_policies_once() {
    let gd = managed(
        "GD",
        &[(
            "v1",
            true,
            &doc(r#"{"Effect":"Allow","Action":"guardduty:CreateIPSet","Resource":"*"}"#),
        )],
    );
    let mut ops = group(
        "Ops",
        &[&doc(
            r#"{"Sid":"Arch","Effect":"Allow","Action":"guardduty:ArchiveFindings","Resource":"*"}"#,
        )],
    );
    ops.attached_managed_policies = vec![attach(&gd)];
    let mut u = user("u", &[]);
    u.group_list = vec!["Ops".to_owned()];
    u.attached_managed_policies = vec![attach(&gd)];
    let details = AuthorizationDetails {
        users: vec![u],
        groups: vec![ops],
        policies: vec![gd.clone()],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    assert_eq!(held(&eval, "u"), vec!["ArchiveFindings", "CreateIPSet"]);
    let archive = verdict(&eval, "u", "ArchiveFindings").unwrap();
    assert_eq!(archive.granted_by[0].policy.as_str(), "inline/group/Ops/p0");
    assert_eq!(archive.granted_by[0].statement.as_deref(), Some("Arch"));
    // Attached directly and through the group: one grant, not two.
    assert_eq!(
        verdict(&eval, "u", "CreateIPSet").unwrap().granted_by.len(),
        1
    );
}

#[test]
fn service_linked_roles_are_left_out() {
    let gd = doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#);
    let mut linked = role("AWSServiceRoleForAmazonGuardDuty", &[&gd]);
    linked.path = "/aws-service-role/guardduty.amazonaws.com/".to_owned();
    let details = AuthorizationDetails {
        roles: vec![linked, role("ordinary", &[&gd])],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    let names: Vec<&str> = eval.principals.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["ordinary"]);
    assert_eq!(eval.service_linked_roles_skipped, 1);
}

#[test]
fn administrators_are_privileged_unless_guardduty_is_denied_or_capped() {
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let deny_s3 = doc(r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#);
    let deny_gd = doc(r#"{"Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"*"}"#);
    let mfa_admin = doc(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
    );
    let bound = managed(
        "GdOnly",
        &[(
            "v1",
            true,
            &doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#),
        )],
    );
    let mut bounded = user("bounded", &[&admin]);
    bounded.permissions_boundary = boundary(&bound.arn);
    let details = AuthorizationDetails {
        users: vec![
            user("admin", &[&admin]),
            user("admin-no-s3", &[&admin, &deny_s3]),
            user("admin-no-delete", &[&admin, &deny_gd]),
            user("mfa-admin", &[&mfa_admin]),
            // Unknown content might deny: an unreadable policy rules out "administrator".
            user("admin-unreadable", &[&admin, "{"]),
            bounded,
        ],
        policies: vec![bound],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    let admin = Some(PrivilegeReason::Administrator);
    assert_eq!(principal(&eval, "admin").privileged, admin);
    assert_eq!(principal(&eval, "admin-no-s3").privileged, admin);
    assert_eq!(principal(&eval, "admin-no-delete").privileged, None);
    assert_eq!(
        held(&eval, "admin-no-delete").len(),
        all_actions().len() - 1
    );
    assert_eq!(principal(&eval, "mfa-admin").privileged, None);
    assert_eq!(principal(&eval, "admin-unreadable").privileged, None);
    assert_eq!(principal(&eval, "bounded").privileged, None);
    assert_eq!(held(&eval, "bounded"), all_actions());
}

#[test]
fn principals_matching_a_privileged_glob_are_privileged() {
    let gd = doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#);
    let mut security = role("responder", &[&gd]);
    security.arn = format!("arn:aws:iam::{ACCOUNT}:role/security/ir/responder");
    let details = AuthorizationDetails {
        roles: vec![security, role("deployer", &[&gd])],
        ..AuthorizationDetails::default()
    };
    let opts = EvalOptions {
        privileged_globs: vec!["arn:aws:iam::*:role/security/*".to_owned()],
        ..EvalOptions::default()
    };
    let eval = evaluate(&details, &opts);
    assert_eq!(
        principal(&eval, "responder").privileged,
        Some(PrivilegeReason::MatchesGlob {
            glob: "arn:aws:iam::*:role/security/*".to_owned()
        })
    );
    assert_eq!(principal(&eval, "deployer").privileged, None);
}

#[test]
fn the_account_is_the_most_common_twelve_digit_one() {
    let mut other = user("x", &[]);
    other.arn = "arn:aws:iam::aws:user/x".to_owned();
    let eval = evaluate_default(&users(vec![user("a", &[]), user("b", &[]), other]));
    assert_eq!(eval.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(
        evaluate_default(&AuthorizationDetails::default()).account_id,
        None
    );
}

#[test]
fn verdicts_serialize_flat_with_their_statements() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:UpdateFilter","Resource":"*"}"#,
        )],
    )]));
    let json = serde_json::to_value(&eval.principals[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "arn": arn("user", "u"),
            "name": "u",
            "kind": "user",
            "privileged": null,
            "actions": [{
                "action": "guardduty:UpdateFilter",
                "decision": "allowed",
                "conditional": false,
                "condition_keys": [],
                "conditional_by": [],
                "resource_scoped": false,
                "granted_by": [{"policy": "inline/user/u/p0", "statement": "Statement[0]"}],
                "denied_by": [],
                "capped_by": [],
            }],
        })
    );
}

#[test]
fn deny_with_not_resource_denies_what_it_leaves_out() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[
            &doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#),
            &doc(&format!(
                r#"{{"Effect":"Deny","Action":"guardduty:*","NotResource":"{DETECTORS}"}}"#
            )),
        ],
    )]));
    // Detectors and what is under them are left out of the Deny; everything else is denied.
    assert_eq!(
        verdict(&eval, "u", "DeleteDetector").unwrap().decision,
        Decision::Allowed
    );
    assert_eq!(
        verdict(&eval, "u", "DeleteFilter").unwrap().decision,
        Decision::Allowed
    );
    assert_eq!(
        verdict(&eval, "u", "CreateIPSet").unwrap().decision,
        Decision::Denied
    );
    assert_eq!(
        verdict(&eval, "u", "DeleteMalwareProtectionPlan")
            .unwrap()
            .decision,
        Decision::Denied
    );
}

#[test]
fn conditions_in_the_boundary_or_an_scp_make_the_action_conditional() {
    let bound = managed(
        "Boundary",
        &[(
            "v1",
            true,
            &doc(
                r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
            ),
        )],
    );
    let mut u = user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}"#,
        )],
    );
    u.permissions_boundary = boundary(&bound.arn);
    let details = AuthorizationDetails {
        users: vec![u],
        policies: vec![bound],
        ..AuthorizationDetails::default()
    };
    let scp = ScpPolicy::new(
        "MfaOnly",
        &serde_json::from_str(&doc(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#)).unwrap(),
    );
    let opts = EvalOptions {
        scps: vec![vec![scp]],
        ..EvalOptions::default()
    };
    let eval = evaluate(&details, &opts);
    let v = verdict(&eval, "u", "CreateFilter").unwrap();
    assert_eq!(v.decision, Decision::Conditional);
    // The boundary's region condition is decided (eu-west-1 only); the SCP's MFA is not.
    assert_eq!(v.conditional_by, vec![ConditionSource::Scp]);
    assert_eq!(
        v.condition_keys,
        vec![Label::from("aws:MultiFactorAuthPresent")]
    );
    assert_eq!(v.regions, vec!["eu-west-1".to_owned()]);
    assert_eq!(v.capped_by.len(), 2);
}

#[test]
fn an_unreadable_scp_is_reported_and_caps_nothing() {
    let details = users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#,
        )],
    )]);
    let only_filters = ScpPolicy::new(
        "Filters",
        &serde_json::from_str(&doc(
            r#"{"Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}"#,
        ))
        .unwrap(),
    );
    let opts = EvalOptions {
        scps: vec![
            vec![ScpPolicy::new(
                "Broken",
                &serde_json::json!("{\"Statement\": ["),
            )],
            vec![only_filters],
        ],
        ..EvalOptions::default()
    };
    let eval = evaluate(&details, &opts);
    assert_eq!(held(&eval, "u"), vec!["CreateFilter"]);
    let capped = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(capped.capped_by[0].policy.as_str(), "scp/1/Filters");
    assert_eq!(eval.problems.len(), 1);
    assert_eq!(eval.problems[0].kind, ProblemKind::InvalidJson);
    assert_eq!(eval.problems[0].policy.as_deref(), Some("scp/0/Broken"));
    assert_eq!(eval.problems[0].location.as_deref(), Some("SCP level 0"));
}
