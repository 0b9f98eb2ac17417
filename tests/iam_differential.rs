//! Differential test of the IAM evaluator: thousands of generated principals (identity
//! policies, permissions boundaries, SCP levels, `NotAction`/`NotResource`, `?`, case,
//! conditions on principal facts, regions and MFA) judged by gdaudit and by an independent
//! evaluator, `@cloud-copilot/iam-simulate` (npm, pinned in tests/support/iam-simulate,
//! installed by scripts/test), on every GuardDuty change action. Any disagreement fails.
//!
//! The generator leaves out the constructs where that simulator departs from AWS's documented
//! matching; each is kept as a named case in tests/fixtures/iam/differential-departures.json
//! with the documented answer, checked here against gdaudit (and against the simulator, so a
//! fixed simulator is noticed).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gdaudit::catalogue::{RESOURCE_TYPES, change_actions};
use gdaudit::iam::{Decision, EvalOptions, Evaluation, ScpPolicy, evaluate};
use gdaudit::model::iam::{
    AuthorizationDetails, InlinePolicy, ManagedPolicyDetail, PermissionsBoundary, PolicyDocument,
    PolicyVersion, RoleDetail, Tag, UserDetail,
};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const PRINCIPALS: usize = 2000;
/// One region of each class the generated policies tell apart: named ones (`us-east-1`,
/// `eu-west-1`), another one `us-*` matches, and one nothing names.
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "sa-east-1"];
/// Detector ids: one that `d?` matches, one nothing names.
const DETECTORS: [&str; 2] = ["d1", "dx9"];

/// splitmix64: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ACTION_PATTERNS: &[&str] = &[
    "guardduty:*",
    "*",
    "guardduty:Delete*",
    "guardduty:Update*",
    "guardduty:Create*",
    "GuardDuty:DeleteDetector",
    "guardduty:deletedetector",
    "guardduty:Update?etector",
    "guardduty:*Member*",
    "guardduty:*CustomDetectionRule*",
    "guardduty:TagResource",
    "guardduty:Untag*",
    "guardduty:ArchiveFindings",
    "guardduty:CreateIPSet",
    "guardduty:Disassociate*",
    "guardduty:*Filter",
    "s3:*",
];

