//! Exact verdicts: resource sets across layers, actions that take only `*`, and conditions
//! decided from the principal's own facts. The minimal policies of issue 10 and more.

use super::*;
use crate::model::iam::Tag;

const ASSOCIATION_ACTIONS: [&str; 2] = [
    "DeleteCustomDetectionRuleAssociation",
    "UpdateCustomDetectionRuleAssociation",
];

fn decision(eval: &Evaluation, name: &str, action: &str) -> Option<Decision> {
    verdict(eval, name, action).map(|v| v.decision)
}

#[test]
fn a_not_resource_deny_exempting_detection_rules_leaves_associations_allowed() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"},
                {"Effect":"Deny","Action":"guardduty:*","NotResource":"arn:aws:guardduty:*:111122223333:detection-rule/*"}]"#,
        )],
    )]));
    for action in ASSOCIATION_ACTIONS {
        let v = verdict(&eval, "u", action).unwrap();
        assert_eq!(
            (v.decision, v.resource_scoped),
            (Decision::Allowed, false),
            "{action}"
        );
    }
    assert_eq!(
        decision(&eval, "u", "DeleteDetector"),
        Some(Decision::Denied)
    );
    // An action without a resource type is asked about `*`, which the NotResource leaves out.
    assert_eq!(
        decision(&eval, "u", "ArchiveFindings"),
        Some(Decision::Denied)
    );
}

#[test]
fn an_allow_with_not_resource_of_every_guardduty_arn_grants_no_association() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","NotResource":"arn:aws:guardduty:*:*:*"}"#,
        )],
    )]));
    for action in ASSOCIATION_ACTIONS {
        assert!(verdict(&eval, "u", action).is_none(), "{action}");
    }
    assert!(verdict(&eval, "u", "DeleteDetector").is_none());
    // `*` is not a GuardDuty ARN: actions without a resource type are granted.
    assert_eq!(
        decision(&eval, "u", "ArchiveFindings"),
        Some(Decision::Allowed)
    );
}

#[test]
fn a_conditional_deny_on_some_detectors_leaves_the_others_allowed() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"[{"Effect":"Allow","Action":["guardduty:DeleteDetector","guardduty:DisassociateMembers"],"Resource":"*"},
                {"Effect":"Deny","Action":["guardduty:DeleteDetector","guardduty:DisassociateMembers"],
                 "Resource":"arn:aws:guardduty:us-east-1:111122223333:detector/*",
                 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]"#,
        )],
    )]));
    let v = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!((v.decision, v.resource_scoped), (Decision::Allowed, true));
    assert!(v.condition_keys.is_empty());
    assert_eq!(
        v.resources,
        vec![
            "detector resources except arn:aws:guardduty:us-east-1:111122223333:detector/*"
                .to_owned()
        ]
    );
    // No resource type: the request names `*`, which the Deny's detector ARN does not match.
    let v = verdict(&eval, "u", "DisassociateMembers").unwrap();
    assert_eq!((v.decision, v.resource_scoped), (Decision::Allowed, false));
}

