//! One retry-and-pacing loop for every AWS call gdaudit makes.
//!
//! The SDK's own retries are turned off for each call ([`no_sdk_retries`]): they ran inside
//! `send()`, unpaced, so a throttled page could be followed by the next one within
//! milliseconds. Here every attempt, first or retried, waits for its region's [`Pacer`], and
//! throttling, HTTP 5xx, time-outs and connection errors are retried with one doubling backoff,
//! jittered ([`Jitter`]) so that callers throttled together do not come back together. The
//! same per-call configuration fails an attempt whose success response is an error body
//! ([`super::error_body`]), so that error is retried here too instead of read as empty data.
//!
//! A collector wraps each request in [`call`]:
//!
//! ```ignore
//! let policy = RetryPolicy::from_sdk(
//!     client.config().retry_config(),
//!     client.config().timeout_config(),
//! );
//! let page = retry::call("guardduty:ListMembers", &policy, &Pacer::none(), &mut stats, || {
//!     client.list_members().detector_id(id).customize()
//!         .config_override(gdaudit::no_sdk_retries!(aws_sdk_guardduty)).send()
//! }).await?;
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use aws_sdk_guardduty::config::http::HttpResponse;
use aws_sdk_guardduty::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use tokio::time::Instant;

use super::errors::classify;
use crate::model::{CollectError, ErrorKind};

/// How often a call is tried again, and how long it waits before each retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after a throttling error (`ThrottlingException`, HTTP 429…).
    pub throttle_retries: u32,
    /// Retries after a transient error: HTTP 5xx, a time-out, a connection refused or reset,
    /// a response cut off.
    pub transient_retries: u32,
    /// The wait before the first retry; it doubles with each retry, up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// No transient retry starts this long after the first attempt (`--timeout`: one call,
    /// retries included); throttling retries are not bound by it.
    pub give_up_after: Option<Duration>,
    /// How much of each backoff is actually waited.
    pub jitter: Jitter,
}

/// How a backoff is spread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Jitter {
    /// "Equal jitter": a wait chosen at random between half the backoff and all of it, so
    /// tasks (or gdaudit runs) throttled together spread out, and none retries at once.
    #[default]
    Equal,
    /// Always the whole backoff.
    None,
}

impl RetryPolicy {
    /// The budget configured for the SDK (`AWS_MAX_ATTEMPTS`, `max_attempts` in the profile;
    /// 3 attempts by default), used for both kinds of error, with its initial backoff
    /// (1 s by default) and gdaudit's cap of 16 s; transient retries stop at the operation
    /// time-out (`--timeout`). Pass a client's `config().retry_config()` and
    /// `config().timeout_config()`.
    pub fn from_sdk(config: Option<&RetryConfig>, timeouts: Option<&TimeoutConfig>) -> RetryPolicy {
        let standard = RetryConfig::standard();
        let config = config.unwrap_or(&standard);
        let retries = config.max_attempts().max(1) - 1;
        RetryPolicy {
            throttle_retries: retries,
            transient_retries: retries,
            first_backoff: config.initial_backoff(),
            max_backoff: config.max_backoff().min(Duration::from_secs(16)),
            give_up_after: timeouts.and_then(TimeoutConfig::operation_timeout),
            jitter: Jitter::default(),
        }
    }

    /// The wait before retry number `retry` (0 for the first).
    pub fn backoff(&self, retry: u32) -> Duration {
        self.first_backoff
            .saturating_mul(1 << retry.min(16))
            .min(self.max_backoff.max(self.first_backoff))
    }

    /// The wait before retry number `retry` with the policy's jitter, `roll` being a random
    /// number: between half of [`RetryPolicy::backoff`] and all of it (never more).
    pub fn wait(&self, retry: u32, roll: u64) -> Duration {
        let cap = self.backoff(retry);
        match self.jitter {
            Jitter::None => cap,
            Jitter::Equal => {
                let half = cap / 2;
                let spread = u64::try_from((cap - half).as_nanos()).unwrap_or(u64::MAX);
                half + Duration::from_nanos(roll % spread.saturating_add(1))
            }
        }
    }
}

/// A random number for [`RetryPolicy::wait`]. The standard library's hasher keys are random
/// per process and change with every `RandomState`; the clock adds the rest. Not for
/// secrets: only for spreading retries.
pub fn roll() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(now);
    hasher.finish()
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::from_sdk(None, None)
    }
}

/// Spaces the attempts made through it (CloudTrail LookupEvents: 2 per second per region).
/// Each attempt starts at least `interval` after the previous one started and `interval`
/// after it was answered: an attempt reaches AWS before it is answered and the next one is
/// sent after, so two attempts never reach AWS closer than `interval`, however late the
/// first one got there (connection set-up, a slow network). Clones share the schedule;
/// [`Pacer::none`] never waits.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    schedule: Option<Arc<Schedule>>,
}

