//! Tables for a person at a terminal: every table fits the width it is drawn in (the
//! terminal's, 100 columns when not a terminal, unbounded with `--wide`), with the most
//! important columns kept, long sentences wrapped at word boundaries and identifiers cut
//! with `…`. The machine formats keep every byte. Every string that came from AWS or a log
//! goes through [`clean`] first; colour marks severity only and never changes the layout.

use std::collections::BTreeMap;
use std::io::Write;

use super::details::{ChangeOutcome, ConfigChange, Details};
use super::finding::{Finding, Severity};
use super::inventory::{ChangesSummary, ConfigurationOut, DetectorRow, PermissionsSummary};
use super::layout::{Cell, Column, Grid, cut};
use super::registry::CheckId;
use super::sanitize::clean;
use super::{Inventory, RegionState, Report, Section};
use crate::iam::PrivilegeReason;
use unicode_width::UnicodeWidthStr;

/// How a table is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Colour severities (only on a terminal).
    pub color: bool,
    /// The width to fit, or `None` (`--wide`): every column, nothing cut.
    pub width: Option<usize>,
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

pub fn render(report: &Report, opts: TableOptions, out: &mut dyn Write) -> std::io::Result<()> {
    match report.sections.as_slice() {
        [one] => render_section(one, opts, out),
        sections => render_audit(report, sections, opts, out),
    }
}

/// Writes `text` wrapped to the width at spaces, the first line after `first`, the others
/// after `rest`. A word longer than a whole line is cut with `…`.
fn para(
    out: &mut dyn Write,
    width: Option<usize>,
    first: &str,
    rest: &str,
    text: &str,
) -> std::io::Result<()> {
    let Some(width) = width else {
        return writeln!(out, "{first}{text}");
    };
    let room = |prefix: &str| width.saturating_sub(prefix.width()).max(10);
    let mut prefix = first;
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = if word.width() > room(rest) {
            cut(word, room(rest))
        } else {
            word.to_owned()
        };
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed > room(prefix) && !line.is_empty() {
            writeln!(out, "{prefix}{line}")?;
            prefix = rest;
            line.clear();
        } else if needed > room(prefix) {
            // The first word does not fit after a long first prefix: start below it.
            writeln!(out, "{}", prefix.trim_end())?;
            prefix = rest;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    writeln!(out, "{prefix}{line}")
}

/// One audit's tables, summary and what it could not check.
fn render_section(
    section: &Section,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match &section.inventory {
        Inventory::Detectors(rows) => render_detectors(section, rows, opts, out),
        Inventory::Changes(summary) => render_changes(section, summary, opts, out),
        Inventory::Permissions(summary) => render_permissions(section, summary, opts, out),
        Inventory::Organization(org) => render_organization(section, org, opts, out),
    }
}

/// The first 8 characters of an id in a fitted table (enough to tell detectors apart).
fn short_id(id: &str, opts: TableOptions) -> String {
    match opts.width {
        Some(_) => id.chars().take(8).collect(),
        None => id.to_owned(),
    }
}

fn render_detectors(
    section: &Section,
    rows: &[DetectorRow],
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let account = section.account.as_deref().map(clean);
    writeln!(out, "Account {}", account.as_deref().unwrap_or("(unknown)"))?;
    // The configuration column appears once something inside GuardDuty was read.
    let with_configuration = rows.iter().any(|r| r.configuration.is_some());
    let mut columns = vec![
        Column::cut("Region", 16, 0),
        Column::cut("State", 32, 0),
        Column::cut("Detector", 32, 3),
        Column::wrap("Protection plans off", 0),
        Column::wrap("Management", 2),
    ];
    if with_configuration {
        columns.push(Column::wrap("Configuration", 1).or_below());
    }
    let mut grid = Grid::new(columns);
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
                format!("administrator, {enabled}/{} members enabled", members.len())
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
        grid.row(vec![
            Cell::new(clean(&row.region)),
            Cell::new(state),
            Cell::new(clean(&short_id(
                row.detector_id.as_deref().unwrap_or("-"),
                opts,
            ))),
            Cell::new(match (row.plans_off.is_empty(), opts.width) {
                (true, _) => "-".to_owned(),
                (false, Some(_)) => row.plans_off.join(", "),
                (false, None) => clean(&row.features_off.join(", ")).into_owned(),
            }),
            Cell::new(clean(&management)),
            Cell::new(clean(&configuration_summary(
                row.configuration.as_ref(),
                row.detector_id.is_some(),
            ))),
        ]);
    }
    grid.render(opts.width, opts.color, out)?;
    write_findings(section, opts, out)?;
    writeln!(out)?;
    para(
        out,
        opts.width,
        "Summary: ",
        "  ",
        &format!(
            "{} region{}, {}",
            section.regions.len(),
            if section.regions.len() == 1 { "" } else { "s" },
            counted(section.active(), |s| section.count(s), "finding")
        ),
    )?;
    write_incomplete(section, opts, out)
}

