//! What each GuardDuty change means: severity and one-line meaning decoded from CloudTrail
//! records, through the library's change check (moved here from src/checks/changes.rs so the
//! check's own code builds no JSON).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
use gdaudit::checks::changes::{ChangeOptions, check_event};
use gdaudit::model::cloudtrail::{Event, GUARDDUTY_SOURCE};
use gdaudit::report::finding::{CheckId, Finding, Severity, fingerprint};
use serde_json::{Value, json};

/// A finding's details as the JSON wire format writes them.
fn details(finding: &Finding) -> Value {
    serde_json::from_str(&gdaudit::report::json::details_json(&finding.details)).unwrap()
}

fn record(name: &str, params: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:mallory",
            "arn": "arn:aws:sts::111122223333:assumed-role/Admin/mallory",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/Admin", "userName": "Admin"}}
        },
        "eventTime": "2024-05-01T12:00:00Z",
        "eventSource": GUARDDUTY_SOURCE,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.17.60",
        "requestParameters": params,
        "responseElements": null,
        "eventID": format!("id-{name}"),
        "readOnly": false,
        "recipientAccountId": "111122223333"
    })
}

fn event(name: &str, params: Value) -> Event {
    Event::from_value(&record(name, params)).unwrap()
}

/// Severity and title of the finding for `name` called with `params`.
fn verdict(name: &str, params: Value) -> (Severity, String) {
    let finding = check_event(&event(name, params), ChangeOptions::default()).unwrap();
    (finding.severity, finding.title)
}

#[track_caller]
fn assert_verdict(name: &str, params: Value, severity: Severity, title: &str) {
    assert_eq!(
        verdict(name, params),
        (severity, title.to_owned()),
        "{name}"
    );
}

#[test]
fn turning_guardduty_off_is_critical() {
    let off = "GuardDuty turned off in eu-west-1";
    assert_verdict(
        "DeleteDetector",
        json!({"detectorId": "d1"}),
        Severity::Critical,
        &format!("{off} (detector d1 deleted, with its findings)"),
    );
    assert_verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "enable": false}),
        Severity::Critical,
        &format!("{off} (detector d1 suspended)"),
    );
    assert_verdict(
        "CreateDetector",
        json!({"enable": false}),
        Severity::Critical,
        &format!("{off} (detector created disabled)"),
    );
}

#[test]
fn turning_a_protection_plan_off_is_high_and_named() {
    assert_verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "features": [
            {"name": "S3_DATA_EVENTS", "status": "DISABLED"},
            {"name": "RDS_LOGIN_EVENTS", "status": "ENABLED"},
            {"name": "RUNTIME_MONITORING", "status": "ENABLED",
             "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}]}
        ]}),
        Severity::High,
        "GuardDuty protection turned off in eu-west-1: S3 Protection (S3_DATA_EVENTS), \
         EKS_ADDON_MANAGEMENT of RUNTIME_MONITORING",
    );
    assert_verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "dataSources": {
            "s3Logs": {"enable": false},
            "kubernetes": {"auditLogs": {"enable": false}},
            "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": false}}
        }}),
        Severity::High,
        "GuardDuty protection turned off in eu-west-1: S3 Protection (S3_DATA_EVENTS), \
         EKS Audit Log Monitoring (EKS_AUDIT_LOGS), Malware Protection for EC2 (EBS_MALWARE_PROTECTION)",
    );
    assert_verdict(
        "UpdateMemberDetectors",
        json!({"detectorId": "d1", "accountIds": ["444455556666"],
               "features": [{"name": "EKS_AUDIT_LOGS", "status": "DISABLED"}]}),
        Severity::High,
        "GuardDuty protection turned off for Member account 444455556666 in eu-west-1: \
         EKS Audit Log Monitoring (EKS_AUDIT_LOGS)",
    );
    assert_verdict(
        "CreateDetector",
        json!({"enable": true, "features": [{"name": "LAMBDA_NETWORK_LOGS", "status": "DISABLED"}]}),
        Severity::Medium,
        "GuardDuty detector created in eu-west-1 without Lambda Protection (LAMBDA_NETWORK_LOGS)",
    );
}

