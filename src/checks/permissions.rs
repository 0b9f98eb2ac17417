//! Permissions check: users and roles that are not privileged but hold GuardDuty change actions.

use std::sync::Arc;

use crate::iam::IndirectAccess;
use crate::iam::{ActionVerdict, Decision, Evaluation, PrincipalVerdict};
use crate::report::details::{Details, IndirectWrite, WriteAccess};
use crate::report::finding::{CheckId, Finding, Severity, fingerprint};

pub use crate::catalogue::{HIGH_RISK_ACTIONS, is_high_risk};

/// One finding per non-privileged user or role holding at least one GuardDuty change action,
/// ordered by principal ARN. The findings share `eval`: each one's details read its verdicts
/// from it when rendered, so memory holds the verdicts once, not every finding's action list.
pub fn findings(eval: &Arc<Evaluation>) -> Vec<Finding> {
    let mut out: Vec<Finding> = eval
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.privileged.is_none())
        .filter_map(|(index, p)| finding(eval, index, p))
        .collect();
    out.extend(
        eval.indirect
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                eval.principals
                    .get(a.principal)
                    .is_some_and(|p| p.privileged.is_none())
            })
            .map(|(index, a)| indirect_finding(eval, index, a)),
    );
    out.sort_by(|a, b| {
        a.resource
            .cmp(&b.resource)
            .then_with(|| a.check.as_str().cmp(b.check.as_str()))
    });
    out
}

/// `indirect-write-access`: a principal that can become able to do more than it holds. The
/// severity is that of what it reaches: a reachable `DeleteDetector` is as bad as a held one.
fn indirect_finding(eval: &Arc<Evaluation>, index: usize, access: &IndirectAccess) -> Finding {
    let principal = &eval.principals[access.principal];
    let account = eval.account_id.as_deref();
    let check = CheckId::IndirectWriteAccess;
    let unconditional = || access.actions.iter().filter(|a| !a.conditional);
    let severity = if unconditional().any(|a| is_high_risk(a.action)) {
        Severity::High
    } else if unconditional().next().is_some() {
        Severity::Medium
    } else {
        Severity::Low
    };
    let count = access.actions.len();
    let plural = if count == 1 { "" } else { "s" };
    let steps = access.path.len();
    let step_plural = if steps == 1 { "" } else { "s" };
    let how = access.path.first().map_or("", |s| s.method.as_str());
    let elsewhere = access
        .reached_in_account
        .as_ref()
        .map_or(String::new(), |a| format!(", in account {a}"));
    Finding {
        check,
        severity,
        title: format!(
            "{} {} can become able to change GuardDuty ({count} more write action{plural}; {how}, {steps} step{step_plural}{elsewhere})",
            principal.kind.as_str(),
            principal.name
        ),
        account: account.map(str::to_owned),
        region: None,
        resource: principal.arn.clone(),
        fingerprint: fingerprint(check, account, None, &principal.arn, ""),
        details: Details::IndirectWrite(IndirectWrite::new(Arc::clone(eval), index)),
        remediation: check.info().remediation.to_owned(),
        suppressed: None,
    }
}

/// The actions held without condition whose grant makes a finding high.
fn high_risk_actions(held: &[&ActionVerdict]) -> Vec<&'static str> {
    held.iter()
        .filter(|a| a.decision == Decision::Allowed && is_high_risk(a.action()))
        .map(|a| a.action())
        .collect()
}

fn finding(eval: &Arc<Evaluation>, index: usize, principal: &PrincipalVerdict) -> Option<Finding> {
    let held: Vec<&ActionVerdict> = principal.held_actions().collect();
    if held.is_empty() {
        return None;
    }
    let account = eval.account_id.as_deref();
    let severity = severity(&held);
    let check = CheckId::NonPrivilegedWriteAccess;
    let kind = principal.kind.as_str();
    let count = held.len();
    let plural = if count == 1 { "" } else { "s" };
    let conditional = if severity == Severity::Low {
        " under a condition"
    } else {
        ""
    };
    Some(Finding {
        check,
        severity,
        title: format!(
            "{kind} {} can change GuardDuty{conditional} ({count} write action{plural})",
            principal.name
        ),
        account: account.map(str::to_owned),
        region: None,
        resource: principal.arn.clone(),
        fingerprint: fingerprint(check, account, None, &principal.arn, ""),
        details: Details::WriteAccess(WriteAccess::new(
            Arc::clone(eval),
            index,
            high_risk_actions(&held),
        )),
        remediation: check.info().remediation.to_owned(),
        suppressed: None,
    })
}