/// The findings of a detectors section, most severe first, then one remediation per check.
fn write_findings(
    section: &Section,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if section.active().next().is_none() {
        return writeln!(out, "\nNo findings.");
    }
    writeln!(out, "\nFindings")?;
    let mut grid = Grid::new(vec![
        Column::cut("Severity", 8, 0),
        Column::cut("Check", 30, 3),
        Column::cut("Region", 16, 1),
        Column::cut("Resource", 40, 2),
        Column::wrap("Finding", 0).or_below(),
    ]);
    for f in section.active() {
        grid.row(vec![
            Cell::severity(f.severity),
            Cell::new(f.check.as_str()),
            Cell::new(clean(f.region.as_deref().unwrap_or("global"))),
            Cell::new(clean(&short_resource(f, opts))),
            Cell::new(clean(&f.title)),
        ]);
    }
    grid.render(opts.width, opts.color, out)?;
    write_fixes(section.active(), opts, out)
}

/// A detector id is shortened like in the detectors table; other resources are kept.
fn short_resource(f: &Finding, opts: TableOptions) -> String {
    let is_detector_id =
        f.resource.len() == 32 && f.resource.chars().all(|c| c.is_ascii_hexdigit());
    if is_detector_id {
        short_id(&f.resource, opts)
    } else {
        f.resource.clone()
    }
}

/// "How to fix": one remediation per check, not per finding.
fn write_fixes<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut fixes: BTreeMap<&str, &str> = BTreeMap::new();
    for f in findings {
        fixes.entry(f.check.as_str()).or_insert(&f.remediation);
    }
    writeln!(out, "\nHow to fix")?;
    for (check, fix) in fixes {
        para(
            out,
            opts.width,
            &format!("  {check}: "),
            "      ",
            &clean(fix),
        )?;
    }
    Ok(())
}

/// Who made a change, in a few words: the user name, or role/session.
fn who(change: &ConfigChange) -> String {
    let actor = &change.actor;
    if let Some(role) = &actor.role {
        return match &actor.session {
            Some(session) => format!("{role}/{session}"),
            None => role.clone(),
        };
    }
    if let Some(arn) = &actor.arn {
        let tail = arn.rsplit_once(':').map_or(arn.as_str(), |(_, t)| t);
        return match tail {
            "root" => "root".to_owned(),
            t => t.split_once('/').map_or(t, |(_, name)| name).to_owned(),
        };
    }
    actor
        .invoked_by
        .clone()
        .or_else(|| actor.kind.clone())
        .unwrap_or_else(|| "-".to_owned())
}

