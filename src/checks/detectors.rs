//! Detector checks: a detector in every enabled region, enabled, with its protection
//! plans on, centrally managed, publishing findings promptly.

use serde::Serialize;
use serde_json::json;

use super::CheckInfo;
use crate::model::{CollectError, Detector, RegionDetectors};
use crate::report::finding::{Finding, Severity, fingerprint};

pub const DETECTOR_MISSING: CheckInfo = CheckInfo {
    id: "detector-missing",
    severity: Severity::High,
    title: "No GuardDuty detector in an enabled region",
    remediation: "Create and enable a detector in the region: `aws guardduty create-detector --enable --region REGION` \
                  (or enable GuardDuty for the organization from the delegated administrator).",
};
pub const DETECTOR_SUSPENDED: CheckInfo = CheckInfo {
    id: "detector-suspended",
    severity: Severity::High,
    title: "GuardDuty detector is suspended",
    remediation: "Re-enable it: `aws guardduty update-detector --detector-id ID --enable --region REGION`.",
};
pub const S3_PROTECTION_OFF: CheckInfo = CheckInfo {
    id: "s3-protection-off",
    severity: Severity::High,
    title: "S3 Protection is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"S3_DATA_EVENTS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.10).",
};
pub const EKS_AUDIT_LOGS_OFF: CheckInfo = CheckInfo {
    id: "eks-audit-logs-off",
    severity: Severity::High,
    title: "EKS Audit Log Monitoring is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"EKS_AUDIT_LOGS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.5).",
};
pub const EKS_RUNTIME_MONITORING_OFF: CheckInfo = CheckInfo {
    id: "eks-runtime-monitoring-off",
    severity: Severity::High,
    title: "EKS Runtime Monitoring with automated agent management is off",
    remediation: "Enable Runtime Monitoring with EKS add-on management: `aws guardduty update-detector --detector-id ID --features \
                  '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"EKS_ADDON_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'` \
                  (Security Hub GuardDuty.7).",
};
pub const RUNTIME_MONITORING_OFF: CheckInfo = CheckInfo {
    id: "runtime-monitoring-off",
    severity: Severity::High,
    title: "Runtime Monitoring is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.11).",
};
pub const ECS_RUNTIME_MONITORING_OFF: CheckInfo = CheckInfo {
    id: "ecs-runtime-monitoring-off",
    severity: Severity::Medium,
    title: "ECS (Fargate) Runtime Monitoring agent management is off",
    remediation: "Enable ECS_FARGATE_AGENT_MANAGEMENT under RUNTIME_MONITORING with `aws guardduty update-detector` \
                  (Security Hub GuardDuty.12).",
};
pub const EC2_RUNTIME_MONITORING_OFF: CheckInfo = CheckInfo {
    id: "ec2-runtime-monitoring-off",
    severity: Severity::Medium,
    title: "EC2 Runtime Monitoring agent management is off",
    remediation: "Enable EC2_AGENT_MANAGEMENT under RUNTIME_MONITORING with `aws guardduty update-detector` \
                  (Security Hub GuardDuty.13).",
};
pub const MALWARE_PROTECTION_OFF: CheckInfo = CheckInfo {
    id: "malware-protection-off",
    severity: Severity::High,
    title: "Malware Protection for EC2 is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"EBS_MALWARE_PROTECTION\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.8).",
};
pub const RDS_PROTECTION_OFF: CheckInfo = CheckInfo {
    id: "rds-protection-off",
    severity: Severity::High,
    title: "RDS Protection is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"RDS_LOGIN_EVENTS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.9).",
};
pub const LAMBDA_PROTECTION_OFF: CheckInfo = CheckInfo {
    id: "lambda-protection-off",
    severity: Severity::High,
    title: "Lambda Protection is off",
    remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"LAMBDA_NETWORK_LOGS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.6).",
};
pub const NOT_CENTRALLY_MANAGED: CheckInfo = CheckInfo {
    id: "not-centrally-managed",
    severity: Severity::Low,
    title: "GuardDuty is not centrally managed (no administrator account and no members)",
    remediation: "Designate a delegated GuardDuty administrator for the organization \
                  (`aws guardduty enable-organization-admin-account --admin-account-id ID`) and add this account as a member.",
};
pub const MEMBER_NOT_ENABLED: CheckInfo = CheckInfo {
    id: "member-not-enabled",
    severity: Severity::Medium,
    title: "A member account's relationship is not Enabled",
    remediation: "From the administrator, re-invite or re-associate the member (`aws guardduty create-members` / \
                  `start-monitoring-members`), or enable auto-enable for organization members.",
};
pub const FINDING_FREQUENCY_SIX_HOURS: CheckInfo = CheckInfo {
    id: "finding-frequency-six-hours",
    severity: Severity::Info,
    title: "Updated findings are published only every six hours",
    remediation: "`aws guardduty update-detector --detector-id ID --finding-publishing-frequency FIFTEEN_MINUTES`.",
};