#[test]
fn routine_detector_changes_are_low() {
    assert_verdict(
        "CreateDetector",
        json!({"enable": true, "clientToken": "t"}),
        Severity::Low,
        "GuardDuty detector created in eu-west-1",
    );
    assert_verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "findingPublishingFrequency": "SIX_HOURS"}),
        Severity::Low,
        "GuardDuty detector d1 now publishes findings every 6 hours in eu-west-1",
    );
    assert_verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "enable": true, "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}),
        Severity::Low,
        "GuardDuty detector d1 enabled in eu-west-1",
    );
    assert_verdict(
        "UpdateMemberDetectors",
        json!({"detectorId": "d1", "accountIds": ["1", "2", "3", "4", "5"],
               "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}),
        Severity::Low,
        "GuardDuty settings updated for 5 member accounts (1, 2, 3 and 2 more) in eu-west-1",
    );
}

#[test]
fn activating_a_trusted_list_is_high() {
    assert_verdict(
        "CreateIPSet",
        json!({"detectorId": "d1", "name": "office", "format": "TXT", "location": "s3://b/ips.txt", "activate": true}),
        Severity::High,
        "Trusted IP list 'office' created and activated in eu-west-1: matching traffic no longer raises findings",
    );
    assert_verdict(
        "UpdateIPSet",
        json!({"detectorId": "d1", "ipSetId": "ip1", "activate": true}),
        Severity::High,
        "Trusted IP list ip1 activated in eu-west-1: matching traffic no longer raises findings",
    );
    assert_verdict(
        "CreateTrustedEntitySet",
        json!({"detectorId": "d1", "name": "vendors", "format": "TXT", "location": "s3://b/t.txt", "activate": true}),
        Severity::High,
        "Trusted entity list 'vendors' created and activated in eu-west-1: matching traffic no longer raises findings",
    );
    assert_verdict(
        "UpdateTrustedEntitySet",
        json!({"detectorId": "d1", "trustedEntitySetId": "te1", "location": "s3://b/t2.txt"}),
        Severity::Medium,
        "Trusted entity list te1 changed in eu-west-1: if active, matching traffic raises no findings",
    );
    assert_verdict(
        "CreateIPSet",
        json!({"detectorId": "d1", "name": "office", "activate": false}),
        Severity::Low,
        "Trusted IP list 'office' created inactive in eu-west-1",
    );
    assert_verdict(
        "UpdateIPSet",
        json!({"detectorId": "d1", "ipSetId": "ip1", "activate": false}),
        Severity::Low,
        "Trusted IP list ip1 deactivated in eu-west-1: its entries raise findings again",
    );
    assert_verdict(
        "DeleteIPSet",
        json!({"detectorId": "d1", "ipSetId": "ip1"}),
        Severity::Low,
        "Trusted IP list ip1 deleted in eu-west-1: its IPs raise findings again",
    );
}

#[test]
fn an_archiving_filter_is_a_suppression_rule() {
    let criteria = json!({"criterion": {"severity": {"lt": 7}}});
    assert_verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": "quiet", "action": "ARCHIVE", "rank": 1, "findingCriteria": criteria}),
        Severity::High,
        "Suppression rule 'quiet' created in eu-west-1: matching findings are archived automatically",
    );
    assert_verdict(
        "UpdateFilter",
        json!({"detectorId": "d1", "filterName": "quiet", "action": "ARCHIVE"}),
        Severity::High,
        "Suppression rule 'quiet' set in eu-west-1: matching findings are archived automatically",
    );
    assert_verdict(
        "UpdateFilter",
        json!({"detectorId": "d1", "filterName": "quiet", "findingCriteria": criteria}),
        Severity::Medium,
        "Findings filter 'quiet' criteria changed in eu-west-1: if it archives, what it hides changed",
    );
    assert_verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": "triage", "action": "NOOP"}),
        Severity::Low,
        "Findings filter 'triage' created in eu-west-1 (no automatic archiving)",
    );
}

