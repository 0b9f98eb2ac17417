//! Access paths: one test per way of becoming able to change GuardDuty, and per rule that
//! stops one.

use super::*;
use crate::model::iam::Tag;

const UPDATE_DETECTOR: &str =
    r#"{"Effect":"Allow","Action":"guardduty:UpdateDetector","Resource":"*"}"#;
const DELETE_DETECTOR: &str =
    r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*"}"#;

fn trust(statements: &str) -> Option<PolicyDocument> {
    Some(PolicyDocument::from_json_text(doc(statements)))
}

fn trusting_root() -> Option<PolicyDocument> {
    trust(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}"#
    ))
}

fn trusting(arn: &str) -> Option<PolicyDocument> {
    trust(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{arn}"}},"Action":"sts:AssumeRole"}}"#
    ))
}

fn trusting_service(service: &str) -> Option<PolicyDocument> {
    trust(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}"#
    ))
}

fn role_with(name: &str, trust: Option<PolicyDocument>, documents: &[&str]) -> RoleDetail {
    RoleDetail {
        assume_role_policy_document: trust,
        ..role(name, documents)
    }
}

fn may_assume(target: &str) -> String {
    doc(&format!(
        r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{}"}}"#,
        arn("role", target)
    ))
}

fn export(users: Vec<UserDetail>, roles: Vec<RoleDetail>) -> AuthorizationDetails {
    AuthorizationDetails {
        users,
        roles,
        ..AuthorizationDetails::default()
    }
}

fn indirect<'e>(eval: &'e Evaluation, name: &str) -> Option<&'e IndirectAccess> {
    let index = eval
        .principals
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no principal {name}"));
    eval.indirect.iter().find(|i| i.principal == index)
}

fn methods(access: &IndirectAccess) -> Vec<&'static str> {
    access.path.iter().map(|s| s.method.as_str()).collect()
}

fn reached(access: &IndirectAccess) -> Vec<&'static str> {
    access
        .actions
        .iter()
        .map(|a| a.action.trim_start_matches("guardduty:"))
        .collect()
}

#[test]
fn a_contractor_who_may_assume_the_ops_role_reaches_what_it_holds() {
    let eval = evaluate_default(&export(
        vec![user("contractor", &[&may_assume("ops-automation")])],
        vec![role_with(
            "ops-automation",
            trusting_root(),
            &[&doc(UPDATE_DETECTOR)],
        )],
    ));
    let access = indirect(&eval, "contractor").expect("an indirect path");
    assert_eq!(reached(access), vec!["UpdateDetector"]);
    assert_eq!(methods(access), vec!["assume-role"]);
    assert!(!access.conditional);
    let step = &access.path[0];
    assert_eq!(step.from, arn("user", "contractor"));
    assert_eq!(step.to, arn("role", "ops-automation"));
    // The contractor's own statement and the role's trust statement.
    let policies: Vec<&str> = step.allowed_by.iter().map(|s| s.policy.as_str()).collect();
    assert_eq!(
        policies,
        vec!["inline/user/contractor/p0", "trust/ops-automation"]
    );
    assert_eq!(access.path_action, "guardduty:UpdateDetector");
    assert_eq!(
        access.path_granted_by[0].policy.as_str(),
        "inline/role/ops-automation/p0"
    );
    // The role holds it itself: nothing indirect about it.
    assert!(indirect(&eval, "ops-automation").is_none());
}

#[test]
fn trust_by_root_needs_the_principals_own_permission_trust_by_arn_does_not() {
    let eval = evaluate_default(&export(
        vec![user("plain", &[]), user("named", &[])],
        vec![
            role_with("by-root", trusting_root(), &[&doc(DELETE_DETECTOR)]),
            role_with(
                "by-arn",
                trusting(&arn("user", "named")),
                &[&doc(UPDATE_DETECTOR)],
            ),
        ],
    ));
    assert!(indirect(&eval, "plain").is_none());
    let named = indirect(&eval, "named").expect("named in the trust policy");
    assert_eq!(reached(named), vec!["UpdateDetector"]);
    // Only the trust policy allows the step.
    assert_eq!(named.path[0].allowed_by.len(), 1);
}