/// The detector checks, in documentation order.
pub static CHECKS: &[CheckInfo] = &[
    DETECTOR_MISSING,
    DETECTOR_SUSPENDED,
    S3_PROTECTION_OFF,
    EKS_AUDIT_LOGS_OFF,
    EKS_RUNTIME_MONITORING_OFF,
    RUNTIME_MONITORING_OFF,
    ECS_RUNTIME_MONITORING_OFF,
    EC2_RUNTIME_MONITORING_OFF,
    MALWARE_PROTECTION_OFF,
    RDS_PROTECTION_OFF,
    LAMBDA_PROTECTION_OFF,
    NOT_CENTRALLY_MANAGED,
    MEMBER_NOT_ENABLED,
    FINDING_FREQUENCY_SIX_HOURS,
];

/// What was found in a region, in the user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetectorState {
    Enabled,
    Suspended,
    NoDetector,
    /// The region is not enabled for the account (opt-in).
    NotEnabled,
    /// The region could not be checked.
    Error,
}

impl DetectorState {
    pub fn as_str(self) -> &'static str {
        match self {
            DetectorState::Enabled => "enabled",
            DetectorState::Suspended => "suspended",
            DetectorState::NoDetector => "no-detector",
            DetectorState::NotEnabled => "not-enabled",
            DetectorState::Error => "error",
        }
    }
}

/// The state of a region, and the error that made it uncheckable, if any.
pub fn region_state(region: &RegionDetectors) -> DetectorState {
    if !region.opt_status.is_enabled() {
        return DetectorState::NotEnabled;
    }
    match &region.detectors {
        None => DetectorState::Error,
        Some(detectors) if detectors.is_empty() => DetectorState::NoDetector,
        Some(detectors) if detectors.iter().any(Detector::is_enabled) => DetectorState::Enabled,
        Some(_) => DetectorState::Suspended,
    }
}

/// The errors that leave the region's audit incomplete (none for a region not enabled).
pub fn region_errors(region: &RegionDetectors) -> &[CollectError] {
    if region_state(region) == DetectorState::NotEnabled {
        &[]
    } else {
        &region.errors
    }
}

/// A protection plan as gdaudit checks it.
struct Plan {
    check: &'static CheckInfo,
    /// The feature name in GetDetector's `Features`.
    feature: &'static str,
    /// A sub-setting that must be on too (`AdditionalConfiguration`).
    additional: Option<&'static str>,
}