#[derive(Debug)]
struct Schedule {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn every(interval: Duration) -> Pacer {
        Pacer {
            schedule: Some(Arc::new(Schedule {
                interval,
                next: Mutex::new(None),
            })),
        }
    }

    pub fn none() -> Pacer {
        Pacer::default()
    }

    /// Waits for this attempt's turn. The turn is taken before waiting, so attempts from
    /// several tasks sharing the pacer queue up instead of leaving together.
    pub async fn wait(&self) {
        let Some(schedule) = &self.schedule else {
            return;
        };
        let turn = {
            let mut next = schedule.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let turn = next.map_or(now, |n| n.max(now));
            *next = Some(turn + schedule.interval);
            turn
        };
        tokio::time::sleep_until(turn).await;
    }

    /// Records that an attempt was answered (or failed) now: the next waits `interval`
    /// from here too. [`call`] does this after every attempt.
    pub fn answered(&self) {
        if let Some(schedule) = &self.schedule {
            let mut next = schedule.next.lock().unwrap_or_else(PoisonError::into_inner);
            let after = Instant::now() + schedule.interval;
            *next = Some(next.map_or(after, |n| n.max(after)));
        }
    }
}

/// What the retries of a run cost, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryStats {
    pub throttled: u32,
    pub transient: u32,
}

/// Whether an error is worth another attempt, and from which budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryable {
    Throttled,
    Transient,
    No,
}

/// Sorts a failed attempt: throttling (by code or HTTP 429), transient (HTTP 5xx, time-out,
/// connection or body-read failure), or final.
pub fn retryable<E>(err: &SdkError<E, HttpResponse>, error: &CollectError) -> Retryable
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if error.kind == ErrorKind::Throttled {
        return Retryable::Throttled;
    }
    // An error sent with a success status is retried as its code says: a server error is
    // transient, anything else (access denied…) is final.
    if let Some(found) = super::error_body::find(err) {
        return if ["Internal", "ServiceUnavailable", "ServiceFailure"]
            .iter()
            .any(|part| found.code.contains(part))
        {
            Retryable::Transient
        } else {
            Retryable::No
        };
    }
    match err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Retryable::Transient,
        SdkError::DispatchFailure(failure) if !failure.is_user() => Retryable::Transient,
        SdkError::ServiceError(service) => match service.raw().status().as_u16() {
            429 => Retryable::Throttled,
            500..=599 => Retryable::Transient,
            _ => Retryable::No,
        },
        _ => Retryable::No,
    }
}

/// Makes one request, retrying it as `policy` allows; every attempt waits for `pacer`
/// and tells it when it was answered.
/// `attempt` must build and send the request with the SDK's retries off ([`no_sdk_retries`]).
pub async fn call<T, E, F, Fut>(
    operation: &str,
    policy: &RetryPolicy,
    pacer: &Pacer,
    stats: &mut RetryStats,
    mut attempt: F,
) -> Result<T, CollectError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
{
    let (mut throttled, mut transient) = (0u32, 0u32);
    let started = Instant::now();
    loop {
        pacer.wait().await;
        let result = attempt().await;
        pacer.answered();
        let err = match result {
            Ok(output) => return Ok(output),
            Err(err) => err,
        };
        let error = classify(operation, &err);
        let retry = match retryable(&err, &error) {
            Retryable::Throttled if throttled < policy.throttle_retries => {
                throttled += 1;
                stats.throttled += 1;
                throttled + transient - 1
            }
            Retryable::Transient
                if transient < policy.transient_retries
                    && policy.give_up_after.is_none_or(|limit| {
                        started.elapsed() + policy.backoff(throttled + transient) < limit
                    }) =>
            {
                transient += 1;
                stats.transient += 1;
                throttled + transient - 1
            }
            _ => return Err(error),
        };
        tokio::time::sleep(policy.wait(retry, roll())).await;
    }
}

/// Waits before retry number `retry` of something [`call`] cannot retry itself (an object's
/// body cut off after its response arrived), as [`call`] would.
pub async fn back_off(policy: &RetryPolicy, retry: u32) {
    tokio::time::sleep(policy.wait(retry, roll())).await;
}

/// [`call`] for a request that no pacer spaces and whose retries no report counts.
pub async fn unpaced<T, E, F, Fut>(
    operation: &str,
    policy: &RetryPolicy,
    attempt: F,
) -> Result<T, CollectError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
{
    let mut stats = RetryStats::default();
    call(operation, policy, &Pacer::none(), &mut stats, attempt).await
}

