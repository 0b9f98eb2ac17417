//! CloudTrail records as gdaudit keeps them: a compact, tolerant model of one API call.
//!
//! [`Event`] is read from a CloudTrail record however it arrives — an S3 log file, a
//! LookupEvents `CloudTrailEvent` string, a SIEM export with lowercased keys (Panther), a
//! Logstash capture without `eventTime` — and is written to and read back from the snapshot
//! file with its derived serde implementation. Reading a record never panics: what cannot
//! be read is left `None`, and a record that is not an API call is an error the caller skips.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use super::time::{InvalidTimestamp, Timestamp};

/// `eventSource` of GuardDuty API calls.
pub const GUARDDUTY_SOURCE: &str = "guardduty.amazonaws.com";

/// `responseElements` larger than this (as compact JSON) are replaced by a marker: a change's
/// response is a few ids, and a large one (a read's findings) is not worth a snapshot's space.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024;

/// One CloudTrail API call record, reduced to what gdaudit reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `eventID`: unique per record; duplicates across files are the same event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// `eventTime`, else `@timestamp` (Logstash), else `p_event_time` (Panther).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<Timestamp>,
    /// `eventName`, e.g. `DeleteDetector`.
    pub event_name: String,
    /// `eventSource`, e.g. `guardduty.amazonaws.com`.
    pub event_source: String,
    /// `awsRegion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `recipientAccountId`: the account whose API was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_account_id: Option<String>,
    #[serde(default)]
    pub user_identity: UserIdentity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Set when the call failed, e.g. `AccessDenied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `readOnly` as CloudTrail recorded it (absent in some exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// `requestParameters` as recorded (`None` when absent or null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_parameters: Option<Value>,
    /// `responseElements`, replaced by `{"gdauditTrimmed": true, "bytes": N}` when larger
    /// than [`MAX_RESPONSE_BYTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_elements: Option<Value>,
    /// The whole record, kept only when asked for (`--raw`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Value>,
}

/// Who made the call: CloudTrail's `userIdentity`, reduced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdentity {
    /// `type`: `IAMUser`, `AssumedRole`, `Root`, `AWSService`, `FederatedUser`, …
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// The service that called on the user's behalf, e.g. `cloudformation.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
    /// `sessionContext.sessionIssuer`: the role behind an assumed-role session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
}

/// The identity that issued temporary credentials (for an assumed role: the role).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionIssuer {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// For a role: the role name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

/// Why a record is not an [`Event`].
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a JSON object")]
    NotAnObject,
    /// CloudTrail Insights records describe unusual activity, not an API call.
    #[error("a CloudTrail Insights record, not an API call")]
    Insight,
    #[error("no eventName or eventSource: not a CloudTrail API call record")]
    NotAnApiCall,
}

impl Event {
    /// Reads a record from JSON text: one line of an S3 log file's `Records`, or the
    /// `CloudTrailEvent` string of a LookupEvents result — both give the same `Event`.
    pub fn from_json_str(text: &str) -> Result<Event, RecordError> {
        Self::from_value(&serde_json::from_str::<Value>(text)?)
    }

    /// As [`Event::from_json_str`], keeping the whole record in [`Event::raw`].
    pub fn from_json_str_with_raw(text: &str) -> Result<Event, RecordError> {
        let record: Value = serde_json::from_str(text)?;
        Ok(Self::from_value(&record)?.with_raw(record))
    }

