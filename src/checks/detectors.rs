//! Detector checks: a detector in every enabled region, enabled, with its protection
//! plans on, centrally managed, publishing findings promptly.

use super::plans::{PLANS, Plan, Rule};
use crate::model::{CollectError, Detector, RegionDetectors};
use crate::report::RegionState;
use crate::report::details::{
    Details, DetectorSuspended, MemberNotEnabled, NotCentrallyManaged, PlanOff, PublishingFrequency,
};
use crate::report::finding::{CheckId, Finding, fingerprint};

/// The state of a region, and the error that made it uncheckable, if any.
pub fn region_state(region: &RegionDetectors) -> RegionState {
    if !region.opt_status.is_enabled() {
        return RegionState::NotEnabled;
    }
    match &region.detectors {
        None => RegionState::Error,
        Some(detectors) if detectors.is_empty() => RegionState::NoDetector,
        Some(detectors) if detectors.iter().any(Detector::is_enabled) => RegionState::Enabled,
        Some(_) => RegionState::Suspended,
    }
}

/// The errors that leave the region's audit incomplete (none for a region not enabled).
pub fn region_errors(region: &RegionDetectors) -> &[CollectError] {
    if region_state(region) == RegionState::NotEnabled {
        &[]
    } else {
        &region.errors
    }
}

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
pub fn plans_off(detector: &Detector) -> Vec<(CheckId, String)> {
    let runtime_on = feature_on(detector, "RUNTIME_MONITORING", None) == Some(true);
    PLANS
        .iter()
        .filter_map(|plan| plan_off(detector, plan, runtime_on).map(|name| (plan.check, name)))
        .collect()
}

/// The name of what is off when `plan` is off on `detector`; `None` when it is on or not
/// reported.
fn plan_off(detector: &Detector, plan: &Plan, runtime_on: bool) -> Option<String> {
    match plan.rule {
        Rule::Feature => (feature_on(detector, plan.feature, plan.additional) == Some(false))
            .then(|| plan.feature.to_owned()),
        Rule::RuntimeAgent => {
            let name = plan.additional?;
            (runtime_on && feature_on(detector, plan.feature, Some(name)) == Some(false))
                .then(|| format!("{}/{name}", plan.feature))
        }
        Rule::EksRuntime => {
            let addon = plan.additional?;
            let current = feature_on(detector, "RUNTIME_MONITORING", Some(addon));
            let legacy = feature_on(detector, plan.feature, Some(addon));
            let reported = current.is_some() || legacy.is_some();
            (reported && current != Some(true) && legacy != Some(true)).then(|| {
                if current.is_some() {
                    format!("RUNTIME_MONITORING/{addon}")
                } else {
                    plan.feature.to_owned()
                }
            })
        }
    }
}

fn finding(
    check: CheckId,
    account: Option<&str>,
    region: &str,
    resource: &str,
    discriminator: &str,
    title: String,
    details: Details,
) -> Finding {
    let info = check.info();
    Finding {
        check,
        severity: info.severity,
        title,
        account: account.map(str::to_owned),
        region: Some(region.to_owned()),
        resource: resource.to_owned(),
        fingerprint: fingerprint(check, account, Some(region), resource, discriminator),
        details,
        remediation: info.remediation.to_owned(),
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
        RegionState::NotEnabled | RegionState::Error | RegionState::Read => return,
        RegionState::NoDetector => {
            out.push(finding(
                CheckId::DetectorMissing,
                account,
                name,
                name,
                "",
                format!("No GuardDuty detector in {name}"),
                Details::DetectorMissing,
            ));
            return;
        }
        RegionState::Suspended => {
            for detector in region.detectors.iter().flatten() {
                out.push(finding(
                    CheckId::DetectorSuspended,
                    account,
                    name,
                    &detector.id,
                    "",
                    format!("GuardDuty detector suspended in {name}"),
                    Details::DetectorSuspended(DetectorSuspended {
                        detector_id: detector.id.clone(),
                        status: detector.status.clone(),
                    }),
                ));
            }
        }
        RegionState::Enabled => {}
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
            format!("{} in {name}", check.info().title),
            Details::PlanOff(PlanOff {
                detector_id: detector.id.clone(),
                feature: feature.clone(),
            }),
        ));
    }
    if detector.finding_publishing_frequency.as_deref() == Some("SIX_HOURS") {
        out.push(finding(
            CheckId::FindingFrequencySixHours,
            account,
            name,
            &detector.id,
            "",
            format!("Findings are published every six hours in {name}"),
            Details::PublishingFrequency(PublishingFrequency {
                detector_id: detector.id.clone(),
                finding_publishing_frequency: "SIX_HOURS".to_owned(),
            }),
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
            CheckId::NotCentrallyManaged,
            account,
            name,
            &detector.id,
            "",
            format!("GuardDuty in {name} has no administrator account and no members"),
            Details::NotCentrallyManaged(NotCentrallyManaged {
                administrator: region.administrator.clone(),
                detector_id: detector.id.clone(),
            }),
        ));
    }
    for member in members {
        if !member.relationship_status.eq_ignore_ascii_case("Enabled") {
            out.push(finding(
                CheckId::MemberNotEnabled,
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
                Details::MemberNotEnabled(MemberNotEnabled {
                    detector_id: detector.id.clone(),
                    member_account_id: member.account_id.clone(),
                    relationship_status: member.relationship_status.clone(),
                }),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
