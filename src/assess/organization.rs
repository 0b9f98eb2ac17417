//! The organization audit: is every active account of the AWS Organization a GuardDuty
//! member, enabled, with every protection plan on, in every region — and will an account
//! created tomorrow be covered? From the delegated administrator's organization view, or
//! from each account's own detectors (assume-role sweep).
//!
//! The result is one section: the accounts × regions coverage matrix as its inventory, the
//! organization-level findings, and every account, region or call that could not be checked.
//! The administrator's own detector findings (delegated mode) and each account's detector
//! and IAM findings (sweep mode) are sections of their own, made by the detectors and
//! permissions assessments.

use std::collections::{BTreeMap, BTreeSet};

use crate::checks::detectors::{plans_off, region_state};
use crate::checks::plans::PLANS;
use crate::model::organization::{
    AccountStatus, Assumed, AutoEnable, MemberDetector, OrgAccount, OrgData, OrgRegion,
};
use crate::model::{CollectError, Detector, RegionDetectors};
use crate::report::details::{
    CoverageUnhealthy, Details, OrgAccountGap, OrgAdministrators, OrgAutoEnable,
    OrgFeatureAutoEnable, PlanOff, RegionStatusOf,
};
use crate::report::finding::{CheckId, Finding, fingerprint};
use crate::report::inventory::{AccountCell, AccountRow, CellState, LeftOut, OrgInventory};
use crate::report::{Inventory, RegionState, Section};

/// The organization section. `caller` is the account gdaudit ran as.
pub fn assess(org: &OrgData, caller: Option<&str>) -> Section {
    let mut section = Section::new(Inventory::Organization(OrgInventory::default()));
    let mut inventory = OrgInventory {
        organization_id: org.organization.as_ref().map(|o| o.id.clone()),
        management_account: org
            .organization
            .as_ref()
            .map(|o| o.management_account_id.clone()),
        mode: if org.sweep.is_some() {
            "assume-role"
        } else {
            "delegated-administrator"
        },
        ..OrgInventory::default()
    };
    section.account = caller.map(str::to_owned);
    for error in &org.errors {
        section.incomplete.push(format!("organization: {error}"));
    }
    let Some(accounts) = &org.accounts else {
        section
            .incomplete
            .push("the organization's accounts could not be listed: no account was checked".into());
        section.inventory = Inventory::Organization(inventory);
        return section;
    };
    let (active, closed): (Vec<&OrgAccount>, Vec<&OrgAccount>) = accounts
        .iter()
        .partition(|a| a.status == AccountStatus::Active);
    inventory.left_out = closed
        .iter()
        .map(|a| LeftOut {
            id: a.id.clone(),
            name: a.name.clone(),
            status: status_word(a.status),
        })
        .collect();
    match &org.sweep {
        Some(_) => sweep_matrix(org, &active, &mut inventory, &mut section),
        None => delegated(org, caller, &active, &mut inventory, &mut section),
    }
    inventory.accounts.sort_by(|a, b| {
        (a.ou.as_deref().unwrap_or("~"), &a.name, &a.id).cmp(&(
            b.ou.as_deref().unwrap_or("~"),
            &b.name,
            &b.id,
        ))
    });
    section.inventory = Inventory::Organization(inventory);
    section.sort();
    section
}

fn status_word(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Active => "active",
        AccountStatus::Suspended => "suspended",
        AccountStatus::PendingClosure => "pending-closure",
        AccountStatus::Unknown => "unknown",
    }
}

fn row(account: &OrgAccount, role: &'static str) -> AccountRow {
    AccountRow {
        id: account.id.clone(),
        name: account.name.clone(),
        ou: account.ou_path_names(),
        status: status_word(account.status),
        role,
        regions: Vec::new(),
    }
}

/// A detector as GetMemberDetectors describes a member's (its status is not reported there:
/// an Enabled relationship means GuardDuty runs).
fn member_detector(m: &MemberDetector) -> Detector {
    Detector {
        id: String::new(),
        status: "ENABLED".into(),
        finding_publishing_frequency: None,
        service_role: None,
        created_at: None,
        updated_at: None,
        features: m.features.clone(),
        data_sources: m.data_sources.clone(),
    }
}

