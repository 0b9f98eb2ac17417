//! The SARIF 2.1.0 renderer, shaped for GitHub code scanning: one run, one rule per check in
//! the catalogue, one result per finding. Built from its own structs, like the JSON format.
//!
//! GitHub's ingestion rules that shape this file (docs: "SARIF support for code scanning"):
//! every result needs a location with a physical artifact URI; an absolute URI whose scheme
//! is not the checkout's (`file`) rejects the whole upload; alerts are matched across runs by
//! `partialFingerprints.primaryLocationLineHash`; the security severity shown (critical, high,
//! medium, low) is read from the rule's `security-severity`, never from the result.

use std::io::Write;

use serde::Serialize;

use super::Report;
use super::finding::{Finding, Severity};
use super::json::DetailsOut;
use super::registry::{CheckId, CheckInfo};
use super::sanitize::clean;

/// The schema URI GitHub's documentation asks for in `$schema`.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Rule tags: `security` makes GitHub treat the results as security alerts.
const TAGS: [&str; 3] = ["security", "aws", "guardduty"];

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<ResultOut<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

/// A `reportingDescriptor`: one check.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: Level,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: [&'static str; 3],
    /// The checks are deterministic reads of configuration, not heuristics.
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

/// SARIF's result levels; `none` is never used, every finding is a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: Level,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: PartialFingerprints,
    /// Present when the configuration file suppresses the finding: code scanning then shows
    /// it as dismissed, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SuppressionOut<'a>>,
    properties: ResultProperties<'a>,
}

/// A SARIF `suppression` object: suppressed outside the analysed artifact (`external`).
#[derive(Serialize)]
struct SuppressionOut<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// The whole (pseudo-)artifact: GitHub's docs list a region as required, so give the first
/// line, as scanners of non-source artifacts (container images) do.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

const WHOLE_ARTIFACT: Region = Region {
    start_line: 1,
    start_column: 1,
    end_line: 1,
    end_column: 1,
};

#[derive(Serialize)]
struct PartialFingerprints {
    /// Our own fingerprint (as in the JSON format), under a versioned key.
    #[serde(rename = "gdaudit/v1")]
    gdaudit: String,
    /// The only key GitHub matches alerts on. Without it the upload action would try to hash
    /// a source line of the (non-existent) artifact and fail quietly, and two findings of one
    /// check on one resource (two changes by the same event name) could merge into one alert.
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: Severity,
    account: Option<&'a str>,
    region: Option<&'a str>,
    resource: &'a str,
    details: DetailsOut<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "str::is_empty")]
    end_time_utc: &'a str,
}

#[derive(Serialize)]
struct Notification {
    level: Level,
    message: Text,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    command: &'a str,
    account: Option<&'a str>,
}

/// Writes the report as one SARIF log, pretty-printed, newline-terminated.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    out.write_all(b"\n")
}

fn log(report: &Report) -> Log<'_> {
    let rules: Vec<Rule<'static>> = CheckId::ALL.iter().map(|c| rule(c.info())).collect();
    let results = report
        .findings()
        .map(|finding| {
            // Every check is registered, so the rule is always found.
            let rule_index = CheckId::ALL
                .iter()
                .position(|c| *c == finding.check)
                .unwrap_or_default();
            result(finding, rule_index)
        })
        .collect();
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: absolute_uri(env!("CARGO_PKG_HOMEPAGE"))
                        .or_else(|| absolute_uri(env!("CARGO_PKG_REPOSITORY"))),
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: !report.is_incomplete(),
                tool_execution_notifications: report
                    .incomplete()
                    .iter()
                    .map(|reason| Notification {
                        level: Level::Error,
                        message: Text {
                            text: format!("not checked: {}", clean(reason)),
                        },
                    })
                    .collect(),
                end_time_utc: &report.generated_at,
            }],
            results,
            properties: RunProperties {
                command: report.command,
                account: report.account.as_deref(),
            },
        }],
    }
}

