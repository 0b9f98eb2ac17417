//! Explanations: for one principal, each action's decision with the exact statements that allow,
//! deny, cap or condition it, so a reviewer can check the verdict by hand.

use std::fmt;

use serde::Serialize;

use super::decide::{Env, HitRef, Outcome, Scratch, Source};
use super::eval::Context;
use super::paths::IndirectAccess;
use super::policy::{self, Effect, PatternList, Statement};
use super::resources::Coverage;
use super::verdict::{
    ConditionSource, Decision, EvalOptions, Layer, PrincipalKind, PrivilegeReason,
};
use super::{Label, Problem};
use crate::model::iam::AuthorizationDetails;

/// Why [`explain`] could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    #[error("no user or role {0:?} in the export")]
    UnknownPrincipal(String),
    #[error("{name:?} names several principals; give the ARN: {}", arns.join(", "))]
    Ambiguous { name: String, arns: Vec<String> },
    #[error("{0:?} is not a GuardDuty change action")]
    UnknownAction(String),
    #[error("{0} is a service-linked role; the audit leaves those out")]
    ServiceLinkedRole(String),
}

/// One principal's decisions, each with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub arn: String,
    pub name: String,
    pub kind: PrincipalKind,
    pub privileged: Option<PrivilegeReason>,
    pub account_id: Option<String>,
    /// The identity policies that count, with the group each comes through.
    pub policies: Vec<String>,
    /// The permissions boundary's ARN, if any.
    pub permissions_boundary: Option<String>,
    /// False when the boundary is missing from the export or unreadable: then it is not taken
    /// to deny anything.
    pub permissions_boundary_counted: bool,
    pub scp_levels: usize,
    pub actions: Vec<ActionExplanation>,
    /// What it can become able to do beyond what it holds, and the shortest path there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_path: Option<IndirectAccess>,
    /// Problems touching this principal's policies.
    pub problems: Vec<Problem>,
}

/// One action's decision and the statements behind it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionExplanation {
    pub action: &'static str,
    pub decision: Decision,
    pub conditional: bool,
    pub conditional_by: Vec<ConditionSource>,
    pub resource_scoped: bool,
    pub condition_keys: Vec<Label>,
    /// When resource-scoped: the sets of resources that survive every layer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// When `aws:RequestedRegion` decides: the regions where the decision holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Assumptions the decision rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub evidence: Vec<Evidence>,
}

/// What a piece of evidence does to the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRole {
    /// An identity statement allows it.
    Allows,
    /// A Deny applies to it (all of it, part of it, or under a condition).
    Denies,
    /// The boundary or an SCP lets it through.
    Permits,
    /// The boundary or an SCP lets it through only in part or under a condition, or (with no
    /// statement) not at all.
    Caps,
}

impl EvidenceRole {
    fn as_str(self) -> &'static str {
        match self {
            EvidenceRole::Allows => "allows",
            EvidenceRole::Denies => "denies",
            EvidenceRole::Permits => "permits",
            EvidenceRole::Caps => "caps",
        }
    }
}

/// One statement (or, for a cap, one policy without a matching statement).
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub role: EvidenceRole,
    pub layer: Layer,
    pub policy: Label,
    /// The group a user's policy comes through.
    pub via_group: Option<String>,
    /// Sid or `Statement[i]`; `None` for a policy with no statement allowing the action.
    pub statement: Option<Label>,
    pub effect: Option<Effect>,
    /// The element and pattern that match the action, e.g. `Action "guardduty:*"`.
    pub action_match: Option<String>,
    /// The element and pattern that reach the resources, e.g. `Resource "*"`.
    pub resource_match: Option<String>,
    pub coverage: Option<Coverage>,
    pub condition_keys: Vec<Label>,
}

