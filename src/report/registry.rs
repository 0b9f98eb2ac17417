//! The registry: every check gdaudit has, with its stable id, default severity, title and
//! remediation. A check is an enum variant, so a finding can only name a registered check,
//! and adding one makes the compiler ask for its entry here.

use serde::Serialize;

use super::finding::Severity;

/// What a check is, for the docs, SARIF rules and the `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable kebab-case id; also the anchor of its section in docs/checks.md.
    pub id: &'static str,
    /// The severity its findings have, or for a check whose findings carry their own
    /// (`guardduty-config-change`, `non-privileged-write-access`), the highest they reach.
    pub severity: Severity,
    pub title: &'static str,
    pub remediation: &'static str,
}

impl CheckInfo {
    /// Link to the check's section in the documentation.
    pub fn docs_url(&self) -> String {
        format!("{}#{}", DOCS_CHECKS_URL, self.id)
    }
}

/// Where docs/checks.md is published.
pub const DOCS_CHECKS_URL: &str = "docs/checks.md";

/// A registered check. Serialized as its kebab-case id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    DetectorMissing,
    DetectorSuspended,
    S3ProtectionOff,
    EksAuditLogsOff,
    EksRuntimeMonitoringOff,
    RuntimeMonitoringOff,
    EcsRuntimeMonitoringOff,
    Ec2RuntimeMonitoringOff,
    MalwareProtectionOff,
    RdsProtectionOff,
    LambdaProtectionOff,
    NotCentrallyManaged,
    MemberNotEnabled,
    FindingFrequencySixHours,
    GuardDutyConfigChange,
    NonPrivilegedWriteAccess,
    IndirectWriteAccess,
    OrgAccountNotMember,
    OrgMemberNotEnabled,
    OrgAutoEnableNone,
    OrgAutoEnableNew,
    OrgFeatureAutoEnableWeaker,
    OrgAdministratorMissing,
    OrgAdministratorDiffers,
    RuntimeCoverageUnhealthy,
    SuppressionRuleHidesHigh,
    TrustedListActive,
    TrustedListTooBroad,
    ThreatListNotActive,
    PublishingDestinationUnhealthy,
    MalwareProtectionPlanUnhealthy,
    FindingsUnhandled,
    AiProtectionOff,
    GuardDutyResourceUntagged,
    RuntimeTelemetryBlocked,
}

impl CheckId {
    /// Every check, in the order the docs list them.
    pub const ALL: &[CheckId] = &[
        CheckId::DetectorMissing,
        CheckId::DetectorSuspended,
        CheckId::S3ProtectionOff,
        CheckId::EksAuditLogsOff,
        CheckId::EksRuntimeMonitoringOff,
        CheckId::RuntimeMonitoringOff,
        CheckId::EcsRuntimeMonitoringOff,
        CheckId::Ec2RuntimeMonitoringOff,
        CheckId::MalwareProtectionOff,
        CheckId::RdsProtectionOff,
        CheckId::LambdaProtectionOff,
        CheckId::NotCentrallyManaged,
        CheckId::MemberNotEnabled,
        CheckId::FindingFrequencySixHours,
        CheckId::GuardDutyConfigChange,
        CheckId::NonPrivilegedWriteAccess,
        CheckId::IndirectWriteAccess,
        CheckId::OrgAccountNotMember,
        CheckId::OrgMemberNotEnabled,
        CheckId::OrgAutoEnableNone,
        CheckId::OrgAutoEnableNew,
        CheckId::OrgFeatureAutoEnableWeaker,
        CheckId::OrgAdministratorMissing,
        CheckId::OrgAdministratorDiffers,
        CheckId::RuntimeCoverageUnhealthy,
        CheckId::SuppressionRuleHidesHigh,
        CheckId::TrustedListActive,
        CheckId::TrustedListTooBroad,
        CheckId::ThreatListNotActive,
        CheckId::PublishingDestinationUnhealthy,
        CheckId::MalwareProtectionPlanUnhealthy,
        CheckId::FindingsUnhandled,
        CheckId::AiProtectionOff,
        CheckId::GuardDutyResourceUntagged,
        CheckId::RuntimeTelemetryBlocked,
    ];

