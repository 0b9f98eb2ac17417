//! Access paths: who can *become* able to change GuardDuty.
//!
//! A graph over the account's users and roles. An edge X → Y says that X can act as Y: assume
//! role Y (its trust policy and X's own permissions allow it), rewrite Y's trust policy, make
//! credentials for user Y, or pass role Y to a service X can drive. A principal can also become
//! a stronger version of itself — a *variant*: with any policy attached (it may attach or put a
//! policy on itself, its group or a role it becomes, or write a new version of a policy it has),
//! in more groups (it may add itself to them), or with another version of a policy made the
//! default. Every node holds the GuardDuty change actions its policies give it; what a
//! principal *reaches* is the union over every node it can get to.
//!
//! Roles that many principals can assume the same way (every role trusting the account, or a
//! service) are joined through a *hub* node, so a principal allowed `sts:AssumeRole` on `*`
//! costs one edge, not one per role. Every step carries the statements that allow it; a step
//! that holds only under a condition makes the path conditional.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use super::compile::CompiledPolicy;
use super::condition::{Facts, Truth};
use super::decide::{Env, Layers, Scratch, Source, allow_mask};
use super::eval::{Context, Plan};
use super::glob::{self, Token};
use super::policy::{self, Effect, Policy, Statement};
use super::request::{self, Access, Grant, PathAction, PathMask, Target, literal};
use super::resources::ActionMask;
use super::verdict::{Decision, PrincipalKind, PrincipalVerdict, StatementRef};
use super::{Label, Problem, ProblemKind};
use crate::model::iam::{ManagedPolicyDetail, PolicyDocument};

/// How one step of a path is taken. Each is documented, with what it needs, in
/// docs/permissions.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    AssumeRole,
    UpdateAssumeRolePolicy,
    CreateAccessKey,
    LoginProfile,
    AttachUserPolicy,
    PutUserPolicy,
    AttachGroupPolicy,
    PutGroupPolicy,
    AttachRolePolicy,
    PutRolePolicy,
    CreatePolicyVersion,
    SetDefaultPolicyVersion,
    AddUserToGroup,
    PassRoleLambda,
    PassRoleEc2,
    PassRoleCloudFormation,
    PassRoleGlue,
    PassRoleSageMaker,
    PassRoleCodeBuild,
}

impl Method {
    pub const ALL: [Method; 19] = [
        Method::AssumeRole,
        Method::UpdateAssumeRolePolicy,
        Method::CreateAccessKey,
        Method::LoginProfile,
        Method::AttachUserPolicy,
        Method::PutUserPolicy,
        Method::AttachGroupPolicy,
        Method::PutGroupPolicy,
        Method::AttachRolePolicy,
        Method::PutRolePolicy,
        Method::CreatePolicyVersion,
        Method::SetDefaultPolicyVersion,
        Method::AddUserToGroup,
        Method::PassRoleLambda,
        Method::PassRoleEc2,
        Method::PassRoleCloudFormation,
        Method::PassRoleGlue,
        Method::PassRoleSageMaker,
        Method::PassRoleCodeBuild,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::AssumeRole => "assume-role",
            Method::UpdateAssumeRolePolicy => "update-assume-role-policy",
            Method::CreateAccessKey => "create-access-key",
            Method::LoginProfile => "login-profile",
            Method::AttachUserPolicy => "attach-user-policy",
            Method::PutUserPolicy => "put-user-policy",
            Method::AttachGroupPolicy => "attach-group-policy",
            Method::PutGroupPolicy => "put-group-policy",
            Method::AttachRolePolicy => "attach-role-policy",
            Method::PutRolePolicy => "put-role-policy",
            Method::CreatePolicyVersion => "create-policy-version",
            Method::SetDefaultPolicyVersion => "set-default-policy-version",
            Method::AddUserToGroup => "add-user-to-group",
            Method::PassRoleLambda => "pass-role-lambda",
            Method::PassRoleEc2 => "pass-role-ec2",
            Method::PassRoleCloudFormation => "pass-role-cloudformation",
            Method::PassRoleGlue => "pass-role-glue",
            Method::PassRoleSageMaker => "pass-role-sagemaker",
            Method::PassRoleCodeBuild => "pass-role-codebuild",
        }
    }

    /// What the step does, as a verb phrase: "assumes", "attaches a policy to itself".
    pub fn verb(self) -> &'static str {
        match self {
            Method::AssumeRole => "assumes",
            Method::UpdateAssumeRolePolicy => "rewrites the trust policy of, then assumes",
            Method::CreateAccessKey => "creates an access key for",
            Method::LoginProfile => "sets a console password for",
            Method::AttachUserPolicy => "attaches any managed policy to",
            Method::PutUserPolicy => "puts an inline policy on",
            Method::AttachGroupPolicy => "attaches any managed policy to a group of",
            Method::PutGroupPolicy => "puts an inline policy on a group of",
            Method::AttachRolePolicy => "attaches any managed policy to",
            Method::PutRolePolicy => "puts an inline policy on",
            Method::CreatePolicyVersion => "writes a new default version of a policy of",
            Method::SetDefaultPolicyVersion => "makes another version the default for",
            Method::AddUserToGroup => "adds to groups",
            Method::PassRoleLambda => "passes to a Lambda function it creates and invokes",
            Method::PassRoleEc2 => "passes to an EC2 instance it launches",
            Method::PassRoleCloudFormation => "passes to a CloudFormation stack it creates",
            Method::PassRoleGlue => "passes to a Glue job or development endpoint it creates",
            Method::PassRoleSageMaker => "passes to a SageMaker notebook it creates and opens",
            Method::PassRoleCodeBuild => "passes to a CodeBuild project it creates and starts",
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub method: Method,
    /// Who acts (an ARN, with what it has become in brackets).
    pub from: String,
    /// Who it becomes.
    pub to: String,
    pub conditional: bool,
    /// The statements that allow the step: the actor's own, the trust policy's.
    pub allowed_by: Vec<StatementRef>,
    /// Condition keys left undecided on the way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<Label>,
}

/// A GuardDuty change action reached through a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachedAction {
    pub action: &'static str,
    /// Reached only through a conditional step or grant.
    pub conditional: bool,
}

/// `DeleteDetector`, or `UpdateDetector (conditional)`.
impl std::fmt::Display for ReachedAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bare = self
            .action
            .strip_prefix("guardduty:")
            .unwrap_or(self.action);
        f.write_str(bare)?;
        if self.conditional {
            f.write_str(" (conditional)")?;
        }
        Ok(())
    }
}

/// The change actions a principal reaches, as two masks over the catalogue's change actions
/// (ten thousand principals reaching fifty actions each would otherwise hold half a million
/// entries). Iterates and serializes as a list of [`ReachedAction`], in catalogue order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReachedActions {
    unconditional: ActionMask,
    conditional: ActionMask,
}

impl ReachedActions {
    pub fn iter(&self) -> impl Iterator<Item = ReachedAction> + '_ {
        let table = &super::resources::action_table().full;
        table.iter().enumerate().filter_map(|(i, name)| {
            let bit: ActionMask = 1 << i;
            if self.unconditional & bit != 0 {
                Some(ReachedAction {
                    action: name.as_str(),
                    conditional: false,
                })
            } else if self.conditional & bit != 0 {
                Some(ReachedAction {
                    action: name.as_str(),
                    conditional: true,
                })
            } else {
                None
            }
        })
    }

    pub fn len(&self) -> usize {
        (self.unconditional | self.conditional).count_ones() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for ReachedActions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// What one principal can become able to do, beyond what it holds itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndirectAccess {
    /// Index into [`super::Evaluation::principals`].
    #[serde(skip)]
    pub principal: usize,
    /// The change actions it does not hold (or holds only under a condition) and can reach.
    pub actions: ReachedActions,
    /// The shortest path to the most severe of them.
    pub path: Vec<PathStep>,
    /// The action the path ends in, and the statements that grant it there.
    pub path_action: &'static str,
    pub path_granted_by: Vec<StatementRef>,
    pub conditional: bool,
    /// The account the path ends in, when it is not the principal's own (a role of another
    /// account, in an organization sweep).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached_in_account: Option<String>,
}

impl IndirectAccess {
    /// `holds guardduty:X`, and the account it is held in when not the principal's own.
    pub fn holds(&self) -> String {
        match &self.reached_in_account {
            Some(account) => format!("holds {} in account {account}", self.path_action),
            None => format!("holds {}", self.path_action),
        }
    }
}

/// What the graph holds, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PathStats {
    pub nodes: usize,
    pub edges: usize,
    /// Roles whose trust policy names another account (entry points from outside; followed
    /// only in an organization sweep, which holds that account's export too).
    pub roles_trusting_other_accounts: usize,
    /// Roles whose trust policy names an identity provider (web identity, SAML).
    pub roles_trusting_providers: usize,
}

/// A role of another account whose trust policy lets this account's principals in (or
/// everyone), with what it reaches in its own account: in an organization sweep, each
/// account's evaluation hands these to the accounts they trust ([`super::Evaluation::exposed`],
/// [`super::EvalOptions::foreign`]), so assuming a role across accounts becomes a step.
#[derive(Clone)]
pub struct ForeignRole {
    pub arn: String,
    /// The role's account.
    pub account: String,
    /// The accounts its trust policy names whole or through one of their principals; `*`
    /// for everyone.
    pub trusted: Vec<String>,
    trust: Arc<Trust>,
    /// How its trust policy is named in a step's evidence: `trust/ARN`.
    trust_label: Label,
    /// What it reaches in its account (and beyond, when it can go on to other accounts):
    /// what it holds and what it can become able to do.
    pub reaches: ReachedActions,
    /// For each action it reaches, the way there from the role.
    routes: Vec<Route>,
}

impl ForeignRole {
    /// Whether its trust policy may let principals of `account` in.
    pub fn may_trust(&self, account: &str) -> bool {
        self.account != account && self.trusted.iter().any(|t| t == "*" || t == account)
    }

    fn route(&self, action: usize, conditional: bool) -> Option<&Route> {
        let find = |c: bool| {
            self.routes
                .iter()
                .find(|r| usize::from(r.action) == action && r.conditional == c)
        };
        find(conditional).or_else(|| find(!conditional))
    }
}

impl std::fmt::Debug for ForeignRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignRole")
            .field("arn", &self.arn)
            .field("trusted", &self.trusted)
            .field("reaches", &self.reaches)
            .finish_non_exhaustive()
    }
}

/// How a role of another account gets to one action: the steps from the role in its own
/// account (none when it holds the action), and the statements that grant it at the end.
#[derive(Debug, Clone)]
struct Route {
    action: u8,
    /// The way for the action's conditional reach (the role reaches it only under a
    /// condition), or its unconditional one.
    conditional: bool,
    path: Vec<PathStep>,
    granted_by: Vec<StatementRef>,
    /// The account the action is reached in.
    account: String,
}

/// What a node is: a principal as it is, or a stronger version of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Variant {
    Base,
    /// With any policy it likes attached.
    Admin,
    /// In these more groups (indices into the export's groups).
    Groups(Vec<usize>),
    /// With managed policy `policy` (a compiled id) replaced by version `version` of it.
    Version {
        policy: usize,
        version: String,
    },
}

/// See [`Analysis::admin_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AdminKey {
    denies: Vec<usize>,
    boundary: Option<usize>,
    principal: Option<usize>,
    unknown_boundary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Hub {
    /// Roles that trust the account the same way (a trust signature).
    Account(usize),
    /// Every user (for making credentials).
    Users,
    /// Every role (for rewriting trust policies).
    Roles,
    /// Roles a service may assume, by [`Service`] index.
    Service(usize),
}

#[derive(Debug, Clone)]
struct Node {
    /// Index into the context's principals; `usize::MAX` for a hub.
    principal: usize,
    variant: Variant,
    hub: Option<Hub>,
    /// A role of another account (index into the foreign roles): it holds what that role
    /// reaches, and its own way out is not followed here.
    foreign: Option<u32>,
    /// A local compiled policy this node adds to its identity.
    extra: Option<usize>,
    /// A compiled policy this node takes away from its identity.
    removed: Option<usize>,
    allowed: ActionMask,
    conditional: ActionMask,
    /// A variant whose actions are not worked out yet (they are, in parallel, in rounds).
    pending: bool,
}

