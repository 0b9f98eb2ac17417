//! GuardDuty reads per region (ListDetectors, GetDetector, GetAdministratorAccount,
//! ListMembers, and the configuration objects of [`super::guardduty_objects`]), fanned out
//! over regions with bounded concurrency.

use aws_config::{Region, SdkConfig};
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;

use crate::progress::Tick;

use super::errors::UNKNOWN_CREDENTIALS;
pub use super::guardduty_objects::ObjectOptions;
use super::pages;
use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::{
    AdditionalConfiguration, Administrator, DataSources, Detector, ErrorKind, Feature, Member,
    RegionDetectors, RegionInfo, RegionOptStatus,
};

/// Reads every region in `regions`, at most `concurrency` at once, and returns them in the
/// order given. A region that cannot be read is returned with its errors, never dropped.
pub async fn collect_regions(
    config: &SdkConfig,
    regions: &[RegionInfo],
    concurrency: usize,
    progress: &Tick,
) -> Vec<RegionDetectors> {
    collect_regions_with(
        config,
        regions,
        concurrency,
        progress,
        &ObjectOptions::default(),
    )
    .await
}

/// [`collect_regions`] with the options of the configuration-object reads.
pub async fn collect_regions_with(
    config: &SdkConfig,
    regions: &[RegionInfo],
    concurrency: usize,
    progress: &Tick,
    opts: &ObjectOptions,
) -> Vec<RegionDetectors> {
    progress.add_total(regions.len() as u64);
    let results = super::fan_out(regions.to_vec(), concurrency, |region| {
        let client = client_for(config, &region.name);
        let progress = progress.clone();
        let opts = *opts;
        async move {
            let result = collect_region_with(&client, region, &opts).await;
            progress.inc();
            result
        }
    })
    .await;
    // A task that panicked still yields its region, as could-not-check.
    results
        .into_iter()
        .zip(regions)
        .map(|(result, region)| {
            result.unwrap_or_else(|| RegionDetectors {
                region: region.name.clone(),
                opt_status: region.opt_status,
                detectors: None,
                administrator: None,
                members: None,
                errors: vec![super::internal_error("guardduty")],
                objects: Default::default(),
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

/// Reads one region. Errors are recorded in the result, with as much as could be read.
pub async fn collect_region(client: &Client, region: RegionInfo) -> RegionDetectors {
    collect_region_with(client, region, &ObjectOptions::default()).await
}

/// [`collect_region`] with the options of the configuration-object reads.
pub async fn collect_region_with(
    client: &Client,
    region: RegionInfo,
    opts: &ObjectOptions,
) -> RegionDetectors {
    let mut out = collect_detectors(client, region).await;
    if out.opt_status.is_enabled() && out.detectors.is_some() {
        let detector_id = out.detectors.iter().flatten().next().map(|d| d.id.clone());
        super::guardduty_objects::collect(client, detector_id.as_deref(), opts, &mut out).await;
    }
    out
}

/// The detectors, administrator and members of one region.
async fn collect_detectors(client: &Client, region: RegionInfo) -> RegionDetectors {
    let mut out = RegionDetectors {
        region: region.name.clone(),
        opt_status: region.opt_status,
        detectors: None,
        administrator: None,
        members: None,
        errors: Vec::new(),
        objects: Default::default(),
    };
    if !region.opt_status.is_enabled() {
        return out;
    }

    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let mut stats = RetryStats::default();
    let listed = pages("guardduty:ListDetectors", |token| {
        let policy = &policy;
        async move {
            let mut stats = RetryStats::default();
            let page = retry::call(
                "guardduty:ListDetectors",
                policy,
                &Pacer::none(),
                &mut stats,
                || {
                    client
                        .list_detectors()
                        .set_next_token(token.clone())
                        .customize()
                        .config_override(crate::no_sdk_retries!(aws_sdk_guardduty))
                        .send()
                },
            )
            .await?;
            Ok((
                page.detector_ids().to_vec(),
                page.next_token().map(str::to_owned),
            ))
        }
    })
    .await;
    let ids = match listed {
        Ok(ids) => ids,
        Err(mut error) => {
            // An opt-in region the account has not enabled does not know its credentials.
            if region.opt_status == RegionOptStatus::Unknown
                && error
                    .code
                    .as_deref()
                    .is_some_and(|c| UNKNOWN_CREDENTIALS.contains(&c))
            {
                error.kind = ErrorKind::OptInRequired;
            }
            if error.kind == ErrorKind::OptInRequired {
                out.opt_status = RegionOptStatus::Disabled;
            }
            out.errors.push(error);
            return out;
        }
    };

    let mut detectors = Vec::with_capacity(ids.len());
    for id in &ids {
        let got = retry::call(
            "guardduty:GetDetector",
            &policy,
            &Pacer::none(),
            &mut stats,
            || {
                client
                    .get_detector()
                    .detector_id(id)
                    .customize()
                    .config_override(crate::no_sdk_retries!(aws_sdk_guardduty))
                    .send()
            },
        )
        .await;
        match got {
            Ok(resp) => {
                if detectors.is_empty() {
                    out.objects.detector_tags = resp
                        .tags()
                        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
                }
                detectors.push(detector_from(id, &resp));
            }
            Err(error) => out.errors.push(error),
        }
    }
    if detectors.len() < ids.len() {
        // A detector we could not describe: the region could not be checked.
        return out;
    }
    out.detectors = Some(detectors);

    // Central management is read through the (only) detector of the region.
    let Some(detector_id) = ids.first() else {
        return out;
    };
    let admin = retry::call(
        "guardduty:GetAdministratorAccount",
        &policy,
        &Pacer::none(),
        &mut stats,
        || {
            client
                .get_administrator_account()
                .detector_id(detector_id)
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_guardduty))
                .send()
        },
    )
    .await;
    match admin {
        Ok(resp) => {
            // An administrator without an account id is no administrator (moto answers so).
            out.administrator = resp
                .administrator()
                .filter(|admin| admin.account_id().is_some_and(|id| !id.is_empty()))
                .map(|admin| Administrator {
                    account_id: admin.account_id().unwrap_or_default().to_owned(),
                    relationship_status: admin.relationship_status().unwrap_or_default().to_owned(),
                });
        }
        Err(error) => out.errors.push(error),
    }
    let members = pages("guardduty:ListMembers", |token| {
        let policy = &policy;
        async move {
            let mut stats = RetryStats::default();
            let page = retry::call(
                "guardduty:ListMembers",
                policy,
                &Pacer::none(),
                &mut stats,
                || {
                    client
                        .list_members()
                        .detector_id(detector_id)
                        .only_associated("false")
                        .set_next_token(token.clone())
                        .customize()
                        .config_override(crate::no_sdk_retries!(aws_sdk_guardduty))
                        .send()
                },
            )
            .await?;
            Ok((
                page.members().to_vec(),
                page.next_token().map(str::to_owned),
            ))
        }
    })
    .await;
    match members {
        Ok(members) => {
            out.members = Some(
                members
                    .iter()
                    .map(|m| Member {
                        account_id: m.account_id().unwrap_or_default().to_owned(),
                        relationship_status: m.relationship_status().unwrap_or_default().to_owned(),
                        detector_id: m.detector_id().map(str::to_owned),
                        updated_at: m.updated_at().map(str::to_owned),
                    })
                    .collect(),
            );
        }
        Err(error) => out.errors.push(error),
    }
    out
}

/// The protection plans of a detector or a member's detector: the SDK has one type for each,
/// alike in shape.
macro_rules! features_from {
    ($features:expr) => {
        $features
            .iter()
            .filter_map(|f| {
                Some(Feature {
                    name: f.name()?.as_str().to_owned(),
                    status: f
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    additional_configuration: f
                        .additional_configuration()
                        .iter()
                        .filter_map(|c| {
                            Some(AdditionalConfiguration {
                                name: c.name()?.as_str().to_owned(),
                                status: c
                                    .status()
                                    .map(|s| s.as_str().to_owned())
                                    .unwrap_or_default(),
                            })
                        })
                        .collect(),
                })
            })
            .collect()
    };
}
pub(crate) use features_from;

fn detector_from(id: &str, resp: &GetDetectorOutput) -> Detector {
    let features = features_from!(resp.features());
    // Deprecated by AWS, but the only source in older responses without Features.
    #[allow(deprecated)]
    let data_sources = resp.data_sources().map(|ds| DataSources {
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
    });
    Detector {
        id: id.to_owned(),
        status: resp
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        finding_publishing_frequency: resp
            .finding_publishing_frequency()
            .map(|f| f.as_str().to_owned()),
        service_role: resp.service_role().map(str::to_owned),
        created_at: resp.created_at().map(str::to_owned),
        updated_at: resp.updated_at().map(str::to_owned),
        features,
        data_sources,
    }
}
