//! Benchmark of the organization collectors against the emulator (not a timed test).
//!
//! ```sh
//! cargo run --release --example bench_org -- [--accounts 1000] [--sweep-accounts 100] \
//!     [--latency-ms 20] [--concurrency 20] [--sweep-concurrency 50] [--runs 3]
//! ```
//!
//! Starts tests/support/moto.py (`--multi-account --latency-ms N`; Python from
//! `$GDAUDIT_MOTO_PYTHON`, else `.venv/bin/python`: run scripts/test once first), seeds an
//! organization of `--accounts` accounts in 10 OUs with the first one as GuardDuty delegated
//! administrator (a detector in each of the 17 default regions; every other account an
//! Enabled member, its features seeded inline), and gives the first `--sweep-accounts`
//! members a detector in every region. Then, each in a fresh child process so its peak RSS
//! is the collector's own, it times:
//!   1. `aws::organizations::collect_org` as the delegated administrator, 17 regions;
//!   2. `aws::assume::sweep` over `--sweep-accounts` accounts × 17 regions.
//!
//! Seeding pays the same per-request latency, concurrently; only the collection is timed.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use gdaudit::aws::assume::{RoleSpec, SweepOptions, sweep};
use gdaudit::aws::organizations::{OrgOptions, collect_org};
use gdaudit::aws::regions::DEFAULT_REGIONS;
use gdaudit::model::organization::Assumed;
use gdaudit::model::{RegionInfo, RegionOptStatus};
use gdaudit::progress::Tick;
use serde_json::json;

const MANAGEMENT: &str = "111111111111";
const SEED_CONCURRENCY: usize = 32;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

fn config(endpoint: &str, credentials: Credentials) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .build()
}

fn management(endpoint: &str) -> SdkConfig {
    config(
        endpoint,
        Credentials::new("testing", "testing", None, None, "bench"),
    )
}

async fn config_in(endpoint: &str, account: &str) -> SdkConfig {
    let out = aws_sdk_sts::Client::new(&management(endpoint))
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/bench"))
        .role_session_name("bench")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    config(
        endpoint,
        Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            None,
            "bench",
        ),
    )
}

fn regions() -> Vec<RegionInfo> {
    DEFAULT_REGIONS
        .iter()
        .map(|name| RegionInfo {
            name: (*name).to_owned(),
            opt_status: RegionOptStatus::EnabledByDefault,
        })
        .collect()
}

/// Runs `work` over `items`, `SEED_CONCURRENCY` at once.
async fn each<T, F, Fut>(items: Vec<T>, work: F)
where
    T: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    gdaudit::aws::fan_out(items, SEED_CONCURRENCY, work).await;
}

async fn create_detector(endpoint: String, account: String, region: String) {
    let config = config_in(&endpoint, &account).await;
    let gd = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&config)
            .region(Region::new(region))
            .build(),
    );
    gd.create_detector().enable(true).send().await.unwrap();
}

const FEATURES: [&str; 7] = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
];

/// Seeds the organization; returns the admin and the account ids (admin first).
async fn seed(endpoint: &str, accounts: usize, sweep_accounts: usize) -> Vec<String> {
    let org = aws_sdk_organizations::Client::new(&management(endpoint));
    org.create_organization().send().await.unwrap();
    let root = org.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_owned();
    let mut units = Vec::new();
    for i in 0..10 {
        let unit = org
            .create_organizational_unit()
            .parent_id(&root)
            .name(format!("ou-{i}"))
            .send()
            .await
            .unwrap();
        units.push(unit.organizational_unit().unwrap().id().unwrap().to_owned());
    }
    let ids = Arc::new(std::sync::Mutex::new(Vec::new()));
    {
        let ids = Arc::clone(&ids);
        each((0..accounts).collect(), |i| {
            let org = org.clone();
            let ids = Arc::clone(&ids);
            let (root, unit) = (root.clone(), units[i % units.len()].clone());
            async move {
                let id = org
                    .create_account()
                    .account_name(format!("acct-{i:04}"))
                    .email(format!("acct-{i:04}@example.com"))
                    .send()
                    .await
                    .unwrap()
                    .create_account_status()
                    .unwrap()
                    .account_id()
                    .unwrap()
                    .to_owned();
                org.move_account()
                    .account_id(&id)
                    .source_parent_id(root)
                    .destination_parent_id(unit)
                    .send()
                    .await
                    .unwrap();
                ids.lock().unwrap().push((i, id));
            }
        })
        .await;
    }
    let mut ids: Vec<(usize, String)> = std::mem::take(&mut *ids.lock().unwrap());
    ids.sort();
    let ids: Vec<String> = ids.into_iter().map(|(_, id)| id).collect();
    let admin = ids[0].clone();
    org.register_delegated_administrator()
        .account_id(&admin)
        .service_principal("guardduty.amazonaws.com")
        .send()
        .await
        .unwrap();

    // Detectors: the admin everywhere, and the swept members everywhere.
    let mut pairs = Vec::new();
    for account in ids.iter().take(sweep_accounts + 1) {
        for region in DEFAULT_REGIONS {
            pairs.push((account.clone(), (*region).to_owned()));
        }
    }
    let endpoint_owned = endpoint.to_owned();
    each(pairs, |(account, region)| {
        create_detector(endpoint_owned.clone(), account, region)
    })
    .await;

    let features: Vec<serde_json::Value> = FEATURES
        .iter()
        .map(|f| json!({"name": f, "status": "ENABLED"}))
        .collect();
    let members: Vec<serde_json::Value> = ids[1..]
        .iter()
        .map(|id| {
            json!({"account_id": id, "email": "m@example.com",
                   "relationship_status": "Enabled", "features": features})
        })
        .collect();
    post_seed(
        endpoint,
        &json!({"regions": {"*": {
            "admin": admin,
            "auto_enable_members": "ALL",
            "features": FEATURES.iter().map(|f| json!({"name": f, "auto_enable": "ALL"})).collect::<Vec<_>>(),
            "members": members,
            "coverage": {"by_status": {"HEALTHY": 1000}, "by_resource_type": {"EC2": 1000}}
        }}}),
    );
    ids
}

