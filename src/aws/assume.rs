//! The assume-role sweep: sts:AssumeRole into each account of the organization (a role name
//! or an ARN template, with an optional external id), then today's per-account collectors
//! with those credentials — the detectors of every region (`guardduty::collect_region`) and,
//! when asked, the IAM export (`iam::authorization_details`).
//!
//! Concurrency is bounded across accounts × regions as one pool: AssumeRole for at most
//! `concurrency` accounts at once, then every (account, region) pair through one fan-out of
//! at most `concurrency` tasks, so 100 accounts × 17 regions never open 1,700 connections;
//! IAM exports (one global call chain per account) at most [`IAM_IN_FLIGHT`] at once,
//! alongside. An account whose role cannot be assumed is recorded with the error, never
//! skipped.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

use super::retry::{self, RetryPolicy};
use crate::model::organization::{Assumed, AssumedAccount, Sweep};
use crate::model::{IamData, RegionDetectors, RegionInfo};
use crate::progress::Tick;

/// At most this many IAM exports in flight (each is a chain of large pages).
pub const IAM_IN_FLIGHT: usize = 4;

/// Default (account, region) reads at once. Higher than one account's region fan-out (20):
/// each account has its own GuardDuty quotas per region, so the bound is on connections.
/// 100 accounts × 17 regions take 14–15 s at 50 against the emulator with 20 ms per request,
/// 18–21 s at 20 (docs/performance.md).
pub const SWEEP_CONCURRENCY: usize = 50;

/// How long the assumed credentials last: AWS's minimum, ample for one sweep.
const SESSION: Duration = Duration::from_secs(900);

/// Which role to assume in each account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSpec {
    /// A role name (optionally with a path, `path/name`), in every account.
    Name(String),
    /// A full ARN in which `{account_id}` stands for each account's id.
    ArnTemplate(String),
}

impl RoleSpec {
    /// A name, or an ARN template when the text starts with `arn:`.
    pub fn parse(text: &str) -> RoleSpec {
        if text.starts_with("arn:") {
            RoleSpec::ArnTemplate(text.to_owned())
        } else {
            RoleSpec::Name(text.trim_start_matches('/').to_owned())
        }
    }

    /// The role ARN in `account_id`, in the partition of `home_region`.
    pub fn arn(&self, account_id: &str, home_region: &str) -> String {
        match self {
            RoleSpec::Name(name) => {
                format!(
                    "arn:{}:iam::{account_id}:role/{name}",
                    partition(home_region)
                )
            }
            RoleSpec::ArnTemplate(template) => template.replace("{account_id}", account_id),
        }
    }

    fn as_text(&self) -> &str {
        match self {
            RoleSpec::Name(text) | RoleSpec::ArnTemplate(text) => text,
        }
    }
}

/// The AWS partition a region belongs to.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// What to do in each account.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub role: RoleSpec,
    /// Sent as `ExternalId` when the role's trust policy asks for one; never recorded.
    pub external_id: Option<String>,
    /// `RoleSessionName`, visible in each account's CloudTrail.
    pub session_name: String,
    /// Also read each account's IAM export (`permissions`, `audit`).
    pub iam: bool,
    /// At most this many AssumeRole calls, and (account, region) reads, at once (each account
    /// has its own GuardDuty limits per region, so this bounds connections, not one quota).
    pub concurrency: usize,
}

impl SweepOptions {
    pub fn new(role: RoleSpec) -> SweepOptions {
        SweepOptions {
            role,
            external_id: None,
            session_name: "gdaudit".into(),
            iam: false,
            concurrency: SWEEP_CONCURRENCY,
        }
    }
}

/// Sweeps `account_ids` (in that order) over `regions` with credentials from the caller's
/// `config`. Every account is in the result: with its data, or with why not.
pub async fn sweep(
    config: &SdkConfig,
    account_ids: &[String],
    regions: &[RegionInfo],
    options: &SweepOptions,
    progress: &Tick,
) -> Sweep {
    sweep_with(
        &aws_sdk_sts::Client::new(config),
        config,
        account_ids,
        regions,
        options,
        progress,
    )
    .await
}

