//! Tables for a person at a terminal. Every string that came from AWS or a log goes
//! through [`clean`] first.

use std::collections::BTreeMap;
use std::io::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::finding::Severity;
use super::sanitize::clean;
use super::{Inventory, Report};

fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if color {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.force_no_tty();
    }
    table
}

fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.as_str());
    if !color {
        return cell;
    }
    match severity {
        Severity::Critical => cell.fg(Color::Magenta),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Cyan),
        Severity::Info => cell,
    }
}

fn state_cell(state: &str, color: bool) -> Cell {
    let cell = Cell::new(clean(state));
    if !color {
        return cell;
    }
    match state {
        "enabled" => cell.fg(Color::Green),
        "suspended" | "no-detector" => cell.fg(Color::Red),
        s if s.starts_with("could not") => cell.fg(Color::Yellow),
        _ => cell,
    }
}

pub fn render(report: &Report, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match &report.inventory {
        Inventory::Audit(parts) => return render_audit(report, parts, color, out),
        Inventory::Changes(summary) => return render_changes(report, summary, color, out),
        Inventory::Permissions(summary) => return render_permissions(report, summary, color, out),
        Inventory::Detectors(rows) => {
            let account = report.account.as_deref().map(clean);
            writeln!(out, "Account {}", account.as_deref().unwrap_or("(unknown)"))?;
            let mut table = new_table(color);
            table.set_header([
                "Region",
                "State",
                "Detector",
                "Protection plans off",
                "Administrator / members",
            ]);
            for (row, status) in rows.iter().zip(&report.regions) {
                let management = match (&row.administrator, &row.members) {
                    (Some(admin), _) => format!(
                        "member of {} ({})",
                        admin.account_id, admin.relationship_status
                    ),
                    (None, Some(members)) if !members.is_empty() => {
                        let enabled = members
                            .iter()
                            .filter(|m| m.relationship_status == "Enabled")
                            .count();
                        format!("administrator: {enabled}/{} members enabled", members.len())
                    }
                    (None, Some(_)) => "standalone".to_owned(),
                    (None, None) => "-".to_owned(),
                };
                // The errors themselves are listed under INCOMPLETE below the tables.
                let state = match status.errors.first() {
                    Some(error) if row.state == "error" => {
                        format!("could not check ({})", error.kind.as_str())
                    }
                    Some(_) => format!("{} (incomplete)", row.state),
                    None => row.state.to_owned(),
                };
                table.add_row(vec![
                    Cell::new(clean(&row.region)),
                    state_cell(&state, color),
                    Cell::new(clean(row.detector_id.as_deref().unwrap_or("-"))),
                    Cell::new(if row.features_off.is_empty() {
                        "-".to_owned()
                    } else {
                        clean(&row.features_off.join(", ")).into_owned()
                    }),
                    Cell::new(clean(&management)),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }

    if report.active().next().is_none() {
        writeln!(out, "\nNo findings.")?;
    } else {
        writeln!(out, "\nFindings")?;
        let mut table = new_table(color);
        table.set_header(["Severity", "Check", "Region", "Resource", "Finding"]);
        for f in report.active() {
            table.add_row(vec![
                severity_cell(f.severity, color),
                Cell::new(&f.check),
                Cell::new(clean(f.region.as_deref().unwrap_or("global"))),
                Cell::new(clean(&f.resource)),
                Cell::new(clean(&f.title)),
            ]);
        }
        writeln!(out, "{table}")?;
        // One remediation per check, not per finding.
        let mut fixes: BTreeMap<&str, &str> = BTreeMap::new();
        for f in report.active() {
            fixes.entry(&f.check).or_insert(&f.remediation);
        }
        writeln!(out, "\nHow to fix")?;
        for (check, fix) in fixes {
            writeln!(out, "  {check}: {}", clean(fix))?;
        }
    }

    writeln!(
        out,
        "\nSummary: {} region{}, {}",
        report.regions.len(),
        if report.regions.len() == 1 { "" } else { "s" },
        counted(report, "finding"),
    )?;
    write_incomplete(report, out)
}

/// A text cell from a finding's details (absent or null: `-`).
fn detail<'a>(details: &'a serde_json::Value, path: &[&str]) -> std::borrow::Cow<'a, str> {
    let mut value = details;
    for key in path {
        value = &value[*key];
    }
    match value {
        serde_json::Value::String(s) => clean(s),
        serde_json::Value::Null => std::borrow::Cow::Borrowed("-"),
        other => std::borrow::Cow::Owned(clean(&other.to_string()).into_owned()),
    }
}

/// `gdaudit changes`: one row per change, oldest first.
fn render_changes(
    report: &Report,
    summary: &crate::commands::ChangesSummary,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let window = match summary.since {
        Some(since) => format!("{since} to {}", summary.until),
        None => format!("up to {}", summary.until),
    };
    writeln!(
        out,
        "GuardDuty changes, {window} (source: {})",
        summary.source
    )?;
    if report.active().next().is_none() {
        writeln!(out, "\nNo changes.")?;
    } else {
        let mut table = new_table(color);
        table.set_header([
            "Time",
            "Account",
            "Region",
            "Event",
            "Outcome",
            "Actor",
            "Source IP",
            "User agent",
            "Resource",
            "Meaning",
            "Severity",
            "Event id",
        ]);
        for f in report.active() {
            let d = &f.details.value();
            let mut actor = detail(d, &["actor", "arn"]).into_owned();
            if let (serde_json::Value::String(role), session) =
                (&d["actor"]["role"], &d["actor"]["session"])
            {
                actor = format!(
                    "{actor}\n(role {}{})",
                    clean(role),
                    match session {
                        serde_json::Value::String(s) => format!(", session {}", clean(s)),
                        _ => String::new(),
                    }
                );
            }
            let outcome = match (&d["outcome"], &d["error_code"]) {
                (serde_json::Value::String(o), serde_json::Value::String(code))
                    if o == "failed" =>
                {
                    format!("failed ({})", clean(code))
                }
                (o, _) => detail(o, &[]).into_owned(),
            };
            table.add_row(vec![
                Cell::new(detail(d, &["event_time"])),
                Cell::new(clean(f.account.as_deref().unwrap_or("-"))),
                Cell::new(clean(f.region.as_deref().unwrap_or("-"))),
                Cell::new(detail(d, &["event_name"])),
                Cell::new(outcome),
                Cell::new(actor),
                Cell::new(detail(d, &["source_ip"])),
                Cell::new(detail(d, &["user_agent"])),
                Cell::new(clean(&f.resource)),
                Cell::new(clean(&f.title)),
                severity_cell(f.severity, color),
                Cell::new(detail(d, &["event_id"])),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    writeln!(
        out,
        "
Summary: {}{}",
        counted(report, "change"),
        if summary.already_emitted > 0 {
            format!(
                "; {} already emitted by an earlier run",
                summary.already_emitted
            )
        } else {
            String::new()
        },
    )?;
    write_incomplete(report, out)
}

fn write_incomplete(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let suppressed = report.suppressed();
    if suppressed > 0 {
        writeln!(
            out,
            "Suppressed by the configuration file: {suppressed} (listed in -o json, marked)"
        )?;
    }
    for note in &report.expired_suppressions {
        writeln!(out, "Expired suppression: {}", clean(note))?;
    }
    if !report.incomplete.is_empty() {
        writeln!(
            out,
            "INCOMPLETE: {} thing(s) could not be checked:",
            report.incomplete.len()
        )?;
        for reason in &report.incomplete {
            writeln!(out, "  - {}", clean(reason))?;
        }
    }
    Ok(())
}

/// The most principals the permissions table lists.
const MAX_PERMISSION_ROWS: usize = 500;

/// The most granting policies a row of the permissions table names.
const MAX_POLICIES_PER_ROW: usize = 3;

/// `gdaudit permissions`: one row per flagged principal.
fn render_permissions(
    report: &Report,
    summary: &crate::commands::PermissionsSummary,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let account = report.account.as_deref().map(clean);
    writeln!(
        out,
        "Account {}: {} users, {} roles, {} groups, {} managed policies (source: {})",
        account.as_deref().unwrap_or("(unknown)"),
        summary.users,
        summary.roles,
        summary.groups,
        summary.managed_policies,
        summary.source
    )?;
    if report.active().next().is_none() {
        writeln!(
            out,
            "\nNo non-privileged user or role can change GuardDuty."
        )?;
    } else {
        writeln!(out, "\nNon-privileged principals that can change GuardDuty")?;
        let mut table = new_table(color);
        table.set_header([
            "Severity",
            "Principal",
            "Type",
            "Actions",
            "Most dangerous",
            "Granted by",
        ]);
        // Findings are sorted most severe first; past a few hundred rows a table stops being
        // read, and the machine formats carry every one.
        for f in report.active().take(MAX_PERMISSION_ROWS) {
            let details = f.details.value();
            let actions = details["actions"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let conditional = actions.iter().filter(|a| a["conditional"] == true).count();
            let count = if conditional > 0 {
                format!("{} ({conditional} conditional)", actions.len())
            } else {
                actions.len().to_string()
            };
            let mut dangerous: Vec<&str> = details["high_risk_actions"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if dangerous.is_empty() {
                dangerous = actions
                    .iter()
                    .filter_map(|a| a["action"].as_str())
                    .collect();
            }
            let shown = dangerous.len().min(4);
            let mut most = dangerous[..shown].join(", ");
            if dangerous.len() > shown {
                most.push_str(&format!(" (+{} more)", dangerous.len() - shown));
            }
            let mut policies: Vec<String> = actions
                .iter()
                .flat_map(|a| {
                    a["granted_by"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                })
                .map(|g| match g["statement"].as_str() {
                    Some(statement) => {
                        format!("{} [{statement}]", g["policy"].as_str().unwrap_or("?"))
                    }
                    None => g["policy"].as_str().unwrap_or("?").to_owned(),
                })
                .collect();
            policies.sort();
            policies.dedup();
            // A few policies per row; `explain` and the machine formats name every one.
            let more = policies.len().saturating_sub(MAX_POLICIES_PER_ROW);
            policies.truncate(MAX_POLICIES_PER_ROW);
            if more > 0 {
                policies.push(format!("(+{more} more)"));
            }
            table.add_row(vec![
                severity_cell(f.severity, color),
                Cell::new(clean(&f.resource)),
                Cell::new(detail(&details, &["principal_type"])),
                Cell::new(count),
                Cell::new(clean(&most)),
                Cell::new(clean(&policies.join("\n"))),
            ]);
        }
        writeln!(out, "{table}")?;
        if report.active().count() > MAX_PERMISSION_ROWS {
            writeln!(
                out,
                "… and {} more principals, none more severe (all are in -o json, jsonl, csv and sarif)",
                report.active().count() - MAX_PERMISSION_ROWS
            )?;
        }
        writeln!(
            out,
            "\nExplain one: gdaudit permissions explain PRINCIPAL [ACTION]"
        )?;
    }
    if !summary.privileged.is_empty() {
        writeln!(
            out,
            "\nPrivileged (not flagged): {}",
            summary.privileged.len()
        )?;
        for p in summary.privileged.iter().take(20) {
            let why = match &p.reason {
                crate::iam::PrivilegeReason::Administrator => "administrator".to_owned(),
                crate::iam::PrivilegeReason::MatchesGlob { glob } => {
                    format!("matches --privileged {glob}")
                }
            };
            writeln!(out, "  {} ({})", clean(&p.arn), clean(&why))?;
        }
        if summary.privileged.len() > 20 {
            writeln!(
                out,
                "  … and {} more (see -o json)",
                summary.privileged.len() - 20
            )?;
        }
    }
    writeln!(
        out,
        "
Summary: {} can change GuardDuty; {} service-linked role{} left out",
        counted(report, "principal"),
        summary.service_linked_roles_skipped,
        if summary.service_linked_roles_skipped == 1 {
            ""
        } else {
            "s"
        },
    )?;
    write_incomplete(report, out)
}

/// `gdaudit audit`: each audit's own tables, then one summary for the run.
fn render_audit(
    report: &Report,
    parts: &super::AuditParts,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for (title, part) in [
        ("GuardDuty detectors", &parts.detectors),
        ("GuardDuty configuration changes", &parts.changes),
        ("Who can change GuardDuty", &parts.permissions),
    ] {
        writeln!(out, "=== {title} ===\n")?;
        render(part, color, out)?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "=== Audit: {}{} ===",
        counted(report, "finding"),
        if report.incomplete.is_empty() {
            String::new()
        } else {
            format!(
                "; INCOMPLETE: {} thing(s) could not be checked",
                report.incomplete.len()
            )
        },
    )
}

/// "3 findings (1 high, 2 low)": how many findings are not suppressed, by severity.
fn counted(report: &Report, noun: &str) -> String {
    let total = report.active().count();
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| (s, report.count(*s)))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let plural = if total == 1 { "" } else { "s" };
    if counts.is_empty() {
        format!("{total} {noun}{plural}")
    } else {
        format!("{total} {noun}{plural} ({})", counts.join(", "))
    }
}
