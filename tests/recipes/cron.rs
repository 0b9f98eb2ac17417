//! The cron job: the lock, the state file, the queue, and the crontab line.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::json;

use crate::harness::*;
use crate::http::{Listener, Request};

struct CronJob {
    dir: tempfile::TempDir,
}

impl CronJob {
    /// A job directory with its own copy of the corpus's GuardDuty logs.
    fn new() -> CronJob {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &root().join("tests/fixtures/cloudtrail/corpus/guardduty-events"),
            &dir.path().join("logs"),
        );
        CronJob { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `cron-changes.sh ticket.sh --logs LOGS` against `server`.
    fn run(&self, server: &Listener) -> Output {
        self.run_with(
            Run::new()
                .env("TICKET_API_URL", format!("{}/api/tickets", server.url))
                .env("TICKET_API_TOKEN", "t0k3n"),
        )
    }

    /// `cron-changes.sh ticket.sh --logs LOGS` with the sender's settings in `run`.
    fn run_with(&self, run: Run) -> Output {
        let mut cmd = run
            .env_path("GDAUDIT", &gdaudit())
            .env_path("GDAUDIT_STATE", &self.path("changes-state.json"))
            .env_path("GDAUDIT_QUEUE", &self.path("undelivered.jsonl"))
            .env_path("GDAUDIT_LOCK", &self.path("cron-changes.lock"))
            .command("bash");
        cmd.arg(recipe("cron-changes.sh"))
            .arg(recipe("ticket.sh"))
            .arg("--logs")
            .arg(self.path("logs"));
        feed(cmd, "")
    }

    fn queue(&self) -> String {
        std::fs::read_to_string(self.path("undelivered.jsonl")).unwrap_or_default()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn posted_fingerprints(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| text(&r.json()["fingerprint"]).to_owned())
        .collect()
}

#[test]
fn cron_job_sends_each_change_once() {
    let job = CronJob::new();
    let server = Listener::ok();
    let first = job.run(&server);
    assert_exit(&first, 0);
    let sent = posted_fingerprints(&server.requests());
    let expected: Vec<String> = corpus_findings()
        .iter()
        .map(|f| text(&f["fingerprint"]).to_owned())
        .collect();
    assert_eq!(sent, expected, "the first run sends every change");
    assert!(job.path("changes-state.json").exists());

    let server = Listener::ok();
    let second = job.run(&server);
    assert_exit(&second, 0);
    assert!(server.requests().is_empty(), "the second run posts nothing");
    assert_eq!(job.queue(), "");

    // A change that arrives later is sent, alone.
    let mut record = delete_detector_record();
    record["eventID"] = json!("5d5b8f0e-8c1f-4f6e-9d8a-1b2c3d4e5f60");
    record["eventName"] = json!("UpdateDetector");
    record["requestParameters"] = json!({"detectorId": "123", "enable": false});
    record["eventTime"] = json!(gdaudit::model::cloudtrail::Timestamp::now().to_string());
    record.as_object_mut().unwrap().remove("errorCode");
    std::fs::write(
        job.path("logs/late.json"),
        json!({ "Records": [record] }).to_string(),
    )
    .unwrap();
    let server = Listener::ok();
    let third = job.run(&server);
    assert_exit(&third, 0);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "only the new change");
    assert_eq!(
        requests[0].json()["details"]["event_name"],
        "UpdateDetector"
    );
}

#[test]
fn cron_job_keeps_what_it_could_not_deliver_for_the_next_run() {
    let job = CronJob::new();
    let findings = corpus_findings();
    let refused = text(&findings[2]["fingerprint"]).to_owned();
    let refused_in_listener = refused.clone();
    let flaky = Listener::start(move |request| {
        if request.header("idempotency-key") == Some(refused_in_listener.as_str()) {
            (400, "{}".to_owned())
        } else {
            (201, "{}".to_owned())
        }
    });
    let first = job.run(&flaky);
    assert_exit(&first, 1);
    assert_eq!(flaky.requests().len(), 4);
    let queued = parse_lines(&job.queue());
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["fingerprint"], refused.as_str());
    assert!(String::from_utf8_lossy(&first.stderr).contains("kept in"));

    let server = Listener::ok();
    let second = job.run(&server);
    assert_exit(&second, 0);
    assert_eq!(
        posted_fingerprints(&server.requests()),
        [refused],
        "the next run delivers what was kept, and nothing else"
    );
    assert_eq!(job.queue(), "");
}

#[test]
fn cron_job_keeps_the_whole_queue_when_the_sender_cannot_start() {
    let job = CronJob::new();
    std::fs::write(job.path("undelivered.jsonl"), corpus_jsonl()).unwrap();
    // No TICKET_API_URL: ticket.sh stops before it reads a line.
    let out = job.run_with(Run::new());
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("TICKET_API_URL"));
    assert_eq!(
        parse_lines(&job.queue()).len(),
        8,
        "the 4 changes queued before and the run's 4 new ones are all kept"
    );
}

#[test]
fn cron_job_leaves_state_and_queue_alone_when_gdaudit_fails() {
    let job = CronJob::new();
    std::fs::write(job.path("changes-state.json"), "not a state file").unwrap();
    std::fs::write(job.path("undelivered.jsonl"), corpus_jsonl()).unwrap();
    let server = Listener::ok();
    let out = job.run(&server);
    assert_exit(&out, 2);
    assert!(server.requests().is_empty(), "nothing is sent");
    assert_eq!(read(&job.path("changes-state.json")), "not a state file");
    assert_eq!(job.queue(), corpus_jsonl(), "the queue is kept");
}

#[test]
fn cron_job_skips_while_the_previous_run_holds_the_lock() {
    let job = CronJob::new();
    // flock(1) holds the lock while its child runs; the child says so, then waits on stdin.
    let mut holder = Command::new("flock")
        .arg(job.path("cron-changes.lock"))
        .args(["sh", "-c", "echo locked; exec cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    BufReader::new(holder.stdout.as_mut().unwrap())
        .read_line(&mut said)
        .unwrap();
    assert_eq!(said, "locked\n");

    let server = Listener::ok();
    let out = job.run(&server);
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    assert_exit(&out, 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("still going"));
    assert!(server.requests().is_empty());
    assert!(
        !job.path("changes-state.json").exists(),
        "gdaudit did not run"
    );
}

#[test]
fn crontab_line_runs_the_cron_recipe() {
    let crontab = read(&recipe("crontab"));
    let jobs: Vec<&str> = crontab
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| !l.split_whitespace().next().unwrap().contains('='))
        .collect();
    assert_eq!(jobs.len(), 1, "{crontab}");
    let fields: Vec<&str> = jobs[0].split_whitespace().collect();
    let schedule = &fields[..5];
    assert!(
        schedule
            .iter()
            .all(|f| f.chars().all(|c| c.is_ascii_digit() || "*/,-".contains(c))),
        "{schedule:?}"
    );
    assert_eq!(fields[5], "gdaudit", "/etc/cron.d lines name the user");
    let command = fields[6..].join(" ");
    for script in ["cron-changes.sh", "ticket.sh"] {
        assert!(command.contains(&format!("/{script}")), "{command}");
        assert!(recipe(script).exists());
    }
    assert!(command.contains("/etc/gdaudit/alerts.env"));
}
