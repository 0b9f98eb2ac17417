//! The permissions audit: which non-privileged users and roles can change GuardDuty.

use std::sync::Arc;

use crate::checks::permissions::findings;
use crate::iam::{self, EvalOptions, Evaluation, ReachedActions};
use crate::model::IamData;
use crate::model::iam::AuthorizationDetails;
use crate::report::inventory::{PermissionsSummary, PrivilegedPrincipal};
use crate::report::{Inventory, Section};

/// The IAM data and what is wrong with it, from a file, a snapshot or AWS.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub details: AuthorizationDetails,
    pub account: Option<String>,
    /// `api`, `file` or `snapshot`.
    pub source: &'static str,
    pub incomplete: Vec<String>,
}

impl Input {
    /// The IAM data of a collection (live or a snapshot).
    pub fn from_collected(
        data: Option<IamData>,
        account: Option<String>,
        source: &'static str,
    ) -> Input {
        let data = data.unwrap_or_default();
        Input {
            details: data.authorization_details,
            account,
            source,
            incomplete: data
                .error
                .iter()
                .map(|e| format!("the IAM export is incomplete: {e}"))
                .collect(),
        }
    }
}

/// Judges every principal and builds the section. The export is dropped once evaluated:
/// the verdicts carry everything the findings need.
pub fn assess(input: Input, opts: &EvalOptions) -> Section {
    judge(input, opts).section()
}

/// Judges the accounts of an organization sweep together, so a role in one account that
/// trusts another becomes a step for the other's principals. `make(i)` gives account `i`'s
/// input and options; it is called again for each account whose view of the other accounts'
/// roles changed. First every account is judged alone, noting the roles it lets other
/// accounts into and what each reaches; then each account is judged again with the roles
/// that trust it, until no role reaches more (a chain across three accounts takes a pass
/// more than one across two). One section per account, in order.
pub fn assess_accounts(
    count: usize,
    organization: Option<&str>,
    make: impl Fn(usize) -> (Input, EvalOptions),
) -> Vec<Section> {
    let run = |i: usize, foreign: Vec<iam::ForeignRole>| {
        let (input, mut opts) = make(i);
        opts.foreign = Arc::new(foreign);
        opts.organization = organization.map(str::to_owned);
        opts.expose_roles = true;
        judge(input, &opts)
    };
    let mut judged: Vec<Judged> = (0..count).map(|i| run(i, Vec::new())).collect();
    // What each account was last judged with: the other accounts' roles and their reach.
    let mut given: Vec<Vec<(String, ReachedActions)>> = vec![Vec::new(); count];
    let mut settled = false;
    // Reach only grows, so this settles; a pass per account is more than any chain needs.
    for _ in 0..=count {
        let all: Vec<iam::ForeignRole> = judged
            .iter()
            .flat_map(|j| j.evaluation.exposed.iter().cloned())
            .collect();
        let mut changed = false;
        for i in 0..count {
            let Some(account) = judged[i].account().map(str::to_owned) else {
                continue;
            };
            let foreign: Vec<iam::ForeignRole> = all
                .iter()
                .filter(|f| f.may_trust(&account))
                .cloned()
                .collect();
            let key: Vec<(String, ReachedActions)> =
                foreign.iter().map(|f| (f.arn.clone(), f.reaches)).collect();
            if key == given[i] {
                continue;
            }
            judged[i] = run(i, foreign);
            given[i] = key;
            changed = true;
        }
        if !changed {
            settled = true;
            break;
        }
    }
    judged
        .into_iter()
        .map(|mut j| {
            if !settled {
                j.input.incomplete.push(
                    "access paths across accounts did not settle: some may be missing".to_owned(),
                );
            }
            j.section()
        })
        .collect()
}

/// One account judged: its input (less the export), what it held, and the verdicts.
struct Judged {
    input: Input,
    counts: Counts,
    evaluation: Evaluation,
}

impl Judged {
    fn account(&self) -> Option<&str> {
        self.evaluation
            .account_id
            .as_deref()
            .or(self.input.account.as_deref())
    }

    fn section(self) -> Section {
        section(self.input, self.counts, Arc::new(self.evaluation))
    }
}

fn judge(mut input: Input, opts: &EvalOptions) -> Judged {
    let counts = Counts::of(&input.details);
    let evaluation = iam::evaluate_owned(std::mem::take(&mut input.details), opts);
    input
        .incomplete
        .extend(evaluation.problems.iter().map(ToString::to_string));
    // Every account has roles (at least AWS's service-linked ones): an export without a single
    // user or role is the wrong file or a failed export, not a clean account.
    if counts.users + counts.roles == 0 {
        input.incomplete.push(
            "the IAM data holds no users and no roles: is it the output of `aws iam get-account-authorization-details`?"
                .to_owned(),
        );
    }
    Judged {
        input,
        counts,
        evaluation,
    }
}

/// How many of each kind of entity the export held.
struct Counts {
    users: usize,
    roles: usize,
    groups: usize,
    managed_policies: usize,
}

impl Counts {
    fn of(d: &AuthorizationDetails) -> Counts {
        Counts {
            users: d.users.len(),
            roles: d.roles.len(),
            groups: d.groups.len(),
            managed_policies: d.policies.len(),
        }
    }
}

