//! Acquiring the data an audit reads: from AWS (one concurrent collection pass), from a
//! snapshot file, or from CloudTrail log files. The only part of the commands that waits
//! on the network or the disk for input.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Io, RunError};
use crate::assess::changes::Gathered;
use crate::assess::permissions::Input;
use crate::aws::athena::{QueryOptions, QuerySpec};
use crate::aws::s3::{S3Url, TrailScope};
use crate::aws::{self, ConnectOptions};
use crate::cli::GlobalArgs;
use crate::cloudtrail::{
    LogProblem, LogRead, LogReadOptions, is_log_key, merge_objects, read_log_object, read_logs,
};
use crate::iam;
use crate::model::time::Timestamp;
use crate::model::{RegionList, RegionSource, Snapshot};
use crate::progress::Progress;
use crate::report::inventory::ChangesSummary;
use crate::scope;

/// A multi-threaded runtime for the AWS calls (the audit itself is synchronous).
pub fn runtime() -> Result<tokio::runtime::Runtime, RunError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::Setup(format!("cannot start the async runtime: {e}")))
}

/// Reads a snapshot file written by `gdaudit collect`.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, RunError> {
    let bytes = crate::limits::read_bounded(path, crate::limits::MAX_SNAPSHOT_BYTES)
        .map_err(|e| RunError::Usage(format!("cannot read snapshot {}: {e}", path.display())))?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        RunError::Usage(format!(
            "snapshot {} is not a gdaudit snapshot: {e}",
            path.display()
        ))
    })?;
    if snapshot.snapshot_version > crate::model::SNAPSHOT_VERSION {
        return Err(RunError::Usage(format!(
            "snapshot {} has version {}; this gdaudit reads up to version {}",
            path.display(),
            snapshot.snapshot_version,
            crate::model::SNAPSHOT_VERSION
        )));
    }
    Ok(snapshot)
}

/// What a live collection should gather.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub detectors: bool,
    /// GuardDuty events from CloudTrail LookupEvents, in this window.
    pub changes: Option<aws::cloudtrail::LookupOptions>,
    /// The IAM account export.
    pub iam: bool,
    /// Draw progress on stderr while collecting.
    pub progress: bool,
    /// The whole organization (`--org`).
    pub org: Option<OrgNeeds>,
    /// How old an unarchived finding may get per band (with `detectors`).
    pub finding_ages: crate::model::objects::FindingAges,
    /// `--read-lists`: read the content of the active lists (with `detectors`).
    pub read_lists: Option<aws::lists::ListReadOptions>,
}

/// What an organization run collects.
#[derive(Debug, Clone)]
pub struct OrgNeeds {
    /// `--assume-role`: each account's own detectors (and IAM export) through this role;
    /// `None`: the delegated administrator's organization view.
    pub sweep: Option<aws::assume::SweepOptions>,
}

