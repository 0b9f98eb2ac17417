//! The protection plans: one table that the detector checks, the decoding of changes and
//! the docs all read. A plan's severity, title and remediation are its check's, in the
//! registry.

use crate::report::registry::CheckId;

/// How a plan's state is judged on a detector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The feature (and its additional configuration, if named) must be on.
    Feature,
    /// EKS runtime coverage: on when either RUNTIME_MONITORING or the legacy
    /// EKS_RUNTIME_MONITORING has EKS_ADDON_MANAGEMENT on (the first supersedes the second).
    EksRuntime,
    /// An agent-management setting of Runtime Monitoring: judged only once Runtime
    /// Monitoring itself is on (otherwise `runtime-monitoring-off` says it all).
    RuntimeAgent,
}

/// One protection plan as gdaudit checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub check: CheckId,
    /// The feature name in GetDetector's `Features` (and in UpdateDetector requests).
    pub feature: &'static str,
    /// An `AdditionalConfiguration` that must be on too.
    pub additional: Option<&'static str>,
    /// The Security Hub control that checks the same plan.
    pub security_hub: &'static str,
    /// The plan in the console's words, used when a change turns it off.
    pub words: &'static str,
    pub rule: Rule,
}

/// Every protection plan, in the order a detector's plans that are off are listed.
pub const PLANS: &[Plan] = &[
    Plan {
        check: CheckId::S3ProtectionOff,
        feature: "S3_DATA_EVENTS",
        additional: None,
        security_hub: "GuardDuty.10",
        words: "S3 Protection",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::EksAuditLogsOff,
        feature: "EKS_AUDIT_LOGS",
        additional: None,
        security_hub: "GuardDuty.5",
        words: "EKS Audit Log Monitoring",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::MalwareProtectionOff,
        feature: "EBS_MALWARE_PROTECTION",
        additional: None,
        security_hub: "GuardDuty.8",
        words: "Malware Protection for EC2",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::RdsProtectionOff,
        feature: "RDS_LOGIN_EVENTS",
        additional: None,
        security_hub: "GuardDuty.9",
        words: "RDS Protection",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::LambdaProtectionOff,
        feature: "LAMBDA_NETWORK_LOGS",
        additional: None,
        security_hub: "GuardDuty.6",
        words: "Lambda Protection",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::RuntimeMonitoringOff,
        feature: "RUNTIME_MONITORING",
        additional: None,
        security_hub: "GuardDuty.11",
        words: "Runtime Monitoring",
        rule: Rule::Feature,
    },
    Plan {
        check: CheckId::EksRuntimeMonitoringOff,
        feature: "EKS_RUNTIME_MONITORING",
        additional: Some("EKS_ADDON_MANAGEMENT"),
        security_hub: "GuardDuty.7",
        words: "EKS Runtime Monitoring",
        rule: Rule::EksRuntime,
    },
    Plan {
        check: CheckId::EcsRuntimeMonitoringOff,
        feature: "RUNTIME_MONITORING",
        additional: Some("ECS_FARGATE_AGENT_MANAGEMENT"),
        security_hub: "GuardDuty.12",
        words: "ECS Fargate agent management",
        rule: Rule::RuntimeAgent,
    },
    Plan {
        check: CheckId::Ec2RuntimeMonitoringOff,
        feature: "RUNTIME_MONITORING",
        additional: Some("EC2_AGENT_MANAGEMENT"),
        security_hub: "GuardDuty.13",
        words: "EC2 agent management",
        rule: Rule::RuntimeAgent,
    },
    // GA 2026-07; judged only where GetDetector reports it (no finding in regions or
    // responses that predate it). No Security Hub control checks it yet.
    Plan {
        check: CheckId::AiProtectionOff,
        feature: "AI_PROTECTION",
        additional: None,
        security_hub: "no Security Hub control",
        words: "AI Protection",
        rule: Rule::Feature,
    },
];

/// The plan a feature name (without additional configuration) stands for.
pub fn by_feature(feature: &str) -> Option<&'static Plan> {
    PLANS
        .iter()
        .find(|p| p.feature == feature && (p.additional.is_none() || p.rule == Rule::EksRuntime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_check_is_documented_with_its_security_hub_control() {
        let docs = include_str!("../../docs/checks.md");
        for plan in PLANS {
            let id = plan.check.as_str();
            let start = docs
                .find(&format!("## `{id}`"))
                .unwrap_or_else(|| panic!("docs/checks.md has no section for {id}"));
            let section = &docs[start..];
            let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 3);
            assert!(
                section[..end].contains(plan.security_hub),
                "the docs of {id} do not name {}",
                plan.security_hub
            );
        }
    }

    #[test]
    fn each_feature_names_one_plan() {
        assert_eq!(
            by_feature("RUNTIME_MONITORING").map(|p| p.check),
            Some(CheckId::RuntimeMonitoringOff)
        );
        assert_eq!(
            by_feature("EKS_RUNTIME_MONITORING").map(|p| p.check),
            Some(CheckId::EksRuntimeMonitoringOff)
        );
        assert_eq!(by_feature("CLOUD_TRAIL"), None);
    }
}
