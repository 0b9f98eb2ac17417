//! Collection from AWS: the only code that talks to AWS. Every call here is a read
//! (List/Get/Describe/Lookup, and Athena's StartQueryExecution of a SELECT);
//! `tests/read_only.rs` keeps it that way.

pub mod assume;
pub mod athena;
pub mod cloudtrail;
pub mod error_body;
pub mod errors;
pub mod guardduty;
pub mod guardduty_objects;
pub mod guardduty_org;
pub mod iam;
pub mod lists;
pub mod organizations;
pub mod regions;
pub mod retry;
pub mod s3;
pub mod sts;

use std::time::Duration;

pub use aws_config::SdkConfig;
use aws_config::{BehaviorVersion, Region, timeout::TimeoutConfig};
use aws_credential_types::provider::ProvideCredentials;
use thiserror::Error;

/// Where and how to reach AWS, from the global options.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub home_region: Option<String>,
    pub timeout: Duration,
}

/// Problems that stop collection before any region is read.
#[derive(Debug, Error)]
pub enum SetupError {
    #[error(
        "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
         or run `aws sso login` ({0})"
    )]
    NoCredentials(String),
    /// An endpoint variable set to nothing. AWS documents one valid value, a URL with a scheme
    /// and a host; the SDK panics on an empty one, and gdaudit will not guess whether "the
    /// default endpoints" or a value that failed to expand (an emulator's URL) was meant.
    #[error("{0} is set but empty: give it an endpoint URL (scheme and host) or unset it")]
    EmptyEndpoint(String),
    /// An endpoint variable that is no URL (`localhost:4566`): every call would fail with the
    /// SDK's dump of the request.
    #[error(
        "{0} is not an endpoint URL ({1:?}): give it a scheme and host, e.g. http://127.0.0.1:5000"
    )]
    BadEndpoint(String, String),
}

/// The first endpoint variable (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, by name)
/// among `vars` that is set to nothing but blanks, or to something that is not an http(s) URL
/// with a host — unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` says to ignore them all.
pub fn bad_endpoint_variable<I>(vars: I) -> Option<SetupError>
where
    I: IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
{
    let mut bad: Vec<(String, String)> = Vec::new();
    let mut ignored = false;
    for (name, value) in vars {
        let Some(name) = name.to_str() else {
            continue;
        };
        let value = value.to_string_lossy().trim().to_owned();
        if name == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" {
            ignored = value.eq_ignore_ascii_case("true");
        } else if (name == "AWS_ENDPOINT_URL" || name.starts_with("AWS_ENDPOINT_URL_"))
            && !is_endpoint_url(&value)
        {
            bad.push((name.to_owned(), value));
        }
    }
    bad.sort();
    let (name, value) = bad.into_iter().next().filter(|_| !ignored)?;
    Some(if value.is_empty() {
        SetupError::EmptyEndpoint(name)
    } else {
        SetupError::BadEndpoint(name, value)
    })
}

/// `http://host…` or `https://host…` (any case), the host not empty.
fn is_endpoint_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with(':') && !host.contains(char::is_whitespace)
    })
}

/// Runs `work` on every item, at most `concurrency` at once, and returns the results in the
/// items' order. A task that panicked yields `None`: the caller reports its item as
/// could-not-check rather than drop it.
pub async fn fan_out<T, R, F, Fut>(items: Vec<T>, concurrency: usize, work: F) -> Vec<Option<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let count = items.len();
    for (index, item) in items.into_iter().enumerate() {
        let limit = std::sync::Arc::clone(&limit);
        let job = work(item);
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = limit.acquire_owned().await.ok();
            (index, job.await)
        });
    }
    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    results
}

