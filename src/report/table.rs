//! Tables for a person at a terminal. Every string that came from AWS or a log goes
//! through [`clean`] first.

use std::collections::BTreeMap;
use std::io::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::details::{ChangeOutcome, Details};
use super::finding::Severity;
use super::inventory::{ChangesSummary, ConfigurationOut, PermissionsSummary};
use super::sanitize::clean;
use super::{Inventory, RegionState, Report, Section};

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
    // Colour follows the state; the text is the same with or without it.
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

/// One line on what is configured inside GuardDuty in a region: only what is there, with
/// its problems counted (the findings say which); `?` where a part could not be read. A
/// region without a detector has only Malware Protection plans to show.
fn configuration_summary(configuration: Option<&ConfigurationOut>, has_detector: bool) -> String {
    let Some(c) = configuration else {
        return "-".to_owned();
    };
    /// `N thing(s)`, with `(M problem)` when some have it; `None` when there are none.
    fn count<T>(
        items: Option<&[T]>,
        (one, many): (&str, &str),
        bad: impl Fn(&T) -> bool,
        problem: &str,
    ) -> Option<String> {
        let Some(items) = items else {
            return Some(format!("{many}: ?"));
        };
        let noun = if items.len() == 1 { one } else { many };
        let bad = items.iter().filter(|i| bad(i)).count();
        match (items.len(), bad) {
            (0, _) => None,
            (n, 0) => Some(format!("{n} {noun}")),
            (n, bad) => Some(format!("{n} {noun} ({bad} {problem})")),
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if has_detector {
        let rules: Option<Vec<_>> = c
            .suppression_rules
            .as_ref()
            .map(|f| f.iter().filter(|f| f.action == "ARCHIVE").collect());
        parts.extend(count(
            rules.as_deref(),
            ("suppression rule", "suppression rules"),
            |f| f.hides_high,
            "hides high",
        ));
        match &c.lists {
            Some(lists) => {
                let (trusted, threat): (Vec<_>, Vec<_>) =
                    lists.iter().partition(|l| l.kind.starts_with("trusted"));
                parts.extend(count(
                    Some(&trusted),
                    ("trusted list", "trusted lists"),
                    |l| l.status == "ACTIVE",
                    "active",
                ));
                parts.extend(count(
                    Some(&threat),
                    ("threat list", "threat lists"),
                    |l| !matches!(l.status.as_str(), "ACTIVE" | "ACTIVATING"),
                    "not active",
                ));
            }
            None => parts.push("lists: ?".to_owned()),
        }
        parts.extend(count(
            c.publishing_destinations.as_deref(),
            ("export", "exports"),
            |d| d.status != "PUBLISHING" || d.kms_key_arn.is_none(),
            "failing",
        ));
    }
    parts.extend(count(
        c.malware_protection_plans.as_deref(),
        ("S3 malware plan", "S3 malware plans"),
        |p| p.status != "ACTIVE",
        "unhealthy",
    ));
    if has_detector {
        match &c.unhandled_findings {
            None => parts.push("unhandled findings: ?".to_owned()),
            Some(bands) => {
                let stale: Vec<String> = bands
                    .iter()
                    .filter(|b| b.count > 0)
                    .map(|b| format!("{} {}", b.count, b.band))
                    .collect();
                if !stale.is_empty() {
                    parts.push(format!("unhandled: {}", stale.join(", ")));
                }
            }
        }
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join("; ")
    }
}

pub fn render(report: &Report, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match report.sections.as_slice() {
        [one] => render_section(one, color, out),
        sections => render_audit(report, sections, color, out),
    }
}

/// One audit's tables, summary and what it could not check.
fn render_section(section: &Section, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let report = section;
    match &section.inventory {
        Inventory::Changes(summary) => return render_changes(section, summary, color, out),
        Inventory::Permissions(summary) => return render_permissions(section, summary, color, out),
        Inventory::Detectors(rows) => {
            let account = report.account.as_deref().map(clean);
            writeln!(out, "Account {}", account.as_deref().unwrap_or("(unknown)"))?;
            let mut table = new_table(color);
            // The configuration column appears once something inside GuardDuty was read
            // (older snapshots keep their table as it was).
            let with_configuration = rows.iter().any(|r| r.configuration.is_some());
            let mut header = vec![
                "Region",
                "State",
                "Detector",
                "Protection plans off",
                "Administrator / members",
            ];
            if with_configuration {
                header.push("Configuration");
            }
            table.set_header(header);
            for row in rows {
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
                let state = match row.errors.first() {
                    Some(error) if row.state == RegionState::Error => {
                        format!("could not check ({})", error.kind.as_str())
                    }
                    Some(_) => format!("{} (incomplete)", row.state.as_str()),
                    None => row.state.as_str().to_owned(),
                };
                let mut cells = vec![
                    Cell::new(clean(&row.region)),
                    state_cell(&state, color),
                    Cell::new(clean(row.detector_id.as_deref().unwrap_or("-"))),
                    Cell::new(if row.features_off.is_empty() {
                        "-".to_owned()
                    } else {
                        clean(&row.features_off.join(", ")).into_owned()
                    }),
                    Cell::new(clean(&management)),
                ];
                if with_configuration {
                    cells.push(Cell::new(clean(&configuration_summary(
                        row.configuration.as_ref(),
                        row.detector_id.is_some(),
                    ))));
                }
                table.add_row(cells);
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
                Cell::new(f.check.as_str()),
                Cell::new(clean(f.region.as_deref().unwrap_or("global"))),
                Cell::new(clean(&f.resource)),
                Cell::new(clean(&f.title)),
            ]);
        }
        writeln!(out, "{table}")?;
        // One remediation per check, not per finding.
        let mut fixes: BTreeMap<&str, &str> = BTreeMap::new();
        for f in report.active() {
            fixes.entry(f.check.as_str()).or_insert(&f.remediation);
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
        counted(report.active(), |s| report.count(s), "finding"),
    )?;
    write_incomplete(report, out)
}

/// A text cell for an optional value from AWS or a log (absent: `-`).
fn text(value: Option<&str>) -> std::borrow::Cow<'_, str> {
    value.map_or(std::borrow::Cow::Borrowed("-"), clean)
}

/// `gdaudit changes`: one row per change, oldest first.
fn render_changes(
    report: &Section,
    summary: &ChangesSummary,
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
            let Details::ConfigChange(d) = &f.details else {
                continue;
            };
            let mut actor = text(d.actor.arn.as_deref()).into_owned();
            if let Some(role) = &d.actor.role {
                actor = format!(
                    "{actor}\n(role {}{})",
                    clean(role),
                    match &d.actor.session {
                        Some(s) => format!(", session {}", clean(s)),
                        None => String::new(),
                    }
                );
            }
            let outcome = match (d.outcome, &d.error_code) {
                (ChangeOutcome::Failed, Some(code)) => format!("failed ({})", clean(code)),
                (ChangeOutcome::Failed, None) => "failed".to_owned(),
                (ChangeOutcome::Succeeded, _) => "succeeded".to_owned(),
            };
            table.add_row(vec![
                Cell::new(text(d.event_time.map(|t| t.to_string()).as_deref()).into_owned()),
                Cell::new(clean(f.account.as_deref().unwrap_or("-"))),
                Cell::new(clean(f.region.as_deref().unwrap_or("-"))),
                Cell::new(clean(&d.event_name)),
                Cell::new(outcome),
                Cell::new(actor),
                Cell::new(text(d.source_ip.as_deref())),
                Cell::new(text(d.user_agent.as_deref())),
                Cell::new(clean(&f.resource)),
                Cell::new(clean(&f.title)),
                severity_cell(f.severity, color),
                Cell::new(text(d.event_id.as_deref())),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    writeln!(
        out,
        "
Summary: {}{}",
        counted(report.active(), |s| report.count(s), "change"),
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

fn write_incomplete(report: &Section, out: &mut dyn Write) -> std::io::Result<()> {
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
    report: &Section,
    summary: &PermissionsSummary,
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
            let Details::WriteAccess(details) = &f.details else {
                continue;
            };
            let actions = details.actions();
            let conditional = actions.iter().filter(|a| a.conditional).count();
            let count = if conditional > 0 {
                format!("{} ({conditional} conditional)", actions.len())
            } else {
                actions.len().to_string()
            };
            let mut dangerous: Vec<&str> = details.high_risk_actions().to_vec();
            if dangerous.is_empty() {
                dangerous = actions.iter().map(|a| a.action).collect();
            }
            let shown = dangerous.len().min(4);
            let mut most = dangerous[..shown].join(", ");
            if dangerous.len() > shown {
                most.push_str(&format!(" (+{} more)", dangerous.len() - shown));
            }
            let mut policies: Vec<String> = actions
                .iter()
                .flat_map(|a| a.granted_by.iter())
                .map(|g| match &g.statement {
                    Some(statement) => format!("{} [{}]", g.policy.as_str(), statement.as_str()),
                    None => g.policy.as_str().to_owned(),
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
                Cell::new(details.principal_type()),
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
        counted(report.active(), |s| report.count(s), "principal"),
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
    sections: &[Section],
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for section in sections {
        let title = match section.inventory {
            Inventory::Detectors(_) => "GuardDuty detectors",
            Inventory::Changes(_) => "GuardDuty configuration changes",
            Inventory::Permissions(_) => "Who can change GuardDuty",
        };
        writeln!(out, "=== {title} ===\n")?;
        render_section(section, color, out)?;
        writeln!(out)?;
    }
    let incomplete = report.incomplete().len();
    writeln!(
        out,
        "=== Audit: {}{} ===",
        counted(report.active(), |s| report.count(s), "finding"),
        if incomplete == 0 {
            String::new()
        } else {
            format!("; INCOMPLETE: {incomplete} thing(s) could not be checked")
        },
    )
}

/// "3 findings (1 high, 2 low)": how many findings are not suppressed, by severity.
fn counted<'a>(
    active: impl Iterator<Item = &'a crate::report::finding::Finding>,
    count: impl Fn(Severity) -> usize,
    noun: &str,
) -> String {
    let total = active.count();
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| (s, count(*s)))
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
