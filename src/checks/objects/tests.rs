use std::collections::BTreeMap;

use super::*;
use crate::model::objects::{
    MalwareProtectionPlan, PublishingDestination, SuppressionFilter, UnhandledBand,
};
use crate::model::{Detector, RegionOptStatus};

fn detector() -> Detector {
    Detector {
        id: "det1".into(),
        status: "ENABLED".into(),
        finding_publishing_frequency: None,
        service_role: None,
        created_at: None,
        updated_at: None,
        features: vec![],
        data_sources: None,
    }
}

fn region(objects: RegionObjects) -> RegionDetectors {
    RegionDetectors {
        region: "eu-west-1".into(),
        opt_status: RegionOptStatus::EnabledByDefault,
        detectors: Some(vec![detector()]),
        administrator: None,
        members: Some(vec![]),
        errors: vec![],
        objects,
    }
}

fn cond(f: impl FnOnce(&mut Condition)) -> Condition {
    let mut c = Condition::default();
    f(&mut c);
    c
}

fn filter(action: &str, criteria: Vec<(&str, Condition)>) -> SuppressionFilter {
    SuppressionFilter {
        name: "quiet".into(),
        action: action.into(),
        rank: Some(1),
        description: None,
        criteria: criteria
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        tags: None,
    }
}

fn run(objects: RegionObjects) -> Vec<Finding> {
    check(
        Some("111122223333"),
        &[region(objects)],
        &ObjectCheckOptions::default(),
    )
}

#[test]
fn a_rule_archiving_severity_seven_and_up_is_reported_with_what_it_hides() {
    let f = filter("ARCHIVE", vec![("severity", cond(|c| c.gte = Some(7)))]);
    let hidden = hidden_by(&f).unwrap();
    assert!(hidden.high && hidden.critical && hidden.attack_sequences);
    let found = run(RegionObjects {
        filters: Some(vec![f]),
        ..Default::default()
    });
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, CheckId::SuppressionRuleHidesHigh);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].title.contains("attack sequences"),
        "{}",
        found[0].title
    );
}

#[test]
fn severity_bounds_below_seven_hide_nothing_high() {
    for c in [
        cond(|c| c.lt = Some(7)),
        cond(|c| c.lte = Some(6)),
        cond(|c| c.eq = vec!["5".into(), "2".into()]),
    ] {
        assert_eq!(
            hidden_by(&filter("ARCHIVE", vec![("severity", c.clone())])),
            None,
            "{c:?}"
        );
    }
    // The Prowler gap: 7.0–7.9 and 8.1–8.9 count, not only 8.
    for c in [
        cond(|c| c.lte = Some(7)),
        cond(|c| {
            c.gt = Some(6);
            c.lt = Some(9);
        }),
        cond(|c| c.eq = vec!["7.5".into()]),
    ] {
        let hidden = hidden_by(&filter("ARCHIVE", vec![("severity", c.clone())])).unwrap();
        assert!(hidden.high && !hidden.critical, "{c:?}");
    }
}

#[test]
fn a_noop_filter_archives_nothing() {
    assert_eq!(hidden_by(&filter("NOOP", vec![])), None);
}

#[test]
fn without_a_severity_bound_only_unpinned_rules_count() {
    let by_type = |types: &[&str]| cond(|c| c.eq = types.iter().map(|t| (*t).to_owned()).collect());
    // Pinned to one instance: a narrow, legitimate suppression.
    let pinned = filter(
        "ARCHIVE",
        vec![
            ("type", by_type(&["Recon:EC2/PortProbeUnprotectedPort"])),
            ("resource.instanceDetails.instanceId", by_type(&["i-0abc"])),
        ],
    );
    assert_eq!(hidden_by(&pinned), None);
    // Named finding types: the documented way to silence one noisy type.
    let named = filter(
        "ARCHIVE",
        vec![("type", by_type(&["Recon:EC2/PortProbeUnprotectedPort"]))],
    );
    assert_eq!(hidden_by(&named), None);
    // ...unless one is an attack sequence, or the types are a wildcard or an exclusion.
    let sequence = filter(
        "ARCHIVE",
        vec![("type", by_type(&["AttackSequence:S3/CompromisedData"]))],
    );
    assert!(hidden_by(&sequence).unwrap().attack_sequences);
    let all_but = filter(
        "ARCHIVE",
        vec![("type", cond(|c| c.neq = vec!["Recon:EC2/Portscan".into()]))],
    );
    let hidden = hidden_by(&all_but).unwrap();
    assert!(hidden.unpinned && hidden.attack_sequences);
    let recon = filter(
        "ARCHIVE",
        vec![("type", cond(|c| c.matches = vec!["Recon:*".into()]))],
    );
    let hidden = hidden_by(&recon).unwrap();
    assert!(hidden.high && !hidden.attack_sequences);
    // A wildcard on a resource field pins nothing.
    let wildcard = filter(
        "ARCHIVE",
        vec![(
            "resource.instanceDetails.instanceId",
            cond(|c| c.matches = vec!["i-*".into()]),
        )],
    );
    assert!(hidden_by(&wildcard).unwrap().attack_sequences);
    let wildcard_eq = filter(
        "ARCHIVE",
        vec![("resource.instanceDetails.instanceId", by_type(&["i-*"]))],
    );
    assert!(hidden_by(&wildcard_eq).is_some());
}