    /// Reads a record from JSON bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Event, RecordError> {
        Self::from_value(&serde_json::from_slice::<Value>(bytes)?)
    }

    /// Reads a record already parsed as JSON. Keys are matched case-insensitively
    /// (`eventName` or `eventname`); values of an unexpected type are left out.
    pub fn from_value(record: &Value) -> Result<Event, RecordError> {
        let fields = record.as_object().ok_or(RecordError::NotAnObject)?;
        if is_insight(fields) {
            return Err(RecordError::Insight);
        }
        let text_field = |name: &str| field(fields, name).and_then(text);
        let (Some(event_name), Some(event_source)) =
            (text_field("eventName"), text_field("eventSource"))
        else {
            return Err(RecordError::NotAnApiCall);
        };
        let event_time = ["eventTime", "@timestamp", "p_event_time"]
            .iter()
            .find_map(|name| field(fields, name).and_then(Timestamp::from_json));
        Ok(Event {
            event_id: text_field("eventID"),
            event_time,
            event_name,
            event_source,
            region: text_field("awsRegion"),
            recipient_account_id: text_field("recipientAccountId"),
            user_identity: field(fields, "userIdentity")
                .map(UserIdentity::from_value)
                .unwrap_or_default(),
            source_ip_address: text_field("sourceIPAddress"),
            user_agent: text_field("userAgent"),
            error_code: text_field("errorCode"),
            error_message: text_field("errorMessage"),
            read_only: field(fields, "readOnly").and_then(flag),
            request_parameters: field(fields, "requestParameters")
                .filter(|v| !v.is_null())
                .cloned(),
            response_elements: field(fields, "responseElements")
                .filter(|v| !v.is_null())
                .map(trim_response),
            raw: None,
        })
    }

    /// Keeps `raw` as the whole record (for `--raw` output).
    pub fn with_raw(mut self, raw: Value) -> Event {
        self.raw = Some(raw);
        self
    }

    /// A call to GuardDuty's API.
    pub fn is_guardduty(&self) -> bool {
        self.event_source.eq_ignore_ascii_case(GUARDDUTY_SOURCE)
    }

    /// The IAM action the call maps to, when the catalogue knows it.
    pub fn action(&self) -> Option<&'static crate::catalogue::ActionInfo> {
        if self.is_guardduty() {
            crate::catalogue::action(&self.event_name)
        } else {
            None
        }
    }

    /// A GuardDuty call that changes GuardDuty: its IAM action's access level is Write or
    /// Tagging. A call the catalogue does not know yet counts when CloudTrail marked it
    /// `readOnly: false`, so a new GuardDuty API is not missed.
    pub fn is_change(&self) -> bool {
        if !self.is_guardduty() {
            return false;
        }
        match self.action() {
            Some(action) => action.access.is_change(),
            None => self.read_only == Some(false),
        }
    }

    /// The call failed (CloudTrail recorded an `errorCode`).
    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }

    /// The account the call was made in: `recipientAccountId`, else the caller's account.
    pub fn account(&self) -> Option<&str> {
        self.recipient_account_id
            .as_deref()
            .or(self.user_identity.account_id.as_deref())
    }
}

impl UserIdentity {
    fn from_value(value: &Value) -> UserIdentity {
        let Some(fields) = value.as_object() else {
            return UserIdentity::default();
        };
        let text_field = |name: &str| field(fields, name).and_then(text);
        let session_issuer = field(fields, "sessionContext")
            .and_then(Value::as_object)
            .and_then(|context| field(context, "sessionIssuer"))
            .and_then(Value::as_object)
            .map(|issuer| {
                let issuer_text = |name: &str| field(issuer, name).and_then(text);
                SessionIssuer {
                    kind: issuer_text("type"),
                    arn: issuer_text("arn"),
                    account_id: issuer_text("accountId"),
                    user_name: issuer_text("userName"),
                }
            })
            // Logstash captures carry `"sessionIssuer": {}` for users: that is no issuer.
            .filter(|issuer| issuer != &SessionIssuer::default());
        UserIdentity {
            kind: text_field("type"),
            arn: text_field("arn"),
            account_id: text_field("accountId"),
            principal_id: text_field("principalId"),
            user_name: text_field("userName"),
            access_key_id: text_field("accessKeyId"),
            invoked_by: text_field("invokedBy"),
            session_issuer,
        }
    }

    /// For an assumed role: the role's name (from the session issuer, else the ARN).
    pub fn role_name(&self) -> Option<&str> {
        if let Some(name) = self
            .session_issuer
            .as_ref()
            .filter(|issuer| issuer.kind.as_deref().is_none_or(|k| k == "Role"))
            .and_then(|issuer| issuer.user_name.as_deref())
        {
            return Some(name);
        }
        self.assumed_role_parts().map(|(role, _)| role)
    }

