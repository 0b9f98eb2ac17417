//! The detectors audit: is there an enabled detector, with its protection plans on, in
//! every region?

use crate::checks::detectors::{self as checks};
use crate::checks::objects::{self, ObjectCheckOptions};
use crate::checks::plans::PLANS;
use crate::model::RegionDetectors;
use crate::model::objects::RegionObjects;
use crate::report::inventory::{
    AdditionalOut, AdministratorOut, BandOut, ConfigurationOut, DestinationOut, DetectorRow,
    FeatureOut, FilterOut, ListContentOut, ListOut, MalwarePlanOut, MemberOut,
};
use crate::report::{Inventory, RegionState, RegionStatus, Section};

/// The detectors section of the regions collected for `account`.
pub fn assess(account: Option<&str>, regions: &[RegionDetectors]) -> Section {
    assess_with(account, regions, &ObjectCheckOptions::default())
}

/// [`assess`] with the options of the configuration-object checks (required tag keys).
pub fn assess_with(
    account: Option<&str>,
    regions: &[RegionDetectors],
    opts: &ObjectCheckOptions,
) -> Section {
    let mut section = Section::new(Inventory::Detectors(Vec::new()));
    section.account = account.map(str::to_owned);
    section.findings = checks::check(account, regions);
    section
        .findings
        .extend(objects::check(account, regions, opts));
    section.findings.extend(crate::checks::telemetry::check(
        account, regions, &opts.scps,
    ));
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
        configuration: configuration(&region.objects),
    }
}

fn configuration(objects: &RegionObjects) -> Option<ConfigurationOut> {
    if !objects.any_read() {
        return None;
    }
    Some(ConfigurationOut {
        suppression_rules: objects.filters.as_ref().map(|filters| {
            filters
                .iter()
                .map(|f| FilterOut {
                    name: f.name.clone(),
                    action: f.action.clone(),
                    rank: f.rank,
                    hides_high: objects::hidden_by(f).is_some(),
                })
                .collect()
        }),
        lists: objects.lists.as_ref().map(|lists| {
            lists
                .iter()
                .map(|l| ListOut {
                    kind: l.kind.as_str(),
                    id: l.id.clone(),
                    name: l.name.clone(),
                    status: l.status.clone(),
                    location: l.location.clone(),
                    content: l.content.as_ref().map(|c| {
                        let judged = |n: u64| c.judged.then_some(n);
                        ListContentOut {
                            bytes: c.bytes,
                            judged: c.judged,
                            entries: judged(c.entries()),
                            ip_entries: judged(c.ip_entries),
                            domain_entries: judged(c.domain_entries),
                            unreadable: judged(c.unreadable),
                            broad_entries: if l.kind.is_trusted() {
                                c.broad.clone()
                            } else {
                                Vec::new()
                            },
                        }
                    }),
                })
                .collect()
        }),
        publishing_destinations: objects.publishing_destinations.as_ref().map(|ds| {
            ds.iter()
                .map(|d| DestinationOut {
                    id: d.id.clone(),
                    status: d.status.clone(),
                    destination_arn: d.destination_arn.clone(),
                    kms_key_arn: d.kms_key_arn.clone(),
                })
                .collect()
        }),
        malware_protection_plans: objects.malware_protection_plans.as_ref().map(|plans| {
            plans
                .iter()
                .map(|p| MalwarePlanOut {
                    id: p.id.clone(),
                    status: p.status.clone(),
                    bucket: p.bucket.clone(),
                })
                .collect()
        }),
        unhandled_findings: objects.unhandled_findings.as_ref().map(|bands| {
            bands
                .iter()
                .map(|b| BandOut {
                    band: b.band.as_str(),
                    older_than_days: b.older_than_days,
                    count: b.count,
                    oldest_updated_at: b.oldest_updated_at.clone(),
                })
                .collect()
        }),
    })
}
