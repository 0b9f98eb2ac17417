//! The AWS managed policies (iann0036/iam-dataset, 1,641 policies): which grant GuardDuty
//! change actions. Each policy is attached alone to its own role and the account judged whole.

use std::io::Read;

use super::*;

const DATASET: &[u8] =
    include_bytes!("../../../tests/fixtures/iam/managed_policies_compact.json.gz");

/// One role per managed policy; returns the account and the policy names in role order.
fn dataset_account() -> (AuthorizationDetails, Vec<String>) {
    let mut text = String::new();
    flate2::read::GzDecoder::new(DATASET)
        .read_to_string(&mut text)
        .unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut details = AuthorizationDetails::default();
    let mut names = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let name = entry["name"].as_str().unwrap().to_owned();
        // Deprecated policies have no ARN in the dataset.
        let policy_arn = entry["arn"]
            .as_str()
            .map_or_else(|| format!("arn:aws:iam::aws:policy/{name}"), str::to_owned);
        details.policies.push(ManagedPolicyDetail {
            policy_name: name.clone(),
            arn: policy_arn.clone(),
            default_version_id: entry["version"].as_str().map(str::to_owned),
            policy_version_list: vec![PolicyVersion {
                document: PolicyDocument::from(&entry["document"]),
                version_id: entry["version"].as_str().unwrap_or("v1").to_owned(),
                is_default_version: true,
            }],
            ..ManagedPolicyDetail::default()
        });
        let mut r = role(&format!("r{i}"), &[]);
        r.attached_managed_policies = vec![AttachedPolicy {
            policy_name: name.clone(),
            policy_arn,
        }];
        details.roles.push(r);
        names.push(name);
    }
    (details, names)
}

#[test]
fn aws_managed_policies_that_grant_guardduty_writes() {
    let (details, names) = dataset_account();
    assert_eq!(names.len(), 1641);
    let eval = evaluate_default(&details);
    // The roles are only holders of the policies: they have no trust policies.
    let problems: Vec<&Problem> = eval
        .problems
        .iter()
        .filter(|p| p.kind != ProblemKind::MissingTrustPolicy)
        .collect();
    assert!(
        problems.is_empty(),
        "{:#?}",
        &problems[..problems.len().min(5)]
    );
    assert_eq!(eval.principals.len(), names.len());

    let held_by = |policy: &str| -> Vec<&'static str> {
        let i = names.iter().position(|n| n == policy).unwrap();
        held(&eval, &format!("r{i}"))
    };
    let granting: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !held(&eval, &format!("r{i}")).is_empty())
        .map(|(_, n)| n.as_str())
        .collect();
    let mut granting = granting;
    granting.sort_unstable();
    assert_eq!(
        granting,
        vec![
            "AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForScans",
            "AWSSecurityHubFullAccess",
            "AWSSecurityIncidentResponseTriageServiceRolePolicy",
            "AmazonDetectiveInvestigatorAccess",
            "AmazonGuardDutyFullAccess",
            "AmazonGuardDutyFullAccess_v2",
            "ResourceGroupsTaggingAPITagUntagSupportedResources",
        ]
    );

    for full in ["AmazonGuardDutyFullAccess", "AmazonGuardDutyFullAccess_v2"] {
        assert_eq!(held_by(full), all_actions(), "{full}");
        let i = names.iter().position(|n| n == full).unwrap();
        let p = principal(&eval, &format!("r{i}"));
        assert!(
            p.actions
                .iter()
                .all(|a| a.decision == Decision::Allowed && !a.resource_scoped)
        );
        assert_eq!(
            p.privileged, None,
            "GuardDuty full access is not administrator"
        );
    }
    for none in [
        "AmazonGuardDutyReadOnlyAccess",
        "SecurityAudit",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
    ] {
        assert!(held_by(none).is_empty(), "{none}");
    }
    assert_eq!(
        held_by("AWSSecurityHubFullAccess"),
        vec![
            "CreateDetector",
            "CreateMembers",
            "DeleteDetector",
            "EnableOrganizationAdminAccount",
            "UpdateDetector",
            "UpdateOrganizationConfiguration",
        ]
    );
    assert_eq!(
        held_by("AWSSecurityIncidentResponseTriageServiceRolePolicy"),
        vec![
            "ArchiveFindings",
            "CreateFilter",
            "StartMalwareScan",
            "UpdateFindingsFeedback"
        ]
    );
    assert_eq!(
        held_by("ResourceGroupsTaggingAPITagUntagSupportedResources"),
        vec!["TagResource", "UntagResource"]
    );
    assert_eq!(
        held_by("AWSBackupServiceRolePolicyForScans"),
        vec!["StartMalwareScan"]
    );

    // Detective scopes ArchiveFindings to detector ARNs, though the reference lists no resource
    // type for it: AWS authorizes that request against `*`, which the statement does not
    // match, so the policy grants nothing there.
    let i = names
        .iter()
        .position(|n| n == "AmazonDetectiveFullAccess")
        .unwrap();
    assert!(verdict(&eval, &format!("r{i}"), "ArchiveFindings").is_none());
}
