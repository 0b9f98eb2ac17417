//! `Condition` blocks: parsed once per statement, then decided per principal where the answer
//! depends only on the principal's own facts (its ARN, account, type, tags, name, id) or on the
//! region asked about; keys that depend on the request (MFA, source IP, time, request or
//! resource tags, `aws:CalledVia`) stay unknown and are named.

use std::borrow::Cow;

use super::Label;
use super::glob;
use super::verdict::PrincipalKind;
use crate::model::iam::Tag;

/// One `"Operator": {"key": values}` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// As written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// As written, e.g. `aws:PrincipalTag/team`.
    pub key: String,
    pub values: Vec<String>,
}

/// A statement's whole `Condition` element: every clause must hold.
pub type Block = [Clause];

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// What a block comes to for one principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub truth: Truth,
    /// The keys left undecided (when `Unknown`).
    pub unknown_keys: Vec<Label>,
    /// The answer used a role's tags for `aws:PrincipalTag/…`; a session may carry others.
    pub used_role_tags: bool,
}

/// What the evaluation knows about the principal making the request.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub arn: &'a str,
    pub kind: PrincipalKind,
    pub name: &'a str,
    /// A user's id (`AIDA…`); a role session's `aws:userid` holds its session name: unknown.
    pub user_id: Option<&'a str>,
    /// `None` when the export does not say which tags the principal has.
    pub tags: Option<&'a [Tag]>,
    /// The audited account, for `aws:ResourceAccount`.
    pub account: Option<&'a str>,
    /// The region asked about, for `aws:RequestedRegion`; `None`: any region.
    pub region: Option<&'a str>,
    /// Keys whose value the request fixes (`iam:PassedToService` when passing a role to a
    /// service; a service principal's own keys), checked before everything else: `Some`
    /// present with that value, `None` absent.
    pub request: &'a [(&'a str, Option<&'a str>)],
}

/// A key's value in the request context, as far as it is known.
enum Value<'a> {
    Present(Vec<Cow<'a, str>>),
    Absent,
    Unknown,
}

