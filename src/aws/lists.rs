//! The content of trusted and threat lists (`--read-lists`, never by default): one
//! s3:GetObject per ACTIVE list, bounded in size (a ranged GET, and the body cut at the
//! bound whatever the server sends), parsed by [`crate::model::list_content`]. A list that
//! cannot be read is an error of its region naming the object; the other lists are read.

use aws_config::SdkConfig;
use aws_sdk_s3::Client;

use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::list_content;
use crate::model::{CollectError, ErrorKind, RegionDetectors};

/// What `--read-lists` reads.
#[derive(Debug, Clone, Copy)]
pub struct ListReadOptions {
    /// A list object larger than this is reported, not read (`--max-list-size`).
    pub max_bytes: u64,
    /// At most this many GETs at once.
    pub concurrency: usize,
}

/// An S3 object named by a list's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListObject {
    pub bucket: String,
    pub key: String,
    /// The bucket's region when the URL names it.
    pub region: Option<String>,
}

impl ListObject {
    /// Reads the locations GuardDuty accepts: `s3://BUCKET/KEY`,
    /// `https://s3[.-]REGION.amazonaws.com/BUCKET/KEY` (path style) and
    /// `https://BUCKET.s3[.-]REGION.amazonaws.com/KEY` (virtual-hosted).
    pub fn parse(location: &str) -> Result<ListObject, String> {
        let location = location.trim();
        let object = |bucket: &str, key: &str, region: Option<String>| {
            if bucket.is_empty() || key.is_empty() {
                return Err(format!(
                    "{location}: no bucket and key in the list's location"
                ));
            }
            Ok(ListObject {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
                region,
            })
        };
        if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            return object(bucket, key, None);
        }
        let Some(rest) = location.strip_prefix("https://") else {
            return Err(format!(
                "{location}: not an s3:// or https:// S3 location: content not read"
            ));
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Some(host) = host.strip_suffix(".amazonaws.com") else {
            return Err(format!("{location}: not an S3 host: content not read"));
        };
        // `s3`, `s3.REGION`, `s3-REGION` (path style), or `BUCKET.s3…` (virtual-hosted).
        let region_of = |s3: &str| -> Option<Option<String>> {
            let rest = s3.strip_prefix("s3")?;
            match rest.strip_prefix(['.', '-']) {
                None if rest.is_empty() => Some(None),
                Some(region) if !region.is_empty() && region != "external-1" => {
                    Some(Some(region.to_owned()))
                }
                Some(_) => Some(None),
                None => None,
            }
        };
        if let Some(region) = region_of(host) {
            let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
            return object(bucket, key, region);
        }
        if let Some(at) = host.rfind(".s3")
            && let Some(region) = region_of(&host[at + 1..])
        {
            return object(&host[..at], path, region);
        }
        Err(format!("{location}: not an S3 host: content not read"))
    }

