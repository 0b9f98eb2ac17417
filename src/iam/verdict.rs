//! The verdict types: what the evaluation says about each user, role and change action.

use std::sync::Arc;

use serde::Serialize;

use super::scp::ScpPolicy;
use super::{Label, Problem};

/// What to evaluate besides the export.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// ARN globs (`*`, `?`) of principals allowed to change GuardDuty,
    /// e.g. `arn:aws:iam::*:role/security/*`.
    pub privileged_globs: Vec<String>,
    /// Service control policies by level, root first; every level must allow an action.
    pub scps: Vec<Vec<ScpPolicy>>,
    /// Counts principals as they are judged, for the progress line.
    pub progress: crate::progress::Tick,
    /// Roles of other accounts (from their evaluations, in an organization sweep) that may let
    /// this account's principals in: assuming one is a step of an access path.
    pub foreign: Arc<Vec<super::paths::ForeignRole>>,
    /// The organization the account is in, when known: decides `aws:PrincipalOrgID` and
    /// `aws:ResourceOrgID` in the steps to other accounts' roles.
    pub organization: Option<String>,
    /// Work out [`Evaluation::exposed`].
    pub expose_roles: bool,
}

/// The verdicts for one account.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The audited account, read from the export's ARNs.
    pub account_id: Option<String>,
    /// Every user and role except service-linked roles, users first, in export order.
    pub principals: Vec<PrincipalVerdict>,
    /// How many service-linked roles were left out.
    pub service_linked_roles_skipped: usize,
    /// What could not be judged; non-empty means the result is incomplete.
    pub problems: Vec<Problem>,
    /// Principals that can become able to do more than they hold (by principal index),
    /// with the shortest path.
    pub indirect: Vec<super::paths::IndirectAccess>,
    pub path_stats: super::paths::PathStats,
    /// With [`EvalOptions::expose_roles`]: the roles other accounts' principals may be let
    /// in to, with what each reaches (for those accounts' evaluations).
    #[serde(skip)]
    pub exposed: Vec<super::paths::ForeignRole>,
}

/// One user or role.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalVerdict {
    pub arn: String,
    pub name: String,
    pub kind: PrincipalKind,
    /// Why the principal may change GuardDuty, when it may.
    pub privileged: Option<PrivilegeReason>,
    /// One verdict per change action that some identity policy allows, in catalogue order.
    /// Actions not listed are not allowed by any statement.
    pub actions: Vec<ActionVerdict>,
}

impl PrincipalVerdict {
    /// The change actions the principal holds, unconditionally or under a condition.
    pub fn held_actions(&self) -> impl Iterator<Item = &ActionVerdict> {
        self.actions.iter().filter(|a| a.decision.is_held())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalKind {
    User,
    Role,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
        }
    }
}

/// Why a principal counts as privileged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum PrivilegeReason {
    /// Allowed every action on every resource, unconditionally, with nothing denying,
    /// capping or conditioning any GuardDuty change action.
    Administrator,
    /// Its ARN matches a `--privileged` glob.
    MatchesGlob { glob: String },
}

/// The decision for one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Allowed without condition (perhaps only on some resources: see `resource_scoped`).
    Allowed,
    /// Allowed only when a condition holds, or denied only when one does.
    Conditional,
    /// Allowed by an identity policy, but no resource is allowed by every layer (the
    /// permissions boundary, an SCP level) or the allowing condition cannot hold.
    NotAllowed,
    /// Every resource the layers allow is denied by an explicit Deny.
    Denied,
}

impl Decision {
    /// Allowed or conditional: the principal can (sometimes) perform the action.
    pub fn is_held(self) -> bool {
        matches!(self, Decision::Allowed | Decision::Conditional)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Conditional => "conditional",
            Decision::NotAllowed => "not allowed",
            Decision::Denied => "denied",
        }
    }
}

/// Which layer's condition makes an action conditional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionSource {
    /// Every identity statement allowing it has a condition.
    Allow,
    /// A Deny with a condition applies to it.
    Deny,
    /// The permissions boundary allows it only under a condition.
    Boundary,
    /// An SCP level allows it only under a condition.
    Scp,
}

/// The verdict on one change action for one principal. Derefs to its [`Verdict`], which
/// the principal's actions share when they are judged alike (most are: one statement usually
/// grants many actions), so a large account's verdicts stay small.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionVerdict {
    /// The action's place in the catalogue's change actions (a large account holds millions
    /// of these: an index keeps each at 16 bytes).
    index: u8,
    pub verdict: Arc<Verdict>,
}

impl ActionVerdict {
    /// The verdict on the `index`th change action of the catalogue.
    pub(crate) fn new(index: usize, verdict: Arc<Verdict>) -> ActionVerdict {
        ActionVerdict {
            index: u8::try_from(index).unwrap_or(u8::MAX),
            verdict,
        }
    }

    /// Full action name, e.g. `guardduty:DeleteDetector`.
    pub fn action(&self) -> &'static str {
        super::resources::action_table()
            .full
            .get(usize::from(self.index))
            .map_or("", String::as_str)
    }
}

impl std::ops::Deref for ActionVerdict {
    type Target = Verdict;
    fn deref(&self) -> &Verdict {
        &self.verdict
    }
}

impl Serialize for ActionVerdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a> {
            action: &'a str,
            #[serde(flatten)]
            verdict: &'a Verdict,
        }
        Flat {
            action: self.action(),
            verdict: &self.verdict,
        }
        .serialize(serializer)
    }
}

/// How an action is judged, and which statements decide it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub decision: Decision,
    pub conditional: bool,
    /// Condition keys of the statements that make it conditional.
    pub condition_keys: Vec<Label>,
    pub conditional_by: Vec<ConditionSource>,
    /// Allowed on only some of the action's resources (a region, a detector, a Deny on part).
    pub resource_scoped: bool,
    /// When resource-scoped: the sets of resources that survive every layer, e.g.
    /// `detector resources matching arn:…:detector/* except arn:aws:guardduty:us-east-1:…`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// When `aws:RequestedRegion` decides: the regions where the decision holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Assumptions the decision rests on (e.g. a role's tags standing for its sessions').
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Identity statements that allow it.
    pub granted_by: Vec<StatementRef>,
    /// Deny statements that apply to it: all of it (then `Denied`), some resources, or under
    /// a condition.
    pub denied_by: Vec<StatementRef>,
    /// The boundary or SCPs that limit it: a statement that allows it only in part or under a
    /// condition, or a policy (no statement) that does not allow it at all.
    pub capped_by: Vec<StatementRef>,
}

/// A statement, named by its policy and its Sid (or `Statement[i]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    /// A managed policy's ARN; `inline/<user|group|role>/<owner>/<name>` for an inline one;
    /// `scp/<level>/<name>` for a service control policy.
    pub policy: Label,
    /// `None` when the whole policy is meant (it has no statement allowing the action).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Label>,
}

/// `policy [statement]`, or the policy alone.
impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.statement {
            Some(statement) => write!(f, "{} [{statement}]", self.policy),
            None => write!(f, "{}", self.policy),
        }
    }
}

/// Which layer a policy sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "layer", content = "level")]
pub enum Layer {
    /// The principal's own policies and those of its groups.
    Identity,
    PermissionsBoundary,
    /// A service control policy at this level (0: root).
    Scp(usize),
}
