//! One request of the actions that lead *to* GuardDuty — `sts:AssumeRole`, IAM's
//! self-modification actions, `iam:PassRole` and the services a role is passed to — decided
//! for one principal on one resource ARN, or on "some resource of this form" (a Lambda
//! function the principal would name itself).
//!
//! The layers are AWS's: an explicit Deny in any policy wins; the identity policies (unless a
//! resource-based policy names the principal itself), the permissions boundary and every SCP
//! level must each allow the request.

use std::collections::HashMap;

use super::Label;
use super::compile::CompiledPolicy;
use super::condition::{Clause, Facts, Truth};
use super::decide::Layers;
use super::glob::{self, Token};
use super::policy::{Effect, Policy};
use super::verdict::StatementRef;

/// The actions access paths are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathAction {
    AssumeRole,
    CreatePolicyVersion,
    SetDefaultPolicyVersion,
    AttachUserPolicy,
    PutUserPolicy,
    AttachGroupPolicy,
    PutGroupPolicy,
    AttachRolePolicy,
    PutRolePolicy,
    AddUserToGroup,
    UpdateAssumeRolePolicy,
    CreateAccessKey,
    CreateLoginProfile,
    UpdateLoginProfile,
    PassRole,
    CreateInstanceProfile,
    AddRoleToInstanceProfile,
    LambdaCreateFunction,
    LambdaInvokeFunction,
    Ec2RunInstances,
    CloudFormationCreateStack,
    GlueCreateDevEndpoint,
    GlueCreateJob,
    GlueStartJobRun,
    SageMakerCreateNotebookInstance,
    SageMakerCreatePresignedNotebookInstanceUrl,
    CodeBuildCreateProject,
    CodeBuildStartBuild,
}

/// One bit per [`PathAction`], in declaration order.
pub type PathMask = u32;

impl PathAction {
    pub const ALL: [PathAction; 28] = [
        PathAction::AssumeRole,
        PathAction::CreatePolicyVersion,
        PathAction::SetDefaultPolicyVersion,
        PathAction::AttachUserPolicy,
        PathAction::PutUserPolicy,
        PathAction::AttachGroupPolicy,
        PathAction::PutGroupPolicy,
        PathAction::AttachRolePolicy,
        PathAction::PutRolePolicy,
        PathAction::AddUserToGroup,
        PathAction::UpdateAssumeRolePolicy,
        PathAction::CreateAccessKey,
        PathAction::CreateLoginProfile,
        PathAction::UpdateLoginProfile,
        PathAction::PassRole,
        PathAction::CreateInstanceProfile,
        PathAction::AddRoleToInstanceProfile,
        PathAction::LambdaCreateFunction,
        PathAction::LambdaInvokeFunction,
        PathAction::Ec2RunInstances,
        PathAction::CloudFormationCreateStack,
        PathAction::GlueCreateDevEndpoint,
        PathAction::GlueCreateJob,
        PathAction::GlueStartJobRun,
        PathAction::SageMakerCreateNotebookInstance,
        PathAction::SageMakerCreatePresignedNotebookInstanceUrl,
        PathAction::CodeBuildCreateProject,
        PathAction::CodeBuildStartBuild,
    ];

