//! `--org`: what an organization run collects, and its sections: the organization's
//! coverage, then the administrator's own detectors (delegated mode) or every account's
//! detectors and IAM (assume-role mode).

use super::RunError;
use super::acquire::OrgNeeds;
use crate::assess;
use crate::aws::assume::{RoleSpec, SweepOptions};
use crate::checks::objects::ObjectCheckOptions;
use crate::cli::OrgArgs;
use crate::iam::{self, EvalOptions};
use crate::model::Snapshot;
use crate::model::organization::{Assumed, OrgData};
use crate::report::Section;

/// The collection an organization run needs (`None` without `--org`).
pub fn needs(args: &OrgArgs, iam: bool, concurrency: u16) -> Option<OrgNeeds> {
    if !args.org {
        return None;
    }
    Some(OrgNeeds {
        sweep: args.assume_role.as_ref().map(|role| {
            let mut options = SweepOptions::new(RoleSpec::parse(role));
            options.external_id = args.external_id.clone();
            options.iam = iam;
            // Accounts × regions are many more than one account's regions: at least the
            // sweep's own default in flight (the requests are spread over accounts).
            options.concurrency =
                usize::from(concurrency).max(crate::aws::assume::SWEEP_CONCURRENCY);
            options
        }),
    })
}

/// The organization's sections for `detectors --org`: its coverage and findings, then each
/// account's (or the administrator's) detector sections.
pub fn detector_sections(
    snapshot: &Snapshot,
    checks: &ObjectCheckOptions,
) -> Result<Vec<Section>, RunError> {
    let org = organization(snapshot)?;
    let caller = snapshot.account.id.as_deref();
    let mut sections = vec![assess::organization::assess(org, caller)];
    match &org.sweep {
        None => sections.push(assess::detectors::assess_with(
            caller,
            snapshot.detectors.as_deref().unwrap_or_default(),
            checks,
        )),
        Some(sweep) => {
            for account in &sweep.accounts {
                if let (Assumed::Ok, Some(regions)) = (&account.assumed, &account.detectors) {
                    let mut section = assess::detectors::assess(Some(&account.account_id), regions);
                    name_account(&mut section, &account.account_id);
                    sections.push(section);
                }
            }
        }
    }
    Ok(sections)
}

/// Each swept account's permissions section, with the SCPs along its OU chain (the
/// management account is exempt from SCPs). `None` outside assume-role mode.
pub fn permission_sections(
    snapshot: &Snapshot,
    base: &EvalOptions,
) -> Result<Option<Vec<Section>>, RunError> {
    let org = organization(snapshot)?;
    let Some(sweep) = &org.sweep else {
        return Ok(None);
    };
    let management = org
        .organization
        .as_ref()
        .map(|o| o.management_account_id.as_str());
    let accounts: Vec<_> = sweep
        .accounts
        .iter()
        .filter(|a| matches!(a.assumed, Assumed::Ok))
        .collect();
    let organization_id = org.organization.as_ref().map(|o| o.id.as_str());
    // Each account's input is made from the snapshot when it is judged (again when roles of
    // other accounts that trust it reach more), so only one export is copied at a time.
    let make = |i: usize| {
        let account = accounts[i];
        let mut input = assess::permissions::Input::from_collected(
            account.iam.clone(),
            Some(account.account_id.clone()),
            "api",
        );
        if account.iam.is_none() {
            input
                .incomplete
                .push("the IAM export was not read".to_owned());
        }
        let mut opts = EvalOptions {
            privileged_globs: base.privileged_globs.clone(),
            scps: base.scps.clone(),
            progress: base.progress.clone(),
            ..EvalOptions::default()
        };
        if Some(account.account_id.as_str()) != management {
            match scp_levels(org, &account.account_id) {
                Ok(levels) => opts.scps = levels,
                Err(why) => input.incomplete.push(why),
            }
        }
        (input, opts)
    };
    let mut sections = assess::permissions::assess_accounts(accounts.len(), organization_id, make);
    for (section, account) in sections.iter_mut().zip(&accounts) {
        name_account(section, &account.account_id);
    }
    Ok(Some(sections))
}

/// The SCPs of an account by level, root first, from the organization's policies.
fn scp_levels(org: &OrgData, account: &str) -> Result<Vec<Vec<iam::ScpPolicy>>, String> {
    let Some(scps) = &org.scps else {
        return Err("its SCPs were not read: verdicts ignore them".to_owned());
    };
    let Some(chain) = org.scp_chain(account) else {
        return Err("its place in the OU tree is unknown: verdicts ignore SCPs".to_owned());
    };
    let mut levels = Vec::new();
    for target in &chain {
        let Some(attached) = scps.attached.get(target) else {
            return Err(format!(
                "the SCPs attached to {target} could not be read: verdicts ignore SCPs"
            ));
        };
        let mut documents = Vec::new();
        for id in attached {
            let content = scps
                .policies
                .get(id)
                .and_then(|p| p.content.as_deref())
                .ok_or_else(|| format!("SCP {id} could not be read: verdicts ignore SCPs"))?;
            let value: serde_json::Value = serde_json::from_str(content)
                .map_err(|e| format!("SCP {id} is not JSON ({e}): verdicts ignore SCPs"))?;
            documents.push(value);
        }
        levels.push(serde_json::Value::Array(documents));
    }
    iam::scp_levels_from_json(&serde_json::Value::Array(levels))
        .map_err(|e| format!("its SCPs could not be read ({e}): verdicts ignore them"))
}

/// Prefixes what a per-account section could not check with the account.
fn name_account(section: &mut Section, account: &str) {
    for reason in &mut section.incomplete {
        *reason = format!("account {account}: {reason}");
    }
}

fn organization(snapshot: &Snapshot) -> Result<&OrgData, RunError> {
    snapshot.organization.as_ref().ok_or_else(|| {
        RunError::Usage("no organization data was collected (is --org given?)".to_owned())
    })
}
