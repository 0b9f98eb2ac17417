//! Deciding one action for one principal from the compiled policies of each layer, in AWS's
//! order: an explicit Deny wins, then the identity policies, the permissions boundary and every
//! SCP level must all allow it — the same resource. Reasoning is over resource *sets*: the
//! action is allowed when some resource of its types (or `*` for an action without one) is
//! allowed by every layer and denied by none.

use std::collections::HashMap;

use super::Label;
use super::compile::{CompiledPolicy, Hit, StatementInfo};
use super::condition::{Facts, Truth};
use super::glob::{self, Token};
use super::policy::Effect;
use super::resources::{ActionMask, Coverage, ResourceModel};
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

/// What a decision needs besides the policies: the account's resources and the principal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Env<'e> {
    pub model: &'e ResourceModel,
    pub facts: Facts<'e>,
}

/// Per-thread memo of resource-set questions: principals sharing policies ask the same ones.
#[derive(Default)]
pub(crate) struct Scratch {
    queries: HashMap<Vec<u64>, Vec<String>>,
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
    /// Where only some resources are allowed: the sets that survive every layer.
    pub resources: Vec<String>,
    /// Where `aws:RequestedRegion` decides: the regions it is allowed (or conditional) in.
    pub regions: Vec<String>,
    /// Assumptions the decision rests on.
    pub notes: Vec<String>,
}

/// How a statement stands for one principal (and region).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// No condition, or one that holds.
    Applies,
    /// A condition that depends on the request.
    Maybe,
    /// A condition that cannot hold for this principal.
    Never,
}

/// Which statements count: `Sure` asks "allowed whatever the request", `Maybe` asks "allowed
/// for some request".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Sure,
    Maybe,
}

impl Status {
    fn allow_counts(self, level: Level) -> bool {
        match level {
            Level::Sure => self == Status::Applies,
            Level::Maybe => self != Status::Never,
        }
    }

    fn deny_counts(self, level: Level) -> bool {
        match level {
            Level::Sure => self != Status::Never,
            Level::Maybe => self == Status::Applies,
        }
    }
}

/// AWS commercial, China and GovCloud regions: the values `aws:RequestedRegion` is tried with.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
];

/// Every hit of one action, with its status in one region.
struct Sorted<'h, 'c> {
    /// Allow hits per layer: identity, then the boundary, then each SCP level.
    layers: Vec<(Layer, Vec<(&'h HitRef<'c>, Status)>)>,
    denies: Vec<(&'h HitRef<'c>, Status)>,
}