/// Explains one principal (by name or ARN), for every change action or just `action`.
pub fn explain(
    details: &AuthorizationDetails,
    opts: &EvalOptions,
    principal: &str,
    action: Option<&str>,
) -> Result<Explanation, ExplainError> {
    let ctx = Context::build(details, opts, None);
    let actions: Vec<usize> = match action {
        Some(name) => vec![
            ctx.table
                .index_of(name)
                .ok_or_else(|| ExplainError::UnknownAction(name.to_owned()))?,
        ],
        None => (0..ctx.table.full.len()).collect(),
    };
    let plan = match ctx.find(principal) {
        Ok(plan) => plan,
        Err(several) if several.len() > 1 => {
            return Err(ExplainError::Ambiguous {
                name: principal.to_owned(),
                arns: several.iter().map(|p| p.arn.to_owned()).collect(),
            });
        }
        Err(_) => {
            let service_linked = details.roles.iter().find(|r| {
                r.is_service_linked() && (r.arn == principal || r.role_name == principal)
            });
            return Err(match service_linked {
                Some(role) => ExplainError::ServiceLinkedRole(role.arn.clone()),
                None => ExplainError::UnknownPrincipal(principal.to_owned()),
            });
        }
    };
    let layers = ctx.layers(plan);
    let mut scratch = Scratch::default();
    let verdict = ctx.verdict(plan, &mut scratch);
    let env = Env {
        model: &ctx.resources,
        facts: ctx.facts(plan),
    };

    let mut parsed: Vec<Option<Option<policy::Policy>>> = vec![None; ctx.policies.len()];
    let mut explained = Vec::with_capacity(actions.len());
    for action in actions {
        let outcome = layers.decide(action, &env, &mut scratch);
        let evidence = evidence(&ctx, &outcome, action, &mut parsed);
        explained.push(ActionExplanation {
            action: ctx.table.full[action].as_str(),
            decision: outcome.decision,
            conditional: outcome.conditional,
            conditional_by: outcome.conditional_by.clone(),
            resource_scoped: outcome.resource_scoped,
            condition_keys: outcome.condition_keys.clone(),
            resources: outcome.resources.clone(),
            regions: outcome.regions.clone(),
            notes: outcome.notes.clone(),
            evidence,
        });
    }

    let labels: Vec<&str> = layers
        .identity
        .iter()
        .chain(layers.boundary.iter())
        .chain(layers.scps.iter().flat_map(|(_, level)| level))
        .map(|s| s.policy.label.as_str())
        .collect();
    let problems = ctx
        .problems
        .iter()
        .filter(|p| {
            p.policy.as_deref().is_some_and(|l| labels.contains(&l))
                || p.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with(plan.arn))
        })
        .cloned()
        .collect();
    let boundary_arn = details
        .users
        .iter()
        .find(|u| u.arn == plan.arn)
        .and_then(|u| u.permissions_boundary.as_ref())
        .or_else(|| {
            details
                .roles
                .iter()
                .find(|r| r.arn == plan.arn)
                .and_then(|r| r.permissions_boundary.as_ref())
        })
        .map(|b| b.permissions_boundary_arn.clone());

    // The access path needs every principal's verdicts: the graph runs through them.
    let verdicts =
        super::parallel_map_with(&ctx.principals, Scratch::default, |s, p| ctx.verdict(p, s));
    let indirect = super::paths::analyse(&ctx, ctx.specs.clone(), &verdicts, opts).indirect;
    let position = ctx.principals.iter().position(|p| p.arn == plan.arn);
    let access_path = indirect
        .into_iter()
        .find(|a| Some(a.principal) == position)
        .filter(|a| {
            action.is_none_or(|name| {
                let want = ctx.table.index_of(name).map(|i| ctx.table.full[i].as_str());
                a.actions.iter().any(|r| Some(r.action) == want)
            })
        });
    Ok(Explanation {
        arn: plan.arn.to_owned(),
        name: plan.name.to_owned(),
        kind: plan.kind,
        privileged: verdict.privileged,
        account_id: ctx.account_id.clone(),
        policies: layers
            .identity
            .iter()
            .map(|s| match s.via {
                Some(group) => format!("{} (via group {group})", s.policy.label),
                None => s.policy.label.to_string(),
            })
            .collect(),
        permissions_boundary_counted: layers.boundary.is_some(),
        permissions_boundary: boundary_arn,
        scp_levels: layers.scps.len(),
        actions: explained,
        access_path,
        problems,
    })
}

