//! GitHub-flavoured Markdown: a summary for `$GITHUB_STEP_SUMMARY`, GitLab job summaries and
//! pull-request comments. A status line, findings by severity (capped, with the count of the
//! rest), and what could not be checked. Text from AWS or a log is escaped so it can neither
//! break the table nor become a link, an image or HTML.

use std::io::Write;

use super::finding::Severity;
use super::sanitize::clean;
use super::{FailOn, Outcome, Report};

/// The most findings the table lists; the rest are counted.
pub const MAX_ROWS: usize = 50;

/// Writes the report as Markdown, with the verdict it has at `fail_on`.
pub fn render(report: &Report, fail_on: FailOn, out: &mut dyn Write) -> std::io::Result<()> {
    let outcome = report.outcome(fail_on);
    let account = report.account.as_deref().unwrap_or("(unknown account)");
    writeln!(
        out,
        "### gdaudit {}: {}",
        report.command,
        escape(&status(report, outcome, fail_on))
    )?;
    writeln!(out)?;
    let regions = report.regions().len();
    writeln!(
        out,
        "Account {} · {} · {regions} region{} · generated {}",
        escape(account),
        escape(&sections(report)),
        if regions == 1 { "" } else { "s" },
        escape(&report.generated_at),
    )?;
    writeln!(out)?;

    writeln!(out, "| Severity | Findings |")?;
    writeln!(out, "| --- | ---: |")?;
    for severity in Severity::ALL {
        writeln!(out, "| {severity} | {} |", report.count(severity))?;
    }
    let suppressed = report.suppressed();
    if suppressed > 0 {
        writeln!(out, "| suppressed | {suppressed} |")?;
    }
    writeln!(out)?;

    let active: Vec<_> = report.active().collect();
    if !active.is_empty() {
        let mut sorted = active.clone();
        // Most severe first; within a severity, the order of the report.
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        writeln!(out, "#### Findings")?;
        writeln!(out)?;
        writeln!(
            out,
            "| Severity | Check | Account | Region | Resource | Finding |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
        for f in sorted.iter().take(MAX_ROWS) {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                f.severity,
                f.check,
                escape(f.account.as_deref().unwrap_or("-")),
                escape(f.region.as_deref().unwrap_or("global")),
                escape(&f.resource),
                escape(&f.title),
            )?;
        }
        if sorted.len() > MAX_ROWS {
            writeln!(out)?;
            writeln!(
                out,
                "… and {} more findings, none more severe (all are in `-o json`).",
                sorted.len() - MAX_ROWS
            )?;
        }
        writeln!(out)?;
    }

    let incomplete = report.incomplete();
    if !incomplete.is_empty() {
        writeln!(
            out,
            "#### Incomplete: {} thing(s) could not be checked",
            incomplete.len()
        )?;
        writeln!(out)?;
        for reason in &incomplete {
            writeln!(out, "- {}", escape(reason))?;
        }
        writeln!(out)?;
    }
    for note in report.expired_suppressions() {
        writeln!(out, "- Expired suppression: {}", escape(&note))?;
    }
    Ok(())
}

/// The verdict in words, e.g. `FAILED: 9 findings, 7 at or above high`.
pub fn status(report: &Report, outcome: Outcome, fail_on: FailOn) -> String {
    let active = report.active().count();
    let findings = format!("{active} finding{}", if active == 1 { "" } else { "s" });
    let threshold = match fail_on.threshold() {
        Some(severity) => format!("at or above {severity}"),
        None => "that fail the run (--fail-on never)".to_owned(),
    };
    let failing = fail_on
        .threshold()
        .map_or(0, |t| report.active().filter(|f| f.severity >= t).count());
    match outcome {
        Outcome::Failed => format!("FAILED: {findings}, {failing} {threshold}"),
        Outcome::Incomplete => format!(
            "INCOMPLETE: {} thing(s) could not be checked; {findings}, none {threshold}",
            report.incomplete().len()
        ),
        Outcome::Clean if active == 0 => "PASSED: no findings".to_owned(),
        Outcome::Clean => format!("PASSED: {findings}, none {threshold}"),
        Outcome::Usage => "usage error".to_owned(),
    }
}

/// The audits the report holds, e.g. `detectors, changes, permissions`.
fn sections(report: &Report) -> String {
    report
        .sections
        .iter()
        .map(|s| s.inventory.audit())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text made safe inside a GFM table cell or list item: control characters made visible,
/// line breaks folded, and every character that could start Markdown or HTML escaped.
pub fn escape(text: &str) -> String {
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len() + 8);
    for c in cleaned.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_out() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("![x](http://e)"), "\\!\\[x\\](http://e)");
        assert_eq!(escape("line\nbreak"), "line\\\\x0abreak");
        assert_eq!(escape("\u{1b}[31m"), "\\\\x1b\\[31m");
    }
}
