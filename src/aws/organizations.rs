//! Organizations reads (DescribeOrganization, ListAccounts, ListRoots, the OU tree walk with
//! ListOrganizationalUnitsForParent and ListAccountsForParent, and ListPoliciesForTarget /
//! DescribePolicy for SCPs), turned into `model::organization` types; and [`collect_org`],
//! the whole delegated-administrator collection (Organizations + GuardDuty per region).
//!
//! Pacing: Organizations is one global endpoint whose API is rate-limited per account, far
//! below GuardDuty's per-region limits. Every Organizations request here first takes a permit
//! from one [`Pacer`] shared by the whole collection, so at most [`ORG_MAX_IN_FLIGHT`] are in
//! flight at once, however many OUs or accounts there are. Every attempt, retries included,
//! takes its own permit, and throttling, HTTP 5xx, time-outs and resets are retried through
//! gdaudit's one retry loop (`super::retry`: bounded, jittered backoff; no permit is held
//! while waiting). Account places in the tree come from walking it (one listing per OU),
//! never from one ListParents per account.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aws_config::SdkConfig;
use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{Account, PolicyType};
use aws_smithy_types::date_time::Format;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::retry::{self, RetryPolicy};
use crate::model::RegionInfo;
use crate::model::organization::{
    AccountStatus, OrgAccount, OrgData, OrgRoot, Organization, OrganizationalUnit, OuRef, ScpData,
    ScpPolicy, TargetError,
};
use crate::progress::Tick;

/// At most this many Organizations requests in flight for one collection.
pub const ORG_MAX_IN_FLIGHT: usize = 4;

/// What to read besides the accounts and the tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgOptions {
    /// Read the SCPs along every account's OU chain (the assume-role mode applies them).
    pub scps: bool,
}

/// Bounds the Organizations requests in flight (see the module documentation).
#[derive(Debug, Clone)]
pub struct Pacer(Arc<Semaphore>);

impl Pacer {
    pub fn new(in_flight: usize) -> Pacer {
        Pacer(Arc::new(Semaphore::new(in_flight.max(1))))
    }

    /// Waits for a slot; the slot is free again when the permit is dropped.
    async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        // The semaphore is never closed, so acquiring only fails if it were.
        Arc::clone(&self.0).acquire_owned().await.ok()
    }
}

/// The delegated-administrator collection: Organizations (accounts, OU tree, and SCPs when
/// `options.scps`) and the GuardDuty organization view of every region in `regions`, at most
/// `concurrency` regions at once, all with the caller's credentials. Nothing fails as a
/// whole: every call that failed is recorded where its data would be.
pub async fn collect_org(
    config: &SdkConfig,
    regions: &[RegionInfo],
    concurrency: usize,
    options: OrgOptions,
    progress: &Tick,
) -> OrgData {
    // `progress` counts regions; Organizations requests are not regions.
    let no_progress = Tick::default();
    let (mut data, regions) = tokio::join!(
        collect_organization(config, options, &no_progress),
        super::guardduty_org::collect_regions(config, regions, concurrency, progress),
    );
    data.regions = regions;
    data
}

/// The Organizations client for `config` (its retry budget is gdaudit's, see the module docs).
pub fn client(config: &SdkConfig) -> Client {
    Client::new(config)
}

/// One Organizations request through the retry loop; every attempt waits for a slot of
/// `pacer`, and `progress` counts the request once, however often it was tried.
async fn request<T, E, F, Fut>(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
    operation: &str,
    mut send: F,
) -> Result<T, crate::model::CollectError>
where
    E: aws_sdk_organizations::error::ProvideErrorMetadata + std::error::Error + 'static,
    F: FnMut() -> Fut,
    Fut: std::future::Future<
            Output = Result<T, aws_sdk_organizations::error::SdkError<E, retry::HttpResponse>>,
        >,
{
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    progress.add_total(1);
    let result = retry::unpaced(operation, &policy, || {
        let attempt = send();
        async move {
            let _slot = pacer.slot().await;
            attempt.await
        }
    })
    .await;
    progress.inc();
    result
}

/// `no_sdk_retries!` for Organizations.
macro_rules! once {
    () => {
        crate::no_sdk_retries!(aws_sdk_organizations)
    };
}

/// Reads the organization, its accounts and its OU tree (and SCPs when asked). `progress`
/// counts Organizations requests.
pub async fn collect_organization(
    config: &SdkConfig,
    options: OrgOptions,
    progress: &Tick,
) -> OrgData {
    collect_organization_with(&client(config), options, progress).await
}