fn post_seed(endpoint: &str, state: &serde_json::Value) {
    let body = state.to_string();
    let address = endpoint.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /moto-api/gdaudit/guardduty-org HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

/// Peak resident memory of this process so far (Linux).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// The child: one timed collection, one JSON line on stdout.
async fn child(args: &[String]) {
    let mode = args[2].as_str();
    let endpoint = args[3].as_str();
    let concurrency: usize = args[4].parse().unwrap();
    match mode {
        "org" => {
            let admin = &args[5];
            let config = config_in(endpoint, admin).await;
            let start = Instant::now();
            let data = collect_org(
                &config,
                &regions(),
                concurrency,
                OrgOptions::default(),
                &Tick::default(),
            )
            .await;
            let seconds = start.elapsed().as_secs_f64();
            let members: usize = data
                .regions
                .iter()
                .map(|r| r.member_detectors.as_ref().map_or(0, Vec::len))
                .sum();
            let errors: usize = data.errors.len()
                + data
                    .regions
                    .iter()
                    .map(|r| r.errors.len() + r.own.errors.len() + r.member_errors.len())
                    .sum::<usize>();
            println!(
                "{}",
                json!({"seconds": seconds, "peak_rss_mb": peak_rss_mb(),
                       "accounts": data.accounts.as_ref().map_or(0, Vec::len),
                       "regions": data.regions.len(), "member_detectors": members,
                       "errors": errors})
            );
        }
        "sweep" => {
            let accounts: Vec<String> = args[5].split(',').map(str::to_owned).collect();
            let mut options = SweepOptions::new(RoleSpec::parse("gdaudit-member-read"));
            options.concurrency = concurrency;
            let start = Instant::now();
            let result = sweep(
                &management(endpoint),
                &accounts,
                &regions(),
                &options,
                &Tick::default(),
            )
            .await;
            let seconds = start.elapsed().as_secs_f64();
            let assumed = result
                .accounts
                .iter()
                .filter(|a| a.assumed == Assumed::Ok)
                .count();
            let detectors: usize = result
                .accounts
                .iter()
                .flat_map(|a| a.detectors.iter().flatten())
                .map(|r| r.detectors.as_ref().map_or(0, Vec::len))
                .sum();
            let errors: usize = result
                .accounts
                .iter()
                .flat_map(|a| a.detectors.iter().flatten())
                .map(|r| r.errors.len())
                .sum();
            println!(
                "{}",
                json!({"seconds": seconds, "peak_rss_mb": peak_rss_mb(),
                       "accounts": result.accounts.len(), "assumed": assumed,
                       "detectors": detectors, "errors": errors})
            );
        }
        other => panic!("unknown mode {other}"),
    }
}

fn run_child(mode: &str, endpoint: &str, concurrency: usize, extra: &str) -> serde_json::Value {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--child", mode, endpoint, &concurrency.to_string(), extra])
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "child {mode} failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if args.get(1).map(String::as_str) == Some("--child") {
        runtime.block_on(child(&args));
        return;
    }
    let accounts = arg(&args, "--accounts", 1000);
    let sweep_accounts = arg(&args, "--sweep-accounts", 100);
    let latency = arg(&args, "--latency-ms", 20);
    let concurrency = arg(&args, "--concurrency", 20);
    let sweep_concurrency = arg(
        &args,
        "--sweep-concurrency",
        gdaudit::aws::assume::SWEEP_CONCURRENCY,
    );
    let runs = arg(&args, "--runs", 3);

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("GDAUDIT_MOTO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv/bin/python"));
    let mut moto = Command::new(python)
        .arg(root.join("tests/support/moto.py"))
        .args(["--multi-account", "--latency-ms", &latency.to_string()])
        .env("MOTO_ACCOUNT_ID", MANAGEMENT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start moto");
    let mut line = String::new();
    BufReader::new(moto.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("READY ")
        .expect("READY")
        .to_owned();

    let seeding = Instant::now();
    let ids = runtime.block_on(seed(&endpoint, accounts, sweep_accounts));
    eprintln!(
        "seeded {} accounts ({} swept) in {:.1} s; moto + {latency} ms per request",
        ids.len(),
        sweep_accounts,
        seeding.elapsed().as_secs_f64()
    );
    let swept = ids[1..=sweep_accounts].join(",");
    for run in 1..=runs {
        let org = run_child("org", &endpoint, concurrency, &ids[0]);
        println!(
            "run {run} delegated admin, {} accounts x 17 regions, concurrency {concurrency}: {org}",
            ids.len()
        );
        let sweep = run_child("sweep", &endpoint, sweep_concurrency, &swept);
        println!(
            "run {run} assume-role sweep, {sweep_accounts} accounts x 17 regions, \
             concurrency {sweep_concurrency}: {sweep}"
        );
    }
    // moto stops once its stdin closes.
    drop(moto.stdin.take());
    let _ = moto.wait();
}
