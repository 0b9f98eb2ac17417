//! The IAM account export (`iam:GetAccountAuthorizationDetails`) as plain serde types.
//!
//! Field names are AWS's, so the same types read what `aws iam get-account-authorization-details`
//! prints and round-trip through gdaudit's snapshot file. Only what the policy engine needs is
//! kept: names, ARNs, ids, paths, group membership, inline and attached policies, permissions
//! boundaries, managed policy versions and user and role tags (for `aws:PrincipalTag` conditions).
//! Dates are dropped (cloudsplaining's exports
//! write dates in Python's `str(datetime)` form, so nothing here parses them).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One account export: every page merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    #[serde(rename = "UserDetailList", default, deserialize_with = "one_or_many")]
    pub users: Vec<UserDetail>,
    #[serde(rename = "GroupDetailList", default, deserialize_with = "one_or_many")]
    pub groups: Vec<GroupDetail>,
    #[serde(rename = "RoleDetailList", default, deserialize_with = "one_or_many")]
    pub roles: Vec<RoleDetail>,
    #[serde(rename = "Policies", default, deserialize_with = "one_or_many")]
    pub policies: Vec<ManagedPolicyDetail>,
}

impl AuthorizationDetails {
    /// Empties the text of every identity policy: inline policies, and each managed policy's
    /// default version. Trust policies and the versions that are not the default stay. For a
    /// caller that has compiled the identity policies and needs the memory back.
    pub fn release_identity_documents(&mut self) {
        let inline = self
            .users
            .iter_mut()
            .flat_map(|u| u.user_policy_list.iter_mut())
            .chain(
                self.groups
                    .iter_mut()
                    .flat_map(|g| g.group_policy_list.iter_mut()),
            )
            .chain(
                self.roles
                    .iter_mut()
                    .flat_map(|r| r.role_policy_list.iter_mut()),
            );
        for p in inline {
            p.policy_document = PolicyDocument::default();
        }
        for p in &mut self.policies {
            let default = p.default_version().map(std::ptr::from_ref::<PolicyVersion>);
            for v in &mut p.policy_version_list {
                if default == Some(std::ptr::from_ref::<PolicyVersion>(v)) {
                    v.document = PolicyDocument::default();
                }
            }
        }
    }
}

/// An IAM user with its inline policies, attached policies and groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    pub user_name: String,
    #[serde(default)]
    pub user_id: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    /// Names of the groups the user is in.
    #[serde(default, deserialize_with = "one_or_many")]
    pub group_list: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub user_policy_list: Vec<InlinePolicy>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `None` when the source did not say (AWS omits an empty list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// A tag on a user or role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// An IAM group with its inline and attached policies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    pub group_name: String,
    #[serde(default)]
    pub group_id: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub group_policy_list: Vec<InlinePolicy>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// An IAM role with its inline and attached policies, its trust policy (who may assume it) and
/// its instance profiles (how EC2 can be handed it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    pub role_name: String,
    #[serde(default)]
    pub role_id: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub role_policy_list: Vec<InlinePolicy>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `None` when the source did not say (AWS omits an empty list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    /// The trust policy; `None` when the source did not include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role_policy_document: Option<PolicyDocument>,
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub instance_profile_list: Vec<InstanceProfile>,
}

/// An instance profile holding a role (only its name and ARN are kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    #[serde(default)]
    pub instance_profile_name: String,
    #[serde(default)]
    pub arn: String,
}

impl RoleDetail {
    /// Service-linked roles are owned by an AWS service and cannot be changed by the account.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// A policy embedded in a user, group or role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    #[serde(default)]
    pub policy_document: PolicyDocument,
}

/// A managed policy attached to a user, group or role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    #[serde(default)]
    pub policy_name: String,
    pub policy_arn: String,
}

/// The managed policy that caps a user's or role's identity policies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_type: Option<String>,
    pub permissions_boundary_arn: String,
}

/// A managed policy (AWS or customer managed) with its stored versions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    pub policy_name: String,
    #[serde(default)]
    pub policy_id: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub policy_version_list: Vec<PolicyVersion>,
}

