//! Checks: pure, synchronous, deterministic functions from the model to findings.
//! Every check is registered in [`CATALOGUE`] with a stable id and documented in docs/checks.md.

pub mod changes;
pub mod detectors;
pub mod permissions;

use crate::report::finding::Severity;

/// What a check is, for the docs, SARIF rules and the `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable kebab-case id; also the anchor of its section in docs/checks.md.
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub remediation: &'static str,
}

impl CheckInfo {
    /// Link to the check's section in the documentation.
    pub fn docs_url(&self) -> String {
        format!("{}#{}", DOCS_CHECKS_URL, self.id)
    }
}

/// Where docs/checks.md is published.
pub const DOCS_CHECKS_URL: &str = "docs/checks.md";

/// Every check gdaudit has, in the order the docs list them.
pub fn catalogue() -> Vec<&'static CheckInfo> {
    detectors::CHECKS
        .iter()
        .chain(changes::CHECKS)
        .chain(permissions::CHECKS)
        .collect()
}

/// Looks a check up by id.
pub fn check(id: &str) -> Option<&'static CheckInfo> {
    catalogue().into_iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn check_ids_are_unique_kebab_case_and_documented() {
        let docs = include_str!("../../docs/checks.md");
        let mut seen = HashSet::new();
        for check in catalogue() {
            assert!(seen.insert(check.id), "duplicate check id {}", check.id);
            assert!(
                check
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                check.id
            );
            assert!(
                docs.contains(&format!("## `{}`", check.id)),
                "docs/checks.md has no section for {}",
                check.id
            );
            assert!(!check.remediation.is_empty());
        }
    }
}
