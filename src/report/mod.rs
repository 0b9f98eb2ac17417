//! Findings and reports: the summary, the exit code, and one renderer per format.

pub mod csv;
pub mod details;
pub mod finding;
pub mod html;
pub mod inventory;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod ocsf;
pub mod registry;
pub mod sanitize;
pub mod sarif;
pub mod table;

use std::io::Write;

use serde::Serialize;

use crate::model::CollectError;
use finding::{Finding, Severity};

/// The process exit status, as documented in docs/exit-codes.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above `--fail-on`, and everything in scope was checked.
    Clean = 0,
    /// A finding at or above `--fail-on`.
    Failed = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// Something in scope could not be checked, and no finding reached the threshold.
    Incomplete = 3,
}

/// The threshold for exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Findings never fail the run (an incomplete audit still exits 3).
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run, or `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Reads `critical`, `high`, `medium`, `low`, `info` or `never` (any case).
    pub fn from_name(name: &str) -> Option<FailOn> {
        Some(match name.to_ascii_lowercase().as_str() {
            "critical" => FailOn::Critical,
            "high" => FailOn::High,
            "medium" => FailOn::Medium,
            "low" => FailOn::Low,
            "info" => FailOn::Info,
            "never" => FailOn::Never,
            _ => return None,
        })
    }
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Sarif,
    Csv,
    Ocsf,
    Markdown,
    Html,
}

/// What was found in a region, in the user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionState {
    /// An enabled detector.
    Enabled,
    /// Detectors, none enabled.
    Suspended,
    NoDetector,
    /// The region is not enabled for the account (opt-in).
    NotEnabled,
    /// Read completely (CloudTrail).
    Read,
    /// The region could not be checked.
    Error,
}

impl RegionState {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionState::Enabled => "enabled",
            RegionState::Suspended => "suspended",
            RegionState::NoDetector => "no-detector",
            RegionState::NotEnabled => "not-enabled",
            RegionState::Read => "read",
            RegionState::Error => "error",
        }
    }
}

/// The status of one region in a report.
#[derive(Debug, Clone, Serialize)]
pub struct RegionStatus {
    pub region: String,
    pub state: RegionState,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
}

/// A run's result: one section per audit (and, in an organization run, per account).
#[derive(Debug, Clone)]
pub struct Report {
    /// The command that ran (`detectors`, `audit`, …).
    pub command: &'static str,
    pub account: Option<String>,
    pub generated_at: String,
    pub sections: Vec<Section>,
}

/// One audit's result: what was checked, what was found, and what could not be checked.
#[derive(Debug, Clone)]
pub struct Section {
    pub account: Option<String>,
    pub regions: Vec<RegionStatus>,
    pub findings: Vec<Finding>,
    /// Why the audit is incomplete, one line each; empty when it is complete.
    pub incomplete: Vec<String>,
    /// The audit's own inventory, under its own key in JSON (e.g. `detectors`).
    pub inventory: Inventory,
    /// Suppressions of the configuration file that matched a finding but have expired.
    pub expired_suppressions: Vec<String>,
}

/// The audit-specific part of a section.
#[derive(Debug, Clone)]
pub enum Inventory {
    Detectors(Vec<inventory::DetectorRow>),
    Changes(inventory::ChangesSummary),
    Permissions(inventory::PermissionsSummary),
    Organization(inventory::OrgInventory),
}

impl Inventory {
    /// The audit's name: `detectors`, `changes` or `permissions`.
    pub fn audit(&self) -> &'static str {
        match self {
            Inventory::Detectors(_) => "detectors",
            Inventory::Changes(_) => "changes",
            Inventory::Permissions(_) => "permissions",
            Inventory::Organization(_) => "organization",
        }
    }
}

impl Section {
    /// A section with these findings and nothing else yet.
    pub fn new(inventory: Inventory) -> Section {
        Section {
            account: None,
            regions: Vec::new(),
            findings: Vec::new(),
            incomplete: Vec::new(),
            inventory,
            expired_suppressions: Vec::new(),
        }
    }

    /// Sorts findings most severe first, then by region, check and resource, so output is stable.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.check.as_str().cmp(b.check.as_str()))
                .then_with(|| a.resource.cmp(&b.resource))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
    }

    /// The findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// Findings of this severity that are not suppressed.
    pub fn count(&self, severity: Severity) -> usize {
        self.active().filter(|f| f.severity == severity).count()
    }

    /// Findings a configured suppression matched.
    pub fn suppressed(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count()
    }
}

impl Report {
    /// Every finding, section by section.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.sections.iter().flat_map(|s| s.findings.iter())
    }

    /// The findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings().filter(|f| f.suppressed.is_none())
    }

    /// Findings of this severity that are not suppressed.
    pub fn count(&self, severity: Severity) -> usize {
        self.active().filter(|f| f.severity == severity).count()
    }

    /// Findings a configured suppression matched.
    pub fn suppressed(&self) -> usize {
        self.sections.iter().map(Section::suppressed).sum()
    }

    /// Why the run is incomplete, one line each; with several sections, each line starts
    /// with the audit it belongs to.
    pub fn incomplete(&self) -> Vec<String> {
        let several = self.sections.len() > 1;
        self.sections
            .iter()
            .flat_map(|s| {
                s.incomplete.iter().map(move |reason| {
                    if several {
                        format!("{}: {reason}", s.inventory.audit())
                    } else {
                        reason.clone()
                    }
                })
            })
            .collect()
    }

    /// Whether anything in scope could not be checked.
    pub fn is_incomplete(&self) -> bool {
        self.sections.iter().any(|s| !s.incomplete.is_empty())
    }

    /// Expired suppressions, section by section.
    pub fn expired_suppressions(&self) -> Vec<String> {
        self.sections
            .iter()
            .flat_map(|s| s.expired_suppressions.iter().cloned())
            .collect()
    }

    /// The regions of the run: a single section's, or the detectors section's.
    pub fn regions(&self) -> &[RegionStatus] {
        let section = match self.sections.as_slice() {
            [one] => Some(one),
            many => many
                .iter()
                .find(|s| matches!(s.inventory, Inventory::Detectors(_))),
        };
        section.map_or(&[], |s| s.regions.as_slice())
    }

    /// The exit status: a finding at the threshold beats incompleteness.
    pub fn outcome(&self, fail_on: FailOn) -> Outcome {
        // A suppressed finding is reported but does not fail the run.
        let failed = fail_on
            .threshold()
            .is_some_and(|threshold| self.active().any(|f| f.severity >= threshold));
        if failed {
            Outcome::Failed
        } else if self.is_incomplete() {
            Outcome::Incomplete
        } else {
            Outcome::Clean
        }
    }
}

/// How to render for the person or program reading stdout.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub format: Format,
    pub color: bool,
    /// The width tables fit (`None`: `--wide`, every column, nothing cut).
    pub width: Option<usize>,
    /// The threshold the verdict is judged at (the Markdown and HTML reports state it).
    pub fail_on: FailOn,
}

/// Writes the report to `out` in the chosen format.
pub fn render(report: &Report, opts: RenderOptions, out: &mut dyn Write) -> std::io::Result<()> {
    match opts.format {
        Format::Table => table::render(
            report,
            table::TableOptions {
                color: opts.color,
                width: opts.width,
            },
            out,
        ),
        Format::Json => json::render(report, out),
        Format::Jsonl => json::render_lines(report, out),
        Format::Ocsf => ocsf::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Markdown => markdown::render(report, opts.fail_on, out),
        Format::Html => html::render(report, opts.fail_on, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(severities: &[Severity], incomplete: bool) -> Report {
        let mut section = Section::new(Inventory::Detectors(vec![]));
        section.findings = severities
            .iter()
            .map(|s| Finding {
                check: finding::CheckId::DetectorMissing,
                severity: *s,
                title: String::new(),
                account: None,
                region: None,
                resource: String::new(),
                fingerprint: String::new(),
                details: finding::Details::DetectorMissing,
                suppressed: None,
                remediation: String::new(),
            })
            .collect();
        if incomplete {
            section.incomplete.push("r".into());
        }
        Report {
            command: "detectors",
            account: None,
            generated_at: String::new(),
            sections: vec![section],
        }
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(
            report_with(&[], false).outcome(FailOn::High),
            Outcome::Clean
        );
        assert_eq!(
            report_with(&[Severity::Medium], false).outcome(FailOn::High),
            Outcome::Clean
        );
        assert_eq!(
            report_with(&[Severity::High], false).outcome(FailOn::High),
            Outcome::Failed
        );
        assert_eq!(
            report_with(&[Severity::Info], false).outcome(FailOn::Info),
            Outcome::Failed
        );
        assert_eq!(
            report_with(&[Severity::Critical], false).outcome(FailOn::Never),
            Outcome::Clean
        );
        // Incomplete never passes; a finding at the threshold still wins.
        assert_eq!(
            report_with(&[], true).outcome(FailOn::Never),
            Outcome::Incomplete
        );
        assert_eq!(
            report_with(&[Severity::Low], true).outcome(FailOn::High),
            Outcome::Incomplete
        );
        assert_eq!(
            report_with(&[Severity::High], true).outcome(FailOn::High),
            Outcome::Failed
        );
    }
}