/// [`collect_organization`] with a given client (tests inject faults through it).
pub async fn collect_organization_with(
    client: &Client,
    options: OrgOptions,
    progress: &Tick,
) -> OrgData {
    let pacer = Pacer::new(ORG_MAX_IN_FLIGHT);
    let mut data = OrgData::default();

    let (organization, accounts, tree) = tokio::join!(
        describe_organization(client, &pacer, progress),
        list_accounts(client, &pacer, progress),
        walk_tree(client, &pacer, progress),
    );
    match organization {
        Ok(org) => data.organization = Some(org),
        Err(error) => data.errors.push(error),
    }
    let Tree {
        roots,
        units,
        parent_of_account,
        accounts: walked_accounts,
        errors: tree_errors,
    } = tree;
    let mut accounts = match accounts {
        Ok(accounts) => Some(accounts),
        Err(error) => {
            data.errors.push(error);
            // The walk lists the same account records; use them rather than nothing. The
            // run is still incomplete: the ListAccounts error is kept.
            (!walked_accounts.is_empty()).then_some(walked_accounts)
        }
    };
    data.errors.extend(tree_errors);

    // Each account's path, root first, from the walk.
    let names: HashMap<&str, (&str, Option<&str>)> = roots
        .iter()
        .map(|r| (r.id.as_str(), (r.name.as_str(), None)))
        .chain(
            units
                .iter()
                .map(|u| (u.id.as_str(), (u.name.as_str(), Some(u.parent_id.as_str())))),
        )
        .collect();
    if let Some(accounts) = accounts.as_mut() {
        for account in accounts.iter_mut() {
            account.ou_path = parent_of_account
                .get(&account.id)
                .and_then(|parent| path_to(parent, &names));
        }
    }
    data.accounts = accounts;
    data.roots = roots;
    data.units = units;

    if options.scps {
        data.scps = Some(collect_scps(client, &pacer, &data, progress).await);
    }
    data
}

/// The path from the root to `parent`, following parents up; `None` if a link is missing.
fn path_to(parent: &str, names: &HashMap<&str, (&str, Option<&str>)>) -> Option<Vec<OuRef>> {
    let mut path = Vec::new();
    let mut next = Some(parent);
    while let Some(id) = next {
        let (name, up) = names.get(id)?;
        path.push(OuRef {
            id: id.to_owned(),
            name: (*name).to_owned(),
        });
        next = *up;
        if path.len() > 10 {
            // Organizations allows five levels of OUs; a longer chain is a cycle.
            return None;
        }
    }
    path.reverse();
    Some(path)
}

async fn describe_organization(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
) -> Result<Organization, crate::model::CollectError> {
    let operation = "organizations:DescribeOrganization";
    let out = request(client, pacer, progress, operation, || {
        client
            .describe_organization()
            .customize()
            .config_override(once!())
            .send()
    })
    .await?;
    let org = out.organization();
    Ok(Organization {
        id: org.and_then(|o| o.id()).unwrap_or_default().to_owned(),
        arn: org.and_then(|o| o.arn()).map(str::to_owned),
        management_account_id: org
            .and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_owned(),
        management_account_email: org
            .and_then(|o| o.master_account_email())
            .map(str::to_owned),
        feature_set: org
            .and_then(|o| o.feature_set())
            .map(|f| f.as_str().to_owned()),
    })
}

fn account_from(account: &Account) -> Option<OrgAccount> {
    Some(OrgAccount {
        id: account.id()?.to_owned(),
        name: account.name().unwrap_or_default().to_owned(),
        email: account.email().map(str::to_owned),
        status: account
            .status()
            .map(|s| AccountStatus::parse(s.as_str()))
            .unwrap_or(AccountStatus::Unknown),
        joined_method: account.joined_method().map(|m| m.as_str().to_owned()),
        joined_at: account
            .joined_timestamp()
            .and_then(|t| t.fmt(Format::DateTime).ok()),
        ou_path: None,
    })
}

