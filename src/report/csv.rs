//! The CSV renderer: one finding per row under a header row, RFC 4180 quoting, and every cell
//! made safe to open in a spreadsheet.
//!
//! Cells hold text from AWS and from CloudTrail records (resource names, user agents, error
//! messages), which anyone able to name a resource or send a request controls. So, for each
//! cell: control characters become visible escapes ([`clean`]), and a cell that a spreadsheet
//! would read as a formula gets a leading `'` (OWASP's advice against CSV injection).
//! Incomplete-audit reasons are not rows: the commands print them on stderr.

use std::borrow::Cow;
use std::io::Write;

use super::Report;
use super::finding::Finding;
use super::sanitize::clean;

/// The columns, in order.
pub const HEADER: [&str; 9] = [
    "severity",
    "check",
    "title",
    "account",
    "region",
    "resource",
    "fingerprint",
    "remediation",
    "details",
];

/// Writes the header row, then one row per finding, each ending in CRLF (RFC 4180).
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    write_row(out, HEADER.map(Cow::Borrowed))?;
    for finding in report.active() {
        write_row(out, row(finding)?)?;
    }
    Ok(())
}

fn row(finding: &Finding) -> std::io::Result<[Cow<'_, str>; 9]> {
    Ok([
        Cow::Borrowed(finding.severity.as_str()),
        Cow::Borrowed(finding.check.as_str()),
        Cow::Borrowed(finding.title.as_str()),
        Cow::Borrowed(finding.account.as_deref().unwrap_or("")),
        Cow::Borrowed(finding.region.as_deref().unwrap_or("")),
        Cow::Borrowed(finding.resource.as_str()),
        Cow::Borrowed(finding.fingerprint.as_str()),
        Cow::Borrowed(finding.remediation.as_str()),
        Cow::Owned(details(&super::json::details_json(&finding.details))),
    ])
}

