//! `gdaudit detectors`: is there an enabled detector, with its protection plans on, in every region?

use super::{Ctx, Io, Needs, RunError, acquire, now_rfc3339};
use crate::checks::detectors::{self as checks, DetectorState};
use crate::cli::DetectorsArgs;
use crate::model::{RegionDetectors, Snapshot};
use crate::report::json::{AdditionalOut, AdministratorOut, DetectorRow, FeatureOut, MemberOut};
use crate::report::{Inventory, Outcome, RegionStatus, Report};

pub fn run(ctx: &Ctx, args: &DetectorsArgs, io: &mut Io<'_>) -> Result<Outcome, RunError> {
    let needs = Needs {
        detectors: true,
        changes: None,
        iam: false,
        progress: io.shows_progress(Some(args.report.output)),
    };
    let snapshot = acquire(&ctx.global, needs, io)?;
    let mut report = build_report(&snapshot);
    report.sort();
    ctx.emit(report, args.report.output, io)
}

/// Builds the detectors report from collected data (pure).
pub fn build_report(snapshot: &Snapshot) -> Report {
    let account = snapshot.account.id.clone();
    let regions = snapshot.detectors.as_deref().unwrap_or_default();
    let findings = checks::check(account.as_deref(), regions);
    let mut incomplete = Vec::new();
    if regions.is_empty() {
        incomplete.push("no region was checked".to_owned());
    }
    let mut statuses = Vec::new();
    let mut rows = Vec::new();
    for region in regions {
        let state = checks::region_state(region);
        let errors = checks::region_errors(region).to_vec();
        for error in &errors {
            incomplete.push(format!("{}: {error}", region.region));
        }
        statuses.push(RegionStatus {
            region: region.region.clone(),
            state: state.as_str().to_owned(),
            errors,
        });
        rows.push(row(region, state));
    }
    Report {
        command: "detectors",
        account,
        generated_at: now_rfc3339(),
        regions: statuses,
        findings,
        incomplete,
        inventory: Inventory::Detectors(rows),
        expired_suppressions: Vec::new(),
    }
}

fn row(region: &RegionDetectors, state: DetectorState) -> DetectorRow {
    let detector = region
        .detectors
        .iter()
        .flatten()
        .find(|d| d.is_enabled())
        .or_else(|| region.detectors.iter().flatten().next());
    DetectorRow {
        region: region.region.clone(),
        state: state.as_str(),
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
        features_off: match (state, detector) {
            (DetectorState::Enabled, Some(d)) => {
                checks::plans_off(d).into_iter().map(|(_, f)| f).collect()
            }
            _ => Vec::new(),
        },
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
