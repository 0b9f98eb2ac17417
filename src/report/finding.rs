//! The finding: one problem found by a check, in the form every renderer and the exit code read.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case check id, e.g. `detector-missing`.
    pub check: String,
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
    /// Check-specific facts.
    pub details: Details,
    pub remediation: String,
    /// Set when a suppression in the configuration file matches: the finding is still
    /// reported, but does not count towards the exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

/// Why a finding is suppressed: the configuration's suppression that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    pub reason: String,
    /// The date (YYYY-MM-DD) after which the suppression stops applying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A finding's check-specific facts: compact JSON text, or made on demand from data the
/// check shares between its findings.
///
/// An account export can flag tens of thousands of principals with dozens of actions each:
/// their details, printed, are several times the size of the export. The permissions check
/// therefore keeps one shared evaluation and writes each finding's details only while it is
/// being rendered ([`DetailsSource`]); other checks keep small JSON texts. Renderers that look
/// inside call [`Details::value`].
#[derive(Clone)]
pub struct Details(Inner);

#[derive(Clone)]
enum Inner {
    Text(Box<RawValue>),
    Lazy {
        source: Arc<dyn DetailsSource>,
        index: usize,
    },
}

/// Makes the details of finding `index` when they are needed.
pub trait DetailsSource: Send + Sync {
    fn details(&self, index: usize) -> Box<RawValue>;
}

impl Details {
    /// Serializes `value` once, compactly.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Details {
        match serde_json::value::to_raw_value(value) {
            Ok(raw) => Details(Inner::Text(raw)),
            // Only a map with non-string keys fails; no check builds one.
            Err(_) => Details::null(),
        }
    }

    /// Details that `source` makes for `index` whenever they are rendered.
    pub fn lazy(source: Arc<dyn DetailsSource>, index: usize) -> Details {
        Details(Inner::Lazy { source, index })
    }

    /// `null`: no details.
    pub fn null() -> Details {
        Details(Inner::Text(RawValue::NULL.to_owned()))
    }

    /// The details as a JSON value (parsed on each call).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.as_json()).unwrap_or(serde_json::Value::Null)
    }

    /// The compact JSON text.
    pub fn as_json(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Inner::Text(raw) => std::borrow::Cow::Borrowed(raw.get()),
            Inner::Lazy { source, index } => {
                std::borrow::Cow::Owned(source.details(*index).get().to_owned())
            }
        }
    }
}

impl From<serde_json::Value> for Details {
    fn from(value: serde_json::Value) -> Self {
        Details::new(&value)
    }
}

impl PartialEq for Details {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl std::fmt::Debug for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_json())
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Inner::Text(raw) => raw.serialize(serializer),
            // Made, written and dropped: only one finding's details exist at a time.
            Inner::Lazy { source, index } => source.details(*index).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|raw| Details(Inner::Text(raw)))
    }
}

/// A stable identifier for one problem: the same check on the same account, region,
/// resource and discriminator (a feature name, an action, an event id) always yields the
/// same value, so a ticket system can de-duplicate on it.
pub fn fingerprint(
    check: &str,
    account: Option<&str>,
    region: Option<&str>,
    resource: &str,
    discriminator: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        check,
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
    fn details_keep_their_json() {
        let d = Details::from(serde_json::json!({"b": [1, "x"]}));
        assert_eq!(d.as_json(), r#"{"b":[1,"x"]}"#);
        assert_eq!(d.value()["b"][1], "x");
        assert_eq!(serde_json::to_string(&d).unwrap(), d.as_json());
        assert_eq!(Details::null().as_json(), "null");
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = fingerprint("c", Some("1"), Some("r"), "ab", "c");
        assert_eq!(a, fingerprint("c", Some("1"), Some("r"), "ab", "c"));
        assert_ne!(a, fingerprint("c", Some("1"), Some("r"), "a", "bc"));
        assert_eq!(a.len(), 32);
    }
}
