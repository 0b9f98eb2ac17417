//! The configuration file, `gdaudit.toml`: privileged principals, regions, the fail-on
//! threshold, the changes window, and suppressions. Command-line flags override it.
//!
//! Read strictly: an unknown key or a bad value is an error naming the file, the line and the
//! key, so a typo never silently turns a check off.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::model::cloudtrail::Timestamp;
use crate::report::FailOn;
use crate::report::finding::{Finding, Suppressed};

/// The file read when `--config` is not given, from the current directory.
pub const DEFAULT_FILE: &str = "gdaudit.toml";

/// gdaudit's defaults, where neither a flag nor the configuration file says otherwise.
/// Flags over the file over these: merged once, in `commands::settings`.
pub mod defaults {
    use crate::report::FailOn;

    /// The threshold for exit status 1.
    pub const FAIL_ON: FailOn = FailOn::High;
    /// How far back `gdaudit audit` reads CloudTrail.
    pub const AUDIT_WINDOW: &str = "24h";
    /// How far back `gdaudit changes` (and `collect`) read the CloudTrail API.
    pub const CHANGES_WINDOW: &str = "7d";
    /// With `--state`: how far before the previous run's end to read again, for late events.
    pub const STATE_OVERLAP: &str = "2h";
    /// How old an unarchived finding may get per severity band (`[detectors]
    /// finding-age-days`): AWS Config's `guardduty-non-archived-findings` defaults.
    pub const FINDING_AGES: crate::model::objects::FindingAges =
        crate::model::objects::FindingAges {
            critical_days: 1,
            high_days: 1,
            medium_days: 7,
            low_days: 30,
        };
}

/// A configuration file that cannot be used: one line, `FILE:LINE: what is wrong`.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

/// The configuration as read from a file (every part optional).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// Where it came from (`None`: no file).
    pub path: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    /// `["all"]` for every region.
    pub regions: Vec<String>,
    pub exclude_regions: Vec<String>,
    pub privileged: Vec<String>,
    pub scp: Vec<PathBuf>,
    /// The default `--since` of `gdaudit changes` and `gdaudit audit`.
    pub changes_since: Option<String>,
    pub suppressions: Vec<Suppression>,
    /// `[detectors] finding-age-days`, over [`defaults::FINDING_AGES`] band by band.
    pub finding_ages: Option<crate::model::objects::FindingAges>,
    /// `[detectors] required-tag-keys`: the tagging checks run only when it is set.
    pub required_tag_keys: Vec<String>,
}

