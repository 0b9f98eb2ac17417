//! A policy document parsed into statements whose patterns are ready to match: action patterns
//! lowercased, resource patterns split into wildcard tokens, condition keys listed.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::condition::Clause;
use super::glob::{self, Token};
use super::resources::{ActionMask, ActionTable, Coverage, PatternFacts, ResourceModel};

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// Why a document could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("not valid JSON: {0}")]
    InvalidJson(String),
    #[error("not a valid policy: {0}")]
    NotAPolicy(String),
}

/// A parsed policy: its usable statements and what was wrong with the others.
#[derive(Debug, Clone)]
pub struct Policy {
    pub statements: Vec<Statement>,
    /// One line per statement that was skipped, naming it.
    pub skipped: Vec<String>,
}

/// One usable statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the document's `Statement` list.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: PatternList,
    /// Lowercased action patterns, in `actions.patterns` order.
    actions_lower: Vec<Vec<u8>>,
    pub resources: PatternList,
    resource_tokens: Vec<Vec<Token>>,
    /// Keys named in the `Condition` block, in document order, without repeats.
    pub condition_keys: Vec<String>,
    /// The `Condition` block's clauses, in document order.
    pub conditions: Vec<Clause>,
    /// `Principal` (or, with `not_principal`, `NotPrincipal`): only in resource-based
    /// policies such as a role's trust policy.
    pub principal: Option<Principals>,
    pub not_principal: bool,
}

/// The principals a resource-based statement names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principals {
    /// `"Principal": "*"` or `{"AWS": "*"}`: everyone.
    pub any: bool,
    /// `AWS` values: account ids, account roots, user and role ARNs, session ARNs.
    pub aws: Vec<String>,
    /// `Service` values, e.g. `lambda.amazonaws.com`.
    pub service: Vec<String>,
    /// `Federated` values: OIDC or SAML providers, `cognito-identity.amazonaws.com`.
    pub federated: Vec<String>,
}

/// `Action` or `NotAction` (likewise `Resource` or `NotResource`) with its patterns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatternList {
    pub negated: bool,
    pub patterns: Vec<String>,
}

impl PatternList {
    /// The element name: `Action`, `NotAction`, `Resource` or `NotResource`.
    pub fn element(&self, base: &'static str) -> String {
        if self.negated {
            format!("Not{base}")
        } else {
            base.to_owned()
        }
    }
}

impl Statement {
    /// `Statement[i]` or the Sid when it has one.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("Statement[{}]", self.index),
        }
    }

    /// Has a `Condition`, or a policy variable in a resource pattern.
    pub fn is_conditional(&self) -> bool {
        !self.condition_keys.is_empty()
            || self
                .resource_tokens
                .iter()
                .flatten()
                .any(|t| *t == Token::Unknown)
    }

    /// Does the statement apply to this action (any service; full name, lowercased)?
    pub fn applies_to_action(&self, action_lower: &[u8]) -> bool {
        let hit = self
            .actions_lower
            .iter()
            .any(|p| glob::matches(p, action_lower));
        hit != self.actions.negated
    }

    /// The lowercased action patterns, in `actions.patterns` order.
    pub fn actions_lower(&self) -> &[Vec<u8>] {
        &self.actions_lower
    }

    /// Does the statement apply to this action (full name, lowercased)? For `Action`, also
    /// which pattern matched.
    pub fn action_match(&self, action_lower: &[u8]) -> Option<Option<usize>> {
        let hit = self
            .actions_lower
            .iter()
            .position(|p| could_name_guardduty(p) && glob::matches(p, action_lower));
        match (self.actions.negated, hit) {
            (false, Some(i)) => Some(Some(i)),
            (true, None) => Some(None),
            _ => None,
        }
    }

    /// Bit `i` set: the statement applies to change action `i` (see [`ActionTable`]). The
    /// mask of one lowercased pattern comes from `lookup` (normally [`pattern_mask`] behind a
    /// cache); patterns that cannot name GuardDuty are not looked up.
    pub fn action_mask_with(
        &self,
        table: &ActionTable,
        mut lookup: impl FnMut(&[u8]) -> ActionMask,
    ) -> ActionMask {
        let mask = self
            .actions_lower
            .iter()
            .filter(|p| could_name_guardduty(p))
            .fold(0, |mask, p| mask | lookup(p));
        if self.actions.negated {
            !mask & table.all()
        } else {
            mask
        }
    }

    /// How much of one universe's resources the statement reaches, and the pattern that
    /// reaches (for `Resource`) or takes away (for `NotResource`) the most telling part.
    pub fn coverage(&self, model: &ResourceModel, universe: usize) -> (Coverage, Option<usize>) {
        let facts: Vec<PatternFacts> = self
            .resource_tokens
            .iter()
            .map(|t| model.facts(t))
            .collect();
        let facts: Vec<&PatternFacts> = facts.iter().collect();
        model.coverage(universe, self.resources.negated, &facts)
    }

    /// The policy variables (`aws:username` in `${aws:username}`) in the resource patterns.
    pub fn resource_variables(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if !self
            .resource_tokens
            .iter()
            .flatten()
            .any(|t| *t == Token::Unknown)
        {
            return out;
        }
        for p in &self.resources.patterns {
            let mut rest = p.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                let name = after[..end].split(',').next().unwrap_or("").trim();
                if !matches!(name, "*" | "?" | "$") && !out.iter().any(|o| o == name) {
                    out.push(name.to_owned());
                }
                rest = &after[end + 1..];
            }
        }
        out
    }

    /// The resource patterns as wildcard tokens, in `resources.patterns` order.
    pub fn resource_tokens(&self) -> &[Vec<Token>] {
        &self.resource_tokens
    }

    /// Unconditionally allows every action on every resource (`"Action": "*"`, `"Resource": "*"`).
    pub fn allows_everything(&self) -> bool {
        self.effect == Effect::Allow
            && !self.is_conditional()
            && !self.actions.negated
            && self.actions.patterns.iter().any(|p| is_any_action(p))
            && !self.resources.negated
            && self
                .resources
                .patterns
                .iter()
                .any(|p| p.bytes().all(|b| b == b'*'))
    }
}

