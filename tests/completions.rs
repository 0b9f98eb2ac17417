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

fn completions_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

/// The shell, or a clear failure: scripts/test installs zsh where it can.
fn shell(name: &str) -> std::process::Command {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{name} is needed for this test: install it (apt-get install {name}) or run scripts/test, which does"
    );
    std::process::Command::new(name)
}

#[test]
fn bash_completion_loads_and_completes_commands_and_options() {
    let script = format!(
        r#"source {dir}/gdaudit.bash || exit 1
complete -p gdaudit || exit 1
complete_line() {{ COMP_LINE="$1"; COMP_WORDS=($1); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMP_POINT=${{#COMP_LINE}}; _gdaudit gdaudit "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "${{COMPREPLY[@]}}"; }}
complete_line "gdaudit det"
complete_line "gdaudit detectors --fail"
complete_line "gdaudit detectors --output j"
"#,
        dir = completions_dir().display()
    );
    let out = shell("bash")
        .args(["--norc", "-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("-F _gdaudit gdaudit"), "{text}");
    assert_eq!(lines[1], "detectors", "{text}");
    assert_eq!(lines[2], "--fail-on", "{text}");
    assert_eq!(
        lines[3].split(' ').collect::<Vec<_>>(),
        ["json", "jsonl"],
        "{text}"
    );
}

#[test]
fn zsh_completion_loads_and_registers_for_gdaudit() {
    let cache = tempfile::tempdir().unwrap();
    let script = format!(
        "fpath=({dir} $fpath); autoload -Uz compinit && compinit -u -d {cache}/zcompdump || exit 1; \
         autoload -Uz _gdaudit; print -r -- ${{_comps[gdaudit]}}; whence -w _gdaudit",
        dir = completions_dir().display(),
        cache = cache.path().display()
    );
    let out = shell("zsh").args(["-f", "-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["_gdaudit", "_gdaudit: function"],
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
