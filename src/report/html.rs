//! One self-contained HTML page: no script, no external style, font or image, so it works
//! from `file://`, as a CI artifact and under a strict Content-Security-Policy. A header
//! with the verdict in words, the coverage matrix (accounts × regions; each cell opens to
//! its findings), findings by severity with remediation, the changes as a timeline, and who
//! can change GuardDuty with the granting statements. Everything that came from AWS or a
//! log is escaped for HTML.

use std::collections::BTreeMap;
use std::io::Write;

use super::details::{ChangeOutcome, Details};
use super::finding::{Finding, Severity};
use super::markdown::status;
use super::sanitize::clean;
use super::{FailOn, Inventory, Outcome, RegionState, Report};

/// Text for an HTML text node or a quoted attribute value.
pub fn esc(text: &str) -> String {
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len() + 16);
    for c in cleaned.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--crit:#7b1fa2;--high:#c62828;--med:#ef6c00;--low:#0277bd;--info:#546e7a;--ok:#2e7d32;--muted:#666}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{font-size:22px;margin:8px 0}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.status{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;color:#fff}
.status.failed{background:var(--high)}.status.incomplete{background:var(--med)}.status.passed{background:var(--ok)}
.meta{color:var(--muted);margin:6px 0}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #e0e0e0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
.matrix td.cell{text-align:center;min-width:28px;padding:2px}
.matrix th.region{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;font-size:12px}
.cell details>summary{list-style:none;cursor:pointer;font-weight:700}
.cell details>summary::-webkit-details-marker{display:none}
.cell details[open]{position:relative}
.cell details ul{position:absolute;z-index:2;background:#fff;border:1px solid #999;padding:6px 6px 6px 20px;margin:2px 0 0;min-width:260px;text-align:left;font-weight:400;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.s-enabled{background:#e8f5e9}.s-gaps{background:#fff3e0}.s-suspended,.s-no-detector{background:#ffebee}
.s-error{background:#fffde7}.s-not-enabled{background:#eceff1;color:var(--muted)}
.legend span{display:inline-block;margin-right:14px}
.sev{display:inline-block;min-width:58px;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;text-align:center}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
details.finding{background:#fff;border:1px solid #e0e0e0;border-radius:4px;margin:4px 0;padding:4px 8px}
details.finding>summary{cursor:pointer}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
ol.timeline{list-style:none;padding-left:0;border-left:3px solid #ddd;margin-left:8px}
ol.timeline li{margin:0 0 12px;padding-left:14px;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-8px;top:5px;width:12px;height:12px;border-radius:50%;background:#999}
ol.timeline li.critical::before{background:var(--crit)}ol.timeline li.high::before{background:var(--high)}
ol.timeline li.medium::before{background:var(--med)}ol.timeline li.low::before{background:var(--low)}
.muted{color:var(--muted)}
ul.incomplete li{color:#8d4b00}
footer{color:var(--muted);padding:24px 16px}
"#;

/// One short symbol per coverage cell, and its words.
fn symbol(state: RegionState, has_findings: bool) -> (&'static str, &'static str, &'static str) {
    match (state, has_findings) {
        (RegionState::Enabled, false) => ("✓", "s-enabled", "enabled, no findings"),
        (RegionState::Enabled, true) => ("!", "s-gaps", "enabled, with findings"),
        (RegionState::Suspended, _) => ("S", "s-suspended", "suspended"),
        (RegionState::NoDetector, _) => ("✗", "s-no-detector", "no detector"),
        (RegionState::NotEnabled, _) => ("–", "s-not-enabled", "region not enabled"),
        (RegionState::Error, _) => ("?", "s-error", "could not check"),
        (RegionState::Read, _) => ("✓", "s-enabled", "read"),
    }
}

/// Writes the page, with the verdict it has at `fail_on`.
pub fn render(report: &Report, fail_on: FailOn, out: &mut dyn Write) -> std::io::Result<()> {
    let outcome = report.outcome(fail_on);
    let account = report.account.as_deref().unwrap_or("(unknown account)");
    let class = match outcome {
        Outcome::Failed => "failed",
        Outcome::Incomplete | Outcome::Usage => "incomplete",
        Outcome::Clean => "passed",
    };
    let words = status(report, outcome, fail_on);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>gdaudit {} — {} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(report.command),
        esc(account),
        esc(&words)
    )?;
    writeln!(out, "<header>")?;
    writeln!(
        out,
        "<h1>gdaudit {}: account {}</h1>",
        esc(report.command),
        esc(account)
    )?;
    writeln!(
        out,
        "<p><span class=\"status {class}\" id=\"status\">{}</span></p>",
        esc(&words)
    )?;
    let audits: Vec<&str> = report
        .sections
        .iter()
        .map(|s| s.inventory.audit())
        .collect();
    writeln!(
        out,
        "<p class=\"meta\">Generated {} · audits: {} · {} region(s) · failure threshold: {} · exit status {}</p>",
        esc(&report.generated_at),
        esc(&audits.join(", ")),
        report.regions().len(),
        fail_on
            .threshold()
            .map_or("never".to_owned(), |s| s.to_string()),
        outcome as u8
    )?;
    writeln!(out, "</header>\n<main>")?;

    coverage(report, out)?;
    findings(report, out)?;
    for section in &report.sections {
        match &section.inventory {
            Inventory::Changes(_) => changes(section.active(), out)?,
            Inventory::Permissions(_) => {
                permissions(section.active(), out)?;
                indirect(section.active(), out)?;
            }
            Inventory::Detectors(_) | Inventory::Organization(_) => {}
        }
    }
    let incomplete = report.incomplete();
    if !incomplete.is_empty() {
        writeln!(
            out,
            "<h2 id=\"incomplete\">Incomplete: {} thing(s) could not be checked</h2>\n<ul class=\"incomplete\">",
            incomplete.len()
        )?;
        for reason in &incomplete {
            writeln!(out, "<li>{}</li>", esc(reason))?;
        }
        writeln!(out, "</ul>")?;
    }
    let expired = report.expired_suppressions();
    if !expired.is_empty() {
        writeln!(out, "<h2>Expired suppressions</h2>\n<ul>")?;
        for note in &expired {
            writeln!(out, "<li>{}</li>", esc(note))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "</main>\n<footer>gdaudit {} · JSON, SARIF and OCSF carry every field: <code>-o json</code></footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    )
}

/// The organization's accounts × regions matrix, grouped by OU.
fn org_coverage(
    report: &Report,
    org: &super::inventory::OrgInventory,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    use super::inventory::CellState;
    writeln!(
        out,
        "<h2 id=\"coverage\">Coverage: organization {} ({} active accounts)</h2>",
        esc(org.organization_id.as_deref().unwrap_or("(unknown)")),
        org.accounts.len()
    )?;
    writeln!(out, "<table class=\"matrix\">\n<thead><tr><th>Account</th>")?;
    for region in &org.regions {
        writeln!(out, "<th class=\"region\">{}</th>", esc(region))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    let mut current: Option<&str> = None;
    for account in &org.accounts {
        let ou = account.ou.as_deref().unwrap_or("(OU unknown)");
        if current != Some(ou) {
            writeln!(
                out,
                "<tr class=\"ou\"><th colspan=\"{}\">{}</th></tr>",
                org.regions.len() + 1,
                esc(ou)
            )?;
            current = Some(ou);
        }
        writeln!(
            out,
            "<tr class=\"account\"><th>{} <span class=\"mono muted\">{}</span></th>",
            esc(&account.name),
            esc(&account.id)
        )?;
        for cell in &account.regions {
            let class = match cell.state {
                CellState::Enabled => "s-enabled",
                CellState::PlanOff => "s-gaps",
                CellState::Suspended => "s-suspended",
                CellState::NotMember | CellState::NoDetector | CellState::NotEnabled => {
                    "s-no-detector"
                }
                CellState::RegionNotEnabled => "s-not-enabled",
                CellState::CouldNotCheck => "s-error",
            };
            let here: Vec<&Finding> = report
                .active()
                .filter(|f| {
                    f.account.as_deref() == Some(account.id.as_str())
                        && f.region.as_deref().is_none_or(|r| r == cell.region)
                })
                .collect();
            let title = format!(
                "{} in {}: {}{}",
                account.id,
                cell.region,
                cell.state.words(),
                cell.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            );
            write!(
                out,
                "<td class=\"cell {class}\" title=\"{}\"><details><summary>{}</summary><ul><li>{}</li>",
                esc(&title),
                cell.state.symbol(),
                esc(&title)
            )?;
            for f in &here {
                write!(out, "<li>{}: {}</li>", f.severity, esc(&f.title))?;
            }
            writeln!(out, "</ul></details></td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    writeln!(
        out,
        "<p class=\"legend muted\"><span>✓ enabled</span><span>p a protection plan off</span><span>S suspended</span>\
         <span>✗ not a member / no detector</span><span>i member not enabled</span><span>? could not check</span>\
         <span>– region not enabled</span> (click a cell for its findings)</p>"
    )?;
    if !org.left_out.is_empty() {
        writeln!(out, "<p class=\"muted\">Left out (not audited):")?;
        for left in &org.left_out {
            write!(
                out,
                " {} {} ({});",
                esc(&left.name),
                esc(&left.id),
                left.status
            )?;
        }
        writeln!(out, "</p>")?;
    }
    Ok(())
}

/// The accounts × regions matrix of the detector sections.
fn coverage(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(org) = report.sections.iter().find_map(|s| match &s.inventory {
        Inventory::Organization(org) => Some(org),
        _ => None,
    }) {
        return org_coverage(report, org, out);
    }
    let detector_sections: Vec<_> = report
        .sections
        .iter()
        .filter(|s| matches!(s.inventory, Inventory::Detectors(_)))
        .collect();
    if detector_sections.is_empty() {
        return Ok(());
    }
    let mut regions: Vec<&str> = detector_sections
        .iter()
        .flat_map(|s| s.regions.iter().map(|r| r.region.as_str()))
        .collect();
    regions.sort_unstable();
    regions.dedup();
    writeln!(out, "<h2 id=\"coverage\">Coverage</h2>")?;
    writeln!(out, "<table class=\"matrix\">\n<thead><tr><th>Account</th>")?;
    for region in &regions {
        writeln!(out, "<th class=\"region\">{}</th>", esc(region))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for section in detector_sections {
        let account = section.account.as_deref().unwrap_or("(unknown)");
        writeln!(out, "<tr class=\"account\"><th>{}</th>", esc(account))?;
        for region in &regions {
            let Some(status) = section.regions.iter().find(|r| r.region == *region) else {
                writeln!(
                    out,
                    "<td class=\"cell s-not-enabled\" title=\"not audited\">·</td>"
                )?;
                continue;
            };
            let here: Vec<&Finding> = section
                .active()
                .filter(|f| f.region.as_deref() == Some(*region))
                .collect();
            let (mark, class, words) = symbol(status.state, !here.is_empty());
            let title = format!("{region}: {words}; {} finding(s)", here.len());
            write!(
                out,
                "<td class=\"cell {class}\" data-state=\"{}\" title=\"{}\"><details><summary>{mark}</summary><ul>",
                status.state.as_str(),
                esc(&title)
            )?;
            write!(out, "<li>{}</li>", esc(&title))?;
            for error in &status.errors {
                write!(out, "<li>{}</li>", esc(&error.to_string()))?;
            }
            for f in &here {
                write!(out, "<li>{}: {}</li>", f.severity, esc(&f.title))?;
            }
            writeln!(out, "</ul></details></td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    writeln!(
        out,
        "<p class=\"legend muted\"><span>✓ enabled</span><span>! enabled, with findings</span><span>S suspended</span>\
         <span>✗ no detector</span><span>? could not check</span><span>– region not enabled</span> (click a cell for its findings)</p>"
    )
}

/// Every finding, most severe first, each opening to its remediation and identifiers.
fn findings(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, Vec<&Finding>> = BTreeMap::new();
    for f in report.active() {
        by_severity
            .entry(std::cmp::Reverse(f.severity))
            .or_default()
            .push(f);
    }
    writeln!(
        out,
        "<h2 id=\"findings\">Findings ({})</h2>",
        report.active().count()
    )?;
    if by_severity.is_empty() {
        return writeln!(out, "<p>No findings.</p>");
    }
    for (std::cmp::Reverse(severity), list) in by_severity {
        writeln!(
            out,
            "<h3><span class=\"sev {severity}\">{severity}</span> {} finding(s)</h3>",
            list.len()
        )?;
        for f in list {
            writeln!(
                out,
                "<details class=\"finding\" data-severity=\"{severity}\" data-check=\"{}\"><summary><span class=\"sev {severity}\">{severity}</span> {} <span class=\"muted\">· {} · {} · {}</span></summary>",
                f.check,
                esc(&f.title),
                f.check,
                esc(f.region.as_deref().unwrap_or("global")),
                esc(&f.resource),
            )?;
            writeln!(
                out,
                "<p><b>How to fix:</b> {}</p>\n<p class=\"muted\">Account {} · resource <span class=\"mono\">{}</span> · fingerprint <span class=\"mono\">{}</span></p></details>",
                esc(&f.remediation),
                esc(f.account.as_deref().unwrap_or("-")),
                esc(&f.resource),
                esc(&f.fingerprint)
            )?;
        }
    }
    Ok(())
}

/// The changes, oldest first, as a timeline.
fn changes<'a>(
    list: impl Iterator<Item = &'a Finding>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "<h2 id=\"changes\">Changes</h2>\n<ol class=\"timeline\">"
    )?;
    let mut any = false;
    for f in list {
        let Details::ConfigChange(d) = &f.details else {
            continue;
        };
        any = true;
        let when = d
            .event_time
            .map_or_else(|| "(no time)".to_owned(), |t| t.to_string());
        let outcome = match (d.outcome, &d.error_code) {
            (ChangeOutcome::Failed, Some(code)) => format!(" · failed ({code})"),
            (ChangeOutcome::Failed, None) => " · failed".to_owned(),
            (ChangeOutcome::Succeeded, _) => String::new(),
        };
        writeln!(
            out,
            "<li class=\"change {}\"><span class=\"sev {}\">{}</span> <b>{}</b> <span class=\"mono\">{}</span>{}<br>{}<br>\
             <span class=\"muted\">by <span class=\"mono\">{}</span> from {} · {} · {} · event {}</span></li>",
            f.severity,
            f.severity,
            f.severity,
            esc(&when),
            esc(&d.event_name),
            esc(&outcome),
            esc(&d.meaning),
            esc(d.actor.arn.as_deref().unwrap_or("-")),
            esc(d.source_ip.as_deref().unwrap_or("-")),
            esc(f.region.as_deref().unwrap_or("-")),
            esc(&cut(d.user_agent.as_deref().unwrap_or("-"), 200)),
            esc(d.event_id.as_deref().unwrap_or("-")),
        )?;
    }
    if !any {
        writeln!(out, "<li class=\"muted\">No changes.</li>")?;
    }
    writeln!(out, "</ol>")
}

/// At most `max` characters of a long value (a user agent can be megabytes).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Who can change GuardDuty, with the statements that grant it.
fn permissions<'a>(
    list: impl Iterator<Item = &'a Finding>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "<h2 id=\"permissions\">Who can change GuardDuty</h2>\n<table class=\"permissions\">\n\
         <thead><tr><th>Severity</th><th>Principal</th><th>Actions</th><th>Granted by</th></tr></thead>\n<tbody>"
    )?;
    for f in list {
        let Details::WriteAccess(d) = &f.details else {
            continue;
        };
        let actions = d.actions();
        let names: Vec<String> = actions
            .iter()
            .map(|a| {
                let bare = a.action().strip_prefix("guardduty:").unwrap_or(a.action());
                if a.conditional {
                    format!("{bare} (conditional)")
                } else {
                    bare.to_owned()
                }
            })
            .collect();
        let mut grants: Vec<String> = actions
            .iter()
            .flat_map(|a| a.granted_by.iter())
            .map(ToString::to_string)
            .collect();
        grants.sort();
        grants.dedup();
        let grants: Vec<String> = grants.iter().map(|g| esc(g)).collect();
        writeln!(
            out,
            "<tr class=\"principal\"><td><span class=\"sev {}\">{}</span></td><td class=\"mono\">{}</td>\
             <td><details><summary>{} action(s)</summary>{}</details></td><td class=\"mono\">{}</td></tr>",
            f.severity,
            f.severity,
            esc(&f.resource),
            actions.len(),
            esc(&names.join(", ")),
            grants.join("<br>")
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// Who can become able to change GuardDuty, with the shortest path.
fn indirect<'a>(
    list: impl Iterator<Item = &'a Finding>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let rows: Vec<(&Finding, &crate::report::details::IndirectWrite)> = list
        .filter_map(|f| match &f.details {
            Details::IndirectWrite(d) => Some((f, d)),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h2 id=\"access-paths\">Who can become able to change GuardDuty</h2>\n<table class=\"permissions\">\n\
         <thead><tr><th>Severity</th><th>Principal</th><th>Reaches</th><th>Shortest path</th></tr></thead>\n<tbody>"
    )?;
    for (f, d) in rows {
        let Some(access) = d.access() else { continue };
        let names: Vec<String> = access.actions.iter().map(|a| a.to_string()).collect();
        let steps: Vec<String> = access
            .path
            .iter()
            .map(|s| {
                let by: Vec<String> = s.allowed_by.iter().map(ToString::to_string).collect();
                format!(
                    "<li><b>{}</b> {}{} <span class=\"mono\">({})</span></li>",
                    esc(s.method.as_str()),
                    esc(&s.to),
                    if s.conditional { " (conditional)" } else { "" },
                    esc(&by.join("; "))
                )
            })
            .collect();
        writeln!(
            out,
            "<tr class=\"path\"><td><span class=\"sev {}\">{}</span></td><td class=\"mono\">{}</td>\
             <td><details><summary>{} action(s)</summary>{}</details></td><td><ol>{}<li>{}</li></ol></td></tr>",
            f.severity,
            f.severity,
            esc(&f.resource),
            access.actions.len(),
            esc(&names.join(", ")),
            steps.join(""),
            esc(&access.holds())
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(esc("\"onerror='x'"), "&quot;onerror=&#39;x&#39;");
        assert_eq!(esc("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(esc("&amp;"), "&amp;amp;");
    }
}
