//! `gdaudit detectors`, the real binary, against moto seeded per test, and against
//! endpoints that refuse connections or never answer.
//!
//! What moto 5.2.5 returns, which shapes the seeding below: GetDetector echoes `features`
//! exactly as CreateDetector/UpdateDetector sent them (an empty list if none were sent),
//! while `dataSources` is rebuilt from the `dataSources` sent: S3Logs and Kubernetes audit
//! logs only, CloudTrail/DNS/flow logs always DISABLED, malware protection never present.
//! The two are not kept in step, so every detector here is seeded with both, saying the
//! same thing, as real GuardDuty reports them. Each test starts its own moto, so tests
//! are isolated and run in parallel.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_guardduty::types::{
    DataSourceConfigurations, DetectorAdditionalConfiguration, DetectorFeature,
    DetectorFeatureConfiguration, FeatureAdditionalConfiguration, FeatureStatus,
    FindingPublishingFrequency, KubernetesAuditLogsConfiguration, KubernetesConfiguration,
    MalwareProtectionConfiguration, S3LogsConfiguration, ScanEc2InstanceWithFindings,
};
use common::{Moto, describe, gdaudit_cmd, json_stdout};
use serde_json::Value;

const ACCOUNT: &str = "111122223333";
const FOUR_REGIONS: &str = "us-east-1,eu-west-1,us-west-2,ap-southeast-2";

/// The per-feature check ids; none may fire where every plan is on.
const FEATURE_CHECKS: [&str; 9] = [
    "s3-protection-off",
    "eks-audit-logs-off",
    "eks-runtime-monitoring-off",
    "runtime-monitoring-off",
    "ecs-runtime-monitoring-off",
    "ec2-runtime-monitoring-off",
    "malware-protection-off",
    "rds-protection-off",
    "lambda-protection-off",
];

// ---------------------------------------------------------------------------------------
// Seeding

/// How each protection plan should be seeded.
#[derive(Clone, Copy)]
struct Plans {
    s3: bool,
    eks_audit_logs: bool,
    eks_runtime_monitoring: bool,
    runtime_monitoring: bool,
    malware: bool,
    rds: bool,
    lambda: bool,
}

const ALL_ON: Plans = Plans {
    s3: true,
    eks_audit_logs: true,
    eks_runtime_monitoring: true,
    runtime_monitoring: true,
    malware: true,
    rds: true,
    lambda: true,
};

fn status(on: bool) -> FeatureStatus {
    if on {
        FeatureStatus::Enabled
    } else {
        FeatureStatus::Disabled
    }
}

fn feature(
    name: DetectorFeature,
    on: bool,
    additional: &[FeatureAdditionalConfiguration],
) -> DetectorFeatureConfiguration {
    let mut builder = DetectorFeatureConfiguration::builder()
        .name(name)
        .status(status(on));
    for extra in additional {
        builder = builder.additional_configuration(
            DetectorAdditionalConfiguration::builder()
                .name(extra.clone())
                .status(status(on))
                .build(),
        );
    }
    builder.build()
}

/// The feature list as real GuardDuty reports it for these plans. With Runtime
/// Monitoring on, AWS also reports EKS_RUNTIME_MONITORING; both carry EKS add-on management.
fn features(plans: Plans) -> Vec<DetectorFeatureConfiguration> {
    use FeatureAdditionalConfiguration as Extra;
    vec![
        feature(DetectorFeature::S3DataEvents, plans.s3, &[]),
        feature(DetectorFeature::EksAuditLogs, plans.eks_audit_logs, &[]),
        feature(DetectorFeature::EbsMalwareProtection, plans.malware, &[]),
        feature(DetectorFeature::RdsLoginEvents, plans.rds, &[]),
        feature(DetectorFeature::LambdaNetworkLogs, plans.lambda, &[]),
        feature(
            DetectorFeature::EksRuntimeMonitoring,
            plans.eks_runtime_monitoring,
            &[Extra::EksAddonManagement],
        ),
        feature(
            DetectorFeature::RuntimeMonitoring,
            plans.runtime_monitoring,
            &[
                Extra::EksAddonManagement,
                Extra::EcsFargateAgentManagement,
                Extra::Ec2AgentManagement,
            ],
        ),
    ]
}

/// The legacy data-source view of the same plans, which moto does not derive itself.
fn data_sources(plans: Plans) -> DataSourceConfigurations {
    DataSourceConfigurations::builder()
        .s3_logs(S3LogsConfiguration::builder().enable(plans.s3).build())
        .kubernetes(
            KubernetesConfiguration::builder()
                .audit_logs(
                    KubernetesAuditLogsConfiguration::builder()
                        .enable(plans.eks_audit_logs)
                        .build(),
                )
                .build(),
        )
        .malware_protection(
            MalwareProtectionConfiguration::builder()
                .scan_ec2_instance_with_findings(
                    ScanEc2InstanceWithFindings::builder()
                        .ebs_volumes(plans.malware)
                        .build(),
                )
                .build(),
        )
        .build()
}

