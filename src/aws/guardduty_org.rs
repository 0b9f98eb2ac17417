//! The GuardDuty organization view per region, from the delegated administrator (or the
//! management account): the caller's own detector view as `gdaudit detectors` reads it,
//! plus ListOrganizationAdminAccounts, DescribeOrganizationConfiguration, GetMemberDetectors
//! for every member in batches of 50, and GetCoverageStatistics where Runtime Monitoring is
//! on. Regions are fanned out with bounded concurrency.
//!
//! Pacing: GuardDuty's API limits are per account and per region, so regions proceed in
//! parallel (at most `concurrency` at once); within one region at most
//! [`MEMBER_BATCHES_IN_FLIGHT`] GetMemberDetectors batches are in flight, so 1,000 members
//! (20 batches) never burst 20 requests at one regional endpoint. Every call goes through
//! gdaudit's retry loop (`super::retry`), which retries throttling, HTTP 5xx, time-outs and
//! resets with one bounded backoff.

use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{CoverageStatisticsType, DataSourceConfigurationsResult};
use tokio::sync::Semaphore;

use super::guardduty::features_from;
use super::retry::{self, RetryPolicy};
use crate::model::organization::{
    AutoEnable, CoverageStatistics, MemberDetector, OrgAdditionalConfiguration, OrgAdminAccount,
    OrgConfiguration, OrgDataSources, OrgFeature, OrgRegion, TargetError, UnprocessedAccount,
};
use crate::model::{AdditionalConfiguration, CollectError, DataSources, Feature, RegionInfo};
use crate::progress::Tick;

/// GetMemberDetectors takes at most 50 account ids per call.
pub const MEMBER_BATCH: usize = 50;

/// At most this many GetMemberDetectors calls in flight per region.
pub const MEMBER_BATCHES_IN_FLIGHT: usize = 4;

/// gdaudit's retry budget for `client` (every call goes through `retry::unpaced`).
fn policy(client: &Client) -> RetryPolicy {
    RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    )
}

/// `no_sdk_retries!` for GuardDuty.
macro_rules! once {
    () => {
        crate::no_sdk_retries!(aws_sdk_guardduty)
    };
}

/// Features whose agents GetCoverageStatistics reports on.
const RUNTIME_FEATURES: &[&str] = &["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"];

/// Reads the organization view of every region in `regions`, at most `concurrency` at once,
/// in the order given. A region that cannot be read is returned with its errors.
pub async fn collect_regions(
    config: &SdkConfig,
    regions: &[RegionInfo],
    concurrency: usize,
    progress: &Tick,
) -> Vec<OrgRegion> {
    progress.add_total(regions.len() as u64);
    let results = super::fan_out(regions.to_vec(), concurrency, |region| {
        let client = client_for(config, &region.name);
        let progress = progress.clone();
        async move {
            let result = collect_region(&client, region).await;
            progress.inc();
            result
        }
    })
    .await;
    results
        .into_iter()
        .zip(regions)
        .map(|(result, region)| {
            result.unwrap_or_else(|| {
                let mut out = empty_region(region);
                out.errors.push(super::internal_error("guardduty"));
                out
            })
        })
        .collect()
}

fn client_for(config: &SdkConfig, region: &str) -> Client {
    let conf = aws_sdk_guardduty::config::Builder::from(config)
        .region(Region::new(region.to_owned()))
        .build();
    Client::from_conf(conf)
}

fn empty_region(region: &RegionInfo) -> OrgRegion {
    OrgRegion {
        region: region.name.clone(),
        opt_status: region.opt_status,
        own: crate::model::RegionDetectors {
            region: region.name.clone(),
            opt_status: region.opt_status,
            detectors: None,
            administrator: None,
            members: None,
            errors: Vec::new(),
            objects: Default::default(),
        },
        admin_accounts: None,
        configuration: None,
        member_detectors: None,
        unprocessed: Vec::new(),
        member_errors: Vec::new(),
        coverage: None,
        errors: Vec::new(),
    }
}

