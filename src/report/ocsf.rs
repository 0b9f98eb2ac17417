//! OCSF 1.5.0 output (the schema Security Lake and Security Hub ingest): one JSON array of
//! events, a Compliance Finding (class 2003) per detector or permissions finding and a
//! Detection Finding (class 2004) per configuration change.

use std::io::Write;

use serde::Serialize;

use super::Report;
use super::details::Details;
use super::finding::{CheckId, Finding, Severity};
use super::json::DetailsOut;
use crate::model::time::Timestamp;

pub const OCSF_VERSION: &str = "1.5.0";

const COMPLIANCE_FINDING: (u32, &str) = (2003, "Compliance Finding");
const DETECTION_FINDING: (u32, &str) = (2004, "Detection Finding");
/// Activity "Create": gdaudit reports findings, it does not track their life cycle.
const ACTIVITY_CREATE: u32 = 1;

#[derive(Serialize)]
struct Event<'a> {
    activity_id: u32,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: String,
    severity_id: u32,
    severity: &'static str,
    /// Milliseconds since the epoch: the change's time, or when the audit ran.
    time: i64,
    status_id: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'a str>,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    cloud: Cloud<'a>,
    resources: [Resource<'a>; 1],
    remediation: Remediation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compliance: Option<Compliance<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api: Option<Api<'a>>,
    /// gdaudit's own details of the finding.
    unmapped: DetailsOut<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product,
    /// The gdaudit check id.
    event_code: &'a str,
    /// The finding's fingerprint: the same on every run for the same problem.
    uid: &'a str,
}

#[derive(Serialize)]
struct Product {
    name: &'static str,
    vendor_name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: &'a str,
    title: &'a str,
    types: [&'a str; 1],
    created_time: i64,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    name: &'a str,
    /// 10: AWS Account.
    type_id: u32,
    r#type: &'static str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    r#type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    cloud_partition: &'static str,
}

#[derive(Serialize)]
struct Remediation<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'a str,
    status: &'static str,
    /// 3: Fail — every finding is a failed control.
    status_id: u32,
}

#[derive(Serialize)]
struct Api<'a> {
    operation: String,
    service: Service,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<Request<'a>>,
}

#[derive(Serialize)]
struct Service {
    name: &'static str,
    uid: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Request<'a> {
    uid: &'a str,
}

fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The resource type, in AWS's `AWS::Service::Type` form, by check.
fn resource_type(f: &Finding) -> &'static str {
    match f.check {
        CheckId::DetectorMissing
        | CheckId::MemberNotEnabled
        | CheckId::OrgAccountNotMember
        | CheckId::OrgMemberNotEnabled => "AWS::::Account",
        CheckId::OrgAutoEnableNone
        | CheckId::OrgAutoEnableNew
        | CheckId::OrgFeatureAutoEnableWeaker
        | CheckId::OrgAdministratorMissing
        | CheckId::OrgAdministratorDiffers => "AWS::Organizations::Organization",
        CheckId::RuntimeCoverageUnhealthy => "AWS::GuardDuty::Detector",
        CheckId::NonPrivilegedWriteAccess | CheckId::IndirectWriteAccess
            if f.resource.contains(":role/") =>
        {
            "AWS::IAM::Role"
        }
        CheckId::NonPrivilegedWriteAccess | CheckId::IndirectWriteAccess => "AWS::IAM::User",
        CheckId::GuardDutyConfigChange
        | CheckId::DetectorSuspended
        | CheckId::S3ProtectionOff
        | CheckId::EksAuditLogsOff
        | CheckId::EksRuntimeMonitoringOff
        | CheckId::RuntimeMonitoringOff
        | CheckId::EcsRuntimeMonitoringOff
        | CheckId::Ec2RuntimeMonitoringOff
        | CheckId::MalwareProtectionOff
        | CheckId::RdsProtectionOff
        | CheckId::LambdaProtectionOff
        | CheckId::NotCentrallyManaged
        | CheckId::FindingFrequencySixHours
        | CheckId::AiProtectionOff
        | CheckId::FindingsUnhandled => "AWS::GuardDuty::Detector",
        CheckId::SuppressionRuleHidesHigh => "AWS::GuardDuty::Filter",
        CheckId::RuntimeTelemetryBlocked => "AWS::Organizations::Policy",
        CheckId::TrustedListActive
        | CheckId::TrustedListTooBroad
        | CheckId::ThreatListNotActive => match &f.details {
            Details::List(list) if list.kind == "threat-intel-set" => {
                "AWS::GuardDuty::ThreatIntelSet"
            }
            Details::List(list) if list.kind == "trusted-ip-list" => "AWS::GuardDuty::IPSet",
            _ => "AWS::GuardDuty::EntitySet",
        },
        CheckId::PublishingDestinationUnhealthy => "AWS::GuardDuty::PublishingDestination",
        CheckId::MalwareProtectionPlanUnhealthy => "AWS::GuardDuty::MalwareProtectionPlan",
        CheckId::GuardDutyResourceUntagged => match &f.details {
            Details::Untagged(u) if u.resource_type == "filter" => "AWS::GuardDuty::Filter",
            Details::Untagged(u) if u.resource_type == "ip-set" => "AWS::GuardDuty::IPSet",
            _ => "AWS::GuardDuty::Detector",
        },
    }
}