/// Collects a snapshot from AWS for the regions in scope.
pub fn collect_live(
    global: &GlobalArgs,
    needs: Needs,
    io: &mut Io<'_>,
) -> Result<Snapshot, RunError> {
    let rt = runtime()?;
    rt.block_on(async {
        let opts = ConnectOptions {
            profile: global.profile.clone(),
            home_region: global.region.clone(),
            timeout: Duration::from_secs(global.timeout),
        };
        let config = aws::connect(&opts).await.map_err(|e| RunError::Setup(e.to_string()))?;
        let (account, region_list) =
            tokio::join!(aws::sts::caller_account(&config), aws::regions::list_regions(&config));
        if let Some(error) = &account.error {
            io.note(&format!("could not learn the account id: {error}"));
        }
        if let Some(error) = &region_list.error
            && global.regions.is_empty() {
                io.note(&format!(
                    "could not list the account's regions ({error}); auditing the {} regions gdaudit knows of \
                     (opt-in regions count as not enabled where AWS rejects the call) — use --regions to choose",
                    region_list.regions.len()
                ));
            }
        let in_scope = scope::select(&region_list, &global.regions, &global.exclude_regions)?;
        let mut snapshot = Snapshot {
            snapshot_version: crate::model::SNAPSHOT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            collected_at: Timestamp::now().to_string(),
            account,
            regions: Some(RegionList {
                source: if global.regions.is_empty() || global.regions.iter().any(|r| r == "all") {
                    region_list.source
                } else {
                    RegionSource::CommandLine
                },
                regions: in_scope.clone(),
                error: region_list.error.clone(),
            }),
            detectors: None,
            changes: None,
            iam: None,
            organization: None,
        };
        let concurrency = usize::from(global.concurrency);
        let mut progress = Progress::new(needs.progress);
        let regions_tick = progress.counter("regions");
        let mut needs = needs;
        if let Some(opts) = &mut needs.changes {
            opts.pages = progress.counter("CloudTrail pages");
        }
        let names: Vec<String> = in_scope.iter().filter(|r| r.opt_status.is_enabled()).map(|r| r.name.clone()).collect();
        let org_tick = progress.counter("organization calls");
        let organization = async {
            let org = needs.org.as_ref()?;
            Some(match &org.sweep {
                None => {
                    aws::organizations::collect_org(
                        &config,
                        &in_scope,
                        concurrency,
                        aws::organizations::OrgOptions { scps: false },
                        &org_tick,
                    )
                    .await
                }
                Some(sweep) => {
                    // SCPs are applied to each account's IAM verdicts, so read them too.
                    let mut data = aws::organizations::collect_organization(
                        &config,
                        aws::organizations::OrgOptions { scps: sweep.iam },
                        &org_tick,
                    )
                    .await;
                    // Every active account is swept; closed ones are listed, not swept.
                    let ids: Vec<String> = data
                        .accounts
                        .iter()
                        .flatten()
                        .filter(|a| a.status == crate::model::organization::AccountStatus::Active)
                        .map(|a| a.id.clone())
                        .collect();
                    data.sweep =
                        Some(aws::assume::sweep(&config, &ids, &in_scope, sweep, &org_tick).await);
                    data
                }
            })
        };
        let detectors = async {
            // The delegated administrator's own detectors come with the organization view.
            if needs.detectors && needs.org.is_none() {
                let opts = aws::guardduty::ObjectOptions {
                    finding_ages: needs.finding_ages,
                    now: Timestamp::now(),
                };
                Some(aws::guardduty::collect_regions_with(&config, &in_scope, concurrency, &regions_tick, &opts).await)
            } else {
                None
            }
        };
        let changes = async {
            match &needs.changes {
                Some(opts) => Some(crate::model::changes::ChangesData {
                    since: opts.since,
                    until: opts.until,
                    include_read_only: opts.include_read_only,
                    regions: aws::cloudtrail::lookup_regions(&config, &names, concurrency, opts).await,
                }),
                None => None,
            }
        };
        let iam = async {
            if needs.iam {
                let (authorization_details, error) = aws::iam::authorization_details(&config).await;
                Some(crate::model::IamData { authorization_details, error })
            } else {
                None
            }
        };
        // The audits share one collection pass and run at the same time.
        let (detectors, changes, iam, organization) =
            tokio::join!(detectors, changes, iam, organization);
        snapshot.detectors = match (&organization, detectors) {
            (Some(org), None) if needs.detectors && org.sweep.is_none() => {
                Some(org.regions.iter().map(|r| r.own.clone()).collect())
            }
            (_, detectors) => detectors,
        };
        if let (Some(opts), Some(regions)) = (needs.read_lists, snapshot.detectors.as_mut()) {
            aws::lists::read_lists(&config, regions, opts).await;
        }
        snapshot.organization = organization;
        snapshot.changes = changes;
        snapshot.iam = iam;
        progress.finish();
        Ok(snapshot)
    })
}

/// Gets the data for a command: from `--snapshot` (no AWS call) or from AWS.
pub fn acquire(global: &GlobalArgs, needs: Needs, io: &mut Io<'_>) -> Result<Snapshot, RunError> {
    let Some(path) = &global.snapshot else {
        return collect_live(global, needs, io);
    };
    let mut snapshot = load_snapshot(path)?;
    // Scope a snapshot like a live run, against the regions it holds.
    if let Some(list) = &snapshot.regions {
        let as_api = RegionList {
            source: RegionSource::AccountApi,
            ..list.clone()
        };
        let in_scope = scope::select(&as_api, &global.regions, &global.exclude_regions)?;
        if let Some(detectors) = &mut snapshot.detectors {
            detectors.retain(|d| in_scope.iter().any(|r| r.name == d.region));
        }
        if let Some(changes) = &mut snapshot.changes {
            changes
                .regions
                .retain(|d| in_scope.iter().any(|r| r.name == d.region));
        }
        if let Some(org) = &mut snapshot.organization {
            let keep = |name: &str| in_scope.iter().any(|r| r.name == name);
            org.regions.retain(|r| keep(&r.region));
            for account in org.sweep.iter_mut().flat_map(|s| s.accounts.iter_mut()) {
                if let Some(regions) = &mut account.detectors {
                    regions.retain(|r| keep(&r.region));
                }
            }
        }
    }
    if needs.org.is_some() && snapshot.organization.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no organization data: collect it with `gdaudit collect --org`",
            path.display()
        )));
    }
    if needs.detectors && needs.org.is_none() && snapshot.detectors.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no detector data: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    if needs.iam && snapshot.iam.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no IAM data: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    if needs.changes.is_some() && snapshot.changes.is_none() {
        return Err(RunError::Usage(format!(
            "snapshot {} holds no CloudTrail events: collect it with `gdaudit collect`",
            path.display()
        )));
    }
    Ok(snapshot)
}