#[test]
fn a_trust_condition_on_the_principals_tag_is_decided() {
    let tagged = |name: &str, team: &str| UserDetail {
        tags: Some(vec![Tag {
            key: "team".to_owned(),
            value: team.to_owned(),
        }]),
        ..user(name, &[&may_assume("ops")])
    };
    let condition_trust = trust(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{ACCOUNT}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"ops"}}}}}}"#
    ));
    let eval = evaluate_default(&export(
        vec![tagged("in-team", "ops"), tagged("other-team", "dev")],
        vec![role_with("ops", condition_trust, &[&doc(DELETE_DETECTOR)])],
    ));
    let access = indirect(&eval, "in-team").expect("its tag matches");
    assert!(!access.conditional);
    assert!(indirect(&eval, "other-team").is_none());
}

#[test]
fn a_condition_the_export_cannot_decide_makes_the_path_conditional() {
    let mfa_trust = trust(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole",
            "Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}"#
    ));
    let eval = evaluate_default(&export(
        vec![user("dev", &[&may_assume("ops")])],
        vec![role_with("ops", mfa_trust, &[&doc(DELETE_DETECTOR)])],
    ));
    let access = indirect(&eval, "dev").expect("a conditional path");
    assert!(access.conditional);
    assert!(access.actions.iter().all(|a| a.conditional));
    assert!(
        access.path[0]
            .condition_keys
            .iter()
            .any(|k| k.as_str() == "aws:MultiFactorAuthPresent")
    );
}

