//! An endpoint variable set to nothing (`AWS_ENDPOINT_URL=`, `AWS_ENDPOINT_URL_<SERVICE>=`)
//! made the SDK panic; one that is no URL (`localhost:4566`) failed every call with a dump of
//! the request. Each is one line naming the variable, and the run could not start (3).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

fn gdaudit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gdaudit"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key == "NO_COLOR" || key == "CI" {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1");
    cmd
}

#[test]
fn an_empty_endpoint_variable_is_one_line_naming_it() {
    for (name, value) in [
        ("AWS_ENDPOINT_URL", ""),
        ("AWS_ENDPOINT_URL_GUARDDUTY", ""),
        ("AWS_ENDPOINT_URL_STS", " "),
    ] {
        let out = gdaudit()
            .env(name, value)
            .args(["detectors", "--regions", "eu-west-1", "--timeout", "2"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name} is set but empty")),
            "{stderr}"
        );
        assert!(!stderr.contains("internal error"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn an_endpoint_variable_that_is_no_url_is_one_line_naming_it() {
    let out = gdaudit()
        .env("AWS_ENDPOINT_URL", "localhost:4566")
        .args(["detectors", "--regions", "eu-west-1", "--timeout", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("AWS_ENDPOINT_URL is not an endpoint URL (\"localhost:4566\")"),
        "{stderr}"
    );
}