/// Every registered check is a rule, in the registry's order, so rule indexes are stable
/// across runs and commands.
fn rule(check: &'static CheckInfo) -> Rule<'static> {
    let docs = check.docs_url();
    let help_uri = absolute_uri(&docs).map(str::to_owned);
    let docs_markdown = match &help_uri {
        Some(url) => format!("[Documentation]({url})"),
        // Unpublished docs: name the file, since a relative link would not resolve on GitHub.
        None => format!("Documentation: `{docs}`"),
    };
    Rule {
        id: check.id,
        name: pascal_case(check.id),
        short_description: Text {
            text: check.title.to_owned(),
        },
        full_description: Text {
            text: format!(
                "{} (gdaudit check {}, default severity {}).",
                check.title, check.id, check.severity
            ),
        },
        help: Help {
            text: format!("{}\n\nDocumentation: {docs}", check.remediation),
            markdown: format!("{}\n\n{docs_markdown}", check.remediation),
        },
        help_uri,
        default_configuration: Configuration {
            level: level(check.severity),
        },
        properties: rule_properties(check.severity),
    }
}

fn rule_properties(severity: Severity) -> RuleProperties {
    RuleProperties {
        tags: TAGS,
        precision: "high",
        security_severity: security_severity(severity),
    }
}

fn result(finding: &Finding, rule_index: usize) -> ResultOut<'_> {
    ResultOut {
        rule_id: finding.check.as_str(),
        rule_index,
        level: level(finding.severity),
        message: Text {
            text: clean(&finding.title).into_owned(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(finding),
                },
                region: WHOLE_ARTIFACT,
            },
        }],
        partial_fingerprints: PartialFingerprints {
            gdaudit: finding.fingerprint.clone(),
            // GitHub's own values have the form `hash:occurrence`.
            primary_location_line_hash: format!("{}:1", finding.fingerprint),
        },
        suppressions: finding
            .suppressed
            .iter()
            .map(|s| SuppressionOut {
                kind: "external",
                justification: &s.reason,
            })
            .collect(),
        properties: ResultProperties {
            severity: finding.severity,
            account: finding.account.as_deref(),
            region: finding.region.as_deref(),
            resource: &finding.resource,
            details: DetailsOut(&finding.details),
        },
    }
}

/// critical and high fail a build (`error`), medium warns, low and info are notes.
fn level(severity: Severity) -> Level {
    match severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Info => Level::Note,
    }
}

/// A score inside the band GitHub maps to the same name: over 9.0 critical, 7.0–8.9 high,
/// 4.0–6.9 medium, 0.1–3.9 low (GitHub has no "info"; it shows as low).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The finding's pseudo-artifact: `aws/ACCOUNT/REGION/RESOURCE`, a relative URI reference.
///
/// There is no source file behind a finding, and GitHub rejects a result without a physical
/// location. An `aws://…` URI would be natural but GitHub rejects the whole upload when an
/// absolute URI's scheme differs from the checkout's (`file`), so the path is relative; the
/// file does not exist in the repository, which GitHub accepts (the alert shows no preview).
/// It is stable across runs for the same resource, as GitHub asks of file paths. Each part is
/// one percent-encoded segment, so an ARN's `/` cannot add path levels and nothing can form a
/// `..` segment; `unknown-account` and `global` stand in for a missing account or region.
fn artifact_uri(finding: &Finding) -> String {
    let parts = [
        finding.account.as_deref().unwrap_or("unknown-account"),
        finding.region.as_deref().unwrap_or("global"),
        &finding.resource,
    ];
    let mut uri = String::from("aws");
    for part in parts {
        uri.push('/');
        push_segment(&mut uri, part);
    }
    uri
}

