//! Evaluation: every policy compiled once, then combined per user and role (identity policies,
//! permissions boundary, SCP levels) into verdicts.

use std::collections::HashMap;
use std::sync::Arc;

use super::compile::{CompileCache, CompiledPolicy, Job, compile_job, managed_job};
use super::condition::Facts;
use super::decide::{Env, Layers, Scratch, Source, allow_mask};
use super::resources::{ActionTable, ResourceModel, action_table};
use super::verdict::{
    ActionVerdict, Decision, EvalOptions, Evaluation, PrincipalKind, PrincipalVerdict,
    PrivilegeReason, Verdict,
};
use super::{Label, Problem, ProblemKind, glob, parallel_map_with};
use crate::model::iam::{
    AttachedPolicy, AuthorizationDetails, InlinePolicy, ManagedPolicyDetail, PermissionsBoundary,
    PolicyDocument, RoleDetail, Tag,
};

/// Evaluates every user and role of the export.
pub fn evaluate(details: &AuthorizationDetails, opts: &EvalOptions) -> Evaluation {
    run(Context::build(details, opts, None), opts)
}

/// Like [`evaluate`], for an export the caller is done with. Once the documents are compiled,
/// the identity policies' text (inline policies and each managed policy's default version) is
/// freed, and the principals are resolved again over the compiled policies, before verdicts
/// and access paths are worked out: on a large export that text is a third of the memory the
/// export takes. Trust policies and the other versions of a managed policy stay: the access
/// paths read them.
pub fn evaluate_owned(mut details: AuthorizationDetails, opts: &EvalOptions) -> Evaluation {
    let compiled = Context::build(&details, opts, None).into_compiled();
    details.release_identity_documents();
    let evaluation = run(Context::build(&details, opts, Some(compiled)), opts);
    // Freed on another core while the caller goes on with the verdicts.
    std::thread::spawn(move || drop(details));
    evaluation
}

fn run(mut ctx: Context<'_>, opts: &EvalOptions) -> Evaluation {
    opts.progress.add_total(ctx.principals.len() as u64);
    let principals = parallel_map_with(&ctx.principals, Scratch::default, |scratch, plan| {
        let verdict = ctx.verdict(plan, scratch);
        opts.progress.inc();
        verdict
    });
    let specs = std::mem::take(&mut ctx.specs);
    let paths = super::paths::analyse(&ctx, specs, &principals, opts);
    let mut problems = ctx.problems;
    problems.extend(paths.problems);
    Evaluation {
        account_id: ctx.account_id.clone(),
        principals,
        service_linked_roles_skipped: ctx.service_linked_roles_skipped,
        problems,
        indirect: paths.indirect,
        path_stats: paths.stats,
        exposed: paths.exposed,
    }
}

/// How a principal's permissions boundary stands.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Boundary {
    None,
    /// Compiled policy id.
    Known(usize),
    /// Named but not in the export (or unreadable): not taken to deny anything.
    Unknown,
}

/// One user or role, resolved to compiled policy ids.
#[derive(Debug, Clone)]
pub(crate) struct Plan<'a> {
    pub kind: PrincipalKind,
    pub name: &'a str,
    pub arn: &'a str,
    /// Policy id and, for group policies, the group's name.
    pub identity: Vec<(usize, Option<&'a str>)>,
    pub boundary: Boundary,
    /// A user's id (`AIDA…`), for `aws:userid`.
    pub user_id: Option<&'a str>,
    /// `None` when the export does not say which tags the principal has.
    pub tags: Option<&'a [Tag]>,
    /// A role's export entry (its trust policy, its instance profiles).
    pub role: Option<&'a RoleDetail>,
    /// A user's groups, by name.
    pub groups: &'a [String],
}

/// Everything compiled for one evaluation.
pub(crate) struct Context<'a> {
    pub account_id: Option<String>,
    pub table: &'static ActionTable,
    pub resources: ResourceModel,
    pub policies: Vec<CompiledPolicy>,
    /// The document behind each compiled policy, for explanations.
    pub documents: Vec<Option<&'a PolicyDocument>>,
    pub principals: Vec<Plan<'a>>,
    pub scp_levels: Vec<Vec<usize>>,
    /// `--privileged` ARN globs.
    pub globs: &'a [String],
    pub service_linked_roles_skipped: usize,
    pub problems: Vec<Problem>,
    /// Resource-pattern spec ids handed out so far (see [`StatementInfo::spec`]), to compile
    /// more policies later under the same numbering.
    pub specs: HashMap<(bool, Vec<String>), u32>,
    pub details: &'a AuthorizationDetails,
    /// How many of `problems` came from resolving principals (the rest, from compiling).
    resolve_problems: usize,
}

