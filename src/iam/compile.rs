//! Compiling: each policy document parsed once and matched against every change action once,
//! leaving per policy the statements that apply to each action, and how.

use std::collections::HashMap;

use super::condition::Clause;
use super::glob::Token;
use super::policy::{self, Effect, Policy, PolicyError};
use super::request::{PathCache, PathStatement, path_statements};
use super::resources::{ActionMask, ActionTable, Coverage, PatternFacts, ResourceModel};
use super::{Label, Problem, ProblemKind};
use crate::model::iam::{ManagedPolicyDetail, PolicyDocument};

/// A policy matched against every change action: the statements that apply, and how.
#[derive(Debug, Clone)]
pub(crate) struct PolicyEffects {
    /// Statements with at least one hit; [`Hit::statement`] indexes into it.
    pub statements: Vec<StatementInfo>,
    /// Sorted by action.
    pub hits: Vec<Hit>,
    pub allow_mask: ActionMask,
    pub deny_mask: ActionMask,
    /// Has an unconditional Allow of `*` on `*`.
    pub allows_everything: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct StatementInfo {
    /// Position in the document.
    pub index: usize,
    pub label: Label,
    pub condition_keys: Vec<Label>,
    /// The `Condition` block, decided per principal.
    pub conditions: Vec<Clause>,
    /// Policy variables in its resource patterns (`${aws:username}`): their values are not
    /// matched, so they make the statement conditional.
    pub resource_variables: Vec<Label>,
    /// `NotResource` rather than `Resource`.
    pub negated: bool,
    /// The resource patterns that share an ARN with some template of the account (the
    /// others cannot matter), as written and as tokens.
    pub patterns: Vec<(String, Vec<Token>)>,
    /// Identifies `negated` and `patterns` across every policy of the evaluation (statements
    /// with the same resources share it), for memoizing resource-set questions.
    pub spec: u32,
}

/// One statement applying to one action.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub action: u8,
    pub statement: u16,
    pub effect: Effect,
    pub coverage: Coverage,
    pub conditional: bool,
}

/// Per-thread memo of what compiling needs again and again: real accounts repeat a few
/// patterns endlessly, and judging a resource pattern runs automata over every ARN format.
#[derive(Default)]
pub(crate) struct CompileCache {
    actions: HashMap<Vec<u8>, ActionMask>,
    resources: HashMap<Vec<Token>, PatternFacts>,
    paths: PathCache,
}

impl PolicyEffects {
    pub fn compile(
        policy: &Policy,
        table: &ActionTable,
        resources: &ResourceModel,
        cache: &mut CompileCache,
    ) -> Self {
        let mut effects = PolicyEffects {
            statements: Vec::new(),
            hits: Vec::new(),
            allow_mask: 0,
            deny_mask: 0,
            allows_everything: false,
        };
        for statement in &policy.statements {
            effects.allows_everything |= statement.allows_everything();
            let mask = statement.action_mask_with(table, |pattern| {
                if let Some(&mask) = cache.actions.get(pattern) {
                    return mask;
                }
                let mask = policy::pattern_mask(pattern, table);
                cache.actions.insert(pattern.to_vec(), mask);
                mask
            });
            if mask == 0 {
                continue;
            }
            for tokens in statement.resource_tokens() {
                if !cache.resources.contains_key(tokens) {
                    cache
                        .resources
                        .insert(tokens.clone(), resources.facts(tokens));
                }
            }
            let facts: Vec<&PatternFacts> = statement
                .resource_tokens()
                .iter()
                .filter_map(|t| cache.resources.get(t))
                .collect();
            // Statements stay far below u16::MAX (a policy is at most a few KB).
            let info_index = u16::try_from(effects.statements.len()).unwrap_or(u16::MAX);
            let mut memo: Vec<Option<Coverage>> = vec![None; resources.universes.len()];
            let mut any = false;
            for action in (0..table.full.len()).filter(|i| mask & (1 << i) != 0) {
                let u = resources.universe_of[action];
                let coverage = *memo[u].get_or_insert_with(|| {
                    resources.coverage(u, statement.resources.negated, &facts).0
                });
                if coverage == Coverage::None {
                    continue;
                }
                any = true;
                let bit: ActionMask = 1 << action;
                match statement.effect {
                    Effect::Allow => effects.allow_mask |= bit,
                    Effect::Deny => effects.deny_mask |= bit,
                }
                effects.hits.push(Hit {
                    action: u8::try_from(action).unwrap_or(u8::MAX),
                    statement: info_index,
                    effect: statement.effect,
                    coverage,
                    conditional: statement.is_conditional(),
                });
            }
            if any {
                let patterns = statement
                    .resources
                    .patterns
                    .iter()
                    .zip(statement.resource_tokens())
                    .filter(|(_, t)| cache.resources.get(*t).is_some_and(PatternFacts::meets_any))
                    .map(|(p, t)| (p.clone(), t.clone()))
                    .collect();
                let resource_variables = statement
                    .resource_variables()
                    .into_iter()
                    .map(Label::from)
                    .collect();
                effects.statements.push(StatementInfo {
                    index: statement.index,
                    label: Label::from(statement.label()),
                    condition_keys: statement
                        .condition_keys
                        .iter()
                        .map(|k| Label::from(k.as_str()))
                        .collect(),
                    conditions: statement.conditions.clone(),
                    resource_variables,
                    negated: statement.resources.negated,
                    patterns,
                    spec: 0,
                });
            }
        }
        effects.hits.sort_by_key(|h| h.action);
        effects
    }

