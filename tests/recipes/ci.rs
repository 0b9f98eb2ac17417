//! The CI jobs (ci.md): the GitHub Actions and GitLab steps run with the real binary, and
//! the role's trust policies.

use std::path::Path;

use serde_json::Value;

use crate::harness::*;

/// The literal block (`key: |`) on the first line after `from` whose trimmed text is
/// `key: |`, de-indented.
fn literal_block(lines: &[&str], from: usize, key: &str) -> String {
    let at = from
        + lines[from..]
            .iter()
            .position(|l| l.trim() == format!("{key} |"))
            .unwrap_or_else(|| panic!("no `{key}: |` after line {from}"));
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_indent = indent(lines[at]);
    let block: Vec<&str> = lines[at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > key_indent)
        .copied()
        .collect();
    let strip = block.iter().map(|l| indent(l)).min().unwrap_or(0);
    block.iter().map(|l| format!("{}\n", &l[strip..])).collect()
}

fn line_of(lines: &[&str], text: &str) -> usize {
    lines
        .iter()
        .position(|l| l.trim() == text)
        .unwrap_or_else(|| panic!("no line `{text}`"))
}

/// An environment with no AWS credentials at all, so `gdaudit audit` stops quickly.
fn ci_run(dir: &Path) -> Run {
    Run::new()
        .path_first(gdaudit().parent().unwrap())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_path("AWS_CONFIG_FILE", &dir.join("no-config"))
        .env_path("AWS_SHARED_CREDENTIALS_FILE", &dir.join("no-credentials"))
}

/// What `gdaudit audit --output sarif` exits with in that environment.
fn audit_exit_code(run: &Run, dir: &Path) -> i32 {
    let out = run
        .command(gdaudit())
        .args(["audit", "--output", "sarif"])
        .current_dir(dir)
        .output()
        .unwrap();
    out.status.code().unwrap()
}

#[test]
fn github_actions_job_keeps_the_exit_code_and_gates_on_it() {
    let workflow = read(&recipe("github-actions.yml"));
    for needed in [
        "id-token: write",
        "security-events: write",
        "aws-actions/configure-aws-credentials@",
        "role-to-assume:",
        "github/codeql-action/upload-sarif@",
        "sarif_file: gdaudit.sarif",
    ] {
        assert!(workflow.contains(needed), "the workflow lacks {needed}");
    }
    let lines: Vec<&str> = workflow.lines().collect();
    let upload = line_of(&lines, "- name: Upload to code scanning");
    assert!(
        lines[upload + 1].trim().starts_with("if: always()"),
        "the report is uploaded even when the job is failing"
    );

    // GitHub runs a `shell: bash` step as `bash --noprofile --norc -eo pipefail {0}`.
    let dir = tempfile::tempdir().unwrap();
    let audit_step = literal_block(&lines, line_of(&lines, "id: audit"), "run:");
    let script = dir.path().join("audit-step.sh");
    std::fs::write(&script, &audit_step).unwrap();
    let output_file = dir.path().join("github-output");
    let run = ci_run(dir.path()).env_path("GITHUB_OUTPUT", &output_file);
    let expected = audit_exit_code(&run, dir.path());
    let mut cmd = run.command("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(dir.path());
    let out = feed(cmd, "");
    assert_exit(&out, 0);
    assert_eq!(
        read(&output_file),
        format!("exit-code={expected}\n"),
        "the step saves gdaudit's own exit code"
    );
    assert!(dir.path().join("gdaudit.sarif").exists());

    let gate = literal_block(&lines, line_of(&lines, "- name: Gate on the audit"), "run:");
    for (code, says) in [
        (0, "clean"),
        (1, "findings at or above --fail-on"),
        (2, "usage or configuration error"),
        (3, "incomplete"),
    ] {
        let mut cmd = Run::new()
            .env("GDAUDIT_EXIT", code.to_string())
            .command("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &gate]);
        let out = feed(cmd, "");
        assert_exit(&out, code);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(says),
            "{}",
            describe(&out)
        );
    }
}

#[test]
fn gitlab_job_fails_the_pipeline_on_gdaudits_exit_code() {
    let job = read(&recipe("gitlab-ci.yml"));
    for needed in [
        "id_tokens:",
        "aud: sts.amazonaws.com",
        "AWS_ROLE_ARN:",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "when: always",
        "- gdaudit.sarif",
        "allow_failure: false",
    ] {
        assert!(job.contains(needed), "the job lacks {needed}");
    }
    // The `script:` items, joined as GitLab's runner joins them into one shell script.
    let lines: Vec<&str> = job.lines().collect();
    let start = line_of(&lines, "script:") + 1;
    let mut script = String::new();
    let mut i = start;
    while i < lines.len() && lines[i].starts_with("    ") {
        let item = lines[i].trim_start().strip_prefix("- ").unwrap();
        if item == "|" {
            script.push_str(&literal_block(&lines, i, "-"));
            i += 1;
            while i < lines.len() && lines[i].starts_with("      ") {
                i += 1;
            }
        } else {
            script.push_str(item);
            script.push('\n');
            i += 1;
        }
    }
    assert!(script.contains("gdaudit audit --output sarif"), "{script}");

    let dir = tempfile::tempdir().unwrap();
    let run = ci_run(dir.path());
    let expected = audit_exit_code(&run, dir.path());
    let mut cmd = run.command("bash");
    cmd.args(["-eo", "pipefail", "-c", &script])
        .current_dir(dir.path());
    let out = feed(cmd, "");
    assert_exit(&out, expected);
    assert!(dir.path().join("gdaudit.sarif").exists());
}

#[test]
fn ci_trust_policies_let_only_the_ci_assume_the_role() {
    for (file, provider, claims) in [
        (
            "github-oidc-trust-policy.json",
            "token.actions.githubusercontent.com",
            [
                "token.actions.githubusercontent.com:aud",
                "token.actions.githubusercontent.com:sub",
            ],
        ),
        (
            "gitlab-oidc-trust-policy.json",
            "gitlab.com",
            ["gitlab.com:aud", "gitlab.com:sub"],
        ),
    ] {
        let policy: Value = serde_json::from_str(&read(&recipe(file))).unwrap();
        let statement = &policy["Statement"][0];
        assert_eq!(
            statement["Action"], "sts:AssumeRoleWithWebIdentity",
            "{file}"
        );
        assert!(
            text(&statement["Principal"]["Federated"])
                .ends_with(&format!(":oidc-provider/{provider}")),
            "{file}"
        );
        let conditions = &statement["Condition"]["StringEquals"];
        assert_eq!(conditions[claims[0]], "sts.amazonaws.com", "{file}");
        assert!(
            conditions[claims[1]].is_string(),
            "{file}: pin the repository"
        );
    }

    let stubs = Stubs::new(&["aws"]);
    let out = Run::new().with_stubs(&stubs).recipe(
        "ci-role.sh",
        &[
            recipe("github-oidc-trust-policy.json").to_str().unwrap(),
            root().join("docs/iam-policy.json").to_str().unwrap(),
        ],
        "",
    );
    assert_exit(&out, 0);
    let calls = stubs.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].args[..2], ["iam", "create-role"]);
    assert_eq!(arg(&calls[0].args, "--role-name"), "gdaudit-ci");
    assert_eq!(calls[1].args[..2], ["iam", "put-role-policy"]);
    for (call, flag) in [
        (&calls[0], "--assume-role-policy-document"),
        (&calls[1], "--policy-document"),
    ] {
        let file = arg(&call.args, flag).strip_prefix("file://").unwrap();
        assert!(Path::new(file).exists(), "{flag} {file}");
    }
}