/// Reads one region's organization view. Errors are recorded with what could be read.
pub async fn collect_region(client: &Client, region: RegionInfo) -> OrgRegion {
    let mut out = empty_region(&region);
    if !region.opt_status.is_enabled() {
        return out;
    }
    // The admin list needs no detector; read it alongside the caller's own view.
    let (own, admins) = tokio::join!(
        super::guardduty::collect_region(client, region.clone()),
        list_admin_accounts(client),
    );
    out.opt_status = own.opt_status;
    out.own = own;
    if !out.opt_status.is_enabled() {
        // The region turned out not to be enabled; the admin lookup's error says nothing more.
        return out;
    }
    match admins {
        Ok(admins) => out.admin_accounts = Some(admins),
        Err(error) => out.errors.push(error),
    }

    let Some(detector_id) = out
        .own
        .detectors
        .as_ref()
        .and_then(|d| d.first())
        .map(|d| d.id.clone())
    else {
        return out;
    };

    let member_ids: Option<Vec<String>> = out
        .own
        .members
        .as_ref()
        .map(|members| members.iter().map(|m| m.account_id.clone()).collect());
    let (configuration, members) =
        tokio::join!(describe_configuration(client, &detector_id), async {
            match &member_ids {
                Some(ids) => Some(member_detectors(client, &detector_id, ids).await),
                None => None,
            }
        },);
    match configuration {
        Ok(configuration) => out.configuration = Some(configuration),
        Err(error) => out.errors.push(error),
    }
    if let Some(members) = members {
        out.member_detectors = Some(members.detectors);
        out.unprocessed = members.unprocessed;
        out.member_errors = members.errors;
    }

    if runtime_monitoring_on(&out) {
        match coverage(client, &detector_id).await {
            Ok(coverage) => out.coverage = Some(coverage),
            Err(error) => out.errors.push(error),
        }
    }
    out
}

/// Whether Runtime Monitoring (or its EKS predecessor) is on anywhere the region shows:
/// the caller's detector, a member's, or the organization's auto-enable.
fn runtime_monitoring_on(region: &OrgRegion) -> bool {
    let enabled = |features: &[Feature]| {
        features.iter().any(|f| {
            RUNTIME_FEATURES.contains(&f.name.as_str()) && f.status.eq_ignore_ascii_case("ENABLED")
        })
    };
    let own = region
        .own
        .detectors
        .iter()
        .flatten()
        .any(|d| enabled(&d.features));
    let members = region
        .member_detectors
        .iter()
        .flatten()
        .any(|m| enabled(&m.features));
    let auto = region.configuration.iter().any(|c| {
        c.features.iter().any(|f| {
            RUNTIME_FEATURES.contains(&f.name.as_str())
                && matches!(f.auto_enable, AutoEnable::All | AutoEnable::New)
        })
    });
    own || members || auto
}

