//! The JSON and JSON Lines wire format, version 1. Built from its own structs so that an
//! internal change cannot silently change the output; a change here is a breaking change.

use std::io::Write;

use serde::Serialize;

use super::finding::{Finding, Severity};
use super::{Inventory, Report};
use crate::model::CollectError;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'a str,
    generated_at: &'a str,
    account: Option<&'a str>,
    regions: Vec<RegionOut<'a>>,
    findings: Vec<FindingOut<'a>>,
    summary: Summary<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detectors: Option<&'a [DetectorRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a crate::commands::ChangesSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<&'a crate::commands::PermissionsSummary>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RegionOut<'a> {
    region: &'a str,
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorOut<'a>>,
}

/// An error as the wire format shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorOut<'a> {
    pub kind: &'static str,
    pub operation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    pub message: &'a str,
}

impl<'a> From<&'a CollectError> for ErrorOut<'a> {
    fn from(e: &'a CollectError) -> Self {
        ErrorOut {
            kind: match e.kind {
                crate::model::ErrorKind::AccessDenied => "access-denied",
                crate::model::ErrorKind::OptInRequired => "opt-in-required",
                crate::model::ErrorKind::Throttled => "throttled",
                crate::model::ErrorKind::Network => "network",
                crate::model::ErrorKind::Other => "other",
            },
            operation: &e.operation,
            code: e.code.as_deref(),
            message: &e.message,
        }
    }
}

#[derive(Serialize)]
struct FindingOut<'a> {
    check: &'a str,
    severity: Severity,
    title: &'a str,
    account: Option<&'a str>,
    region: Option<&'a str>,
    resource: &'a str,
    fingerprint: &'a str,
    details: &'a super::finding::Details,
    remediation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a super::finding::Suppressed>,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingOut {
            check: &f.check,
            severity: f.severity,
            title: &f.title,
            account: f.account.as_deref(),
            region: f.region.as_deref(),
            resource: &f.resource,
            fingerprint: &f.fingerprint,
            details: &f.details,
            remediation: &f.remediation,
            suppressed: f.suppressed.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    by_severity: BySeverity,
    incomplete: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    incomplete_reasons: &'a [String],
    /// Findings a configured suppression matched (they are listed, marked `suppressed`).
    suppressed: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    expired_suppressions: &'a [String],
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

/// One region's detector inventory (the `detectors` key of `gdaudit detectors`).
#[derive(Debug, Clone, Serialize)]
pub struct DetectorRow {
    pub region: String,
    pub state: &'static str,
    pub detector_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
    pub features: Vec<FeatureOut>,
    /// Protection plans that are off, by feature name.
    pub features_off: Vec<String>,
    pub administrator: Option<AdministratorOut>,
    /// `None` when not read.
    pub members: Option<Vec<MemberOut>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeatureOut {
    pub name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<AdditionalOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdditionalOut {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdministratorOut {
    pub account_id: String,
    pub relationship_status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberOut {
    pub account_id: String,
    pub relationship_status: String,
}

/// The JSON document of a report, as a value (for tests and embedding).
pub fn to_value(report: &Report) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(document(report))
}

fn document(report: &Report) -> Document<'_> {
    Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        command: report.command,
        generated_at: &report.generated_at,
        account: report.account.as_deref(),
        regions: report
            .regions
            .iter()
            .map(|r| RegionOut {
                region: &r.region,
                state: &r.state,
                error: r.errors.first().map(ErrorOut::from),
            })
            .collect(),
        findings: report.findings.iter().map(FindingOut::from).collect(),
        summary: Summary {
            by_severity: BySeverity {
                critical: report.count(Severity::Critical),
                high: report.count(Severity::High),
                medium: report.count(Severity::Medium),
                low: report.count(Severity::Low),
                info: report.count(Severity::Info),
            },
            incomplete: !report.incomplete.is_empty(),
            incomplete_reasons: &report.incomplete,
            suppressed: report.suppressed(),
            expired_suppressions: &report.expired_suppressions,
        },
        detectors: inventories(report).find_map(|i| match i {
            Inventory::Detectors(rows) => Some(rows.as_slice()),
            _ => None,
        }),
        changes: inventories(report).find_map(|i| match i {
            Inventory::Changes(summary) => Some(summary),
            _ => None,
        }),
        permissions: inventories(report).find_map(|i| match i {
            Inventory::Permissions(summary) => Some(summary),
            _ => None,
        }),
    }
}

/// The report's inventory, or for `audit`, those of the reports it combines.
fn inventories(report: &Report) -> impl Iterator<Item = &Inventory> {
    let parts: Vec<&Inventory> = match &report.inventory {
        Inventory::Audit(parts) => {
            vec![
                &parts.detectors.inventory,
                &parts.changes.inventory,
                &parts.permissions.inventory,
            ]
        }
        other => vec![other],
    };
    parts.into_iter()
}

/// One JSON document, pretty-printed, newline-terminated.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    out.write_all(b"\n")
}

/// One finding per line; suppressed findings are left out (JSON Lines feed ticket systems).
pub fn render_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for finding in report.active() {
        serde_json::to_writer(&mut *out, &FindingOut::from(finding))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
