//! The detectors audit: is there an enabled detector, with its protection plans on, in
//! every region?

use crate::checks::detectors::{self as checks};
use crate::checks::plans::PLANS;
use crate::model::RegionDetectors;
use crate::report::inventory::{
    AdditionalOut, AdministratorOut, DetectorRow, FeatureOut, MemberOut,
};
use crate::report::{Inventory, RegionState, RegionStatus, Section};

/// The detectors section of the regions collected for `account`.
pub fn assess(account: Option<&str>, regions: &[RegionDetectors]) -> Section {
    let mut section = Section::new(Inventory::Detectors(Vec::new()));
    section.account = account.map(str::to_owned);
    section.findings = checks::check(account, regions);
    if regions.is_empty() {
        section.incomplete.push("no region was checked".to_owned());
    }
    let mut rows = Vec::new();
    for region in regions {
        let state = checks::region_state(region);
        let errors = checks::region_errors(region).to_vec();
        for error in &errors {
            section
                .incomplete
                .push(format!("{}: {error}", region.region));
        }
        section.regions.push(RegionStatus {
            region: region.region.clone(),
            state,
            errors: errors.clone(),
        });
        rows.push(row(region, state, errors));
    }
    section.inventory = Inventory::Detectors(rows);
    section.sort();
    section
}

fn row(
    region: &RegionDetectors,
    state: RegionState,
    errors: Vec<crate::model::CollectError>,
) -> DetectorRow {
    let detector = region
        .detectors
        .iter()
        .flatten()
        .find(|d| d.is_enabled())
        .or_else(|| region.detectors.iter().flatten().next());
    let off = match (state, detector) {
        (RegionState::Enabled, Some(d)) => checks::plans_off(d),
        _ => Vec::new(),
    };
    DetectorRow {
        region: region.region.clone(),
        state,
        errors,
        detector_id: detector.map(|d| d.id.clone()),
        finding_publishing_frequency: detector.and_then(|d| d.finding_publishing_frequency.clone()),
        features: detector
            .map(|d| {
                d.features
                    .iter()
                    .map(|f| FeatureOut {
                        name: f.name.clone(),
                        status: f.status.clone(),
                        additional_configuration: f
                            .additional_configuration
                            .iter()
                            .map(|c| AdditionalOut {
                                name: c.name.clone(),
                                status: c.status.clone(),
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        features_off: off.iter().map(|(_, f)| f.clone()).collect(),
        plans_off: off
            .iter()
            .filter_map(|(check, _)| PLANS.iter().find(|p| p.check == *check))
            .map(|p| p.words)
            .collect(),
        administrator: region.administrator.as_ref().map(|a| AdministratorOut {
            account_id: a.account_id.clone(),
            relationship_status: a.relationship_status.clone(),
        }),
        members: region.members.as_ref().map(|members| {
            members
                .iter()
                .map(|m| MemberOut {
                    account_id: m.account_id.clone(),
                    relationship_status: m.relationship_status.clone(),
                })
                .collect()
        }),
    }
}