#[test]
fn leaving_central_administration_is_high() {
    assert_verdict(
        "DisassociateFromMasterAccount",
        json!({"detectorId": "d1"}),
        Severity::High,
        "Account left its GuardDuty administrator in eu-west-1: the administrator no longer sees its findings",
    );
    assert_verdict(
        "DisassociateFromAdministratorAccount",
        json!({"detectorId": "d1"}),
        Severity::High,
        "Account left its GuardDuty administrator in eu-west-1: the administrator no longer sees its findings",
    );
    assert_verdict(
        "DisassociateMembers",
        json!({"detectorId": "d1", "accountIds": ["444455556666", "777788889999"]}),
        Severity::High,
        "2 member accounts (444455556666, 777788889999) disassociated from this GuardDuty administrator \
         in eu-west-1: their findings are no longer seen here",
    );
    assert_verdict(
        "DeleteMembers",
        json!({"detectorId": "d1", "accountIds": ["444455556666"]}),
        Severity::High,
        "Member account 444455556666 removed from this GuardDuty administrator in eu-west-1: \
         their findings are no longer seen here",
    );
    assert_verdict(
        "StopMonitoringMembers",
        json!({"detectorId": "d1", "accountIds": ["444455556666"]}),
        Severity::High,
        "Member account 444455556666 no longer monitored by this GuardDuty administrator in eu-west-1",
    );
    assert_verdict(
        "DisableOrganizationAdminAccount",
        json!({"adminAccountId": "999988887777"}),
        Severity::High,
        "GuardDuty delegated administrator 999988887777 removed for the organization in eu-west-1",
    );
}

#[test]
fn stopping_organization_auto_enable_is_high() {
    let stopped = "Organization auto-enable turned off in eu-west-1";
    assert_verdict(
        "UpdateOrganizationConfiguration",
        json!({"detectorId": "d1", "autoEnableOrganizationMembers": "NONE"}),
        Severity::High,
        &format!("{stopped}: GuardDuty for member accounts"),
    );
    assert_verdict(
        "UpdateOrganizationConfiguration",
        json!({"detectorId": "d1", "autoEnable": false}),
        Severity::High,
        &format!("{stopped}: GuardDuty for new member accounts"),
    );
    assert_verdict(
        "UpdateOrganizationConfiguration",
        json!({"detectorId": "d1", "autoEnableOrganizationMembers": "ALL", "features": [
            {"name": "RDS_LOGIN_EVENTS", "autoEnable": "NONE"},
            {"name": "RUNTIME_MONITORING", "autoEnable": "ALL",
             "additionalConfiguration": [{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "autoEnable": "NONE"}]}
        ], "dataSources": {"s3Logs": {"autoEnable": false}}}),
        Severity::High,
        &format!(
            "{stopped}: RDS Protection (RDS_LOGIN_EVENTS), ECS_FARGATE_AGENT_MANAGEMENT of RUNTIME_MONITORING, \
             S3 Protection (S3_DATA_EVENTS)"
        ),
    );
    assert_verdict(
        "UpdateOrganizationConfiguration",
        json!({"detectorId": "d1", "autoEnableOrganizationMembers": "ALL"}),
        Severity::Low,
        "Organization auto-enable settings updated in eu-west-1",
    );
}