const NOT_ACTIONS: &[&[&str]] = &[
    &["guardduty:Get*", "guardduty:List*"],
    &["iam:*"],
    &["guardduty:Delete*"],
    &["guardduty:*Detector", "guardduty:*Member*"],
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:guardduty:*:111122223333:detector/*",
    "arn:aws:guardduty:us-east-1:111122223333:detector/*",
    "arn:aws:guardduty:eu-west-1:111122223333:detector/d?",
    "arn:aws:guardduty:*:111122223333:detector/*/filter/*",
    "arn:aws:guardduty:*:444455556666:detector/*",
    "arn:aws:guardduty:*:111122223333:malware-protection-plan/*",
    "arn:aws:guardduty:*:111122223333:detection-rule/*",
    "arn:aws:guardduty:*:*:detector/*",
    "arn:aws:guardduty:us-*:111122223333:detector/*",
    "arn:aws:guardduty:*:111122223333:detector/d1/ipset/*",
    "arn:aws:s3:::bucket/*",
];

/// Conditions an Allow may carry.
fn allow_condition(rng: &mut Rng) -> Value {
    match rng.below(13) {
        0 | 1 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        2 => json!({"StringEquals": {"aws:PrincipalTag/team": "security"}}),
        3 => json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Sec*"}}),
        4 => json!({"StringEquals": {"aws:PrincipalType": "User"}}),
        5 => json!({"StringLike": {"aws:username": "a*"}}),
        6 => json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        7 => json!({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}),
        8 => json!({"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["security", "ops"]}}),
        9 => {
            json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}})
        }
        10 => json!({"Null": {"aws:PrincipalTag/team": "false"}}),
        11 => json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "SECURITY"}}),
        _ => json!({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
    }
}

/// Conditions a Deny may carry.
fn deny_condition(rng: &mut Rng) -> Value {
    match rng.below(7) {
        0 | 1 => json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
        2 => json!({"StringNotEquals": {"aws:PrincipalTag/team": "security"}}),
        3 => json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Sec*"}}),
        4 => json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}),
        5 => json!({"Null": {"aws:PrincipalTag/team": "true"}}),
        _ => json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
    }
}

fn statement(rng: &mut Rng, effect: &str, conditions: u64) -> Value {
    let mut s = serde_json::Map::new();
    s.insert("Effect".into(), json!(effect));
    if rng.chance(15) {
        s.insert("NotAction".into(), json!(rng.pick(NOT_ACTIONS)));
    } else {
        let n = 1 + rng.below(2);
        let actions: Vec<&str> = (0..n).map(|_| *rng.pick(ACTION_PATTERNS)).collect();
        s.insert("Action".into(), json!(actions));
    }
    let n = 1 + rng.below(2);
    let resources: Vec<&str> = (0..n)
        .map(|_| {
            if rng.chance(45) {
                "*"
            } else {
                *rng.pick(RESOURCES)
            }
        })
        .collect();
    let element = if rng.chance(15) {
        "NotResource"
    } else {
        "Resource"
    };
    s.insert(element.into(), json!(resources));
    if rng.chance(conditions) {
        let c = if effect == "Allow" {
            allow_condition(rng)
        } else {
            deny_condition(rng)
        };
        s.insert("Condition".into(), c);
    }
    Value::Object(s)
}

fn document(rng: &mut Rng, statements: usize, deny_percent: u64) -> Value {
    let list: Vec<Value> = (0..statements)
        .map(|_| {
            let effect = if rng.chance(deny_percent) {
                "Deny"
            } else {
                "Allow"
            };
            statement(rng, effect, 35)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": list})
}

/// The SCP configurations principals are spread over: none, full access, a guardrail on the
/// principal, and two levels the second of which allows GuardDuty only on some resources.
fn scp_sets() -> Vec<Vec<Vec<(String, Value)>>> {
    let full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let guardrail = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "guardduty:Delete*", "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Sec*"}}}]});
    let scoped = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": "guardduty:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "guardduty:*", "Resource": ["arn:aws:guardduty:us-east-1:111122223333:*", "*"],
         "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
        {"Effect": "Deny", "Action": "guardduty:Update*", "NotResource": "arn:aws:guardduty:*:111122223333:detector/d?"}]});
    let named = |n: &str, v: &Value| (n.to_owned(), v.clone());
    vec![
        vec![],
        vec![vec![named("FullAWSAccess", &full)]],
        vec![vec![
            named("FullAWSAccess", &full),
            named("Guardrail", &guardrail),
        ]],
        vec![
            vec![named("FullAWSAccess", &full)],
            vec![named("Scoped", &scoped)],
        ],
    ]
}

/// One generated principal: its export entry parts and what the simulator needs.
struct Generated {
    identity: Vec<Value>,
    boundary: Option<Value>,
    scp_set: usize,
}

fn tags(rng: &mut Rng, name: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    match rng.below(4) {
        0 => {}
        i => out.push(Tag {
            key: if rng.chance(20) { "Team" } else { "team" }.to_owned(),
            value: ["security", "ops", "dev"][i - 1].to_owned(),
        }),
    }
    if rng.chance(40) {
        out.push(Tag {
            key: "owner".to_owned(),
            value: if rng.chance(60) { name } else { "nobody" }.to_owned(),
        });
    }
    out
}

/// The concrete resources the simulator is asked about, per action: every ARN format of the
/// action's resource types over the regions and detector ids above; `*` (per region) for an
/// action without a resource type.
fn resources_per_action() -> BTreeMap<String, Vec<Value>> {
    let mut out = BTreeMap::new();
    for action in change_actions() {
        let mut list = Vec::new();
        if action.resource_types.is_empty() {
            for region in REGIONS {
                list.push(json!({"arn": "*", "region": region}));
            }
        }
        for (type_name, _) in action.resource_types {
            // Children of a detector differ only by their path word: one stands for the rest
            // where the generated patterns do not name it.
            if ![
                "detector",
                "filter",
                "ipset",
                "malwareprotectionplan",
                "customdetectionruleassociation",
            ]
            .contains(type_name)
                && action.resource_types.len() > 1
            {
                continue;
            }
            let Some(format) = RESOURCE_TYPES
                .iter()
                .find(|r| r.name == *type_name)
                .and_then(|r| r.arn_format)
            else {
                panic!("no ARN format for {type_name}");
            };
            for region in REGIONS {
                let detectors: &[&str] = if format.contains("${DetectorId}") {
                    &DETECTORS
                } else {
                    &["-"]
                };
                for detector in detectors {
                    let arn = fill(format, region, detector);
                    list.push(json!({"arn": arn, "region": region}));
                }
            }
        }
        out.insert(format!("guardduty:{}", action.name), list);
    }
    out
}

fn fill(format: &str, region: &str, detector: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        out.push_str(match &rest[start + 2..end] {
            "Partition" => "aws",
            "Region" => region,
            "Account" => ACCOUNT,
            "DetectorId" => detector,
            _ => "x1",
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn inline(name: &str, doc: &Value) -> InlinePolicy {
    InlinePolicy {
        policy_name: name.to_owned(),
        policy_document: PolicyDocument::from(doc),
    }
}

/// Where the pinned simulator's node_modules are (scripts/test installs them).
fn node_modules() -> PathBuf {
    if let Some(dir) = std::env::var_os("GDAUDIT_IAM_SIMULATE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".node-test/node_modules");
    if local.join("@cloud-copilot/iam-simulate").exists() {
        return local;
    }
    panic!(
        "the independent IAM evaluator (@cloud-copilot/iam-simulate) is not installed: run \
         scripts/test, which installs it with npm (needs Node.js >= 20 and npm on PATH)"
    );
}

fn node() -> &'static str {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => "node",
        _ => panic!(
            "`node` is not on PATH: the IAM differential test needs Node.js >= 20 (and npm, \
             for scripts/test to install the pinned simulator)"
        ),
    }
}

/// Runs the simulator over `cases` in two processes (the machines have two cores).
fn simulate(cases: &Value, dir: &Path) -> Vec<String> {
    let modules = node_modules();
    let node = node();
    let file = dir.join("cases.json");
    std::fs::write(&file, serde_json::to_vec(cases).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/iam_simulate.js");
    let shards = 2;
    let children: Vec<_> = (0..shards)
        .map(|shard| {
            Command::new(node)
                .arg(&script)
                .arg(&modules)
                .arg(&file)
                .arg(shard.to_string())
                .arg(shards.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start node")
        })
        .collect();
    let count = cases["principals"].as_array().map_or(0, Vec::len);
    let mut lines = vec![String::new(); count];
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "iam_simulate.js failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let (index, rest) = line.split_once('\t').unwrap();
            lines[index.parse::<usize>().unwrap()] = rest.to_owned();
        }
    }
    lines
}

fn letter(eval: &Evaluation, arn: &str, action: &str) -> char {
    let p = eval
        .principals
        .iter()
        .find(|p| p.arn == arn)
        .unwrap_or_else(|| panic!("{arn} not judged"));
    match p
        .actions
        .iter()
        .find(|a| a.action() == action)
        .map(|a| a.decision)
    {
        Some(Decision::Allowed) => 'A',
        Some(Decision::Conditional) => 'C',
        _ => 'D',
    }
}

fn scp_options(set: &[Vec<(String, Value)>]) -> EvalOptions {
    EvalOptions {
        scps: set
            .iter()
            .map(|level| level.iter().map(|(n, d)| ScpPolicy::new(n, d)).collect())
            .collect(),
        ..EvalOptions::default()
    }
}

fn context(arn: &str, kind: &str, name: &str, user_id: &str, tags: &[Tag]) -> Value {
    let mut c = serde_json::Map::new();
    c.insert("aws:PrincipalArn".into(), json!(arn));
    c.insert("aws:PrincipalAccount".into(), json!(ACCOUNT));
    c.insert("aws:PrincipalType".into(), json!(kind));
    c.insert("aws:PrincipalIsAWSService".into(), json!("false"));
    c.insert("aws:ResourceAccount".into(), json!(ACCOUNT));
    if kind == "User" {
        c.insert("aws:username".into(), json!(name));
        c.insert("aws:userid".into(), json!(user_id));
    }
    for t in tags {
        c.insert(format!("aws:PrincipalTag/{}", t.key), json!(t.value));
    }
    Value::Object(c)
}

#[test]
fn gdaudit_agrees_with_an_independent_evaluator_on_generated_principals() {
    let mut rng = Rng(0x6764_6175_6469_7410);
    let sets = scp_sets();
    let actions: Vec<String> = change_actions()
        .map(|a| format!("guardduty:{}", a.name))
        .collect();
    assert_eq!(actions.len(), 57);

    // One export per SCP configuration (SCPs apply to a whole account).
    let mut exports: Vec<AuthorizationDetails> = vec![AuthorizationDetails::default(); sets.len()];
    let mut generated: Vec<(String, Generated, Value)> = Vec::with_capacity(PRINCIPALS);
    for i in 0..PRINCIPALS {
        let scp_set = i % sets.len();
        let is_user = rng.chance(40);
        let name = if is_user {
            format!("{}{i}", rng.pick(&["alice-", "bob-", "ann-"]))
        } else {
            format!("{}{i}", rng.pick(&["SecAdmin-", "Dev-", "ops-"]))
        };
        let policies = 1 + rng.below(3);
        let identity: Vec<Value> = (0..policies)
            .map(|_| {
                let n = 1 + rng.below(3);
                document(&mut rng, n, 25)
            })
            .collect();
        let boundary = if rng.chance(30) {
            let n = 1 + rng.below(2);
            Some(document(&mut rng, n, 10))
        } else {
            None
        };
        let principal_tags = tags(&mut rng, &name);
        let export = &mut exports[scp_set];
        let boundary_ref = boundary.as_ref().map(|doc| {
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/boundary-{i}");
            export.policies.push(ManagedPolicyDetail {
                policy_name: format!("boundary-{i}"),
                arn: arn.clone(),
                policy_version_list: vec![PolicyVersion {
                    document: PolicyDocument::from(doc),
                    version_id: "v1".to_owned(),
                    is_default_version: true,
                }],
                ..ManagedPolicyDetail::default()
            });
            PermissionsBoundary {
                permissions_boundary_type: Some("Policy".to_owned()),
                permissions_boundary_arn: arn,
            }
        });
        let inlines: Vec<InlinePolicy> = identity
            .iter()
            .enumerate()
            .map(|(k, d)| inline(&format!("p{k}"), d))
            .collect();
        let (arn, ctx) = if is_user {
            let arn = format!("arn:aws:iam::{ACCOUNT}:user/{name}");
            let user_id = format!("AIDAEXAMPLE{i:08}");
            export.users.push(UserDetail {
                user_name: name.clone(),
                user_id: user_id.clone(),
                arn: arn.clone(),
                path: "/".to_owned(),
                user_policy_list: inlines,
                permissions_boundary: boundary_ref,
                tags: Some(principal_tags.clone()),
                ..UserDetail::default()
            });
            let ctx = context(&arn, "User", &name, &user_id, &principal_tags);
            (arn, ctx)
        } else {
            let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
            export.roles.push(RoleDetail {
                role_name: name.clone(),
                arn: arn.clone(),
                path: "/".to_owned(),
                role_policy_list: inlines,
                permissions_boundary: boundary_ref,
                tags: Some(principal_tags.clone()),
                // The verdicts compared here do not depend on it; an export always has one.
                assume_role_policy_document: Some(PolicyDocument::from_json_text(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
                ))),
                ..RoleDetail::default()
            });
            let ctx = context(&arn, "AssumedRole", &name, "", &principal_tags);
            (arn, ctx)
        };
        generated.push((
            arn,
            Generated {
                identity,
                boundary,
                scp_set,
            },
            ctx,
        ));
    }

    let evals: Vec<Evaluation> = exports
        .iter()
        .zip(&sets)
        .map(|(export, set)| evaluate(export, &scp_options(set)))
        .collect();
    for eval in &evals {
        assert!(eval.problems.is_empty(), "{:?}", eval.problems);
    }

    let cases = json!({
        "account": ACCOUNT,
        "actions": actions,
        "resources": resources_per_action(),
        "scp_sets": sets.iter().map(|levels| levels.iter().map(|level| level.iter()
            .map(|(n, d)| json!({"name": n, "policy": d})).collect::<Vec<_>>()).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        "unfavourable": {"aws:MultiFactorAuthPresent": "false"},
        "favourable": {"aws:MultiFactorAuthPresent": "true"},
        "principals": generated.iter().map(|(arn, g, ctx)| json!({
            "arn": arn,
            "identity": g.identity,
            "boundary": g.boundary,
            "scp_set": g.scp_set,
            "context": ctx,
        })).collect::<Vec<_>>(),
    });
    let dir = tempfile::tempdir().unwrap();
    let simulated = simulate(&cases, dir.path());

    for (i, line) in simulated.iter().enumerate() {
        assert!(
            !line.starts_with("ERROR"),
            "simulator error for {}: {line}",
            generated[i].0
        );
    }
    let mut disagreements = Vec::new();
    let mut tally: BTreeMap<char, usize> = BTreeMap::new();
    for (i, (arn, g, _)) in generated.iter().enumerate() {
        let theirs: Vec<char> = simulated[i].chars().collect();
        assert_eq!(theirs.len(), actions.len(), "simulator line for {arn}");
        for (k, action) in actions.iter().enumerate() {
            let ours = letter(&evals[g.scp_set], arn, action);
            *tally.entry(ours).or_default() += 1;
            if ours != theirs[k] {
                disagreements.push(format!(
                    "{arn} {action}: gdaudit {ours}, simulator {}; identity {} boundary {} scp set {}",
                    theirs[k],
                    serde_json::to_string(&g.identity).unwrap(),
                    serde_json::to_string(&g.boundary).unwrap(),
                    g.scp_set
                ));
            }
        }
    }
    // The generated accounts exercise every outcome.
    for outcome in ['A', 'C', 'D'] {
        assert!(
            tally.get(&outcome).copied().unwrap_or(0) > 1000,
            "too few {outcome} verdicts: {tally:?}"
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements (of {} verdicts); first ones:\n{}",
        disagreements.len(),
        PRINCIPALS * actions.len(),
        disagreements[..disagreements.len().min(15)].join("\n")
    );
}

#[test]
fn where_the_simulator_departs_from_aws_gdaudit_follows_the_documentation() {
    let text = include_str!("fixtures/iam/differential-departures.json");
    let fixture: Value = serde_json::from_str(text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let actions: Vec<String> = change_actions()
        .map(|a| format!("guardduty:{}", a.name))
        .collect();
    let mut principals = Vec::new();
    let mut export = AuthorizationDetails::default();
    for (i, case) in cases.iter().enumerate() {
        let doc = json!({"Version": "2012-10-17", "Statement": [case["statement"]]});
        let name = format!("case-{i}");
        let arn = format!("arn:aws:iam::{ACCOUNT}:user/{name}");
        export.users.push(UserDetail {
            user_name: name.clone(),
            arn: arn.clone(),
            user_policy_list: vec![inline("p", &doc)],
            tags: Some(Vec::new()),
            ..UserDetail::default()
        });
        principals.push(json!({
            "arn": arn,
            "identity": [doc],
            "boundary": null,
            "scp_set": 0,
            "context": context(&arn, "User", &name, "AIDAEXAMPLE", &[]),
        }));
    }
    let eval = evaluate(&export, &EvalOptions::default());
    let sim_cases = json!({
        "account": ACCOUNT,
        "actions": actions,
        "resources": resources_per_action(),
        "scp_sets": [[]],
        "unfavourable": {"aws:MultiFactorAuthPresent": "false"},
        "favourable": {"aws:MultiFactorAuthPresent": "true"},
        "principals": principals,
    });
    let dir = tempfile::tempdir().unwrap();
    let simulated = simulate(&sim_cases, dir.path());
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let action = case["action"].as_str().unwrap();
        let aws = case["aws"].as_str().unwrap().chars().next().unwrap();
        assert!(
            case["reasoning"].as_str().is_some_and(|r| r.len() > 40)
                && case["source"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("https://docs.aws.amazon.com/")),
            "{name}: every case says why, with its source"
        );
        let arn = format!("arn:aws:iam::{ACCOUNT}:user/case-{i}");
        assert_eq!(letter(&eval, &arn, action), aws, "{name}: gdaudit");
        let k = actions.iter().position(|a| a == action).unwrap();
        let theirs = simulated[i].chars().nth(k);
        assert!(
            simulated[i].starts_with("ERROR") || theirs != Some(aws),
            "{name}: the simulator now gives AWS's answer; move the case into the generator"
        );
    }
}