#[test]
fn attack_sequence_types_are_recognised_in_patterns() {
    assert!(type_matches_attack_sequence(
        "AttackSequence:IAM/CompromisedCredentials"
    ));
    assert!(type_matches_attack_sequence("Attack*"));
    assert!(type_matches_attack_sequence("*"));
    assert!(!type_matches_attack_sequence("Recon:*"));
    assert!(!type_matches_attack_sequence("Backdoor:EC2/C&CActivity.B"));
}

fn list(kind: ListKind, status: &str) -> ThreatList {
    ThreatList {
        kind,
        id: format!("{}-{status}", kind.as_str()),
        name: "corp".into(),
        status: status.into(),
        location: Some("s3://lists/corp.txt".into()),
        format: Some("TXT".into()),
        tags: None,
        content: None,
    }
}

#[test]
fn active_trusted_lists_and_threat_lists_out_of_force_are_reported() {
    let found = run(RegionObjects {
        lists: Some(vec![
            list(ListKind::TrustedIpList, "ACTIVE"),
            list(ListKind::TrustedIpList, "INACTIVE"),
            list(ListKind::TrustedEntitySet, "ACTIVE"),
            list(ListKind::ThreatIntelSet, "ACTIVE"),
            list(ListKind::ThreatIntelSet, "ERROR"),
            list(ListKind::ThreatEntitySet, "DEACTIVATING"),
            list(ListKind::ThreatIntelSet, "DELETE_PENDING"),
        ]),
        ..Default::default()
    });
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.check.as_str(), f.resource.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("trusted-list-active", "trusted-ip-list-ACTIVE"),
            ("trusted-list-active", "trusted-entity-set-ACTIVE"),
            ("threat-list-not-active", "threat-intel-set-ERROR"),
            ("threat-list-not-active", "threat-entity-set-DEACTIVATING"),
        ]
    );
    assert!(found.iter().all(|f| f.severity == Severity::Medium));
}

#[test]
fn broad_entries_of_active_trusted_lists_are_reported_and_threat_lists_are_not() {
    let with = |kind: ListKind, status: &str, content: &[u8], format: &str| ThreatList {
        content: Some(crate::model::list_content::parse(format, content)),
        ..list(kind, status)
    };
    let found = run(RegionObjects {
        lists: Some(vec![
            with(
                ListKind::TrustedIpList,
                "ACTIVE",
                b"0.0.0.0/0\n203.0.113.1\n",
                "TXT",
            ),
            with(ListKind::TrustedEntitySet, "INACTIVE", b"::/0\n", "TXT"),
            with(ListKind::ThreatIntelSet, "ACTIVE", b"0.0.0.0/0\n", "TXT"),
            with(
                ListKind::TrustedEntitySet,
                "ACTIVE",
                b"0.0.0.0/0\n",
                "PARQUET",
            ),
        ]),
        ..Default::default()
    });
    let broad: Vec<&Finding> = found
        .iter()
        .filter(|f| f.check == CheckId::TrustedListTooBroad)
        .collect();
    assert_eq!(broad.len(), 1, "{found:#?}");
    assert_eq!(broad[0].severity, Severity::High);
    assert_eq!(broad[0].resource, "trusted-ip-list-ACTIVE");
    let Details::List(d) = &broad[0].details else {
        panic!("{:?}", broad[0].details)
    };
    assert_eq!(
        (d.entries, d.broad_count, d.broad_entries.as_slice()),
        (Some(2), Some(1), ["0.0.0.0/0".to_owned()].as_slice())
    );
    // The list in a format gdaudit does not parse is active but not judged: no count.
    let unjudged = found
        .iter()
        .find(|f| f.resource == "trusted-entity-set-ACTIVE")
        .unwrap();
    let Details::List(d) = &unjudged.details else {
        panic!()
    };
    assert_eq!(d.entries, None);
    // And the fingerprints of the two findings of one list differ.
    let active = found
        .iter()
        .find(|f| f.check == CheckId::TrustedListActive && f.resource == "trusted-ip-list-ACTIVE")
        .unwrap();
    assert_ne!(active.fingerprint, broad[0].fingerprint);
}