/// [`sweep`] with a given STS client (tests inject faults through it).
pub async fn sweep_with(
    sts: &aws_sdk_sts::Client,
    config: &SdkConfig,
    account_ids: &[String],
    regions: &[RegionInfo],
    options: &SweepOptions,
    progress: &Tick,
) -> Sweep {
    let home = super::home_region(config);
    progress.add_total(account_ids.len() as u64);

    // 1. A session in each account.
    let assumed = super::fan_out(account_ids.to_vec(), options.concurrency, |account_id| {
        let sts = aws_sdk_sts::Client::clone(sts);
        let arn = options.role.arn(&account_id, &home);
        let external_id = options.external_id.clone();
        let session_name = options.session_name.clone();
        let progress = progress.clone();
        async move {
            let result = assume(&sts, &arn, &session_name, external_id).await;
            progress.inc();
            result
        }
    })
    .await;
    let sessions: Vec<Result<SdkConfig, crate::model::CollectError>> = assumed
        .into_iter()
        .map(|result| {
            let credentials =
                result.unwrap_or_else(|| Err(super::internal_error("sts:AssumeRole")))?;
            Ok(config
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(credentials))
                .build())
        })
        .collect();

    // 2. Every (account, region) pair through one bounded pool; IAM exports alongside.
    let pairs: Vec<(usize, SdkConfig, RegionInfo)> = sessions
        .iter()
        .enumerate()
        .filter_map(|(index, session)| session.as_ref().ok().map(|c| (index, c.clone())))
        .flat_map(|(index, session)| {
            regions
                .iter()
                .map(move |region| (index, session.clone(), region.clone()))
        })
        .collect();
    progress.add_total(pairs.len() as u64);
    let pair_keys: Vec<(usize, RegionInfo)> =
        pairs.iter().map(|(i, _, r)| (*i, r.clone())).collect();
    let iam_accounts: Vec<(usize, SdkConfig)> = if options.iam {
        sessions
            .iter()
            .enumerate()
            .filter_map(|(index, session)| session.as_ref().ok().map(|c| (index, c.clone())))
            .collect()
    } else {
        Vec::new()
    };
    let iam_keys: Vec<usize> = iam_accounts.iter().map(|(i, _)| *i).collect();

    let detectors = super::fan_out(pairs, options.concurrency, |(_, session, region)| {
        let client = guardduty_client(&session, &region.name);
        let progress = progress.clone();
        async move {
            let result = super::guardduty::collect_region(&client, region).await;
            progress.inc();
            result
        }
    });
    let iam = super::fan_out(iam_accounts, IAM_IN_FLIGHT, |(_, session)| async move {
        let (details, error) = super::iam::authorization_details(&session).await;
        IamData {
            authorization_details: details,
            error,
        }
    });
    let (detectors, iam) = tokio::join!(detectors, iam);

    // 3. Back into one entry per account, in the order given.
    let mut accounts: Vec<AssumedAccount> = account_ids
        .iter()
        .zip(&sessions)
        .map(|(account_id, session)| AssumedAccount {
            account_id: account_id.clone(),
            assumed: match session {
                Ok(_) => Assumed::Ok,
                Err(error) => Assumed::Error(error.clone()),
            },
            detectors: session.as_ref().ok().map(|_| Vec::new()),
            iam: None,
        })
        .collect();
    for ((index, region), result) in pair_keys.into_iter().zip(detectors) {
        let region_data = result.unwrap_or_else(|| RegionDetectors {
            region: region.name.clone(),
            opt_status: region.opt_status,
            detectors: None,
            administrator: None,
            members: None,
            errors: vec![super::internal_error("guardduty")],
            objects: Default::default(),
        });
        if let Some(list) = accounts[index].detectors.as_mut() {
            list.push(region_data);
        }
    }
    for (index, result) in iam_keys.into_iter().zip(iam) {
        accounts[index].iam = Some(result.unwrap_or_else(|| IamData {
            authorization_details: Default::default(),
            error: Some(super::internal_error("iam:GetAccountAuthorizationDetails")),
        }));
    }
    Sweep {
        role: options.role.as_text().to_owned(),
        external_id: options.external_id.is_some(),
        accounts,
    }
}

fn guardduty_client(config: &SdkConfig, region: &str) -> aws_sdk_guardduty::Client {
    let conf = aws_sdk_guardduty::config::Builder::from(config)
        .region(aws_config::Region::new(region.to_owned()))
        .build();
    aws_sdk_guardduty::Client::from_conf(conf)
}

/// sts:AssumeRole, through gdaudit's retry loop; the error names the role it tried.
async fn assume(
    client: &aws_sdk_sts::Client,
    role_arn: &str,
    session_name: &str,
    external_id: Option<String>,
) -> Result<Credentials, crate::model::CollectError> {
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let out = retry::unpaced("sts:AssumeRole", &policy, || {
        client
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .set_external_id(external_id.clone())
            .duration_seconds(SESSION.as_secs() as i32)
            .customize()
            .config_override(crate::no_sdk_retries!(aws_sdk_sts))
            .send()
    })
    .await
    .map_err(|mut error| {
        error.message = format!("{} (role {role_arn})", error.message);
        error
    })?;
    let Some(creds) = out.credentials() else {
        return Err(crate::model::CollectError {
            kind: crate::model::ErrorKind::Other,
            operation: "sts:AssumeRole".into(),
            code: None,
            message: format!("AWS returned no credentials (role {role_arn})"),
        });
    };
    let expiry = SystemTime::try_from(*creds.expiration()).ok();
    Ok(Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_owned()),
        expiry,
        "gdaudit-assume-role",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_and_templates_become_arns() {
        let name = RoleSpec::parse("audit/GdauditRead");
        assert_eq!(
            name.arn("111122223333", "eu-west-1"),
            "arn:aws:iam::111122223333:role/audit/GdauditRead"
        );
        assert_eq!(
            RoleSpec::parse("R").arn("111122223333", "cn-north-1"),
            "arn:aws-cn:iam::111122223333:role/R"
        );
        let template = RoleSpec::parse("arn:aws:iam::{account_id}:role/OrgRead");
        assert_eq!(
            template.arn("444455556666", "us-east-1"),
            "arn:aws:iam::444455556666:role/OrgRead"
        );
    }
}