/// The plans checked one-to-one against a feature (runtime monitoring is handled apart).
const SIMPLE_PLANS: &[Plan] = &[
    Plan {
        check: &S3_PROTECTION_OFF,
        feature: "S3_DATA_EVENTS",
        additional: None,
    },
    Plan {
        check: &EKS_AUDIT_LOGS_OFF,
        feature: "EKS_AUDIT_LOGS",
        additional: None,
    },
    Plan {
        check: &MALWARE_PROTECTION_OFF,
        feature: "EBS_MALWARE_PROTECTION",
        additional: None,
    },
    Plan {
        check: &RDS_PROTECTION_OFF,
        feature: "RDS_LOGIN_EVENTS",
        additional: None,
    },
    Plan {
        check: &LAMBDA_PROTECTION_OFF,
        feature: "LAMBDA_NETWORK_LOGS",
        additional: None,
    },
];

/// A feature's status: `Some(true)` on, `Some(false)` off, `None` not reported
/// (the feature is not offered in the region, or the response predates Features).
fn feature_on(detector: &Detector, feature: &str, additional: Option<&str>) -> Option<bool> {
    if let Some(f) = detector.features.iter().find(|f| f.name == feature) {
        let on = f.status.eq_ignore_ascii_case("ENABLED");
        return Some(match additional {
            None => on,
            Some(name) => {
                on && f
                    .additional_configuration
                    .iter()
                    .any(|c| c.name == name && c.status.eq_ignore_ascii_case("ENABLED"))
            }
        });
    }
    if !detector.features.is_empty() || additional.is_some() {
        return None;
    }
    // The older DataSources shape, for responses without Features.
    let ds = detector.data_sources.as_ref()?;
    let status = match feature {
        "S3_DATA_EVENTS" => ds.s3_logs.as_deref(),
        "EKS_AUDIT_LOGS" => ds.kubernetes_audit_logs.as_deref(),
        "EBS_MALWARE_PROTECTION" => ds.malware_protection_ebs.as_deref(),
        _ => None,
    }?;
    Some(status.eq_ignore_ascii_case("ENABLED"))
}

/// The protection plans that are off on an enabled detector, as (check, feature) pairs.
pub fn plans_off(detector: &Detector) -> Vec<(&'static CheckInfo, String)> {
    let mut off = Vec::new();
    for plan in SIMPLE_PLANS {
        if feature_on(detector, plan.feature, plan.additional) == Some(false) {
            off.push((plan.check, plan.feature.to_owned()));
        }
    }
    let runtime = feature_on(detector, "RUNTIME_MONITORING", None);
    if runtime == Some(false) {
        off.push((&RUNTIME_MONITORING_OFF, "RUNTIME_MONITORING".to_owned()));
    }
    // RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING: EKS is covered when either
    // feature is on with automated EKS add-on management.
    let eks_new = feature_on(detector, "RUNTIME_MONITORING", Some("EKS_ADDON_MANAGEMENT"));
    let eks_legacy = feature_on(
        detector,
        "EKS_RUNTIME_MONITORING",
        Some("EKS_ADDON_MANAGEMENT"),
    );
    if (eks_new.is_some() || eks_legacy.is_some())
        && eks_new != Some(true)
        && eks_legacy != Some(true)
    {
        let name = if eks_new.is_some() {
            "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT"
        } else {
            "EKS_RUNTIME_MONITORING"
        };
        off.push((&EKS_RUNTIME_MONITORING_OFF, name.to_owned()));
    }
    // ECS and EC2 agent management only mean something once Runtime Monitoring is on.
    if runtime == Some(true) {
        for (check, name) in [
            (&ECS_RUNTIME_MONITORING_OFF, "ECS_FARGATE_AGENT_MANAGEMENT"),
            (&EC2_RUNTIME_MONITORING_OFF, "EC2_AGENT_MANAGEMENT"),
        ] {
            if feature_on(detector, "RUNTIME_MONITORING", Some(name)) == Some(false) {
                off.push((check, format!("RUNTIME_MONITORING/{name}")));
            }
        }
    }
    off
}

