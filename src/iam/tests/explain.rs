//! Explanations: each decision with the statements behind it.

use super::*;

/// A user whose DeleteDetector is allowed on detectors, denied without MFA, and let through by
/// its boundary; UpdateDetector is allowed but not by the boundary.
fn account() -> AuthorizationDetails {
    let bound = managed(
        "Boundary",
        &[(
            "v3",
            true,
            &doc(
                r#"{"Sid":"Deletes","Effect":"Allow","Action":["guardduty:Delete*","guardduty:Create*"],"Resource":"*"}"#,
            ),
        )],
    );
    let mut u = user(
        "dev",
        &[
            &doc(
                r#"{"Sid":"GD","Effect":"Allow","Action":["s3:*","guardduty:*"],"Resource":"arn:aws:guardduty:*:111122223333:detector/*"}"#,
            ),
            &doc(
                r#"{"Sid":"MFA","Effect":"Deny","Action":"guardduty:DeleteDetector","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#,
            ),
        ],
    );
    u.permissions_boundary = boundary(&bound.arn);
    let mut linked = role("AWSServiceRoleForAmazonGuardDuty", &[]);
    linked.path = "/aws-service-role/guardduty.amazonaws.com/".to_owned();
    AuthorizationDetails {
        users: vec![u, user("twin", &[])],
        roles: vec![role("twin", &[]), linked],
        policies: vec![bound],
        ..AuthorizationDetails::default()
    }
}

#[test]
fn each_decision_comes_with_the_statements_behind_it() {
    let details = account();
    let opts = EvalOptions::default();
    let delete = explain(&details, &opts, "dev", Some("guardduty:DeleteDetector")).unwrap();
    assert_eq!(delete.actions.len(), 1);
    let action = &delete.actions[0];
    assert_eq!(action.decision, Decision::Conditional);
    assert_eq!(action.conditional_by, vec![ConditionSource::Deny]);
    let roles: Vec<(EvidenceRole, Layer, &str)> = action
        .evidence
        .iter()
        .map(|e| (e.role, e.layer, e.statement.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        roles,
        vec![
            (EvidenceRole::Allows, Layer::Identity, "GD"),
            (EvidenceRole::Denies, Layer::Identity, "MFA"),
            (EvidenceRole::Permits, Layer::PermissionsBoundary, "Deletes"),
        ]
    );
    let allow = &action.evidence[0];
    assert_eq!(
        allow.action_match.as_deref(),
        Some(r#"Action "guardduty:*""#)
    );
    assert_eq!(
        allow.resource_match.as_deref(),
        Some(r#"Resource "arn:aws:guardduty:*:111122223333:detector/*""#)
    );
    assert_eq!(allow.coverage, Some(Coverage::All));
    assert_eq!(
        action.evidence[1].condition_keys,
        vec![Label::from("aws:MultiFactorAuthPresent")]
    );

    let text = delete.to_string();
    assert!(
        text.contains("guardduty:DeleteDetector: conditional (condition on a deny: aws:MultiFactorAuthPresent)"),
        "{text}"
    );
    assert!(
        text.contains(r#"denies   inline/user/dev/p1 [MFA] Deny Action "guardduty:DeleteDetector" Resource "*" (all resources) if aws:MultiFactorAuthPresent"#),
        "{text}"
    );
}

#[test]
fn a_cap_without_a_statement_is_named_by_its_policy() {
    let details = account();
    let update = explain(
        &details,
        &EvalOptions::default(),
        &arn("user", "dev"),
        Some("UpdateDetector"),
    )
    .unwrap();
    let action = &update.actions[0];
    assert_eq!(action.decision, Decision::NotAllowed);
    let cap = action.evidence.last().unwrap();
    assert_eq!(
        (cap.role, cap.layer, cap.statement.clone()),
        (EvidenceRole::Caps, Layer::PermissionsBoundary, None)
    );
    assert!(
        update.to_string().contains(
            "caps     boundary arn:aws:iam::111122223333:policy/Boundary: no statement allows it"
        ),
        "{update}"
    );
}

#[test]
fn without_an_action_every_change_action_is_explained() {
    let details = account();
    let all = explain(&details, &EvalOptions::default(), "dev", None).unwrap();
    assert_eq!(all.actions.len(), all_actions().len());
    assert_eq!(
        all.permissions_boundary.as_deref(),
        Some("arn:aws:iam::111122223333:policy/Boundary")
    );
    assert!(all.permissions_boundary_counted);
    let malware = all
        .actions
        .iter()
        .find(|a| a.action == "guardduty:DeleteMalwareProtectionPlan")
        .unwrap();
    assert_eq!(malware.decision, Decision::NotAllowed);
    assert!(malware.evidence.is_empty());
}

#[test]
fn unknown_ambiguous_and_service_linked_principals_are_errors() {
    let details = account();
    let opts = EvalOptions::default();
    assert_eq!(
        explain(&details, &opts, "nobody", None).unwrap_err(),
        ExplainError::UnknownPrincipal("nobody".to_owned())
    );
    assert!(matches!(
        explain(&details, &opts, "twin", None),
        Err(ExplainError::Ambiguous { arns, .. }) if arns.len() == 2
    ));
    assert!(explain(&details, &opts, &arn("role", "twin"), None).is_ok());
    assert!(matches!(
        explain(&details, &opts, "AWSServiceRoleForAmazonGuardDuty", None),
        Err(ExplainError::ServiceLinkedRole(_))
    ));
    assert_eq!(
        explain(&details, &opts, "dev", Some("guardduty:GetDetector")).unwrap_err(),
        ExplainError::UnknownAction("guardduty:GetDetector".to_owned())
    );
}
