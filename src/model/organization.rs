//! What was read about an AWS Organization: its accounts and OU tree (Organizations), the
//! GuardDuty organization view per region from the delegated administrator, SCPs along each
//! account's OU chain, and (assume-role mode) each account's own detectors and IAM export.
//!
//! Plain data, part of the snapshot format (`Snapshot::organization`). Nothing here decides a
//! verdict. A call that failed is recorded where its data would be (per region, per account,
//! per OU), never dropped: `None` for data means "not read", and the matching `errors` say why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::IamData;
use super::detectors::{DataSources, Feature, RegionDetectors};
use super::regions::{CollectError, RegionOptStatus};

/// Everything collected for an organization run (`--org`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgData {
    /// `organizations:DescribeOrganization`; `None` when it failed (see `errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// `organizations:ListAccounts`, every page, with each account's place in the OU tree
    /// filled in from the tree walk. When ListAccounts failed (its error is in `errors`):
    /// the accounts the tree walk listed, or `None` when it listed none either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<OrgAccount>>,
    /// `organizations:ListRoots` (one root in practice).
    #[serde(default)]
    pub roots: Vec<OrgRoot>,
    /// Every OU reached by the tree walk (`ListOrganizationalUnitsForParent`), parents first.
    #[serde(default)]
    pub units: Vec<OrganizationalUnit>,
    /// Service control policies attached along each account's OU chain; `None` when not
    /// collected (only the assume-role mode collects them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scps: Option<ScpData>,
    /// Organizations calls that failed (ListAccounts, a page of the tree walk, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
    /// The GuardDuty organization view per region, read from the calling (delegated
    /// administrator or management) account. Empty when not collected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<OrgRegion>,
    /// Per-account audits through an assumed role (`--assume-role`); `None` when not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<Sweep>,
}

/// The organization itself (DescribeOrganization).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The management account (AWS still calls it `MasterAccountId`). Exempt from SCPs.
    pub management_account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_email: Option<String>,
    /// `ALL` or `CONSOLIDATED_BILLING` (SCPs need `ALL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_set: Option<String>,
}

/// An account's status in the organization (`Account.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

impl AccountStatus {
    /// From the API's spelling.
    pub fn parse(text: &str) -> AccountStatus {
        match text {
            "ACTIVE" => AccountStatus::Active,
            "SUSPENDED" => AccountStatus::Suspended,
            "PENDING_CLOSURE" => AccountStatus::PendingClosure,
            _ => AccountStatus::Unknown,
        }
    }
}

/// One account of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub status: AccountStatus,
    /// `INVITED` or `CREATED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_method: Option<String>,
    /// RFC 3339, UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<String>,
    /// The account's parents, root first, ending with the OU that holds it. `None` when the
    /// tree walk did not reach the account (a page of it failed: see `OrgData::errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<Vec<OuRef>>,
}

impl OrgAccount {
    /// The OU path as names, e.g. `Root/Workloads/Prod`; `None` when unknown.
    pub fn ou_path_names(&self) -> Option<String> {
        self.ou_path.as_ref().map(|path| {
            path.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("/")
        })
    }
}

/// A root or OU on an account's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OuRef {
    pub id: String,
    pub name: String,
}

/// A root of the organization (ListRoots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRoot {
    pub id: String,
    pub name: String,
    /// Policy types and their status on the root, e.g. `SERVICE_CONTROL_POLICY` -> `ENABLED`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policy_types: BTreeMap<String, String>,
}

/// An OU (ListOrganizationalUnitsForParent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

/// SCPs along the OU chains (ListPoliciesForTarget, DescribePolicy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScpData {
    /// Policy id -> the policy, each described once.
    #[serde(default)]
    pub policies: BTreeMap<String, ScpPolicy>,
    /// Target (root, OU or account id) -> the ids of the SCPs attached directly to it.
    /// A target whose list could not be read is absent here and named in `errors`.
    #[serde(default)]
    pub attached: BTreeMap<String, Vec<String>>,
    /// Calls that failed, with the target or policy in the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<TargetError>,
}

