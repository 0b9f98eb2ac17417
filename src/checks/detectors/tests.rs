use super::*;
use crate::model::{
    AdditionalConfiguration, Administrator, ErrorKind, Feature, Member, RegionOptStatus,
};
use crate::report::finding::Severity;

fn feature(name: &str, status: &str, additional: &[(&str, &str)]) -> Feature {
    Feature {
        name: name.into(),
        status: status.into(),
        additional_configuration: additional
            .iter()
            .map(|(n, s)| AdditionalConfiguration {
                name: (*n).into(),
                status: (*s).into(),
            })
            .collect(),
    }
}

/// A detector with every protection plan on.
fn all_on() -> Detector {
    Detector {
        id: "d1".into(),
        status: "ENABLED".into(),
        finding_publishing_frequency: Some("FIFTEEN_MINUTES".into()),
        service_role: None,
        created_at: None,
        updated_at: None,
        features: vec![
            feature("CLOUD_TRAIL", "ENABLED", &[]),
            feature("S3_DATA_EVENTS", "ENABLED", &[]),
            feature("EKS_AUDIT_LOGS", "ENABLED", &[]),
            feature("EBS_MALWARE_PROTECTION", "ENABLED", &[]),
            feature("RDS_LOGIN_EVENTS", "ENABLED", &[]),
            feature("LAMBDA_NETWORK_LOGS", "ENABLED", &[]),
            feature(
                "EKS_RUNTIME_MONITORING",
                "DISABLED",
                &[("EKS_ADDON_MANAGEMENT", "DISABLED")],
            ),
            feature(
                "RUNTIME_MONITORING",
                "ENABLED",
                &[
                    ("EKS_ADDON_MANAGEMENT", "ENABLED"),
                    ("ECS_FARGATE_AGENT_MANAGEMENT", "ENABLED"),
                    ("EC2_AGENT_MANAGEMENT", "ENABLED"),
                ],
            ),
        ],
        data_sources: None,
    }
}

fn region(name: &str, detectors: Option<Vec<Detector>>) -> RegionDetectors {
    RegionDetectors {
        region: name.into(),
        opt_status: RegionOptStatus::EnabledByDefault,
        detectors,
        administrator: Some(Administrator {
            account_id: "999999999999".into(),
            relationship_status: "Enabled".into(),
        }),
        members: Some(vec![]),
        errors: vec![],
        objects: Default::default(),
    }
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.check.as_str()).collect()
}

fn set(detector: &mut Detector, name: &str, status: &str) {
    for f in &mut detector.features {
        if f.name == name {
            f.status = status.into();
        }
    }
}

#[test]
fn a_fully_protected_managed_region_has_no_findings() {
    let findings = check(Some("1"), &[region("eu-west-1", Some(vec![all_on()]))]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn missing_and_suspended_detectors_are_high() {
    let mut suspended = all_on();
    suspended.status = "DISABLED".into();
    let findings = check(
        Some("1"),
        &[
            region("us-west-2", Some(vec![])),
            region("eu-west-1", Some(vec![suspended])),
        ],
    );
    assert_eq!(ids(&findings), ["detector-missing", "detector-suspended"]);
    assert!(findings.iter().all(|f| f.severity == Severity::High));
    assert_eq!(findings[0].title, "No GuardDuty detector in us-west-2");
    assert_eq!(findings[1].resource, "d1");
}

#[test]
fn suspended_detector_reports_no_feature_findings() {
    let mut suspended = all_on();
    suspended.status = "DISABLED".into();
    set(&mut suspended, "S3_DATA_EVENTS", "DISABLED");
    let findings = check(None, &[region("eu-west-1", Some(vec![suspended]))]);
    assert_eq!(ids(&findings), ["detector-suspended"]);
}

#[test]
fn each_plan_off_is_its_own_finding() {
    for (feature, check_id) in [
        ("S3_DATA_EVENTS", "s3-protection-off"),
        ("EKS_AUDIT_LOGS", "eks-audit-logs-off"),
        ("EBS_MALWARE_PROTECTION", "malware-protection-off"),
        ("RDS_LOGIN_EVENTS", "rds-protection-off"),
        ("LAMBDA_NETWORK_LOGS", "lambda-protection-off"),
    ] {
        let mut d = all_on();
        set(&mut d, feature, "DISABLED");
        let findings = check(None, &[region("eu-west-1", Some(vec![d]))]);
        assert_eq!(ids(&findings), [check_id], "{feature}");
        let Details::PlanOff(off) = &findings[0].details else {
            panic!("not a plan-off finding: {:?}", findings[0].details);
        };
        assert_eq!(off.feature, feature);
    }
}

#[test]
fn runtime_monitoring_supersedes_the_legacy_eks_feature() {
    // Legacy EKS_RUNTIME_MONITORING is off, but RUNTIME_MONITORING with EKS add-on covers EKS.
    assert!(plans_off(&all_on()).is_empty());

    // Runtime Monitoring off, legacy EKS runtime monitoring on with add-on management.
    let mut d = all_on();
    set(&mut d, "RUNTIME_MONITORING", "DISABLED");
    for f in &mut d.features {
        if f.name == "EKS_RUNTIME_MONITORING" {
            f.status = "ENABLED".into();
            f.additional_configuration[0].status = "ENABLED".into();
        }
    }
    let off: Vec<&str> = plans_off(&d).iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(off, ["runtime-monitoring-off"]);

    // Both off: runtime monitoring and EKS runtime monitoring are both reported.
    let mut d = all_on();
    set(&mut d, "RUNTIME_MONITORING", "DISABLED");
    let off: Vec<&str> = plans_off(&d).iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        off,
        ["runtime-monitoring-off", "eks-runtime-monitoring-off"]
    );
}

#[test]
fn agent_management_is_checked_only_when_runtime_monitoring_is_on() {
    let mut d = all_on();
    for f in &mut d.features {
        if f.name == "RUNTIME_MONITORING" {
            for c in &mut f.additional_configuration {
                c.status = "DISABLED".into();
            }
        }
    }
    let off: Vec<&str> = plans_off(&d).iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        off,
        [
            "eks-runtime-monitoring-off",
            "ecs-runtime-monitoring-off",
            "ec2-runtime-monitoring-off"
        ]
    );
    let severities: Vec<Severity> = plans_off(&d)
        .iter()
        .map(|(c, _)| c.info().severity)
        .collect();
    assert_eq!(
        severities,
        [Severity::High, Severity::Medium, Severity::Medium]
    );
}