/// Appends `part` as one URI path segment: unreserved characters, `:` and `@` as they are
/// (ARNs stay readable), every other byte of its UTF-8 as `%XX`. A segment that would be
/// empty or only dots gets a leading `_`.
fn push_segment(uri: &mut String, part: &str) {
    if part.bytes().all(|b| b == b'.') {
        uri.push('_');
    }
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// `Some(uri)` when it is absolute (http or https): SARIF's `helpUri` and `informationUri`
/// must be absolute, and GitHub's upload validates them.
fn absolute_uri(uri: &str) -> Option<&str> {
    (uri.starts_with("https://") || uri.starts_with("http://")).then_some(uri)
}

/// `detector-missing` → `DetectorMissing`, the form SARIF suggests for rule names.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Inventory;
    use serde_json::{Value, json};

    fn finding(check: CheckId, severity: Severity, resource: &str) -> Finding {
        Finding {
            check,
            severity,
            title: format!("{check} on {resource}"),
            account: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            resource: resource.into(),
            fingerprint: crate::report::finding::fingerprint(
                check,
                Some("111122223333"),
                Some("eu-west-1"),
                resource,
                "",
            ),
            details: crate::report::details::Details::DetectorSuspended(
                crate::report::details::DetectorSuspended {
                    detector_id: resource.into(),
                    status: "DISABLED".into(),
                },
            ),
            suppressed: None,
            remediation: "Fix it.".into(),
        }
    }

    fn report(findings: Vec<Finding>, incomplete: Vec<String>) -> Report {
        let mut section = crate::report::Section::new(Inventory::Detectors(vec![]));
        section.findings = findings;
        section.incomplete = incomplete;
        Report {
            command: "detectors",
            account: Some("111122223333".into()),
            generated_at: "2026-11-22T08:00:00Z".into(),
            sections: vec![section],
        }
    }

    fn rendered(report: &Report) -> Value {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        assert!(out.ends_with(b"}\n"));
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), Level::Error);
        assert_eq!(level(Severity::High), Level::Error);
        assert_eq!(level(Severity::Medium), Level::Warning);
        assert_eq!(level(Severity::Low), Level::Note);
        assert_eq!(level(Severity::Info), Level::Note);
    }

    #[test]
    fn security_severity_lands_in_githubs_band_for_the_same_name() {
        let band = |score: f64| match score {
            s if s > 9.0 => "critical",
            s if s >= 7.0 => "high",
            s if s >= 4.0 => "medium",
            s if s >= 0.1 => "low",
            _ => "none",
        };
        for severity in Severity::ALL {
            let score: f64 = security_severity(severity).parse().unwrap();
            let expected = if severity == Severity::Info {
                "low"
            } else {
                severity.as_str()
            };
            assert_eq!(band(score), expected, "{severity}");
        }
    }

    #[test]
    fn rules_are_the_catalogue_in_order() {
        let doc = rendered(&report(vec![], vec![]));
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let catalogue: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(ids, catalogue);
        for (rule, check) in rules.iter().zip(CheckId::ALL.iter().map(|c| c.info())) {
            assert_eq!(rule["shortDescription"]["text"], check.title);
            assert!(
                rule["help"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(check.remediation)
            );
            assert!(
                rule["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains(&check.docs_url())
            );
            assert_eq!(
                rule["defaultConfiguration"]["level"],
                json!(level(check.severity))
            );
            assert_eq!(
                rule["properties"]["security-severity"],
                security_severity(check.severity)
            );
            assert!(
                rule["properties"]["tags"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("security"))
            );
        }
    }

    #[test]
    fn results_point_at_their_rule_and_carry_the_fingerprint() {
        let check = CheckId::ALL[1].info();
        let f = finding(CheckId::ALL[1], Severity::Medium, "d-1");
        let doc = rendered(&report(vec![f.clone()], vec![]));
        let run = &doc["runs"][0];
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], check.id);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], check.id);
        // The result's own severity wins over the check's default.
        assert_eq!(result["level"], "warning");
        assert_eq!(result["message"]["text"], f.title);
        assert_eq!(result["partialFingerprints"]["gdaudit/v1"], f.fingerprint);
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"],
            format!("{}:1", f.fingerprint)
        );
        assert_eq!(
            result["properties"],
            json!({"severity": "medium", "account": "111122223333", "region": "eu-west-1",
                   "resource": "d-1", "details": {"detector_id": "d-1", "status": "DISABLED"}})
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "aws/111122223333/eu-west-1/d-1"
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert!(
            run["invocations"][0]
                .get("toolExecutionNotifications")
                .is_none()
        );
    }

    #[test]
    fn an_incomplete_audit_is_an_unsuccessful_execution_with_its_reasons() {
        let reasons = vec![
            "sa-east-1: guardduty:ListDetectors (access denied)".to_owned(),
            "ap-east-1: \u{1b}[31mthrottled".to_owned(),
        ];
        let doc = rendered(&report(vec![], reasons));
        let invocation = &doc["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(invocation["endTimeUtc"], "2026-11-22T08:00:00Z");
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0]["level"], "error");
        assert_eq!(
            notes[0]["message"]["text"],
            "not checked: sa-east-1: guardduty:ListDetectors (access denied)"
        );
        assert_eq!(
            notes[1]["message"]["text"],
            "not checked: ap-east-1: \\x1b[31mthrottled"
        );
    }

    #[test]
    fn artifact_uris_are_relative_one_segment_per_part_and_never_dot_segments() {
        let mut f = finding(
            CheckId::DetectorSuspended,
            Severity::High,
            "arn:aws:iam::111122223333:role/ops/deploy+x",
        );
        assert_eq!(
            artifact_uri(&f),
            "aws/111122223333/eu-west-1/arn:aws:iam::111122223333:role%2Fops%2Fdeploy%2Bx"
        );
        f.account = None;
        f.region = None;
        f.resource = "a b/é?#".into();
        assert_eq!(
            artifact_uri(&f),
            "aws/unknown-account/global/a%20b%2F%C3%A9%3F%23"
        );
        for (resource, segment) in [("", "_"), (".", "_."), ("..", "_.."), ("...x", "...x")] {
            f.resource = resource.into();
            assert_eq!(
                artifact_uri(&f),
                format!("aws/unknown-account/global/{segment}")
            );
        }
    }

    #[test]
    fn the_log_names_its_schema_version_and_tool() {
        let doc = rendered(&report(vec![], vec![]));
        assert_eq!(doc["$schema"], SCHEMA_URI);
        assert_eq!(doc["version"], "2.1.0");
        let driver = &doc["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "gdaudit");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(doc["runs"][0]["properties"]["command"], "detectors");
    }

    #[test]
    fn only_absolute_uris_become_help_uris() {
        assert_eq!(
            absolute_uri("https://x.test/a#b"),
            Some("https://x.test/a#b")
        );
        assert_eq!(absolute_uri("docs/checks.md#a"), None);
        assert_eq!(absolute_uri(""), None);
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("detector-missing"), "DetectorMissing");
        assert_eq!(pascal_case("s3-protection-off"), "S3ProtectionOff");
    }
}