/// What compiling an export's documents gave, for a second [`Context::build`] over the same
/// export once its documents are freed (see [`evaluate_owned`]).
pub(crate) struct Compiled {
    policies: Vec<CompiledPolicy>,
    problems: Vec<Problem>,
    specs: HashMap<(bool, Vec<String>), u32>,
}

/// Collects the documents to compile while resolving each principal's policies.
struct Builder<'a> {
    jobs: Vec<Job<'a>>,
    managed_index: HashMap<&'a str, &'a ManagedPolicyDetail>,
    managed_ids: HashMap<&'a str, usize>,
    /// Attached but absent: ARN, first principal, how many principals.
    missing: Vec<(&'a str, &'a str, usize)>,
    missing_index: HashMap<&'a str, usize>,
    problems: Vec<Problem>,
    /// Set when the documents are compiled already: jobs only hold their place.
    placeholder: Option<Label>,
}

impl<'a> Builder<'a> {
    /// The id of a managed policy, compiled once on first use; `None` when the export does
    /// not hold it.
    fn managed(&mut self, arn: &'a str) -> Option<usize> {
        if let Some(&id) = self.managed_ids.get(arn) {
            return Some(id);
        }
        let policy = self.managed_index.get(arn).copied()?;
        let id = self.jobs.len();
        let job = match &self.placeholder {
            Some(label) => placeholder(label),
            None => managed_job(policy),
        };
        self.jobs.push(job);
        self.managed_ids.insert(arn, id);
        Some(id)
    }

    fn inline(&mut self, kind: &str, owner: &str, arn: &str, policy: &'a InlinePolicy) -> usize {
        if let Some(label) = &self.placeholder {
            self.jobs.push(placeholder(label));
            return self.jobs.len() - 1;
        }
        self.jobs.push(Job {
            label: Label::from(format!("inline/{kind}/{owner}/{}", policy.policy_name)),
            document: Some(&policy.policy_document),
            location: arn.to_owned(),
            missing: None,
        });
        self.jobs.len() - 1
    }

    /// The ids of the attached managed policies the export holds; the others are noted.
    fn attached(&mut self, attached: &'a [AttachedPolicy], principal: &'a str) -> Vec<usize> {
        let mut ids = Vec::with_capacity(attached.len());
        for a in attached {
            let arn = a.policy_arn.as_str();
            match self.managed(arn) {
                Some(id) => ids.push(id),
                None => match self.missing_index.get(arn) {
                    Some(&i) => self.missing[i].2 += 1,
                    None => {
                        self.missing_index.insert(arn, self.missing.len());
                        self.missing.push((arn, principal, 1));
                    }
                },
            }
        }
        ids
    }

    fn boundary(&mut self, boundary: Option<&'a PermissionsBoundary>, principal: &str) -> Boundary {
        let Some(b) = boundary else {
            return Boundary::None;
        };
        if let Some(id) = self.managed(&b.permissions_boundary_arn) {
            return Boundary::Known(id);
        }
        self.problems.push(Problem {
            kind: ProblemKind::MissingBoundary,
            policy: Some(b.permissions_boundary_arn.clone()),
            location: Some(principal.to_owned()),
            message: "permissions boundary not in the export; not taken to deny anything"
                .to_owned(),
        });
        Boundary::Unknown
    }
}

/// A job that only holds a place: its policy is compiled already.
fn placeholder<'a>(label: &Label) -> Job<'a> {
    Job {
        label: label.clone(),
        document: None,
        location: String::new(),
        missing: None,
    }
}