/// The cell of an account whose own detectors were read in a region.
fn own_cell(region: &RegionDetectors) -> (CellState, Option<String>) {
    match region_state(region) {
        RegionState::Enabled => {
            let detector = region.detectors.iter().flatten().find(|d| d.is_enabled());
            let off: Vec<String> = detector
                .map(|d| plans_off(d).into_iter().map(|(_, f)| f).collect())
                .unwrap_or_default();
            if off.is_empty() {
                (CellState::Enabled, None)
            } else {
                (CellState::PlanOff, Some(off.join(", ")))
            }
        }
        RegionState::Suspended => (CellState::Suspended, None),
        RegionState::NoDetector => (CellState::NoDetector, None),
        RegionState::NotEnabled => (CellState::RegionNotEnabled, None),
        RegionState::Error | RegionState::Read => (
            CellState::CouldNotCheck,
            region.errors.first().map(ToString::to_string),
        ),
    }
}

/// How strong an auto-enable setting is: ALL > NEW > NONE.
fn strength(a: AutoEnable) -> u8 {
    match a {
        AutoEnable::All => 3,
        AutoEnable::New => 2,
        AutoEnable::None => 1,
        AutoEnable::Unknown => 0,
    }
}

fn auto_word(a: AutoEnable) -> &'static str {
    match a {
        AutoEnable::All => "ALL",
        AutoEnable::New => "NEW",
        AutoEnable::None => "NONE",
        AutoEnable::Unknown => "unknown",
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    check: CheckId,
    account: Option<&str>,
    region: Option<&str>,
    resource: &str,
    discriminator: &str,
    title: String,
    details: Details,
) -> Finding {
    let info = check.info();
    Finding {
        check,
        severity: info.severity,
        title,
        account: account.map(str::to_owned),
        region: region.map(str::to_owned),
        resource: resource.to_owned(),
        fingerprint: fingerprint(check, account, region, resource, discriminator),
        details,
        remediation: info.remediation.to_owned(),
        suppressed: None,
    }
}

/// The delegated administrator's view: members, their detectors, auto-enable, coverage.
fn delegated(
    org: &OrgData,
    caller: Option<&str>,
    active: &[&OrgAccount],
    inventory: &mut OrgInventory,
    section: &mut Section,
) {
    let mut rows: Vec<AccountRow> = active
        .iter()
        .map(|a| {
            let role = if Some(a.id.as_str()) == caller {
                "administrator"
            } else if inventory.management_account.as_deref() == Some(a.id.as_str()) {
                "management"
            } else {
                "member"
            };
            row(a, role)
        })
        .collect();
    // Per account: the regions where it is not a member, or a member not enabled.
    let mut not_member: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut not_enabled: BTreeMap<String, Vec<RegionStatusOf>> = BTreeMap::new();
    let mut admins: BTreeMap<String, Vec<String>> = BTreeMap::new();

    for region in &org.regions {
        inventory.regions.push(region.region.clone());
        let name = region.region.as_str();
        let cells = region_cells(
            org,
            region,
            caller,
            active,
            section,
            &mut not_member,
            &mut not_enabled,
            &mut admins,
        );
        for (row, cell) in rows.iter_mut().zip(cells) {
            row.regions.push(AccountCell {
                region: name.to_owned(),
                state: cell.0,
                detail: cell.1,
            });
        }
        configuration_findings(region, inventory, section);
    }

    let name_of = |id: &str| {
        active
            .iter()
            .find(|a| a.id == id)
            .map(|a| (a.name.clone(), a.ou_path_names()))
            .unwrap_or_default()
    };
    for (account, regions) in not_member {
        let (name, ou) = name_of(&account);
        let title = format!(
            "Account {account} ({name}) is not a GuardDuty member in {} region(s)",
            regions.len()
        );
        section.findings.push(finding(
            CheckId::OrgAccountNotMember,
            Some(&account),
            None,
            &account,
            "",
            title,
            Details::OrgAccountGap(OrgAccountGap {
                account_name: name,
                ou,
                regions: regions
                    .into_iter()
                    .map(|region| RegionStatusOf {
                        region,
                        relationship_status: None,
                    })
                    .collect(),
            }),
        ));
    }
    for (account, regions) in not_enabled {
        let (name, ou) = name_of(&account);
        let statuses: BTreeSet<&str> = regions
            .iter()
            .filter_map(|r| r.relationship_status.as_deref())
            .collect();
        let suspended = statuses.contains("Disabled");
        let title = format!(
            "Member account {account} ({name}) is {} in {} region(s)",
            if suspended {
                "suspended (monitoring stopped)".to_owned()
            } else {
                statuses.into_iter().collect::<Vec<_>>().join("/")
            },
            regions.len()
        );
        section.findings.push(finding(
            CheckId::OrgMemberNotEnabled,
            Some(&account),
            None,
            &account,
            "",
            title,
            Details::OrgAccountGap(OrgAccountGap {
                account_name: name,
                ou,
                regions,
            }),
        ));
    }
    // One delegated administrator everywhere.
    if admins.len() > 1 {
        let list: Vec<String> = admins
            .iter()
            .map(|(admin, regions)| format!("{admin} in {}", regions.join(", ")))
            .collect();
        section.findings.push(finding(
            CheckId::OrgAdministratorDiffers,
            None,
            None,
            "delegated-administrator",
            "",
            format!(
                "The GuardDuty delegated administrator differs between regions: {}",
                list.join("; ")
            ),
            Details::OrgAdministrators(OrgAdministrators {
                administrators: admins.clone(),
            }),
        ));
    }
    inventory.administrators = admins;
    inventory.accounts = rows;
}