/// Compact JSON, or nothing for no details. serde_json escapes C0 controls; DEL, C1 and the
/// bidi overrides it leaves raw are escaped here as `\uXXXX`, which keeps the JSON valid and
/// equal in meaning (those characters can only occur inside JSON strings).
/// The text is the finding's details as written (compact JSON, never re-parsed here).
fn details(json: &str) -> String {
    if json == "null" {
        return String::new();
    }
    if !json.chars().any(is_unsafe_in_json) {
        return json.to_owned();
    }
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            // All of these are in the Basic Multilingual Plane: one \u escape each.
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

fn is_unsafe_in_json(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn write_row<'a>(
    out: &mut dyn Write,
    cells: impl IntoIterator<Item = Cow<'a, str>>,
) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(&mut line, &neutralise(&clean(&cell)));
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// Prefixes `'` to a cell a spreadsheet would evaluate: one starting with `=`, `+`, `-` or `@`,
/// their full-width forms (which some spreadsheets also accept), a tab or a carriage return.
/// The `'` shows in the cell; that is the price of it never running.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let starts_a_formula = cell.chars().next().is_some_and(|c| {
        matches!(
            c,
            '=' | '+'
                | '-'
                | '@'
                | '\t'
                | '\r'
                | '\u{ff1d}' // ＝
                | '\u{ff0b}' // ＋
                | '\u{ff0d}' // －
                | '\u{ff20}' // ＠
        )
    });
    if starts_a_formula {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Appends one field, in double quotes (with inner quotes doubled) when it holds a comma, a
/// quote, or a line break, as RFC 4180 requires; as it is otherwise.
fn push_field(line: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Inventory;
    use crate::report::finding::{Details, Severity};
    use serde_json::json;

    fn finding() -> Finding {
        Finding {
            check: crate::report::finding::CheckId::DetectorSuspended,
            severity: Severity::High,
            title: "GuardDuty detector suspended in eu-west-1".into(),
            account: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            resource: "98861d52fb421de57782b1a8afbc67d9".into(),
            fingerprint: "0bce4307099f4e1266d02a3d8deb4e67".into(),
            details: Details::DetectorSuspended(crate::report::details::DetectorSuspended {
                detector_id: "98861d52fb421de57782b1a8afbc67d9".into(),
                status: "DISABLED".into(),
            }),
            suppressed: None,
            remediation: "Re-enable it: `aws guardduty update-detector --enable`.".into(),
        }
    }

    fn csv_of(findings: Vec<Finding>) -> String {
        let mut section = crate::report::Section::new(Inventory::Detectors(vec![]));
        section.findings = findings;
        section.incomplete = vec!["sa-east-1: access denied".into()];
        let report = Report {
            command: "detectors",
            account: None,
            generated_at: String::new(),
            sections: vec![section],
        };
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_then_one_crlf_row_per_finding() {
        let csv = csv_of(vec![finding()]);
        assert_eq!(
            csv,
            "severity,check,title,account,region,resource,fingerprint,remediation,details\r\n\
             high,detector-suspended,GuardDuty detector suspended in eu-west-1,111122223333,\
             eu-west-1,98861d52fb421de57782b1a8afbc67d9,0bce4307099f4e1266d02a3d8deb4e67,\
             Re-enable it: `aws guardduty update-detector --enable`.,\
             \"{\"\"detector_id\"\":\"\"98861d52fb421de57782b1a8afbc67d9\"\",\
             \"\"status\"\":\"\"DISABLED\"\"}\"\r\n"
        );
        // Incomplete reasons are not data rows.
        assert!(!csv.contains("sa-east-1"));
    }

    #[test]
    fn no_findings_is_just_the_header() {
        assert_eq!(csv_of(vec![]).lines().count(), 1);
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let field = |s: &str| {
            let mut line = String::new();
            push_field(&mut line, s);
            line
        };
        assert_eq!(field("plain text"), "plain text");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for cell in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1+1",
            "＋1",
            "－1",
            "＠x",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "a=b", "arn:aws:iam::1:role/x", "'quoted", " =1"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn hostile_text_from_aws_is_neutralised_escaped_and_quoted() {
        let mut f = finding();
        f.resource = "=HYPERLINK(\"http://x.test\",\"y\")".into();
        f.title = "@evil\u{1b}[31m, red".into();
        f.account = Some("-1".into());
        f.details = Details::DetectorSuspended(crate::report::details::DetectorSuspended {
            detector_id: "a\u{202e}b\u{7f}c\u{9b}d\ne".into(),
            status: "DISABLED".into(),
        });
        let csv = csv_of(vec![f]);
        let row = csv.lines().nth(1).unwrap();
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://x.test\"\",\"\"y\"\")\","),
            "{row}"
        );
        assert!(row.contains(",\"'@evil\\x1b[31m, red\","), "{row}");
        assert!(row.contains(",'-1,"), "{row}");
        assert!(!csv.contains(['\u{1b}', '\u{202e}', '\u{7f}', '\u{9b}']));
        // Exactly two line breaks: the header's and the row's.
        assert_eq!(csv.matches("\r\n").count(), 2);
        assert_eq!(csv.matches('\n').count(), 2);
    }

    #[test]
    fn details_stay_valid_json_with_the_same_meaning() {
        let value = json!({"detector_id": "a\u{202e}b\u{7f}c\u{9b}d\n\u{1b}e", "status": "x"});
        let typed = Details::DetectorSuspended(crate::report::details::DetectorSuspended {
            detector_id: "a\u{202e}b\u{7f}c\u{9b}d\n\u{1b}e".into(),
            status: "x".into(),
        });
        let text = details(&super::super::json::details_json(&typed));
        assert!(!text.chars().any(is_unsafe_in_json), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        assert_eq!(details("null"), "");
        assert_eq!(
            details(&super::super::json::details_json(&Details::DetectorMissing)),
            "{}"
        );
    }

    #[test]
    fn missing_account_and_region_are_empty_cells() {
        let mut f = finding();
        f.account = None;
        f.region = None;
        let csv = csv_of(vec![f]);
        assert!(
            csv.lines().nth(1).unwrap().starts_with(
                "high,detector-suspended,GuardDuty detector suspended in eu-west-1,,,"
            )
        );
    }
}