    /// The check's id, severity, title and remediation.
    pub fn info(self) -> &'static CheckInfo {
        match self {
            CheckId::DetectorMissing => &CheckInfo {
                id: "detector-missing",
                severity: Severity::High,
                title: "No GuardDuty detector in an enabled region",
                remediation: "Create and enable a detector in the region: `aws guardduty create-detector --enable --region REGION` \
                  (or enable GuardDuty for the organization from the delegated administrator).",
            },
            CheckId::DetectorSuspended => &CheckInfo {
                id: "detector-suspended",
                severity: Severity::High,
                title: "GuardDuty detector is suspended",
                remediation: "Re-enable it: `aws guardduty update-detector --detector-id ID --enable --region REGION`.",
            },
            CheckId::S3ProtectionOff => &CheckInfo {
                id: "s3-protection-off",
                severity: Severity::High,
                title: "S3 Protection is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"S3_DATA_EVENTS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.10).",
            },
            CheckId::EksAuditLogsOff => &CheckInfo {
                id: "eks-audit-logs-off",
                severity: Severity::High,
                title: "EKS Audit Log Monitoring is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"EKS_AUDIT_LOGS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.5).",
            },
            CheckId::EksRuntimeMonitoringOff => &CheckInfo {
                id: "eks-runtime-monitoring-off",
                severity: Severity::High,
                title: "EKS Runtime Monitoring with automated agent management is off",
                remediation: "Enable Runtime Monitoring with EKS add-on management: `aws guardduty update-detector --detector-id ID --features \
                  '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"EKS_ADDON_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'` \
                  (Security Hub GuardDuty.7).",
            },
            CheckId::RuntimeMonitoringOff => &CheckInfo {
                id: "runtime-monitoring-off",
                severity: Severity::High,
                title: "Runtime Monitoring is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.11).",
            },
            CheckId::EcsRuntimeMonitoringOff => &CheckInfo {
                id: "ecs-runtime-monitoring-off",
                severity: Severity::Medium,
                title: "ECS (Fargate) Runtime Monitoring agent management is off",
                remediation: "Enable ECS_FARGATE_AGENT_MANAGEMENT under RUNTIME_MONITORING with `aws guardduty update-detector` \
                  (Security Hub GuardDuty.12).",
            },
            CheckId::Ec2RuntimeMonitoringOff => &CheckInfo {
                id: "ec2-runtime-monitoring-off",
                severity: Severity::Medium,
                title: "EC2 Runtime Monitoring agent management is off",
                remediation: "Enable EC2_AGENT_MANAGEMENT under RUNTIME_MONITORING with `aws guardduty update-detector` \
                  (Security Hub GuardDuty.13).",
            },
            CheckId::MalwareProtectionOff => &CheckInfo {
                id: "malware-protection-off",
                severity: Severity::High,
                title: "Malware Protection for EC2 is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"EBS_MALWARE_PROTECTION\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.8).",
            },
            CheckId::RdsProtectionOff => &CheckInfo {
                id: "rds-protection-off",
                severity: Severity::High,
                title: "RDS Protection is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"RDS_LOGIN_EVENTS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.9).",
            },
            CheckId::LambdaProtectionOff => &CheckInfo {
                id: "lambda-protection-off",
                severity: Severity::High,
                title: "Lambda Protection is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"LAMBDA_NETWORK_LOGS\",\"Status\":\"ENABLED\"}]'` \
                  (Security Hub GuardDuty.6).",
            },
            CheckId::NotCentrallyManaged => &CheckInfo {
                id: "not-centrally-managed",
                severity: Severity::Low,
                title: "GuardDuty is not centrally managed (no administrator account and no members)",
                remediation: "Designate a delegated GuardDuty administrator for the organization \
                  (`aws guardduty enable-organization-admin-account --admin-account-id ID`) and add this account as a member.",
            },
            CheckId::MemberNotEnabled => &CheckInfo {
                id: "member-not-enabled",
                severity: Severity::Medium,
                title: "A member account's relationship is not Enabled",
                remediation: "From the administrator, re-invite or re-associate the member (`aws guardduty create-members` / \
                  `start-monitoring-members`), or enable auto-enable for organization members.",
            },
            CheckId::FindingFrequencySixHours => &CheckInfo {
                id: "finding-frequency-six-hours",
                severity: Severity::Info,
                title: "Updated findings are published only every six hours",
                remediation: "`aws guardduty update-detector --detector-id ID --finding-publishing-frequency FIFTEEN_MINUTES`.",
            },
            CheckId::GuardDutyConfigChange => &CheckInfo {
                id: "guardduty-config-change",
                severity: Severity::Critical,
                title: "GuardDuty configuration changed",
                remediation: "Confirm the change was approved (ticket, pipeline run, the actor's other activity). If it was not: \
                  revert it, revoke the actor's credentials, and deny the action with an SCP outside a break-glass role.",
            },
            CheckId::NonPrivilegedWriteAccess => &CheckInfo {
                id: "non-privileged-write-access",
                severity: Severity::High,
                title: "A non-privileged user or role can change GuardDuty",
                remediation: "Remove the GuardDuty write actions from the policies listed in `granted_by` (or deny them, \
                  or cap them with a permissions boundary), keeping them only for the security team's roles; \
                  if this principal is meant to manage GuardDuty, pass its ARN with `--privileged`. \
                  `gdaudit permissions explain PRINCIPAL` shows every statement involved.",
            },
            CheckId::IndirectWriteAccess => &CheckInfo {
                id: "indirect-write-access",
                severity: Severity::High,
                title: "A non-privileged user or role can become able to change GuardDuty",
                remediation: "Break the first step of `details.path`: narrow the `sts:AssumeRole` grant or the role's trust \
                  policy, remove the IAM write (attach/put policy, create policy version, add to group, create access key, \
                  update trust policy) or the `iam:PassRole`, or cap them with a permissions boundary or an SCP. \
                  `gdaudit permissions explain PRINCIPAL` prints the path with every statement on it.",
            },
            CheckId::OrgAccountNotMember => &CheckInfo {
                id: "org-account-not-member",
                severity: Severity::High,
                title: "An active organization account is not a GuardDuty member",
                remediation: "From the delegated administrator, add the account as a member \
                              (`aws guardduty create-members --detector-id ID --account-details AccountId=ACCOUNT`) \
                              in every region, and set auto-enable to ALL so every account is covered \
                              (`aws guardduty update-organization-configuration --auto-enable-organization-members ALL`).",
            },
            CheckId::OrgMemberNotEnabled => &CheckInfo {
                id: "org-member-not-enabled",
                severity: Severity::High,
                title: "A member account is not Enabled (invited, removed, resigned or suspended)",
                remediation: "From the delegated administrator, enable the member again \
                              (`aws guardduty create-members` for organization accounts, then \
                              `aws guardduty start-monitoring-members --account-ids ACCOUNT`); a suspended \
                              member fails Security Hub's GuardDuty controls until it is monitored or disassociated.",
            },
            CheckId::OrgAutoEnableNone => &CheckInfo {
                id: "org-auto-enable-none",
                severity: Severity::High,
                title: "GuardDuty is not auto-enabled for organization members",
                remediation: "`aws guardduty update-organization-configuration --detector-id ID \
                              --auto-enable-organization-members ALL` in every region (from the delegated administrator).",
            },
            CheckId::OrgAutoEnableNew => &CheckInfo {
                id: "org-auto-enable-new",
                severity: Severity::Medium,
                title: "GuardDuty is auto-enabled only for new organization members",
                remediation: "Set `--auto-enable-organization-members ALL` so accounts that joined before are \
                              covered too: `aws guardduty update-organization-configuration --detector-id ID \
                              --auto-enable-organization-members ALL`.",
            },
            CheckId::OrgFeatureAutoEnableWeaker => &CheckInfo {
                id: "org-feature-auto-enable-weaker",
                severity: Severity::Medium,
                title: "A protection plan is auto-enabled for fewer accounts than GuardDuty itself",
                remediation: "Raise the plan's organization auto-enable to match: \
                              `aws guardduty update-organization-configuration --detector-id ID --features \
                              '[{\"Name\":\"FEATURE\",\"AutoEnable\":\"ALL\"}]'`.",
            },
            CheckId::OrgAdministratorMissing => &CheckInfo {
                id: "org-administrator-missing",
                severity: Severity::High,
                title: "No GuardDuty delegated administrator in a region",
                remediation: "From the management account: `aws guardduty enable-organization-admin-account \
                              --admin-account-id ACCOUNT --region REGION` (the same account in every region).",
            },
            CheckId::OrgAdministratorDiffers => &CheckInfo {
                id: "org-administrator-differs",
                severity: Severity::High,
                title: "The GuardDuty delegated administrator differs between regions",
                remediation: "Use one delegated administrator in every region: from the management account, \
                              `aws guardduty disable-organization-admin-account` where it differs, then \
                              `enable-organization-admin-account --admin-account-id ACCOUNT`.",
            },
            CheckId::RuntimeCoverageUnhealthy => &CheckInfo {
                id: "runtime-coverage-unhealthy",
                severity: Severity::Medium,
                title: "Runtime Monitoring coverage is unhealthy for some resources",
                remediation: "List them with `aws guardduty list-coverage --filter-criteria \
                              '{\"FilterCriterion\":[{\"CriterionKey\":\"COVERAGE_STATUS\",\"FilterCondition\":{\"Equals\":[\"UNHEALTHY\"]}}]}'` \
                              and fix what each names (agent not installed, VPC endpoint missing, SCP denying \
                              guardduty:SendSecurityTelemetry).",
            },
            CheckId::SuppressionRuleHidesHigh => &CheckInfo {
                id: "suppression-rule-hides-high",
                severity: Severity::Critical,
                title: "A suppression rule can archive High or Critical findings",
                remediation: "Narrow the rule so it cannot match severity 7 or above (add `severity` `lt 7`) and pins what it suppresses \
                  (an instance, a bucket, an IP), or delete it: `aws guardduty delete-filter --detector-id ID --filter-name NAME`. \
                  Findings it already archived are still there: `aws guardduty list-findings --finding-criteria '{\"Criterion\":{\"service.archived\":{\"Eq\":[\"true\"]}}}'`.",
            },
            CheckId::TrustedListActive => &CheckInfo {
                id: "trusted-list-active",
                severity: Severity::Medium,
                title: "A trusted IP list or entity set is active: activity from it raises no findings",
                remediation: "Check that every entry of the list (its S3 location is in the details) is an address you own and still use, \
                  that only the security team can write that S3 object, and deactivate lists you no longer need: \
                  `aws guardduty update-ip-set --detector-id ID --ip-set-id LIST --no-activate`.",
            },
            CheckId::TrustedListTooBroad => &CheckInfo {
                id: "trusted-list-too-broad",
                severity: Severity::High,
                title: "An active trusted list trusts a very broad range (read with --read-lists)",
                remediation: "Replace the broad entries (named in the details) by the addresses you actually trust, upload the list again \
                  and reactivate it: `aws guardduty update-ip-set --detector-id ID --ip-set-id LIST --location s3://BUCKET/KEY --activate` \
                  (`update-trusted-entity-set` for an entity set).",
            },
            CheckId::ThreatListNotActive => &CheckInfo {
                id: "threat-list-not-active",
                severity: Severity::Medium,
                title: "A threat list is not active (ERROR, INACTIVE or DEACTIVATING)",
                remediation: "For ERROR, make the S3 object readable by GuardDuty's service-linked role and in a supported format, then \
                  reactivate it: `aws guardduty update-threat-intel-set --detector-id ID --threat-intel-set-id LIST --activate`; \
                  delete lists no longer wanted.",
            },
            CheckId::PublishingDestinationUnhealthy => &CheckInfo {
                id: "publishing-destination-unhealthy",
                severity: Severity::High,
                title: "Findings export is not publishing (or has no KMS key)",
                remediation: "Fix what the status names (bucket policy, KMS key policy granting guardduty.amazonaws.com, the bucket or key \
                  deleted), then `aws guardduty describe-publishing-destination --detector-id ID --destination-id DEST` must say PUBLISHING. \
                  Findings from the gap are still in GuardDuty for 90 days: export them now.",
            },
            CheckId::MalwareProtectionPlanUnhealthy => &CheckInfo {
                id: "malware-protection-plan-unhealthy",
                severity: Severity::High,
                title: "A Malware Protection for S3 plan is not ACTIVE",
                remediation: "Fix what the status reasons name (usually the plan's IAM role: its trust policy or its S3, KMS and EventBridge \
                  permissions), then `aws guardduty get-malware-protection-plan --malware-protection-plan-id ID` must say ACTIVE.",
            },
            CheckId::FindingsUnhandled => &CheckInfo {
                id: "findings-unhandled",
                severity: Severity::Critical,
                title: "Findings left unhandled: unarchived past the age threshold of their severity",
                remediation: "Triage the findings (`aws guardduty list-findings` with the criteria in the details), then remediate and \
                  archive them, or tune with a narrow suppression rule. Thresholds: `[detectors] finding-age-days` in gdaudit.toml.",
            },
            CheckId::AiProtectionOff => &CheckInfo {
                id: "ai-protection-off",
                severity: Severity::Medium,
                title: "AI Protection is off",
                remediation: "`aws guardduty update-detector --detector-id ID --features '[{\"Name\":\"AI_PROTECTION\",\"Status\":\"ENABLED\"}]'`.",
            },
            CheckId::RuntimeTelemetryBlocked => &CheckInfo {
                id: "runtime-telemetry-blocked",
                severity: Severity::High,
                title: "Service control policies stop the Runtime Monitoring agent from reporting",
                remediation: "Exempt `guardduty:SendSecurityTelemetry` from the SCP statement named in the details (or allow it at \
                  that level); the agents then report again, and `aws guardduty list-coverage` shows them healthy.",
            },
            CheckId::GuardDutyResourceUntagged => &CheckInfo {
                id: "guardduty-resource-untagged",
                severity: Severity::Low,
                title: "A GuardDuty detector, filter or IP set lacks a required tag",
                remediation: "`aws guardduty tag-resource --resource-arn ARN --tags KEY=VALUE` (Security Hub GuardDuty.2, GuardDuty.3, GuardDuty.4).",
            },
        }
    }

    /// The stable kebab-case id.
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// Looks a check up by its id.
    pub fn from_id(id: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|c| c.as_str() == id)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn check_ids_are_unique_kebab_case_and_documented() {
        let docs = include_str!("../../docs/checks.md");
        let mut seen = HashSet::new();
        for check in CheckId::ALL {
            let info = check.info();
            assert!(seen.insert(info.id), "duplicate check id {}", info.id);
            assert!(
                info.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                info.id
            );
            assert!(
                docs.contains(&format!("## `{}`", info.id)),
                "docs/checks.md has no section for {}",
                info.id
            );
            assert!(!info.remediation.is_empty());
            assert_eq!(CheckId::from_id(info.id), Some(*check));
        }
    }
}