impl ManagedPolicyDetail {
    /// The version in force: the one marked default, else the one `DefaultVersionId` names.
    pub fn default_version(&self) -> Option<&PolicyVersion> {
        self.policy_version_list
            .iter()
            .find(|v| v.is_default_version)
            .or_else(|| {
                let id = self.default_version_id.as_deref()?;
                self.policy_version_list.iter().find(|v| v.version_id == id)
            })
    }
}

/// One version of a managed policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    #[serde(default)]
    pub document: PolicyDocument,
    #[serde(default)]
    pub version_id: String,
    #[serde(default)]
    pub is_default_version: bool,
}

/// A policy document as JSON text, exactly as found but compact.
///
/// Reads both forms AWS produces: a JSON object (CLI output) and a percent-encoded JSON string
/// (the raw API and the AWS SDKs). The text is not checked here: a document that is not valid
/// JSON is kept as it is so the engine can report it by name and judge everything else.
/// Written back as a JSON object when it is valid JSON, else as a percent-encoded string, so a
/// snapshot reads back to the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PolicyDocument(String);

impl PolicyDocument {
    /// Wraps JSON text (not percent-encoded).
    pub fn from_json_text(text: impl Into<String>) -> Self {
        PolicyDocument(text.into())
    }

    /// Decodes the raw API form: a percent-encoded JSON string. Text that already looks like
    /// JSON (starts with `{`) is taken as it is, since decoding it could change `%` sequences
    /// inside condition values.
    pub fn from_api_string(raw: &str) -> Self {
        if raw.trim_start().starts_with('{') {
            PolicyDocument(raw.to_owned())
        } else {
            PolicyDocument(percent_decode(raw))
        }
    }

    /// The document's JSON text.
    pub fn as_json_text(&self) -> &str {
        &self.0
    }

    /// True when the export had no document at all.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl From<&serde_json::Value> for PolicyDocument {
    fn from(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::String(s) => PolicyDocument::from_api_string(s),
            other => PolicyDocument(other.to_string()),
        }
    }
}

/// Plain percent-decoding: `%XX` becomes the byte XX; `+` stays `+`; a `%` not followed by two
/// hex digits is kept; bytes that do not form UTF-8 are replaced.
pub fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    if !bytes.contains(&b'%') {
        return raw.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex_value(*b)),
                bytes.get(i + 2).and_then(|b| hex_value(*b)),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as the IAM API does.
pub fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 2);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A JSON string document would read back as the percent-encoded form, so only
        // objects, arrays and scalars other than strings are written as JSON.
        match serde_json::from_str::<OrderedJson<'_>>(&self.0) {
            Ok(tree) if !matches!(tree, OrderedJson::Str(_)) => tree.serialize(serializer),
            _ => serializer.serialize_str(&percent_encode(&self.0)),
        }
    }
}