async fn list_admin_accounts(client: &Client) -> Result<Vec<OrgAdminAccount>, CollectError> {
    let policy = policy(client);
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = retry::unpaced("guardduty:ListOrganizationAdminAccounts", &policy, || {
            client
                .list_organization_admin_accounts()
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await?;
        out.extend(page.admin_accounts().iter().filter_map(|a| {
            Some(OrgAdminAccount {
                account_id: a.admin_account_id()?.to_owned(),
                status: a
                    .admin_status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            })
        }));
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// DescribeOrganizationConfiguration, every page (the feature list is paginated).
async fn describe_configuration(
    client: &Client,
    detector_id: &str,
) -> Result<OrgConfiguration, CollectError> {
    let mut out = OrgConfiguration {
        auto_enable_members: None,
        auto_enable_legacy: None,
        member_account_limit_reached: None,
        features: Vec::new(),
        data_sources: None,
    };
    let policy = policy(client);
    let mut token: Option<String> = None;
    loop {
        let operation = "guardduty:DescribeOrganizationConfiguration";
        let page = retry::unpaced(operation, &policy, || {
            client
                .describe_organization_configuration()
                .detector_id(detector_id)
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await?;
        out.auto_enable_members = out.auto_enable_members.or_else(|| {
            page.auto_enable_organization_members()
                .map(|a| AutoEnable::parse(a.as_str()))
        });
        #[allow(deprecated)]
        {
            out.auto_enable_legacy = out.auto_enable_legacy.or(page.auto_enable());
            if out.data_sources.is_none() {
                out.data_sources = page.data_sources().map(|ds| OrgDataSources {
                    s3_logs: ds.s3_logs().and_then(|s| s.auto_enable()),
                    kubernetes_audit_logs: ds
                        .kubernetes()
                        .and_then(|k| k.audit_logs())
                        .and_then(|a| a.auto_enable()),
                    malware_protection_ebs: ds
                        .malware_protection()
                        .and_then(|m| m.scan_ec2_instance_with_findings())
                        .and_then(|s| s.ebs_volumes())
                        .and_then(|e| e.auto_enable()),
                });
            }
        }
        out.member_account_limit_reached = out
            .member_account_limit_reached
            .or(page.member_account_limit_reached());
        out.features.extend(page.features().iter().filter_map(|f| {
            Some(OrgFeature {
                name: f.name()?.as_str().to_owned(),
                auto_enable: f
                    .auto_enable()
                    .map(|a| AutoEnable::parse(a.as_str()))
                    .unwrap_or(AutoEnable::Unknown),
                additional_configuration: f
                    .additional_configuration()
                    .iter()
                    .filter_map(|c| {
                        Some(OrgAdditionalConfiguration {
                            name: c.name()?.as_str().to_owned(),
                            auto_enable: c
                                .auto_enable()
                                .map(|a| AutoEnable::parse(a.as_str()))
                                .unwrap_or(AutoEnable::Unknown),
                        })
                    })
                    .collect(),
            })
        }));
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// What GetMemberDetectors returned over all batches.
#[derive(Default)]
struct Members {
    detectors: Vec<MemberDetector>,
    unprocessed: Vec<UnprocessedAccount>,
    errors: Vec<TargetError>,
}

/// GetMemberDetectors for `ids`, in batches of [`MEMBER_BATCH`], at most
/// [`MEMBER_BATCHES_IN_FLIGHT`] at once. A batch that fails records its error against each
/// of its accounts; results come back in the order of `ids`.
async fn member_detectors(client: &Client, detector_id: &str, ids: &[String]) -> Members {
    let limit = Arc::new(Semaphore::new(MEMBER_BATCHES_IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, batch) in ids.chunks(MEMBER_BATCH).enumerate() {
        let client = Client::clone(client);
        let limit = Arc::clone(&limit);
        let detector_id = detector_id.to_owned();
        let batch = batch.to_vec();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.ok();
            let result = retry::unpaced("guardduty:GetMemberDetectors", &policy(&client), || {
                client
                    .get_member_detectors()
                    .detector_id(&detector_id)
                    .set_account_ids(Some(batch.clone()))
                    .customize()
                    .config_override(once!())
                    .send()
            })
            .await;
            (index, batch, result)
        });
    }
    let mut batches = Vec::new();
    let mut out = Members::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(done) => batches.push(done),
            Err(_) => out.errors.push(TargetError {
                target: String::new(),
                error: super::internal_error("guardduty:GetMemberDetectors"),
            }),
        }
    }
    batches.sort_by_key(|(index, _, _)| *index);
    for (_, batch, result) in batches {
        match result {
            Ok(resp) => {
                out.detectors.extend(
                    resp.member_data_source_configurations()
                        .iter()
                        .filter_map(member_from),
                );
                out.unprocessed
                    .extend(resp.unprocessed_accounts().iter().filter_map(|u| {
                        Some(UnprocessedAccount {
                            account_id: u.account_id()?.to_owned(),
                            reason: u.result().unwrap_or_default().to_owned(),
                        })
                    }));
            }
            Err(error) => {
                out.errors
                    .extend(batch.into_iter().map(|target| TargetError {
                        target,
                        error: error.clone(),
                    }));
            }
        }
    }
    out
}

/// One member's detector as GetMemberDetectors describes it.
// `DataSources` is deprecated by AWS, but the only source in older responses.
#[allow(deprecated)]
fn member_from(
    m: &aws_sdk_guardduty::types::MemberDataSourceConfiguration,
) -> Option<MemberDetector> {
    let features = features_from!(m.features());
    Some(MemberDetector {
        account_id: m.account_id()?.to_owned(),
        features,
        data_sources: m.data_sources().map(data_sources_from),
    })
}

/// The older per-source view of a member's detector.
#[allow(deprecated)]
fn data_sources_from(ds: &DataSourceConfigurationsResult) -> DataSources {
    DataSources {
        s3_logs: ds
            .s3_logs()
            .and_then(|s| s.status())
            .map(|s| s.as_str().to_owned()),
        kubernetes_audit_logs: ds
            .kubernetes()
            .and_then(|k| k.audit_logs())
            .and_then(|a| a.status())
            .map(|s| s.as_str().to_owned()),
        malware_protection_ebs: ds
            .malware_protection()
            .and_then(|m| m.scan_ec2_instance_with_findings())
            .and_then(|s| s.ebs_volumes())
            .and_then(|e| e.status())
            .map(|s| s.as_str().to_owned()),
    }
}

async fn coverage(client: &Client, detector_id: &str) -> Result<CoverageStatistics, CollectError> {
    let resp = retry::unpaced("guardduty:GetCoverageStatistics", &policy(client), || {
        client
            .get_coverage_statistics()
            .detector_id(detector_id)
            .statistics_type(CoverageStatisticsType::CountByCoverageStatus)
            .statistics_type(CoverageStatisticsType::CountByResourceType)
            .customize()
            .config_override(once!())
            .send()
    })
    .await?;
    let stats = resp.coverage_statistics();
    Ok(CoverageStatistics {
        by_status: stats
            .and_then(|s| s.count_by_coverage_status())
            .map(|m| m.iter().map(|(k, v)| (k.as_str().to_owned(), *v)).collect())
            .unwrap_or_default(),
        by_resource_type: stats
            .and_then(|s| s.count_by_resource_type())
            .map(|m| m.iter().map(|(k, v)| (k.as_str().to_owned(), *v)).collect())
            .unwrap_or_default(),
    })
}