/// The GuardDuty events of CloudTrail log files (`--logs`) in `[since, until]` (`until`
/// `None`: to the files' end).
pub fn from_logs(
    paths: &[PathBuf],
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    now: Timestamp,
    settings: &crate::assess::changes::Settings,
    progress: crate::progress::Tick,
    max_file_bytes: Option<u64>,
) -> Gathered {
    let options = LogReadOptions {
        include_read_only: settings.include_read_only,
        since,
        until,
        threads: 0,
        keep_raw: settings.raw,
        progress,
        max_file_bytes,
    };
    let read = read_logs(paths, &options);
    let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    gathered_from(read, "logs", since, until.unwrap_or(now), &named.join(", "))
}

/// The events of a read of logs (files, S3 objects or query rows), with what could not be
/// read as the reasons the run is incomplete.
fn gathered_from(
    read: LogRead,
    source: &'static str,
    since: Option<Timestamp>,
    until: Timestamp,
    looked_in: &str,
) -> Gathered {
    let account = read
        .events
        .iter()
        .find_map(|e| e.account().map(str::to_owned));
    let mut incomplete: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
    // Nothing to read is not "no changes": a wrong path or an empty sync must not pass a gate.
    if read.files_read == 0 && source != "athena" {
        incomplete.push(format!("no CloudTrail log file found in {looked_in}"));
    }
    Gathered {
        account,
        regions: Vec::new(),
        incomplete,
        summary: ChangesSummary {
            source,
            since,
            until,
            events_read: read.events.len(),
            already_emitted: 0,
            files_read: (source != "athena").then_some(read.files_read),
            records_seen: Some(read.records_seen),
            bytes_scanned: None,
        },
        events: read.events,
    }
}

/// Where an organization's trail is read from, and which part of it.
pub struct TrailSource<'a> {
    pub since: Timestamp,
    pub until: Timestamp,
    pub accounts: &'a [String],
    pub settings: &'a crate::assess::changes::Settings,
    pub progress: crate::progress::Tick,
    /// The decompression bound of one object (`--max-log-size`).
    pub max_file_bytes: Option<u64>,
}

impl TrailSource<'_> {
    fn log_options(&self) -> LogReadOptions {
        LogReadOptions {
            include_read_only: self.settings.include_read_only,
            since: Some(self.since),
            until: Some(self.until),
            threads: 1,
            keep_raw: self.settings.raw,
            progress: self.progress.clone(),
            max_file_bytes: self.max_file_bytes,
        }
    }

    /// `--regions` as a list to prune by (empty: every region), and `--exclude-regions`.
    fn regions(global: &GlobalArgs) -> Vec<String> {
        if global.regions.iter().any(|r| r == "all") {
            Vec::new()
        } else {
            global.regions.clone()
        }
    }
}

async fn connect(global: &GlobalArgs) -> Result<aws::SdkConfig, RunError> {
    let opts = ConnectOptions {
        profile: global.profile.clone(),
        home_region: global.region.clone(),
        timeout: Duration::from_secs(global.timeout),
    };
    aws::connect(&opts)
        .await
        .map_err(|e| RunError::Setup(e.to_string()))
}