    fn name(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// One list to read: where it is in `regions`, and what to read.
struct Job {
    region: usize,
    list: usize,
    format: String,
    object: ListObject,
    fallback_region: String,
}

/// Reads the content of every ACTIVE list with a location in `regions` into its
/// `content`; a list that cannot be read adds an error to its region.
pub async fn read_lists(
    config: &SdkConfig,
    regions: &mut [RegionDetectors],
    opts: ListReadOptions,
) {
    let mut jobs = Vec::new();
    for (r, region) in regions.iter_mut().enumerate() {
        let name = region.region.clone();
        let Some(lists) = region.objects.lists.as_mut() else {
            continue;
        };
        for (l, list) in lists.iter().enumerate() {
            let Some(location) = list.location.as_deref().filter(|_| list.is_active()) else {
                continue;
            };
            match ListObject::parse(location) {
                Ok(object) => jobs.push(Job {
                    region: r,
                    list: l,
                    format: list.format.clone().unwrap_or_default(),
                    object,
                    fallback_region: name.clone(),
                }),
                Err(message) => region.errors.push(CollectError {
                    kind: ErrorKind::Other,
                    operation: "s3:GetObject".to_owned(),
                    code: None,
                    message: format!("list {}: {message}", list.id),
                }),
            }
        }
    }
    let places: Vec<(usize, usize)> = jobs.iter().map(|j| (j.region, j.list)).collect();
    let config = config.clone();
    let results = super::fan_out(jobs, opts.concurrency, move |job| {
        let client = super::s3::client(
            &config,
            Some(job.object.region.as_deref().unwrap_or(&job.fallback_region)),
        );
        async move {
            read_one(&client, &job.object, opts.max_bytes)
                .await
                .map(|bytes| list_content::parse(&job.format, &bytes))
        }
    })
    .await;
    for ((r, l), result) in places.into_iter().zip(results) {
        let region = &mut regions[r];
        let result = result.unwrap_or_else(|| Err(super::internal_error("s3:GetObject")));
        match result {
            Ok(content) => {
                if let Some(list) = region.objects.lists.as_mut().and_then(|ls| ls.get_mut(l)) {
                    list.content = Some(content);
                }
            }
            Err(error) => region.errors.push(error),
        }
    }
}

/// The object's bytes, at most `max_bytes` of them: a larger object is an error.
async fn read_one(
    client: &Client,
    object: &ListObject,
    max_bytes: u64,
) -> Result<Vec<u8>, CollectError> {
    let name = object.name();
    let named = |mut error: CollectError| {
        error.message = format!("{name}: {}", error.message);
        error
    };
    let too_large = || CollectError {
        kind: ErrorKind::Other,
        operation: "s3:GetObject".to_owned(),
        code: None,
        message: format!("{name}: larger than {max_bytes} bytes (--max-list-size): not read"),
    };
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let mut stats = RetryStats::default();
    let got = retry::call("s3:GetObject", &policy, &Pacer::none(), &mut stats, || {
        client
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key)
            // One byte past the bound tells a list at the bound from a larger one.
            .range(format!("bytes=0-{max_bytes}"))
            .customize()
            .config_override(crate::no_sdk_retries!(aws_sdk_s3))
            .send()
    })
    .await;
    let out = match got {
        Ok(out) => out,
        // A ranged GET of an empty object: there is nothing in the list.
        Err(error) if error.code.as_deref() == Some("InvalidRange") => return Ok(Vec::new()),
        Err(error) => return Err(named(error)),
    };
    let total = out
        .content_range()
        .and_then(|r| r.rsplit('/').next())
        .and_then(|t| t.parse::<u64>().ok());
    if total.is_some_and(|t| t > max_bytes) {
        return Err(too_large());
    }
    let mut body = out.body;
    let mut bytes = Vec::new();
    loop {
        match body.try_next().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > max_bytes {
                    return Err(too_large());
                }
            }
            Ok(None) => return Ok(bytes),
            Err(err) => {
                return Err(CollectError {
                    kind: ErrorKind::Network,
                    operation: "s3:GetObject".to_owned(),
                    code: None,
                    message: format!(
                        "{name}: the object's body could not be read to its end: {err}"
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(location: &str) -> (String, String, Option<String>) {
        let o = ListObject::parse(location).unwrap();
        (o.bucket, o.key, o.region)
    }

    #[test]
    fn reads_the_location_forms_guardduty_accepts() {
        let plain = ("lists".to_owned(), "a/office.txt".to_owned(), None);
        assert_eq!(parsed("s3://lists/a/office.txt"), plain);
        assert_eq!(parsed("https://s3.amazonaws.com/lists/a/office.txt"), plain);
        let eu = Some("eu-west-1".to_owned());
        assert_eq!(
            parsed("https://s3-eu-west-1.amazonaws.com/lists/a/office.txt"),
            ("lists".into(), "a/office.txt".into(), eu.clone())
        );
        assert_eq!(
            parsed("https://lists.s3.eu-west-1.amazonaws.com/a/office.txt"),
            ("lists".into(), "a/office.txt".into(), eu)
        );
        assert_eq!(
            parsed("https://my.lists.s3.amazonaws.com/office.txt"),
            ("my.lists".into(), "office.txt".into(), None)
        );
        for bad in [
            "s3://lists",
            "ftp://x/y",
            "https://example.com/a/b",
            "https://s3.amazonaws.com/b",
        ] {
            assert!(ListObject::parse(bad).is_err(), "{bad}");
        }
    }
}