/// `gdaudit changes`: one row per change, oldest first.
fn render_changes(
    section: &Section,
    summary: &ChangesSummary,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let window = match summary.since {
        Some(since) => format!("{since} to {}", summary.until),
        None => format!("up to {}", summary.until),
    };
    para(
        out,
        opts.width,
        "",
        "  ",
        &format!("GuardDuty changes, {window} (source: {})", summary.source),
    )?;
    if section.active().next().is_none() {
        writeln!(out, "\nNo changes.")?;
    } else {
        let wide = opts.width.is_none();
        let mut columns = vec![
            Column::cut("Time (UTC)", 24, 0),
            Column::cut("Region", 14, 2),
            Column::cut("Event", 26, 0),
            Column::cut("Who", 24, 1),
            Column::wrap("Meaning", 0).or_below(),
            Column::cut("Severity", 8, 0),
        ];
        if wide {
            columns.extend([
                Column::cut("Account", 12, 4),
                Column::cut("Outcome", 40, 4),
                Column::cut("Actor", 80, 4),
                Column::cut("Source IP", 40, 4),
                Column::cut("User agent", 80, 4),
                Column::cut("Resource", 80, 4),
                Column::cut("Event id", 40, 4),
            ]);
        }
        let mut grid = Grid::new(columns);
        for f in section.active() {
            let Details::ConfigChange(d) = &f.details else {
                continue;
            };
            let mut row = vec![
                Cell::new(match (d.event_time, wide) {
                    (Some(t), true) => t.to_string(),
                    // `2026-11-16 22:48:09`: the seconds, without milliseconds and zone.
                    (Some(t), false) => t
                        .to_string()
                        .replacen('T', " ", 1)
                        .chars()
                        .take(19)
                        .collect(),
                    (None, _) => "-".to_owned(),
                }),
                Cell::new(clean(f.region.as_deref().unwrap_or("-"))),
                Cell::new(clean(&d.event_name)),
                Cell::new(clean(&who(d))),
                Cell::new(clean(&f.title)),
                Cell::severity(f.severity),
            ];
            if wide {
                let outcome = match (d.outcome, &d.error_code) {
                    (ChangeOutcome::Failed, Some(code)) => format!("failed ({})", clean(code)),
                    (ChangeOutcome::Failed, None) => "failed".to_owned(),
                    (ChangeOutcome::Succeeded, _) => "succeeded".to_owned(),
                };
                row.extend([
                    Cell::new(clean(f.account.as_deref().unwrap_or("-"))),
                    Cell::new(outcome),
                    Cell::new(text(d.actor.arn.as_deref())),
                    Cell::new(text(d.source_ip.as_deref())),
                    Cell::new(text(d.user_agent.as_deref())),
                    Cell::new(clean(&f.resource)),
                    Cell::new(text(d.event_id.as_deref())),
                ]);
            }
            grid.row(row);
        }
        grid.render(opts.width, opts.color, out)?;
        if !wide {
            writeln!(
                out,
                "Account, source IP, user agent and event id: --wide, or -o json"
            )?;
        }
    }
    writeln!(out)?;
    para(
        out,
        opts.width,
        "Summary: ",
        "  ",
        &format!(
            "{}{}",
            counted(section.active(), |s| section.count(s), "change"),
            if summary.already_emitted > 0 {
                format!(
                    "; {} already emitted by an earlier run",
                    summary.already_emitted
                )
            } else {
                String::new()
            }
        ),
    )?;
    write_incomplete(section, opts, out)
}

/// A cell for an optional value from AWS or a log (absent: `-`).
fn text(value: Option<&str>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| clean(v).into_owned())
}

fn write_incomplete(
    section: &Section,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let suppressed = section.suppressed();
    if suppressed > 0 {
        writeln!(
            out,
            "Suppressed by the configuration file: {suppressed} (listed in -o json, marked)"
        )?;
    }
    for note in &section.expired_suppressions {
        para(out, opts.width, "Expired suppression: ", "  ", &clean(note))?;
    }
    if !section.incomplete.is_empty() {
        writeln!(
            out,
            "INCOMPLETE: {} thing(s) could not be checked:",
            section.incomplete.len()
        )?;
        for reason in &section.incomplete {
            para(out, opts.width, "  - ", "    ", &clean(reason))?;
        }
    }
    Ok(())
}

/// The most principals the permissions table lists.
const MAX_PERMISSION_ROWS: usize = 500;

/// The most granting policies a row of the permissions table names.
const MAX_POLICIES_PER_ROW: usize = 3;

/// Past [`MAX_PERMISSION_ROWS`] rows: how many more principals there are, and where.
fn more_principals(total: usize, opts: TableOptions, out: &mut dyn Write) -> std::io::Result<()> {
    if total <= MAX_PERMISSION_ROWS {
        return Ok(());
    }
    para(
        out,
        opts.width,
        "",
        "  ",
        &format!(
            "… and {} more principals, none more severe (all are in -o json, jsonl, csv and sarif)",
            total - MAX_PERMISSION_ROWS
        ),
    )
}