    /// The IAM action name, as AWS writes it.
    pub fn name(self) -> &'static str {
        match self {
            PathAction::AssumeRole => "sts:AssumeRole",
            PathAction::CreatePolicyVersion => "iam:CreatePolicyVersion",
            PathAction::SetDefaultPolicyVersion => "iam:SetDefaultPolicyVersion",
            PathAction::AttachUserPolicy => "iam:AttachUserPolicy",
            PathAction::PutUserPolicy => "iam:PutUserPolicy",
            PathAction::AttachGroupPolicy => "iam:AttachGroupPolicy",
            PathAction::PutGroupPolicy => "iam:PutGroupPolicy",
            PathAction::AttachRolePolicy => "iam:AttachRolePolicy",
            PathAction::PutRolePolicy => "iam:PutRolePolicy",
            PathAction::AddUserToGroup => "iam:AddUserToGroup",
            PathAction::UpdateAssumeRolePolicy => "iam:UpdateAssumeRolePolicy",
            PathAction::CreateAccessKey => "iam:CreateAccessKey",
            PathAction::CreateLoginProfile => "iam:CreateLoginProfile",
            PathAction::UpdateLoginProfile => "iam:UpdateLoginProfile",
            PathAction::PassRole => "iam:PassRole",
            PathAction::CreateInstanceProfile => "iam:CreateInstanceProfile",
            PathAction::AddRoleToInstanceProfile => "iam:AddRoleToInstanceProfile",
            PathAction::LambdaCreateFunction => "lambda:CreateFunction",
            PathAction::LambdaInvokeFunction => "lambda:InvokeFunction",
            PathAction::Ec2RunInstances => "ec2:RunInstances",
            PathAction::CloudFormationCreateStack => "cloudformation:CreateStack",
            PathAction::GlueCreateDevEndpoint => "glue:CreateDevEndpoint",
            PathAction::GlueCreateJob => "glue:CreateJob",
            PathAction::GlueStartJobRun => "glue:StartJobRun",
            PathAction::SageMakerCreateNotebookInstance => "sagemaker:CreateNotebookInstance",
            PathAction::SageMakerCreatePresignedNotebookInstanceUrl => {
                "sagemaker:CreatePresignedNotebookInstanceUrl"
            }
            PathAction::CodeBuildCreateProject => "codebuild:CreateProject",
            PathAction::CodeBuildStartBuild => "codebuild:StartBuild",
        }
    }

    pub fn bit(self) -> PathMask {
        1 << (self as u32)
    }
}

/// The services whose actions can lead to GuardDuty: a pattern with another literal service
/// prefix cannot name one of them.
const SERVICES: &[&[u8]] = &[
    b"sts",
    b"iam",
    b"lambda",
    b"ec2",
    b"cloudformation",
    b"glue",
    b"sagemaker",
    b"codebuild",
];

/// The path actions one lowercased action pattern matches.
fn pattern_mask(pattern: &[u8], lower: &[(PathMask, Vec<u8>)]) -> PathMask {
    if let Some(i) = pattern
        .iter()
        .position(|&b| matches!(b, b':' | b'*' | b'?'))
        && pattern[i] == b':'
        && !SERVICES.contains(&&pattern[..i])
    {
        return 0;
    }
    lower
        .iter()
        .filter(|(_, name)| glob::matches(pattern, name))
        .fold(0, |mask, (bit, _)| mask | bit)
}

/// A statement that applies to some path action: kept per compiled policy.
#[derive(Debug, Clone)]
pub(crate) struct PathStatement {
    pub label: Label,
    pub effect: Effect,
    pub mask: PathMask,
    /// `NotResource` rather than `Resource`.
    pub negated: bool,
    /// The resource patterns as written, and as tokens.
    pub patterns: Vec<String>,
    pub tokens: Vec<Vec<Token>>,
    /// A policy variable in some resource pattern: matched per principal.
    pub variables: bool,
    pub conditions: Vec<Clause>,
}

/// Per-thread memo: action pattern → path actions it names.
#[derive(Default)]
pub(crate) struct PathCache {
    lower: Vec<(PathMask, Vec<u8>)>,
    masks: HashMap<Vec<u8>, PathMask>,
}

/// The statements of `policy` that apply to some path action.
pub(crate) fn path_statements(policy: &Policy, cache: &mut PathCache) -> Vec<PathStatement> {
    if cache.lower.is_empty() {
        cache.lower = PathAction::ALL
            .iter()
            .map(|a| (a.bit(), a.name().to_ascii_lowercase().into_bytes()))
            .collect();
    }
    let all: PathMask = PathAction::ALL.iter().fold(0, |m, a| m | a.bit());
    let mut out = Vec::new();
    for s in &policy.statements {
        let mut mask = 0;
        for p in s.actions_lower() {
            mask |= match cache.masks.get(p) {
                Some(&m) => m,
                None => {
                    let m = pattern_mask(p, &cache.lower);
                    cache.masks.insert(p.clone(), m);
                    m
                }
            };
        }
        if s.actions.negated {
            mask = !mask & all;
        }
        if mask == 0 {
            continue;
        }
        let tokens = s.resource_tokens().to_vec();
        let variables = tokens.iter().flatten().any(|t| *t == Token::Unknown);
        out.push(PathStatement {
            label: Label::from(s.label()),
            effect: s.effect,
            mask,
            negated: s.resources.negated,
            patterns: s.resources.patterns.clone(),
            tokens,
            variables,
            conditions: s.conditions.clone(),
        });
    }
    out
}