impl Node {
    /// A node holding nothing yet, of no hub and no other account.
    fn new(principal: usize, variant: Variant) -> Node {
        Node {
            principal,
            variant,
            hub: None,
            foreign: None,
            extra: None,
            removed: None,
            allowed: 0,
            conditional: 0,
            pending: false,
        }
    }
}

/// An edge of the graph. What allows the step is not kept: it is worked out again for the
/// edges a reported path takes (see [`Analysis::evidence`]).
#[derive(Debug, Clone, Copy)]
struct Edge {
    from: u32,
    to: u32,
    conditional: bool,
    method: Method,
}

/// Where a planned edge leads, before its node exists.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dest {
    Node(usize, Variant),
    Hub(Hub),
    /// A role of another account, by index into the foreign roles.
    Foreign(usize),
}

/// An edge worked out for one node (in parallel, from the graph as it stands), with what
/// allows it.
#[derive(Debug, Clone)]
struct Planned {
    dest: Dest,
    conditional: bool,
    info: StepInfo,
    /// For a step to another version of a policy: made only when that version, compiled,
    /// could give the node more ([`Analysis::could_add`]).
    version_of: Option<usize>,
}

/// Per-thread memo for planning: how a pattern stands against a form.
#[derive(Default)]
struct PlanScratch {
    uniform: HashMap<(Vec<Token>, u8), Uniform>,
}

#[derive(Debug, Clone)]
struct StepInfo {
    method: Method,
    allowed_by: Vec<StatementRef>,
    keys: Vec<Label>,
}

/// Builds a step's evidence from the grants that allow it.
type StepFn<'f> = dyn Fn(Method, &[&Grant], Option<&TrustGrant>) -> StepInfo + 'f;
/// Whether a step holds only under a condition.
type CondFn<'f> = dyn Fn(&[&Grant], Option<&TrustGrant>) -> bool + 'f;

/// A service a role can be passed to.
struct Service {
    principal: &'static str,
    method: Method,
}

const SERVICES: [Service; 7] = [
    Service {
        principal: "lambda.amazonaws.com",
        method: Method::PassRoleLambda,
    },
    // EC2 twice: roles with an instance profile, and roles the principal must first put in one.
    Service {
        principal: "ec2.amazonaws.com",
        method: Method::PassRoleEc2,
    },
    Service {
        principal: "ec2.amazonaws.com",
        method: Method::PassRoleEc2,
    },
    Service {
        principal: "cloudformation.amazonaws.com",
        method: Method::PassRoleCloudFormation,
    },
    Service {
        principal: "glue.amazonaws.com",
        method: Method::PassRoleGlue,
    },
    Service {
        principal: "sagemaker.amazonaws.com",
        method: Method::PassRoleSageMaker,
    },
    Service {
        principal: "codebuild.amazonaws.com",
        method: Method::PassRoleCodeBuild,
    },
];
/// [`SERVICES`] index of EC2 for roles that already have an instance profile.
const EC2_WITH_PROFILE: usize = 1;
const EC2_WITHOUT_PROFILE: usize = 2;

/// A role's trust policy, read.
#[derive(Debug, Default)]
struct Trust {
    statements: Vec<Statement>,
    /// Readable and applying to `sts:AssumeRole` for the whole account or everyone.
    account_wide: bool,
    /// Has a Deny or NotPrincipal: decided principal by principal, never through a hub.
    irregular: bool,
}

/// How a trust policy treats one principal.
struct TrustGrant {
    access: Access,
    /// The trust names the principal itself (or everyone): its own policies need not allow
    /// `sts:AssumeRole`.
    direct: bool,
    by: Option<StatementRef>,
    keys: Vec<Label>,
}

/// Who a trust statement's `AWS` principals are, for one principal of the account.
fn names(values: &[String], arn: &str, account: &str) -> (bool, bool) {
    let mut direct = false;
    let mut account_wide = false;
    for v in values {
        if v == arn {
            direct = true;
        } else if v == account
            || v.strip_prefix("arn:")
                .and_then(|r| r.split_once(":iam::"))
                .is_some_and(|(_, rest)| rest == format!("{account}:root"))
        {
            account_wide = true;
        }
    }
    (direct, account_wide)
}

/// A bare account id: twelve digits.
fn is_account_id(v: &str) -> bool {
    v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
}

/// The accounts a trust statement's `AWS` values name whole (`ACCOUNT` or its root ARN).
fn trusted_accounts(values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| {
            if is_account_id(v) {
                return Some(v.clone());
            }
            let rest = v.strip_prefix("arn:")?;
            let (_, after) = rest.split_once(":iam::")?;
            after.strip_suffix(":root").map(str::to_owned)
        })
        .collect()
}

/// The account of an ARN (its fifth part).
fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

/// How role `label`'s trust policy (the role in `role_account`) treats principal `arn`, or
/// `service`. A principal of another account is let in only with its own permission too.
fn trust_grant(
    trust: &Trust,
    label: &Label,
    arn: &str,
    role_account: &str,
    facts: &Facts<'_>,
    service: Option<&str>,
) -> TrustGrant {
    let principal_account = account_of(arn);
    let same_account = principal_account == role_account;
    let mut best = TrustGrant {
        access: Access::NotAllowed,
        direct: false,
        by: None,
        keys: Vec::new(),
    };
    let mut deny_unknown = false;
    for s in &trust.statements {
        if !s.applies_to_action(b"sts:assumerole") {
            continue;
        }
        let Some(p) = &s.principal else { continue };
        let (named, direct) = match service {
            Some(svc) => (p.service.iter().any(|v| v == svc), true),
            None => {
                let (direct, account_wide) = names(&p.aws, arn, principal_account);
                (
                    p.any || direct || account_wide,
                    (p.any || direct) && same_account,
                )
            }
        };
        let applies = named != s.not_principal;
        if !applies {
            continue;
        }
        let (truth, _) = facts.truth(&s.conditions);
        let here = || StatementRef {
            policy: label.clone(),
            statement: Some(Label::from(s.label())),
        };
        match (s.effect, truth) {
            (_, Truth::False) => {}
            (Effect::Deny, Truth::True) => {
                return TrustGrant {
                    access: Access::Denied,
                    direct: false,
                    by: Some(here()),
                    keys: Vec::new(),
                };
            }
            (Effect::Deny, Truth::Unknown) => {
                deny_unknown = true;
                best.keys.extend(facts.decide(&s.conditions).unknown_keys);
            }
            (Effect::Allow, truth) => {
                let access = if truth == Truth::True {
                    Access::Allowed
                } else {
                    Access::Conditional
                };
                // Prefer an unconditional grant, then one naming the principal itself.
                let better = access < best.access
                    || (access == best.access && direct && !best.direct && !s.not_principal);
                if better {
                    best.access = access;
                    best.direct = direct && !s.not_principal;
                    best.by = Some(here());
                }
                if truth == Truth::Unknown {
                    best.keys.extend(facts.decide(&s.conditions).unknown_keys);
                }
            }
        }
    }
    if deny_unknown && best.access == Access::Allowed {
        best.access = Access::Conditional;
    }
    best
}

/// The facts of a service principal assuming a role on behalf of a principal of `account`.
fn service_request<'a>(service: &'a str, account: &'a str) -> [(&'a str, Option<&'a str>); 10] {
    [
        ("aws:PrincipalArn", None),
        ("aws:PrincipalAccount", None),
        ("aws:PrincipalType", None),
        ("aws:username", None),
        ("aws:userid", None),
        ("aws:PrincipalOrgID", None),
        ("aws:PrincipalIsAWSService", Some("true")),
        ("aws:PrincipalServiceName", Some(service)),
        ("aws:SourceAccount", Some(account)),
        ("aws:SourceOwner", Some(account)),
    ]
}

/// The edges into each node: edge ids grouped by the node they lead to.
struct Reverse {
    /// Where each node's edges start in `edges` (one more entry than nodes).
    start: Vec<u32>,
    edges: Vec<u32>,
}

