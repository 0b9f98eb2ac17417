//! The catalogue of GuardDuty's IAM actions and resource types, generated from `data/`.
//!
//! One place for the facts every command shares: which actions change GuardDuty
//! (access level Write or Tagging), and which resource types each acts on.

mod generated;

pub use generated::{ACTIONS, RESOURCE_TYPES};

/// An IAM access level as the Service Authorization Reference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    Tagging,
}

impl AccessLevel {
    /// Write and Tagging actions change GuardDuty's configuration or its findings.
    pub fn is_change(self) -> bool {
        matches!(self, AccessLevel::Write | AccessLevel::Tagging)
    }
}

/// One action of the `guardduty` service prefix.
#[derive(Debug, Clone, Copy)]
pub struct ActionInfo {
    /// The action name without the service prefix, e.g. `DeleteDetector`.
    pub name: &'static str,
    pub access: AccessLevel,
    /// Resource types the action acts on, and whether each is required.
    /// Empty: the reference lists none, so the action takes `"Resource": "*"`.
    pub resource_types: &'static [(&'static str, bool)],
}

/// A GuardDuty resource type and its ARN format.
#[derive(Debug, Clone, Copy)]
pub struct ResourceTypeInfo {
    pub name: &'static str,
    pub arn_format: Option<&'static str>,
}

/// Looks an action up by name, case-insensitively, with or without the `guardduty:` prefix.
pub fn action(name: &str) -> Option<&'static ActionInfo> {
    let bare = name
        .strip_prefix("guardduty:")
        .or_else(|| name.strip_prefix("GuardDuty:"))
        .unwrap_or(name);
    ACTIONS.iter().find(|a| a.name.eq_ignore_ascii_case(bare))
}

/// The actions that change GuardDuty: access level Write or Tagging.
pub fn change_actions() -> impl Iterator<Item = &'static ActionInfo> {
    ACTIONS.iter().filter(|a| a.access.is_change())
}

/// Actions whose unconditional grant makes a finding high: they delete or disable detectors,
/// protection plans, members, detections or the findings export, or hide findings (trusted IP
/// and entity lists, suppression filters). Deleting a trusted list or a filter only brings
/// findings back, and adding a threat list or a member adds detection, so those stay medium.
pub const HIGH_RISK_ACTIONS: &[&str] = &[
    // Detectors and their features.
    "DeleteDetector",
    "UpdateDetector",
    "UpdateMalwareScanSettings",
    "DeleteMalwareProtectionPlan",
    "UpdateMalwareProtectionPlan",
    // Members and the organization.
    "UpdateMemberDetectors",
    "DeleteMembers",
    "DisassociateMembers",
    "StopMonitoringMembers",
    "DisassociateFromAdministratorAccount",
    "DisassociateFromMasterAccount",
    "DisableOrganizationAdminAccount",
    "UpdateOrganizationConfiguration",
    // The findings export.
    "DeletePublishingDestination",
    "UpdatePublishingDestination",
    // Hiding findings: trusted lists and suppression filters.
    "CreateIPSet",
    "UpdateIPSet",
    "CreateTrustedEntitySet",
    "UpdateTrustedEntitySet",
    "CreateFilter",
    "UpdateFilter",
    // Removing or neutering detections: threat lists and custom detection rules.
    "DeleteThreatIntelSet",
    "UpdateThreatIntelSet",
    "DeleteThreatEntitySet",
    "UpdateThreatEntitySet",
    "DeleteCustomDetectionRuleAssociation",
    "UpdateCustomDetectionRuleAssociation",
    "DeleteCustomDetectionRuleOrgConfiguration",
    "UpdateCustomDetectionRuleOrgConfiguration",
];

/// True for an action (with or without `guardduty:`) in [`HIGH_RISK_ACTIONS`].
pub fn is_high_risk(action: &str) -> bool {
    let bare = action.strip_prefix("guardduty:").unwrap_or(action);
    HIGH_RISK_ACTIONS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_reference() {
        assert_eq!(ACTIONS.len(), 103);
        assert_eq!(change_actions().count(), 57);
    }

    #[test]
    fn generated_file_matches_the_csv() {
        let csv = include_str!("../../data/guardduty-iam-actions.csv");
        let mut rows = 0;
        for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            rows += 1;
            let mut cells = line.splitn(3, ',');
            let name = cells.next().unwrap_or_default();
            let level = cells.next().unwrap_or_default();
            let info =
                action(name).unwrap_or_else(|| panic!("{name} missing: run scripts/gen-catalogue"));
            assert_eq!(
                format!("{:?}", info.access),
                level,
                "{name}: run scripts/gen-catalogue"
            );
            let types: Vec<String> = info
                .resource_types
                .iter()
                .map(|(t, req)| format!("{t}{}", if *req { "*" } else { "" }))
                .collect();
            assert_eq!(
                types.join(";"),
                cells.next().unwrap_or_default(),
                "{name}: run scripts/gen-catalogue"
            );
        }
        assert_eq!(rows, ACTIONS.len(), "run scripts/gen-catalogue");
    }

    #[test]
    fn lookup_is_case_insensitive_and_prefix_tolerant() {
        assert_eq!(
            action("guardduty:deletedetector").map(|a| a.name),
            Some("DeleteDetector")
        );
        assert_eq!(
            action("ListDetectors").map(|a| a.access),
            Some(AccessLevel::List)
        );
        assert!(action("guardduty:Nope").is_none());
    }
}