/// Every active account's cell in one region, and the findings the region shows.
#[allow(clippy::too_many_arguments)]
fn region_cells(
    org: &OrgData,
    region: &OrgRegion,
    caller: Option<&str>,
    active: &[&OrgAccount],
    section: &mut Section,
    not_member: &mut BTreeMap<String, Vec<String>>,
    not_enabled: &mut BTreeMap<String, Vec<RegionStatusOf>>,
    admins: &mut BTreeMap<String, Vec<String>>,
) -> Vec<(CellState, Option<String>)> {
    let name = region.region.as_str();
    let _ = org;
    if !region.opt_status.is_enabled() {
        return active
            .iter()
            .map(|_| (CellState::RegionNotEnabled, None))
            .collect();
    }
    // The administrator's own detector errors belong to its detectors section.
    for error in &region.errors {
        section.incomplete.push(format!("{name}: {error}"));
    }
    // Who administers GuardDuty here.
    let admin = match &region.admin_accounts {
        None => None,
        Some(list) if list.is_empty() => {
            section.findings.push(finding(
                CheckId::OrgAdministratorMissing,
                None,
                Some(name),
                "delegated-administrator",
                "",
                format!("No GuardDuty delegated administrator in {name}"),
                Details::OrgAdministrators(OrgAdministrators {
                    administrators: BTreeMap::new(),
                }),
            ));
            None
        }
        Some(list) => {
            let enabled = list
                .iter()
                .find(|a| a.status.eq_ignore_ascii_case("ENABLED"))
                .or(list.first());
            if let Some(a) = enabled {
                admins
                    .entry(a.account_id.clone())
                    .or_default()
                    .push(name.to_owned());
            }
            enabled.map(|a| a.account_id.clone())
        }
    };
    // Member state is only visible from the administrator itself.
    let is_admin = match (&admin, caller) {
        (Some(admin), Some(caller)) => admin == caller,
        // Unknown administrator (the lookup failed): judge what the caller sees.
        (None, _) => true,
        (Some(_), None) => false,
    };
    if !is_admin {
        section.incomplete.push(format!(
            "{name}: gdaudit ran as {}, not as the delegated administrator {}: member state can only be read there (or use --assume-role)",
            caller.unwrap_or("an unknown account"),
            admin.as_deref().unwrap_or("?")
        ));
    }
    let members = region.own.members.as_ref();
    let detectors: BTreeMap<&str, &MemberDetector> = region
        .member_detectors
        .iter()
        .flatten()
        .map(|m| (m.account_id.as_str(), m))
        .collect();
    let failed: BTreeMap<&str, &CollectError> = region
        .member_errors
        .iter()
        .map(|e| (e.target.as_str(), &e.error))
        .collect();
    let mut cells = Vec::new();
    for account in active {
        let id = account.id.as_str();
        if Some(id) == caller {
            cells.push(own_cell(&region.own));
            continue;
        }
        if !is_admin || (members.is_none() && region.admin_accounts.is_none()) {
            cells.push((CellState::CouldNotCheck, None));
            continue;
        }
        let Some(members) = members else {
            cells.push((CellState::CouldNotCheck, None));
            continue;
        };
        let Some(member) = members.iter().find(|m| m.account_id == id) else {
            not_member
                .entry(id.to_owned())
                .or_default()
                .push(name.to_owned());
            cells.push((CellState::NotMember, None));
            continue;
        };
        let status = member.relationship_status.as_str();
        match status {
            "Enabled" => {}
            "RegionDisabled" => {
                cells.push((CellState::RegionNotEnabled, None));
                continue;
            }
            other => {
                not_enabled
                    .entry(id.to_owned())
                    .or_default()
                    .push(RegionStatusOf {
                        region: name.to_owned(),
                        relationship_status: Some(other.to_owned()),
                    });
                let state = if other == "Disabled" {
                    CellState::Suspended
                } else {
                    CellState::NotEnabled
                };
                cells.push((state, Some(other.to_owned())));
                continue;
            }
        }
        if let Some(error) = failed.get(id) {
            section
                .incomplete
                .push(format!("{name}: member {id}: {error}"));
            cells.push((CellState::CouldNotCheck, Some(error.to_string())));
            continue;
        }
        if let Some(u) = region.unprocessed.iter().find(|u| u.account_id == id) {
            section.incomplete.push(format!(
                "{name}: member {id}: GetMemberDetectors did not process it: {}",
                u.reason
            ));
            cells.push((CellState::CouldNotCheck, Some(u.reason.clone())));
            continue;
        }
        let Some(detector) = detectors.get(id) else {
            if region.member_detectors.is_some() {
                section.incomplete.push(format!(
                    "{name}: member {id}: GetMemberDetectors returned nothing for it"
                ));
            }
            cells.push((CellState::CouldNotCheck, None));
            continue;
        };
        let off = plans_off(&member_detector(detector));
        let resource = member.detector_id.as_deref().unwrap_or(id);
        for (check, feature) in &off {
            section.findings.push(finding(
                *check,
                Some(id),
                Some(name),
                resource,
                feature,
                format!("{} in {name} for member {id}", check.info().title),
                Details::PlanOff(PlanOff {
                    detector_id: member.detector_id.clone().unwrap_or_default(),
                    feature: feature.clone(),
                }),
            ));
        }
        if off.is_empty() {
            cells.push((CellState::Enabled, None));
        } else {
            let words: Vec<&str> = off
                .iter()
                .filter_map(|(c, _)| PLANS.iter().find(|p| p.check == *c))
                .map(|p| p.words)
                .collect();
            cells.push((CellState::PlanOff, Some(words.join(", "))));
        }
    }
    if let Some(coverage) = &region.coverage {
        let unhealthy = coverage.by_status.get("UNHEALTHY").copied().unwrap_or(0);
        if unhealthy > 0 {
            let healthy = coverage.by_status.get("HEALTHY").copied().unwrap_or(0);
            section.findings.push(finding(
                CheckId::RuntimeCoverageUnhealthy,
                caller,
                Some(name),
                "runtime-monitoring-coverage",
                "",
                format!(
                    "Runtime Monitoring coverage is unhealthy for {unhealthy} of {} resources in {name}",
                    unhealthy + healthy
                ),
                Details::CoverageUnhealthy(CoverageUnhealthy {
                    unhealthy,
                    healthy,
                    by_resource_type: coverage.by_resource_type.clone(),
                }),
            ));
        }
    }
    cells
}