impl<'a> Facts<'a> {
    fn principal_account(&self) -> Option<&'a str> {
        self.arn.split(':').nth(4).filter(|a| !a.is_empty())
    }

    /// The value of a key (matched case-insensitively, as AWS does for key names), and
    /// whether it came from a role's tags.
    fn lookup(&self, key: &str) -> (Value<'a>, bool) {
        let one = |v: &'a str| Value::Present(vec![Cow::Borrowed(v)]);
        if let Some((_, value)) = self
            .request
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            return (value.map_or(Value::Absent, one), false);
        }
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        let value = match () {
            () if is("aws:PrincipalArn") => one(self.arn),
            () if is("aws:PrincipalAccount") => match self.principal_account() {
                Some(a) => one(a),
                None => Value::Unknown,
            },
            () if is("aws:PrincipalType") => one(match self.kind {
                PrincipalKind::User => "User",
                PrincipalKind::Role => "AssumedRole",
            }),
            () if is("aws:username") => match self.kind {
                PrincipalKind::User => one(self.name),
                PrincipalKind::Role => Value::Absent,
            },
            () if is("aws:userid") => match (self.kind, self.user_id) {
                (PrincipalKind::User, Some(id)) if !id.is_empty() => one(id),
                _ => Value::Unknown,
            },
            () if is("aws:PrincipalIsAWSService") => one("false"),
            () if is("aws:PrincipalServiceName") || is("aws:PrincipalServiceNamesList") => {
                Value::Absent
            }
            () if is("aws:RequestedRegion") => match self.region {
                Some(r) => one(r),
                None => Value::Unknown,
            },
            () if is("aws:ResourceAccount") => match self.account {
                Some(a) => one(a),
                None => Value::Unknown,
            },
            _ => {
                if let Some(tag) = key
                    .get(..17)
                    .filter(|p| p.eq_ignore_ascii_case("aws:principaltag/"))
                    .map(|_| &key[17..])
                {
                    let Some(tags) = self.tags else {
                        return (Value::Unknown, false);
                    };
                    // Tag keys are case-insensitive in condition keys.
                    let value = match tags.iter().find(|t| t.key.eq_ignore_ascii_case(tag)) {
                        Some(t) => Value::Present(vec![Cow::Borrowed(t.value.as_str())]),
                        None => Value::Absent,
                    };
                    return (value, self.kind == PrincipalKind::Role);
                }
                Value::Unknown
            }
        };
        (value, false)
    }

    /// Replaces policy variables (`${aws:username}`, `${aws:PrincipalTag/x, 'default'}`) in a
    /// condition value; `None` when a variable's value is not known.
    fn substitute<'v>(&self, value: &'v str, used_role_tags: &mut bool) -> Option<Cow<'v, str>> {
        if !value.contains("${") {
            return Some(Cow::Borrowed(value));
        }
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let inner = after[..end].trim();
            match inner {
                "*" | "?" | "$" => out.push_str(inner),
                _ => {
                    let (name, default) = match inner.split_once(',') {
                        Some((n, d)) => {
                            let d = d.trim();
                            let d = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\''));
                            (n.trim(), d)
                        }
                        None => (inner, None),
                    };
                    let (v, role_tags) = self.lookup(name);
                    *used_role_tags |= role_tags;
                    match (v, default) {
                        (Value::Present(vs), _) if vs.len() == 1 => out.push_str(&vs[0]),
                        (Value::Absent, Some(d)) => out.push_str(d),
                        _ => return None,
                    }
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(Cow::Owned(out))
    }

    /// A resource pattern with its policy variables replaced by this principal's values;
    /// `None` when a variable's value is not known.
    pub fn substitute_pattern(&self, pattern: &str) -> Option<String> {
        let mut used_role_tags = false;
        self.substitute(pattern, &mut used_role_tags)
            .map(Cow::into_owned)
    }

    /// Decides a whole block, without naming the undecided keys.
    pub fn truth(&self, block: &Block) -> (Truth, bool) {
        let mut used_role_tags = false;
        let mut truth = Truth::True;
        for clause in block {
            match self.clause(clause, &mut used_role_tags) {
                Truth::True => {}
                Truth::False => return (Truth::False, used_role_tags),
                Truth::Unknown => truth = Truth::Unknown,
            }
        }
        (truth, used_role_tags)
    }

    /// Decides a whole block.
    pub fn decide(&self, block: &Block) -> Decided {
        let mut out = Decided {
            truth: Truth::True,
            unknown_keys: Vec::new(),
            used_role_tags: false,
        };
        for clause in block {
            match self.clause(clause, &mut out.used_role_tags) {
                Truth::True => {}
                Truth::False => {
                    out.truth = Truth::False;
                    out.unknown_keys.clear();
                    return out;
                }
                Truth::Unknown => {
                    out.truth = Truth::Unknown;
                    let key = Label::from(clause.key.as_str());
                    if !out.unknown_keys.contains(&key) {
                        out.unknown_keys.push(key);
                    }
                }
            }
        }
        out
    }

    fn clause(&self, clause: &Clause, used_role_tags: &mut bool) -> Truth {
        let Some(op) = Operator::parse(&clause.operator) else {
            return Truth::Unknown;
        };
        if clause.values.is_empty() {
            // No usable value (an empty list, or something that is not a value).
            return Truth::Unknown;
        }
        let (value, role_tags) = self.lookup(&clause.key);
        if op.null {
            let present = match value {
                Value::Unknown => return Truth::Unknown,
                Value::Absent => false,
                Value::Present(_) => true,
            };
            *used_role_tags |= role_tags;
            return null_holds(&clause.values, present);
        }
        let values = match value {
            Value::Unknown => return Truth::Unknown,
            Value::Absent => {
                *used_role_tags |= role_tags;
                return op.when_absent();
            }
            Value::Present(v) => v,
        };
        let mut policy = Vec::with_capacity(clause.values.len());
        for v in &clause.values {
            if op.kind.takes_variables() {
                match self.substitute(v, used_role_tags) {
                    Some(s) => policy.push(s),
                    None => return Truth::Unknown,
                }
            } else {
                policy.push(Cow::Borrowed(v.as_str()));
            }
        }
        let Some(matches) = op.kind.matcher() else {
            return Truth::Unknown;
        };
        *used_role_tags |= role_tags;
        // One context value against the policy values: a positive operator holds when some
        // value matches; a negated one when none does.
        let holds = |context: &str| {
            let any = policy.iter().any(|p| matches(p, context));
            any != op.negated
        };
        let truth = match op.set {
            None | Some(SetOp::Any) => values.iter().any(|v| holds(v)),
            Some(SetOp::All) => values.iter().all(|v| holds(v)),
        };
        if truth { Truth::True } else { Truth::False }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Arn,
    Bool,
    Null,
    /// Numeric, date, IP address, binary: never a principal fact here.
    Other,
}