/// Create an enabled detector with these plans in `region`; returns its id. Findings
/// are published every 15 minutes so the six-hours info finding stays out of the way.
// DataSources is deprecated in favour of Features, but real GuardDuty still reports both
// and moto derives neither from the other, so the seed sends both.
#[allow(deprecated)]
async fn create_detector(moto: &Moto, region: &str, plans: Plans) -> String {
    let out = moto
        .guardduty(region)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .data_sources(data_sources(plans))
        .set_features(Some(features(plans)))
        .send()
        .await
        .unwrap_or_else(|e| panic!("seed CreateDetector in {region}: {e:?}"));
    out.detector_id().expect("a detector id").to_owned()
}

/// Suspend a detector the way an operator does: UpdateDetector enable=false.
async fn suspend_detector(moto: &Moto, region: &str, detector_id: &str) {
    moto.guardduty(region)
        .update_detector()
        .detector_id(detector_id)
        .enable(false)
        .send()
        .await
        .unwrap_or_else(|e| panic!("seed UpdateDetector in {region}: {e:?}"));
}

struct FourRegions {
    moto: Moto,
    us_east_1: String,
    eu_west_1: String,
    ap_southeast_2: String,
}

/// us-east-1: enabled, every plan on; eu-west-1: suspended; us-west-2: no detector;
/// ap-southeast-2: enabled with S3 protection off.
fn four_regions() -> FourRegions {
    let moto = Moto::start(ACCOUNT);
    let (us_east_1, eu_west_1, ap_southeast_2) = common::block_on(async {
        let us_east_1 = create_detector(&moto, "us-east-1", ALL_ON).await;
        let eu_west_1 = create_detector(&moto, "eu-west-1", ALL_ON).await;
        suspend_detector(&moto, "eu-west-1", &eu_west_1).await;
        let s3_off = Plans {
            s3: false,
            ..ALL_ON
        };
        let ap_southeast_2 = create_detector(&moto, "ap-southeast-2", s3_off).await;
        (us_east_1, eu_west_1, ap_southeast_2)
    });
    FourRegions {
        moto,
        us_east_1,
        eu_west_1,
        ap_southeast_2,
    }
}

// ---------------------------------------------------------------------------------------
// Reading the report

fn run(endpoint: &str, args: &[&str]) -> std::process::Output {
    gdaudit_cmd(endpoint)
        .args(args)
        .output()
        .expect("run gdaudit")
}

/// `gdaudit detectors --regions REGIONS -o json EXTRA...`
fn detectors_json(endpoint: &str, regions: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["detectors", "--regions", regions, "-o", "json"];
    args.extend_from_slice(extra);
    run(endpoint, &args)
}

fn regions_by_name(doc: &Value) -> BTreeMap<String, Value> {
    doc["regions"]
        .as_array()
        .unwrap_or_else(|| panic!("no `regions` array in {doc:#}"))
        .iter()
        .map(|r| {
            (
                r["region"].as_str().expect("region name").to_owned(),
                r.clone(),
            )
        })
        .collect()
}