fn evidence(
    ctx: &Context<'_>,
    outcome: &Outcome<'_>,
    action: usize,
    parsed: &mut [Option<Option<policy::Policy>>],
) -> Vec<Evidence> {
    let limited = |h: &HitRef<'_>| {
        outcome
            .limits
            .iter()
            .any(|l| l.source.id == h.source.id && std::ptr::eq(l.hit, h.hit))
    };
    let mut out = Vec::new();
    let tagged = outcome
        .grants
        .iter()
        .map(|h| (EvidenceRole::Allows, h))
        .chain(outcome.denies.iter().map(|h| (EvidenceRole::Denies, h)))
        .chain(outcome.permits.iter().map(|h| {
            let role = if limited(h) {
                EvidenceRole::Caps
            } else {
                EvidenceRole::Permits
            };
            (role, h)
        }));
    for (role, hit) in tagged {
        let statement = statement_of(ctx, hit, parsed);
        let (action_match, resource_match) = match statement {
            Some(s) => {
                let universe = ctx.resources.universe_of[action];
                let action_match = s
                    .action_match(&ctx.table.lower[action])
                    .map(|i| describe(&s.actions, "Action", i));
                let resource_match = describe(
                    &s.resources,
                    "Resource",
                    s.coverage(&ctx.resources, universe).1,
                );
                (action_match, Some(resource_match))
            }
            None => (None, None),
        };
        out.push(Evidence {
            role,
            layer: hit.layer,
            policy: hit.source.policy.label.clone(),
            via_group: hit.source.via.map(str::to_owned),
            statement: hit.statement_ref().statement,
            effect: Some(hit.hit.effect),
            action_match,
            resource_match,
            coverage: Some(hit.hit.coverage),
            condition_keys: hit.condition_keys().to_vec(),
        });
    }
    for (layer, sources) in &outcome.blocked_by {
        out.extend(sources.iter().map(|s: &Source<'_>| Evidence {
            role: EvidenceRole::Caps,
            layer: *layer,
            policy: s.policy.label.clone(),
            via_group: None,
            statement: None,
            effect: None,
            action_match: None,
            resource_match: None,
            coverage: None,
            condition_keys: Vec::new(),
        }));
    }
    out
}

/// The parsed statement behind a hit (documents are parsed again, once, on demand).
fn statement_of<'p>(
    ctx: &Context<'_>,
    hit: &HitRef<'_>,
    parsed: &'p mut [Option<Option<policy::Policy>>],
) -> Option<&'p Statement> {
    let id = hit.source.id;
    let index = hit.statement_index()?;
    let slot = parsed.get_mut(id)?;
    let policy = slot.get_or_insert_with(|| {
        ctx.documents
            .get(id)
            .copied()
            .flatten()
            .and_then(|d| policy::parse(d.as_json_text()).ok())
    });
    policy
        .as_ref()?
        .statements
        .iter()
        .find(|s| s.index == index)
}