/// The GuardDuty events of trails in S3 (`--logs s3://…`): only the accounts, regions and
/// days asked for are listed, and each object is read as a log file is.
pub fn from_s3(
    global: &GlobalArgs,
    urls: &[S3Url],
    trail: &TrailSource<'_>,
) -> Result<Gathered, RunError> {
    let rt = runtime()?;
    let read = rt.block_on(async {
        let config = connect(global).await?;
        let client = aws::s3::client(&config, None);
        let scope = TrailScope {
            since: Some(trail.since),
            until: Some(trail.until),
            now: Some(trail.until),
            accounts: trail.accounts.to_vec(),
            regions: TrailSource::regions(global),
            exclude_regions: global.exclude_regions.clone(),
        };
        // GETs are small and many: more at once than regions.
        let concurrency = usize::from(global.concurrency).max(16);
        let (mut objects, mut problems, mut skipped) = (Vec::new(), Vec::new(), 0);
        for url in urls {
            let listing = aws::s3::list_trail(&client, url, &scope, concurrency).await;
            for (prefix, error) in listing.errors {
                problems.push(LogProblem {
                    path: PathBuf::from(prefix),
                    message: format!("could not check: {error}"),
                });
            }
            let (keys, others): (Vec<String>, Vec<String>) =
                listing.keys.into_iter().partition(|k| is_log_key(k));
            skipped += others.len();
            let (reader_url, options) = (url.clone(), trail.log_options());
            let results = aws::s3::read_objects(
                &client,
                &url.bucket,
                keys.clone(),
                concurrency,
                move |key, bytes| read_log_object(&reader_url.name(key), bytes, &options),
            )
            .await;
            for (key, result) in keys.iter().zip(results) {
                match result {
                    Ok(object) => objects.push(object),
                    Err(error) => problems.push(LogProblem {
                        path: PathBuf::from(url.name(key)),
                        message: error.to_string(),
                    }),
                }
            }
        }
        Ok::<_, RunError>(merge_objects(objects, problems, skipped))
    })?;
    let named: Vec<String> = urls.iter().map(|u| u.name(&u.prefix)).collect();
    Ok(gathered_from(
        read,
        "s3",
        Some(trail.since),
        trail.until,
        &named.join(", "),
    ))
}

/// Athena's side of `--athena-table`: where the query runs.
pub struct AthenaTarget<'a> {
    pub table: &'a str,
    pub workgroup: Option<&'a str>,
    pub output: Option<&'a str>,
}

/// The GuardDuty events of an Athena table over a trail (`--athena-table`): one query,
/// whose rows are rebuilt into records and read as a log file is.
pub fn from_athena(
    global: &GlobalArgs,
    target: &AthenaTarget<'_>,
    trail: &TrailSource<'_>,
    io: &mut Io<'_>,
) -> Result<Gathered, RunError> {
    let spec = QuerySpec {
        table: target.table.to_owned(),
        change_events: if trail.settings.include_read_only {
            Vec::new()
        } else {
            crate::catalogue::change_actions()
                .map(|a| a.name.to_owned())
                .collect()
        },
        since: Some(trail.since),
        until: Some(trail.until),
        regions: TrailSource::regions(global)
            .into_iter()
            .filter(|r| !global.exclude_regions.contains(r))
            .collect(),
        accounts: trail.accounts.to_vec(),
        exclude_regions: global.exclude_regions.clone(),
    };
    let sql = aws::athena::changes_query(&spec);
    let opts = QueryOptions {
        workgroup: target.workgroup.map(str::to_owned),
        output: target.output.map(str::to_owned),
        ..QueryOptions::default()
    };
    let rt = runtime()?;
    let result = rt.block_on(async {
        let config = connect(global).await?;
        let client = aws::athena::client(&config);
        Ok::<_, RunError>(aws::athena::run_query(&client, &sql, &opts).await)
    })?;
    let name = format!(
        "athena:{}",
        result.query_id.as_deref().unwrap_or(target.table)
    );
    // One NDJSON document of the rebuilt records, read like a log file.
    let mut text = String::new();
    for row in &result.rows {
        text.push_str(&aws::athena::row_record(&result.columns, row).to_string());
        text.push('\n');
    }
    let object = read_log_object(&name, text.as_bytes(), &trail.log_options());
    let mut problems = Vec::new();
    if let Some(error) = &result.error {
        problems.push(LogProblem {
            path: PathBuf::from(&name),
            message: error.to_string(),
        });
    }
    let read = merge_objects(vec![object], problems, 0);
    if let Some(bytes) = result.bytes_scanned {
        io.note(&format!("Athena query scanned {bytes} bytes"));
    }
    let mut gathered = gathered_from(read, "athena", Some(trail.since), trail.until, target.table);
    gathered.summary.bytes_scanned = result.bytes_scanned;
    Ok(gathered)
}

/// The IAM data of `--authorization-details FILE`.
pub fn iam_from_file(path: &Path) -> Result<Input, RunError> {
    let bytes = crate::limits::read_bounded(path, crate::limits::MAX_EXPORT_BYTES)
        .map_err(|e| RunError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let read = iam::read_export(&bytes);
    Ok(Input {
        details: read.details,
        account: None,
        source: "file",
        incomplete: read
            .problems
            .iter()
            .map(|p| format!("{}: {p}", path.display()))
            .collect(),
    })
}