#[test]
fn features_not_offered_in_a_region_are_not_reported() {
    let mut d = all_on();
    d.features
        .retain(|f| f.name != "RDS_LOGIN_EVENTS" && f.name != "LAMBDA_NETWORK_LOGS");
    assert!(plans_off(&d).is_empty());
}

#[test]
fn older_responses_without_features_use_data_sources() {
    let mut d = all_on();
    d.features.clear();
    d.data_sources = Some(crate::model::DataSources {
        s3_logs: Some("DISABLED".into()),
        kubernetes_audit_logs: Some("ENABLED".into()),
        malware_protection_ebs: None,
    });
    let off: Vec<&str> = plans_off(&d).iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(off, ["s3-protection-off"]);
}

#[test]
fn central_management_and_members() {
    let mut standalone = region("eu-west-1", Some(vec![all_on()]));
    standalone.administrator = None;
    assert_eq!(
        ids(&check(None, &[standalone.clone()])),
        ["not-centrally-managed"]
    );
    assert_eq!(CheckId::NotCentrallyManaged.info().severity, Severity::Low);

    // An administrator with members is centrally managed; a member not Enabled is medium.
    standalone.members = Some(vec![
        Member {
            account_id: "111".into(),
            relationship_status: "Enabled".into(),
            detector_id: None,
            updated_at: None,
        },
        Member {
            account_id: "222".into(),
            relationship_status: "Removed".into(),
            detector_id: None,
            updated_at: None,
        },
    ]);
    let findings = check(None, &[standalone.clone()]);
    assert_eq!(ids(&findings), ["member-not-enabled"]);
    assert_eq!(findings[0].resource, "222");
    assert_eq!(findings[0].severity, Severity::Medium);

    // An administrator relationship that is not Enabled does not count.
    let mut resigned = region("eu-west-1", Some(vec![all_on()]));
    resigned.administrator = Some(Administrator {
        account_id: "9".into(),
        relationship_status: "Resigned".into(),
    });
    assert_eq!(ids(&check(None, &[resigned])), ["not-centrally-managed"]);

    // When membership could not be read, nothing is claimed about it.
    let mut unknown = region("eu-west-1", Some(vec![all_on()]));
    unknown.administrator = None;
    unknown.members = None;
    unknown.errors.push(CollectError {
        kind: ErrorKind::AccessDenied,
        operation: "guardduty:ListMembers".into(),
        code: None,
        message: "denied".into(),
    });
    assert!(check(None, &[unknown.clone()]).is_empty());
    assert_eq!(region_errors(&unknown).len(), 1);
}

#[test]
fn six_hour_publishing_is_info() {
    let mut d = all_on();
    d.finding_publishing_frequency = Some("SIX_HOURS".into());
    let findings = check(None, &[region("eu-west-1", Some(vec![d]))]);
    assert_eq!(ids(&findings), ["finding-frequency-six-hours"]);
    assert_eq!(findings[0].severity, Severity::Info);
}

#[test]
fn regions_that_could_not_be_checked_or_are_not_enabled_yield_no_findings() {
    let mut failed = region("eu-west-1", None);
    failed.errors.push(CollectError {
        kind: ErrorKind::Network,
        operation: "guardduty:ListDetectors".into(),
        code: None,
        message: "refused".into(),
    });
    assert_eq!(region_state(&failed), RegionState::Error);
    assert_eq!(region_errors(&failed).len(), 1);
    let mut off = region("af-south-1", None);
    off.opt_status = RegionOptStatus::Disabled;
    assert_eq!(region_state(&off), RegionState::NotEnabled);
    assert!(region_errors(&off).is_empty());
    assert!(check(None, &[failed, off]).is_empty());
}

#[test]
fn fingerprints_are_stable_and_distinct() {
    let mut d = all_on();
    set(&mut d, "S3_DATA_EVENTS", "DISABLED");
    set(&mut d, "EKS_AUDIT_LOGS", "DISABLED");
    let a = check(Some("1"), &[region("eu-west-1", Some(vec![d.clone()]))]);
    let b = check(Some("1"), &[region("eu-west-1", Some(vec![d.clone()]))]);
    let c = check(Some("1"), &[region("eu-west-2", Some(vec![d]))]);
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
    assert_ne!(a[0].fingerprint, a[1].fingerprint);
    assert_ne!(a[0].fingerprint, c[0].fingerprint);
}
