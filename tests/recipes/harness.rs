//! What every recipe test needs: the paths, the real binary and the corpus's changes, a
//! hermetic environment to run a recipe in, and the stub `mail` and `aws`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn recipe(name: &str) -> PathBuf {
    root().join("docs/recipes").join(name)
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn gdaudit() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gdaudit")
}

/// Clears what the developer's shell could leak into a spawned process: AWS settings,
/// NO_COLOR and CI, a proxy between curl and the listener, and curl's own config file.
fn hermetic<'a>(cmd: &'a mut Command, home: &Path) -> &'a mut Command {
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("AWS_")
            || name == "NO_COLOR"
            || name == "CI"
            || name.to_ascii_lowercase().ends_with("_proxy")
        {
            cmd.env_remove(&key);
        }
    }
    cmd.env("HOME", home)
        .env("CURL_HOME", home)
        .env("XDG_CONFIG_HOME", home)
}

/// `gdaudit changes` on the corpus as JSON Lines (run once per test binary).
pub(crate) fn corpus_jsonl() -> &'static str {
    static OUT: OnceLock<String> = OnceLock::new();
    OUT.get_or_init(|| {
        let home = tempfile::tempdir().unwrap();
        let out = hermetic(&mut Command::new(gdaudit()), home.path())
            .args([
                "changes",
                "--output",
                "jsonl",
                "--fail-on",
                "never",
                "--logs",
            ])
            .arg(root().join("tests/fixtures/cloudtrail/corpus"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        String::from_utf8(out.stdout).unwrap()
    })
}

/// The corpus's DeleteDetector record (failed: BadRequestException).
pub(crate) fn delete_detector_record() -> Value {
    serde_json::from_str(&read(&root().join(
        "tests/fixtures/cloudtrail/corpus/guardduty-events/splunk-security-content/aws_cloudtrail_deletedetector.json",
    )))
    .unwrap()
}

pub(crate) fn parse_lines(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

pub(crate) fn corpus_findings() -> Vec<Value> {
    let findings = parse_lines(corpus_jsonl());
    assert_eq!(findings.len(), 4, "the corpus holds 4 GuardDuty changes");
    findings
}

pub(crate) fn to_jsonl(findings: &[Value]) -> String {
    findings.iter().map(|f| format!("{f}\n")).collect()
}

/// A corpus finding turned into another one: a different severity and fingerprint.
pub(crate) fn variant(base: &Value, severity: &str, fingerprint: &str) -> Value {
    let mut finding = base.clone();
    finding["severity"] = json!(severity);
    finding["fingerprint"] = json!(fingerprint);
    finding
}

pub(crate) fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
}

/// How a recipe runs: in a home of its own (no `~/.curlrc`, no `~/.aws`), in the hermetic
/// environment, with the settings a test gives it and, optionally, a directory first on PATH.
pub(crate) struct Run {
    home: tempfile::TempDir,
    env: Vec<(String, String)>,
    path_prefix: Option<PathBuf>,
}

impl Run {
    pub(crate) fn new() -> Run {
        Run {
            home: tempfile::tempdir().unwrap(),
            env: Vec::new(),
            path_prefix: None,
        }
    }

    pub(crate) fn env(mut self, key: &str, value: impl Into<String>) -> Run {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    pub(crate) fn env_path(self, key: &str, path: &Path) -> Run {
        let value = path.to_str().expect("test paths are UTF-8").to_owned();
        self.env(key, value)
    }

    /// Put `dir` first on PATH.
    pub(crate) fn path_first(mut self, dir: &Path) -> Run {
        self.path_prefix = Some(dir.to_path_buf());
        self
    }

    /// Put the stubs (see [`Stubs`]) first on PATH.
    pub(crate) fn with_stubs(self, stubs: &Stubs) -> Run {
        self.path_first(&stubs.bin)
    }

    pub(crate) fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        hermetic(&mut cmd, self.home.path());
        if let Some(prefix) = &self.path_prefix {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let mut dirs = vec![prefix.clone()];
            dirs.extend(std::env::split_paths(&path));
            cmd.env("PATH", std::env::join_paths(dirs).unwrap());
        }
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd
    }

    /// `bash RECIPE ARGS...` with `stdin` on its standard input.
    pub(crate) fn recipe(&self, name: &str, args: &[&str], stdin: &str) -> Output {
        let mut cmd = self.command("bash");
        cmd.arg(recipe(name)).args(args);
        feed(cmd, stdin)
    }
}

pub(crate) fn feed(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    // A program may exit without reading all its input (a recipe that stops at a missing
    // setting, or once it has what it needs): the write then fails with a broken pipe, which
    // is the program's choice, not a harness failure. Its exit code and output are what the
    // tests assert. Any other write error is.
    match writer.join().unwrap() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
    out
}

pub(crate) fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", describe(out));
}

/// A directory of stub executables. Each call of a stub records, in `calls/<n>/`, its name,
/// its arguments (NUL-separated) and its standard input, then prints `0` (what
/// `aws events put-targets --query FailedEntryCount` prints when all is well).
pub(crate) struct Stubs {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    calls: PathBuf,
}

#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) program: String,
    pub(crate) args: Vec<String>,
    pub(crate) stdin: String,
}

impl Stubs {
    pub(crate) fn new(programs: &[&str]) -> Stubs {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let calls = dir.path().join("calls");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&calls).unwrap();
        let script = format!(
            r#"#!/bin/sh
i=0
while ! mkdir "{calls}/$i" 2>/dev/null; do i=$((i + 1)); done
basename "$0" >"{calls}/$i/program"
printf '%s\0' "$@" >"{calls}/$i/args"
cat >"{calls}/$i/stdin"
echo 0
"#,
            calls = calls.display()
        );
        for program in programs {
            let path = bin.join(program);
            std::fs::write(&path, &script).unwrap();
            make_executable(&path);
        }
        Stubs {
            _dir: dir,
            bin,
            calls,
        }
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        let mut numbered: Vec<(usize, PathBuf)> = std::fs::read_dir(&self.calls)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let n = path.file_name().unwrap().to_str().unwrap().parse().unwrap();
                (n, path)
            })
            .collect();
        numbered.sort();
        numbered
            .into_iter()
            .map(|(_, dir)| Call {
                program: read(&dir.join("program")).trim().to_owned(),
                args: read(&dir.join("args"))
                    .split_terminator('\0')
                    .map(str::to_owned)
                    .collect(),
                stdin: read(&dir.join("stdin")),
            })
            .collect()
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The value after `flag` in `args`.
pub(crate) fn arg<'a>(args: &'a [String], flag: &str) -> &'a str {
    let at = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} missing from {args:?}"));
    &args[at + 1]
}

/// Standard base64 with padding, as HTTP Basic authentication encodes `user:password`.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