fn states(doc: &Value) -> BTreeMap<String, String> {
    regions_by_name(doc)
        .into_iter()
        .map(|(name, r)| (name, r["state"].as_str().unwrap_or("<none>").to_owned()))
        .collect()
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no `findings` array in {doc:#}"))
}

/// Check ids reported for one region.
fn checks_in(doc: &Value, region: &str) -> BTreeSet<String> {
    findings(doc)
        .iter()
        .filter(|f| f["region"] == region)
        .map(|f| f["check"].as_str().expect("check id").to_owned())
        .collect()
}

fn finding<'a>(doc: &'a Value, region: &str, check: &str) -> &'a Value {
    findings(doc)
        .iter()
        .find(|f| f["region"] == region && f["check"] == check)
        .unwrap_or_else(|| panic!("no {check} finding in {region}: {doc:#}"))
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn assert_exit(output: &std::process::Output, code: i32) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn reports_enabled_suspended_missing_and_a_plan_off_per_region() {
    let seeded = four_regions();
    let endpoint = seeded.moto.endpoint.as_str();
    let output = detectors_json(endpoint, FOUR_REGIONS, &[]);
    // detector-suspended and detector-missing are high: the default --fail-on high trips.
    assert_exit(&output, 1);
    let doc = json_stdout(&output);

    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "detectors");
    assert!(
        doc["account"].to_string().contains(ACCOUNT),
        "account {} is not {ACCOUNT}",
        doc["account"]
    );
    let expected_states: BTreeMap<String, String> = [
        ("ap-southeast-2", "enabled"),
        ("eu-west-1", "suspended"),
        ("us-east-1", "enabled"),
        ("us-west-2", "no-detector"),
    ]
    .into_iter()
    .map(|(r, s)| (r.to_owned(), s.to_owned()))
    .collect();
    assert_eq!(states(&doc), expected_states, "{doc:#}");
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");
    for region in regions_by_name(&doc).values() {
        assert!(region.get("error").is_none_or(Value::is_null), "{region:#}");
    }

    // Per region, the checks that must fire; `not-centrally-managed` (no administrator,
    // no members: true of every detector here) is asserted where a detector is on and
    // otherwise left to the unit tests, as is whether it applies to a suspended one.
    let without_central = |region: &str| {
        let mut checks = checks_in(&doc, region);
        checks.remove("not-centrally-managed");
        checks
    };
    assert_eq!(without_central("us-east-1"), set(&[]), "{doc:#}");
    assert_eq!(
        without_central("eu-west-1"),
        set(&["detector-suspended"]),
        "{doc:#}"
    );
    assert_eq!(
        checks_in(&doc, "us-west-2"),
        set(&["detector-missing"]),
        "{doc:#}"
    );
    assert_eq!(
        without_central("ap-southeast-2"),
        set(&["s3-protection-off"]),
        "{doc:#}"
    );
    for region in ["us-east-1", "ap-southeast-2"] {
        assert!(
            checks_in(&doc, region).contains("not-centrally-managed"),
            "{region}: {doc:#}"
        );
    }

    // The findings point at the seeded detectors, in the seeded account.
    let suspended = finding(&doc, "eu-west-1", "detector-suspended");
    assert_eq!(suspended["severity"], "high");
    assert_eq!(suspended["resource"], seeded.eu_west_1.as_str());
    assert_eq!(
        finding(&doc, "us-west-2", "detector-missing")["severity"],
        "high"
    );
    let s3 = finding(&doc, "ap-southeast-2", "s3-protection-off");
    assert_eq!(s3["resource"], seeded.ap_southeast_2.as_str());
    assert_eq!(
        finding(&doc, "us-east-1", "not-centrally-managed")["resource"],
        seeded.us_east_1.as_str()
    );
    for f in findings(&doc) {
        assert_eq!(f["account"], ACCOUNT, "{f:#}");
        let fingerprint = f["fingerprint"].as_str().expect("a fingerprint");
        assert!(!fingerprint.is_empty(), "{f:#}");
    }

    // The summary counts what is listed.
    for severity in ["critical", "high", "medium", "low", "info"] {
        let listed = findings(&doc)
            .iter()
            .filter(|f| f["severity"] == severity)
            .count();
        assert_eq!(
            doc["summary"]["by_severity"][severity], listed,
            "{severity}: {doc:#}"
        );
    }

    // Fingerprints are stable across runs, and JSONL carries the same findings.
    let again = json_stdout(&detectors_json(endpoint, FOUR_REGIONS, &[]));
    let fingerprints = |doc: &Value| -> BTreeSet<String> {
        findings(doc)
            .iter()
            .map(|f| f["fingerprint"].as_str().expect("a fingerprint").to_owned())
            .collect()
    };
    assert_eq!(fingerprints(&doc), fingerprints(&again));
    assert_eq!(fingerprints(&doc).len(), findings(&doc).len(), "duplicates");
    let jsonl = run(
        endpoint,
        &["detectors", "--regions", FOUR_REGIONS, "-o", "jsonl"],
    );
    assert_exit(&jsonl, 1);
    let lines: BTreeSet<String> = String::from_utf8_lossy(&jsonl.stdout)
        .lines()
        .map(|line| {
            let f: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            f["fingerprint"].as_str().expect("a fingerprint").to_owned()
        })
        .collect();
    assert_eq!(lines, fingerprints(&doc));

    // --fail-on never: the same findings, exit 0, because everything was checked.
    let never = detectors_json(endpoint, FOUR_REGIONS, &["--fail-on", "never"]);
    assert_exit(&never, 0);
    let never_doc = json_stdout(&never);
    assert_eq!(never_doc["summary"]["incomplete"], false);
    assert_eq!(fingerprints(&never_doc), fingerprints(&doc));
}

