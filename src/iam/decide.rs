//! Deciding one action for one principal from the compiled policies of each layer, in AWS's
//! order: an explicit Deny wins, then the identity policies, the permissions boundary and every
//! SCP level must all allow it.

use super::Label;
use super::compile::{CompiledPolicy, Hit, StatementInfo};
use super::policy::Effect;
use super::resources::{ActionMask, Coverage};
use super::verdict::{ConditionSource, Decision, Layer, StatementRef, Verdict};

/// A policy as one principal sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'c> {
    pub id: usize,
    pub policy: &'c CompiledPolicy,
    /// The group it comes through, for a user's group policies.
    pub via: Option<&'c str>,
}

/// A hit, with where it comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HitRef<'c> {
    pub layer: Layer,
    pub source: Source<'c>,
    pub hit: &'c Hit,
}

impl<'c> HitRef<'c> {
    fn info(&self) -> Option<&'c StatementInfo> {
        self.source
            .policy
            .effects
            .as_ref()?
            .statements
            .get(usize::from(self.hit.statement))
    }

    pub fn statement_ref(&self) -> StatementRef {
        StatementRef {
            policy: self.source.policy.label.clone(),
            statement: self.info().map(|i| i.label.clone()),
        }
    }

    pub fn statement_index(&self) -> Option<usize> {
        self.info().map(|i| i.index)
    }

    pub fn condition_keys(&self) -> &'c [Label] {
        self.info().map_or(&[], |i| i.condition_keys.as_slice())
    }
}

/// Everything that applies to one principal.
#[derive(Debug, Clone)]
pub(crate) struct Layers<'c> {
    pub identity: Vec<Source<'c>>,
    pub boundary: Option<Source<'c>>,
    /// SCP levels (by their index in the input) with at least one readable policy.
    pub scps: Vec<(usize, Vec<Source<'c>>)>,
}

/// The decision on one action with the hits behind it.
#[derive(Debug, Clone)]
pub(crate) struct Outcome<'c> {
    pub decision: Decision,
    pub conditional: bool,
    pub resource_scoped: bool,
    pub conditional_by: Vec<ConditionSource>,
    pub condition_keys: Vec<Label>,
    /// Identity Allow hits.
    pub grants: Vec<HitRef<'c>>,
    /// Deny hits in any layer.
    pub denies: Vec<HitRef<'c>>,
    /// Boundary and SCP Allow hits.
    pub permits: Vec<HitRef<'c>>,
    /// Boundary or SCP hits that allow only in part or under a condition.
    pub limits: Vec<HitRef<'c>>,
    /// Layers that allow nothing, with their policies.
    pub blocked_by: Vec<(Layer, Vec<Source<'c>>)>,
}

