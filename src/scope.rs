//! Which regions are in scope: `--regions`, `--exclude-regions` and the account's region list.

use thiserror::Error;

use crate::model::{RegionInfo, RegionList, RegionOptStatus, RegionSource};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScopeError {
    #[error("`{0}` is not a region name (expected something like eu-west-1)")]
    BadName(String),
    #[error("region `{0}` is not one of the account's regions")]
    UnknownRegion(String),
    #[error("no regions left to audit after --regions/--exclude-regions")]
    Empty,
}

/// Whether a string looks like an AWS region name: `xx-name-N` (also `us-gov-west-1`).
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// Selects the regions to audit. `requested` is `--regions` (empty: the default, every
/// enabled region; `["all"]`: every region the list knows, enabled or not).
pub fn select(
    list: &RegionList,
    requested: &[String],
    excluded: &[String],
) -> Result<Vec<RegionInfo>, ScopeError> {
    for name in requested
        .iter()
        .chain(excluded)
        .filter(|n| n.as_str() != "all")
    {
        if !is_region_name(name) {
            return Err(ScopeError::BadName(name.clone()));
        }
    }
    let mut selected: Vec<RegionInfo> = if requested.is_empty() {
        list.regions
            .iter()
            .filter(|r| r.opt_status.is_enabled())
            .cloned()
            .collect()
    } else if requested.iter().any(|r| r == "all") {
        list.regions.clone()
    } else {
        let mut out = Vec::new();
        for name in requested {
            match list.regions.iter().find(|r| &r.name == name) {
                Some(region) => out.push(region.clone()),
                // The built-in list may lag AWS: trust a well-formed name.
                None if list.source != RegionSource::AccountApi => out.push(RegionInfo {
                    name: name.clone(),
                    opt_status: RegionOptStatus::Unknown,
                }),
                None => return Err(ScopeError::UnknownRegion(name.clone())),
            }
        }
        out
    };
    selected.retain(|r| !excluded.contains(&r.name));
    selected.sort_by(|a, b| a.name.cmp(&b.name));
    selected.dedup_by(|a, b| a.name == b.name);
    if selected.is_empty() {
        return Err(ScopeError::Empty);
    }
    Ok(selected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(source: RegionSource) -> RegionList {
        RegionList {
            source,
            regions: vec![
                RegionInfo {
                    name: "af-south-1".into(),
                    opt_status: RegionOptStatus::Disabled,
                },
                RegionInfo {
                    name: "eu-west-1".into(),
                    opt_status: RegionOptStatus::EnabledByDefault,
                },
                RegionInfo {
                    name: "us-east-1".into(),
                    opt_status: RegionOptStatus::EnabledByDefault,
                },
            ],
            error: None,
        }
    }

    fn names(regions: &[RegionInfo]) -> Vec<&str> {
        regions.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn default_is_every_enabled_region() {
        let got = select(&list(RegionSource::AccountApi), &[], &[]).unwrap();
        assert_eq!(names(&got), ["eu-west-1", "us-east-1"]);
    }

    #[test]
    fn all_includes_regions_not_enabled() {
        let got = select(&list(RegionSource::AccountApi), &["all".into()], &[]).unwrap();
        assert_eq!(names(&got), ["af-south-1", "eu-west-1", "us-east-1"]);
    }

    #[test]
    fn exclusions_apply_last() {
        let got = select(
            &list(RegionSource::AccountApi),
            &["all".into()],
            &["af-south-1".into()],
        )
        .unwrap();
        assert_eq!(names(&got), ["eu-west-1", "us-east-1"]);
        assert_eq!(
            select(
                &list(RegionSource::AccountApi),
                &["us-east-1".into()],
                &["us-east-1".into()]
            ),
            Err(ScopeError::Empty)
        );
    }

    #[test]
    fn names_are_validated() {
        assert_eq!(
            select(&list(RegionSource::AccountApi), &["eu-west".into()], &[]),
            Err(ScopeError::BadName("eu-west".into()))
        );
        assert_eq!(
            select(
                &list(RegionSource::AccountApi),
                &["xx-nowhere-9".into()],
                &[]
            ),
            Err(ScopeError::UnknownRegion("xx-nowhere-9".into()))
        );
        let got = select(&list(RegionSource::BuiltIn), &["xx-nowhere-9".into()], &[]).unwrap();
        assert_eq!(got[0].opt_status, RegionOptStatus::Unknown);
        assert!(is_region_name("us-gov-west-1"));
        assert!(!is_region_name("US-east-1"));
    }
}