#[test]
fn one_region_with_every_plan_on_passes_at_critical_and_trips_at_low() {
    let moto = Moto::start(ACCOUNT);
    common::block_on(create_detector(&moto, "us-east-1", ALL_ON));
    let at = |fail_on: &str| detectors_json(&moto.endpoint, "us-east-1", &["--fail-on", fail_on]);

    let output = at("critical");
    assert_exit(&output, 0);
    let doc = json_stdout(&output);
    assert_eq!(states(&doc)["us-east-1"], "enabled", "{doc:#}");
    assert_eq!(doc["summary"]["incomplete"], false, "{doc:#}");
    let checks = checks_in(&doc, "us-east-1");
    for check in FEATURE_CHECKS {
        assert!(!checks.contains(check), "{check}: {doc:#}");
    }

    // Not centrally managed (low) is the one thing wrong here: it decides the exit code.
    assert_eq!(checks, set(&["not-centrally-managed"]), "{doc:#}");
    assert_exit(&at("medium"), 0);
    assert_exit(&at("low"), 1);
}

#[test]
fn runtime_monitoring_on_covers_eks_runtime_monitoring_off() {
    let moto = Moto::start(ACCOUNT);
    let plans = Plans {
        eks_runtime_monitoring: false,
        ..ALL_ON
    };
    common::block_on(create_detector(&moto, "us-east-1", plans));
    let output = detectors_json(&moto.endpoint, "us-east-1", &["--fail-on", "never"]);
    assert_exit(&output, 0);
    let doc = json_stdout(&output);
    let checks = checks_in(&doc, "us-east-1");
    assert!(!checks.contains("eks-runtime-monitoring-off"), "{doc:#}");
    assert!(!checks.contains("runtime-monitoring-off"), "{doc:#}");
}

/// Every region is listed as `error` with kind `network`, the audit is incomplete, and
/// the exit code is 3: never 0, and never a finding made up from missing data.
fn assert_every_region_could_not_be_checked(output: &std::process::Output) {
    assert_exit(output, 3);
    let doc = json_stdout(output);
    let regions = regions_by_name(&doc);
    assert_eq!(
        regions.keys().cloned().collect::<BTreeSet<_>>(),
        set(&["ap-southeast-2", "eu-west-1", "us-east-1", "us-west-2"]),
        "{doc:#}"
    );
    for (name, region) in &regions {
        assert_eq!(region["state"], "error", "{name}: {doc:#}");
        assert_eq!(region["error"]["kind"], "network", "{name}: {doc:#}");
        let message = region["error"]["message"].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{name}: {doc:#}");
    }
    assert_eq!(doc["summary"]["incomplete"], true, "{doc:#}");
    assert_eq!(findings(&doc), &Vec::<Value>::new(), "{doc:#}");
}

#[test]
fn an_endpoint_that_never_answers_makes_every_region_an_error_and_exit_3() {
    let blackhole = common::blackhole::Blackhole::start();
    let output = detectors_json(&blackhole.endpoint, FOUR_REGIONS, &["--timeout", "2"]);
    assert_every_region_could_not_be_checked(&output);
}

#[test]
fn a_refused_connection_makes_every_region_an_error_and_exit_3() {
    let endpoint = common::closed_port_endpoint();
    let output = detectors_json(&endpoint, FOUR_REGIONS, &["--timeout", "2"]);
    assert_every_region_could_not_be_checked(&output);
}

#[test]
fn no_credentials_is_one_line_on_stderr_and_exit_3() {
    // Pointed at moto, so that even a bug that ignored the missing credentials could
    // only ever reach loopback.
    let moto = Moto::start(ACCOUNT);
    let output = gdaudit_cmd(&moto.endpoint)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["detectors", "--regions", "us-east-1", "-o", "json"])
        .output()
        .expect("run gdaudit");
    assert_exit(&output, 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", describe(&output));
    assert!(
        lines[0].to_lowercase().contains("credentials"),
        "{}",
        describe(&output)
    );
}

#[test]
fn plain_moto_without_list_members_is_reported_incomplete_never_clean() {
    // moto itself answers ListMembers with a bare 404: gdaudit must not claim to know the
    // region's membership, so an otherwise perfect region exits 3, with the call named.
    let moto = Moto::start_without_shims(ACCOUNT);
    common::block_on(create_detector(&moto, "us-east-1", ALL_ON));
    let output = detectors_json(&moto.endpoint, "us-east-1", &["--fail-on", "never"]);
    assert_exit(&output, 3);
    let doc = json_stdout(&output);
    assert_eq!(states(&doc)["us-east-1"], "enabled", "{doc:#}");
    assert_eq!(
        regions_by_name(&doc)["us-east-1"]["error"]["operation"],
        "guardduty:ListMembers",
        "{doc:#}"
    );
    assert_eq!(doc["summary"]["incomplete"], true, "{doc:#}");
    assert!(
        !checks_in(&doc, "us-east-1").contains("not-centrally-managed"),
        "{doc:#}"
    );
}
