//! The finding: one problem found by a check, in the form every renderer and the exit code read.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use super::details::Details;
pub use super::registry::CheckId;

/// How serious a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, as reported. Built by the checks; never by the collectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The registered check that found it (its kebab-case id in every output).
    pub check: CheckId,
    pub severity: Severity,
    /// One line saying what is wrong, in the user's words.
    pub title: String,
    pub account: Option<String>,
    /// `None` for account-wide (global) findings such as IAM permissions.
    pub region: Option<String>,
    /// The thing the finding is about: a detector id, a principal ARN, an event id…
    pub resource: String,
    /// Stable across runs for the same problem; see [`fingerprint`].
    pub fingerprint: String,
    /// Check-specific facts, typed.
    pub details: Details,
    pub remediation: String,
    /// Set when a suppression in the configuration file matches: the finding is still
    /// reported, but does not count towards the exit code.
    pub suppressed: Option<Suppressed>,
}

/// Why a finding is suppressed: the configuration's suppression that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub reason: String,
    /// The date (YYYY-MM-DD) after which the suppression stops applying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A stable identifier for one problem: the same check on the same account, region,
/// resource and discriminator (a feature name, an action, an event id) always yields the
/// same value, so a ticket system can de-duplicate on it.
pub fn fingerprint(
    check: CheckId,
    account: Option<&str>,
    region: Option<&str>,
    resource: &str,
    discriminator: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        check.as_str(),
        account.unwrap_or(""),
        region.unwrap_or(""),
        resource,
        discriminator,
    ] {
        hasher.update(part.as_bytes());
        // A separator that cannot appear in any part keeps ("a","bc") and ("ab","c") apart.
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(32);
    for byte in &digest[..16] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_info_to_critical() {
        assert!(Severity::Info < Severity::Low);
        assert!(Severity::High < Severity::Critical);
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = fingerprint(CheckId::DetectorMissing, Some("1"), Some("r"), "ab", "c");
        assert_eq!(
            a,
            fingerprint(CheckId::DetectorMissing, Some("1"), Some("r"), "ab", "c")
        );
        assert_ne!(
            a,
            fingerprint(CheckId::DetectorMissing, Some("1"), Some("r"), "a", "bc")
        );
        assert_eq!(a.len(), 32);
    }
}