/// Follows a paginated list to its end: `page(token)` reads one page (retrying it as it
/// sees fit) and returns its items and the next token. A token the service repeats would
/// loop for ever: it ends the list with an error instead.
pub async fn pages<T, F, Fut>(
    operation: &str,
    mut page: F,
) -> Result<Vec<T>, crate::model::CollectError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), crate::model::CollectError>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (mut page_items, next) = page(token.clone()).await?;
        items.append(&mut page_items);
        match next {
            Some(next) if !next.is_empty() => {
                if token.as_deref() == Some(next.as_str()) {
                    return Err(crate::model::CollectError {
                        kind: crate::model::ErrorKind::Other,
                        operation: operation.to_owned(),
                        code: None,
                        message: "the service repeated its last page token: stopped".into(),
                    });
                }
                token = Some(next);
            }
            _ => return Ok(items),
        }
    }
}

/// The error a region gets when its task failed inside gdaudit.
pub fn internal_error(operation: &str) -> crate::model::CollectError {
    crate::model::CollectError {
        kind: crate::model::ErrorKind::Other,
        operation: operation.to_owned(),
        code: None,
        message: "internal error while reading the region".into(),
    }
}

/// The region used for global calls when none is configured anywhere.
pub const DEFAULT_HOME_REGION: &str = "us-east-1";

/// Loads the SDK configuration from the standard chain (env, profiles, SSO, IMDS) and
/// makes sure credentials can be had, so that a missing login is one clear error.
pub async fn connect(opts: &ConnectOptions) -> Result<SdkConfig, SetupError> {
    if let Some(error) = bad_endpoint_variable(std::env::vars_os()) {
        return Err(error);
    }
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(opts.timeout)
        .operation_attempt_timeout(opts.timeout)
        .connect_timeout(opts.timeout.min(Duration::from_secs(5)))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts);
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.home_region {
        loader = loader.region(Region::new(region.clone()));
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .into_builder()
            .region(Region::new(DEFAULT_HOME_REGION))
            .build();
    }
    let provider = config
        .credentials_provider()
        .ok_or_else(|| SetupError::NoCredentials("no credentials provider".into()))?;
    if let Err(err) = provider.provide_credentials().await {
        let text = err.to_string();
        return Err(SetupError::NoCredentials(
            text.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    Ok(config)
}

/// The home region of a loaded configuration.
pub fn home_region(config: &SdkConfig) -> String {
    config
        .region()
        .map(|r| r.as_ref().to_owned())
        .unwrap_or_else(|| DEFAULT_HOME_REGION.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).into(), (*v).into()))
            .collect()
    }

    fn named(pairs: &[(&str, &str)]) -> Option<String> {
        bad_endpoint_variable(vars(pairs)).map(|e| e.to_string())
    }

    #[test]
    fn an_empty_or_malformed_endpoint_variable_is_named() {
        let empty = named(&[("AWS_ENDPOINT_URL", "")]).unwrap();
        assert!(
            empty.starts_with("AWS_ENDPOINT_URL is set but empty"),
            "{empty}"
        );
        let blank = named(&[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_GUARDDUTY", "  "),
        ])
        .unwrap();
        assert!(
            blank.starts_with("AWS_ENDPOINT_URL_GUARDDUTY is set but empty"),
            "{blank}"
        );
        for value in [
            "localhost:4566",
            "not a url",
            "http://",
            "https:///x",
            "ftp://h",
        ] {
            let error = named(&[("AWS_ENDPOINT_URL_STS", value)]).unwrap();
            assert!(
                error.starts_with("AWS_ENDPOINT_URL_STS is not an endpoint URL"),
                "{error}"
            );
            assert!(!error.contains('\n'));
        }
        for value in [
            "http://x",
            "HTTPS://guardduty.eu-west-1.amazonaws.com/",
            "http://[::1]:5000",
        ] {
            assert_eq!(named(&[("AWS_ENDPOINT_URL", value)]), None, "{value}");
        }
        assert_eq!(named(&[("AWS_ENDPOINTS", ""), ("HOME", "")]), None);
        // Ignored anyway: nothing to say.
        assert_eq!(
            named(&[
                ("AWS_ENDPOINT_URL", ""),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
            ]),
            None
        );
    }
}