/// ListAccounts, every page (sequential: each page needs the previous page's token).
async fn list_accounts(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
) -> Result<Vec<OrgAccount>, crate::model::CollectError> {
    let operation = "organizations:ListAccounts";
    super::pages(operation, |token| async move {
        let page = request(client, pacer, progress, operation, || {
            client
                .list_accounts()
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await?;
        let items = page.accounts().iter().filter_map(account_from).collect();
        Ok((items, page.next_token().map(str::to_owned)))
    })
    .await
}

/// What the tree walk found.
#[derive(Default)]
struct Tree {
    roots: Vec<OrgRoot>,
    units: Vec<OrganizationalUnit>,
    /// Account id -> the root or OU that holds it.
    parent_of_account: HashMap<String, String>,
    /// The account records ListAccountsForParent returned (a fallback for ListAccounts).
    accounts: Vec<OrgAccount>,
    errors: Vec<crate::model::CollectError>,
}

/// What one parent holds.
struct Children {
    parent: String,
    units: Result<Vec<OrganizationalUnit>, crate::model::CollectError>,
    accounts: Result<Vec<OrgAccount>, crate::model::CollectError>,
}

/// Walks the tree from each root, one level at a time; the parents of a level are read
/// concurrently (within the pacer's bound).
async fn walk_tree(client: &Client, pacer: &Pacer, progress: &Tick) -> Tree {
    let mut tree = Tree::default();
    match list_roots(client, pacer, progress).await {
        Ok(roots) => tree.roots = roots,
        Err(error) => {
            tree.errors.push(error);
            return tree;
        }
    }
    let mut level: Vec<String> = tree.roots.iter().map(|r| r.id.clone()).collect();
    let mut seen: BTreeSet<String> = level.iter().cloned().collect();
    while !level.is_empty() {
        let mut tasks = tokio::task::JoinSet::new();
        for parent in level.drain(..) {
            let client = Client::clone(client);
            let pacer = pacer.clone();
            let progress = progress.clone();
            tasks.spawn(async move {
                let (units, accounts) = tokio::join!(
                    list_units(&client, &pacer, &progress, &parent),
                    list_accounts_for_parent(&client, &pacer, &progress, &parent),
                );
                Children {
                    parent,
                    units,
                    accounts,
                }
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(children) => results.push(children),
                Err(_) => tree.errors.push(super::internal_error(
                    "organizations:ListOrganizationalUnitsForParent",
                )),
            }
        }
        // Same order whatever order the tasks finished in.
        results.sort_by(|a, b| a.parent.cmp(&b.parent));
        for children in results {
            match children.units {
                Ok(units) => {
                    for unit in units {
                        if seen.insert(unit.id.clone()) {
                            level.push(unit.id.clone());
                            tree.units.push(unit);
                        }
                    }
                }
                Err(error) => tree.errors.push(error),
            }
            match children.accounts {
                Ok(accounts) => {
                    for account in accounts {
                        tree.parent_of_account
                            .insert(account.id.clone(), children.parent.clone());
                        tree.accounts.push(account);
                    }
                }
                Err(error) => tree.errors.push(error),
            }
        }
    }
    tree
}

async fn list_roots(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
) -> Result<Vec<OrgRoot>, crate::model::CollectError> {
    let operation = "organizations:ListRoots";
    super::pages(operation, |token| async move {
        let page = request(client, pacer, progress, operation, || {
            client
                .list_roots()
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await?;
        let items = page
            .roots()
            .iter()
            .filter_map(|root| {
                Some(OrgRoot {
                    id: root.id()?.to_owned(),
                    name: root.name().unwrap_or("Root").to_owned(),
                    policy_types: root
                        .policy_types()
                        .iter()
                        .filter_map(|p| {
                            Some((
                                p.r#type()?.as_str().to_owned(),
                                p.status()?.as_str().to_owned(),
                            ))
                        })
                        .collect(),
                })
            })
            .collect();
        Ok((items, page.next_token().map(str::to_owned)))
    })
    .await
}

fn with_parent(mut error: crate::model::CollectError, parent: &str) -> crate::model::CollectError {
    error.message = format!("{} (parent {parent})", error.message);
    error
}

async fn list_units(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
    parent: &str,
) -> Result<Vec<OrganizationalUnit>, crate::model::CollectError> {
    let operation = "organizations:ListOrganizationalUnitsForParent";
    super::pages(operation, |token| async move {
        let page = request(client, pacer, progress, operation, || {
            client
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await
        .map_err(|e| with_parent(e, parent))?;
        let items = page
            .organizational_units()
            .iter()
            .filter_map(|unit| {
                Some(OrganizationalUnit {
                    id: unit.id()?.to_owned(),
                    name: unit.name().unwrap_or_default().to_owned(),
                    parent_id: parent.to_owned(),
                })
            })
            .collect();
        Ok((items, page.next_token().map(str::to_owned)))
    })
    .await
}

async fn list_accounts_for_parent(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
    parent: &str,
) -> Result<Vec<OrgAccount>, crate::model::CollectError> {
    let operation = "organizations:ListAccountsForParent";
    super::pages(operation, |token| async move {
        let page = request(client, pacer, progress, operation, || {
            client
                .list_accounts_for_parent()
                .parent_id(parent)
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await
        .map_err(|e| with_parent(e, parent))?;
        let items = page.accounts().iter().filter_map(account_from).collect();
        Ok((items, page.next_token().map(str::to_owned)))
    })
    .await
}

/// SCPs attached to every root, OU and account on an account's chain, each policy described
/// once. Skipped (empty) when the root says the SCP policy type is not enabled: then no SCP
/// applies anywhere.
async fn collect_scps(client: &Client, pacer: &Pacer, data: &OrgData, progress: &Tick) -> ScpData {
    let mut scps = ScpData::default();
    let disabled = !data.roots.is_empty()
        && data.roots.iter().all(|root| {
            !root.policy_types.is_empty()
                && root
                    .policy_types
                    .get("SERVICE_CONTROL_POLICY")
                    .is_none_or(|status| status != "ENABLED")
        });
    if disabled {
        return scps;
    }
    let mut targets: BTreeSet<String> = data.roots.iter().map(|r| r.id.clone()).collect();
    for account in data.accounts.iter().flatten() {
        targets.extend(account.ou_path.iter().flatten().map(|p| p.id.clone()));
        targets.insert(account.id.clone());
    }

    let mut tasks = tokio::task::JoinSet::new();
    for target in targets {
        let client = Client::clone(client);
        let pacer = pacer.clone();
        let progress = progress.clone();
        tasks.spawn(async move {
            let result = policies_for_target(&client, &pacer, &progress, &target).await;
            (target, result)
        });
    }
    let mut summaries: BTreeMap<String, ScpPolicy> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((target, result)) = joined else {
            scps.errors.push(TargetError {
                target: String::new(),
                error: super::internal_error("organizations:ListPoliciesForTarget"),
            });
            continue;
        };
        match result {
            Ok(policies) => {
                let ids = policies.iter().map(|p| p.id.clone()).collect();
                for policy in policies {
                    summaries.entry(policy.id.clone()).or_insert(policy);
                }
                scps.attached.insert(target, ids);
            }
            Err(error) => scps.errors.push(TargetError { target, error }),
        }
    }

    let mut tasks = tokio::task::JoinSet::new();
    for (id, mut policy) in summaries {
        let client = Client::clone(client);
        let pacer = pacer.clone();
        let progress = progress.clone();
        tasks.spawn(async move {
            let operation = "organizations:DescribePolicy";
            let result = request(&client, &pacer, &progress, operation, || {
                client
                    .describe_policy()
                    .policy_id(&id)
                    .customize()
                    .config_override(once!())
                    .send()
            })
            .await;
            match result {
                Ok(out) => {
                    policy.content = out.policy().and_then(|p| p.content()).map(str::to_owned);
                    (policy, None)
                }
                Err(error) => (policy, Some(error)),
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((policy, error)) = joined else {
            scps.errors.push(TargetError {
                target: String::new(),
                error: super::internal_error("organizations:DescribePolicy"),
            });
            continue;
        };
        if let Some(error) = error {
            scps.errors.push(TargetError {
                target: policy.id.clone(),
                error,
            });
        }
        scps.policies.insert(policy.id.clone(), policy);
    }
    scps.errors.sort_by(|a, b| a.target.cmp(&b.target));
    scps
}

async fn policies_for_target(
    client: &Client,
    pacer: &Pacer,
    progress: &Tick,
    target: &str,
) -> Result<Vec<ScpPolicy>, crate::model::CollectError> {
    let operation = "organizations:ListPoliciesForTarget";
    super::pages(operation, |token| async move {
        let page = request(client, pacer, progress, operation, || {
            client
                .list_policies_for_target()
                .target_id(target)
                .filter(PolicyType::ServiceControlPolicy)
                .set_next_token(token.clone())
                .customize()
                .config_override(once!())
                .send()
        })
        .await?;
        let items = page
            .policies()
            .iter()
            .filter_map(|p| {
                Some(ScpPolicy {
                    id: p.id()?.to_owned(),
                    name: p.name().unwrap_or_default().to_owned(),
                    aws_managed: p.aws_managed(),
                    content: None,
                })
            })
            .collect();
        Ok((items, page.next_token().map(str::to_owned)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_parents_up_to_the_root() {
        let names: HashMap<&str, (&str, Option<&str>)> = [
            ("r-1", ("Root", None)),
            ("ou-a", ("Workloads", Some("r-1"))),
            ("ou-b", ("Prod", Some("ou-a"))),
            ("ou-x", ("Loop", Some("ou-x"))),
        ]
        .into_iter()
        .collect();
        let path = path_to("ou-b", &names).unwrap_or_default();
        let ids: Vec<&str> = path.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["r-1", "ou-a", "ou-b"]);
        assert_eq!(path_to("ou-missing", &names), None);
        assert_eq!(path_to("ou-x", &names), None, "a cycle is no path");
    }
}
