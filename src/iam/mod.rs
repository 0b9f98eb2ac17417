//! The IAM policy engine: reads an account export, decides for every user and role which
//! GuardDuty change actions it holds, and explains each decision. Pure: no I/O, no AWS calls.
//!
//! The flow is [`read_export`] (bytes → [`AuthorizationDetails`] and problems), then
//! [`evaluate`] (→ [`Evaluation`]: one verdict per principal) or [`explain`] (one principal,
//! every statement that allows, denies, caps or conditions each action).
//!
//! Evaluation follows AWS's logic for identity-based policies: an explicit Deny wins, then every
//! layer must allow (identity policies, the permissions boundary, each level of service control
//! policies). Statements are matched against the GuardDuty ARN formats of the audited account,
//! with the account id read from the export.

mod compile;
mod condition;
mod decide;
mod eval;
mod explain;
mod export;
pub mod glob;
mod paths;
mod policy;
mod request;
mod resources;
mod scp;
mod scp_action;
mod verdict;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

pub use crate::model::iam::AuthorizationDetails;
pub use eval::{evaluate, evaluate_owned};
pub use explain::{ActionExplanation, Evidence, EvidenceRole, ExplainError, Explanation, explain};
pub use export::{ExportRead, read_export};
pub use paths::{
    ForeignRole, IndirectAccess, Method, PathStats, PathStep, ReachedAction, ReachedActions,
};
pub use policy::Effect;
pub use resources::Coverage;
pub use scp::{ScpFormatError, ScpPolicy, scp_levels_from_json};
pub use scp_action::{ScpBlock, scp_blocks};
pub use verdict::{
    ActionVerdict, ConditionSource, Decision, EvalOptions, Evaluation, Layer, PrincipalKind,
    PrincipalVerdict, PrivilegeReason, StatementRef, Verdict,
};

/// A shared, cheaply cloned name: a policy label or a statement label. Many verdicts point at
/// the same policy, so they share one allocation.
#[derive(Clone, Eq, PartialOrd, Ord)]
pub struct Label(Arc<str>);

impl PartialEq for Label {
    fn eq(&self, other: &Self) -> bool {
        // Shared labels compare by pointer first: verdicts compare many of them.
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl std::hash::Hash for Label {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Label(Arc::from(s))
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Label(Arc::from(s))
    }
}

impl std::ops::Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Something in the input that could not be judged. Everything else still is; a caller with
/// problems should mark the run incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The policy concerned: a managed policy's ARN or an inline policy's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Where it was: the principal's ARN, an export position, an SCP level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub message: String,
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The export file, a page of it or an entry in it could not be read.
    MalformedExport,
    /// A policy document that is not JSON.
    InvalidJson,
    /// A JSON document that is not a policy, or a statement in it that is not valid.
    InvalidPolicy,
    /// A managed policy attached to a principal but not in the export.
    MissingPolicy,
    /// A permissions boundary not in the export: it is not taken to deny anything.
    MissingBoundary,
    /// A managed policy whose default version is not in the export.
    NoDefaultVersion,
    /// A group a user is in that is not in the export.
    MissingGroup,
    /// A role without its trust policy: who may assume it is not known.
    MissingTrustPolicy,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::MalformedExport => "malformed export",
            ProblemKind::InvalidJson => "invalid JSON",
            ProblemKind::InvalidPolicy => "invalid policy",
            ProblemKind::MissingPolicy => "missing policy",
            ProblemKind::MissingBoundary => "missing permissions boundary",
            ProblemKind::NoDefaultVersion => "no default version",
            ProblemKind::MissingGroup => "missing group",
            ProblemKind::MissingTrustPolicy => "missing trust policy",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(policy) = &self.policy {
            write!(f, ": {policy}")?;
        }
        if let Some(location) = &self.location {
            write!(f, " ({location})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Runs `work` over `items` in contiguous chunks on the available cores, keeping order.
fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    parallel_map_with(items, || (), |(), item| work(item))
}

/// Like [`parallel_map`], with per-thread scratch state made by `init` (a cache, a buffer).
/// Threads take small runs of items in turn, so one costly stretch (a user who can join a
/// thousand groups) does not leave the other cores idle; the results keep the items' order.
fn parallel_map_with<T: Sync, R: Send, S>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if threads < 2 || items.len() < 64 {
        let mut state = init();
        return items.iter().map(|item| work(&mut state, item)).collect();
    }
    // Runs small enough to balance, large enough that taking one costs nothing.
    let run = (items.len() / (threads * 16)).clamp(1, 256);
    let next = AtomicUsize::new(0);
    let mut parts: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (init, work, next) = (&init, &work, &next);
                scope.spawn(move || {
                    let mut state = init();
                    let mut done: Vec<(usize, Vec<R>)> = Vec::new();
                    loop {
                        let start = next.fetch_add(run, Ordering::Relaxed);
                        if start >= items.len() {
                            break done;
                        }
                        let end = (start + run).min(items.len());
                        let part = items[start..end]
                            .iter()
                            .map(|item| work(&mut state, item))
                            .collect();
                        done.push((start, part));
                    }
                })
            })
            .collect();
        let mut parts = Vec::new();
        for handle in handles {
            match handle.join() {
                Ok(done) => parts.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    parts.sort_unstable_by_key(|(start, _)| *start);
    let mut out = Vec::with_capacity(items.len());
    for (_, part) in parts {
        out.extend(part);
    }
    out
}