/// One SCP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScpPolicy {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aws_managed: bool,
    /// The policy document as JSON text; `None` when DescribePolicy failed (see errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// A call about one target (OU, account, policy, member) that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetError {
    /// The account, OU, root or policy id the call was about.
    pub target: String,
    pub error: CollectError,
}

impl OrgData {
    /// The targets whose SCPs apply to `account_id`, root first and the account last;
    /// `None` when the account's place in the tree is unknown. The management account is
    /// exempt from SCPs: that is for the assessment to apply, not hidden here.
    pub fn scp_chain(&self, account_id: &str) -> Option<Vec<String>> {
        let account = self
            .accounts
            .as_ref()?
            .iter()
            .find(|a| a.id == account_id)?;
        let path = account.ou_path.as_ref()?;
        let mut chain: Vec<String> = path.iter().map(|p| p.id.clone()).collect();
        chain.push(account.id.clone());
        Some(chain)
    }
}

// ---------------------------------------------------------------------------------------
// GuardDuty, from the delegated administrator

/// `AutoEnableOrganizationMembers`, or a feature's organization `AutoEnable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AutoEnable {
    /// Every account, existing and new.
    All,
    /// Only accounts that join from now on.
    New,
    None,
    /// A value this build does not know.
    #[serde(other)]
    Unknown,
}

impl AutoEnable {
    pub fn parse(text: &str) -> AutoEnable {
        match text {
            "ALL" => AutoEnable::All,
            "NEW" => AutoEnable::New,
            "NONE" => AutoEnable::None,
            _ => AutoEnable::Unknown,
        }
    }
}

/// The GuardDuty organization view in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRegion {
    pub region: String,
    pub opt_status: RegionOptStatus,
    /// The calling account's own detectors, administrator and members
    /// (ListDetectors, GetDetector, GetAdministratorAccount, ListMembers with
    /// OnlyAssociated=false, every page): exactly what `gdaudit detectors` reads.
    pub own: RegionDetectors,
    /// `ListOrganizationAdminAccounts`; `None` when it failed (AccessDenied outside the
    /// management account and the delegated admin: "could not check", see `errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_accounts: Option<Vec<OrgAdminAccount>>,
    /// `DescribeOrganizationConfiguration` (every page); `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<OrgConfiguration>,
    /// `GetMemberDetectors` for every member, in batches of 50; `None` when not read (no
    /// detector, or ListMembers failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_detectors: Option<Vec<MemberDetector>>,
    /// Accounts GetMemberDetectors returned as unprocessed, with AWS's reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unprocessed: Vec<UnprocessedAccount>,
    /// Members whose GetMemberDetectors batch failed as a whole, each with the error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_errors: Vec<TargetError>,
    /// `GetCoverageStatistics` for Runtime Monitoring; `None` when that plan is off
    /// everywhere in the region or the call failed (see `errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageStatistics>,
    /// Organization calls in this region that failed (the own-detector calls' errors are in
    /// `own.errors`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CollectError>,
}

/// One entry of ListOrganizationAdminAccounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAdminAccount {
    pub account_id: String,
    /// `ENABLED` or `DISABLE_IN_PROGRESS`.
    pub status: String,
}

/// DescribeOrganizationConfiguration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgConfiguration {
    /// `AutoEnableOrganizationMembers`; `None` when the response did not carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_members: Option<AutoEnable>,
    /// The legacy `AutoEnable` flag (deprecated by AWS in favour of the above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_legacy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_account_limit_reached: Option<bool>,
    /// Each feature's organization auto-enable and that of its additional configuration.
    #[serde(default)]
    pub features: Vec<OrgFeature>,
    /// The older `DataSources` auto-enable flags, where present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<OrgDataSources>,
}

/// A feature's organization-wide auto-enable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFeature {
    pub name: String,
    pub auto_enable: AutoEnable,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<OrgAdditionalConfiguration>,
}

/// An additional configuration's organization-wide auto-enable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAdditionalConfiguration {
    pub name: String,
    pub auto_enable: AutoEnable,
}