impl<'a> Context<'a> {
    /// Resolves every principal's policies and compiles each document once; with `compiled`
    /// (from a build over the same export), takes those policies instead of compiling.
    pub fn build(
        details: &'a AuthorizationDetails,
        opts: &'a EvalOptions,
        compiled: Option<Compiled>,
    ) -> Self {
        let (partition, account_id) = account_of(details);
        let table = action_table();
        let resources = ResourceModel::new(partition.as_deref(), account_id.as_deref());
        let mut b = Builder {
            jobs: Vec::new(),
            // The first of two entries with one ARN wins, as in the export's order.
            managed_index: details
                .policies
                .iter()
                .rev()
                .map(|p| (p.arn.as_str(), p))
                .collect(),
            managed_ids: HashMap::new(),
            missing: Vec::new(),
            missing_index: HashMap::new(),
            problems: Vec::new(),
            placeholder: compiled.as_ref().map(|_| Label::from("")),
        };

        // Groups: their policies are shared by their members.
        let mut group_policies: HashMap<&str, Vec<usize>> = HashMap::new();
        for group in &details.groups {
            let mut ids = Vec::new();
            for p in &group.group_policy_list {
                ids.push(b.inline("group", &group.group_name, &group.arn, p));
            }
            ids.extend(b.attached(&group.attached_managed_policies, &group.arn));
            group_policies.entry(&group.group_name).or_insert(ids);
        }

        // AWS leaves an empty tag list out of an export: where any principal carries `Tags`,
        // the export holds tags and one without them has none; where none does, tags are
        // not known.
        let tags_known = details.users.iter().any(|u| u.tags.is_some())
            || details.roles.iter().any(|r| r.tags.is_some());
        let mut principals = Vec::with_capacity(details.users.len() + details.roles.len());
        for user in &details.users {
            let mut identity = Vec::new();
            for p in &user.user_policy_list {
                identity.push((b.inline("user", &user.user_name, &user.arn, p), None));
            }
            let attached = b.attached(&user.attached_managed_policies, &user.arn);
            identity.extend(attached.into_iter().map(|id| (id, None)));
            for group in &user.group_list {
                match group_policies.get(group.as_str()) {
                    Some(ids) => identity.extend(ids.iter().map(|&id| (id, Some(group.as_str())))),
                    None => b.problems.push(Problem {
                        kind: ProblemKind::MissingGroup,
                        policy: None,
                        location: Some(user.arn.clone()),
                        message: format!(
                            "group {group} is not in the export; its policies are not counted"
                        ),
                    }),
                }
            }
            let boundary = b.boundary(user.permissions_boundary.as_ref(), &user.arn);
            principals.push(Plan {
                kind: PrincipalKind::User,
                name: &user.user_name,
                arn: &user.arn,
                identity: dedup_ids(identity),
                boundary,
                user_id: Some(user.user_id.as_str()).filter(|id| !id.is_empty()),
                tags: known_tags(tags_known, user.tags.as_deref()),
                role: None,
                groups: &user.group_list,
            });
        }
        let mut service_linked_roles_skipped = 0;
        for role in &details.roles {
            if role.is_service_linked() {
                service_linked_roles_skipped += 1;
                continue;
            }
            let mut identity = Vec::new();
            for p in &role.role_policy_list {
                identity.push((b.inline("role", &role.role_name, &role.arn, p), None));
            }
            let attached = b.attached(&role.attached_managed_policies, &role.arn);
            identity.extend(attached.into_iter().map(|id| (id, None)));
            let boundary = b.boundary(role.permissions_boundary.as_ref(), &role.arn);
            principals.push(Plan {
                kind: PrincipalKind::Role,
                name: &role.role_name,
                arn: &role.arn,
                identity: dedup_ids(identity),
                boundary,
                user_id: None,
                tags: known_tags(tags_known, role.tags.as_deref()),
                role: Some(role),
                groups: &[],
            });
        }
        for &(arn, principal, count) in &b.missing {
            let others = match count {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            b.problems.push(Problem {
                kind: ProblemKind::MissingPolicy,
                policy: Some(arn.to_owned()),
                location: Some(format!("{principal}{others}")),
                message: "attached managed policy not in the export; not counted".to_owned(),
            });
        }

        let mut scp_levels = Vec::with_capacity(opts.scps.len());
        for (level, scps) in opts.scps.iter().enumerate() {
            let mut ids = Vec::new();
            for scp in scps {
                ids.push(b.jobs.len());
                b.jobs.push(Job {
                    label: Label::from(format!("scp/{level}/{}", scp.name)),
                    document: Some(&scp.document),
                    location: format!("SCP level {level}"),
                    missing: None,
                });
            }
            scp_levels.push(ids);
        }

        let mut problems = b.problems;
        let resolve_problems = problems.len();
        let documents = b.jobs.iter().map(|j| j.document).collect();
        // The same export resolves to the same jobs, in the same order. (Were it somehow not
        // to, the placeholders compile to unreadable policies and the problems say so.)
        let (policies, specs) = match compiled.filter(|c| c.policies.len() == b.jobs.len()) {
            Some(c) => {
                problems.extend(c.problems);
                (c.policies, c.specs)
            }
            None => {
                let compiled = parallel_map_with(&b.jobs, CompileCache::default, |cache, job| {
                    compile_job(job, table, &resources, cache)
                });
                let mut policies = Vec::with_capacity(compiled.len());
                // Statements with the same resources get the same spec id, whatever policy
                // they are in.
                let mut specs: HashMap<(bool, Vec<String>), u32> = HashMap::new();
                for (mut policy, mut job_problems) in compiled {
                    number_specs(&mut policy, &mut specs);
                    policies.push(policy);
                    problems.append(&mut job_problems);
                }
                (policies, specs)
            }
        };
        // An unreadable boundary is treated like a missing one.
        for plan in &mut principals {
            if let Boundary::Known(id) = plan.boundary
                && policies[id].effects.is_none()
            {
                plan.boundary = Boundary::Unknown;
            }
        }

        Context {
            account_id,
            table,
            resources,
            policies,
            documents,
            principals,
            scp_levels,
            globs: &opts.privileged_globs,
            service_linked_roles_skipped,
            problems,
            specs,
            details,
            resolve_problems,
        }
    }

    /// The compiled policies, for another build over the same export.
    pub(crate) fn into_compiled(mut self) -> Compiled {
        Compiled {
            problems: self
                .problems
                .split_off(self.resolve_problems.min(self.problems.len())),
            policies: self.policies,
            specs: self.specs,
        }
    }

    /// Compiles one more document (a policy version that is not the default, a policy an
    /// attacker would attach) under this evaluation's numbering; `None` when unreadable.
    pub fn compile_more(
        &self,
        specs: &mut HashMap<(bool, Vec<String>), u32>,
        label: &str,
        document: &PolicyDocument,
    ) -> Option<CompiledPolicy> {
        let job = Job {
            label: Label::from(label),
            document: Some(document),
            location: String::new(),
            missing: None,
        };
        let (mut policy, _) = compile_job(
            &job,
            self.table,
            &self.resources,
            &mut CompileCache::default(),
        );
        policy.effects.as_ref()?;
        number_specs(&mut policy, specs);
        Some(policy)
    }

    pub fn layers(&self, plan: &Plan<'a>) -> Layers<'_> {
        let source = |id: usize, via: Option<&'a str>| Source {
            id,
            policy: &self.policies[id],
            via,
        };
        Layers {
            identity: plan
                .identity
                .iter()
                .map(|&(id, via)| source(id, via))
                .collect(),
            boundary: match plan.boundary {
                Boundary::Known(id) => Some(source(id, None)),
                Boundary::None | Boundary::Unknown => None,
            },
            scps: self
                .scp_levels
                .iter()
                .enumerate()
                .map(|(level, ids)| {
                    let readable = ids
                        .iter()
                        .filter(|&&id| self.policies[id].effects.is_some())
                        .map(|&id| source(id, None))
                        .collect::<Vec<_>>();
                    (level, readable)
                })
                .filter(|(_, readable)| !readable.is_empty())
                .collect(),
        }
    }

    /// What conditions may use about the principal.
    pub fn facts(&self, plan: &Plan<'a>) -> Facts<'_> {
        Facts {
            arn: plan.arn,
            kind: plan.kind,
            name: plan.name,
            user_id: plan.user_id,
            tags: plan.tags,
            account: self.account_id.as_deref(),
            region: None,
            request: &[],
        }
    }

    pub fn verdict(&self, plan: &Plan<'a>, scratch: &mut Scratch) -> PrincipalVerdict {
        let layers = self.layers(plan);
        let env = Env {
            model: &self.resources,
            facts: self.facts(plan),
        };
        let granted = allow_mask(&layers.identity);
        let mut actions = Vec::with_capacity(granted.count_ones() as usize);
        let mut distinct: Vec<Arc<Verdict>> = Vec::new();
        for action in (0..self.table.full.len()).filter(|i| granted & (1 << i) != 0) {
            let verdict = layers.decide(action, &env, scratch).verdict();
            let shared = match distinct.iter().find(|v| ***v == verdict) {
                Some(v) => Arc::clone(v),
                None => {
                    let v = Arc::new(verdict);
                    distinct.push(Arc::clone(&v));
                    v
                }
            };
            actions.push(ActionVerdict::new(action, shared));
        }
        let privileged = self.privilege(plan, &layers, &actions);
        PrincipalVerdict {
            arn: plan.arn.to_owned(),
            name: plan.name.to_owned(),
            kind: plan.kind,
            privileged,
            actions,
        }
    }

    pub fn privilege(
        &self,
        plan: &Plan<'a>,
        layers: &Layers<'_>,
        verdicts: &[ActionVerdict],
    ) -> Option<PrivilegeReason> {
        let everything = |s: &Source<'_>| {
            s.policy
                .effects
                .as_ref()
                .is_some_and(|e| e.allows_everything)
        };
        let readable = layers.identity.iter().all(|s| s.policy.effects.is_some());
        let administrator = readable
            && layers.identity.iter().any(everything)
            && layers.boundary.as_ref().is_none_or(everything)
            && layers
                .scps
                .iter()
                .all(|(_, level)| level.iter().any(everything))
            && verdicts.len() == self.table.full.len()
            && verdicts
                .iter()
                .all(|v| v.decision == Decision::Allowed && !v.resource_scoped);
        if administrator {
            return Some(PrivilegeReason::Administrator);
        }
        self.globs
            .iter()
            .find(|g| glob::matches(g.as_bytes(), plan.arn.as_bytes()))
            .map(|g| PrivilegeReason::MatchesGlob { glob: g.clone() })
    }

    /// Finds a user or role by ARN or name (exact, then case-insensitive).
    pub fn find(&self, key: &str) -> Result<&Plan<'a>, Vec<&Plan<'a>>> {
        let exact: Vec<&Plan<'a>> = self
            .principals
            .iter()
            .filter(|p| p.arn == key || p.name == key)
            .collect();
        let found = if exact.is_empty() {
            self.principals
                .iter()
                .filter(|p| p.arn.eq_ignore_ascii_case(key) || p.name.eq_ignore_ascii_case(key))
                .collect()
        } else {
            exact
        };
        match found.as_slice() {
            [one] => Ok(one),
            _ => Err(found),
        }
    }
}

/// Gives each statement the id of its resources (shared by every statement with the same).
fn number_specs(policy: &mut CompiledPolicy, specs: &mut HashMap<(bool, Vec<String>), u32>) {
    if let Some(effects) = &mut policy.effects {
        for info in &mut effects.statements {
            let key = (
                info.negated,
                info.patterns.iter().map(|p| p.0.clone()).collect(),
            );
            let next = u32::try_from(specs.len()).unwrap_or(u32::MAX);
            info.spec = *specs.entry(key).or_insert(next);
        }
    }
}

fn dedup_ids<'a>(ids: Vec<(usize, Option<&'a str>)>) -> Vec<(usize, Option<&'a str>)> {
    let mut out: Vec<(usize, Option<&'a str>)> = Vec::with_capacity(ids.len());
    for (id, via) in ids {
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, via));
        }
    }
    out
}

/// The partition and 12-digit account most of the export's users, groups, roles and customer
/// managed policies belong to.
fn account_of(details: &AuthorizationDetails) -> (Option<String>, Option<String>) {
    let arns = details
        .users
        .iter()
        .map(|u| u.arn.as_str())
        .chain(details.groups.iter().map(|g| g.arn.as_str()))
        .chain(details.roles.iter().map(|r| r.arn.as_str()))
        .chain(details.policies.iter().map(|p| p.arn.as_str()));
    let mut accounts: HashMap<&str, usize> = HashMap::new();
    let mut partitions: HashMap<&str, usize> = HashMap::new();
    for arn in arns {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(_), Some(_), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            continue;
        };
        if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
            *accounts.entry(account).or_default() += 1;
            *partitions.entry(partition).or_default() += 1;
        }
    }
    let most = |counts: HashMap<&str, usize>| {
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, _)| k.to_owned())
    };
    (most(partitions), most(accounts))
}

/// A principal's tags when the export says which it has (see [`Context::build`]).
fn known_tags(known: bool, tags: Option<&[Tag]>) -> Option<&[Tag]> {
    match tags {
        Some(t) => Some(t),
        None if known => Some(&[]),
        None => None,
    }
}