#[test]
fn identity_and_boundary_must_allow_the_same_resource() {
    let bound = managed(
        "EuOnly",
        &[(
            "v1",
            true,
            &doc(
                r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"arn:aws:guardduty:eu-west-1:111122223333:detector/*"}"#,
            ),
        )],
    );
    let mut plain = user(
        "plain",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:us-east-1:111122223333:detector/*"}"#,
        )],
    );
    plain.permissions_boundary = boundary(&bound.arn);
    let mut mfa = user(
        "mfa",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:us-east-1:111122223333:detector/*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        )],
    );
    mfa.permissions_boundary = boundary(&bound.arn);
    let mut overlap = user(
        "overlap",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:*:111122223333:detector/*"}"#,
        )],
    );
    overlap.permissions_boundary = boundary(&bound.arn);
    let details = AuthorizationDetails {
        users: vec![plain, mfa, overlap],
        policies: vec![bound],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate_default(&details);
    assert_eq!(
        decision(&eval, "plain", "DeleteDetector"),
        Some(Decision::NotAllowed)
    );
    assert_eq!(
        decision(&eval, "mfa", "DeleteDetector"),
        Some(Decision::NotAllowed)
    );
    assert!(held(&eval, "plain").is_empty() && held(&eval, "mfa").is_empty());
    let v = verdict(&eval, "overlap", "DeleteDetector").unwrap();
    assert_eq!((v.decision, v.resource_scoped), (Decision::Allowed, true));
}

#[test]
fn an_scp_level_and_the_identity_must_allow_the_same_resource() {
    let scp = ScpPolicy::new(
        "UsOnly",
        &serde_json::from_str(&doc(
            r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:guardduty:us-*"}"#,
        ))
        .unwrap(),
    );
    let opts = EvalOptions {
        scps: vec![vec![scp]],
        ..EvalOptions::default()
    };
    let eval = evaluate(
        &users(vec![user(
            "u",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"arn:aws:guardduty:eu-*"}"#,
            )],
        )]),
        &opts,
    );
    assert!(held(&eval, "u").is_empty());
}

#[test]
fn actions_without_a_resource_type_are_not_granted_by_guardduty_arns() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"arn:aws:guardduty:*:111122223333:*"}"#,
        )],
    )]));
    for action in [
        "ArchiveFindings",
        "CreateDetector",
        "DisassociateMembers",
        "CreateMembers",
    ] {
        assert!(verdict(&eval, "u", action).is_none(), "{action}");
    }
    assert_eq!(
        decision(&eval, "u", "DeleteDetector"),
        Some(Decision::Allowed)
    );
}

#[test]
fn a_guardrail_on_the_principal_arn_is_decided_from_the_export() {
    let scp = ScpPolicy::new(
        "OnlySecurityAdmin",
        &serde_json::from_str(&doc(
            r#"[{"Effect":"Allow","Action":"*","Resource":"*"},
                {"Effect":"Deny","Action":"guardduty:*","Resource":"*",
                 "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/SecurityAdmin"}}}]"#,
        ))
        .unwrap(),
    );
    let opts = EvalOptions {
        scps: vec![vec![scp]],
        ..EvalOptions::default()
    };
    let grant = doc(r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}"#);
    let details = AuthorizationDetails {
        roles: vec![role("SecurityAdmin", &[&grant]), role("Dev", &[&grant])],
        ..AuthorizationDetails::default()
    };
    let eval = evaluate(&details, &opts);
    let admin = verdict(&eval, "SecurityAdmin", "DeleteDetector").unwrap();
    assert_eq!(
        (admin.decision, admin.conditional),
        (Decision::Allowed, false)
    );
    assert_eq!(
        decision(&eval, "Dev", "DeleteDetector"),
        Some(Decision::Denied)
    );
}

fn tagged(mut u: UserDetail, tags: &[(&str, &str)]) -> UserDetail {
    u.tags = Some(
        tags.iter()
            .map(|(k, v)| Tag {
                key: (*k).to_owned(),
                value: (*v).to_owned(),
            })
            .collect(),
    );
    u
}

#[test]
fn principal_tags_and_user_names_are_known_for_users() {
    let policy = doc(
        r#"[{"Effect":"Allow","Action":"guardduty:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"security"}}},
            {"Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}]"#,
    );
    let details = users(vec![
        tagged(
            user("sec", &[&policy]),
            &[("team", "security"), ("owner", "sec")],
        ),
        tagged(
            user("other", &[&policy]),
            &[("team", "security"), ("owner", "x")],
        ),
        user("untagged", &[&policy]),
    ]);
    let eval = evaluate_default(&details);
    assert_eq!(
        decision(&eval, "sec", "DeleteDetector"),
        Some(Decision::Allowed)
    );
    assert_eq!(
        decision(&eval, "other", "DeleteDetector"),
        Some(Decision::Denied)
    );
    assert_eq!(
        decision(&eval, "other", "UpdateDetector"),
        Some(Decision::Allowed)
    );
    // Another principal in the export has tags: this one has none.
    assert!(held(&eval, "untagged").is_empty());
    // With no tags anywhere in the export, they are not known.
    let eval = evaluate_default(&users(vec![user("untagged", &[&policy])]));
    let v = verdict(&eval, "untagged", "UpdateDetector").unwrap();
    assert_eq!(v.decision, Decision::Conditional);
    assert_eq!(v.condition_keys, vec![Label::from("aws:PrincipalTag/Team")]);
}

#[test]
fn a_roles_tags_decide_with_a_note_about_sessions() {
    let mut r = role(
        "ops",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"sec"}}}"#,
        )],
    );
    r.tags = Some(vec![Tag {
        key: "team".to_owned(),
        value: "sec".to_owned(),
    }]);
    let eval = evaluate_default(&AuthorizationDetails {
        roles: vec![r],
        ..AuthorizationDetails::default()
    });
    let v = verdict(&eval, "ops", "DeleteDetector").unwrap();
    assert_eq!(v.decision, Decision::Allowed);
    assert_eq!(v.notes.len(), 1, "{:?}", v.notes);
}

#[test]
fn requested_region_conditions_are_decided_region_by_region() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"},
                {"Effect":"Deny","Action":"guardduty:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]"#,
        )],
    )]));
    for action in ["DeleteDetector", "ArchiveFindings"] {
        let v = verdict(&eval, "u", action).unwrap();
        assert_eq!(v.decision, Decision::Allowed, "{action}");
        assert_eq!(
            v.regions,
            vec!["eu-central-1".to_owned(), "eu-west-1".to_owned()]
        );
    }
}

#[test]
fn operators_follow_the_rules_for_absent_keys_and_sets() {
    // aws:username is absent for a role: ForAnyValue fails, a negated operator holds, Null
    // "true" holds, IfExists holds.
    let cases = [
        (
            r#"{"ForAnyValue:StringEquals":{"aws:username":"x"}}"#,
            false,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:username":"x"}}"#,
            true,
        ),
        (r#"{"StringNotEquals":{"aws:username":"x"}}"#, true),
        (r#"{"StringEquals":{"aws:username":"x"}}"#, false),
        (r#"{"StringEqualsIfExists":{"aws:username":"x"}}"#, true),
        (r#"{"Null":{"aws:username":"true"}}"#, true),
        (r#"{"Null":{"aws:username":"false"}}"#, false),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalType":"assumedrole"}}"#,
            true,
        ),
        (
            r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/o?s"}}"#,
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}"#,
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            false,
        ),
        (
            r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:ResourceAccount":"111122223333"}}"#,
            true,
        ),
        (r#"{"Bool":{"aws:PrincipalIsAWSService":"false"}}"#, true),
    ];
    for (condition, allowed) in cases {
        let policy = doc(&format!(
            r#"{{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*","Condition":{condition}}}"#
        ));
        let eval = evaluate_default(&AuthorizationDetails {
            roles: vec![role("ops", &[&policy])],
            ..AuthorizationDetails::default()
        });
        let got = decision(&eval, "ops", "DeleteDetector");
        let want = if allowed {
            Some(Decision::Allowed)
        } else {
            Some(Decision::NotAllowed)
        };
        assert_eq!(got, want, "{condition}");
    }
}

#[test]
fn arns_match_case_sensitively_and_a_star_ending_a_segment_crosses_colons() {
    let eval = evaluate_default(&users(vec![
        user(
            "upper",
            &[&doc(
                r#"{"Effect":"Allow","Action":"GuardDuty:DeleteDetector","Resource":"arn:aws:GuardDuty:*:111122223333:detector/*"}"#,
            )],
        ),
        user(
            "across",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:*:detector/*"}"#,
            )],
        ),
        user(
            "within",
            &[&doc(
                r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:us-*1:detector/*"}"#,
            )],
        ),
    ]));
    assert!(verdict(&eval, "upper", "DeleteDetector").is_none());
    let v = verdict(&eval, "across", "DeleteDetector").unwrap();
    assert_eq!((v.decision, v.resource_scoped), (Decision::Allowed, false));
    assert!(verdict(&eval, "within", "DeleteDetector").is_none());
}

#[test]
fn explain_names_the_surviving_resources_and_regions() {
    let details = users(vec![user(
        "u",
        &[&doc(
            r#"[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"},
                {"Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"arn:aws:guardduty:us-east-1:111122223333:detector/*",
                 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
                {"Effect":"Deny","Action":"guardduty:ArchiveFindings","Resource":"*",
                 "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]"#,
        )],
    )]);
    let opts = EvalOptions::default();
    let delete = explain(&details, &opts, "u", Some("DeleteDetector")).unwrap();
    let text = delete.to_string();
    assert!(
        text.contains(
            "allowed on detector resources except arn:aws:guardduty:us-east-1:111122223333:detector/*"
        ),
        "{text}"
    );
    let archive = explain(&details, &opts, "u", Some("ArchiveFindings")).unwrap();
    assert_eq!(archive.actions[0].regions, vec!["eu-west-1".to_owned()]);
    assert!(archive.to_string().contains("only in eu-west-1"));
}

#[test]
fn a_condition_value_that_is_not_a_value_leaves_the_clause_undecided() {
    let eval = evaluate_default(&users(vec![user(
        "u",
        &[&doc(
            r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*",
                "Condition":{"StringEquals":{"aws:PrincipalType":{"odd":1}}}}"#,
        )],
    )]));
    assert!(eval.problems.is_empty(), "{:?}", eval.problems);
    let v = verdict(&eval, "u", "DeleteDetector").unwrap();
    assert_eq!(v.decision, Decision::Conditional);
    assert_eq!(v.condition_keys, vec![Label::from("aws:PrincipalType")]);
}