    pub fn hits_for(&self, action: usize) -> &[Hit] {
        let start = self
            .hits
            .partition_point(|h| usize::from(h.action) < action);
        let end = self
            .hits
            .partition_point(|h| usize::from(h.action) <= action);
        &self.hits[start..end]
    }
}

/// A compiled policy and its name; `effects` is `None` when the document could not be read.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPolicy {
    pub label: Label,
    pub effects: Option<PolicyEffects>,
    /// The statements that apply to the actions of access paths (assuming roles, changing
    /// IAM, passing roles): few in most policies.
    pub path: Vec<PathStatement>,
}

/// A document to compile, and how to name it.
pub(crate) struct Job<'a> {
    pub label: Label,
    pub document: Option<&'a PolicyDocument>,
    /// For problems: where the document was.
    pub location: String,
    /// Set when there is no document to compile: the problem to report instead.
    pub missing: Option<(ProblemKind, String)>,
}

pub(crate) fn managed_job(policy: &ManagedPolicyDetail) -> Job<'_> {
    let label = Label::from(policy.arn.as_str());
    match policy.default_version() {
        Some(version) => Job {
            label,
            document: Some(&version.document),
            location: format!("default version {}", version.version_id),
            missing: None,
        },
        None => Job {
            label,
            document: None,
            location: "managed policy".to_owned(),
            missing: Some((
                ProblemKind::NoDefaultVersion,
                "no default version in the export; not counted".to_owned(),
            )),
        },
    }
}

pub(crate) fn compile_job(
    job: &Job<'_>,
    table: &ActionTable,
    resources: &ResourceModel,
    cache: &mut CompileCache,
) -> (CompiledPolicy, Vec<Problem>) {
    let problem = |kind: ProblemKind, message: String| Problem {
        kind,
        policy: Some(job.label.to_string()),
        location: Some(job.location.clone()),
        message,
    };
    let unreadable = |problems: Vec<Problem>| {
        (
            CompiledPolicy {
                label: job.label.clone(),
                effects: None,
                path: Vec::new(),
            },
            problems,
        )
    };
    let Some(document) = job.document else {
        let (kind, message) = job
            .missing
            .clone()
            .unwrap_or((ProblemKind::InvalidPolicy, "no document".to_owned()));
        return unreadable(vec![problem(kind, message)]);
    };
    if document.is_empty() {
        return unreadable(vec![problem(
            ProblemKind::InvalidPolicy,
            "the export holds no document for it".to_owned(),
        )]);
    }
    match policy::parse(document.as_json_text()) {
        Ok(parsed) => {
            let problems = parsed
                .skipped
                .iter()
                .map(|why| {
                    problem(
                        ProblemKind::InvalidPolicy,
                        format!("{why}; statement skipped"),
                    )
                })
                .collect();
            let effects = PolicyEffects::compile(&parsed, table, resources, cache);
            let path = path_statements(&parsed, &mut cache.paths);
            (
                CompiledPolicy {
                    label: job.label.clone(),
                    effects: Some(effects),
                    path,
                },
                problems,
            )
        }
        Err(err) => {
            let kind = match err {
                PolicyError::InvalidJson(_) => ProblemKind::InvalidJson,
                PolicyError::NotAPolicy(_) => ProblemKind::InvalidPolicy,
            };
            unreadable(vec![problem(kind, format!("{err}; policy not counted"))])
        }
    }
}
