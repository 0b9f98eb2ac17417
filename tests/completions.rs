//! The committed shell completions match the CLI definition (regenerate: scripts/gen-completions).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use assert_cmd::Command;

#[test]
fn committed_completions_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "gdaudit.bash"),
        ("zsh", "_gdaudit"),
        ("fish", "gdaudit.fish"),
        ("powershell", "_gdaudit.ps1"),
        ("elvish", "gdaudit.elv"),
    ] {
        let out = Command::cargo_bin("gdaudit")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run scripts/gen-completions and commit the result"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("detectors"),
            "{shell} completions lack the commands"
        );
    }
}