/// `[[suppress]]`: findings of `check` whose resource (and region, account) match are reported
/// as suppressed, and do not count towards the exit code, until `expires`.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub check: String,
    /// Glob (`*`, `?`) on the finding's resource; `*` when absent.
    pub resource: String,
    pub region: Option<String>,
    pub account: Option<String>,
    pub reason: String,
    /// Last day it applies (`YYYY-MM-DD`, UTC).
    pub expires: Option<String>,
    /// Line of the `[[suppress]]` entry, for messages.
    pub line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    regions: Option<Spanned<RegionsValue>>,
    exclude_regions: Option<Vec<Spanned<String>>>,
    privileged: Option<Vec<Spanned<String>>>,
    scp: Option<Vec<String>>,
    changes: Option<RawChanges>,
    detectors: Option<RawDetectors>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDetectors {
    finding_age_days: Option<RawAges>,
    required_tag_keys: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAges {
    critical: Option<Spanned<i64>>,
    high: Option<Spanned<i64>>,
    medium: Option<Spanned<i64>>,
    low: Option<Spanned<i64>>,
}

/// The longest age threshold accepted, in days (ten years).
const MAX_AGE_DAYS: i64 = 3650;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RegionsValue {
    All(String),
    List(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChanges {
    since: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    check: Spanned<String>,
    resource: Option<String>,
    region: Option<String>,
    account: Option<String>,
    reason: Spanned<String>,
    expires: Option<Spanned<String>>,
}

/// Line (1-based) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl Config {
    /// Reads `--config FILE`, or `gdaudit.toml` in the current directory when it exists.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit {
            Some(path) => Config::load(path),
            None if Path::new(DEFAULT_FILE).is_file() => Config::load(Path::new(DEFAULT_FILE)),
            None => Ok(Config::default()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::limits::read_bounded_string(path, crate::limits::MAX_CONFIG_BYTES)
            .map_err(|e| ConfigError {
                path: path.display().to_string(),
                line: 0,
                message: format!("cannot read: {e}"),
            })?;
        Config::parse(&text, path)
    }

    /// Parses the text of a configuration file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let err = |offset: usize, message: String| ConfigError {
            path: name.clone(),
            line: line_of(text, offset),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            ConfigError {
                path: name.clone(),
                line,
                message,
            }
        })?;
        let mut config = Config {
            path: Some(path.to_owned()),
            ..Config::default()
        };

        if let Some(fail_on) = raw.fail_on {
            let value = FailOn::from_name(fail_on.get_ref()).ok_or_else(|| {
                err(
                    fail_on.span().start,
                    format!(
                        "fail-on = {:?}: expected one of critical, high, medium, low, info, never",
                        fail_on.get_ref()
                    ),
                )
            })?;
            config.fail_on = Some(value);
        }
        if let Some(regions) = raw.regions {
            let start = regions.span().start;
            config.regions = match regions.into_inner() {
                RegionsValue::All(all) if all == "all" => vec!["all".to_owned()],
                RegionsValue::All(other) => {
                    return Err(err(
                        start,
                        format!("regions = {other:?}: expected \"all\" or a list of region names"),
                    ));
                }
                RegionsValue::List(list) => {
                    for region in &list {
                        if !crate::scope::is_region_name(region) {
                            return Err(err(
                                start,
                                format!("regions: {region:?} is not a region name"),
                            ));
                        }
                    }
                    list
                }
            };
        }
        for region in raw.exclude_regions.unwrap_or_default() {
            if !crate::scope::is_region_name(region.get_ref()) {
                return Err(err(
                    region.span().start,
                    format!(
                        "exclude-regions: {:?} is not a region name",
                        region.get_ref()
                    ),
                ));
            }
            config.exclude_regions.push(region.into_inner());
        }
        for glob in raw.privileged.unwrap_or_default() {
            if glob.get_ref().trim().is_empty() {
                return Err(err(
                    glob.span().start,
                    "privileged: an empty ARN glob".to_owned(),
                ));
            }
            config.privileged.push(glob.into_inner());
        }
        // SCP files are relative to the configuration file.
        let base = path.parent().unwrap_or(Path::new("."));
        config.scp = raw
            .scp
            .unwrap_or_default()
            .into_iter()
            .map(|p| base.join(p))
            .collect();
        if let Some(since) = raw.changes.and_then(|c| c.since) {
            if crate::model::time::parse_when(since.get_ref(), Timestamp::now()).is_err() {
                return Err(err(
                    since.span().start,
                    format!(
                        "changes.since = {:?}: expected a duration (24h, 7d) or an RFC 3339 time",
                        since.get_ref()
                    ),
                ));
            }
            config.changes_since = Some(since.into_inner());
        }
        if let Some(detectors) = raw.detectors {
            if let Some(ages) = detectors.finding_age_days {
                let mut out = defaults::FINDING_AGES;
                for (band, value, slot) in [
                    ("critical", ages.critical, &mut out.critical_days),
                    ("high", ages.high, &mut out.high_days),
                    ("medium", ages.medium, &mut out.medium_days),
                    ("low", ages.low, &mut out.low_days),
                ] {
                    let Some(value) = value else { continue };
                    let days = *value.get_ref();
                    if !(0..=MAX_AGE_DAYS).contains(&days) {
                        return Err(err(
                            value.span().start,
                            format!(
                                "detectors.finding-age-days.{band} = {days}: expected a number of days from 0 to {MAX_AGE_DAYS}"
                            ),
                        ));
                    }
                    *slot = u32::try_from(days).unwrap_or(0);
                }
                config.finding_ages = Some(out);
            }
            for key in detectors.required_tag_keys.unwrap_or_default() {
                if key.get_ref().trim().is_empty() {
                    return Err(err(
                        key.span().start,
                        "detectors.required-tag-keys: an empty tag key".to_owned(),
                    ));
                }
                config.required_tag_keys.push(key.into_inner());
            }
        }
        for entry in raw.suppress {
            let line = line_of(text, entry.span().start);
            let s = entry.into_inner();
            if crate::report::registry::CheckId::from_id(s.check.get_ref()).is_none() {
                return Err(err(
                    s.check.span().start,
                    format!(
                        "suppress.check = {:?} is not a gdaudit check id (see docs/checks.md)",
                        s.check.get_ref()
                    ),
                ));
            }
            if s.reason.get_ref().trim().is_empty() {
                return Err(err(
                    s.reason.span().start,
                    "suppress.reason must say why".to_owned(),
                ));
            }
            if let Some(expires) = &s.expires
                && !is_date(expires.get_ref())
            {
                return Err(err(
                    expires.span().start,
                    format!(
                        "suppress.expires = {:?}: expected a date, YYYY-MM-DD",
                        expires.get_ref()
                    ),
                ));
            }
            config.suppressions.push(Suppression {
                check: s.check.into_inner(),
                resource: s.resource.unwrap_or_else(|| "*".to_owned()),
                region: s.region,
                account: s.account,
                reason: s.reason.into_inner(),
                expires: s.expires.map(Spanned::into_inner),
                line,
            });
        }
        Ok(config)
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn is_date(text: &str) -> bool {
    Timestamp::parse(text).is_some()
        && text.len() == 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
}

/// Glob match (`*`, `?`), case-sensitive, as for ARNs and resource ids.
fn glob(pattern: &str, text: &str) -> bool {
    crate::iam::glob::matches(pattern.as_bytes(), text.as_bytes())
}

impl Suppression {
    /// Whether it no longer applies on `today` (`YYYY-MM-DD`): after its expiry date.
    pub fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|date| date < today)
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        self.check == finding.check.as_str()
            && glob(&self.resource, &finding.resource)
            && self
                .region
                .as_deref()
                .is_none_or(|r| glob(r, finding.region.as_deref().unwrap_or("global")))
            && self
                .account
                .as_deref()
                .is_none_or(|a| glob(a, finding.account.as_deref().unwrap_or("")))
    }
}