/// `gdaudit permissions`: one row per flagged principal.
fn render_permissions(
    section: &Section,
    summary: &PermissionsSummary,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let account = section.account.as_deref().map(clean);
    para(
        out,
        opts.width,
        "",
        "  ",
        &format!(
            "Account {}: {} users, {} roles, {} groups, {} managed policies (source: {})",
            account.as_deref().unwrap_or("(unknown)"),
            summary.users,
            summary.roles,
            summary.groups,
            summary.managed_policies,
            summary.source
        ),
    )?;
    let direct = |f: &&Finding| f.check == CheckId::NonPrivilegedWriteAccess;
    let indirect = |f: &&Finding| f.check == CheckId::IndirectWriteAccess;
    if !section.active().any(|f| direct(&f)) {
        writeln!(
            out,
            "\nNo non-privileged user or role can change GuardDuty."
        )?;
    } else {
        writeln!(out, "\nNon-privileged principals that can change GuardDuty")?;
        let mut grid = Grid::new(vec![
            Column::cut("Severity", 8, 0),
            Column::cut("Principal", 64, 0),
            Column::cut("Type", 5, 3),
            Column::cut("Actions", 18, 2),
            Column::wrap("Most dangerous", 1).or_below(),
            Column::wrap("Granted by", 2).or_below(),
        ]);
        // Findings are sorted most severe first; past a few hundred rows a table stops being
        // read, and the machine formats carry every one.
        for f in section.active().filter(direct).take(MAX_PERMISSION_ROWS) {
            let Details::WriteAccess(details) = &f.details else {
                continue;
            };
            let actions = details.actions();
            let conditional = actions.iter().filter(|a| a.conditional).count();
            let count = if conditional > 0 {
                format!("{} ({conditional} cond.)", actions.len())
            } else {
                actions.len().to_string()
            };
            let mut dangerous: Vec<&str> = details.high_risk_actions().to_vec();
            if dangerous.is_empty() {
                dangerous = actions.iter().map(|a| a.action()).collect();
            }
            let shown = dangerous.len().min(4);
            let mut most: Vec<String> = dangerous[..shown]
                .iter()
                .map(|a| a.strip_prefix("guardduty:").unwrap_or(a).to_owned())
                .collect();
            if dangerous.len() > shown {
                most.push(format!("(+{} more)", dangerous.len() - shown));
            }
            let mut policies: Vec<String> = actions
                .iter()
                .flat_map(|a| a.granted_by.iter())
                .map(ToString::to_string)
                .collect();
            policies.sort();
            policies.dedup();
            // A few policies per row; `explain` and the machine formats name every one.
            let more = policies.len().saturating_sub(MAX_POLICIES_PER_ROW);
            policies.truncate(MAX_POLICIES_PER_ROW);
            if more > 0 {
                policies.push(format!("(+{more} more)"));
            }
            grid.row(vec![
                Cell::severity(f.severity),
                Cell::new(clean(&f.resource)),
                Cell::new(details.principal_type()),
                Cell::new(count),
                Cell::new(clean(&most.join(", "))),
                Cell::new(clean(&policies.join("; "))),
            ]);
        }
        grid.render(opts.width, opts.color, out)?;
        more_principals(section.active().filter(direct).count(), opts, out)?;
    }
    if section.active().any(|f| indirect(&f)) {
        writeln!(out, "\nPrincipals that can become able to change GuardDuty")?;
        let mut grid = Grid::new(vec![
            Column::cut("Severity", 8, 0),
            Column::cut("Principal", 64, 0),
            Column::cut("Reaches", 18, 2),
            Column::wrap("Shortest path", 1).or_below(),
        ]);
        for f in section.active().filter(indirect).take(MAX_PERMISSION_ROWS) {
            let Details::IndirectWrite(details) = &f.details else {
                continue;
            };
            let Some(access) = details.access() else {
                continue;
            };
            let conditional = access.actions.iter().filter(|a| a.conditional).count();
            let count = if conditional > 0 {
                format!("{} ({conditional} cond.)", access.actions.len())
            } else {
                access.actions.len().to_string()
            };
            grid.row(vec![
                Cell::severity(f.severity),
                Cell::new(clean(&f.resource)),
                Cell::new(count),
                Cell::new(clean(&details.path_line())),
            ]);
        }
        grid.render(opts.width, opts.color, out)?;
        more_principals(section.active().filter(indirect).count(), opts, out)?;
    }
    if section.active().next().is_some() {
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
                PrivilegeReason::Administrator => "administrator".to_owned(),
                PrivilegeReason::MatchesGlob { glob } => format!("matches --privileged {glob}"),
            };
            para(
                out,
                opts.width,
                "  ",
                "    ",
                &format!("{} ({})", clean(&p.arn), clean(&why)),
            )?;
        }
        if summary.privileged.len() > 20 {
            writeln!(
                out,
                "  … and {} more (see -o json)",
                summary.privileged.len() - 20
            )?;
        }
    }
    writeln!(out)?;
    para(
        out,
        opts.width,
        "Summary: ",
        "  ",
        &format!(
            "{} can change GuardDuty; {} can become able to; {} service-linked role{} left out",
            counted(
                section.active().filter(direct),
                |s| {
                    section
                        .active()
                        .filter(direct)
                        .filter(|f| f.severity == s)
                        .count()
                },
                "principal"
            ),
            counted(
                section.active().filter(indirect),
                |s| {
                    section
                        .active()
                        .filter(indirect)
                        .filter(|f| f.severity == s)
                        .count()
                },
                "principal"
            ),
            summary.service_linked_roles_skipped,
            if summary.service_linked_roles_skipped == 1 {
                ""
            } else {
                "s"
            }
        ),
    )?;
    write_incomplete(section, opts, out)
}