/// The per-call configuration override of every request made through [`call`], for the
/// service crate named: `no_sdk_retries!(aws_sdk_cloudtrail)`. It turns the SDK's own
/// retries off, and fails an attempt whose success response is an error body
/// ([`super::error_body::ErrorBodyCheck`]) so that [`call`] sees the error.
#[macro_export]
macro_rules! no_sdk_retries {
    ($service:ident) => {
        $service::config::Builder::default()
            .retry_config(::aws_smithy_types::retry::RetryConfig::disabled())
            .interceptor($crate::aws::error_body::ErrorBodyCheck)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy {
            throttle_retries: 8,
            transient_retries: 2,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(16),
            give_up_after: None,
            jitter: Jitter::None,
        };
        let waits: Vec<u64> = (0..7).map(|r| policy.backoff(r).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 16, 16]);
        let waits: Vec<u64> = (0..7).map(|r| policy.wait(r, 12345).as_secs()).collect();
        assert_eq!(
            waits,
            [1, 2, 4, 8, 16, 16, 16],
            "no jitter: the whole backoff"
        );
    }

    #[test]
    fn jitter_waits_between_half_the_backoff_and_all_of_it() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.jitter, Jitter::Equal);
        for retry in 0..8 {
            let cap = policy.backoff(retry);
            let least = policy.wait(retry, 0);
            let spread = u64::try_from((cap - cap / 2).as_nanos()).unwrap_or_default();
            assert_eq!(least, cap / 2, "retry {retry}");
            assert_eq!(policy.wait(retry, spread), cap, "retry {retry}");
            assert_eq!(policy.wait(retry, u64::MAX).max(cap), cap, "never more");
        }
        // Random rolls stay in bounds and are not all the same.
        let waits: Vec<Duration> = (0..32).map(|_| policy.wait(3, roll())).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= Duration::from_secs(4) && *w <= Duration::from_secs(8))
        );
        assert!(waits.iter().any(|w| *w != waits[0]), "{waits:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_retried_call_waits_a_jittered_backoff() {
        use aws_sdk_guardduty::operation::list_detectors::ListDetectorsError;
        let policy = RetryPolicy {
            first_backoff: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        let start = Instant::now();
        let mut attempts = Vec::new();
        let mut stats = RetryStats::default();
        let result: Result<(), CollectError> =
            call("test:Op", &policy, &Pacer::none(), &mut stats, || {
                attempts.push(Instant::now() - start);
                let n = attempts.len();
                async move {
                    if n < 3 {
                        Err(SdkError::<ListDetectorsError, HttpResponse>::timeout_error(
                            "slow",
                        ))
                    } else {
                        Ok(())
                    }
                }
            })
            .await;
        assert!(result.is_ok());
        assert_eq!(stats.transient, 2);
        let first = attempts[1] - attempts[0];
        let second = attempts[2] - attempts[1];
        assert!(
            first >= Duration::from_secs(1) && first <= Duration::from_secs(2),
            "{first:?}"
        );
        assert!(
            second >= Duration::from_secs(2) && second <= Duration::from_secs(4),
            "{second:?}"
        );
    }

    #[test]
    fn the_sdk_budget_becomes_the_policy() {
        let timeouts = TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(30))
            .build();
        let policy = RetryPolicy::from_sdk(
            Some(&RetryConfig::standard().with_max_attempts(5)),
            Some(&timeouts),
        );
        assert_eq!(policy.give_up_after, Some(Duration::from_secs(30)));
        assert_eq!((policy.throttle_retries, policy.transient_retries), (4, 4));
        assert_eq!(RetryPolicy::default().transient_retries, 2);
        let disabled = RetryPolicy::from_sdk(Some(&RetryConfig::disabled()), None);
        assert_eq!(disabled.transient_retries, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pacer_spaces_attempts_even_when_shared() {
        let pacer = Pacer::every(Duration::from_millis(550));
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let pacer = pacer.clone();
            tasks.spawn(async move {
                pacer.wait().await;
                Instant::now()
            });
        }
        let mut times: Vec<u128> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|t| (t - start).as_millis())
            .collect();
        times.sort_unstable();
        assert_eq!(times, [0, 550, 1100, 1650]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_next_attempt_waits_an_interval_after_the_answer() {
        let pacer = Pacer::every(Duration::from_millis(550));
        let start = Instant::now();
        pacer.wait().await;
        // The request took 300 ms to reach AWS and be answered.
        tokio::time::advance(Duration::from_millis(300)).await;
        pacer.answered();
        pacer.wait().await;
        assert_eq!((Instant::now() - start).as_millis(), 850);
    }
}