/// JSON that keeps its keys in document order, so a document is written back as it was read
/// (`serde_json::Value` sorts keys unless serde_json's `preserve_order` feature is on).
enum OrderedJson<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(std::borrow::Cow<'a, str>),
    Array(Vec<OrderedJson<'a>>),
    Object(Vec<(std::borrow::Cow<'a, str>, OrderedJson<'a>)>),
}

impl Serialize for OrderedJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            OrderedJson::Null => serializer.serialize_unit(),
            OrderedJson::Bool(b) => serializer.serialize_bool(*b),
            OrderedJson::Number(n) => n.serialize(serializer),
            OrderedJson::Str(s) => serializer.serialize_str(s),
            OrderedJson::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            OrderedJson::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key.as_ref(), value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for OrderedJson<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TreeVisitor;

        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = OrderedJson<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedJson::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(OrderedJson::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(OrderedJson::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(OrderedJson::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(serde_json::Number::from_f64(v).map_or(OrderedJson::Null, OrderedJson::Number))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(OrderedJson::Str(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OrderedJson::Str(v.to_owned().into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OrderedJson::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<OrderedJson<'de>>()? {
                    let OrderedJson::Str(key) = key else {
                        return Err(de::Error::custom("object key is not a string"));
                    };
                    entries.push((key, map.next_value()?));
                }
                Ok(OrderedJson::Object(entries))
            }
        }

        deserializer.deserialize_any(TreeVisitor)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Objects are re-written as compact JSON text while they are read: no intermediate
        // `serde_json::Value`, which would cost several times the text in memory.
        let mut text = String::new();
        let form = deserializer.deserialize_any(JsonWriter {
            out: &mut text,
            top: true,
        })?;
        let mut document = match form {
            Written::Json => PolicyDocument(text),
            Written::TopString(raw) => PolicyDocument::from_api_string(&raw),
            Written::Null => PolicyDocument::default(),
        };
        // Growing by doubling leaves up to half of each document unused; an export holds
        // tens of thousands of them.
        document.0.shrink_to_fit();
        Ok(document)
    }
}

/// What a [`JsonWriter`] saw at the top level.
enum Written {
    Json,
    /// A string document: percent-encoded JSON, decoded by the caller.
    TopString(String),
    Null,
}

/// Writes whatever it visits as compact JSON text into `out`.
struct JsonWriter<'a> {
    out: &'a mut String,
    top: bool,
}

impl JsonWriter<'_> {
    fn nested(&mut self) -> JsonWriter<'_> {
        JsonWriter {
            out: self.out,
            top: false,
        }
    }
}

impl<'de> DeserializeSeed<'de> for JsonWriter<'_> {
    type Value = Written;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Written, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonWriter<'_> {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a policy document (a JSON object or a percent-encoded string)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Written, E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(Written::Json)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Written, E> {
        self.out.push_str(&v.to_string());
        Ok(Written::Json)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Written, E> {
        self.out.push_str(&v.to_string());
        Ok(Written::Json)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Written, E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => self.out.push_str(&n.to_string()),
            None => self.out.push_str("null"),
        }
        Ok(Written::Json)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Written, E> {
        if self.top {
            return Ok(Written::TopString(v.to_owned()));
        }
        write_json_string(self.out, v);
        Ok(Written::Json)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Written, E> {
        if self.top {
            return Ok(Written::TopString(v));
        }
        write_json_string(self.out, &v);
        Ok(Written::Json)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Written, E> {
        if self.top {
            return Ok(Written::Null);
        }
        self.out.push_str("null");
        Ok(Written::Json)
    }

    fn visit_none<E: de::Error>(self) -> Result<Written, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Written, A::Error> {
        self.out.push('[');
        let mut first = true;
        loop {
            if !first {
                self.out.push(',');
            }
            if seq.next_element_seed(self.nested())?.is_none() {
                if !first {
                    self.out.pop();
                }
                break;
            }
            first = false;
        }
        self.out.push(']');
        Ok(Written::Json)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Written, A::Error> {
        self.out.push('{');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first {
                self.out.push(',');
            }
            if map.next_key_seed(KeyWriter(self.out))?.is_none() {
                self.out.truncate(mark);
                break;
            }
            self.out.push(':');
            map.next_value_seed(self.nested())?;
            first = false;
        }
        self.out.push('}');
        Ok(Written::Json)
    }
}

/// Writes a map key as a JSON string.
struct KeyWriter<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for KeyWriter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyWriter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        write_json_string(self.0, v);
        Ok(())
    }
}