impl Kind {
    fn takes_variables(self) -> bool {
        matches!(
            self,
            Kind::StringEquals | Kind::StringEqualsIgnoreCase | Kind::StringLike | Kind::Arn
        )
    }

    /// Does policy value `p` match context value `c`?
    fn matcher(self) -> Option<fn(&str, &str) -> bool> {
        Some(match self {
            Kind::StringEquals => |p, c| p == c,
            Kind::StringEqualsIgnoreCase => |p, c| p.eq_ignore_ascii_case(c),
            Kind::StringLike => |p, c| glob::matches(p.as_bytes(), c.as_bytes()),
            Kind::Arn => arn_like,
            Kind::Bool => |p, c| p.eq_ignore_ascii_case(c),
            Kind::Null | Kind::Other => return None,
        })
    }
}

/// A parsed operator name.
#[derive(Debug, Clone, Copy)]
struct Operator {
    kind: Kind,
    negated: bool,
    if_exists: bool,
    set: Option<SetOp>,
    /// `Null` with its value read at decision time.
    null: bool,
}

impl Operator {
    fn parse(name: &str) -> Option<Self> {
        let (set, rest) = if let Some(r) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetOp::Any), r)
        } else if let Some(r) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetOp::All), r)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let (kind, negated) = match base {
            "StringEquals" => (Kind::StringEquals, false),
            "StringNotEquals" => (Kind::StringEquals, true),
            "StringEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, true),
            "StringLike" => (Kind::StringLike, false),
            "StringNotLike" => (Kind::StringLike, true),
            "ArnEquals" | "ArnLike" => (Kind::Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Kind::Arn, true),
            "Bool" => (Kind::Bool, false),
            "Null" => (Kind::Null, false),
            _ => (Kind::Other, false),
        };
        Some(Operator {
            kind,
            negated,
            if_exists,
            set,
            null: kind == Kind::Null,
        })
    }

    /// The truth of the clause when the key is not in the request (AWS's condition operator
    /// rules): `ForAnyValue:` fails, `ForAllValues:` holds, `…IfExists` holds, a negated
    /// operator holds, the rest fail.
    fn when_absent(self) -> Truth {
        if self.set == Some(SetOp::Any) {
            return Truth::False;
        }
        if self.if_exists || self.set == Some(SetOp::All) || self.negated {
            Truth::True
        } else {
            Truth::False
        }
    }
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    s.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// `ArnLike`: each of the six `:`-separated parts matched on its own, wildcards allowed.
fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == a.len()
        && p.iter()
            .zip(&a)
            .all(|(p, a)| glob::matches(p.as_bytes(), a.as_bytes()))
}

/// `Null`: `"true"` holds when the key is absent, `"false"` when it is present.
fn null_holds(values: &[String], present: bool) -> Truth {
    let want_absent = values.iter().any(|v| v.eq_ignore_ascii_case("true"));
    let want_present = values.iter().any(|v| v.eq_ignore_ascii_case("false"));
    if (want_absent && !present) || (want_present && present) {
        Truth::True
    } else {
        Truth::False
    }
}