    /// For an assumed role: the session name (the part of the ARN after the role).
    pub fn session_name(&self) -> Option<&str> {
        self.assumed_role_parts().map(|(_, session)| session)
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` → `(ROLE, SESSION)`.
    fn assumed_role_parts(&self) -> Option<(&str, &str)> {
        let resource = self.arn.as_deref()?.split_once(":assumed-role/")?.1;
        resource.split_once('/')
    }
}

/// Looks a key up case-insensitively (exact match first: the common case).
fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).or_else(|| {
        fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

fn is_insight(fields: &Map<String, Value>) -> bool {
    let says = |name: &str, expected: &str| {
        field(fields, name)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(expected))
    };
    says("eventCategory", "Insight")
        || says("eventType", "AwsCloudTrailInsight")
        || field(fields, "insightDetails").is_some()
}

/// A scalar as text; empty strings, null, objects and arrays are no value.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean, also when a pipeline turned it into `"true"` / `"True"`.
fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn trim_response(value: &Value) -> Value {
    let mut counter = ByteCounter(0);
    // Writing to a counter cannot fail; a failure would only mean "keep it".
    if serde_json::to_writer(&mut counter, value).is_ok() && counter.0 > MAX_RESPONSE_BYTES {
        serde_json::json!({ "gdauditTrimmed": true, "bytes": counter.0 })
    } else {
        value.clone()
    }
}

struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::{civil_from_days, days_from_civil};
    use serde_json::json;

    fn ts(text: &str) -> Option<String> {
        Timestamp::parse(text).map(|t| t.to_string())
    }

    #[test]
    fn reads_the_time_formats_found_in_real_records() {
        let z = Some("2022-07-17T04:50:23Z".to_owned());
        assert_eq!(ts("2022-07-17T04:50:23Z"), z);
        assert_eq!(ts("2022-07-17 04:50:23"), z, "Panther, no zone: UTC");
        assert_eq!(ts("2022-07-17 04:50:23Z"), z);
        assert_eq!(ts("2022-07-17T04:50:23.000Z"), z);
        assert_eq!(
            ts("2022-07-17 04:50:23.788"),
            Some("2022-07-17T04:50:23.788Z".into())
        );
        assert_eq!(
            ts("2022-07-17 04:50:23.123456789"),
            Some("2022-07-17T04:50:23.123Z".into())
        );
        assert_eq!(
            ts("2021-11-18T09:41:02-08:00"),
            Some("2021-11-18T17:41:02Z".into())
        );
        assert_eq!(
            ts("2021-11-18T09:41:02+0130"),
            Some("2021-11-18T08:11:02Z".into())
        );
        assert_eq!(ts("2024-02-29"), Some("2024-02-29T00:00:00Z".into()));
        assert_eq!(
            ts("1969-12-31T23:59:59.5Z"),
            Some("1969-12-31T23:59:59.500Z".into())
        );
        for bad in [
            "",
            "...",
            "redacted",
            "2023-02-29",
            "2022-13-01",
            "2022-07-17T25:00:00Z",
            "2022-07-17T04:50:23Q",
            "2022-07-17T04:50:23.Z",
            "2022-07-17T",
            "é2022-07-17",
            "2022-07-17T04:50:2é",
        ] {
            assert_eq!(ts(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn days_round_trip_across_eras() {
        for days in [-719_468, -1, 0, 1, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            Timestamp::from_unix_millis(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(i64::MAX).to_string(),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(i64::MIN).to_string(),
            "0000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn epoch_numbers_in_seconds_or_millis() {
        let want = Timestamp::parse("2019-10-15T21:13:00Z");
        assert_eq!(Timestamp::from_epoch_number(1_571_173_980.0), want);
        assert_eq!(Timestamp::from_epoch_number(1_571_173_980_000.0), want);
        assert_eq!(Timestamp::from_epoch_number(f64::NAN), None);
        assert_eq!(Timestamp::from_epoch_number(1e300), None);
    }

    #[test]
    fn reads_a_full_record() {
        let record = json!({
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLE:alice",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/Admin", "userName": "Admin"}}
            },
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "guardduty.amazonaws.com",
            "eventName": "DeleteDetector",
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2",
            "errorCode": "AccessDenied",
            "errorMessage": "no",
            "requestParameters": {"detectorId": "d1"},
            "responseElements": null,
            "eventID": "e1",
            "readOnly": false,
            "recipientAccountId": "111122223333"
        });
        let event = Event::from_value(&record).unwrap();
        assert_eq!(event.event_name, "DeleteDetector");
        assert_eq!(
            event.event_time.map(|t| t.to_string()).as_deref(),
            Some("2024-05-01T12:00:00Z")
        );
        assert_eq!(event.user_identity.role_name(), Some("Admin"));
        assert_eq!(event.user_identity.session_name(), Some("alice"));
        assert_eq!(event.error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(event.response_elements, None);
        assert_eq!(event.read_only, Some(false));
        assert!(event.is_guardduty() && event.is_change() && event.failed());
        assert_eq!(event.account(), Some("111122223333"));
        assert_eq!(event.raw, None);
        assert_eq!(Event::from_json_str(&record.to_string()).unwrap(), event);
        assert_eq!(
            Event::from_slice(record.to_string().as_bytes()).unwrap(),
            event
        );
        let with_raw = Event::from_json_str_with_raw(&record.to_string()).unwrap();
        assert_eq!(with_raw.raw.as_ref(), Some(&record));
    }

    #[test]
    fn tolerates_lowercase_keys_odd_types_and_fallback_times() {
        let panther = json!({
            "awsregion": "us-east-1", "eventid": "abc-123", "eventname": "CreateIPSet",
            "eventsource": "guardduty.amazonaws.com", "eventtime": "2022-07-17 04:50:23",
            "readonly": "False", "useridentity": {"ARN": "arn:aws:iam::1:user/x"},
            "recipientAccountId": 123456789012u64, "p_log_type": "AWS.CloudTrail"
        });
        let event = Event::from_value(&panther).unwrap();
        assert_eq!(event.event_id.as_deref(), Some("abc-123"));
        assert_eq!(event.region.as_deref(), Some("us-east-1"));
        assert_eq!(event.read_only, Some(false));
        assert_eq!(event.recipient_account_id.as_deref(), Some("123456789012"));
        assert_eq!(
            event.user_identity.arn.as_deref(),
            Some("arn:aws:iam::1:user/x")
        );
        assert_eq!(event.event_time, Timestamp::parse("2022-07-17T04:50:23Z"));

        let logstash = json!({"eventName": "X", "eventSource": "s", "@timestamp": "2020-09-14T00:44:23.000Z",
            "userIdentity": {"type": "IAMUser", "sessionContext": {"sessionIssuer": {}}}});
        let event = Event::from_value(&logstash).unwrap();
        assert_eq!(event.event_time, Timestamp::parse("2020-09-14T00:44:23Z"));
        assert_eq!(event.user_identity.session_issuer, None);

        let odd = json!({"eventName": "X", "eventSource": "s", "eventTime": "redacted",
            "p_event_time": "2020-01-01 00:00:00", "userIdentity": "oops", "readOnly": [1]});
        let undated = json!({"eventName": "X", "eventSource": "s", "eventTime": "..."});
        assert_eq!(Event::from_value(&undated).unwrap().event_time, None);
        let event = Event::from_value(&odd).unwrap();
        assert_eq!(
            event.event_time,
            Timestamp::parse("2020-01-01T00:00:00Z"),
            "an unreadable eventTime falls back to p_event_time"
        );
        assert_eq!(event.user_identity, UserIdentity::default());
        assert_eq!(event.read_only, None);
    }

    #[test]
    fn insights_and_non_records_are_errors_not_panics() {
        let insight = json!({"eventVersion": "1.07", "eventCategory": "Insight", "insightDetails": {"eventName": "X"}});
        assert!(matches!(
            Event::from_value(&insight),
            Err(RecordError::Insight)
        ));
        assert!(matches!(
            Event::from_value(&json!([1])),
            Err(RecordError::NotAnObject)
        ));
        assert!(matches!(
            Event::from_value(&json!({"files": 2})),
            Err(RecordError::NotAnApiCall)
        ));
        assert!(matches!(
            Event::from_json_str("{\"eventName\":"),
            Err(RecordError::Json(_))
        ));
        assert!(Event::from_slice(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn large_responses_are_trimmed() {
        let big = "x".repeat(MAX_RESPONSE_BYTES);
        let record = json!({"eventName": "GetFindings", "eventSource": GUARDDUTY_SOURCE, "responseElements": {"findings": big}});
        let event = Event::from_value(&record).unwrap();
        let trimmed = event.response_elements.unwrap();
        assert_eq!(trimmed["gdauditTrimmed"], json!(true));
        assert!(trimmed["bytes"].as_u64().unwrap() > MAX_RESPONSE_BYTES as u64);
    }

    #[test]
    fn snapshot_round_trip() {
        let record = json!({"eventName": "UpdateDetector", "eventSource": GUARDDUTY_SOURCE,
            "eventTime": "2024-05-01T12:00:00.250Z", "eventID": "e", "requestParameters": {"enable": false},
            "userIdentity": {"type": "Root", "arn": "arn:aws:iam::1:root"}});
        let event = Event::from_value(&record).unwrap().with_raw(record);
        let text = serde_json::to_string(&event).unwrap();
        assert!(
            text.contains("\"event_time\":\"2024-05-01T12:00:00.250Z\""),
            "{text}"
        );
        let back: Event = serde_json::from_str(&text).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn change_classification_uses_the_catalogue() {
        let event = |name: &str, read_only: Option<bool>| Event {
            event_name: name.into(),
            event_source: GUARDDUTY_SOURCE.into(),
            read_only,
            ..Event::from_value(&json!({"eventName": "x", "eventSource": "y"})).unwrap()
        };
        assert!(event("TagResource", None).is_change(), "Tagging counts");
        assert!(
            event("CreateFilter", Some(true)).is_change(),
            "the catalogue wins over readOnly"
        );
        assert!(!event("GetDetector", Some(false)).is_change());
        assert!(
            event("SomeFutureApi", Some(false)).is_change(),
            "unknown but not read-only"
        );
        assert!(!event("ModifyInstanceAttributes", None).is_change());
        let mut other = event("DeleteDetector", Some(false));
        other.event_source = "ec2.amazonaws.com".into();
        assert!(!other.is_change());
    }
}
