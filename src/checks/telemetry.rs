//! Runtime Monitoring that cannot report: the GuardDuty security agent sends what it sees
//! with `guardduty:SendSecurityTelemetry`, authenticated by the instance's identity, so
//! service control policies apply to it while no principal of the IAM export holds it. An
//! SCP that denies it (or a level that does not allow it) leaves the plan ENABLED and
//! every agent silent.
//!
//! Permissions boundaries are not judged: they attach to IAM users and roles, and the agent
//! does not call as one.

use crate::iam::{ScpBlock, ScpPolicy, scp_blocks};
use crate::model::RegionDetectors;
use crate::report::details::{Details, TelemetryBlocked};
use crate::report::finding::{CheckId, Finding, Severity, fingerprint};

pub const ACTION: &str = "guardduty:SendSecurityTelemetry";

/// The regions whose enabled detector has Runtime Monitoring (or the legacy EKS Runtime
/// Monitoring) on.
pub fn runtime_regions(regions: &[RegionDetectors]) -> Vec<String> {
    regions
        .iter()
        .filter(|r| {
            r.detectors.iter().flatten().any(|d| {
                d.is_enabled()
                    && d.features.iter().any(|f| {
                        matches!(
                            f.name.as_str(),
                            "RUNTIME_MONITORING" | "EKS_RUNTIME_MONITORING"
                        ) && f.status.eq_ignore_ascii_case("ENABLED")
                    })
            })
        })
        .map(|r| r.region.clone())
        .collect()
}

/// One finding for the account when its SCPs block the agent where Runtime Monitoring is on.
pub fn check(
    account: Option<&str>,
    regions: &[RegionDetectors],
    scps: &[Vec<ScpPolicy>],
) -> Vec<Finding> {
    let on = runtime_regions(regions);
    if on.is_empty() || scps.is_empty() {
        return Vec::new();
    }
    let Some(block) = scp_blocks(scps, ACTION) else {
        return Vec::new();
    };
    let (severity, reason, policy, statement, level, conditional) = match block {
        ScpBlock::Denied {
            level,
            policy,
            statement,
            conditional,
        } => (
            if conditional {
                Severity::Medium
            } else {
                Severity::High
            },
            format!(
                "SCP {policy} (level {level}) {} it in statement {statement}",
                if conditional { "may deny" } else { "denies" }
            ),
            Some(policy),
            Some(statement),
            level,
            conditional,
        ),
        ScpBlock::NotAllowed { level } => (
            Severity::High,
            format!("no SCP of level {level} allows it"),
            None,
            None,
            level,
            false,
        ),
    };
    let check = CheckId::RuntimeTelemetryBlocked;
    vec![Finding {
        check,
        severity,
        title: format!(
            "Runtime Monitoring is on in {} but the agent cannot send its telemetry: {reason}",
            plural_regions(&on)
        ),
        account: account.map(str::to_owned),
        region: None,
        resource: ACTION.to_owned(),
        fingerprint: fingerprint(check, account, None, ACTION, ""),
        details: Details::TelemetryBlocked(TelemetryBlocked {
            action: ACTION,
            regions: on,
            scp_level: level,
            scp_policy: policy,
            statement,
            conditional,
        }),
        remediation: check.info().remediation.to_owned(),
        suppressed: None,
    }]
}

fn plural_regions(regions: &[String]) -> String {
    match regions {
        [one] => one.clone(),
        many => format!("{} regions", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Detector, Feature, RegionOptStatus};

    fn region(name: &str, runtime: &str) -> RegionDetectors {
        RegionDetectors {
            region: name.into(),
            opt_status: RegionOptStatus::EnabledByDefault,
            detectors: Some(vec![Detector {
                id: "d".into(),
                status: "ENABLED".into(),
                finding_publishing_frequency: None,
                service_role: None,
                created_at: None,
                updated_at: None,
                features: vec![Feature {
                    name: "RUNTIME_MONITORING".into(),
                    status: runtime.into(),
                    additional_configuration: vec![],
                }],
                data_sources: None,
            }]),
            administrator: None,
            members: None,
            errors: vec![],
            objects: Default::default(),
        }
    }

    /// A policy document from its JSON text.
    fn doc(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    fn levels(deny: serde_json::Value) -> Vec<Vec<ScpPolicy>> {
        vec![vec![
            ScpPolicy::new(
                "FullAWSAccess",
                &doc(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#),
            ),
            ScpPolicy::new("guardrails", &deny),
        ]]
    }

    #[test]
    fn an_scp_denying_telemetry_where_runtime_monitoring_is_on_is_high() {
        let scps = levels(doc(
            r#"{"Statement": {"Sid": "NoTelemetry", "Effect": "Deny",
            "Action": "guardduty:SendSecurityTelemetry", "Resource": "*"}}"#,
        ));
        let regions = [
            region("eu-west-1", "ENABLED"),
            region("us-east-1", "DISABLED"),
        ];
        let found = check(Some("1"), &regions, &scps);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(
            found[0].title,
            "Runtime Monitoring is on in eu-west-1 but the agent cannot send its telemetry: \
             SCP guardrails (level 0) denies it in statement NoTelemetry"
        );
        // Without Runtime Monitoring anywhere, or without SCPs, nothing to say.
        assert!(check(None, &[region("eu-west-1", "DISABLED")], &scps).is_empty());
        assert!(check(None, &regions, &[]).is_empty());
        let harmless = levels(doc(
            r#"{"Statement": {"Effect": "Deny", "Action": "guardduty:Delete*", "Resource": "*"}}"#,
        ));
        assert!(check(None, &regions, &harmless).is_empty());
    }
}