/// `Action "guardduty:*"`, or the whole list for a `Not…` element (nothing in it matched).
fn describe(list: &PatternList, base: &'static str, matched: Option<usize>) -> String {
    let element = list.element(base);
    match matched.and_then(|i| list.patterns.get(i)) {
        Some(pattern) if !list.negated => format!("{element} {pattern:?}"),
        _ => format!("{element} {:?}", list.patterns),
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let privileged = match &self.privileged {
            Some(PrivilegeReason::Administrator) => "privileged (administrator)".to_owned(),
            Some(PrivilegeReason::MatchesGlob { glob }) => format!("privileged (matches {glob})"),
            None => "not privileged".to_owned(),
        };
        writeln!(
            f,
            "{} {} ({}): {privileged}",
            self.kind.as_str(),
            self.name,
            self.arn
        )?;
        if self.policies.is_empty() {
            writeln!(f, "  identity policies: none")?;
        } else {
            writeln!(f, "  identity policies: {}", self.policies.join(", "))?;
        }
        match (
            &self.permissions_boundary,
            self.permissions_boundary_counted,
        ) {
            (Some(arn), true) => writeln!(f, "  permissions boundary: {arn}")?,
            (Some(arn), false) => writeln!(
                f,
                "  permissions boundary: {arn} (not in the export or unreadable: not counted)"
            )?,
            (None, _) => {}
        }
        if self.scp_levels > 0 {
            writeln!(f, "  SCP levels: {}", self.scp_levels)?;
        }
        for action in &self.actions {
            writeln!(f)?;
            write!(f, "{}: {}", action.action, action.decision.as_str())?;
            if action.resource_scoped {
                write!(f, ", on some resources only")?;
            }
            if action.conditional {
                let by: Vec<&str> = action
                    .conditional_by
                    .iter()
                    .map(|c| match c {
                        ConditionSource::Allow => "the allow",
                        ConditionSource::Deny => "a deny",
                        ConditionSource::Boundary => "the boundary",
                        ConditionSource::Scp => "an SCP",
                    })
                    .collect();
                let keys: Vec<&str> = action.condition_keys.iter().map(|k| k.as_str()).collect();
                write!(
                    f,
                    " (condition on {}: {})",
                    by.join(" and "),
                    keys.join(", ")
                )?;
            }
            writeln!(f)?;
            if !action.regions.is_empty() {
                writeln!(f, "  only in {}", action.regions.join(", "))?;
            }
            for r in &action.resources {
                writeln!(f, "  {} on {r}", action.decision.as_str())?;
            }
            for n in &action.notes {
                writeln!(f, "  note: {n}")?;
            }
            if action.evidence.is_empty() {
                writeln!(f, "  no statement allows it")?;
            }
            for e in &action.evidence {
                writeln!(f, "  {e}")?;
            }
        }
        if let Some(access) = &self.access_path {
            writeln!(f)?;
            let names: Vec<String> = access.actions.iter().map(|a| a.to_string()).collect();
            let cond = if access.conditional {
                ", under conditions"
            } else {
                ""
            };
            writeln!(
                f,
                "can become able to change GuardDuty{cond}: {} more action(s): {}",
                names.len(),
                names.join(", ")
            )?;
            writeln!(f, "shortest path to {}:", access.path_action)?;
            for (i, step) in access.path.iter().enumerate() {
                let cond = if step.conditional {
                    " (conditional)"
                } else {
                    ""
                };
                writeln!(
                    f,
                    "  {}. {} {} — {}{cond}",
                    i + 1,
                    step.from,
                    step.method.verb(),
                    step.to
                )?;
                writeln!(f, "     method: {}", step.method.as_str())?;
                for by in &step.allowed_by {
                    writeln!(f, "     allowed by {by}")?;
                }
                if !step.condition_keys.is_empty() {
                    let keys: Vec<&str> = step.condition_keys.iter().map(|k| k.as_str()).collect();
                    writeln!(f, "     if {}", keys.join(", "))?;
                }
            }
            writeln!(f, "  {}. which {}", access.path.len() + 1, access.holds())?;
            for by in &access.path_granted_by {
                writeln!(f, "     granted by {by}")?;
            }
        }
        if !self.problems.is_empty() {
            writeln!(f)?;
            writeln!(f, "problems (the verdicts above may be incomplete):")?;
            for p in &self.problems {
                writeln!(f, "  {p}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layer = match self.layer {
            Layer::Identity => String::new(),
            Layer::PermissionsBoundary => "boundary ".to_owned(),
            Layer::Scp(level) => format!("SCP level {level} "),
        };
        write!(f, "{:<8} {layer}{}", self.role.as_str(), self.policy)?;
        if let Some(group) = &self.via_group {
            write!(f, " (via group {group})")?;
        }
        let Some(statement) = &self.statement else {
            return write!(f, ": no statement allows it");
        };
        write!(f, " [{statement}]")?;
        if let Some(effect) = self.effect {
            write!(f, " {effect}")?;
        }
        if let Some(a) = &self.action_match {
            write!(f, " {a}")?;
        }
        if let Some(r) = &self.resource_match {
            write!(f, " {r}")?;
        }
        match self.coverage {
            Some(Coverage::All) => write!(f, " (all resources)")?,
            Some(Coverage::Some) => write!(f, " (some resources)")?,
            _ => {}
        }
        if !self.condition_keys.is_empty() {
            let keys: Vec<&str> = self.condition_keys.iter().map(|k| k.as_str()).collect();
            write!(f, " if {}", keys.join(", "))?;
        }
        Ok(())
    }
}
