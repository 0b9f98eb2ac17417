//! Shared helpers for the integration tests: a moto server per test, an SDK client to
//! seed it, the `gdaudit` binary with a hermetic environment, and endpoints that fail.
//!
//! Each test file that wants these says `mod common;`. Not every file uses every helper.
#![allow(dead_code)]
// Helpers, like tests, panic with a message when the harness itself is broken.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod blackhole;
pub mod mocks;
pub mod org;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_guardduty::config::retry::RetryConfig;
use aws_sdk_guardduty::config::timeout::TimeoutConfig;
use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};

/// How long moto may take to print READY. Cold, it imports in about a second; this is a
/// deadline for a broken install, not a delay anyone waits for.
const MOTO_START_DEADLINE: Duration = Duration::from_secs(120);

/// How long one `gdaudit` run may take in a test; the slowest expected is a few seconds.
const GDAUDIT_RUN_DEADLINE: Duration = Duration::from_secs(120);

/// A moto server on loopback, owned by one test. Stopped when dropped.
pub struct Moto {
    /// `http://127.0.0.1:<port>`: serves every AWS service; the region comes from each
    /// request's signature.
    pub endpoint: String,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Moto {
    /// Start moto (tests/support/moto.py) for `account_id`, and return once it accepts
    /// connections: the launcher prints `READY <endpoint>` only after its socket listens.
    pub fn start(account_id: &str) -> Moto {
        Self::launch(account_id, &[])
    }

    /// Start moto exactly as released, without the launcher's ListMembers and ListRegions
    /// handlers (see tests/support/moto.py).
    #[allow(dead_code)] // not every test binary that includes this module uses it
    pub fn start_without_shims(account_id: &str) -> Moto {
        Self::launch(account_id, &["--no-shims"])
    }

    /// Start moto so that each request acts in the account of its access key (credentials
    /// from sts:AssumeRole act in the role's account); plain `testing` keys act in
    /// `account_id`. For organization tests (see tests/support/moto.py).
    #[allow(dead_code)]
    pub fn start_multi_account(account_id: &str) -> Moto {
        Self::launch(account_id, &["--multi-account"])
    }

    /// Start moto with extra launcher arguments (tests/support/moto.py lists them, e.g.
    /// `--lookup-events 4 --throttle 0.4 --request-log FILE`).
    #[allow(dead_code)] // not every test binary that includes this module uses it
    pub fn start_with_args(account_id: &str, args: &[&str]) -> Moto {
        Self::launch(account_id, args)
    }

    /// Start moto serving the configuration objects in `seed` (see
    /// `install_config_object_shims` in tests/support/moto.py): IP sets, threat lists,
    /// publishing destinations, Malware Protection plans, findings, and denied calls.
    #[allow(dead_code)] // not every test binary that includes this module uses it
    pub fn start_seeded(account_id: &str, seed: &serde_json::Value) -> Moto {
        let mut file = tempfile::NamedTempFile::new().expect("a seed file");
        std::io::Write::write_all(&mut file, seed.to_string().as_bytes()).expect("write the seed");
        // The launcher reads the file before it prints READY, so it may go once started.
        let path = file.path().to_string_lossy().into_owned();
        Self::launch(account_id, &["--seed", &path])
    }

    fn launch(account_id: &str, args: &[&str]) -> Moto {
        let python = moto_python();
        let script = manifest_dir().join("tests/support/moto.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .args(args)
            .env("MOTO_ACCOUNT_ID", account_id)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", python.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");

        // Read the READY line on a thread so a launcher that hangs fails the test at a
        // deadline instead of hanging it; the thread then drains stdout until moto exits.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = match rx.recv_timeout(MOTO_START_DEADLINE) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => stop_and_panic(child, &format!("reading its stdout failed: {e}")),
            Err(_) => stop_and_panic(
                child,
                &format!("no READY line within {MOTO_START_DEADLINE:?}"),
            ),
        };
        let Some(endpoint) = line.trim_end().strip_prefix("READY ") else {
            stop_and_panic(
                child,
                &format!("expected `READY <endpoint>`, got {line:?} (moto's stderr is above)"),
            )
        };
        Moto {
            endpoint: endpoint.to_owned(),
            child,
            stdin,
        }
    }

