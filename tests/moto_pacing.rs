//! Pacing under a throttling storm, measured where it counts: at the server. moto, taught
//! LookupEvents by tests/support/moto.py, throttles 40% of requests and logs when each one
//! arrives; no region may see more than 2 requests in any second (LookupEvents' limit),
//! retries included, and no event may be lost.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeMap;

use common::{Moto, gdaudit_cmd, json_stdout};

const ACCOUNT: &str = "111122223333";
const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "us-west-2"];
const PAGES: usize = 4;

#[test]
fn a_throttling_storm_never_gets_more_than_2_requests_a_second_per_region() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.log");
    let pages = PAGES.to_string();
    let moto = Moto::start_with_args(
        ACCOUNT,
        &[
            "--lookup-events",
            &pages,
            "--throttle",
            "0.4",
            "--request-log",
            log.to_str().unwrap(),
        ],
    );
    let output = gdaudit_cmd(&moto.endpoint)
        .args(["changes", "--regions", &REGIONS.join(","), "--since", "1h"])
        .args(["-o", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let doc = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{doc:#}");

    // Nothing lost: every event of every page of every region.
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), REGIONS.len() * PAGES * 2, "{doc:#}");

    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut throttled = 0;
    for line in std::fs::read_to_string(&log).unwrap().lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        times
            .entry(fields[0].to_owned())
            .or_default()
            .push(fields[1].parse().unwrap());
        throttled += usize::from(fields[2] == "throttled");
    }
    assert_eq!(
        times.keys().map(String::as_str).collect::<Vec<_>>(),
        REGIONS,
        "every region was read"
    );
    let requests: usize = times.values().map(Vec::len).sum();
    assert!(throttled >= 3, "the storm throttled requests: {throttled}");
    assert_eq!(
        requests,
        REGIONS.len() * PAGES + throttled,
        "every throttled page retried"
    );
    for (region, times) in &mut times {
        times.sort_by(f64::total_cmp);
        // Three requests within one second would break the limit of two.
        for window in times.windows(3) {
            assert!(
                window[2] - window[0] >= 1.0,
                "{region}: 3 requests within {:.3}s: {times:?}",
                window[2] - window[0]
            );
        }
    }
}