#[test]
fn cutting_the_findings_export_is_high() {
    assert_verdict(
        "DeletePublishingDestination",
        json!({"detectorId": "d1", "destinationId": "pd1"}),
        Severity::High,
        "Findings export cut in eu-west-1: publishing destination pd1 deleted",
    );
    assert_verdict(
        "UpdatePublishingDestination",
        json!({"detectorId": "d1", "destinationId": "pd1",
               "destinationProperties": {"destinationArn": "arn:aws:s3:::elsewhere", "kmsKeyArn": "k"}}),
        Severity::High,
        "Findings export redirected in eu-west-1: publishing destination pd1 changed (now arn:aws:s3:::elsewhere)",
    );
}

#[test]
fn archiving_findings_and_threat_lists_are_medium() {
    assert_verdict(
        "ArchiveFindings",
        json!({"detectorId": "d1", "findingIds": ["f1", "f2"]}),
        Severity::Medium,
        "2 findings archived in eu-west-1",
    );
    assert_verdict(
        "CreateThreatIntelSet",
        json!({"detectorId": "d1", "name": "feed", "format": "TXT", "location": "s3://b/bad.txt", "activate": true}),
        Severity::Medium,
        "Threat intel list 'feed' created in eu-west-1 (active)",
    );
    assert_verdict(
        "UpdateThreatIntelSet",
        json!({"detectorId": "d1", "threatIntelSetId": "t1", "activate": false}),
        Severity::Medium,
        "Threat intel list t1 changed in eu-west-1 and deactivated: its entries no longer raise findings",
    );
    assert_verdict(
        "DeleteThreatIntelSet",
        json!({"detectorId": "d1", "threatIntelSetId": "t1"}),
        Severity::Medium,
        "Threat intel list t1 deleted in eu-west-1: its entries no longer raise findings",
    );
    assert_verdict(
        "DeleteThreatEntitySet",
        json!({"detectorId": "d1", "threatEntitySetId": "x1"}),
        Severity::Medium,
        "Threat entity list x1 deleted in eu-west-1: its entries no longer raise findings",
    );
}

#[test]
fn routine_creates_are_low_or_info() {
    assert_verdict(
        "CreateSampleFindings",
        json!({"detectorId": "d1"}),
        Severity::Info,
        "Sample findings generated in eu-west-1",
    );
    assert_verdict(
        "CreateMembers",
        json!({"detectorId": "d1", "accountDetails": [{"accountId": "444455556666", "email": "a@example.com"}]}),
        Severity::Low,
        "Member account 444455556666 added to this GuardDuty administrator in eu-west-1",
    );
    assert_verdict(
        "TagResource",
        json!({"resourceArn": "arn:aws:guardduty:eu-west-1:111122223333:detector/d1", "tags": {"a": "b"}}),
        Severity::Info,
        "Tags set on arn:aws:guardduty:eu-west-1:111122223333:detector/d1",
    );
}

#[test]
fn every_change_action_in_the_catalogue_gets_a_meaning() {
    for action in gdaudit::catalogue::change_actions() {
        let finding = check_event(&event(action.name, json!({})), ChangeOptions::default())
            .unwrap_or_else(|| panic!("{} is a change", action.name));
        assert!(!finding.title.is_empty());
        assert!(
            !finding.title.contains("does not know"),
            "{}: {}",
            action.name,
            finding.title
        );
        assert_eq!(details(&finding)["read_only"], json!(false));
    }
}

