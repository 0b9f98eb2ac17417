//! The permissions audit: which non-privileged users and roles can change GuardDuty.

use std::sync::Arc;

use crate::checks::permissions::findings;
use crate::iam::{self, EvalOptions, Evaluation};
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
pub fn assess(mut input: Input, opts: &EvalOptions) -> Section {
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
    section(input, counts, Arc::new(evaluation))
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