impl Reverse {
    fn of(edges: &[Edge], nodes: usize) -> Reverse {
        let mut start = vec![0u32; nodes + 1];
        for e in edges {
            start[e.to as usize + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut out = vec![0u32; edges.len()];
        for (i, e) in edges.iter().enumerate() {
            let slot = &mut next[e.to as usize];
            out[*slot as usize] = u32::try_from(i).unwrap_or(u32::MAX);
            *slot += 1;
        }
        Reverse { start, edges: out }
    }

    /// The edges into node `n`, in the order they were added.
    fn leading_to(&self, n: usize) -> &[u32] {
        &self.edges[self.start[n] as usize..self.start[n + 1] as usize]
    }
}

/// Nodes whose edges are planned at a time (see [`Analysis::build_edges`]).
const PLAN_BATCH: usize = 512;

fn planned(dest: Dest, conditional: bool, info: StepInfo) -> Planned {
    Planned {
        dest,
        conditional,
        info,
        version_of: None,
    }
}

/// How a hub's edge to each of its members is taken.
fn hub_method(hub: Hub) -> Method {
    match hub {
        Hub::Account(_) | Hub::Roles => Method::AssumeRole,
        Hub::Users => Method::CreateAccessKey,
        Hub::Service(k) => SERVICES[k].method,
    }
}

/// Everything the analysis works with.
struct Analysis<'c, 'a> {
    ctx: &'c Context<'a>,
    account: String,
    /// Local compiled policies: [0] allows everything; then other versions.
    local: Vec<CompiledPolicy>,
    specs: HashMap<(bool, Vec<String>), u32>,
    /// Each role's trust policy, read; roles with the same document share it.
    trusts: Vec<Option<Arc<Trust>>>,
    /// Principal index by ARN.
    by_arn: HashMap<&'a str, usize>,
    /// The account of each principal and of each group, read from their ARNs once.
    principal_accounts: Vec<&'a str>,
    group_accounts: Vec<&'a str>,
    /// Compiled policy ids of each group (in the context), by group index.
    group_policies: Vec<Vec<usize>>,
    /// Groups whose policies deny something: not joined wholesale.
    group_denies: Vec<bool>,
    managed: HashMap<&'a str, &'a ManagedPolicyDetail>,
    /// Roles that name a principal (by index) in their trust policy: role indices.
    named_by: HashMap<usize, Vec<usize>>,
    /// Account-wide trust hubs: the roles of each signature.
    account_hubs: Vec<(String, Vec<usize>)>,
    /// Roles per service hub ([`SERVICES`] order).
    service_roles: Vec<Vec<usize>>,
    irregular_roles: Vec<usize>,
    users: Vec<usize>,
    roles: Vec<usize>,
    nodes: Vec<Node>,
    node_index: HashMap<(usize, Variant), u32>,
    hub_nodes: HashMap<Hub, u32>,
    edges: Vec<Edge>,
    /// Compiled versions of managed policies: (policy id, version) → index in `local`.
    versions: HashMap<(usize, String), Option<usize>>,
    /// Memo per compiled policy (by id): [`Self::nonuniform`]'s masks.
    policy_nonuniform: Vec<Option<[PathMask; 3]>>,
    /// Memo: what a principal with any policy attached holds, by what can still cap it.
    admin_memo: HashMap<AdminKey, (ActionMask, ActionMask)>,
    /// Templates: any role, any user.
    any_role: Vec<Token>,
    any_user: Vec<Token>,
    any_group: Vec<Token>,
    synthetic_role: Vec<u8>,
    synthetic_user: Vec<u8>,
    templates: ServiceTemplates,
    stats: PathStats,
    problems: Vec<Problem>,
    /// Roles of other accounts this account's principals may assume (an organization sweep).
    foreign: &'c [ForeignRole],
    /// The node of the first of them (the others follow it).
    foreign_start: u32,
    /// What a step to one of them knows of the request: the organization both sides are in,
    /// for `aws:PrincipalOrgID` and `aws:ResourceOrgID`, when it is known.
    foreign_request: Vec<(&'c str, Option<&'c str>)>,
    /// Work out [`ForeignRole`]s for the roles in `outward`.
    expose: bool,
    /// With `expose`: roles of the account whose trust policy names another account or
    /// everyone, with the accounts it names (`*` for everyone).
    outward: Vec<(usize, Vec<String>)>,
}

/// Resources a principal would create and name itself, per service.
struct ServiceTemplates {
    function: Vec<Token>,
    instance: Vec<Token>,
    instance_profile: Vec<Token>,
    stack: Vec<Token>,
    dev_endpoint: Vec<Token>,
    job: Vec<Token>,
    notebook: Vec<Token>,
    project: Vec<Token>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uniform {
    /// Matches every resource of the form.
    All,
    /// Matches none.
    None,
    /// Names one resource exactly.
    Literal,
    /// Some but not all.
    Mixed,
}

fn bytes_of(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn any_form(prefix: &str) -> Vec<Token> {
    let mut t = literal(prefix);
    t.push(Token::Path);
    t
}

fn form(partition: &str, service: &str, account: &str, rest: &str) -> Vec<Token> {
    // Region free; the rest's `*` any run within the resource part.
    let mut t = literal(&format!("arn:{partition}:{service}:"));
    t.push(Token::Segment);
    t.extend(literal(&format!(":{account}:")));
    for b in rest.bytes() {
        t.push(if b == b'*' {
            Token::Path
        } else {
            Token::Byte(b)
        });
    }
    t
}

/// Computes every principal's indirect access. `verdicts` are the context's principals'.
/// `specs` is the context's resource-pattern numbering ([`Context::specs`]), handed over so
/// the policies compiled here (another version, any policy) continue it.
/// `opts` brings the roles of other accounts that may let this account's principals in,
/// and asks for this account's roles that other accounts' principals may assume.
pub(crate) fn analyse(
    ctx: &Context<'_>,
    specs: HashMap<(bool, Vec<String>), u32>,
    verdicts: &[PrincipalVerdict],
    opts: &super::EvalOptions,
) -> Analysed {
    let Some(account) = ctx.account_id.clone() else {
        return Analysed::default();
    };
    let partition = ctx
        .principals
        .first()
        .and_then(|p| p.arn.split(':').nth(1))
        .unwrap_or("aws")
        .to_owned();
    let mut a = Analysis::new(ctx, specs, account, partition);
    a.foreign = &opts.foreign[..];
    if let Some(o) = opts.organization.as_deref() {
        a.foreign_request = vec![
            ("aws:PrincipalOrgID", Some(o)),
            ("aws:ResourceOrgID", Some(o)),
        ];
    }
    a.expose = opts.expose_roles;
    a.read_trusts();
    a.base_nodes(verdicts);
    a.foreign_nodes();
    a.build_edges();
    let (indirect, exposed) = a.reach(verdicts);
    a.stats.nodes = a.nodes.len();
    a.stats.edges = a.edges.len();
    Analysed {
        indirect,
        stats: a.stats,
        problems: a.problems,
        exposed,
    }
}

/// What [`analyse`] finds.
#[derive(Default)]
pub(crate) struct Analysed {
    pub indirect: Vec<IndirectAccess>,
    pub stats: PathStats,
    pub problems: Vec<Problem>,
    pub exposed: Vec<ForeignRole>,
}

impl<'c, 'a> Analysis<'c, 'a> {
    fn new(
        ctx: &'c Context<'a>,
        mut specs: HashMap<(bool, Vec<String>), u32>,
        account: String,
        partition: String,
    ) -> Self {
        let details = ctx.details;
        let admin_doc = PolicyDocument::from_json_text(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        );
        // The built-in document always compiles; were it not to, nothing is attached.
        let admin = ctx
            .compile_more(&mut specs, "any policy it attaches", &admin_doc)
            .unwrap_or(CompiledPolicy {
                label: Label::from("any policy it attaches"),
                effects: None,
                path: Vec::new(),
            });
        // The context compiled each group's policies; find their ids through a member, or
        // by label for inline ones.
        let label_ids: HashMap<&str, usize> = ctx
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.label.as_str(), i))
            .collect();
        let group_policies: Vec<Vec<usize>> = details
            .groups
            .iter()
            .map(|g| {
                let mut ids: Vec<usize> = g
                    .group_policy_list
                    .iter()
                    .filter_map(|p| {
                        let label = format!("inline/group/{}/{}", g.group_name, p.policy_name);
                        label_ids.get(label.as_str()).copied()
                    })
                    .collect();
                ids.extend(
                    g.attached_managed_policies
                        .iter()
                        .filter_map(|p| label_ids.get(p.policy_arn.as_str()).copied()),
                );
                ids
            })
            .collect();
        let group_denies = group_policies
            .iter()
            .map(|ids| {
                ids.iter().any(|&id| {
                    let p = &ctx.policies[id];
                    p.path.iter().any(|s| s.effect == Effect::Deny)
                        || p.effects.as_ref().is_some_and(|e| e.deny_mask != 0)
                })
            })
            .collect();
        let by_arn = ctx
            .principals
            .iter()
            .enumerate()
            .map(|(i, p)| (p.arn, i))
            .collect();
        // The hubs hold the audited account's principals: an IAM change reaches no further.
        let home = |i: &usize| account_of(ctx.principals[*i].arn) == account;
        let users = (0..ctx.principals.len())
            .filter(|&i| ctx.principals[i].kind == PrincipalKind::User)
            .filter(home)
            .collect();
        let roles = (0..ctx.principals.len())
            .filter(|&i| ctx.principals[i].kind == PrincipalKind::Role)
            .filter(home)
            .collect();
        let templates = ServiceTemplates {
            function: form(&partition, "lambda", &account, "function:*"),
            instance: form(&partition, "ec2", &account, "instance/*"),
            instance_profile: any_form(&format!(
                "arn:{partition}:iam::{account}:instance-profile/"
            )),
            stack: form(&partition, "cloudformation", &account, "stack/*"),
            dev_endpoint: form(&partition, "glue", &account, "devEndpoint/*"),
            job: form(&partition, "glue", &account, "job/*"),
            notebook: form(&partition, "sagemaker", &account, "notebook-instance/*"),
            project: form(&partition, "codebuild", &account, "project/*"),
        };
        Analysis {
            ctx,
            any_role: any_form(&format!("arn:{partition}:iam::{account}:role/")),
            any_user: any_form(&format!("arn:{partition}:iam::{account}:user/")),
            any_group: any_form(&format!("arn:{partition}:iam::{account}:group/")),
            synthetic_role: bytes_of(&format!("arn:{partition}:iam::{account}:role/\u{1}")),
            synthetic_user: bytes_of(&format!("arn:{partition}:iam::{account}:user/\u{1}")),
            account,
            local: vec![admin],
            specs,
            trusts: Vec::new(),
            by_arn,
            principal_accounts: ctx.principals.iter().map(|p| account_of(p.arn)).collect(),
            group_accounts: details.groups.iter().map(|g| account_of(&g.arn)).collect(),
            group_policies,
            group_denies,
            managed: details
                .policies
                .iter()
                .rev()
                .map(|p| (p.arn.as_str(), p))
                .collect(),
            named_by: HashMap::new(),
            account_hubs: Vec::new(),
            service_roles: vec![Vec::new(); SERVICES.len()],
            irregular_roles: Vec::new(),
            users,
            roles,
            nodes: Vec::new(),
            node_index: HashMap::new(),
            hub_nodes: HashMap::new(),
            edges: Vec::new(),
            policy_nonuniform: vec![None; ctx.policies.len()],
            versions: HashMap::new(),
            admin_memo: HashMap::new(),
            templates,
            stats: PathStats::default(),
            problems: Vec::new(),
            foreign: &[],
            foreign_start: 0,
            foreign_request: Vec::new(),
            expose: false,
            outward: Vec::new(),
        }
    }

    fn trust_label(&self, role: usize) -> Label {
        Label::from(format!("trust/{}", self.ctx.principals[role].name))
    }

    /// Parses every role's trust policy and sorts the roles into hubs.
    fn read_trusts(&mut self) {
        let ctx = self.ctx;
        // Many roles share a trust policy (every role a service may assume, every role
        // trusting the account): each document is read once.
        let mut unique: HashMap<&str, usize> = HashMap::new();
        let mut texts: Vec<&str> = Vec::new();
        let slots: Vec<Option<usize>> = ctx
            .principals
            .iter()
            .map(|p| {
                let text = p.role?.assume_role_policy_document.as_ref()?.as_json_text();
                Some(*unique.entry(text).or_insert_with(|| {
                    texts.push(text);
                    texts.len() - 1
                }))
            })
            .collect();
        let read: Vec<Result<Policy, policy::PolicyError>> =
            super::parallel_map(&texts, |t| policy::parse_trust(t));
        let mut shared: Vec<Option<Arc<Trust>>> = vec![None; texts.len()];
        let parsed: Vec<Option<(usize, &Result<Policy, policy::PolicyError>)>> = slots
            .iter()
            .map(|slot| slot.map(|u| (u, &read[u])))
            .collect();
        let mut signatures: HashMap<String, usize> = HashMap::new();
        let mut trusts: Vec<Option<Arc<Trust>>> = Vec::with_capacity(parsed.len());
        let without: Vec<&str> = ctx
            .principals
            .iter()
            .zip(&parsed)
            .filter(|(p, t)| p.kind == PrincipalKind::Role && t.is_none())
            .map(|(p, _)| p.arn)
            .collect();
        if let Some(first) = without.first() {
            let others = match without.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            self.problems.push(Problem {
                kind: ProblemKind::MissingTrustPolicy,
                policy: None,
                location: Some(format!("{first}{others}")),
                message: "no trust policy (AssumeRolePolicyDocument) in the export: who may assume the role is not known, so access paths through it are not followed".to_owned(),
            });
        }
        let service_facts: Vec<[(&str, Option<&str>); 10]> = SERVICES
            .iter()
            .map(|s| service_request(s.principal, &self.account))
            .collect();
        for (i, parsed) in parsed.into_iter().enumerate() {
            let plan = &ctx.principals[i];
            let (u, policy) = match parsed {
                None => {
                    trusts.push(None);
                    continue;
                }
                Some((_, Err(err))) => {
                    self.problems.push(Problem {
                        kind: ProblemKind::InvalidPolicy,
                        policy: Some(format!("trust policy of {}", plan.arn)),
                        location: Some(plan.arn.to_owned()),
                        message: format!("{err}; no one is taken to assume this role"),
                    });
                    trusts.push(None);
                    continue;
                }
                Some((u, Ok(policy))) => (u, policy),
            };
            for skipped in &policy.skipped {
                self.problems.push(Problem {
                    kind: ProblemKind::InvalidPolicy,
                    policy: Some(format!("trust policy of {}", plan.arn)),
                    location: Some(plan.arn.to_owned()),
                    message: format!("{skipped}; statement skipped"),
                });
            }
            let (mut irregular, mut account_wide) = (false, false);
            let mut signature = String::new();
            let mut trusted: Vec<String> = Vec::new();
            let mut other_accounts = false;
            let mut outward: Vec<String> = Vec::new();
            let mut providers = false;
            for s in &policy.statements {
                if !s.applies_to_action(b"sts:assumerole") {
                    providers |= s
                        .principal
                        .as_ref()
                        .is_some_and(|p| !p.federated.is_empty());
                    continue;
                }
                let Some(p) = &s.principal else { continue };
                if s.effect == Effect::Deny || s.not_principal {
                    irregular = true;
                }
                for v in &p.aws {
                    if let Some(&who) = self.by_arn.get(v.as_str()) {
                        self.named_by.entry(who).or_default().push(i);
                    } else if !v.contains(&self.account) {
                        other_accounts = true;
                    }
                }
                if self.expose && s.effect == Effect::Allow && !s.not_principal {
                    if p.any {
                        outward.push("*".to_owned());
                    }
                    outward.extend(
                        p.aws
                            .iter()
                            .map(|v| match v.strip_prefix("arn:") {
                                Some(_) => account_of(v),
                                None if is_account_id(v) => v.as_str(),
                                None => "",
                            })
                            .filter(|a| !a.is_empty() && *a != self.account)
                            .map(str::to_owned),
                    );
                }
                let accounts = trusted_accounts(&p.aws);
                if s.effect == Effect::Allow && (p.any || !accounts.is_empty()) {
                    account_wide = true;
                    signature.push_str(&format!("{}|{:?};", p.any, s.conditions));
                    if p.any {
                        trusted.push("*".to_owned());
                    }
                    trusted.extend(accounts);
                }
                providers |= !p.federated.is_empty();
            }
            self.stats.roles_trusting_other_accounts += usize::from(other_accounts);
            if !outward.is_empty() && account_of(plan.arn) == self.account {
                outward.sort();
                outward.dedup();
                self.outward.push((i, outward));
            }
            self.stats.roles_trusting_providers += usize::from(providers);
            let trust = Arc::clone(shared[u].get_or_insert_with(|| {
                Arc::new(Trust {
                    statements: policy.statements.clone(),
                    account_wide,
                    irregular,
                })
            }));
            if trust.irregular {
                self.irregular_roles.push(i);
            } else if trust.account_wide {
                // One hub per trusted account (or everyone) and way of trusting it.
                trusted.sort();
                trusted.dedup();
                for account in trusted {
                    let next = signatures.len();
                    let hub = *signatures
                        .entry(format!("{account}#{signature}"))
                        .or_insert(next);
                    if hub == self.account_hubs.len() {
                        self.account_hubs.push((account, Vec::new()));
                    }
                    self.account_hubs[hub].1.push(i);
                }
            }
            // Service hubs: a role a service may assume (decided with the service's facts).
            for (k, svc) in SERVICES.iter().enumerate() {
                let has_profile = plan
                    .role
                    .is_some_and(|r| !r.instance_profile_list.is_empty());
                if (k == EC2_WITH_PROFILE && !has_profile)
                    || (k == EC2_WITHOUT_PROFILE && has_profile)
                {
                    continue;
                }
                let facts = Facts {
                    arn: "",
                    kind: PrincipalKind::Role,
                    name: "",
                    user_id: None,
                    tags: None,
                    account: Some(&self.account),
                    region: None,
                    request: &service_facts[k],
                };
                let label = Label::from(format!("trust/{}", plan.name));
                let g = trust_grant(
                    &trust,
                    &label,
                    "",
                    &self.account,
                    &facts,
                    Some(svc.principal),
                );
                if g.access.usable() && account_of(plan.arn) == self.account {
                    self.service_roles[k].push(i);
                }
            }
            trusts.push(Some(trust));
        }
        self.trusts = trusts;
    }

    /// The node of a principal (as it is, or a variant), when it exists. Principal `i` as it
    /// is is node `i` (see [`Self::base_nodes`]); variants are looked up.
    fn find(&self, principal: usize, variant: &Variant) -> Option<u32> {
        if *variant == Variant::Base && principal < self.ctx.principals.len() {
            return u32::try_from(principal).ok();
        }
        self.node_index.get(&(principal, variant.clone())).copied()
    }

    fn node(&mut self, principal: usize, variant: Variant) -> u32 {
        if let Some(n) = self.find(principal, &variant) {
            return n;
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let (extra, removed) = match &variant {
            Variant::Base | Variant::Groups(_) => (None, None),
            Variant::Admin => (Some(0), None),
            Variant::Version { policy, version } => match self.version(*policy, version) {
                Some(local) => (Some(local), Some(*policy)),
                None => (None, None),
            },
        };
        let mut node = Node::new(principal, variant.clone());
        node.extra = extra;
        node.removed = removed;
        node.pending = variant != Variant::Base;
        self.nodes.push(node);
        self.node_index.insert((principal, variant), id);
        id
    }

    /// Version `version` of managed policy `policy` (a compiled id), compiled once; its index
    /// in `local`, or `None` when the export does not hold it readable.
    fn version(&mut self, policy: usize, version: &str) -> Option<usize> {
        if let Some(&found) = self.versions.get(&(policy, version.to_owned())) {
            return found;
        }
        let label = self.ctx.policies[policy].label.clone();
        let doc = self
            .managed
            .get(label.as_str())
            .and_then(|m| {
                m.policy_version_list
                    .iter()
                    .find(|v| v.version_id == version)
            })
            .map(|v| v.document.clone());
        let compiled = doc.and_then(|d| {
            self.ctx
                .compile_more(&mut self.specs, &format!("{label} ({version})"), &d)
        });
        let found = compiled.map(|c| {
            self.local.push(c);
            self.local.len() - 1
        });
        self.versions.insert((policy, version.to_owned()), found);
        found
    }

    /// Could adding `added` (and taking away `removed`) give a node holding `held` more: a
    /// change action it does not hold, a way onward, or a Deny gone?
    fn could_add(
        &self,
        held: ActionMask,
        added: &[&CompiledPolicy],
        removed: Option<&CompiledPolicy>,
    ) -> bool {
        let gains = added.iter().any(|p| {
            p.effects
                .as_ref()
                .is_some_and(|e| e.allow_mask & !held != 0)
                || p.path.iter().any(|s| s.effect == Effect::Allow)
        });
        let loses_a_deny = removed.is_some_and(|p| {
            p.effects.as_ref().is_some_and(|e| e.deny_mask != 0)
                || p.path.iter().any(|s| s.effect == Effect::Deny)
        });
        gains || loses_a_deny
    }

    fn hub(&mut self, hub: Hub) -> u32 {
        if let Some(&n) = self.hub_nodes.get(&hub) {
            return n;
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            hub: Some(hub),
            ..Node::new(usize::MAX, Variant::Base)
        });
        self.hub_nodes.insert(hub, id);
        id
    }

    /// The policies of a node, as layers: its principal's, with the variant's changes.
    fn layers(&self, node: &Node) -> Layers<'c> {
        let ctx = self.ctx;
        let plan = &ctx.principals[node.principal];
        let mut layers = ctx.layers(plan);
        if let Some(removed) = node.removed {
            layers.identity.retain(|s| s.id != removed);
        }
        if let Variant::Groups(groups) = &node.variant {
            for &g in groups {
                for &id in &self.group_policies[g] {
                    layers.identity.push(Source {
                        id,
                        policy: &ctx.policies[id],
                        via: Some(ctx.details.groups[g].group_name.as_str()),
                    });
                }
            }
        }
        layers
    }

    /// What decides a principal's change actions once any policy is attached: its policies
    /// that deny one, its boundary, and (when any of those or an SCP has a condition) itself.
    fn admin_key(&self, node: &Node) -> AdminKey {
        let plan = &self.ctx.principals[node.principal];
        let layers = self.layers(node);
        let conditional = |p: &CompiledPolicy| {
            p.effects
                .as_ref()
                .is_some_and(|e| e.hits.iter().any(|h| h.conditional))
        };
        let denies: Vec<usize> = layers
            .identity
            .iter()
            .filter(|s| s.policy.effects.as_ref().is_some_and(|e| e.deny_mask != 0))
            .map(|s| s.id)
            .collect();
        let boundary = layers.boundary.as_ref().map(|s| s.id);
        let personal = layers
            .identity
            .iter()
            .filter(|s| denies.contains(&s.id))
            .chain(layers.boundary.iter())
            .chain(layers.scps.iter().flat_map(|(_, l)| l.iter()))
            .any(|s| conditional(s.policy));
        AdminKey {
            denies,
            boundary,
            principal: personal.then_some(node.principal),
            unknown_boundary: matches!(plan.boundary, super::eval::Boundary::Unknown),
        }
    }

    /// No boundary, no SCP and no Deny of a change action in its policies: with any policy
    /// attached it holds every change action.
    fn unbounded(&self, node: &Node) -> bool {
        let plan = &self.ctx.principals[node.principal];
        matches!(plan.boundary, super::eval::Boundary::None)
            && self.ctx.scp_levels.is_empty()
            && self
                .layers(node)
                .identity
                .iter()
                .all(|s| s.policy.effects.as_ref().is_none_or(|e| e.deny_mask == 0))
    }

    /// The GuardDuty change actions a variant holds: allowed, and conditional.
    fn gd_masks(&self, node: &Node, scratch: &mut Scratch) -> (ActionMask, ActionMask) {
        if let Variant::Groups(groups) = &node.variant {
            return self.group_masks(node.principal, groups, scratch);
        }
        let ctx = self.ctx;
        let plan = &ctx.principals[node.principal];
        let mut layers: Layers<'_> = self.layers(node);
        if let Some(i) = node.extra {
            layers.identity.push(Source {
                id: usize::MAX - i,
                policy: &self.local[i],
                via: None,
            });
        }
        let env = Env {
            model: &ctx.resources,
            facts: ctx.facts(plan),
        };
        layers.decide_masks(allow_mask(&layers.identity), &env, scratch)
    }

    /// What a user holds once in `groups` too. Those groups deny nothing, so what it is
    /// allowed stays allowed. The resources a union of Allows lets through are the union of
    /// what each lets through (each is cut by the same boundary, SCPs and Denies), so an
    /// action is allowed with every group's policies exactly when it is with some of them:
    /// the policies are tried a batch at a time, and an action found allowed is not asked
    /// again. (A user able to join a thousand groups would otherwise be decided with all of
    /// their policies at once, for every action.) Statements conditioned on
    /// `aws:RequestedRegion` add the regions they name to the question, so with any of those
    /// every policy is asked at once.
    fn group_masks(
        &self,
        principal: usize,
        groups: &[usize],
        scratch: &mut Scratch,
    ) -> (ActionMask, ActionMask) {
        let ctx = self.ctx;
        let plan = &ctx.principals[principal];
        let base_layers = ctx.layers(plan);
        let base = &self.nodes[principal];
        let mut added: Vec<Source<'c>> = Vec::new();
        for &g in groups {
            for &id in &self.group_policies[g] {
                if base_layers.identity.iter().all(|s| s.id != id)
                    && added.iter().all(|s| s.id != id)
                {
                    added.push(Source {
                        id,
                        policy: &ctx.policies[id],
                        via: Some(ctx.details.groups[g].group_name.as_str()),
                    });
                }
            }
        }
        let regional = added.iter().any(|s| {
            s.policy.effects.as_ref().is_some_and(|e| {
                e.statements.iter().any(|i| {
                    i.conditions
                        .iter()
                        .any(|c| c.key.eq_ignore_ascii_case("aws:RequestedRegion"))
                })
            })
        });
        let batch = if regional { added.len() } else { 64 }.max(1);
        let env = Env {
            model: &ctx.resources,
            facts: ctx.facts(plan),
        };
        let (mut allowed, mut conditional) = (base.allowed, base.conditional);
        // What the user could hold with any policy at all bounds what groups can give it:
        // an action its Denies, boundary or SCPs keep from that is not asked again.
        let mut with_any = base_layers.clone();
        with_any.identity.push(Source {
            id: usize::MAX,
            policy: &self.local[0],
            via: None,
        });
        let (can_allow, can_condition) =
            with_any.decide_masks(ctx.table.all() & !allowed, &env, scratch);
        let mut open = (can_allow | can_condition) & !allowed;
        for part in added.chunks(batch) {
            let asked = allow_mask(part) & open;
            if asked == 0 {
                continue;
            }
            let mut layers = base_layers.clone();
            layers.identity.extend_from_slice(part);
            let (now_allowed, now_conditional) = layers.decide_masks(asked, &env, scratch);
            allowed |= now_allowed;
            conditional |= now_conditional;
            // Found allowed, or conditional where nothing could allow it: not asked again.
            open &= !now_allowed & !(now_conditional & !can_allow);
            if open == 0 {
                break;
            }
        }
        (allowed, conditional & !allowed)
    }

    fn base_nodes(&mut self, verdicts: &[PrincipalVerdict]) {
        let index: HashMap<&str, usize> = self
            .ctx
            .table
            .full
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), i))
            .collect();
        // Principal `i` as it is is node `i`.
        self.nodes.reserve_exact(verdicts.len());
        for (i, v) in verdicts.iter().enumerate() {
            let n = self.nodes.len();
            debug_assert_eq!(n, i);
            self.nodes.push(Node::new(i, Variant::Base));
            for a in &v.actions {
                let Some(&bit) = index.get(a.action()) else {
                    continue;
                };
                match a.decision {
                    Decision::Allowed => self.nodes[n].allowed |= 1 << bit,
                    Decision::Conditional => self.nodes[n].conditional |= 1 << bit,
                    Decision::NotAllowed | Decision::Denied => {}
                }
            }
        }
    }

    /// A node for each role of another account, one after the other: it holds what that
    /// role reaches.
    fn foreign_nodes(&mut self) {
        self.foreign_start = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        for (f, role) in self.foreign.iter().enumerate() {
            self.nodes.push(Node {
                foreign: u32::try_from(f).ok(),
                allowed: role.reaches.unconditional,
                conditional: role.reaches.conditional & !role.reaches.unconditional,
                ..Node::new(usize::MAX, Variant::Base)
            });
        }
    }

    /// The node of foreign role `f`.
    fn foreign_node(&self, f: usize) -> u32 {
        self.foreign_start + u32::try_from(f).unwrap_or(u32::MAX)
    }

    fn add_edge(&mut self, from: u32, to: u32, conditional: bool, method: Method) {
        if from == to {
            return;
        }
        self.edges.push(Edge {
            from,
            to,
            conditional,
            method,
        });
    }

    /// How a pattern stands against every resource of a form.
    fn uniform(
        memo: &mut HashMap<(Vec<Token>, u8), Uniform>,
        tokens: &[Token],
        form: &[Token],
        form_id: u8,
    ) -> Uniform {
        if let Some(&u) = memo.get(&(tokens.to_vec(), form_id)) {
            return u;
        }
        let u = if !glob::intersects(tokens, form) {
            Uniform::None
        } else if glob::covers(tokens, form) {
            Uniform::All
        } else if tokens.iter().all(|t| matches!(t, Token::Byte(_))) {
            Uniform::Literal
        } else {
            Uniform::Mixed
        };
        memo.insert((tokens.to_vec(), form_id), u);
        u
    }

    /// For each form (any role, any user, any group), the path actions *not* decided alike for
    /// every resource of it (leaving aside resources an Allow names literally, which get their
    /// own edges).
    fn nonuniform(
        &self,
        layers: &Layers<'c>,
        extra: &[&CompiledPolicy],
        scratch: &mut PlanScratch,
    ) -> [PathMask; 3] {
        let mut out = [0; 3];
        let sources = layers
            .identity
            .iter()
            .chain(layers.boundary.iter())
            .chain(layers.scps.iter().flat_map(|(_, l)| l.iter()));
        for source in sources {
            let masks = match self.policy_nonuniform.get(source.id).copied().flatten() {
                Some(m) => m,
                None => self.policy_nonuniform_masks(source.policy, scratch),
            };
            for f in 0..3 {
                out[f] |= masks[f];
            }
        }
        for p in extra {
            let m = self.policy_nonuniform_masks(p, scratch);
            for f in 0..3 {
                out[f] |= m[f];
            }
        }
        out
    }

    /// One policy's part of [`Self::nonuniform`].
    fn policy_nonuniform_masks(
        &self,
        policy: &CompiledPolicy,
        scratch: &mut PlanScratch,
    ) -> [PathMask; 3] {
        let mut out = [0; 3];
        for (f, slot) in out.iter_mut().enumerate() {
            let form = match f {
                0 => self.any_role.clone(),
                1 => self.any_user.clone(),
                _ => self.any_group.clone(),
            };
            let form_id = u8::try_from(f).unwrap_or(0);
            for s in &policy.path {
                let alike = !s.variables
                    && s.tokens.iter().all(|t| {
                        match Self::uniform(&mut scratch.uniform, t, &form, form_id) {
                            Uniform::All | Uniform::None => true,
                            Uniform::Literal => s.effect == Effect::Allow && !s.negated,
                            Uniform::Mixed => false,
                        }
                    });
                if !alike {
                    *slot |= s.mask;
                }
            }
        }
        out
    }

    /// Works out the change actions of the variants made in the last round, in parallel:
    /// with any policy attached, only Denies, the boundary and SCPs decide, so principals alike
    /// in those (and, where those have conditions, the principal itself) share the answer.
    fn settle_variants(&mut self, from: usize) {
        let pending: Vec<usize> = (from..self.nodes.len())
            .filter(|&i| self.nodes[i].pending)
            .collect();
        let mut work: Vec<usize> = Vec::new();
        let mut keyed: Vec<(usize, AdminKey)> = Vec::new();
        for &i in &pending {
            let node = &self.nodes[i];
            if node.variant == Variant::Admin {
                if self.unbounded(node) {
                    self.nodes[i].allowed = self.ctx.table.all();
                    self.nodes[i].pending = false;
                    continue;
                }
                let key = self.admin_key(node);
                if !self.admin_memo.contains_key(&key) && !keyed.iter().any(|(_, k)| *k == key) {
                    work.push(i);
                }
                keyed.push((i, key));
            } else {
                work.push(i);
            }
        }
        let this = &*self;
        let masks = super::parallel_map_with(&work, Scratch::default, |scratch, &i| {
            this.gd_masks(&this.nodes[i], scratch)
        });
        for (&i, &m) in work.iter().zip(&masks) {
            if self.nodes[i].variant == Variant::Admin {
                let key = self.admin_key(&self.nodes[i]);
                self.admin_memo.insert(key, m);
            } else {
                self.nodes[i].allowed = m.0;
                self.nodes[i].conditional = m.1;
                self.nodes[i].pending = false;
            }
        }
        for (i, key) in keyed {
            if let Some(&(allowed, conditional)) = self.admin_memo.get(&key) {
                self.nodes[i].allowed = allowed;
                self.nodes[i].conditional = conditional;
                self.nodes[i].pending = false;
            }
        }
    }

    fn build_edges(&mut self) {
        let everything = self.ctx.table.all();
        // What each of the account's policies decides alike for every role, user and group.
        let this = &*self;
        self.policy_nonuniform =
            super::parallel_map_with(&this.ctx.policies, PlanScratch::default, |scratch, p| {
                Some(this.policy_nonuniform_masks(p, scratch))
            });
        let mut start = 0;
        loop {
            self.settle_variants(start);
            let end = self.nodes.len();
            // A node that already holds every change action unconditionally can reach nothing
            // more: its way out is not worked out.
            let todo: Vec<u32> = (start..end)
                .filter(|&i| {
                    let node = &self.nodes[i];
                    node.hub.is_none() && node.foreign.is_none() && node.allowed != everything
                })
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect();
            // Planned in parallel a batch at a time, so the evidence of only one batch's
            // edges is held at once.
            for batch in todo.chunks(PLAN_BATCH) {
                let this = &*self;
                let planned =
                    super::parallel_map_with(batch, PlanScratch::default, |scratch, &n| {
                        this.plan_edges(n, scratch)
                    });
                for (&n, edges) in batch.iter().zip(planned) {
                    for p in edges {
                        self.add_planned(n, p);
                    }
                }
            }
            if self.nodes.len() == end {
                break;
            }
            start = end;
        }
        // Hub → role edges.
        let hubs: Vec<(Hub, u32)> = self.hub_nodes.iter().map(|(h, n)| (*h, *n)).collect();
        for (hub, h) in hubs {
            let members: Vec<usize> = match hub {
                Hub::Account(k) => self.account_hubs[k].1.clone(),
                Hub::Users => self.users.clone(),
                Hub::Roles => self.roles.clone(),
                Hub::Service(k) => self.service_roles[k].clone(),
            };
            for m in members {
                let to = self.node(m, Variant::Base);
                self.add_edge(h, to, false, hub_method(hub));
            }
        }
    }

    /// Adds an edge [`Self::plan_edges`] worked out, making the node it leads to.
    fn add_planned(&mut self, n: u32, p: Planned) {
        if let (Some(id), Dest::Node(_, Variant::Version { version, .. })) = (p.version_of, &p.dest)
        {
            let Some(local) = self.version(id, version) else {
                return;
            };
            let held = self.nodes[n as usize].allowed;
            if !self.could_add(held, &[&self.local[local]], Some(&self.ctx.policies[id])) {
                return;
            }
        }
        let to = match p.dest {
            Dest::Node(principal, variant) => self.node(principal, variant),
            Dest::Hub(hub) => self.hub(hub),
            Dest::Foreign(f) => self.foreign_node(f),
        };
        self.add_edge(n, to, p.conditional, p.info.method);
    }

    /// Every edge out of one principal node, worked out from the graph as it stands (in
    /// parallel with other nodes'); [`Self::add_planned`] adds them.
    fn plan_edges(&self, n: u32, scratch: &mut PlanScratch) -> Vec<Planned> {
        let mut out: Vec<Planned> = Vec::new();
        let node = &self.nodes[n as usize];
        let ctx = self.ctx;
        let plan: &Plan<'a> = &ctx.principals[node.principal];
        let layers = self.layers(node);
        let extra: Vec<&CompiledPolicy> = node.extra.iter().map(|&i| &self.local[i]).collect();
        // Every request here is decided with the node's own layers and added policy.
        let ask = |action: PathAction, target: Target<'_>, facts: &Facts<'_>, needed: bool| {
            request::decide(&layers, &extra, action, target, facts, needed)
        };
        let facts = ctx.facts(plan);
        // IAM changes, credentials and passed roles stay within the principal's own account;
        // only role assumption crosses accounts (when the trust names the other account).
        let own_account = self.principal_accounts[node.principal];
        let home = own_account == self.account;
        let nonuniform = self.nonuniform(&layers, &extra, scratch);
        let mask = layers
            .identity
            .iter()
            .map(|s| s.policy)
            .chain(extra.iter().copied())
            .flat_map(|p| p.path.iter())
            .filter(|s| s.effect == Effect::Allow)
            .fold(0, |m, s| m | s.mask);
        let has = |a: PathAction| mask & a.bit() != 0;
        let step = |method: Method, grants: &[&Grant], trust: Option<&TrustGrant>| {
            let mut allowed_by: Vec<StatementRef> =
                grants.iter().filter_map(|g| g.by.clone()).collect();
            let mut keys: Vec<Label> = grants.iter().flat_map(|g| g.keys.clone()).collect();
            if let Some(t) = trust {
                allowed_by.extend(t.by.clone());
                keys.extend(t.keys.clone());
            }
            keys.dedup();
            StepInfo {
                method,
                allowed_by,
                keys,
            }
        };
        let conditional = |grants: &[&Grant], trust: Option<&TrustGrant>| {
            grants.iter().any(|g| g.access == Access::Conditional)
                || trust.is_some_and(|t| t.access == Access::Conditional)
        };

        // 1. Roles naming this principal in their trust policy.
        let named: Vec<usize> = self
            .named_by
            .get(&node.principal)
            .cloned()
            .unwrap_or_default();
        let mut assumed: Vec<usize> = Vec::new();
        for r in named {
            if self.assume_one(&mut out, &layers, &extra, &facts, r, &step, &conditional) {
                assumed.push(r);
            }
        }
        // 2. Roles its own policies name literally, and roles through the account hubs.
        if has(PathAction::AssumeRole) {
            let literal_roles: Vec<usize> = layers
                .identity
                .iter()
                .map(|s| s.policy)
                .chain(extra.iter().copied())
                .flat_map(|p| p.path.iter())
                .filter(|s| {
                    s.effect == Effect::Allow
                        && !s.negated
                        && s.mask & PathAction::AssumeRole.bit() != 0
                })
                .flat_map(|s| s.patterns.iter())
                .filter_map(|p| self.by_arn.get(p.as_str()).copied())
                .collect();
            let mut irregular = self.irregular_roles.clone();
            irregular.extend(literal_roles);
            irregular.sort_unstable();
            irregular.dedup();
            for r in irregular {
                if self.assume_one(&mut out, &layers, &extra, &facts, r, &step, &conditional) {
                    assumed.push(r);
                }
            }
            let uniform = nonuniform[0] & PathAction::AssumeRole.bit() == 0;
            for k in 0..self.account_hubs.len() {
                let (trusted, members) = &self.account_hubs[k];
                if trusted != "*" && *trusted != own_account {
                    continue;
                }
                let rep = members[0];
                let Some(t) = self.trust_of(rep, &facts) else {
                    continue;
                };
                if uniform {
                    let synthetic = self.synthetic_role.clone();
                    let g = ask(
                        PathAction::AssumeRole,
                        Target::Arn(&synthetic),
                        &facts,
                        !t.direct,
                    );
                    if g.access.usable() {
                        let h = Dest::Hub(Hub::Account(k));
                        let c = conditional(&[&g], Some(&t));
                        // The trust statement is named on the hub's edge to each role.
                        let mut info = step(Method::AssumeRole, &[&g], None);
                        info.keys.extend(t.keys.iter().cloned());
                        out.push(planned(h, c, info));
                        assumed.extend(self.hub_representatives(k));
                    }
                } else {
                    for r in self.account_hubs[k].1.clone() {
                        if self.assume_one(
                            &mut out,
                            &layers,
                            &extra,
                            &facts,
                            r,
                            &step,
                            &conditional,
                        ) {
                            assumed.push(r);
                        }
                    }
                }
            }
        }
        // 3. Rewriting a role's trust policy: then it is named, so only Denies, the boundary
        //    and SCPs count for sts:AssumeRole.
        if home && has(PathAction::UpdateAssumeRolePolicy) {
            let uniform = nonuniform[0] & PathAction::UpdateAssumeRolePolicy.bit() == 0
                && nonuniform[0] & PathAction::AssumeRole.bit() == 0;
            if uniform {
                let synthetic = self.synthetic_role.clone();
                let g = ask(
                    PathAction::UpdateAssumeRolePolicy,
                    Target::Arn(&synthetic),
                    &facts,
                    true,
                );
                let g2 = ask(
                    PathAction::AssumeRole,
                    Target::Arn(&synthetic),
                    &facts,
                    false,
                );
                if g.access.usable() && g2.access.usable() {
                    let h = Dest::Hub(Hub::Roles);
                    let c = conditional(&[&g, &g2], None);
                    out.push(planned(
                        h,
                        c,
                        step(Method::UpdateAssumeRolePolicy, &[&g, &g2], None),
                    ));
                }
            } else {
                for r in self.roles.clone() {
                    let arn = bytes_of(ctx.principals[r].arn);
                    let g = ask(
                        PathAction::UpdateAssumeRolePolicy,
                        Target::Arn(&arn),
                        &facts,
                        true,
                    );
                    if !g.access.usable() {
                        continue;
                    }
                    let g2 = ask(PathAction::AssumeRole, Target::Arn(&arn), &facts, false);
                    if g2.access.usable() {
                        let to = Dest::Node(r, Variant::Base);
                        let c = conditional(&[&g, &g2], None);
                        out.push(planned(
                            to,
                            c,
                            step(Method::UpdateAssumeRolePolicy, &[&g, &g2], None),
                        ));
                    }
                }
            }
        }
        // 4. Credentials for another user.
        for (action, method) in [
            (PathAction::CreateAccessKey, Method::CreateAccessKey),
            (PathAction::CreateLoginProfile, Method::LoginProfile),
            (PathAction::UpdateLoginProfile, Method::LoginProfile),
        ] {
            if !home || !has(action) {
                continue;
            }
            let candidates = if nonuniform[1] & action.bit() == 0 {
                let synthetic = self.synthetic_user.clone();
                let g = ask(action, Target::Arn(&synthetic), &facts, true);
                if g.access.usable() {
                    let h = Dest::Hub(Hub::Users);
                    let c = conditional(&[&g], None);
                    out.push(planned(h, c, step(method, &[&g], None)));
                }
                // Users its policies name literally.
                self.literal_targets(&layers, &extra, action, PrincipalKind::User)
            } else {
                self.users.clone()
            };
            for u in candidates {
                if u == node.principal {
                    continue;
                }
                let arn = bytes_of(ctx.principals[u].arn);
                let g = ask(action, Target::Arn(&arn), &facts, true);
                if g.access.usable() {
                    let to = Dest::Node(u, Variant::Base);
                    let c = conditional(&[&g], None);
                    out.push(planned(to, c, step(method, &[&g], None)));
                }
            }
        }
        // 5. Changing its own policies (or its group's): it becomes itself with any policy.
        let own = bytes_of(plan.arn);
        let mut self_methods: Vec<(PathAction, Method, Vec<u8>)> = Vec::new();
        match plan.kind {
            PrincipalKind::User => {
                self_methods.push((
                    PathAction::AttachUserPolicy,
                    Method::AttachUserPolicy,
                    own.clone(),
                ));
                self_methods.push((
                    PathAction::PutUserPolicy,
                    Method::PutUserPolicy,
                    own.clone(),
                ));
                for g in plan.groups {
                    let Some(group) = ctx.details.groups.iter().find(|x| &x.group_name == g) else {
                        continue;
                    };
                    let arn = bytes_of(&group.arn);
                    self_methods.push((
                        PathAction::AttachGroupPolicy,
                        Method::AttachGroupPolicy,
                        arn.clone(),
                    ));
                    self_methods.push((PathAction::PutGroupPolicy, Method::PutGroupPolicy, arn));
                }
            }
            PrincipalKind::Role => {
                self_methods.push((
                    PathAction::AttachRolePolicy,
                    Method::AttachRolePolicy,
                    own.clone(),
                ));
                self_methods.push((
                    PathAction::PutRolePolicy,
                    Method::PutRolePolicy,
                    own.clone(),
                ));
            }
        }
        for s in &layers.identity {
            let label = s.policy.label.as_str();
            if self.managed.contains_key(label)
                && !label.contains(":iam::aws:policy/")
                && account_of(label) == own_account
            {
                self_methods.push((
                    PathAction::CreatePolicyVersion,
                    Method::CreatePolicyVersion,
                    bytes_of(label),
                ));
            }
        }
        if node.variant == Variant::Base {
            for (action, method, target) in &self_methods {
                if !has(*action) {
                    continue;
                }
                let g = ask(*action, Target::Arn(target), &facts, true);
                if g.access.usable() {
                    let to = Dest::Node(node.principal, Variant::Admin);
                    let c = conditional(&[&g], None);
                    out.push(planned(to, c, step(*method, &[&g], None)));
                    break;
                }
            }
        }
        // 6. Another version of a policy it has made the default.
        if has(PathAction::SetDefaultPolicyVersion) && node.variant == Variant::Base {
            let ids: Vec<(usize, String)> = layers
                .identity
                .iter()
                .filter(|s| self.managed.contains_key(s.policy.label.as_str()))
                .filter(|s| account_of(&s.policy.label) == own_account)
                .map(|s| (s.id, s.policy.label.to_string()))
                .collect();
            for (id, arn) in ids {
                let Some(m) = self.managed.get(arn.as_str()).copied() else {
                    continue;
                };
                if m.policy_version_list.len() < 2 {
                    continue;
                }
                let g = ask(
                    PathAction::SetDefaultPolicyVersion,
                    Target::Arn(&bytes_of(&arn)),
                    &facts,
                    true,
                );
                if !g.access.usable() {
                    continue;
                }
                let default = m.default_version().map(|v| v.version_id.clone());
                for v in &m.policy_version_list {
                    if Some(&v.version_id) == default.as_ref() {
                        continue;
                    }
                    // Whether the version could add anything is asked once it is compiled,
                    // when the edge is added.
                    let to = Dest::Node(
                        node.principal,
                        Variant::Version {
                            policy: id,
                            version: v.version_id.clone(),
                        },
                    );
                    let c = conditional(&[&g], None);
                    let mut p = planned(to, c, step(Method::SetDefaultPolicyVersion, &[&g], None));
                    p.version_of = Some(id);
                    out.push(p);
                }
            }
        }
        // 7. Adding itself to groups (a user): every group it may join and that denies nothing.
        if plan.kind == PrincipalKind::User
            && has(PathAction::AddUserToGroup)
            && node.variant == Variant::Base
        {
            let mut joined = Vec::new();
            let mut grants = Vec::new();
            let uniform = nonuniform[2] & PathAction::AddUserToGroup.bit() == 0;
            let mut uniform_grant: Option<Grant> = None;
            for (g, group) in ctx.details.groups.iter().enumerate() {
                if plan.groups.contains(&group.group_name)
                    || self.group_denies[g]
                    || self.group_accounts[g] != own_account
                {
                    continue;
                }
                // A group whose policies give it nothing more is not worth joining.
                let policies: Vec<&CompiledPolicy> = self.group_policies[g]
                    .iter()
                    .map(|&id| &ctx.policies[id])
                    .collect();
                if !self.could_add(node.allowed, &policies, None) {
                    continue;
                }
                let grant = match (&uniform_grant, uniform) {
                    (Some(known), true) => known.clone(),
                    _ => {
                        let grant = ask(
                            PathAction::AddUserToGroup,
                            Target::Arn(&bytes_of(&group.arn)),
                            &facts,
                            true,
                        );
                        if uniform {
                            uniform_grant = Some(grant.clone());
                        }
                        grant
                    }
                };
                if grant.access.usable() {
                    joined.push(g);
                    if grants.is_empty() {
                        grants.push(grant);
                    }
                }
            }
            if !joined.is_empty() {
                let to = Dest::Node(node.principal, Variant::Groups(joined));
                let refs: Vec<&Grant> = grants.iter().collect();
                let c = conditional(&refs, None);
                out.push(planned(to, c, step(Method::AddUserToGroup, &refs, None)));
            }
        }
        // 8. Changing the policies of a role it becomes (one it names or is named by).
        if has(PathAction::AttachRolePolicy) || has(PathAction::PutRolePolicy) {
            assumed.sort_unstable();
            assumed.dedup();
            // Grants alike for every role are decided once, on a role no pattern names.
            let synthetic = self.synthetic_role.clone();
            let mut alike: HashMap<(PathAction, bool), Option<Grant>> = HashMap::new();
            let mut uniform: HashMap<PathAction, bool> = HashMap::new();
            for action in [
                PathAction::AttachRolePolicy,
                PathAction::PutRolePolicy,
                PathAction::AssumeRole,
            ] {
                uniform.insert(action, nonuniform[0] & action.bit() == 0);
            }
            let named_attach: Vec<usize> = [
                PathAction::AttachRolePolicy,
                PathAction::PutRolePolicy,
                PathAction::AssumeRole,
            ]
            .into_iter()
            .flat_map(|a| self.literal_targets(&layers, &extra, a, PrincipalKind::Role))
            .collect();
            let mut grant = |action: PathAction, arn: &[u8], needed: bool, r: usize| -> Grant {
                if uniform[&action] && !named_attach.contains(&r) {
                    if let Some(Some(g)) = alike.get(&(action, needed)) {
                        return g.clone();
                    }
                    let g = ask(action, Target::Arn(&synthetic), &facts, needed);
                    alike.insert((action, needed), Some(g.clone()));
                    return g;
                }
                ask(action, Target::Arn(arn), &facts, needed)
            };
            let mut found: Vec<(usize, Method, Grant, Grant, TrustGrant)> = Vec::new();
            for r in assumed {
                if r == node.principal || self.principal_accounts[r] != own_account {
                    continue;
                }
                let arn = bytes_of(ctx.principals[r].arn);
                for (action, method) in [
                    (PathAction::AttachRolePolicy, Method::AttachRolePolicy),
                    (PathAction::PutRolePolicy, Method::PutRolePolicy),
                ] {
                    let g = grant(action, &arn, true, r);
                    if !g.access.usable() {
                        continue;
                    }
                    let Some(t) = self.trust_of(r, &facts) else {
                        break;
                    };
                    let g2 = grant(PathAction::AssumeRole, &arn, !t.direct, r);
                    if t.access.usable() && g2.access.usable() {
                        found.push((r, method, g, g2, t));
                        break;
                    }
                }
            }
            for (r, method, g, g2, t) in found {
                let to = Dest::Node(r, Variant::Admin);
                let c = conditional(&[&g, &g2], Some(&t));
                out.push(planned(to, c, step(method, &[&g, &g2], Some(&t))));
            }
        }
        // 9. Passing a role to a service it can drive.
        if home && has(PathAction::PassRole) {
            #[allow(clippy::needless_range_loop)] // `k` also names the service hub
            for k in 0..SERVICES.len() {
                if self.service_roles[k].is_empty() {
                    continue;
                }
                let Some(drive) = self.drive(k, &layers, &extra, &facts) else {
                    continue;
                };
                let passed = [("iam:PassedToService", Some(SERVICES[k].principal))];
                let pass_facts = Facts {
                    request: &passed,
                    ..facts
                };
                let candidates = if nonuniform[0] & PathAction::PassRole.bit() == 0 {
                    let synthetic = self.synthetic_role.clone();
                    let g = ask(
                        PathAction::PassRole,
                        Target::Arn(&synthetic),
                        &pass_facts,
                        true,
                    );
                    if g.access.usable() {
                        let mut all: Vec<&Grant> = vec![&g];
                        all.extend(drive.iter());
                        let h = Dest::Hub(Hub::Service(k));
                        let c = conditional(&all, None);
                        out.push(planned(h, c, step(SERVICES[k].method, &all, None)));
                    }
                    let named = self.literal_targets(
                        &layers,
                        &extra,
                        PathAction::PassRole,
                        PrincipalKind::Role,
                    );
                    named
                        .into_iter()
                        .filter(|r| self.service_roles[k].contains(r))
                        .collect()
                } else {
                    self.service_roles[k].clone()
                };
                for r in candidates {
                    let arn = bytes_of(ctx.principals[r].arn);
                    let g = ask(PathAction::PassRole, Target::Arn(&arn), &pass_facts, true);
                    if g.access.usable() {
                        let mut all: Vec<&Grant> = vec![&g];
                        all.extend(drive.iter());
                        let to = Dest::Node(r, Variant::Base);
                        let c = conditional(&all, None);
                        out.push(planned(to, c, step(SERVICES[k].method, &all, None)));
                    }
                }
            }
        }
        // 10. Roles of other accounts (in an organization sweep) whose trust lets it in. Across
        //     accounts its own policies must allow sts:AssumeRole on the role too, whatever
        //     the trust names; the request's resource is in the role's account.
        if has(PathAction::AssumeRole) && !self.foreign.is_empty() {
            for (f, role) in self.foreign.iter().enumerate() {
                if !role.may_trust(own_account) {
                    continue;
                }
                let facts = Facts {
                    account: Some(&role.account),
                    request: &self.foreign_request,
                    ..facts
                };
                let t = trust_grant(
                    &role.trust,
                    &role.trust_label,
                    plan.arn,
                    &role.account,
                    &facts,
                    None,
                );
                if !t.access.usable() {
                    continue;
                }
                let arn = role.arn.as_bytes();
                let g = ask(PathAction::AssumeRole, Target::Arn(arn), &facts, true);
                if g.access.usable() {
                    let c = conditional(&[&g], Some(&t));
                    out.push(planned(
                        Dest::Foreign(f),
                        c,
                        step(Method::AssumeRole, &[&g], Some(&t)),
                    ));
                }
            }
        }
        out
    }

    /// The first trust statement letting the account (or `service`) assume role `r`.
    fn trust_statement(&self, r: usize, service: Option<&str>) -> Vec<StatementRef> {
        let Some(trust) = self.trusts[r].as_ref() else {
            return Vec::new();
        };
        let found = trust.statements.iter().find(|s| {
            s.effect == Effect::Allow
                && s.applies_to_action(b"sts:assumerole")
                && s.principal.as_ref().is_some_and(|p| match service {
                    Some(svc) => p.service.iter().any(|v| v == svc),
                    None => p.any || names(&p.aws, "", &self.account).1,
                })
        });
        vec![StatementRef {
            policy: self.trust_label(r),
            statement: found.map(|s| Label::from(s.label())),
        }]
    }

    /// Roles of account hub `k` that stand for the others when a principal changes the role
    /// it becomes: one per permissions boundary (the boundary decides what "any policy"
    /// gives), at most 16.
    fn hub_representatives(&self, k: usize) -> Vec<usize> {
        let mut seen: Vec<Option<usize>> = Vec::new();
        let mut out = Vec::new();
        for &r in &self.account_hubs[k].1 {
            let b = match self.ctx.principals[r].boundary {
                super::eval::Boundary::Known(id) => Some(id),
                super::eval::Boundary::None | super::eval::Boundary::Unknown => None,
            };
            if !seen.contains(&b) {
                seen.push(b);
                out.push(r);
                if out.len() == 16 {
                    break;
                }
            }
        }
        out
    }

    /// Principals of `kind` that an Allow for `action` names by their exact ARN.
    fn literal_targets(
        &self,
        layers: &Layers<'c>,
        extra: &[&CompiledPolicy],
        action: PathAction,
        kind: PrincipalKind,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = layers
            .identity
            .iter()
            .map(|s| s.policy)
            .chain(extra.iter().copied())
            .flat_map(|p| p.path.iter())
            .filter(|s| s.effect == Effect::Allow && !s.negated && s.mask & action.bit() != 0)
            .flat_map(|s| s.patterns.iter())
            .filter_map(|p| self.by_arn.get(p.as_str()).copied())
            .filter(|&i| self.ctx.principals[i].kind == kind)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How role `r`'s trust policy treats the principal of `facts`, when it lets it in.
    fn trust_of(&self, r: usize, facts: &Facts<'_>) -> Option<TrustGrant> {
        let trust = self.trusts[r].as_ref()?;
        let role_account = self.principal_accounts[r];
        let t = trust_grant(
            trust,
            &self.trust_label(r),
            facts.arn,
            role_account,
            facts,
            None,
        );
        t.access.usable().then_some(t)
    }

    /// One role, decided exactly: its trust, then the principal's own permission. Plans the
    /// edge when both allow it.
    #[allow(clippy::too_many_arguments)]
    fn assume_one(
        &self,
        out: &mut Vec<Planned>,
        layers: &Layers<'c>,
        extra: &[&CompiledPolicy],
        facts: &Facts<'_>,
        r: usize,
        step: &StepFn<'_>,
        conditional: &CondFn<'_>,
    ) -> bool {
        let ctx = self.ctx;
        let Some(t) = self.trust_of(r, facts) else {
            return false;
        };
        let arn = bytes_of(ctx.principals[r].arn);
        let g = request::decide(
            layers,
            extra,
            PathAction::AssumeRole,
            Target::Arn(&arn),
            facts,
            !t.direct,
        );
        if !g.access.usable() {
            return false;
        }
        let c = conditional(&[&g], Some(&t));
        out.push(planned(
            Dest::Node(r, Variant::Base),
            c,
            step(Method::AssumeRole, &[&g], Some(&t)),
        ));
        true
    }

    /// The grants that let a principal drive service `k` (create and run what the role is
    /// passed to), or `None` when it cannot.
    fn drive(
        &self,
        k: usize,
        layers: &Layers<'c>,
        extra: &[&CompiledPolicy],
        facts: &Facts<'_>,
    ) -> Option<Vec<Grant>> {
        let t = &self.templates;
        let all = |needs: &[(PathAction, &Vec<Token>)]| -> Option<Vec<Grant>> {
            let mut out = Vec::new();
            for (action, form) in needs {
                let g = request::decide(layers, extra, *action, Target::Some(form), facts, true);
                if !g.access.usable() {
                    return None;
                }
                out.push(g);
            }
            Some(out)
        };
        match k {
            0 => all(&[
                (PathAction::LambdaCreateFunction, &t.function),
                (PathAction::LambdaInvokeFunction, &t.function),
            ]),
            EC2_WITH_PROFILE => all(&[(PathAction::Ec2RunInstances, &t.instance)]),
            EC2_WITHOUT_PROFILE => all(&[
                (PathAction::Ec2RunInstances, &t.instance),
                (PathAction::CreateInstanceProfile, &t.instance_profile),
                (PathAction::AddRoleToInstanceProfile, &t.instance_profile),
            ]),
            3 => all(&[(PathAction::CloudFormationCreateStack, &t.stack)]),
            4 => all(&[(PathAction::GlueCreateDevEndpoint, &t.dev_endpoint)]).or_else(|| {
                all(&[
                    (PathAction::GlueCreateJob, &t.job),
                    (PathAction::GlueStartJobRun, &t.job),
                ])
            }),
            5 => all(&[
                (PathAction::SageMakerCreateNotebookInstance, &t.notebook),
                (
                    PathAction::SageMakerCreatePresignedNotebookInstanceUrl,
                    &t.notebook,
                ),
            ]),
            _ => all(&[
                (PathAction::CodeBuildCreateProject, &t.project),
                (PathAction::CodeBuildStartBuild, &t.project),
            ]),
        }
    }

    /// The edges of the shortest path from principal node `start` to a node holding
    /// `action` (unconditionally when `uncond`), following the hops of one backward search;
    /// where it ends, and whether a step or the end holds only under a condition.
    fn walk(
        &self,
        hops: &[u32],
        start: usize,
        action: usize,
        uncond: bool,
    ) -> (Vec<u32>, usize, bool) {
        let v = self.nodes.len();
        let mut at = start;
        let mut taken: Vec<u32> = Vec::new();
        let mut conditional = false;
        let mut guard = 0;
        let bit: ActionMask = 1 << action;
        while hops[at] != u32::MAX && guard < v {
            guard += 1;
            let e = hops[at];
            let edge = &self.edges[e as usize];
            conditional |= edge.conditional;
            let to = edge.to as usize;
            if self.nodes[to].hub.is_some() {
                // The hub's edge is merged into this step: it names the role it leads to.
                let Some(&e2) = hops.get(to).filter(|&&e| e != u32::MAX) else {
                    break;
                };
                taken.extend([e, e2]);
                at = self.edges[e2 as usize].to as usize;
            } else {
                taken.push(e);
                at = to;
            }
            let node = &self.nodes[at];
            let holds = if uncond {
                node.allowed & bit != 0
            } else {
                (node.allowed | node.conditional) & bit != 0
            };
            if holds {
                conditional |= node.allowed & bit == 0;
                break;
            }
        }
        (taken, at, conditional)
    }

    /// The node a planned edge leads to, when it exists.
    fn dest_id(&self, dest: &Dest) -> Option<u32> {
        match dest {
            Dest::Node(principal, variant) => self.find(*principal, variant),
            Dest::Hub(hub) => self.hub_nodes.get(hub).copied(),
            Dest::Foreign(f) => Some(self.foreign_node(*f)),
        }
    }

    /// What allows each of `edges`. The steps out of a principal node are planned again (in
    /// parallel, one node at a time) and matched to the edge; a hub's step to a role names
    /// the trust statement that lets the hub's principals in.
    fn evidence(&self, edges: impl Iterator<Item = u32>) -> HashMap<u32, StepInfo> {
        let mut out: HashMap<u32, StepInfo> = HashMap::new();
        let mut by_from: HashMap<u32, Vec<u32>> = HashMap::new();
        for e in edges {
            let edge = self.edges[e as usize];
            match self.nodes[edge.from as usize].hub {
                Some(hub) => {
                    let member = self.nodes[edge.to as usize].principal;
                    let allowed_by = match hub {
                        Hub::Account(_) => self.trust_statement(member, None),
                        Hub::Service(k) => {
                            self.trust_statement(member, Some(SERVICES[k].principal))
                        }
                        Hub::Users | Hub::Roles => Vec::new(),
                    };
                    out.insert(
                        e,
                        StepInfo {
                            method: edge.method,
                            allowed_by,
                            keys: Vec::new(),
                        },
                    );
                }
                None => {
                    let list = by_from.entry(edge.from).or_default();
                    if !list.contains(&e) {
                        list.push(e);
                    }
                }
            }
        }
        let froms: Vec<(u32, Vec<u32>)> = by_from.into_iter().collect();
        let found = super::parallel_map_with(&froms, PlanScratch::default, |scratch, (n, want)| {
            let planned = self.plan_edges(*n, scratch);
            want.iter()
                .filter_map(|&e| {
                    let edge = &self.edges[e as usize];
                    let leads = |p: &&Planned| {
                        p.info.method == edge.method && self.dest_id(&p.dest) == Some(edge.to)
                    };
                    planned
                        .iter()
                        .filter(leads)
                        .find(|p| p.conditional == edge.conditional)
                        .or_else(|| planned.iter().find(leads))
                        .map(|p| (e, p.info.clone()))
                })
                .collect::<Vec<_>>()
        });
        out.extend(found.into_iter().flatten());
        out
    }

    /// Pushes each node's mask to every node with an edge to it until nothing changes.
    fn propagate(
        &self,
        reverse: &Reverse,
        mut reach: Vec<ActionMask>,
        only_unconditional: bool,
    ) -> Vec<ActionMask> {
        let mut queued = vec![true; reach.len()];
        let mut work: VecDeque<usize> = (0..reach.len()).filter(|&i| reach[i] != 0).collect();
        for (i, q) in queued.iter_mut().enumerate() {
            *q = reach[i] != 0;
        }
        while let Some(x) = work.pop_front() {
            queued[x] = false;
            let mask = reach[x];
            for &e in reverse.leading_to(x) {
                let edge = &self.edges[e as usize];
                if only_unconditional && edge.conditional {
                    continue;
                }
                let from = edge.from as usize;
                if reach[from] | mask != reach[from] {
                    reach[from] |= mask;
                    if !queued[from] {
                        queued[from] = true;
                        work.push_back(from);
                    }
                }
            }
        }
        reach
    }

    /// A node's name in a path.
    fn describe(&self, n: u32) -> String {
        let node = &self.nodes[n as usize];
        if let Some(f) = node.foreign {
            return self.foreign[f as usize].arn.clone();
        }
        if node.principal == usize::MAX {
            return "a hub".to_owned();
        }
        let arn = self.ctx.principals[node.principal].arn;
        match &node.variant {
            Variant::Base => arn.to_owned(),
            Variant::Admin => format!("{arn} (with any policy attached)"),
            Variant::Groups(groups) => {
                let names: Vec<&str> = groups
                    .iter()
                    .take(3)
                    .map(|&g| self.ctx.details.groups[g].group_name.as_str())
                    .collect();
                let more = groups.len().saturating_sub(3);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("{arn} (in groups {}{tail})", names.join(", "))
            }
            Variant::Version { policy, version } => format!(
                "{arn} (with {} at version {version})",
                self.ctx.policies[*policy].label
            ),
        }
    }

    /// What every principal reaches; the shortest path to the most severe action for each
    /// that gains something. With `expose`, also the roles other accounts may assume, with
    /// the way to each action they reach.
    fn reach(&mut self, verdicts: &[PrincipalVerdict]) -> (Vec<IndirectAccess>, Vec<ForeignRole>) {
        let v = self.nodes.len();
        let reverse = Reverse::of(&self.edges, v);
        let actions = self.ctx.table.full.len();
        // What every node reaches: its own actions and those of every node it can get to,
        // as a fixpoint over the reversed edges (a mask only grows, so it settles).
        let held_uncond: Vec<ActionMask> = self.nodes.iter().map(|n| n.allowed).collect();
        let held_all: Vec<ActionMask> = self
            .nodes
            .iter()
            .map(|n| n.allowed | n.conditional)
            .collect();
        let reach_uncond = self.propagate(&reverse, held_uncond, true);
        let reach_all = self.propagate(&reverse, held_all, false);
        // What each principal gains, and the action to show a path to.
        // Most severe first: the high-risk actions in their listed order (deleting and
        // disabling detectors first), then the rest in catalogue order.
        let rank: Vec<usize> = self
            .ctx
            .table
            .full
            .iter()
            .map(|a| {
                let bare = a.strip_prefix("guardduty:").unwrap_or(a);
                crate::catalogue::HIGH_RISK_ACTIONS
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(bare))
                    .unwrap_or(usize::MAX)
            })
            .collect();
        let mut wanted: Vec<(usize, ActionMask, ActionMask)> = Vec::new();
        // Paths to find: (start node, action, unconditionally).
        let mut requests: Vec<(usize, usize, bool)> = Vec::new();
        for (i, _) in verdicts.iter().enumerate() {
            let n = i;
            let node = &self.nodes[n];
            let held = node.allowed | node.conditional;
            let gained_uncond = reach_uncond[n] & !node.allowed;
            let gained_cond = reach_all[n] & !reach_uncond[n] & !held;
            if gained_uncond | gained_cond == 0 {
                continue;
            }
            let pick = |mask: ActionMask| -> Option<usize> {
                (0..actions)
                    .filter(|&a| mask & (1 << a) != 0)
                    .min_by_key(|&a| (rank[a], a))
            };
            let (action, uncond) = match pick(gained_uncond) {
                Some(a) => (a, true),
                None => (pick(gained_cond).unwrap_or(0), false),
            };
            wanted.push((i, gained_uncond, gained_cond));
            requests.push((i, action, uncond));
        }
        // The roles other accounts may assume: a way to each action they reach.
        let exposed: Vec<(usize, Vec<String>)> = if self.expose {
            std::mem::take(&mut self.outward)
                .into_iter()
                .filter(|(r, _)| reach_all[*r] != 0)
                .collect()
        } else {
            Vec::new()
        };
        for (r, _) in &exposed {
            for a in (0..actions).filter(|&a| reach_all[*r] & (1 << a) != 0) {
                requests.push((*r, a, reach_uncond[*r] & (1 << a) != 0));
            }
        }
        let walks = self.walks(&reverse, &requests);
        let evidence = self.evidence(walks.iter().flat_map(|w| w.0.iter().copied()));
        let mut ends =
            requests
                .iter()
                .zip(walks)
                .map(|(&(_, action, uncond), (taken, at, conditional))| {
                    let mut path = self.steps(&taken, &evidence);
                    let end = self.ending(at, action, uncond, verdicts);
                    path.extend(end.path);
                    (path, end.granted_by, end.account, conditional, action)
                });
        let mut out = Vec::with_capacity(wanted.len());
        for ((i, gained_uncond, gained_cond), end) in wanted.into_iter().zip(ends.by_ref()) {
            let (path, path_granted_by, account, conditional, action) = end;
            out.push(IndirectAccess {
                principal: i,
                actions: ReachedActions {
                    unconditional: gained_uncond,
                    conditional: gained_cond & !gained_uncond,
                },
                path,
                path_action: ctx_action(self.ctx, action),
                path_granted_by,
                conditional,
                reached_in_account: (account != self.principal_accounts[i])
                    .then(|| account.to_owned()),
            });
        }
        let mut roles = Vec::with_capacity(exposed.len());
        for (r, trusted) in exposed {
            let count = reach_all[r].count_ones() as usize;
            let routes = ends
                .by_ref()
                .take(count)
                .map(|(path, granted_by, account, conditional, action)| Route {
                    action: u8::try_from(action).unwrap_or(u8::MAX),
                    conditional: conditional || reach_uncond[r] & (1 << action) == 0,
                    path,
                    granted_by,
                    account: account.to_owned(),
                })
                .collect();
            let arn = self.ctx.principals[r].arn;
            roles.push(ForeignRole {
                arn: arn.to_owned(),
                trust_label: Label::from(format!("trust/{arn}")),
                account: self.principal_accounts[r].to_owned(),
                trusted,
                trust: self.trusts[r].clone().unwrap_or_default(),
                reaches: ReachedActions {
                    unconditional: reach_uncond[r],
                    conditional: reach_all[r] & !reach_uncond[r],
                },
                routes,
            });
        }
        (out, roles)
    }

    /// The shortest path for each request (start node, action, unconditionally): one backward
    /// search per (action, kind) asked, then the walks of the starts that asked it (one
    /// search's hops held at a time).
    fn walks(
        &self,
        reverse: &Reverse,
        requests: &[(usize, usize, bool)],
    ) -> Vec<(Vec<u32>, usize, bool)> {
        let v = self.nodes.len();
        let mut searches: Vec<((usize, bool), Vec<usize>)> = Vec::new();
        for (w, &(_, action, uncond)) in requests.iter().enumerate() {
            match searches.iter_mut().find(|(k, _)| *k == (action, uncond)) {
                Some((_, members)) => members.push(w),
                None => searches.push(((action, uncond), vec![w])),
            }
        }
        let mut walks: Vec<(Vec<u32>, usize, bool)> = vec![(Vec::new(), 0, false); requests.len()];
        let mut queue = VecDeque::new();
        for ((action, uncond), members) in searches {
            let bit: ActionMask = 1 << action;
            let mut hop = vec![u32::MAX; v];
            let mut seen = vec![false; v];
            for (i, node) in self.nodes.iter().enumerate() {
                let holds = if uncond {
                    node.allowed & bit != 0
                } else {
                    (node.allowed | node.conditional) & bit != 0
                };
                if holds {
                    seen[i] = true;
                    queue.push_back(i);
                }
            }
            while let Some(x) = queue.pop_front() {
                for &e in reverse.leading_to(x) {
                    let edge = &self.edges[e as usize];
                    if uncond && edge.conditional {
                        continue;
                    }
                    let from = edge.from as usize;
                    if !seen[from] {
                        seen[from] = true;
                        hop[from] = e;
                        queue.push_back(from);
                    }
                }
            }
            for w in members {
                walks[w] = self.walk(&hop, requests[w].0, action, uncond);
            }
        }
        walks
    }

    /// The steps of a walk's edges, with what allows each; a hub's step is merged into the
    /// step before it.
    fn steps(&self, taken: &[u32], evidence: &HashMap<u32, StepInfo>) -> Vec<PathStep> {
        let no_evidence = StepInfo {
            method: Method::AssumeRole,
            allowed_by: Vec::new(),
            keys: Vec::new(),
        };
        let mut path: Vec<PathStep> = Vec::with_capacity(taken.len());
        let mut k = 0;
        while k < taken.len() {
            let edge = &self.edges[taken[k] as usize];
            let info = evidence.get(&taken[k]).unwrap_or(&no_evidence);
            let from = self.describe(edge.from);
            if self.nodes[edge.to as usize].hub.is_some() && k + 1 < taken.len() {
                let edge2 = &self.edges[taken[k + 1] as usize];
                let info2 = evidence.get(&taken[k + 1]).unwrap_or(&no_evidence);
                let mut allowed_by = info.allowed_by.clone();
                allowed_by.extend(info2.allowed_by.iter().cloned());
                path.push(PathStep {
                    method: edge.method,
                    from,
                    to: self.describe(edge2.to),
                    conditional: edge.conditional || edge2.conditional,
                    allowed_by,
                    condition_keys: info.keys.clone(),
                });
                k += 2;
            } else {
                path.push(PathStep {
                    method: edge.method,
                    from,
                    to: self.describe(edge.to),
                    conditional: edge.conditional,
                    allowed_by: info.allowed_by.clone(),
                    condition_keys: info.keys.clone(),
                });
                k += 1;
            }
        }
        path
    }

    /// How a walk that stopped at node `at` gets `action`: the statements that grant it there,
    /// or, at a role of another account, that role's own way on; and the account it is in.
    fn ending(
        &self,
        at: usize,
        action: usize,
        uncond: bool,
        verdicts: &[PrincipalVerdict],
    ) -> Ending<'_> {
        let end = &self.nodes[at];
        if let Some(route) = end
            .foreign
            .and_then(|f| self.foreign[f as usize].route(action, !uncond))
        {
            return Ending {
                path: route.path.clone(),
                granted_by: route.granted_by.clone(),
                account: &route.account,
            };
        }
        let granted_by = if end.variant == Variant::Base && end.principal < verdicts.len() {
            verdicts[end.principal]
                .actions
                .iter()
                .find(|a| a.action() == self.ctx.table.full[action])
                .map(|a| a.granted_by.clone())
                .unwrap_or_default()
        } else {
            vec![StatementRef {
                policy: Label::from(self.describe(u32::try_from(at).unwrap_or(0))),
                statement: None,
            }]
        };
        let account = match end.foreign {
            Some(f) => self.foreign[f as usize].account.as_str(),
            None => self
                .principal_accounts
                .get(end.principal)
                .copied()
                .unwrap_or(&self.account),
        };
        Ending {
            path: Vec::new(),
            granted_by,
            account,
        }
    }
}

/// Where a path ends: see [`Analysis::ending`].
struct Ending<'s> {
    path: Vec<PathStep>,
    granted_by: Vec<StatementRef>,
    account: &'s str,
}

fn ctx_action(ctx: &Context<'_>, a: usize) -> &'static str {
    // The table's names live for the program (it is a static).
    ctx.table.full[a].as_str()
}