#[test]
fn unknown_guardduty_writes_are_reported_reads_are_not() {
    let (severity, title) = verdict("CreateShinyNewThing", json!({}));
    assert_eq!(severity, Severity::Low);
    assert_eq!(
        title,
        "GuardDuty CreateShinyNewThing called in eu-west-1 (an API gdaudit's catalogue does not know yet)"
    );

    let read = event("GetDetector", json!({"detectorId": "d1"}));
    assert_eq!(check_event(&read, ChangeOptions::default()), None);
    let with_reads = ChangeOptions {
        include_read_only: true,
        ..ChangeOptions::default()
    };
    let finding = check_event(&read, with_reads).unwrap();
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(
        finding.title,
        "GuardDuty call GetDetector in eu-west-1 (read-only)"
    );
    let odd = Event::from_value(
        &json!({"eventName": "ModifyInstanceAttributes", "eventSource": GUARDDUTY_SOURCE}),
    )
    .unwrap();
    assert_eq!(
        check_event(&odd, ChangeOptions::default()),
        None,
        "unknown and not marked readOnly false"
    );
    assert_eq!(
        check_event(&odd, with_reads).map(|f| f.title).as_deref(),
        Some("GuardDuty call ModifyInstanceAttributes (not known to change GuardDuty)")
    );
    assert_eq!(details(&finding)["read_only"], json!(true));

    let mut other = record("DeleteDetector", json!({}));
    other["eventSource"] = json!("ec2.amazonaws.com");
    assert_eq!(
        check_event(&Event::from_value(&other).unwrap(), with_reads),
        None
    );
}

#[test]
fn a_failed_call_keeps_its_severity_and_says_it_failed() {
    let mut failed = record("DeleteDetector", json!({"detectorId": "d1"}));
    failed["errorCode"] = json!("AccessDenied");
    failed["errorMessage"] = json!("User is not authorized to perform guardduty:DeleteDetector");
    let finding = check_event(
        &Event::from_value(&failed).unwrap(),
        ChangeOptions::default(),
    )
    .unwrap();
    assert_eq!(finding.severity, Severity::Critical);
    assert_eq!(
        finding.title,
        "Failed attempt (AccessDenied): GuardDuty turned off in eu-west-1 (detector d1 deleted, with its findings)"
    );
    assert_eq!(details(&finding)["outcome"], json!("failed"));
    assert_eq!(details(&finding)["error_code"], json!("AccessDenied"));
    assert_eq!(
        details(&finding)["meaning"],
        json!("GuardDuty turned off in eu-west-1 (detector d1 deleted, with its findings)")
    );
}

#[test]
fn the_finding_carries_who_what_where() {
    let record = record(
        "CreateIPSet",
        json!({"detectorId": "d1", "name": "office", "activate": true}),
    );
    let mut with_response = record.clone();
    with_response["responseElements"] = json!({"ipSetId": "ip-42"});
    let event = Event::from_value(&with_response)
        .unwrap()
        .with_raw(with_response.clone());
    let finding = check_event(&event, ChangeOptions::default()).unwrap();
    assert_eq!(finding.check, CheckId::GuardDutyConfigChange);
    assert_eq!(finding.account.as_deref(), Some("111122223333"));
    assert_eq!(finding.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        finding.resource, "ip-42",
        "the created set's id, from the response"
    );
    assert_eq!(
        finding.fingerprint,
        fingerprint(
            CheckId::GuardDutyConfigChange,
            Some("111122223333"),
            Some("eu-west-1"),
            "id-CreateIPSet",
            ""
        )
    );
    assert!(
        finding.remediation.starts_with("Check the list's contents"),
        "{}",
        finding.remediation
    );
    assert_eq!(
        details(&finding),
        json!({
            "event_time": "2024-05-01T12:00:00Z",
            "event_name": "CreateIPSet",
            "event_id": "id-CreateIPSet",
            "outcome": "succeeded",
            "error_code": null,
            "error_message": null,
            "actor": {
                "type": "AssumedRole",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/mallory",
                "role": "Admin",
                "session": "mallory",
                "account": "111122223333",
                "invoked_by": null
            },
            "source_ip": "203.0.113.7",
            "user_agent": "aws-cli/2.17.60",
            "meaning": "Trusted IP list 'office' created and activated in eu-west-1: matching traffic no longer raises findings",
            "read_only": false
        }),
        "no raw record unless asked for"
    );
    let raw = ChangeOptions {
        include_raw: true,
        ..ChangeOptions::default()
    };
    let finding = check_event(&event, raw).unwrap();
    assert_eq!(details(&finding)["raw"], with_response);
}

