//! A LookupEvents response body, through the real SDK deserialiser and gdaudit's page reader:
//! the first request is answered with the input (HTTP 200), any later one with an empty last
//! page, so a NextToken in the input cannot loop. Retries wait no time (a zero backoff), so
//! an input that is retried (an error sent with HTTP 200, a throttling error) reaches the
//! retry loop and the next attempt without slowing the run.
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_credential_types::Credentials;
use aws_sdk_cloudtrail::config::{BehaviorVersion, Region};
use aws_smithy_http_client::test_util::infallible_client_fn;
use gdaudit::aws::cloudtrail::{LookupOptions, lookup_region};
use gdaudit::model::cloudtrail::Timestamp;
use libfuzzer_sys::fuzz_target;

static BODY: OnceLock<std::sync::Mutex<Vec<u8>>> = OnceLock::new();
static REQUESTS: AtomicUsize = AtomicUsize::new(0);

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    })
}

fn client() -> &'static aws_sdk_cloudtrail::Client {
    static CLIENT: OnceLock<aws_sdk_cloudtrail::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let http = infallible_client_fn(|_request| {
            let first = REQUESTS.fetch_add(1, Ordering::SeqCst) == 0;
            let body = if first {
                BODY.get_or_init(Default::default)
                    .lock()
                    .map(|b| b.clone())
                    .unwrap_or_default()
            } else {
                b"{\"Events\":[]}".to_vec()
            };
            http::Response::builder()
                .status(200)
                .header("content-type", "application/x-amz-json-1.1")
                .body(aws_smithy_types::body::SdkBody::from(body))
                .expect("response")
        });
        let config = aws_sdk_cloudtrail::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(Credentials::new("AKIDFUZZ", "secret", None, None, "fuzz"))
            .http_client(http)
            // gdaudit takes its transient-retry budget from here; no time between attempts.
            .retry_config(
                aws_smithy_types::retry::RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(std::time::Duration::ZERO),
            )
            .build();
        aws_sdk_cloudtrail::Client::from_conf(config)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(mut body) = BODY.get_or_init(Default::default).lock() {
        body.clear();
        body.extend_from_slice(data);
    }
    REQUESTS.store(0, Ordering::SeqCst);
    let mut opts = LookupOptions::new(
        Timestamp::from_unix_millis(0),
        Timestamp::from_unix_millis(1_800_000_000_000),
    );
    opts.pace = std::time::Duration::ZERO;
    opts.throttle_retries = 1;
    opts.throttle_backoff = std::time::Duration::ZERO;
    opts.keep_raw = data.first().is_some_and(|b| b & 1 == 1);
    let read = runtime().block_on(lookup_region(client(), "eu-west-1", &opts));
    assert!(read.pages <= 2);
    for error in &read.errors {
        assert!(!error.message.contains('\n'));
    }
});