    /// A GuardDuty client for `region` on this moto, to seed it. gdaudit itself never writes.
    pub fn guardduty(&self, region: &str) -> aws_sdk_guardduty::Client {
        guardduty_client(&self.endpoint, region)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing stdin alone would stop moto; killing does not wait for it to notice.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stop_and_panic(mut child: Child, why: &str) -> ! {
    let _ = child.kill();
    let status = child.wait();
    panic!("moto did not start: {why}; launcher exit: {status:?}")
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Python that has moto: `$GDAUDIT_MOTO_PYTHON` (set by scripts/test), else the
/// virtualenv scripts/test creates.
fn moto_python() -> PathBuf {
    if let Some(python) = std::env::var_os("GDAUDIT_MOTO_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = manifest_dir().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!("moto is not installed: run scripts/test");
}

/// A GuardDuty client for `region` at `endpoint` with static test credentials. Built
/// from an explicit config, not `aws_config`, so nothing in the developer's environment
/// or ~/.aws can reach it.
pub fn guardduty_client(endpoint: &str, region: &str) -> aws_sdk_guardduty::Client {
    let config = aws_sdk_guardduty::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .build();
    aws_sdk_guardduty::Client::from_conf(config)
}

/// Run seeding code (async SDK calls) from a synchronous test.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// The `gdaudit` binary with a hermetic environment, pointed at `endpoint`: nothing from
/// the caller's environment (no AWS_*, NO_COLOR, CI, ~/.aws) except PATH, static test
/// credentials, region us-east-1, at most 2 attempts per call, and no instance metadata.
/// Tests remove or override variables on the returned command as they need.
pub fn gdaudit_cmd(endpoint: &str) -> assert_cmd::Command {
    let empty = empty_aws_files();
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_gdaudit"));
    cmd.env_clear();
    // Kept: PATH, and what coverage tools (cargo-llvm-cov) need to collect profiles.
    for name in ["PATH", "LLVM_PROFILE_FILE", "SYSTEMROOT"] {
        if let Some(value) = std::env::var_os(name) {
            cmd.env(name, value);
        }
    }
    cmd.env("HOME", &empty.home)
        .env("AWS_CONFIG_FILE", &empty.config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty.credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_MAX_ATTEMPTS", "2");
    // A run that hangs is killed and fails its test, instead of holding up the suite.
    cmd.timeout(GDAUDIT_RUN_DEADLINE);
    cmd
}

struct EmptyAwsFiles {
    home: PathBuf,
    config: PathBuf,
    credentials: PathBuf,
}

/// An empty home folder and empty AWS config and credentials files under the target
/// folder's test scratch space. Created if missing, never written to, so tests running
/// in parallel (in one process or several) can share them.
fn empty_aws_files() -> EmptyAwsFiles {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gdaudit-empty-aws");
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("create the empty home folder");
    let touch = |name: &str| {
        let path = root.join(name);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        path
    };
    EmptyAwsFiles {
        config: touch("config"),
        credentials: touch("credentials"),
        home,
    }
}

/// An endpoint on which nothing listens: connections are refused. The port was free a
/// moment ago; nothing in the test suite binds fixed ports, so it stays free.
pub fn closed_port_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("a local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Parse stdout as one JSON document, with the output in the message if it is not one.
pub fn json_stdout(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}).\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Everything a failed assertion on a run needs to show.
pub fn describe(output: &std::process::Output) -> String {
    format!(
        "exit: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The `gdaudit` binary for offline runs (snapshots, files): the caller's AWS_*, NO_COLOR
/// and CI removed, so nothing can reach an account and output is as a user sees it.
pub fn gdaudit_offline() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_gdaudit"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key == "NO_COLOR" || key == "CI" {
            cmd.env_remove(key);
        }
    }
    cmd
}