fn section(input: Input, counts: Counts, evaluation: Arc<Evaluation>) -> Section {
    let summary = PermissionsSummary {
        source: input.source,
        users: counts.users,
        roles: counts.roles,
        groups: counts.groups,
        managed_policies: counts.managed_policies,
        privileged: evaluation
            .principals
            .iter()
            .filter_map(|p| {
                p.privileged.clone().map(|reason| PrivilegedPrincipal {
                    arn: p.arn.clone(),
                    reason,
                })
            })
            .collect(),
        service_linked_roles_skipped: evaluation.service_linked_roles_skipped,
    };
    let mut section = Section::new(Inventory::Permissions(summary));
    section.account = evaluation.account_id.clone().or(input.account);
    section.findings = findings(&evaluation);
    section.incomplete = input.incomplete;
    section.sort();
    section
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::report::details::Details;
    use crate::report::finding::CheckId;

    const A: &str = "111111111111";
    const B: &str = "222222222222";
    const C: &str = "333333333333";

    fn policy(statement: &str) -> String {
        serde_json::json!({"Version": "2012-10-17", "Statement": [serde_json::from_str::<serde_json::Value>(statement).unwrap()]}).to_string()
    }

    fn assume(account: &str, role: &str) -> String {
        policy(&format!(
            r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{account}:role/{role}"}}"#
        ))
    }

    /// An export (as `aws iam get-account-authorization-details` writes it) of users and roles
    /// with one inline policy each; a role's trust names an account's root.
    fn account(
        id: &str,
        users: &[(&str, String)],
        roles: &[(&str, &str, String)],
    ) -> AuthorizationDetails {
        let users: Vec<serde_json::Value> = users
            .iter()
            .map(|(name, p)| {
                serde_json::json!({"UserName": name, "UserId": "AIDA", "Path": "/",
                    "Arn": format!("arn:aws:iam::{id}:user/{name}"),
                    "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": p}]})
            })
            .collect();
        let roles: Vec<serde_json::Value> = roles
            .iter()
            .map(|(name, trusted, p)| {
                let trust = policy(&format!(
                    r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{trusted}:root"}},"Action":"sts:AssumeRole"}}"#
                ));
                serde_json::json!({"RoleName": name, "RoleId": "AROA", "Path": "/",
                    "Arn": format!("arn:aws:iam::{id}:role/{name}"),
                    "AssumeRolePolicyDocument": trust,
                    "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": p}]})
            })
            .collect();
        let text = serde_json::json!({"UserDetailList": users, "RoleDetailList": roles,
            "GroupDetailList": [], "Policies": []})
        .to_string();
        let read = iam::read_export(text.as_bytes());
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        read.details
    }

    /// A contractor in A may assume `hop` in B, which may assume `gd-admin` in C, which may
    /// delete detectors: three accounts, each judged with the roles that trust it.
    #[test]
    fn a_chain_across_three_accounts_is_found_and_named_where_it_ends() {
        let exports = [
            account(A, &[("contractor", assume(B, "hop"))], &[]),
            account(B, &[], &[("hop", A, assume(C, "gd-admin"))]),
            account(
                C,
                &[],
                &[(
                    "gd-admin",
                    B,
                    policy(
                        r#"{"Effect":"Allow","Action":"guardduty:DeleteDetector","Resource":"*"}"#,
                    ),
                )],
            ),
        ];
        let judged = [Cell::new(0), Cell::new(0), Cell::new(0)];
        let sections = assess_accounts(3, Some("o-example"), |i| {
            judged[i].set(judged[i].get() + 1);
            let input = Input {
                details: exports[i].clone(),
                account: None,
                source: "api",
                incomplete: Vec::new(),
            };
            (input, EvalOptions::default())
        });
        assert_eq!(sections.len(), 3);
        // No role trusts C: it is judged once; A again for each account B's role reaches
        // further.
        assert_eq!(judged[2].get(), 1);
        assert!(judged[0].get() >= 2);
        let findings: Vec<_> = sections[0]
            .findings
            .iter()
            .filter(|f| f.check == CheckId::IndirectWriteAccess)
            .collect();
        assert_eq!(findings.len(), 1, "{findings:?}");
        let f = findings[0];
        assert_eq!(f.resource, format!("arn:aws:iam::{A}:user/contractor"));
        assert!(f.title.contains(&format!("in account {C}")), "{}", f.title);
        let Details::IndirectWrite(details) = &f.details else {
            panic!("not an indirect finding")
        };
        let access = details.access().unwrap();
        let tos: Vec<&str> = access.path.iter().map(|s| s.to.as_str()).collect();
        assert_eq!(
            tos,
            vec![
                format!("arn:aws:iam::{B}:role/hop"),
                format!("arn:aws:iam::{C}:role/gd-admin")
            ]
        );
        assert_eq!(access.path_action, "guardduty:DeleteDetector");
        assert_eq!(access.reached_in_account.as_deref(), Some(C));
        // B's role reaches C too, but a role is flagged in its own account only when it can
        // become able to do more there or elsewhere: hop is.
        let hop: Vec<_> = sections[1]
            .findings
            .iter()
            .filter(|f| f.check == CheckId::IndirectWriteAccess)
            .map(|f| f.resource.as_str())
            .collect();
        assert_eq!(hop, vec![format!("arn:aws:iam::{B}:role/hop")]);
        assert!(sections.iter().all(|s| s.incomplete.is_empty()));
    }
}