/// `gdaudit audit`: each audit's own tables, then one summary for the run.
fn render_audit(
    report: &Report,
    sections: &[Section],
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for section in sections {
        let title = match section.inventory {
            Inventory::Detectors(_) => "GuardDuty detectors",
            Inventory::Changes(_) => "GuardDuty configuration changes",
            Inventory::Permissions(_) => "Who can change GuardDuty",
            Inventory::Organization(_) => "The organization",
        };
        writeln!(out, "=== {title} ===\n")?;
        render_section(section, opts, out)?;
        writeln!(out)?;
    }
    let incomplete = report.incomplete().len();
    para(
        out,
        opts.width,
        "=== Audit: ",
        "    ",
        &format!(
            "{}{} ===",
            counted(report.active(), |s| report.count(s), "finding"),
            if incomplete == 0 {
                String::new()
            } else {
                format!("; INCOMPLETE: {incomplete} thing(s) could not be checked")
            }
        ),
    )
}

/// "3 findings (1 high, 2 low)": how many findings are not suppressed, by severity.
fn counted<'a>(
    active: impl Iterator<Item = &'a Finding>,
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

/// A short code for a region, as AWS's own abbreviations go: `use1`, `euw2`, `apse1`.
pub fn region_code(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let direction = |word: &str| -> Option<&'static str> {
        Some(match word {
            "east" => "e",
            "west" => "w",
            "north" => "n",
            "south" => "s",
            "central" => "c",
            "northeast" => "ne",
            "southeast" => "se",
            "northwest" => "nw",
            "southwest" => "sw",
            _ => return None,
        })
    };
    match parts.as_slice() {
        [area, word, number] => match direction(word) {
            Some(d) => format!("{area}{d}{number}"),
            None => region.chars().take(5).collect(),
        },
        [area, "gov", word, number] => match direction(word) {
            Some(d) => format!("{area}g{d}{number}"),
            None => region.chars().take(5).collect(),
        },
        _ => region.chars().take(5).collect(),
    }
}