fn event(f: &Finding, run_time: i64) -> Event<'_> {
    // A change is a detection with its own time and API call; the rest are compliance findings.
    let change = match &f.details {
        Details::ConfigChange(change) => Some(change.as_ref()),
        Details::DetectorMissing
        | Details::DetectorSuspended(_)
        | Details::PlanOff(_)
        | Details::PublishingFrequency(_)
        | Details::NotCentrallyManaged(_)
        | Details::MemberNotEnabled(_)
        | Details::WriteAccess(_)
        | Details::IndirectWrite(_)
        | Details::OrgAccountGap(_)
        | Details::OrgAutoEnable(_)
        | Details::OrgFeatureAutoEnable(_)
        | Details::OrgAdministrators(_)
        | Details::CoverageUnhealthy(_) => None,
        Details::SuppressionRule(_)
        | Details::List(_)
        | Details::PublishingDestination(_)
        | Details::MalwarePlan(_)
        | Details::UnhandledFindings(_)
        | Details::Untagged(_)
        | Details::TelemetryBlocked(_) => None,
    };
    let is_change = change.is_some();
    let (class_uid, class_name) = if is_change {
        DETECTION_FINDING
    } else {
        COMPLIANCE_FINDING
    };
    let (severity_id, severity_name) = severity(f.severity);
    let time = change
        .and_then(|c| c.event_time)
        .map_or(run_time, Timestamp::unix_millis);
    let (status_id, status) = if f.suppressed.is_some() {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    Event {
        activity_id: ACTIVITY_CREATE,
        activity_name: "Create",
        category_uid: 2,
        category_name: "Findings",
        class_uid,
        class_name,
        type_uid: class_uid * 100 + ACTIVITY_CREATE,
        type_name: format!("{class_name}: Create"),
        severity_id,
        severity: severity_name,
        time,
        status_id,
        status,
        status_detail: f.suppressed.as_ref().map(|s| s.reason.as_str()),
        message: &f.title,
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product {
                name: "gdaudit",
                vendor_name: "gdaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            event_code: f.check.as_str(),
            uid: &f.fingerprint,
        },
        finding_info: FindingInfo {
            uid: &f.fingerprint,
            title: &f.title,
            types: [f.check.as_str()],
            created_time: time,
        },
        cloud: Cloud {
            provider: "AWS",
            region: f.region.as_deref(),
            account: f.account.as_deref().map(|id| Account {
                uid: id,
                name: id,
                type_id: 10,
                r#type: "AWS Account",
            }),
        },
        resources: [Resource {
            uid: &f.resource,
            r#type: resource_type(f),
            region: f.region.as_deref(),
            cloud_partition: "aws",
        }],
        remediation: Remediation {
            desc: &f.remediation,
        },
        compliance: (!is_change).then_some(Compliance {
            control: f.check.as_str(),
            status: "Fail",
            status_id: 3,
        }),
        api: change.map(|c| Api {
            operation: c.event_name.clone(),
            service: Service {
                name: "guardduty.amazonaws.com",
                uid: "guardduty.amazonaws.com",
                version: "2017-11-28",
            },
            request: c.event_id.as_deref().map(|uid| Request { uid }),
        }),
        unmapped: DetailsOut(&f.details),
    }
}

/// One JSON array of OCSF events, one per finding (suppressed ones with status Suppressed).
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let run_time = Timestamp::parse(&report.generated_at).map_or(0, Timestamp::unix_millis);
    out.write_all(b"[")?;
    for (i, f) in report.findings().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &event(f, run_time))?;
    }
    out.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_ocsf_ids() {
        assert_eq!(severity(Severity::Info), (1, "Informational"));
        assert_eq!(severity(Severity::Critical), (5, "Critical"));
    }
}