#[test]
fn a_stopped_export_or_one_without_a_key_is_reported() {
    let dest = |id: &str, status: &str, kms: Option<&str>| PublishingDestination {
        id: id.into(),
        destination_type: "S3".into(),
        status: status.into(),
        destination_arn: Some(format!("arn:aws:s3:::{id}")),
        kms_key_arn: kms.map(str::to_owned),
        publishing_failure_start_timestamp: None,
    };
    let found = run(RegionObjects {
        publishing_destinations: Some(vec![
            dest("ok", "PUBLISHING", Some("arn:aws:kms:eu-west-1:1:key/k")),
            dest("stopped", "STOPPED", Some("arn:aws:kms:eu-west-1:1:key/k")),
            dest("nokey", "PUBLISHING", None),
        ]),
        ..Default::default()
    });
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].resource, "stopped");
    assert_eq!(found[0].severity, Severity::High);
    let Details::PublishingDestination(d) = &found[1].details else {
        panic!("{:?}", found[1].details)
    };
    assert_eq!(d.problems, ["no KMS key"]);
}

#[test]
fn malware_plans_not_active_are_reported_by_how_bad() {
    let plan = |id: &str, status: &str| MalwareProtectionPlan {
        id: id.into(),
        arn: None,
        status: status.into(),
        bucket: Some("uploads".into()),
        object_prefixes: vec![],
        role: None,
        status_reasons: vec![],
    };
    let found = run(RegionObjects {
        malware_protection_plans: Some(vec![
            plan("a", "ACTIVE"),
            plan("b", "ERROR"),
            plan("c", "WARNING"),
        ]),
        ..Default::default()
    });
    let got: Vec<(&str, Severity)> = found
        .iter()
        .map(|f| (f.resource.as_str(), f.severity))
        .collect();
    assert_eq!(got, [("b", Severity::High), ("c", Severity::Medium)]);
}

#[test]
fn malware_plans_count_in_a_region_without_a_detector() {
    let mut r = region(RegionObjects {
        malware_protection_plans: Some(vec![MalwareProtectionPlan {
            id: "p".into(),
            arn: None,
            status: "ERROR".into(),
            bucket: None,
            object_prefixes: vec![],
            role: None,
            status_reasons: vec!["AccessDenied: role".into()],
        }]),
        ..Default::default()
    });
    r.detectors = Some(vec![]);
    let found = check(None, &[r], &ObjectCheckOptions::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, CheckId::MalwareProtectionPlanUnhealthy);
}

#[test]
fn unhandled_findings_take_their_band_severity() {
    let band = |band, count| UnhandledBand {
        band,
        older_than_days: 1,
        count,
        oldest_updated_at: Some("2026-11-29T10:00:00.000Z".into()),
        oldest_finding_type: None,
    };
    let found = run(RegionObjects {
        unhandled_findings: Some(vec![
            band(SeverityBand::Critical, 0),
            band(SeverityBand::High, 3),
            band(SeverityBand::Low, 1),
        ]),
        ..Default::default()
    });
    let got: Vec<(Severity, &str)> = found
        .iter()
        .map(|f| (f.severity, f.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Severity::High,
                "3 unarchived high findings not updated for over 1 day in eu-west-1"
            ),
            (
                Severity::Low,
                "1 unarchived low finding not updated for over 1 day in eu-west-1"
            ),
        ]
    );
    assert_ne!(found[0].fingerprint, found[1].fingerprint);
}

#[test]
fn tagging_checks_run_only_with_required_keys() {
    let tagged = |keys: &[&str]| -> BTreeMap<String, String> {
        keys.iter()
            .map(|k| ((*k).to_owned(), "x".to_owned()))
            .collect()
    };
    let mut f = filter("NOOP", vec![]);
    f.tags = Some(tagged(&["owner"]));
    let mut ip = list(ListKind::TrustedIpList, "INACTIVE");
    ip.tags = None;
    let objects = RegionObjects {
        filters: Some(vec![f]),
        lists: Some(vec![ip]),
        detector_tags: Some(tagged(&[])),
        ..Default::default()
    };
    assert!(run(objects.clone()).is_empty());
    let opts = ObjectCheckOptions {
        required_tag_keys: vec!["owner".into()],
        ..Default::default()
    };
    let found = check(None, &[region(objects)], &opts);
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| match &f.details {
            Details::Untagged(u) => (u.resource_type, u.security_hub),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [("detector", "GuardDuty.4"), ("ip-set", "GuardDuty.3")]
    );
    assert!(found.iter().all(|f| f.severity == Severity::Low));
}

#[test]
fn regions_not_enabled_or_unreadable_are_not_judged() {
    let mut r = region(RegionObjects {
        filters: Some(vec![filter("ARCHIVE", vec![])]),
        ..Default::default()
    });
    r.detectors = None;
    assert!(check(None, &[r], &ObjectCheckOptions::default()).is_empty());
}
