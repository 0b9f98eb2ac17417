//! The JSON and JSON Lines wire format, version 1. Built from its own structs so that an
//! internal change cannot silently change the output; a change here is a breaking change.

use std::io::Write;

use serde::Serialize;

use super::details::Details;
use super::finding::{Finding, Severity};
use super::inventory::{ChangesSummary, DetectorRow, OrgInventory, PermissionsSummary};
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
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    detectors: Option<&'a [DetectorRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a ChangesSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<&'a PermissionsSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a OrgInventory>,
    /// Organization runs: every account with its state in every region.
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<&'a [super::inventory::AccountRow]>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RegionOut<'a> {
    region: &'a str,
    state: &'static str,
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
    details: DetailsOut<'a>,
    remediation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a super::finding::Suppressed>,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingOut {
            check: f.check.as_str(),
            severity: f.severity,
            title: &f.title,
            account: f.account.as_deref(),
            region: f.region.as_deref(),
            resource: &f.resource,
            fingerprint: &f.fingerprint,
            details: DetailsOut(&f.details),
            remediation: &f.remediation,
            suppressed: f.suppressed.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct Summary {
    by_severity: BySeverity,
    incomplete: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    incomplete_reasons: Vec<String>,
    /// Findings a configured suppression matched (they are listed, marked `suppressed`).
    suppressed: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    expired_suppressions: Vec<String>,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
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
            .regions()
            .iter()
            .map(|r| RegionOut {
                region: &r.region,
                state: r.state.as_str(),
                error: r.errors.first().map(ErrorOut::from),
            })
            .collect(),
        findings: report.findings().map(FindingOut::from).collect(),
        summary: Summary {
            by_severity: BySeverity {
                critical: report.count(Severity::Critical),
                high: report.count(Severity::High),
                medium: report.count(Severity::Medium),
                low: report.count(Severity::Low),
                info: report.count(Severity::Info),
            },
            incomplete: report.is_incomplete(),
            incomplete_reasons: report.incomplete(),
            suppressed: report.suppressed(),
            expired_suppressions: report.expired_suppressions(),
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
        organization: inventories(report).find_map(|i| match i {
            Inventory::Organization(org) => Some(org),
            _ => None,
        }),
        accounts: inventories(report).find_map(|i| match i {
            Inventory::Organization(org) => Some(org.accounts.as_slice()),
            _ => None,
        }),
    }
}

/// The inventories of the report's sections.
fn inventories(report: &Report) -> impl Iterator<Item = &Inventory> {
    report.sections.iter().map(|s| &s.inventory)
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

/// A finding's details as the wire format writes them: compact JSON, also inside a
/// pretty-printed document (one line per finding's details, as version 1 always wrote them).
pub struct DetailsOut<'a>(pub &'a Details);

impl Serialize for DetailsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw =
            serde_json::value::to_raw_value(&Typed(self.0)).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// The details' own fields, serialized once by [`DetailsOut`].
struct Typed<'a>(&'a Details);

impl Serialize for Typed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.0 {
            Details::DetectorMissing => serializer.serialize_map(Some(0))?.end(),
            Details::DetectorSuspended(d) => d.serialize(serializer),
            Details::PlanOff(d) => d.serialize(serializer),
            Details::PublishingFrequency(d) => d.serialize(serializer),
            Details::NotCentrallyManaged(d) => d.serialize(serializer),
            Details::MemberNotEnabled(d) => d.serialize(serializer),
            Details::ConfigChange(d) => d.serialize(serializer),
            Details::OrgAccountGap(d) => d.serialize(serializer),
            Details::OrgAutoEnable(d) => d.serialize(serializer),
            Details::OrgFeatureAutoEnable(d) => d.serialize(serializer),
            Details::OrgAdministrators(d) => d.serialize(serializer),
            Details::CoverageUnhealthy(d) => d.serialize(serializer),
            Details::SuppressionRule(d) => d.serialize(serializer),
            Details::List(d) => d.serialize(serializer),
            Details::PublishingDestination(d) => d.serialize(serializer),
            Details::MalwarePlan(d) => d.serialize(serializer),
            Details::UnhandledFindings(d) => d.serialize(serializer),
            Details::Untagged(d) => d.serialize(serializer),
            Details::TelemetryBlocked(d) => d.serialize(serializer),
            Details::IndirectWrite(d) => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("principal_type", d.principal_type())?;
                match d.access() {
                    Some(a) => {
                        map.serialize_entry("actions", &a.actions)?;
                        map.serialize_entry("path", &a.path)?;
                        map.serialize_entry("path_action", a.path_action)?;
                        map.serialize_entry("path_granted_by", &a.path_granted_by)?;
                        map.serialize_entry("conditional", &a.conditional)?;
                        if let Some(account) = &a.reached_in_account {
                            map.serialize_entry("reached_in_account", account)?;
                        }
                    }
                    None => map.serialize_entry("path", &[(); 0])?,
                }
                map.end()
            }
            Details::WriteAccess(d) => {
                let actions = d.actions();
                let mut map = serializer.serialize_map(Some(3))?;
                map.serialize_entry("principal_type", d.principal_type())?;
                map.serialize_entry(
                    "actions",
                    &actions.iter().map(|a| ActionOut(a)).collect::<Vec<_>>(),
                )?;
                map.serialize_entry("high_risk_actions", d.high_risk_actions())?;
                map.end()
            }
        }
    }
}

/// `details.actions[]` of a permissions finding.
struct ActionOut<'a>(&'a crate::iam::ActionVerdict);

impl Serialize for ActionOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let a = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("action", a.action())?;
        map.serialize_entry("conditional", &a.conditional)?;
        map.serialize_entry("resource_scoped", &a.resource_scoped)?;
        map.serialize_entry("condition_keys", &a.condition_keys)?;
        map.serialize_entry("granted_by", &a.granted_by)?;
        map.end()
    }
}

/// A finding's details as compact JSON text (CSV cells).
pub fn details_json(details: &Details) -> String {
    serde_json::to_string(&DetailsOut(details)).unwrap_or_else(|_| "null".to_owned())
}

/// A finding's details as the wire format's JSON value (for tests and embedding).
pub fn details_value(details: &Details) -> serde_json::Value {
    serde_json::to_value(DetailsOut(details)).unwrap_or(serde_json::Value::Null)
}
