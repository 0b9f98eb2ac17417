//! The account's regions and their opt-in status (account:ListRegions), with the
//! built-in list as the fallback when that call is denied or fails.

use aws_config::SdkConfig;
use aws_sdk_account::types::RegionOptStatus as SdkOptStatus;

use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::{RegionInfo, RegionList, RegionOptStatus, RegionSource};

/// Regions of the `aws` partition enabled by default in every account (as of 2026-11).
pub const DEFAULT_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Regions of the `aws` partition an account must opt in to (as of 2026-11).
pub const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// The built-in list: default regions are known to be enabled; opt-in ones are unknown
/// until a call in them says otherwise.
pub fn built_in() -> Vec<RegionInfo> {
    let mut regions: Vec<RegionInfo> = DEFAULT_REGIONS
        .iter()
        .map(|name| RegionInfo {
            name: (*name).to_owned(),
            opt_status: RegionOptStatus::EnabledByDefault,
        })
        .chain(OPT_IN_REGIONS.iter().map(|name| RegionInfo {
            name: (*name).to_owned(),
            opt_status: RegionOptStatus::Unknown,
        }))
        .collect();
    regions.sort_by(|a, b| a.name.cmp(&b.name));
    regions
}

/// Lists the account's regions; on failure, returns the built-in list with the error.
pub async fn list_regions(config: &SdkConfig) -> RegionList {
    list_regions_with(&aws_sdk_account::Client::new(config)).await
}

/// [`list_regions`] with a given client (tests inject faults through it).
pub async fn list_regions_with(client: &aws_sdk_account::Client) -> RegionList {
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let listed = super::pages("account:ListRegions", |token| {
        let policy = &policy;
        async move {
            let mut stats = RetryStats::default();
            let page = retry::call(
                "account:ListRegions",
                policy,
                &Pacer::none(),
                &mut stats,
                || {
                    client
                        .list_regions()
                        .set_next_token(token.clone())
                        .customize()
                        .config_override(crate::no_sdk_retries!(aws_sdk_account))
                        .send()
                },
            )
            .await?;
            Ok((
                page.regions().to_vec(),
                page.next_token().map(str::to_owned),
            ))
        }
    })
    .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => {
            return RegionList {
                source: RegionSource::BuiltIn,
                regions: built_in(),
                error: Some(error),
            };
        }
    };
    let mut regions = Vec::new();
    for region in listed {
        let Some(name) = region.region_name() else {
            continue;
        };
        let opt_status = match region.region_opt_status() {
            Some(SdkOptStatus::Enabled) => RegionOptStatus::Enabled,
            Some(SdkOptStatus::EnabledByDefault) => RegionOptStatus::EnabledByDefault,
            Some(SdkOptStatus::Enabling) => RegionOptStatus::Enabling,
            Some(SdkOptStatus::Disabling) => RegionOptStatus::Disabling,
            Some(SdkOptStatus::Disabled) => RegionOptStatus::Disabled,
            _ => RegionOptStatus::Unknown,
        };
        regions.push(RegionInfo {
            name: name.to_owned(),
            opt_status,
        });
    }
    regions.sort_by(|a, b| a.name.cmp(&b.name));
    RegionList {
        source: RegionSource::AccountApi,
        regions,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_list_is_sorted_and_distinct() {
        let regions = built_in();
        assert_eq!(regions.len(), DEFAULT_REGIONS.len() + OPT_IN_REGIONS.len());
        assert!(regions.windows(2).all(|w| w[0].name < w[1].name));
    }
}