#[test]
fn chains_are_followed_and_cycles_end() {
    let all_roles = doc(&format!(
        r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{ACCOUNT}:role/*"}}"#
    ));
    let eval = evaluate_default(&export(
        vec![user("start", &[&may_assume("hop-1")])],
        vec![
            role_with(
                "hop-1",
                trusting(&arn("role", "hop-2")),
                &[&may_assume("hop-2")],
            ),
            // hop-2 trusts hop-1 by ARN and can go back: a cycle.
            role_with("hop-2", trusting(&arn("role", "hop-1")), &[&all_roles]),
            role_with(
                "end",
                trusting(&arn("role", "hop-2")),
                &[&doc(DELETE_DETECTOR)],
            ),
        ],
    ));
    // hop-1 trusts only hop-2: `start` may ask, but the trust does not let it in.
    assert!(indirect(&eval, "start").is_none());
    let from_hop1 = indirect(&eval, "hop-1").expect("hop-1 → hop-2 → end");
    assert_eq!(methods(from_hop1), vec!["assume-role", "assume-role"]);
    assert_eq!(from_hop1.path[1].to, arn("role", "end"));
}

#[test]
fn a_boundary_without_sts_assume_role_blocks_even_a_named_principal() {
    let cap = managed(
        "s3-only",
        &[(
            "v1",
            true,
            &doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#),
        )],
    );
    let capped = |name: &str| UserDetail {
        permissions_boundary: boundary(&cap.arn),
        ..user(name, &[&may_assume("ops")])
    };
    let mut details = export(
        vec![capped("capped"), user("free", &[&may_assume("ops")])],
        vec![role_with(
            "ops",
            trust(&format!(
                r#"[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}},
                    {{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole"}}]"#,
                arn("user", "capped")
            )),
            &[&doc(DELETE_DETECTOR)],
        )],
    );
    details.policies.push(cap);
    let eval = evaluate_default(&details);
    assert!(indirect(&eval, "capped").is_none());
    assert!(indirect(&eval, "free").is_some());
}

#[test]
fn attaching_a_policy_to_oneself_reaches_everything() {
    let eval = evaluate_default(&export(
        vec![
            user(
                "dev",
                &[&doc(&format!(
                    r#"{{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"{}"}}"#,
                    arn("user", "${aws:username}")
                ))],
            ),
            user(
                "other",
                &[&doc(&format!(
                    r#"{{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"{}"}}"#,
                    arn("user", "dev")
                ))],
            ),
        ],
        vec![],
    ));
    let access = indirect(&eval, "dev").expect("self-modification");
    assert_eq!(methods(access), vec!["attach-user-policy"]);
    assert!(reached(access).contains(&"DeleteDetector"));
    assert!(!access.conditional);
    assert!(access.path[0].to.ends_with("(with any policy attached)"));
    // Attaching to somebody else does not make `other` stronger.
    assert!(indirect(&eval, "other").is_none());
}

#[test]
fn an_scp_denying_attach_user_policy_blocks_self_modification() {
    let details = export(
        vec![user(
            "dev",
            &[&doc(
                r#"{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*"}"#,
            )],
        )],
        vec![],
    );
    let opts = EvalOptions {
        scps: vec![vec![
            scp(&doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)),
            scp(&doc(
                r#"{"Effect":"Deny","Action":"iam:AttachUserPolicy","Resource":"*"}"#,
            )),
        ]],
        ..EvalOptions::default()
    };
    assert!(indirect(&evaluate(&details, &opts), "dev").is_none());
    assert!(indirect(&evaluate_default(&details), "dev").is_some());
}

#[test]
fn passing_a_role_needs_a_service_the_principal_can_drive() {
    let pass = r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#;
    let create = r#"{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"}"#;
    let invoke = r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#;
    let eval = evaluate_default(&export(
        vec![
            user("builder", &[&doc(&format!("[{pass},{create},{invoke}]"))]),
            // Cannot invoke what it creates: the role is never put to work.
            user("half", &[&doc(&format!("[{pass},{create}]"))]),
            // Can drive Lambda but may pass roles only to EC2.
            user(
                "ec2-only",
                &[&doc(&format!(
                    r#"[{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*",
                        "Condition":{{"StringEquals":{{"iam:PassedToService":"ec2.amazonaws.com"}}}}}},{create},{invoke}]"#
                ))],
            ),
        ],
        vec![role_with(
            "fn-role",
            trusting_service("lambda.amazonaws.com"),
            &[&doc(DELETE_DETECTOR)],
        )],
    ));
    let access = indirect(&eval, "builder").expect("pass-role to Lambda");
    assert_eq!(methods(access), vec!["pass-role-lambda"]);
    assert_eq!(access.path[0].to, arn("role", "fn-role"));
    assert!(indirect(&eval, "half").is_none());
    assert!(indirect(&eval, "ec2-only").is_none());
}

/// Managed policy `gd`: its default version allows nothing of GuardDuty; its v2 deletes
/// detectors.
fn harmless_default_deleting_v2() -> ManagedPolicyDetail {
    managed(
        "gd",
        &[
            (
                "v1",
                true,
                &doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#),
            ),
            ("v2", false, &doc(DELETE_DETECTOR)),
        ],
    )
}

/// A user with `gd` attached who may make any version of a policy the default.
fn versioner(gd: &ManagedPolicyDetail) -> UserDetail {
    UserDetail {
        attached_managed_policies: vec![attach(gd)],
        ..user(
            "versioner",
            &[&doc(
                r#"{"Effect":"Allow","Action":"iam:SetDefaultPolicyVersion","Resource":"*"}"#,
            )],
        )
    }
}

#[test]
fn group_policy_version_and_credential_methods() {
    let gd = harmless_default_deleting_v2();
    let writers = group("writers", &[&doc(UPDATE_DETECTOR)]);
    let mut details = export(
        vec![
            versioner(&gd),
            user(
                "joiner",
                &[&doc(
                    r#"{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"*"}"#,
                )],
            ),
            user(
                "key-maker",
                &[&doc(&format!(
                    r#"{{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"{}"}}"#,
                    arn("user", "admin-user")
                ))],
            ),
            user("admin-user", &[&doc(DELETE_DETECTOR)]),
            user(
                "trust-writer",
                &[&doc(
                    r#"{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"*"}"#,
                )],
            ),
        ],
        vec![role_with(
            "locked",
            trusting_service("ec2.amazonaws.com"),
            &[&doc(DELETE_DETECTOR)],
        )],
    );
    details.policies.push(gd);
    details.groups.push(writers);
    let eval = evaluate_default(&details);
    let m = |name: &str| methods(indirect(&eval, name).unwrap_or_else(|| panic!("{name}")));
    assert_eq!(m("versioner"), vec!["set-default-policy-version"]);
    assert_eq!(m("joiner"), vec!["add-user-to-group"]);
    assert_eq!(m("key-maker"), vec!["create-access-key"]);
    assert_eq!(m("trust-writer"), vec!["update-assume-role-policy"]);
}

#[test]
fn changing_a_role_one_can_assume_reaches_what_any_policy_gives_it() {
    let eval = evaluate_default(&export(
        vec![user(
            "dev",
            &[&doc(&format!(
                r#"[{{"Effect":"Allow","Action":["sts:AssumeRole","iam:PutRolePolicy"],"Resource":"{}"}}]"#,
                arn("role", "weak")
            ))],
        )],
        vec![role_with("weak", trusting_root(), &[])],
    ));
    let access = indirect(&eval, "dev").expect("put-role-policy then assume");
    assert_eq!(methods(access), vec!["put-role-policy"]);
    assert!(reached(access).contains(&"DeleteDetector"));
}

#[test]
fn a_role_trusting_another_account_is_counted_not_followed() {
    let eval = evaluate_default(&export(
        vec![],
        vec![role_with(
            "vendor",
            trusting("arn:aws:iam::999988887777:root"),
            &[&doc(DELETE_DETECTOR)],
        )],
    ));
    assert_eq!(eval.path_stats.roles_trusting_other_accounts, 1);
    assert!(eval.indirect.is_empty());
}

#[test]
fn every_method_is_documented_with_a_source() {
    let docs = include_str!("../../../docs/permissions.md");
    let table = docs
        .split("### Methods")
        .nth(1)
        .and_then(|rest| rest.split("\n\n\"Rhino\"").next())
        .expect("docs/permissions.md has a Methods table");
    for method in Method::ALL {
        let row = table
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{}`", method.as_str())))
            .unwrap_or_else(|| panic!("{} is not in the Methods table", method.as_str()));
        let source = row.trim_end_matches('|').rsplit('|').next().unwrap_or("");
        assert!(
            source.contains("](https://") || source.contains("Rhino"),
            "{}: no source in {row}",
            method.as_str()
        );
    }
}

#[test]
fn iam_changes_stay_in_the_principals_account_assumption_crosses_when_trusted() {
    let mut outsider = user(
        "outsider",
        &[&doc(
            r#"{"Effect":"Allow","Action":["iam:CreateAccessKey","sts:AssumeRole"],"Resource":"*"}"#,
        )],
    );
    outsider.arn = "arn:aws:iam::999988887777:user/outsider".to_owned();
    let eval = evaluate_default(&export(
        vec![
            user("admin-ish", &[&doc(DELETE_DETECTOR)]),
            user("filler", &[]),
            outsider,
        ],
        vec![
            // Trusts its own account only: the outsider is not let in.
            role_with("inside", trusting_root(), &[&doc(UPDATE_DETECTOR)]),
            // Trusts the outsider's account: let in, its own policy allowing it.
            role_with(
                "vendor-access",
                trusting("arn:aws:iam::999988887777:root"),
                &[&doc(UPDATE_DETECTOR)],
            ),
        ],
    ));
    let access = indirect(&eval, "outsider").expect("through the role trusting its account");
    assert_eq!(methods(access), vec!["assume-role"]);
    assert_eq!(access.path[0].to, arn("role", "vendor-access"));
    // No access key for `admin-ish`: IAM acts within the caller's own account.
    assert_eq!(reached(access), vec!["UpdateDetector"]);
}

/// A user who may join any group reaches what it would hold as a member of them all: the
/// groups' policies are asked about a batch at a time (the one that allows an action is far
/// past the first batch here), an action a Deny of its own rules out stays out, and one only
/// a condition allows stays conditional.
#[test]
fn joining_many_groups_reaches_what_membership_of_all_would_hold() {
    let join = r#"{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"*"}"#;
    let deny_archive = r#"{"Effect":"Deny","Action":"guardduty:CreateFilter","Resource":"*"}"#;
    let mut groups: Vec<GroupDetail> = (0..200)
        .map(|i| {
            group(
                &format!("g{i}"),
                &[&doc(&format!(
                    r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i}/*"}}"#
                ))],
            )
        })
        .collect();
    groups[150] = group("g150", &[&doc(DELETE_DETECTOR)]);
    groups[170] = group(
        "g170",
        &[&doc(
            r#"{"Effect":"Allow","Action":["guardduty:UpdateDetector","guardduty:CreateFilter"],"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#,
        )],
    );
    let names: Vec<String> = groups.iter().map(|g| g.group_name.clone()).collect();
    let own = [doc(join), doc(deny_archive)];
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let mut details = export(
        vec![
            user("joiner", &own),
            UserDetail {
                group_list: names,
                ..user("member", &own)
            },
        ],
        Vec::new(),
    );
    details.groups = groups;
    let eval = evaluate_default(&details);
    let access = indirect(&eval, "joiner").expect("the joiner reaches something");
    assert_eq!(methods(access), vec!["add-user-to-group"]);
    let joined: Vec<(&str, bool)> = access
        .actions
        .iter()
        .map(|a| (a.action, a.conditional))
        .collect();
    let member: Vec<(&str, bool)> = principal(&eval, "member")
        .held_actions()
        .map(|a| (a.action(), a.decision == Decision::Conditional))
        .collect();
    assert_eq!(joined, member);
    assert_eq!(
        joined,
        vec![
            ("guardduty:DeleteDetector", false),
            ("guardduty:UpdateDetector", true)
        ]
    );
}

/// An export handed over whole (its identity policies' text freed once compiled) is judged
/// exactly as one kept: verdicts, access paths with their evidence, and problems.
#[test]
fn an_export_given_up_after_compiling_is_judged_as_one_kept() {
    let gd = harmless_default_deleting_v2();
    let mut details = export(
        vec![
            versioner(&gd),
            user("contractor", &[&may_assume("ops")]),
            user("broken", &["{not json"]),
        ],
        vec![role_with(
            "ops",
            trusting(&arn("user", "contractor")),
            &[&doc(UPDATE_DETECTOR)],
        )],
    );
    details.policies.push(gd);
    details
        .groups
        .push(group("writers", &[&doc(UPDATE_DETECTOR)]));
    let opts = EvalOptions::default();
    let kept = serde_json::to_value(evaluate(&details, &opts)).expect("serializes");
    let given = serde_json::to_value(evaluate_owned(details, &opts)).expect("serializes");
    assert_eq!(kept, given);
    assert!(kept["indirect"].as_array().is_some_and(|a| a.len() == 2));
    assert!(kept["problems"].as_array().is_some_and(|p| !p.is_empty()));
}

/// A service control policy named `guardrail`.
fn scp(text: &str) -> ScpPolicy {
    ScpPolicy {
        name: "guardrail".to_owned(),
        document: PolicyDocument::from_json_text(text),
    }
}

/// The other account of the cross-account tests.
const OTHER: &str = "444455556666";

/// A role of account [`OTHER`].
fn role_elsewhere(name: &str, trust: Option<PolicyDocument>, documents: &[&str]) -> RoleDetail {
    RoleDetail {
        arn: format!("arn:aws:iam::{OTHER}:role/{name}"),
        ..role_with(name, trust, documents)
    }
}

fn may_assume_elsewhere(target: &str) -> String {
    doc(&format!(
        r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{OTHER}:role/{target}"}}"#
    ))
}

/// Account [`OTHER`]'s evaluation, with the roles it lets other accounts into.
fn exposed_by(roles: Vec<RoleDetail>) -> Vec<ForeignRole> {
    let opts = EvalOptions {
        expose_roles: true,
        ..EvalOptions::default()
    };
    evaluate(&export(vec![], roles), &opts).exposed
}

fn with_foreign(
    details: &AuthorizationDetails,
    foreign: &[ForeignRole],
    org: Option<&str>,
) -> Evaluation {
    let opts = EvalOptions {
        foreign: Arc::new(foreign.to_vec()),
        organization: org.map(str::to_owned),
        ..EvalOptions::default()
    };
    evaluate(details, &opts)
}

#[test]
fn a_role_of_another_account_trusting_this_one_is_a_step_once_both_are_loaded() {
    let foreign = exposed_by(vec![
        role_elsewhere(
            "ops-automation",
            trusting(&format!("arn:aws:iam::{ACCOUNT}:root")),
            &[&doc(UPDATE_DETECTOR)],
        ),
        // Trusts only its own account: never offered to this one.
        role_elsewhere(
            "internal",
            trusting(&format!("arn:aws:iam::{OTHER}:root")),
            &[&doc(DELETE_DETECTOR)],
        ),
        // Trusts this account but reaches nothing.
        role_elsewhere(
            "harmless",
            trusting(&format!("arn:aws:iam::{ACCOUNT}:root")),
            &[],
        ),
    ]);
    let names: Vec<&str> = foreign.iter().map(|f| f.arn.as_str()).collect();
    assert_eq!(
        names,
        vec![format!("arn:aws:iam::{OTHER}:role/ops-automation")]
    );
    assert_eq!(foreign[0].trusted, vec![ACCOUNT.to_owned()]);
    assert!(foreign[0].may_trust(ACCOUNT) && !foreign[0].may_trust(OTHER));

    let here = export(
        vec![
            user("contractor", &[&may_assume_elsewhere("ops-automation")]),
            // The trust names this account's root, but across accounts the principal's own
            // policies must allow sts:AssumeRole as well.
            user("bystander", &[]),
        ],
        vec![],
    );
    assert!(evaluate_default(&here).indirect.is_empty());
    let eval = with_foreign(&here, &foreign, None);
    let access = indirect(&eval, "contractor").expect("a path into the other account");
    assert_eq!(reached(access), vec!["UpdateDetector"]);
    assert_eq!(methods(access), vec!["assume-role"]);
    assert!(!access.conditional);
    let step = &access.path[0];
    assert_eq!(step.to, format!("arn:aws:iam::{OTHER}:role/ops-automation"));
    let policies: Vec<&str> = step.allowed_by.iter().map(|s| s.policy.as_str()).collect();
    assert_eq!(
        policies,
        vec![
            "inline/user/contractor/p0".to_owned(),
            format!("trust/arn:aws:iam::{OTHER}:role/ops-automation")
        ]
    );
    assert_eq!(
        access.path_granted_by[0].policy.as_str(),
        "inline/role/ops-automation/p0"
    );
    assert_eq!(access.reached_in_account.as_deref(), Some(OTHER));
    assert_eq!(
        access.holds(),
        format!("holds guardduty:UpdateDetector in account {OTHER}")
    );
    assert!(indirect(&eval, "bystander").is_none());
}

#[test]
fn across_accounts_a_trust_naming_the_principal_still_needs_its_own_permission() {
    let foreign = exposed_by(vec![role_elsewhere(
        "vendor",
        trust(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":["{}","{}"]}},"Action":"sts:AssumeRole"}}"#,
            arn("user", "named"),
            arn("user", "named-and-allowed")
        )),
        &[&doc(DELETE_DETECTOR)],
    )]);
    assert_eq!(foreign.len(), 1);
    assert_eq!(foreign[0].trusted, vec![ACCOUNT.to_owned()]);
    let here = export(
        vec![
            user("named", &[]),
            user("allowed", &[&may_assume_elsewhere("vendor")]),
            user("named-and-allowed", &[&may_assume_elsewhere("vendor")]),
        ],
        vec![],
    );
    let eval = with_foreign(&here, &foreign, None);
    // Named but without sts:AssumeRole of its own; allowed but not named.
    assert!(indirect(&eval, "named").is_none());
    assert!(indirect(&eval, "allowed").is_none());
    let access = indirect(&eval, "named-and-allowed").expect("named and allowed");
    assert_eq!(reached(access), vec!["DeleteDetector"]);
}

#[test]
fn a_path_goes_on_inside_the_other_account() {
    let foreign = exposed_by(vec![
        role_elsewhere(
            "entry",
            trusting(&format!("arn:aws:iam::{ACCOUNT}:root")),
            &[&may_assume_elsewhere("gd-admin")],
        ),
        role_elsewhere(
            "gd-admin",
            trusting(&format!("arn:aws:iam::{OTHER}:root")),
            &[&doc(DELETE_DETECTOR)],
        ),
    ]);
    assert_eq!(foreign.len(), 1, "only the role trusting this account");
    let here = export(
        vec![user("contractor", &[&may_assume_elsewhere("entry")])],
        vec![],
    );
    let eval = with_foreign(&here, &foreign, None);
    let access = indirect(&eval, "contractor").expect("through entry to gd-admin");
    assert_eq!(methods(access), vec!["assume-role", "assume-role"]);
    let tos: Vec<&str> = access.path.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(
        tos,
        vec![
            format!("arn:aws:iam::{OTHER}:role/entry"),
            format!("arn:aws:iam::{OTHER}:role/gd-admin")
        ]
    );
    assert_eq!(
        access.path[1].from,
        format!("arn:aws:iam::{OTHER}:role/entry")
    );
    assert_eq!(access.path_action, "guardduty:DeleteDetector");
    assert_eq!(
        access.path_granted_by[0].policy.as_str(),
        "inline/role/gd-admin/p0"
    );
    assert_eq!(access.reached_in_account.as_deref(), Some(OTHER));
}

#[test]
fn a_trust_on_the_principals_organization_is_decided_in_a_sweep() {
    let foreign = exposed_by(vec![role_elsewhere(
        "org-wide",
        trust(
            r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
                "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}"#,
        ),
        &[&doc(UPDATE_DETECTOR)],
    )]);
    assert_eq!(foreign[0].trusted, vec!["*".to_owned()]);
    let here = export(
        vec![user(
            "dev",
            &[&doc(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#,
            )],
        )],
        vec![],
    );
    let same = with_foreign(&here, &foreign, Some("o-abc123"));
    let access = indirect(&same, "dev").expect("same organization");
    assert!(!access.conditional);
    assert!(indirect(&with_foreign(&here, &foreign, Some("o-zzz999")), "dev").is_none());
    // The organization unknown: the step holds only under the condition.
    let unknown = with_foreign(&here, &foreign, None);
    let access = indirect(&unknown, "dev").expect("conditional");
    assert!(access.conditional);
    assert_eq!(
        access.path[0].condition_keys[0].as_str(),
        "aws:PrincipalOrgID"
    );
}

#[test]
fn an_scp_of_the_principals_account_blocks_assuming_a_role_elsewhere() {
    let foreign = exposed_by(vec![role_elsewhere(
        "ops",
        trusting(&format!("arn:aws:iam::{ACCOUNT}:root")),
        &[&doc(UPDATE_DETECTOR)],
    )]);
    let here = export(
        vec![user("contractor", &[&may_assume_elsewhere("ops")])],
        vec![],
    );
    // Roles outside the organization's own accounts are off limits... except this one's.
    let opts = |resource_account: &str| EvalOptions {
        foreign: Arc::new(foreign.clone()),
        scps: vec![vec![
            scp(&doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)),
            scp(&doc(&format!(
                r#"{{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
                    "Condition":{{"StringNotEquals":{{"aws:ResourceAccount":"{resource_account}"}}}}}}"#
            ))),
        ]],
        ..EvalOptions::default()
    };
    assert!(indirect(&evaluate(&here, &opts(ACCOUNT)), "contractor").is_none());
    assert!(indirect(&evaluate(&here, &opts(OTHER)), "contractor").is_some());
}