/// `*`, `**`, `*:*`: patterns every action name matches.
fn is_any_action(pattern: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.bytes().all(|b| b == b'*');
    all_stars(pattern)
        || pattern
            .split_once(':')
            .is_some_and(|(service, name)| all_stars(service) && all_stars(name))
}

/// The change actions one lowercased action pattern matches.
pub fn pattern_mask(pattern: &[u8], table: &ActionTable) -> ActionMask {
    let mut mask: ActionMask = 0;
    for (i, name) in table.lower.iter().enumerate() {
        if glob::matches(pattern, name) {
            mask |= 1 << i;
        }
    }
    mask
}

/// Cheap pre-check: a pattern with a literal service prefix other than `guardduty` cannot
/// match a GuardDuty action, and most patterns in real policies are like that.
fn could_name_guardduty(pattern: &[u8]) -> bool {
    match pattern
        .iter()
        .position(|&b| matches!(b, b':' | b'*' | b'?'))
    {
        Some(i) if pattern[i] == b':' => &pattern[..i] == b"guardduty",
        Some(_) => true,
        None => false,
    }
}

/// Parses a policy document's JSON text.
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    parse_as(text, false)
}

/// Parses a role's trust policy: a resource-based policy, whose statements name a
/// `Principal` and need no `Resource` (the role itself).
pub fn parse_trust(text: &str) -> Result<Policy, PolicyError> {
    parse_as(text, true)
}

fn parse_as(text: &str, trust: bool) -> Result<Policy, PolicyError> {
    let raw: RawPolicy<'_> = serde_json::from_str(text).map_err(|err| match err.classify() {
        serde_json::error::Category::Data => PolicyError::NotAPolicy(err.to_string()),
        _ => PolicyError::InvalidJson(err.to_string()),
    })?;
    let Some(statements) = raw.statement else {
        return Err(PolicyError::NotAPolicy("no Statement".to_owned()));
    };
    // Policy variables exist from version 2012-10-17 on; before, `${` is literal text.
    let variables = raw.version.as_deref() == Some("2012-10-17");
    let mut policy = Policy {
        statements: Vec::with_capacity(statements.0.len()),
        skipped: Vec::new(),
    };
    for (index, raw) in statements.0.into_iter().enumerate() {
        match statement(index, raw, variables, trust) {
            Ok(s) => policy.statements.push(s),
            Err(why) => policy.skipped.push(format!("Statement[{index}]: {why}")),
        }
    }
    Ok(policy)
}