/// `--org`: the accounts × regions matrix, grouped by OU, then the findings by account.
fn render_organization(
    section: &Section,
    org: &super::inventory::OrgInventory,
    opts: TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let admins: Vec<&str> = org.administrators.keys().map(String::as_str).collect();
    para(
        out,
        opts.width,
        "",
        "  ",
        &format!(
            "Organization {} (management account {}) · {} · delegated administrator {} · {} active account(s){}",
            org.organization_id.as_deref().unwrap_or("(unknown)"),
            org.management_account.as_deref().unwrap_or("?"),
            org.mode,
            if admins.is_empty() {
                "none found".to_owned()
            } else {
                admins.join(", ")
            },
            org.accounts.len(),
            if org.left_out.is_empty() {
                String::new()
            } else {
                format!(", {} left out (closed or suspended)", org.left_out.len())
            }
        ),
    )?;
    writeln!(out)?;
    let codes: Vec<String> = org.regions.iter().map(|r| region_code(r)).collect();
    let cells = org.regions.len() * 2;
    let natural = org
        .accounts
        .iter()
        .map(|a| a.name.width() + 14)
        .max()
        .unwrap_or(20)
        .max(20);
    let label = match opts.width {
        Some(w) => natural.min(w.saturating_sub(cells + 1)).max(16),
        None => natural,
    };
    let height = codes.iter().map(String::len).max().unwrap_or(0);
    for line in 0..height {
        let mut text = " ".repeat(label + 1);
        for code in &codes {
            text.push(code.chars().nth(line).unwrap_or(' '));
            text.push(' ');
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    let mut current_ou: Option<&str> = None;
    for account in &org.accounts {
        let ou = account.ou.as_deref().unwrap_or("(OU unknown)");
        if current_ou != Some(ou) {
            writeln!(out, "{}", cut(&clean(ou), label + cells))?;
            current_ou = Some(ou);
        }
        let who = format!("  {} {}", clean(&account.name), account.id);
        let who = if who.width() > label {
            // Keep the account id whole; cut the name.
            let room = label.saturating_sub(account.id.len() + 3);
            format!("  {} {}", cut(&clean(&account.name), room), account.id)
        } else {
            who
        };
        let mut text = format!("{who}{}", " ".repeat(label.saturating_sub(who.width()) + 1));
        for cell in &account.regions {
            text.push(cell.state.symbol());
            text.push(' ');
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    para(
        out,
        opts.width,
        "Legend: ",
        "  ",
        "✓ enabled · p a protection plan off · S suspended · ✗ not a member (or no detector) · i member not enabled (invited, removed…) · – region not enabled · ? could not check",
    )?;
    let regions: Vec<String> = org
        .regions
        .iter()
        .zip(&codes)
        .map(|(r, c)| format!("{c}={r}"))
        .collect();
    para(out, opts.width, "Regions: ", "  ", &regions.join(" "))?;
    let mut by_setting: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (region, setting) in &org.auto_enable {
        by_setting.entry(setting).or_default().push(region);
    }
    if !by_setting.is_empty() {
        let words: Vec<String> = by_setting
            .iter()
            .map(|(setting, regions)| format!("{setting} in {} region(s)", regions.len()))
            .collect();
        para(
            out,
            opts.width,
            "Auto-enable for members: ",
            "  ",
            &words.join("; "),
        )?;
    }
    for left in &org.left_out {
        para(
            out,
            opts.width,
            "Left out: ",
            "  ",
            &format!(
                "{} {} ({}): not audited",
                clean(&left.name),
                left.id,
                left.status
            ),
        )?;
    }
    if section.active().next().is_none() {
        writeln!(out, "\nNo organization findings.")?;
    } else {
        writeln!(out, "\nOrganization findings")?;
        let mut grid = Grid::new(vec![
            Column::cut("Severity", 8, 0),
            Column::cut("Account", 12, 0),
            Column::cut("Region", 16, 1),
            Column::cut("Check", 30, 2),
            Column::wrap("Finding", 0).or_below(),
        ]);
        let mut findings: Vec<&Finding> = section.active().collect();
        findings.sort_by(|a, b| {
            (&a.account, std::cmp::Reverse(a.severity), &a.region).cmp(&(
                &b.account,
                std::cmp::Reverse(b.severity),
                &b.region,
            ))
        });
        for f in findings {
            grid.row(vec![
                Cell::severity(f.severity),
                Cell::new(clean(f.account.as_deref().unwrap_or("organization"))),
                Cell::new(clean(f.region.as_deref().unwrap_or("all"))),
                Cell::new(f.check.as_str()),
                Cell::new(clean(&f.title)),
            ]);
        }
        grid.render(opts.width, opts.color, out)?;
        write_fixes(section.active(), opts, out)?;
    }
    writeln!(out)?;
    para(
        out,
        opts.width,
        "Summary: ",
        "  ",
        &counted(
            section.active(),
            |s| section.count(s),
            "organization finding",
        ),
    )?;
    write_incomplete(section, opts, out)
}