/// The older organization `DataSources` auto-enable flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDataSources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_logs: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_audit_logs: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_protection_ebs: Option<bool>,
}

/// One member's detector configuration (GetMemberDetectors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberDetector {
    pub account_id: String,
    #[serde(default)]
    pub features: Vec<Feature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<DataSources>,
}

/// An account GetMemberDetectors could not process, with the reason AWS gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnprocessedAccount {
    pub account_id: String,
    pub reason: String,
}

/// GetCoverageStatistics for Runtime Monitoring (counts over the whole organization).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageStatistics {
    /// `HEALTHY` / `UNHEALTHY` -> number of resources.
    #[serde(default)]
    pub by_status: BTreeMap<String, i64>,
    /// `EKS` / `ECS` / `EC2` -> number of resources.
    #[serde(default)]
    pub by_resource_type: BTreeMap<String, i64>,
}

// ---------------------------------------------------------------------------------------
// Assume-role sweep

/// Per-account audits through an assumed role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The role name or ARN template used (`{account_id}` stands for each account).
    pub role: String,
    /// Whether an external id was sent (the id itself is a secret and is not kept).
    #[serde(default)]
    pub external_id: bool,
    /// Every account swept, in the organization's order; none is ever left out.
    pub accounts: Vec<AssumedAccount>,
}

/// One account of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssumedAccount {
    pub account_id: String,
    /// Whether the role could be assumed; with an error, nothing else was read.
    pub assumed: Assumed,
    /// The account's detectors per region (as `gdaudit detectors` reads them); `None`
    /// when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectors: Option<Vec<RegionDetectors>>,
    /// The account's IAM export; `None` when not requested or not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam: Option<IamData>,
}

/// The outcome of sts:AssumeRole into one account: `"ok"` or `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assumed {
    Ok,
    Error(CollectError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorKind;

    #[test]
    fn assumed_serialises_as_ok_or_error() {
        assert_eq!(serde_json::to_value(Assumed::Ok).unwrap_or_default(), "ok");
        let error = Assumed::Error(CollectError {
            kind: ErrorKind::AccessDenied,
            operation: "sts:AssumeRole".into(),
            code: Some("AccessDenied".into()),
            message: "no".into(),
        });
        let value = serde_json::to_value(&error).unwrap_or_default();
        assert_eq!(value["error"]["kind"], "access-denied");
        let back: Assumed = serde_json::from_value(value).unwrap_or(Assumed::Ok);
        assert_eq!(back, error);
    }

    #[test]
    fn unknown_enum_values_do_not_break_reading() {
        let status: AccountStatus =
            serde_json::from_str("\"CLOSED\"").unwrap_or(AccountStatus::Active);
        assert_eq!(status, AccountStatus::Unknown);
        assert_eq!(AutoEnable::parse("NEW"), AutoEnable::New);
        assert_eq!(
            AccountStatus::parse("PENDING_CLOSURE"),
            AccountStatus::PendingClosure
        );
    }

    #[test]
    fn scp_chain_is_root_first_and_ends_with_the_account() {
        let data = OrgData {
            accounts: Some(vec![OrgAccount {
                id: "111111111111".into(),
                name: "a".into(),
                email: None,
                status: AccountStatus::Active,
                joined_method: None,
                joined_at: None,
                ou_path: Some(vec![
                    OuRef {
                        id: "r-1".into(),
                        name: "Root".into(),
                    },
                    OuRef {
                        id: "ou-1".into(),
                        name: "Prod".into(),
                    },
                ]),
            }]),
            ..OrgData::default()
        };
        assert_eq!(
            data.scp_chain("111111111111"),
            Some(vec!["r-1".into(), "ou-1".into(), "111111111111".into()])
        );
        assert_eq!(data.scp_chain("222222222222"), None);
        let names = data.accounts.as_ref().and_then(|a| a[0].ou_path_names());
        assert_eq!(names.as_deref(), Some("Root/Prod"));
    }
}