#[test]
fn request_values_are_kept_to_one_line() {
    let (_, title) = verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": format!("a\u{1b}[31mred\n{}", "x".repeat(300)), "action": "ARCHIVE"}),
    );
    assert!(
        !title.contains('\n') && !title.contains('\u{1b}'),
        "{title}"
    );
    assert!(title.chars().count() < 250, "{title}");
}

#[test]
fn a_rule_that_can_archive_high_findings_is_critical_and_says_what_it_hides() {
    assert_verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": "cut-the-noise", "action": "ARCHIVE",
               "findingCriteria": {"criterion": {"severity": {"greaterThanOrEqual": 7}}}}),
        Severity::Critical,
        "Suppression rule 'cut-the-noise' created in eu-west-1: it can archive High findings, Critical findings and attack sequences (severity >= 7)",
    );
    // Wildcard criteria (since 2025-12) pin nothing: a rule on `i-*` archives everything.
    assert_verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": "all-instances", "action": "ARCHIVE",
               "findingCriteria": {"criterion": {
                   "resource.instanceDetails.instanceId": {"matches": ["i-*"]},
                   "type": {"matches": ["Recon:*"]}}}}),
        Severity::Critical,
        "Suppression rule 'all-instances' created in eu-west-1: it can archive High findings and Critical findings (severity any (no severity criterion), wildcard criteria)",
    );
    // The criteria alone changed, to reach 7 and up: what the rule hides grew.
    assert_verdict(
        "UpdateFilter",
        json!({"detectorId": "d1", "filterName": "quiet",
               "findingCriteria": {"criterion": {"severity": {"gte": 4, "lt": 9}}}}),
        Severity::High,
        "Findings filter 'quiet' criteria changed in eu-west-1: if it archives, it can now hide High findings (severity >= 4 and < 9)",
    );
    // Pinned to one instance with no severity bound: a narrow rule, as before.
    assert_verdict(
        "CreateFilter",
        json!({"detectorId": "d1", "name": "scanner", "action": "ARCHIVE",
               "findingCriteria": {"criterion": {
                   "resource.instanceDetails.instanceId": {"eq": ["i-0abc"]}}}}),
        Severity::High,
        "Suppression rule 'scanner' created in eu-west-1: matching findings are archived automatically",
    );
}

#[test]
fn malware_protection_plan_changes_say_what_is_no_longer_scanned() {
    assert_verdict(
        "CreateMalwareProtectionPlan",
        json!({"role": "arn:aws:iam::1:role/scan",
               "protectedResource": {"s3Bucket": {"bucketName": "uploads"}}}),
        Severity::Low,
        "Malware protection plan created for bucket uploads in eu-west-1: uploads are scanned",
    );
    assert_verdict(
        "UpdateMalwareProtectionPlan",
        json!({"malwareProtectionPlanId": "p1",
               "protectedResource": {"s3Bucket": {"objectPrefixes": ["public/"]}},
               "actions": {"tagging": {"status": "DISABLED"}}}),
        Severity::High,
        "Malware protection plan p1 changed in eu-west-1: now scans only 1 object prefix, scan results no longer tag objects",
    );
    assert_verdict(
        "UpdateMalwareProtectionPlan",
        json!({"malwareProtectionPlanId": "p1", "role": "arn:aws:iam::1:role/other"}),
        Severity::Medium,
        "Malware protection plan p1 changed in eu-west-1: its IAM role changed",
    );
}

#[test]
fn turning_ai_protection_off_is_named_from_the_plans_table() {
    let (severity, title) = verdict(
        "UpdateDetector",
        json!({"detectorId": "d1", "features": [{"name": "AI_PROTECTION", "status": "DISABLED"}]}),
    );
    assert_eq!(severity, Severity::High, "{title}");
    assert!(title.contains("AI Protection (AI_PROTECTION)"), "{title}");
}