/// High: a high-risk action held without condition. Medium: any other action held without
/// condition. Low: every action held only under a condition.
fn severity(held: &[&ActionVerdict]) -> Severity {
    let unconditional = || held.iter().filter(|a| a.decision == Decision::Allowed);
    if unconditional().any(|a| is_high_risk(a.action())) {
        Severity::High
    } else if unconditional().next().is_some() {
        Severity::Medium
    } else {
        Severity::Low
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;
    use crate::iam::{EvalOptions, evaluate};
    use crate::model::iam::{AuthorizationDetails, InlinePolicy, PolicyDocument, UserDetail};

    fn user(name: &str, documents: &[&str]) -> UserDetail {
        UserDetail {
            user_name: name.to_owned(),
            arn: format!("arn:aws:iam::111122223333:user/{name}"),
            user_policy_list: documents
                .iter()
                .enumerate()
                .map(|(i, d)| InlinePolicy {
                    policy_name: format!("p{i}"),
                    policy_document: PolicyDocument::from_json_text(*d),
                })
                .collect(),
            ..UserDetail::default()
        }
    }

    fn run(users: Vec<UserDetail>, globs: &[&str]) -> Vec<Finding> {
        let details = AuthorizationDetails {
            users,
            ..AuthorizationDetails::default()
        };
        let opts = EvalOptions {
            privileged_globs: globs.iter().map(|g| (*g).to_owned()).collect(),
            ..EvalOptions::default()
        };
        findings(&std::sync::Arc::new(evaluate(&details, &opts)))
    }

    #[test]
    fn high_risk_names_are_real_change_actions() {
        for name in HIGH_RISK_ACTIONS {
            let info = catalogue::action(name).unwrap_or_else(|| panic!("{name} unknown"));
            assert!(info.access.is_change(), "{name}");
        }
    }

    #[test]
    fn severity_follows_the_most_dangerous_unconditional_action() {
        let found = run(
            vec![
                user(
                    "deleter",
                    &[
                        r#"{"Statement":{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*"}}"#,
                    ],
                ),
                user(
                    "archiver",
                    &[
                        r#"{"Statement":{"Effect":"Allow","Action":"guardduty:ArchiveFindings","Resource":"*"}}"#,
                    ],
                ),
                user(
                    "mfa",
                    &[
                        r#"{"Statement":{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*",
                        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#,
                    ],
                ),
                user(
                    "reader",
                    &[
                        r#"{"Statement":{"Effect":"Allow","Action":"guardduty:Get*","Resource":"*"}}"#,
                    ],
                ),
            ],
            &[],
        );
        let by_name: Vec<(&str, Severity)> = found
            .iter()
            .map(|f| (f.resource.rsplit('/').next().unwrap_or(""), f.severity))
            .collect();
        assert_eq!(
            by_name,
            vec![
                ("archiver", Severity::Medium),
                ("deleter", Severity::High),
                ("mfa", Severity::Low)
            ]
        );
        let mfa = &found[2];
        assert_eq!(
            crate::report::json::details_value(&mfa.details)["actions"][0]["conditional"],
            true
        );
        assert_eq!(
            crate::report::json::details_value(&mfa.details)["actions"][0]["condition_keys"][0],
            "aws:MultiFactorAuthPresent"
        );
    }

    #[test]
    fn finding_shape_and_fingerprint() {
        let found = run(
            vec![user(
                "dev",
                &[
                    r#"{"Statement":{"Sid":"GD","Effect":"Allow","Action":"guardduty:CreateFilter","Resource":"*"}}"#,
                ],
            )],
            &[],
        );
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.check, CheckId::NonPrivilegedWriteAccess);
        assert_eq!(f.account.as_deref(), Some("111122223333"));
        assert_eq!(f.region, None);
        assert_eq!(
            f.fingerprint,
            fingerprint(
                CheckId::NonPrivilegedWriteAccess,
                Some("111122223333"),
                None,
                "arn:aws:iam::111122223333:user/dev",
                ""
            )
        );
        assert_eq!(
            crate::report::json::details_json(&f.details),
            r#"{"principal_type":"user","actions":[{"action":"guardduty:CreateFilter","conditional":false,"resource_scoped":false,"condition_keys":[],"granted_by":[{"policy":"inline/user/dev/p0","statement":"GD"}]}],"high_risk_actions":["guardduty:CreateFilter"]}"#
        );
    }

    #[test]
    fn privileged_principals_get_no_finding() {
        let admin = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
        let gd = r#"{"Statement":{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}}"#;
        let found = run(
            vec![
                user("root-like", &[admin]),
                user("sec", &[gd]),
                user("dev", &[gd]),
            ],
            &["arn:aws:iam::*:user/sec"],
        );
        let names: Vec<&str> = found.iter().map(|f| f.resource.as_str()).collect();
        assert_eq!(names, vec!["arn:aws:iam::111122223333:user/dev"]);
    }
}