/// Auto-enable findings of one region's organization configuration.
fn configuration_findings(region: &OrgRegion, inventory: &mut OrgInventory, section: &mut Section) {
    let name = region.region.as_str();
    let Some(configuration) = &region.configuration else {
        return;
    };
    let legacy = match configuration.auto_enable_legacy {
        Some(true) => AutoEnable::New,
        Some(false) => AutoEnable::None,
        None => AutoEnable::Unknown,
    };
    let members = configuration.auto_enable_members.unwrap_or(legacy);
    inventory
        .auto_enable
        .insert(name.to_owned(), auto_word(members).to_owned());
    let check = match members {
        AutoEnable::None => Some(CheckId::OrgAutoEnableNone),
        AutoEnable::New => Some(CheckId::OrgAutoEnableNew),
        AutoEnable::All | AutoEnable::Unknown => None,
    };
    if let Some(check) = check {
        let what = match members {
            AutoEnable::None => "no account is enrolled automatically",
            _ => "accounts that joined before are not covered",
        };
        section.findings.push(finding(
            check,
            None,
            Some(name),
            "organization-configuration",
            "",
            format!(
                "GuardDuty auto-enable for organization members is {} in {name}: {what}",
                auto_word(members)
            ),
            Details::OrgAutoEnable(OrgAutoEnable {
                auto_enable_organization_members: auto_word(members).to_owned(),
            }),
        ));
    }
    // A plan enabled for fewer accounts than GuardDuty itself.
    for feature in &configuration.features {
        let Some(plan) = PLANS
            .iter()
            .find(|p| p.feature == feature.name && p.additional.is_none())
        else {
            continue;
        };
        if strength(feature.auto_enable) < strength(members)
            && feature.auto_enable != AutoEnable::Unknown
        {
            section.findings.push(finding(
                CheckId::OrgFeatureAutoEnableWeaker,
                None,
                Some(name),
                &feature.name,
                "",
                format!(
                    "{} is auto-enabled for {} accounts but GuardDuty for {} in {name}",
                    plan.words,
                    auto_word(feature.auto_enable),
                    auto_word(members)
                ),
                Details::OrgFeatureAutoEnable(OrgFeatureAutoEnable {
                    feature: feature.name.clone(),
                    feature_auto_enable: auto_word(feature.auto_enable).to_owned(),
                    members_auto_enable: auto_word(members).to_owned(),
                }),
            ));
        }
    }
}