fn finding(
    check: &CheckInfo,
    account: Option<&str>,
    region: &str,
    resource: &str,
    discriminator: &str,
    title: String,
    details: serde_json::Value,
) -> Finding {
    Finding {
        check: check.id.to_owned(),
        severity: check.severity,
        title,
        account: account.map(str::to_owned),
        region: Some(region.to_owned()),
        resource: resource.to_owned(),
        fingerprint: fingerprint(check.id, account, Some(region), resource, discriminator),
        details: details.into(),
        remediation: check.remediation.to_owned(),
        suppressed: None,
    }
}

/// Runs every detector check over the collected regions.
pub fn check(account: Option<&str>, regions: &[RegionDetectors]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in regions {
        check_region(account, region, &mut findings);
    }
    findings
}

fn check_region(account: Option<&str>, region: &RegionDetectors, out: &mut Vec<Finding>) {
    let name = region.region.as_str();
    match region_state(region) {
        DetectorState::NotEnabled | DetectorState::Error => return,
        DetectorState::NoDetector => {
            out.push(finding(
                &DETECTOR_MISSING,
                account,
                name,
                name,
                "",
                format!("No GuardDuty detector in {name}"),
                json!({}),
            ));
            return;
        }
        DetectorState::Suspended => {
            for detector in region.detectors.iter().flatten() {
                out.push(finding(
                    &DETECTOR_SUSPENDED,
                    account,
                    name,
                    &detector.id,
                    "",
                    format!("GuardDuty detector suspended in {name}"),
                    json!({ "detector_id": detector.id, "status": detector.status }),
                ));
            }
        }
        DetectorState::Enabled => {}
    }
    let Some(detector) = region.detectors.iter().flatten().find(|d| d.is_enabled()) else {
        return;
    };
    for (check, feature) in plans_off(detector) {
        out.push(finding(
            check,
            account,
            name,
            &detector.id,
            &feature,
            format!("{} in {name}", check.title),
            json!({ "detector_id": detector.id, "feature": feature }),
        ));
    }
    if detector.finding_publishing_frequency.as_deref() == Some("SIX_HOURS") {
        out.push(finding(
            &FINDING_FREQUENCY_SIX_HOURS,
            account,
            name,
            &detector.id,
            "",
            format!("Findings are published every six hours in {name}"),
            json!({ "detector_id": detector.id, "finding_publishing_frequency": "SIX_HOURS" }),
        ));
    }
    check_management(account, region, detector, out);
}

fn check_management(
    account: Option<&str>,
    region: &RegionDetectors,
    detector: &Detector,
    out: &mut Vec<Finding>,
) {
    let name = region.region.as_str();
    let failed = |op: &str| region.errors.iter().any(|e| e.operation == op);
    // Without both answers we cannot say it is unmanaged; the region is marked incomplete.
    if failed("guardduty:GetAdministratorAccount") || failed("guardduty:ListMembers") {
        return;
    }
    let has_admin = region
        .administrator
        .as_ref()
        .is_some_and(|a| a.relationship_status.eq_ignore_ascii_case("Enabled"));
    let members = region.members.as_deref().unwrap_or_default();
    if !has_admin && members.is_empty() {
        out.push(finding(
            &NOT_CENTRALLY_MANAGED,
            account,
            name,
            &detector.id,
            "",
            format!("GuardDuty in {name} has no administrator account and no members"),
            json!({
                "detector_id": detector.id,
                "administrator": region.administrator,
            }),
        ));
    }
    for member in members {
        if !member.relationship_status.eq_ignore_ascii_case("Enabled") {
            out.push(finding(
                &MEMBER_NOT_ENABLED,
                account,
                name,
                &member.account_id,
                "",
                format!(
                    "Member account {} is {} in {name}",
                    member.account_id,
                    if member.relationship_status.is_empty() {
                        "in an unknown state"
                    } else {
                        &member.relationship_status
                    }
                ),
                json!({
                    "detector_id": detector.id,
                    "member_account_id": member.account_id,
                    "relationship_status": member.relationship_status,
                }),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