/// The actions some Allow of `sources` names (before any layer caps them).
pub(crate) fn allow_mask(sources: &[Source<'_>]) -> ActionMask {
    sources
        .iter()
        .filter_map(|s| s.policy.effects.as_ref())
        .fold(0, |mask, e| mask | e.allow_mask)
}

impl<'c> Layers<'c> {
    /// Decides each action of `asked`: the ones allowed, and the ones allowed only under a
    /// condition.
    pub fn decide_masks(
        &self,
        asked: ActionMask,
        env: &Env<'_>,
        scratch: &mut Scratch,
    ) -> (ActionMask, ActionMask) {
        let (mut allowed, mut conditional) = (0, 0);
        let mut rest = asked;
        while rest != 0 {
            let action = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            match self.decide(action, env, scratch).decision {
                Decision::Allowed => allowed |= 1 << action,
                Decision::Conditional => conditional |= 1 << action,
                Decision::NotAllowed | Decision::Denied => {}
            }
        }
        (allowed, conditional)
    }

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
    pub fn decide(&self, action: usize, env: &Env<'_>, scratch: &mut Scratch) -> Outcome<'c> {
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
            resources: Vec::new(),
            regions: Vec::new(),
            notes: Vec::new(),
        };
        self.collect(Layer::Identity, &self.identity, action, &mut outcome);
        if outcome.grants.is_empty() {
            return outcome;
        }
        for (layer, sources, _) in self.caps() {
            self.collect(layer, sources, action, &mut outcome);
        }
        let mut layer_order = vec![Layer::Identity];
        for (layer, sources, _) in self.caps() {
            layer_order.push(layer);
            if !outcome.permits.iter().any(|p| p.layer == layer) {
                outcome.blocked_by.push((layer, sources.to_vec()));
            }
        }
        outcome.limits = outcome
            .permits
            .iter()
            .filter(|p| p.hit.conditional || p.hit.coverage != Coverage::All)
            .copied()
            .collect();
        if !outcome.blocked_by.is_empty() {
            return outcome;
        }

        let universe = env.model.universe_of[action];
        let hits: Vec<&HitRef<'c>> = outcome
            .grants
            .iter()
            .chain(&outcome.denies)
            .chain(&outcome.permits)
            .collect();
        let region_dependent = hits.iter().any(|h| {
            h.info().is_some_and(|i| {
                i.conditions
                    .iter()
                    .any(|c| c.key.eq_ignore_ascii_case("aws:RequestedRegion"))
            })
        });
        let regions: Vec<Option<String>> = if region_dependent {
            let mut list: Vec<String> = REGIONS.iter().map(|r| (*r).to_owned()).collect();
            for h in &hits {
                for c in h.info().map_or(&[][..], |i| i.conditions.as_slice()) {
                    if c.key.eq_ignore_ascii_case("aws:RequestedRegion") {
                        for v in &c.values {
                            if !v.contains(['*', '?', '$']) && !list.contains(v) {
                                list.push(v.clone());
                            }
                        }
                    }
                }
            }
            list.into_iter().map(Some).collect()
        } else {
            vec![None]
        };

        let mut role_tags = false;
        let mut per_region: Vec<(Option<String>, Sorted<'_, 'c>, bool, bool)> = Vec::new();
        for region in regions {
            let mut facts = env.facts;
            facts.region = region.as_deref();
            let mut status = |h: &HitRef<'_>| -> Status {
                let Some(info) = h.info() else {
                    return Status::Applies;
                };
                if info.conditions.is_empty() && info.resource_variables.is_empty() {
                    return Status::Applies;
                }
                let (truth, used_role_tags) = facts.truth(&info.conditions);
                role_tags |= used_role_tags;
                match truth {
                    Truth::False => Status::Never,
                    Truth::Unknown => Status::Maybe,
                    Truth::True if !info.resource_variables.is_empty() => Status::Maybe,
                    Truth::True => Status::Applies,
                }
            };
            let sorted = Sorted {
                layers: layer_order
                    .iter()
                    .map(|&layer| {
                        let list = if layer == Layer::Identity {
                            &outcome.grants
                        } else {
                            &outcome.permits
                        };
                        let hits = list
                            .iter()
                            .filter(|h| h.layer == layer)
                            .map(|h| (h, status(h)))
                            .collect();
                        (layer, hits)
                    })
                    .collect(),
                denies: outcome.denies.iter().map(|h| (h, status(h))).collect(),
            };
            let query = Query {
                env,
                universe,
                region: region.as_deref(),
            };
            let sure = !query
                .survivors(&sorted, Level::Sure, None, false, scratch)
                .is_empty();
            let maybe = sure
                || !query
                    .survivors(&sorted, Level::Maybe, None, false, scratch)
                    .is_empty();
            per_region.push((region, sorted, sure, maybe));
        }

        let level = if per_region.iter().any(|r| r.2) {
            Level::Sure
        } else if per_region.iter().any(|r| r.3) {
            Level::Maybe
        } else {
            // Nothing survives: an explicit Deny if dropping the denies would let it through.
            let denied = per_region.iter().any(|(region, sorted, _, _)| {
                let query = Query {
                    env,
                    universe,
                    region: region.as_deref(),
                };
                !query
                    .survivors(sorted, Level::Maybe, Some(Drop::Denies), false, scratch)
                    .is_empty()
            });
            outcome.decision = if denied {
                Decision::Denied
            } else {
                Decision::NotAllowed
            };
            return outcome;
        };
        let passing: Vec<&(Option<String>, Sorted<'_, 'c>, bool, bool)> = per_region
            .iter()
            .filter(|r| if level == Level::Sure { r.2 } else { r.3 })
            .collect();
        if region_dependent && passing.len() < per_region.len() {
            outcome.regions = passing.iter().filter_map(|r| r.0.clone()).collect();
            outcome.resource_scoped = true;
        }
        if role_tags && matches!(env.facts.kind, super::verdict::PrincipalKind::Role) {
            outcome.notes.push(
                "decided with the role's own tags; a session may carry other tags".to_owned(),
            );
        }
        let (region, sorted, _, _) = passing[0];
        let query = Query {
            env,
            universe,
            region: region.as_deref(),
        };
        if query.scoped(sorted, level, scratch) {
            outcome.resource_scoped = true;
            outcome.resources = query.survivors(sorted, level, None, true, scratch);
        }
        if level == Level::Sure {
            outcome.decision = Decision::Allowed;
            return outcome;
        }

        // Conditional: which layers' conditions it hangs on, and their undecided keys.
        outcome.decision = Decision::Conditional;
        outcome.conditional = true;
        let mut by: Vec<ConditionSource> = Vec::new();
        let mut keys: Vec<Label> = Vec::new();
        let add_keys = |hits: &mut dyn Iterator<Item = &(&HitRef<'c>, Status)>,
                        keys: &mut Vec<Label>| {
            for (h, st) in hits {
                if *st != Status::Maybe {
                    continue;
                }
                let mut facts = env.facts;
                facts.region = region.as_deref();
                let decided = h.info().map(|i| {
                    let mut k = facts.decide(&i.conditions).unknown_keys;
                    k.extend(i.resource_variables.iter().cloned());
                    k
                });
                keys.extend(decided.unwrap_or_default());
            }
        };
        for (index, (layer, hits)) in sorted.layers.iter().enumerate() {
            if !hits.iter().any(|(_, st)| *st == Status::Maybe) {
                continue;
            }
            let hangs = query
                .survivors(
                    sorted,
                    Level::Maybe,
                    Some(Drop::MaybeAllows(index)),
                    false,
                    scratch,
                )
                .is_empty();
            if hangs {
                by.push(match layer {
                    Layer::Identity => ConditionSource::Allow,
                    Layer::PermissionsBoundary => ConditionSource::Boundary,
                    Layer::Scp(_) => ConditionSource::Scp,
                });
                add_keys(&mut hits.iter(), &mut keys);
            }
        }
        if sorted.denies.iter().any(|(_, st)| *st == Status::Maybe)
            && query
                .survivors(
                    sorted,
                    Level::Maybe,
                    Some(Drop::CountMaybeDenies),
                    false,
                    scratch,
                )
                .is_empty()
        {
            by.push(ConditionSource::Deny);
            add_keys(&mut sorted.denies.iter(), &mut keys);
        }
        if by.is_empty() {
            // Only a combination of conditions lets it through: name them all.
            for (layer, hits) in &sorted.layers {
                if hits.iter().any(|(_, st)| *st == Status::Maybe) {
                    by.push(match layer {
                        Layer::Identity => ConditionSource::Allow,
                        Layer::PermissionsBoundary => ConditionSource::Boundary,
                        Layer::Scp(_) => ConditionSource::Scp,
                    });
                    add_keys(&mut hits.iter(), &mut keys);
                }
            }
        }
        by.sort();
        by.dedup();
        keys.sort();
        keys.dedup();
        outcome.conditional_by = by;
        outcome.condition_keys = keys;
        outcome
    }
}

/// A variation of a resource-set question.
#[derive(Debug, Clone, Copy)]
enum Drop {
    /// Leave the denies out.
    Denies,
    /// Count only the unconditional allows of this layer.
    MaybeAllows(usize),
    /// Count the conditional denies too.
    CountMaybeDenies,
}

/// Resource-set questions about one action in one region.
struct Query<'q, 'e> {
    env: &'q Env<'e>,
    universe: usize,
    region: Option<&'q str>,
}

/// One choice within a layer: a resource pattern it allows, or everything but its
/// `NotResource` patterns.
#[derive(Clone, Copy)]
enum Pick<'a> {
    Pattern(&'a (String, Vec<Token>)),
    AllBut(&'a [(String, Vec<Token>)]),
}

/// Products larger than this are not enumerated; the set then counts as not empty.
const MAX_COMBINATIONS: usize = 20_000;

impl Query<'_, '_> {
    fn templates(&self) -> Vec<(usize, Vec<Token>)> {
        let model = self.env.model;
        model.universes[self.universe]
            .templates
            .iter()
            .map(|&t| {
                let tokens = self
                    .region
                    .and_then(|r| model.template_in_region(t, r))
                    .unwrap_or_else(|| model.template(t).to_vec());
                (t, tokens)
            })
            .collect()
    }

    /// The sets of resources that survive: allowed by every layer and denied by none, as
    /// descriptions; empty when none does. With `every`, one per resource type that has
    /// survivors; else the first found.
    fn survivors(
        &self,
        sorted: &Sorted<'_, '_>,
        level: Level,
        drop: Option<Drop>,
        every: bool,
        scratch: &mut Scratch,
    ) -> Vec<String> {
        // The statements that count, per layer.
        let mut layers: Vec<Vec<(&StatementInfo, Coverage, u64)>> = Vec::new();
        for (index, (_, hits)) in sorted.layers.iter().enumerate() {
            let level = match drop {
                Some(Drop::MaybeAllows(i)) if i == index => Level::Sure,
                _ => level,
            };
            let counted: Vec<_> = hits
                .iter()
                .filter(|(_, st)| st.allow_counts(level))
                .filter_map(|(h, _)| Some((h.info()?, h.hit.coverage, h.key())))
                .collect();
            if counted.is_empty() {
                return Vec::new();
            }
            layers.push(counted);
        }
        let deny_level = match drop {
            Some(Drop::CountMaybeDenies) => Level::Sure,
            _ => level,
        };
        let denies: Vec<(&StatementInfo, Coverage, u64)> = match drop {
            Some(Drop::Denies) => Vec::new(),
            _ => sorted
                .denies
                .iter()
                .filter(|(_, st)| st.deny_counts(deny_level))
                .filter_map(|(h, _)| Some((h.info()?, h.hit.coverage, h.key())))
                .collect(),
        };
        if denies.iter().any(|d| d.1 == Coverage::All) {
            return Vec::new();
        }
        // A layer with a statement reaching every resource constrains nothing.
        let constrained: Vec<&Vec<(&StatementInfo, Coverage, u64)>> = layers
            .iter()
            .filter(|l| !l.iter().any(|s| s.1 == Coverage::All))
            .collect();
        if constrained.is_empty() && denies.is_empty() {
            return vec![String::new()];
        }

        let mut key: Vec<u64> = vec![self.universe as u64, u64::from(every)];
        key.extend(self.region.map(|r| {
            r.bytes()
                .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)))
        }));
        for layer in &constrained {
            key.push(u64::MAX);
            let mut ids: Vec<u64> = layer.iter().map(|s| s.2).collect();
            ids.sort_unstable();
            ids.dedup();
            key.extend(ids);
        }
        key.push(u64::MAX - 1);
        let mut ids: Vec<u64> = denies.iter().map(|s| s.2).collect();
        ids.sort_unstable();
        ids.dedup();
        key.extend(ids);
        if let Some(found) = scratch.queries.get(&key) {
            return found.clone();
        }

        // Choice groups: one per constrained layer, one per `NotResource` deny (a resource
        // escapes it only inside one of its patterns). `Resource` denies subtract.
        let mut groups: Vec<Vec<Pick<'_>>> = Vec::new();
        for layer in &constrained {
            let mut picks = Vec::new();
            let mut seen: Vec<u64> = Vec::new();
            for (info, _, spec) in layer.iter() {
                if seen.contains(spec) {
                    continue;
                }
                seen.push(*spec);
                if info.negated {
                    picks.push(Pick::AllBut(&info.patterns));
                } else {
                    picks.extend(info.patterns.iter().map(Pick::Pattern));
                }
            }
            groups.push(picks);
        }
        let mut minus: Vec<&(String, Vec<Token>)> = Vec::new();
        let mut seen: Vec<u64> = Vec::new();
        for (info, _, spec) in &denies {
            if seen.contains(spec) {
                continue;
            }
            seen.push(*spec);
            if info.negated {
                groups.push(info.patterns.iter().map(Pick::Pattern).collect());
            } else {
                minus.extend(info.patterns.iter());
            }
        }
        let found = self.enumerate(&groups, &minus, every);
        scratch.queries.insert(key, found.clone());
        found
    }

    fn enumerate(
        &self,
        groups: &[Vec<Pick<'_>>],
        minus: &[&(String, Vec<Token>)],
        every: bool,
    ) -> Vec<String> {
        let mut found = Vec::new();
        if groups.iter().any(Vec::is_empty) {
            return found;
        }
        let total = groups
            .iter()
            .try_fold(1usize, |n, g| n.checked_mul(g.len()))
            .unwrap_or(usize::MAX);
        let templates = self.templates();
        if total > MAX_COMBINATIONS {
            found.push("(too many combinations to check; counted as allowed)".to_owned());
            return found;
        }
        for (template_id, template) in &templates {
            let mut odometer = vec![0usize; groups.len()];
            'combos: loop {
                let mut positives: Vec<&(String, Vec<Token>)> = Vec::new();
                let mut negatives: Vec<&(String, Vec<Token>)> = minus.to_vec();
                for (g, &i) in groups.iter().zip(&odometer) {
                    match g[i] {
                        Pick::Pattern(p) => positives.push(p),
                        Pick::AllBut(ps) => negatives.extend(ps.iter()),
                    }
                }
                let pos: Vec<&[Token]> = positives.iter().map(|p| p.1.as_slice()).collect();
                let neg: Vec<&[Token]> = negatives.iter().map(|p| p.1.as_slice()).collect();
                if glob::nonempty(template, &pos, &neg) {
                    found.push(self.describe(*template_id, &positives, &negatives, template));
                    if !every {
                        return found;
                    }
                    break 'combos;
                }
                // Next combination.
                let mut k = 0;
                loop {
                    if k == odometer.len() {
                        break 'combos;
                    }
                    odometer[k] += 1;
                    if odometer[k] < groups[k].len() {
                        break;
                    }
                    odometer[k] = 0;
                    k += 1;
                }
            }
        }
        found
    }

    fn describe(
        &self,
        template_id: usize,
        positives: &[&(String, Vec<Token>)],
        negatives: &[&(String, Vec<Token>)],
        template: &[Token],
    ) -> String {
        let name = self.env.model.template_name(template_id);
        let mut out = if name == "*" {
            "the request resource \"*\"".to_owned()
        } else {
            format!("{name} resources")
        };
        if let Some(region) = self.region.filter(|_| name != "*") {
            out.push_str(&format!(" in {region}"));
        }
        let mut seen: Vec<&str> = Vec::new();
        for p in positives {
            if !seen.contains(&p.0.as_str()) && p.1.iter().any(|t| *t != Token::Star) {
                seen.push(&p.0);
            }
        }
        if !seen.is_empty() {
            out.push_str(&format!(" matching {}", seen.join(" and ")));
        }
        let mut except: Vec<&str> = Vec::new();
        for n in negatives {
            if !except.contains(&n.0.as_str()) && glob::intersects(&n.1, template) {
                except.push(&n.0);
            }
        }
        if !except.is_empty() {
            out.push_str(&format!(" except {}", except.join(", ")));
        }
        out
    }

    /// Is some resource of the action left out at this level: by a layer that does not reach
    /// it, or by a Deny that counts?
    fn scoped(&self, sorted: &Sorted<'_, '_>, level: Level, scratch: &mut Scratch) -> bool {
        if sorted.denies.iter().any(|(_, st)| st.deny_counts(level)) {
            return true;
        }
        let mut templates: Option<Vec<(usize, Vec<Token>)>> = None;
        for (_, hits) in &sorted.layers {
            let counted: Vec<&StatementInfo> = hits
                .iter()
                .filter(|(_, st)| st.allow_counts(level))
                .filter_map(|(h, _)| {
                    if h.hit.coverage == Coverage::All {
                        None
                    } else {
                        h.info()
                    }
                })
                .collect();
            let reaches_all = hits
                .iter()
                .any(|(h, st)| st.allow_counts(level) && h.hit.coverage == Coverage::All);
            if reaches_all {
                continue;
            }
            // Outside every counted statement: outside each `Resource` list, inside one
            // pattern of each `NotResource` list.
            let groups: Vec<Vec<&(String, Vec<Token>)>> = counted
                .iter()
                .filter(|i| i.negated)
                .map(|i| i.patterns.iter().collect())
                .collect();
            let minus: Vec<&[Token]> = counted
                .iter()
                .filter(|i| !i.negated)
                .flat_map(|i| i.patterns.iter().map(|p| p.1.as_slice()))
                .collect();
            if groups.iter().any(Vec::is_empty) {
                continue;
            }
            let total = groups.iter().map(Vec::len).product::<usize>();
            if total > MAX_COMBINATIONS {
                return true;
            }
            let mut key: Vec<u64> = vec![u64::MAX - 3, self.universe as u64];
            key.extend(self.region.map(|r| {
                r.bytes()
                    .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)))
            }));
            let mut ids: Vec<u64> = counted.iter().map(|i| u64::from(i.spec)).collect();
            ids.sort_unstable();
            ids.dedup();
            key.extend(ids);
            if let Some(found) = scratch.queries.get(&key) {
                if !found.is_empty() {
                    return true;
                }
                continue;
            }
            let templates = templates.get_or_insert_with(|| self.templates());
            let mut outside = false;
            'templates: for (_, template) in templates.iter() {
                let mut odometer = vec![0usize; groups.len()];
                loop {
                    let pos: Vec<&[Token]> = groups
                        .iter()
                        .zip(&odometer)
                        .map(|(g, &i)| g[i].1.as_slice())
                        .collect();
                    if glob::nonempty(template, &pos, &minus) {
                        outside = true;
                        break 'templates;
                    }
                    let mut k = 0;
                    while k < odometer.len() {
                        odometer[k] += 1;
                        if odometer[k] < groups[k].len() {
                            break;
                        }
                        odometer[k] = 0;
                        k += 1;
                    }
                    if k == odometer.len() {
                        break;
                    }
                }
            }
            let answer = if outside {
                vec![String::new()]
            } else {
                Vec::new()
            };
            scratch.queries.insert(key, answer);
            if outside {
                return true;
            }
        }
        false
    }
}

impl HitRef<'_> {
    /// Identifies the statement's resources across principals and policies.
    fn key(&self) -> u64 {
        self.info().map_or(u64::MAX - 2, |i| u64::from(i.spec))
    }
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
            resources: self.resources.clone(),
            regions: self.regions.clone(),
            notes: self.notes.clone(),
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
