//! Service control policies as evaluation input: named documents grouped by level (root, each
//! OU down the path, the account). An action must be allowed at every level.

use serde_json::Value;

use crate::model::iam::PolicyDocument;

/// One service control policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ScpPolicy {
    pub name: String,
    pub document: PolicyDocument,
}

impl ScpPolicy {
    /// Wraps a document given as JSON (an object, or a string holding the JSON text or its
    /// percent-encoded form).
    pub fn new(name: impl Into<String>, document: &Value) -> Self {
        ScpPolicy {
            name: name.into(),
            document: PolicyDocument::from(document),
        }
    }
}

/// An `--scp` file whose JSON has none of the accepted shapes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a service control policy file: {0}")]
pub struct ScpFormatError(String);

/// Reads SCPs from the JSON of an `--scp` file. Accepted shapes:
/// - one policy document (`{"Statement": ...}`): one level holding one policy;
/// - a list of documents: one level;
/// - a list of lists: one list per level, root first;
/// - in place of a document, `aws organizations describe-policy` output
///   (`{"Policy": {"PolicySummary": {"Name": ...}, "Content": "..."}}`) or `{"Name", "Content"}`.
pub fn scp_levels_from_json(value: &Value) -> Result<Vec<Vec<ScpPolicy>>, ScpFormatError> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_array) && !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(level, docs)| level_from(docs, level))
            .collect(),
        Value::Array(_) => Ok(vec![level_from(value, 0)?]),
        Value::Object(_) => Ok(vec![vec![policy_from(value, 0, 0)?]]),
        _ => Err(ScpFormatError(
            "expected a policy document, a list of them, or a list of lists".to_owned(),
        )),
    }
}

fn level_from(docs: &Value, level: usize) -> Result<Vec<ScpPolicy>, ScpFormatError> {
    let Value::Array(docs) = docs else {
        return Err(ScpFormatError(format!(
            "level {level}: expected a list of policies"
        )));
    };
    docs.iter()
        .enumerate()
        .map(|(i, doc)| policy_from(doc, level, i))
        .collect()
}

fn policy_from(doc: &Value, level: usize, index: usize) -> Result<ScpPolicy, ScpFormatError> {
    let fallback = format!("level {level} policy {index}");
    let inner = doc.get("Policy").unwrap_or(doc);
    if let Some(content) = inner.get("Content") {
        let name = inner
            .get("PolicySummary")
            .and_then(|s| s.get("Name"))
            .or_else(|| inner.get("Name"))
            .and_then(Value::as_str)
            .map_or(fallback, str::to_owned);
        return Ok(ScpPolicy::new(name, content));
    }
    match doc {
        Value::Object(_) | Value::String(_) => Ok(ScpPolicy::new(fallback, doc)),
        _ => Err(ScpFormatError(format!(
            "{fallback}: expected a policy document"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_of_an_scp_file() {
        let doc = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        assert_eq!(scp_levels_from_json(&doc).unwrap().len(), 1);
        let levels =
            scp_levels_from_json(&json!([[doc.clone()], [doc.clone(), doc.clone()]])).unwrap();
        assert_eq!(levels.iter().map(Vec::len).collect::<Vec<_>>(), vec![1, 2]);
        let described = json!({"Policy": {"PolicySummary": {"Name": "FullAWSAccess"},
            "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}});
        let one = scp_levels_from_json(&json!([described])).unwrap();
        assert_eq!(one[0][0].name, "FullAWSAccess");
        assert!(
            one[0][0]
                .document
                .as_json_text()
                .starts_with("{\"Version\"")
        );
        assert!(scp_levels_from_json(&json!(3)).is_err());
    }
}
