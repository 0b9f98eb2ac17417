//! Times the organization sweep's permissions assessment with access paths across accounts
//! (`assess::permissions::assess_accounts`), for docs/performance.md. No AWS, no emulator: the
//! exports are made up in memory, shaped like an organization's:
//!
//! - every account: `--users` users (a third may `sts:AssumeRole` on any role, one in ten holds
//!   a GuardDuty write), `--roles` roles trusting their own account, and the
//!   `OrganizationAccountAccessRole` (administrator) trusting the management account;
//! - every account but the security account: a `security-audit` role trusting the security
//!   account, which may update detectors;
//! - a chain of `deploy` roles: account i's trusts account i-1 and may assume account i+1's,
//!   the last one may delete detectors (`--chain` accounts long).
//!
//! ```sh
//! cargo run --release --example time_org_paths -- [--accounts 1000] [--users 30] [--roles 30] [--chain 5]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // a measuring tool prints its figures

use std::time::Instant;

use gdaudit::assess::permissions::{Input, assess_accounts};
use gdaudit::iam::EvalOptions;
use gdaudit::report::finding::CheckId;
use serde_json::{Value, json};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("{name} takes a number, not {v}");
                std::process::exit(2)
            })
        })
}

fn id(i: usize) -> String {
    format!("{:012}", 100_000_000_000 + i)
}

fn policy(statement: &Value) -> String {
    json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

fn trusting(account: &str) -> String {
    policy(
        &json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
        "Action": "sts:AssumeRole"}),
    )
}

fn role(account: &str, name: &str, trust: String, statement: &Value) -> Value {
    json!({"RoleName": name, "RoleId": "AROAEXAMPLE", "Path": "/",
        "Arn": format!("arn:aws:iam::{account}:role/{name}"),
        "AssumeRolePolicyDocument": trust,
        "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": policy(statement)}]})
}

/// Account `i`'s export, as `aws iam get-account-authorization-details` prints it.
fn export(i: usize, accounts: usize, users: usize, roles: usize, chain: usize) -> Vec<u8> {
    let me = id(i);
    let management = id(0);
    let security = id(1);
    let mut user_list = Vec::new();
    for u in 0..users {
        let statement = match u % 10 {
            0 => json!({"Effect": "Allow", "Action": "guardduty:UpdateDetector", "Resource": "*"}),
            1..=3 => json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
            _ => json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        };
        user_list.push(
            json!({"UserName": format!("user-{u}"), "UserId": "AIDAEXAMPLE",
            "Path": "/", "Arn": format!("arn:aws:iam::{me}:user/user-{u}"),
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy(&statement)}]}),
        );
    }
    let mut role_list = Vec::new();
    for r in 0..roles {
        role_list.push(role(
            &me,
            &format!("app-{r}"),
            trusting(&me),
            &json!({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}),
        ));
    }
    role_list.push(role(
        &me,
        "OrganizationAccountAccessRole",
        trusting(&management),
        &json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    ));
    if i != 1 {
        role_list.push(role(
            &me,
            "security-audit",
            trusting(&security),
            &json!({"Effect": "Allow", "Action": "guardduty:UpdateDetector", "Resource": "*"}),
        ));
    }
    // The deploy chain runs through accounts 2 .. 2 + chain.
    if (2..2 + chain).contains(&i) && i < accounts {
        let last = i + 1 == 2 + chain || i + 1 == accounts;
        let statement = if last {
            json!({"Effect": "Allow", "Action": "guardduty:DeleteDetector", "Resource": "*"})
        } else {
            json!({"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": format!("arn:aws:iam::{}:role/deploy", id(i + 1))})
        };
        role_list.push(role(&me, "deploy", trusting(&id(i - 1)), &statement));
    }
    json!({"UserDetailList": user_list, "RoleDetailList": role_list,
        "GroupDetailList": [], "Policies": []})
    .to_string()
    .into_bytes()
}

fn main() {
    let accounts = arg("--accounts", 1000).max(2);
    let users = arg("--users", 30);
    let roles = arg("--roles", 30);
    let chain = arg("--chain", 5);
    let exports: Vec<Vec<u8>> = (0..accounts)
        .map(|i| export(i, accounts, users, roles, chain))
        .collect();
    let bytes: usize = exports.iter().map(Vec::len).sum();
    let judged = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    let sections = assess_accounts(accounts, Some("o-example"), |i| {
        judged.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let read = gdaudit::iam::read_export(&exports[i]);
        let input = Input {
            details: read.details,
            account: Some(id(i)),
            source: "api",
            incomplete: Vec::new(),
        };
        (input, EvalOptions::default())
    });
    let elapsed = start.elapsed();
    let indirect = |s: &gdaudit::report::Section| {
        s.findings
            .iter()
            .filter(|f| f.check == CheckId::IndirectWriteAccess)
            .count()
    };
    let across: usize = sections
        .iter()
        .flat_map(|s| s.findings.iter())
        .filter(|f| f.check == CheckId::IndirectWriteAccess && f.title.contains("in account"))
        .count();
    println!(
        "{accounts} accounts ({:.1} MB of exports): {:.2} s, {} judgements; {} indirect-write-access findings ({} in the management account, {across} ending in another account)",
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        judged.into_inner(),
        sections.iter().map(indirect).sum::<usize>(),
        indirect(&sections[0]),
    );
}