/// The tokens of a literal string (an ARN): every byte as itself.
pub(crate) fn literal(text: &str) -> Vec<Token> {
    text.bytes().map(Token::Byte).collect()
}

/// What a request is made on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'t> {
    /// This resource: its ARN.
    Arn(&'t [u8]),
    /// Some resource of this form, chosen by the principal (a function it creates): allowed
    /// when some resource of the form is; a Deny blocks only when it covers every one.
    Some(&'t [Token]),
}

/// How a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Allowed,
    Conditional,
    NotAllowed,
    Denied,
}

impl Access {
    pub fn usable(self) -> bool {
        matches!(self, Access::Allowed | Access::Conditional)
    }
}

/// A decided request: how it stands, the identity statement that allows it, and the keys
/// that leave it conditional.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub access: Access,
    pub by: Option<StatementRef>,
    pub keys: Vec<Label>,
}

impl Grant {
    fn not(access: Access) -> Grant {
        Grant {
            access,
            by: None,
            keys: Vec::new(),
        }
    }
}

/// Does one statement reach the target, and under which truth?
fn reaches(s: &PathStatement, target: Target<'_>, facts: &Facts<'_>) -> Truth {
    let mut unknown = false;
    let mut any = false;
    for (pattern, tokens) in s.patterns.iter().zip(&s.tokens) {
        let substituted;
        let tokens: &[Token] = if s.variables && tokens.contains(&Token::Unknown) {
            match facts.substitute_pattern(pattern) {
                Some(p) => {
                    substituted = glob::tokenize_pattern(&p, false);
                    &substituted
                }
                None => {
                    // An unknown variable: it may reach the target or not.
                    unknown = true;
                    continue;
                }
            }
        } else {
            tokens
        };
        let hit = match (target, s.effect, s.negated) {
            (Target::Arn(_), _, _) if tokens.iter().all(|t| *t == Token::Star) => true,
            (Target::Arn(text), _, _) => glob::matches_tokens(tokens, text),
            // Allow on some resource of the form: sharing one is enough.
            (Target::Some(t), Effect::Allow, false) => glob::intersects(tokens, t),
            // NotResource: the pattern takes the resources it matches away. An Allow keeps
            // some of the form unless it takes them all; a Deny still blocks them all only
            // if it takes none.
            (Target::Some(t), Effect::Allow, true) => glob::covers(tokens, t),
            (Target::Some(t), Effect::Deny, true) => glob::intersects(tokens, t),
            // A Deny blocks a resource the principal chooses only when it covers them all.
            (Target::Some(t), Effect::Deny, false) => glob::covers(tokens, t),
        };
        if hit {
            any = true;
            break;
        }
    }
    let in_reach = match (s.negated, any, unknown) {
        (false, true, _) | (true, false, false) => Truth::True,
        (false, false, false) | (true, true, _) => Truth::False,
        (_, false, true) => Truth::Unknown,
    };
    if in_reach == Truth::False {
        return Truth::False;
    }
    let (cond, _) = facts.truth(&s.conditions);
    match (in_reach, cond) {
        (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

/// The keys that leave a statement undecided, for naming.
fn unknown_keys(s: &PathStatement, facts: &Facts<'_>, out: &mut Vec<Label>) {
    for key in facts.decide(&s.conditions).unknown_keys {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    if s.variables
        && !out
            .iter()
            .any(|k| k.as_str() == "policy variable in Resource")
    {
        out.push(Label::from("policy variable in Resource"));
    }
}

/// One layer's view of the request: its best Allow and any Deny.
struct LayerView {
    allow: Truth,
    allow_by: Option<StatementRef>,
    deny: Truth,
    deny_by: Option<StatementRef>,
}

fn layer<'p>(
    policies: impl Iterator<Item = &'p CompiledPolicy>,
    action: PathAction,
    target: Target<'_>,
    facts: &Facts<'_>,
    keys: &mut Vec<Label>,
) -> LayerView {
    let mut view = LayerView {
        allow: Truth::False,
        allow_by: None,
        deny: Truth::False,
        deny_by: None,
    };
    let bit = action.bit();
    for policy in policies {
        for s in policy.path.iter().filter(|s| s.mask & bit != 0) {
            // Once some Allow applies for certain, another Allow changes nothing.
            if s.effect == Effect::Allow && view.allow == Truth::True {
                continue;
            }
            let truth = reaches(s, target, facts);
            if truth == Truth::False {
                continue;
            }
            let here = || StatementRef {
                policy: policy.label.clone(),
                statement: Some(s.label.clone()),
            };
            match s.effect {
                Effect::Deny => {
                    if truth == Truth::True {
                        view.deny = Truth::True;
                        view.deny_by = Some(here());
                        return view;
                    }
                    view.deny = Truth::Unknown;
                    view.deny_by.get_or_insert_with(here);
                    unknown_keys(s, facts, keys);
                }
                Effect::Allow => {
                    if view.allow == Truth::True {
                        continue;
                    }
                    if truth == Truth::True {
                        view.allow = Truth::True;
                        view.allow_by = Some(here());
                    } else {
                        view.allow = Truth::Unknown;
                        view.allow_by.get_or_insert_with(here);
                        unknown_keys(s, facts, keys);
                    }
                }
            }
        }
    }
    view
}

/// Decides one request. `identity_needed` is false when a resource-based policy (a trust
/// policy naming the principal itself) grants it: only Denies, the boundary and SCPs count.
pub(crate) fn decide(
    layers: &Layers<'_>,
    extra: &[&CompiledPolicy],
    action: PathAction,
    target: Target<'_>,
    facts: &Facts<'_>,
    identity_needed: bool,
) -> Grant {
    let mut keys = Vec::new();
    let mut conditional = false;
    let identity = layer(
        layers
            .identity
            .iter()
            .map(|s| s.policy)
            .chain(extra.iter().copied()),
        action,
        target,
        facts,
        &mut keys,
    );
    if identity.deny == Truth::True {
        return Grant {
            access: Access::Denied,
            by: identity.deny_by,
            keys,
        };
    }
    conditional |= identity.deny == Truth::Unknown;
    if identity_needed {
        match identity.allow {
            Truth::False => return Grant::not(Access::NotAllowed),
            Truth::Unknown => conditional = true,
            Truth::True => {}
        }
    }
    let capped = |view: LayerView, conditional: &mut bool| -> Option<Grant> {
        if view.deny == Truth::True {
            return Some(Grant {
                access: Access::Denied,
                by: view.deny_by,
                keys: Vec::new(),
            });
        }
        *conditional |= view.deny == Truth::Unknown || view.allow == Truth::Unknown;
        (view.allow == Truth::False).then(|| Grant::not(Access::NotAllowed))
    };
    if let Some(b) = &layers.boundary {
        let view = layer(std::iter::once(b.policy), action, target, facts, &mut keys);
        if let Some(stop) = capped(view, &mut conditional) {
            return stop;
        }
    }
    for (_, level) in &layers.scps {
        let view = layer(
            level.iter().map(|s| s.policy),
            action,
            target,
            facts,
            &mut keys,
        );
        if let Some(stop) = capped(view, &mut conditional) {
            return stop;
        }
    }
    Grant {
        access: if conditional {
            Access::Conditional
        } else {
            Access::Allowed
        },
        by: identity.allow_by,
        keys,
    }
}
