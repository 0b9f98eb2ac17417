//! Findings and reports: the summary, the exit code, and one renderer per format.

pub mod csv;
pub mod finding;
pub mod json;
pub mod ocsf;
pub mod sanitize;
pub mod sarif;
pub mod table;

use std::io::Write;

use serde::Serialize;

use crate::cli::{FailOn, OutputFormat};
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

/// The status of one region in a report.
#[derive(Debug, Clone, Serialize)]
pub struct RegionStatus {
    pub region: String,
    pub state: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
}

/// A command's result: what was checked, what was found, and what could not be checked.
#[derive(Debug, Clone)]
pub struct Report {
    pub command: &'static str,
    pub account: Option<String>,
    pub generated_at: String,
    pub regions: Vec<RegionStatus>,
    pub findings: Vec<Finding>,
    /// Why the audit is incomplete, one line each; empty when it is complete.
    pub incomplete: Vec<String>,
    /// The command's own inventory, under its own key in JSON (e.g. `detectors`).
    pub inventory: Inventory,
    /// Suppressions of the configuration file that matched a finding but have expired.
    pub expired_suppressions: Vec<String>,
}

/// The command-specific part of a report.
#[derive(Debug, Clone)]
pub enum Inventory {
    Detectors(Vec<json::DetectorRow>),
    Changes(crate::commands::ChangesSummary),
    Permissions(crate::commands::PermissionsSummary),
    /// `gdaudit audit`: the three reports it combines.
    Audit(Box<AuditParts>),
}

/// The reports `gdaudit audit` combines, each with its findings and inventory.
#[derive(Debug, Clone)]
pub struct AuditParts {
    pub detectors: Report,
    pub changes: Report,
    pub permissions: Report,
}

impl Report {
    /// Sorts findings most severe first, then by region, check and resource, so output is stable.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.check.cmp(&b.check))
                .then_with(|| a.resource.cmp(&b.resource))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
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

    /// The findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// The exit status: a finding at the threshold beats incompleteness.
    pub fn outcome(&self, fail_on: FailOn) -> Outcome {
        // A suppressed finding is reported but does not fail the run.
        let failed = fail_on.threshold().is_some_and(|threshold| {
            self.findings
                .iter()
                .any(|f| f.suppressed.is_none() && f.severity >= threshold)
        });
        if failed {
            Outcome::Failed
        } else if !self.incomplete.is_empty() {
            Outcome::Incomplete
        } else {
            Outcome::Clean
        }
    }
}

/// How to render for the person or program reading stdout.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
}

/// Writes the report to `out` in the chosen format.
pub fn render(report: &Report, opts: RenderOptions, out: &mut dyn Write) -> std::io::Result<()> {
    match opts.format {
        OutputFormat::Table => table::render(report, opts.color, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Jsonl => json::render_lines(report, out),
        OutputFormat::Ocsf => ocsf::render(report, out),
        OutputFormat::Sarif => sarif::render(report, out),
        OutputFormat::Csv => csv::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(severities: &[Severity], incomplete: bool) -> Report {
        Report {
            command: "detectors",
            account: None,
            generated_at: String::new(),
            regions: vec![],
            findings: severities
                .iter()
                .map(|s| Finding {
                    check: "c".into(),
                    severity: *s,
                    title: String::new(),
                    account: None,
                    region: None,
                    resource: String::new(),
                    fingerprint: String::new(),
                    details: finding::Details::null(),
                    suppressed: None,
                    remediation: String::new(),
                })
                .collect(),
            incomplete: if incomplete { vec!["r".into()] } else { vec![] },
            inventory: Inventory::Detectors(vec![]),
            expired_suppressions: vec![],
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