impl<'c> Layers<'c> {
    /// Sorts the hits of `sources` on `action` into the outcome's lists.
    fn collect(&self, layer: Layer, sources: &[Source<'c>], action: usize, out: &mut Outcome<'c>) {
        let bit: ActionMask = 1 << action;
        for &source in sources {
            let Some(effects) = &source.policy.effects else {
                continue;
            };
            if (effects.allow_mask | effects.deny_mask) & bit == 0 {
                continue;
            }
            for hit in effects.hits_for(action) {
                let hit = HitRef { layer, source, hit };
                match (hit.hit.effect, layer) {
                    (Effect::Deny, _) => out.denies.push(hit),
                    (Effect::Allow, Layer::Identity) => out.grants.push(hit),
                    (Effect::Allow, _) => out.permits.push(hit),
                }
            }
        }
    }

    /// The boundary and each SCP level: the layers that must allow an action too.
    fn caps(&self) -> impl Iterator<Item = (Layer, &[Source<'c>], ConditionSource)> {
        let boundary = self.boundary.as_ref().map(|b| {
            (
                Layer::PermissionsBoundary,
                std::slice::from_ref(b),
                ConditionSource::Boundary,
            )
        });
        let scps = self
            .scps
            .iter()
            .map(|(level, sources)| (Layer::Scp(*level), sources.as_slice(), ConditionSource::Scp));
        boundary.into_iter().chain(scps)
    }

    /// Decides one action (AWS order: explicit Deny, then every layer must allow).
    pub fn decide(&self, action: usize) -> Outcome<'c> {
        let mut outcome = Outcome {
            decision: Decision::NotAllowed,
            conditional: false,
            resource_scoped: false,
            conditional_by: Vec::new(),
            condition_keys: Vec::new(),
            grants: Vec::new(),
            denies: Vec::new(),
            permits: Vec::new(),
            limits: Vec::new(),
            blocked_by: Vec::new(),
        };
        self.collect(Layer::Identity, &self.identity, action, &mut outcome);
        if outcome.grants.is_empty() {
            return outcome;
        }
        for (layer, sources, _) in self.caps() {
            self.collect(layer, sources, action, &mut outcome);
        }
        let hard_deny = outcome
            .denies
            .iter()
            .any(|d| !d.hit.conditional && d.hit.coverage == Coverage::All);
        if hard_deny {
            outcome.decision = Decision::Denied;
            return outcome;
        }

        // Identity: the unconditional grants decide when there are any.
        let mut keys: Vec<&Label> = Vec::new();
        let mut by: Vec<ConditionSource> = Vec::new();
        let (grant_conditional, grant_scoped) = judge(outcome.grants.iter(), &mut keys);
        if grant_conditional {
            by.push(ConditionSource::Allow);
        }
        outcome.resource_scoped |= grant_scoped;

        for deny in &outcome.denies {
            if deny.hit.conditional {
                keys.extend(deny.condition_keys());
                if !by.contains(&ConditionSource::Deny) {
                    by.push(ConditionSource::Deny);
                }
            } else {
                // Unconditional and not all: some resources are denied.
                outcome.resource_scoped = true;
            }
        }

        // Caps: the boundary, then each SCP level, must allow it too.
        let mut limits = Vec::new();
        for (layer, sources, kind) in self.caps() {
            let permits = outcome.permits.iter().filter(|p| p.layer == layer);
            if permits.clone().next().is_none() {
                outcome.blocked_by.push((layer, sources.to_vec()));
                continue;
            }
            let (conditional, scoped) = judge(permits.clone(), &mut keys);
            if conditional && !by.contains(&kind) {
                by.push(kind);
            }
            outcome.resource_scoped |= scoped;
            if conditional || scoped {
                limits.extend(permits.copied());
            }
        }
        outcome.limits = limits;
        if !outcome.blocked_by.is_empty() {
            outcome.resource_scoped = false;
            return outcome;
        }

        by.sort();
        outcome.conditional = !by.is_empty();
        outcome.conditional_by = by;
        outcome.decision = if outcome.conditional {
            Decision::Conditional
        } else {
            Decision::Allowed
        };
        if !keys.is_empty() {
            let mut keys: Vec<Label> = keys.into_iter().cloned().collect();
            keys.sort();
            keys.dedup();
            outcome.condition_keys = keys;
        }
        outcome
    }
}

/// For the Allow hits of one layer: is the allow conditional (no unconditional hit), and is it
/// scoped (no hit, among those that count, reaching all resources)? Collects the condition
/// keys when conditional.
fn judge<'c, 'h>(
    allows: impl Iterator<Item = &'h HitRef<'c>> + Clone,
    keys: &mut Vec<&'c Label>,
) -> (bool, bool)
where
    'c: 'h,
{
    let mut unconditional = allows.clone().filter(|h| !h.hit.conditional).peekable();
    if unconditional.peek().is_some() {
        let scoped = !unconditional.any(|h| h.hit.coverage == Coverage::All);
        return (false, scoped);
    }
    let mut scoped = true;
    for hit in allows {
        keys.extend(hit.condition_keys());
        scoped &= hit.hit.coverage != Coverage::All;
    }
    (true, scoped)
}

impl Outcome<'_> {
    pub fn verdict(&self) -> Verdict {
        let mut capped_by: Vec<StatementRef> =
            self.limits.iter().map(HitRef::statement_ref).collect();
        for (_, sources) in &self.blocked_by {
            capped_by.extend(sources.iter().map(|s| StatementRef {
                policy: s.policy.label.clone(),
                statement: None,
            }));
        }
        Verdict {
            decision: self.decision,
            conditional: self.conditional,
            condition_keys: self.condition_keys.clone(),
            conditional_by: self.conditional_by.clone(),
            resource_scoped: self.resource_scoped,
            granted_by: dedup_refs(self.grants.iter().map(HitRef::statement_ref)),
            denied_by: dedup_refs(self.denies.iter().map(HitRef::statement_ref)),
            capped_by: dedup_refs(capped_by.into_iter()),
        }
    }
}

fn dedup_refs(refs: impl Iterator<Item = StatementRef>) -> Vec<StatementRef> {
    let mut out: Vec<StatementRef> = Vec::new();
    for r in refs {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}