fn statement(
    index: usize,
    raw: RawStatement<'_>,
    variables: bool,
    trust: bool,
) -> Result<Statement, String> {
    let effect = match raw.effect.as_deref() {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(format!("Effect is {other:?}, not Allow or Deny")),
        None => return Err("no Effect".to_owned()),
    };
    let actions = match (raw.action, raw.not_action) {
        (Some(list), None) => pattern_list(list, false),
        (None, Some(list)) => pattern_list(list, true),
        (Some(_), Some(_)) => return Err("both Action and NotAction".to_owned()),
        (None, None) => return Err("no Action or NotAction".to_owned()),
    };
    let resources = match (raw.resource, raw.not_resource) {
        (Some(list), None) => pattern_list(list, false),
        (None, Some(list)) => pattern_list(list, true),
        (Some(_), Some(_)) => return Err("both Resource and NotResource".to_owned()),
        (None, None) if trust => PatternList {
            negated: false,
            patterns: vec!["*".to_owned()],
        },
        (None, None) => return Err("no Resource or NotResource".to_owned()),
    };
    let (principal, not_principal) = match (raw.principal, raw.not_principal) {
        // An identity policy has no principal: the element is ignored there, as before.
        _ if !trust => (None, false),
        (Some(p), None) => (Some(principals(&p)?), false),
        (None, Some(p)) => (Some(principals(&p)?), true),
        (Some(_), Some(_)) => return Err("both Principal and NotPrincipal".to_owned()),
        (None, None) if trust => return Err("no Principal or NotPrincipal".to_owned()),
        (None, None) => (None, false),
    };
    let actions_lower = actions
        .patterns
        .iter()
        .map(|p| p.to_ascii_lowercase().into_bytes())
        .collect();
    let resource_tokens = resources
        .patterns
        .iter()
        .map(|p| glob::tokenize_pattern(p, variables))
        .collect();
    let conditions = raw.condition.map(|c| c.0).unwrap_or_default();
    let mut condition_keys: Vec<String> = Vec::new();
    for c in &conditions {
        if !condition_keys.contains(&c.key) {
            condition_keys.push(c.key.clone());
        }
    }
    Ok(Statement {
        index,
        sid: raw.sid.map(Cow::into_owned),
        effect,
        actions,
        actions_lower,
        resources,
        resource_tokens,
        condition_keys,
        conditions,
        principal,
        not_principal,
    })
}

/// A `Principal` element: `"*"`, or a map of `AWS`/`Service`/`Federated`/`CanonicalUser` to
/// a value or a list of values.
fn principals(value: &serde_json::Value) -> Result<Principals, String> {
    use serde_json::Value;
    let mut out = Principals::default();
    let strings = |v: &Value| -> Result<Vec<String>, String> {
        match v {
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err("a Principal value that is not a string".to_owned()),
                })
                .collect(),
            _ => Err("a Principal value that is not a string or a list".to_owned()),
        }
    };
    match value {
        Value::String(s) if s == "*" => out.any = true,
        Value::Object(map) => {
            for (kind, v) in map {
                let values = strings(v)?;
                match kind.as_str() {
                    "AWS" => {
                        out.any |= values.iter().any(|v| v == "*");
                        out.aws.extend(values.into_iter().filter(|v| v != "*"));
                    }
                    "Service" => out.service.extend(values),
                    "Federated" => out.federated.extend(values),
                    // Canonical users are S3's; nothing in an IAM export is one.
                    "CanonicalUser" => {}
                    other => return Err(format!("unknown principal type {other:?}")),
                }
            }
        }
        _ => return Err("Principal is neither \"*\" nor a map".to_owned()),
    }
    Ok(out)
}

fn pattern_list(list: StrList<'_>, negated: bool) -> PatternList {
    PatternList {
        negated,
        patterns: list.0.into_iter().map(Cow::into_owned).collect(),
    }
}

#[derive(Deserialize)]
struct RawPolicy<'a> {
    #[serde(rename = "Version", borrow, default)]
    version: Option<Cow<'a, str>>,
    #[serde(rename = "Statement", borrow, default)]
    statement: Option<Statements<'a>>,
}

#[derive(Deserialize)]
struct RawStatement<'a> {
    #[serde(rename = "Sid", borrow, default)]
    sid: Option<Cow<'a, str>>,
    #[serde(rename = "Effect", borrow, default)]
    effect: Option<Cow<'a, str>>,
    #[serde(rename = "Action", borrow, default)]
    action: Option<StrList<'a>>,
    #[serde(rename = "NotAction", borrow, default)]
    not_action: Option<StrList<'a>>,
    #[serde(rename = "Resource", borrow, default)]
    resource: Option<StrList<'a>>,
    #[serde(rename = "NotResource", borrow, default)]
    not_resource: Option<StrList<'a>>,
    #[serde(rename = "Condition", default)]
    condition: Option<ConditionBlock>,
    #[serde(rename = "Principal", default)]
    principal: Option<serde_json::Value>,
    #[serde(rename = "NotPrincipal", default)]
    not_principal: Option<serde_json::Value>,
}