/// Marks the findings a live suppression matches. Returns the suppressions that have expired
/// and would have matched something, so the run can say they no longer apply.
pub fn apply_suppressions<'a>(
    suppressions: &'a [Suppression],
    findings: &mut [Finding],
    today: &str,
) -> Vec<&'a Suppression> {
    let mut expired_hits: Vec<&Suppression> = Vec::new();
    for finding in findings.iter_mut() {
        for s in suppressions.iter().filter(|s| s.matches(finding)) {
            if s.expired(today) {
                if !expired_hits.iter().any(|e| std::ptr::eq(*e, s)) {
                    expired_hits.push(s);
                }
                continue;
            }
            finding.suppressed = Some(Suppressed {
                reason: s.reason.clone(),
                expires: s.expires.clone(),
            });
            break;
        }
    }
    expired_hits
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    Timestamp::now().to_string().chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::{Details, Severity};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("gdaudit.toml"))
    }

    const FULL: &str = r#"
fail-on = "medium"
regions = ["eu-west-1", "us-east-1"]
exclude-regions = ["us-east-1"]
privileged = ["arn:aws:iam::*:role/security/*"]

[changes]
since = "24h"

[[suppress]]
check = "not-centrally-managed"
resource = "*"
region = "ap-northeast-3"
reason = "sandbox account, standalone by design"
expires = "2027-01-31"
"#;

    #[test]
    fn a_full_file_reads() {
        let c = parse(FULL).unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Medium));
        assert_eq!(c.regions, ["eu-west-1", "us-east-1"]);
        assert_eq!(c.exclude_regions, ["us-east-1"]);
        assert_eq!(c.privileged, ["arn:aws:iam::*:role/security/*"]);
        assert_eq!(c.changes_since.as_deref(), Some("24h"));
        assert_eq!(c.suppressions.len(), 1);
        assert_eq!(c.suppressions[0].line, 10);
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let e = parse("fail-on = \"high\"\nregoins = [\"eu-west-1\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("gdaudit.toml:2: "), "{e}");
        assert!(e.message.contains("regoins"), "{e}");
        let e = parse("fail-on = \"sometimes\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("fail-on"), "{e}");
        let e = parse("\n\n[[suppress]]\ncheck = \"no-such-check\"\nreason = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("[[suppress]]\ncheck = \"detector-missing\"\nreason = \"x\"\nexpires = \"31/01/2027\"\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("[[suppress]]\ncheck = \"detector-missing\"\nreasn = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse("regions = [\"eu-west\"]\n").unwrap_err();
        assert!(e.message.contains("eu-west"), "{e}");
        let e = parse("[changes]\nsince = \"last week\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }

    fn finding(check: &str, region: &str, resource: &str) -> Finding {
        Finding {
            check: crate::report::finding::CheckId::from_id(check).unwrap(),
            severity: Severity::Low,
            title: String::new(),
            account: Some("111122223333".into()),
            region: Some(region.into()),
            resource: resource.into(),
            fingerprint: String::new(),
            details: Details::DetectorMissing,
            remediation: String::new(),
            suppressed: None,
        }
    }

    #[test]
    fn suppressions_match_and_expire() {
        let c = parse(FULL).unwrap();
        let mut findings = vec![
            finding("not-centrally-managed", "ap-northeast-3", "d1"),
            finding("not-centrally-managed", "eu-west-1", "d2"),
            finding("detector-missing", "ap-northeast-3", "ap-northeast-3"),
        ];
        let expired = apply_suppressions(&c.suppressions, &mut findings, "2026-11-22");
        assert!(expired.is_empty());
        assert!(findings[0].suppressed.is_some());
        assert!(findings[1].suppressed.is_none());
        assert!(findings[2].suppressed.is_none());
        // On its expiry date it still applies; the day after, it does not, and says so.
        let mut again = vec![finding("not-centrally-managed", "ap-northeast-3", "d1")];
        assert!(apply_suppressions(&c.suppressions, &mut again, "2027-01-31").is_empty());
        assert!(again[0].suppressed.is_some());
        let mut later = vec![finding("not-centrally-managed", "ap-northeast-3", "d1")];
        let expired = apply_suppressions(&c.suppressions, &mut later, "2027-02-01");
        assert_eq!(expired.len(), 1);
        assert!(later[0].suppressed.is_none());
    }

    #[test]
    fn no_file_is_an_empty_configuration() {
        let c = Config::discover(None);
        assert!(c.is_ok());
        let e = Config::load(Path::new("/nonexistent/gdaudit.toml")).unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
    }

    #[test]
    fn detector_thresholds_and_tag_keys_read_band_by_band() {
        let c = parse(
            "[detectors]\nfinding-age-days = { high = 2, low = 90 }\nrequired-tag-keys = [\"owner\"]\n",
        )
        .unwrap();
        let ages = c.finding_ages.unwrap();
        assert_eq!(
            (
                ages.critical_days,
                ages.high_days,
                ages.medium_days,
                ages.low_days
            ),
            (1, 2, 7, 90)
        );
        assert_eq!(c.required_tag_keys, ["owner"]);
        assert_eq!(parse("").unwrap().finding_ages, None);
    }

    #[test]
    fn a_bad_threshold_names_its_line_and_key() {
        let e = parse("fail-on = \"high\"\n[detectors]\nfinding-age-days = { medium = -1 }\n")
            .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.message.contains("detectors.finding-age-days.medium = -1"),
            "{e}"
        );
        let e = parse("[detectors]\nfinding-age-days = { severe = 1 }\n").unwrap_err();
        assert!(e.message.contains("unknown field `severe`"), "{e}");
        let e = parse("[detectors]\nrequired-tag-keys = [\" \"]\n").unwrap_err();
        assert!(e.message.contains("empty tag key"), "{e}");
    }
}