/// The assume-role view: each account's own detectors; an account whose role could not be
/// assumed is "could not check", never skipped.
fn sweep_matrix(
    org: &OrgData,
    active: &[&OrgAccount],
    inventory: &mut OrgInventory,
    section: &mut Section,
) {
    let Some(sweep) = &org.sweep else {
        return;
    };
    let mut regions: Vec<String> = sweep
        .accounts
        .iter()
        .flat_map(|a| a.detectors.iter().flatten().map(|r| r.region.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    regions.sort();
    inventory.regions = regions.clone();
    for account in active {
        let role = if inventory.management_account.as_deref() == Some(account.id.as_str()) {
            "management"
        } else {
            "member"
        };
        let mut r = row(account, role);
        let swept = sweep.accounts.iter().find(|s| s.account_id == account.id);
        match swept.map(|s| &s.assumed) {
            None => {
                section.incomplete.push(format!(
                    "account {} ({}): not swept",
                    account.id, account.name
                ));
            }
            Some(Assumed::Error(error)) => {
                section.incomplete.push(format!(
                    "account {} ({}): could not assume {}: {error}",
                    account.id, account.name, sweep.role
                ));
            }
            Some(Assumed::Ok) => {}
        }
        for region in &regions {
            let read = swept
                .and_then(|s| s.detectors.as_ref())
                .and_then(|d| d.iter().find(|r| &r.region == region));
            let (state, detail) = match read {
                Some(read) => own_cell(read),
                None => (CellState::CouldNotCheck, None),
            };
            r.regions.push(AccountCell {
                region: region.clone(),
                state,
                detail,
            });
        }
        inventory.accounts.push(r);
    }
}