/// `Statement`: one object or a list of them.
struct Statements<'a>(Vec<RawStatement<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Statements<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Statements<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a statement or a list of statements")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let one = RawStatement::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Statements(vec![one]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some(s) = seq.next_element()? {
                    all.push(s);
                }
                Ok(Statements(all))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A string or a list of strings, borrowed from the document where it has no escapes.
struct StrList<'a>(Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for StrList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrList(vec![Cow::Borrowed(v)]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrList(vec![Cow::Owned(v.to_owned())]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some(s) = seq.next_element::<BorrowedOrOwned<'de>>()? {
                    all.push(s.0);
                }
                Ok(StrList(all))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// One string, borrowed when possible (serde's own `Cow` impl always copies).
struct BorrowedOrOwned<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedOrOwned<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BorrowedOrOwned<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A `Condition` block (`{"Operator": {"key": value or values}}`), as clauses.
struct ConditionBlock(Vec<Clause>);

impl<'de> Deserialize<'de> for ConditionBlock {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys<'k> {
            operator: String,
            out: &'k mut Vec<Clause>,
        }
        impl<'de> de::DeserializeSeed<'de> for Keys<'_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_map(self)
            }
        }
        impl<'de> Visitor<'de> for Keys<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of condition keys to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                while let Some(key) = map.next_key::<BorrowedOrOwned<'de>>()? {
                    let values = map.next_value::<Scalars>()?;
                    self.out.push(Clause {
                        operator: self.operator.clone(),
                        key: key.0.into_owned(),
                        values: values.0,
                    });
                }
                Ok(())
            }
        }

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionBlock;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Condition block")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut clauses = Vec::new();
                while let Some(operator) = map.next_key::<BorrowedOrOwned<'de>>()? {
                    map.next_value_seed(Keys {
                        operator: operator.0.into_owned(),
                        out: &mut clauses,
                    })?;
                }
                Ok(ConditionBlock(clauses))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// A condition value: a string, boolean or number, or a list of them, as strings.
struct Scalars(Vec<String>);

impl<'de> Deserialize<'de> for Scalars {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalars;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a condition value or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalars(vec![v.to_owned()]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalars(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalars(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalars(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalars(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalars(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // Not a condition value AWS accepts: kept as no value, which leaves the
                // clause undecided rather than rejecting the whole policy.
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalars(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element::<Scalars>()? {
                    all.extend(one.0);
                }
                Ok(Scalars(all))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_values_lists_and_condition_keys() {
        let policy = parse(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Deny","NotAction":"s3:*",
                "Resource":["a","b"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"},
                "StringEquals":{"aws:RequestedRegion":["eu-west-1"],"aws:MultiFactorAuthPresent":"x"}}}}"#,
        )
        .unwrap();
        let s = &policy.statements[0];
        assert_eq!(s.effect, Effect::Deny);
        assert!(s.actions.negated);
        assert_eq!(s.resources.patterns, vec!["a", "b"]);
        assert_eq!(
            s.condition_keys,
            vec!["aws:MultiFactorAuthPresent", "aws:RequestedRegion"]
        );
        assert_eq!(s.label(), "S");
    }

    #[test]
    fn invalid_json_and_invalid_policies_are_told_apart() {
        assert!(matches!(
            parse("{\"Statement\": ["),
            Err(PolicyError::InvalidJson(_))
        ));
        assert!(matches!(parse("[1]"), Err(PolicyError::NotAPolicy(_))));
        assert!(matches!(
            parse("{\"Version\":\"2012-10-17\"}"),
            Err(PolicyError::NotAPolicy(_))
        ));
        let policy = parse(
            r#"{"Statement":[{"Effect":"Allow","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(policy.statements.len(), 1);
        assert_eq!(policy.statements[0].index, 1);
        assert_eq!(policy.skipped, vec!["Statement[0]: no Action or NotAction"]);
    }

    #[test]
    fn action_matching_is_case_insensitive_with_wildcards_in_the_prefix() {
        let policy = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","GUARD*:delete?etector"],"Resource":"*"}]}"#,
        )
        .unwrap();
        let s = &policy.statements[0];
        assert_eq!(s.action_match(b"guardduty:deletedetector"), Some(Some(1)));
        assert_eq!(s.action_match(b"guardduty:deletefilter"), None);
    }

    #[test]
    fn only_star_on_star_without_condition_allows_everything() {
        let yes =
            parse(r#"{"Statement":{"Effect":"Allow","Action":"*:*","Resource":"*"}}"#).unwrap();
        assert!(yes.statements[0].allows_everything());
        for doc in [
            r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#,
        ] {
            assert!(
                !parse(doc).unwrap().statements[0].allows_everything(),
                "{doc}"
            );
        }
    }
}