/// Appends `s` as a JSON string literal.
fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Accepts a list, a single item (the AWS CLI docs show `AttachedManagedPolicies` as one
/// object) or `null`.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list, a single item or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|item| vec![item])
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            T::deserialize(de::value::StrDeserializer::new(v)).map(|item| vec![item])
        }
    }

    deserializer.deserialize_any(OneOrMany(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_object_and_percent_encoded_documents_alike() {
        let object: InlinePolicy = serde_json::from_str(
            r#"{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b+c","Resource":"*"}}}"#,
        )
        .unwrap();
        let encoded: InlinePolicy = serde_json::from_str(
            r#"{"PolicyName":"p","PolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22a%3Ab+c%22%2C%22Resource%22%3A%22%2A%22%7D%7D"}"#,
        )
        .unwrap();
        assert_eq!(object, encoded);
        assert!(object.policy_document.as_json_text().contains("a:b+c"));
    }

    #[test]
    fn percent_decoding_keeps_plus_and_stray_percent() {
        assert_eq!(percent_decode("a+b%20c%2"), "a+b c%2");
        assert_eq!(percent_decode("%E2%9C%93"), "\u{2713}");
        let text = "{\"k\":\"50% + ü\"}";
        assert_eq!(percent_decode(&percent_encode(text)), text);
    }

    #[test]
    fn object_documents_are_kept_as_compact_equivalent_json() {
        let doc: PolicyDocument = serde_json::from_str(
            r#"{ "Statement" : [ {"Sid":"a\"b\\c\u0001", "N": 1.5, "I": -3, "B": true, "Z": null, "E": [], "O": {} } ] }"#,
        )
        .unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(doc.as_json_text()).unwrap();
        assert_eq!(
            reparsed,
            serde_json::json!({"Statement":[{"Sid":"a\"b\\c\u{1}","N":1.5,"I":-3,"B":true,"Z":null,"E":[],"O":{}}]})
        );
        assert!(!doc.as_json_text().contains(' '));
    }

    #[test]
    fn export_round_trips_through_serde_including_invalid_documents() {
        let details = AuthorizationDetails {
            users: vec![UserDetail {
                user_name: "u".into(),
                arn: "arn:aws:iam::111122223333:user/u".into(),
                user_policy_list: vec![
                    InlinePolicy {
                        policy_name: "ok".into(),
                        // Keys out of alphabetical order must come back in document order.
                        policy_document: PolicyDocument::from_json_text(
                            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"x:Y","Resource":"*"}]}"#,
                        ),
                    },
                    InlinePolicy {
                        policy_name: "broken".into(),
                        policy_document: PolicyDocument::from_json_text(r#"{"Statement": [50% "#),
                    },
                ],
                permissions_boundary: Some(PermissionsBoundary {
                    permissions_boundary_type: Some("Policy".into()),
                    permissions_boundary_arn: "arn:aws:iam::111122223333:policy/b".into(),
                }),
                ..UserDetail::default()
            }],
            policies: vec![ManagedPolicyDetail {
                policy_name: "b".into(),
                arn: "arn:aws:iam::111122223333:policy/b".into(),
                default_version_id: Some("v2".into()),
                policy_version_list: vec![PolicyVersion {
                    document: PolicyDocument::from_json_text(r#"{"Statement":[]}"#),
                    version_id: "v2".into(),
                    is_default_version: true,
                }],
                ..ManagedPolicyDetail::default()
            }],
            ..AuthorizationDetails::default()
        };
        let json = serde_json::to_string(&details).unwrap();
        let back: AuthorizationDetails = serde_json::from_str(&json).unwrap();
        assert_eq!(back, details);
    }

    #[test]
    fn single_attached_policy_object_and_null_lists_are_accepted() {
        let group: GroupDetail = serde_json::from_str(
            r#"{"GroupName":"Admins","Arn":"arn:aws:iam::1:group/Admins","GroupPolicyList":null,
                "AttachedManagedPolicies":{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}"#,
        )
        .unwrap();
        assert_eq!(group.attached_managed_policies.len(), 1);
        assert!(group.group_policy_list.is_empty());
    }

    #[test]
    fn default_version_prefers_the_flag_then_the_id() {
        let mut policy = ManagedPolicyDetail {
            default_version_id: Some("v1".into()),
            policy_version_list: vec![
                PolicyVersion {
                    version_id: "v1".into(),
                    ..PolicyVersion::default()
                },
                PolicyVersion {
                    version_id: "v2".into(),
                    is_default_version: true,
                    ..PolicyVersion::default()
                },
            ],
            ..ManagedPolicyDetail::default()
        };
        assert_eq!(
            policy.default_version().map(|v| v.version_id.as_str()),
            Some("v2")
        );
        policy.policy_version_list[1].is_default_version = false;
        assert_eq!(
            policy.default_version().map(|v| v.version_id.as_str()),
            Some("v1")
        );
    }
}
