//! Which GuardDuty resources an action acts on, as ARN patterns of the audited account, and how
//! much of them a statement's `Resource` or `NotResource` reaches.

use super::glob::{self, Token};
use crate::catalogue::{self, ActionInfo};

/// How much of an action's resources a statement reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    None,
    /// Some resources, not provably all.
    Some,
    All,
}

/// The resources one action can be asked about.
#[derive(Debug, Clone)]
pub struct Universe {
    /// Indices into [`ResourceModel::templates`]: ARN patterns of the action's resource types
    /// in this account, variables as wildcards.
    /// When the reference lists no resource type for the action, the request names `*`, and
    /// only a `Resource` that matches the string `*` applies: the only template is `*` itself.
    pub templates: Vec<usize>,
}

/// What one `Resource`/`NotResource` pattern does to every ARN template of the model.
/// Computed once per distinct pattern; coverage of a whole list follows from these facts.
#[derive(Debug, Clone)]
pub struct PatternFacts {
    /// `*` (or `**`…): every resource.
    every: bool,
    /// Per template: shares an ARN with it.
    meets: Vec<bool>,
    /// Per template: matches all of its ARNs.
    covers: Vec<bool>,
}

impl PatternFacts {
    /// Shares an ARN with some template.
    pub fn meets_any(&self) -> bool {
        self.meets.iter().any(|&m| m)
    }
}

/// The resource universes of the GuardDuty change actions, for one account.
#[derive(Debug, Clone)]
pub struct ResourceModel {
    /// Every distinct ARN template.
    templates: Vec<Vec<Token>>,
    /// Per template: its resource type's name (`*` for the request resource of an action
    /// without a resource type) and where its `${Region}` variable is, if it has one.
    template_info: Vec<(&'static str, Option<usize>)>,
    /// One universe per distinct set of resource types; actions share them.
    pub universes: Vec<Universe>,
    /// For each change action (in [`change_actions`] order), its universe.
    pub universe_of: Vec<usize>,
}

impl ResourceModel {
    /// The facts of one pattern against every template.
    pub fn facts(&self, pattern: &[Token]) -> PatternFacts {
        let meets: Vec<bool> = self
            .templates
            .iter()
            .map(|t| glob::intersects(pattern, t))
            .collect();
        let covers = self
            .templates
            .iter()
            .zip(&meets)
            .map(|(t, &meets)| meets && glob::covers(pattern, t))
            .collect();
        PatternFacts {
            every: !pattern.is_empty() && pattern.iter().all(|t| *t == Token::Star),
            meets,
            covers,
        }
    }

    /// Coverage of a `Resource` list (or, `negated`, a `NotResource` list) for the actions of
    /// one universe, and the index of the pattern that decides it (for explanations).
    pub fn coverage(
        &self,
        universe: usize,
        negated: bool,
        patterns: &[&PatternFacts],
    ) -> (Coverage, Option<usize>) {
        let Some(u) = self.universes.get(universe) else {
            return (Coverage::Some, None);
        };
        let meets_any = |p: &PatternFacts| u.templates.iter().any(|&t| p.meets[t]);
        let covers_every = || {
            u.templates
                .iter()
                .all(|&t| patterns.iter().any(|p| p.covers[t]))
        };
        if !negated {
            if let Some(i) = patterns.iter().position(|p| p.every) {
                return (Coverage::All, Some(i));
            }
            return match patterns.iter().position(|p| meets_any(p)) {
                None => (Coverage::None, None),
                Some(i) if covers_every() => (Coverage::All, Some(i)),
                Some(i) => (Coverage::Some, Some(i)),
            };
        }
        match patterns.iter().position(|p| meets_any(p)) {
            None => (Coverage::All, None),
            Some(i) if covers_every() => (Coverage::None, Some(i)),
            Some(i) => (Coverage::Some, Some(i)),
        }
    }

    /// The tokens of one template.
    pub fn template(&self, index: usize) -> &[Token] {
        &self.templates[index]
    }

    /// The resource type a template stands for (`*`: the request resource `*`).
    pub fn template_name(&self, index: usize) -> &'static str {
        self.template_info[index].0
    }

    /// A template with its `${Region}` set to `region`; `None` when it has no region.
    pub fn template_in_region(&self, index: usize, region: &str) -> Option<Vec<Token>> {
        let at = self.template_info[index].1?;
        let t = &self.templates[index];
        let mut out = Vec::with_capacity(t.len() + region.len());
        out.extend_from_slice(&t[..at]);
        out.extend(region.bytes().map(Token::Byte));
        out.extend_from_slice(&t[at + 1..]);
        Some(out)
    }

    /// `partition` and `account` replace the template variables when known; unknown ones
    /// stay wildcards.
    pub fn new(partition: Option<&str>, account: Option<&str>) -> Self {
        let mut model = ResourceModel {
            templates: Vec::new(),
            template_info: Vec::new(),
            universes: Vec::new(),
            universe_of: Vec::new(),
        };
        let mut keys: Vec<Vec<&'static str>> = Vec::new();
        for action in change_actions() {
            let key: Vec<&'static str> = action.resource_types.iter().map(|(t, _)| *t).collect();
            let index = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    let universe = model.universe(action, partition, account);
                    model.universes.push(universe);
                    keys.push(key);
                    model.universes.len() - 1
                }
            };
            model.universe_of.push(index);
        }
        model
    }

    fn universe(
        &mut self,
        action: &ActionInfo,
        partition: Option<&str>,
        account: Option<&str>,
    ) -> Universe {
        let mut formats: Vec<(&'static str, &'static str)> = Vec::new();
        let mut formatless = false;
        for (type_name, _) in action.resource_types {
            let format = catalogue::RESOURCE_TYPES
                .iter()
                .find(|r| r.name == *type_name)
                .and_then(|r| r.arn_format);
            match format {
                Some(format) => formats.push((*type_name, format)),
                None => formatless = true,
            }
        }
        let star_only = action.resource_types.is_empty();
        let mut templates: Vec<(&'static str, Vec<Token>, Option<usize>)> = formats
            .into_iter()
            .map(|(name, format)| {
                let (tokens, region) = template(format, partition, account);
                (name, tokens, region)
            })
            .collect();
        if star_only {
            // By the book the request names `*`.
            templates.push(("*", vec![Token::Byte(b'*')], None));
        } else if formatless {
            // A resource type the reference gives no ARN format for: any GuardDuty ARN of the
            // account stands in for it.
            let (tokens, region) = template(
                "arn:${Partition}:guardduty:${Region}:${Account}:*",
                partition,
                account,
            );
            templates.push(("guardduty resource", tokens, region));
        }
        let templates = templates
            .into_iter()
            .map(
                |(name, tokens, region)| match self.templates.iter().position(|t| *t == tokens) {
                    Some(i) => i,
                    None => {
                        self.templates.push(tokens);
                        self.template_info.push((name, region));
                        self.templates.len() - 1
                    }
                },
            )
            .collect();
        Universe { templates }
    }
}

/// The GuardDuty change actions in a fixed order; verdict masks index into it.
pub fn change_actions() -> impl Iterator<Item = &'static ActionInfo> {
    catalogue::change_actions()
}

/// One bit per change action, in [`change_actions`] order.
pub type ActionMask = u128;

/// The change actions' full names (`guardduty:DeleteDetector`), as written and lowercased.
#[derive(Debug)]
pub struct ActionTable {
    pub full: Vec<String>,
    pub lower: Vec<Vec<u8>>,
}

impl ActionTable {
    /// The mask with a bit for every change action.
    pub fn all(&self) -> ActionMask {
        if self.full.len() >= ActionMask::BITS as usize {
            ActionMask::MAX
        } else {
            (1 << self.full.len()) - 1
        }
    }

    /// The index of an action by name, case-insensitively, with or without `guardduty:`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_ascii_lowercase();
        let full = if name.contains(':') {
            name
        } else {
            format!("guardduty:{name}")
        };
        self.lower.iter().position(|l| *l == full.as_bytes())
    }
}

/// Built once per process: the catalogue does not change while it runs.
pub fn action_table() -> &'static ActionTable {
    static TABLE: std::sync::OnceLock<ActionTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let full: Vec<String> = change_actions()
            .map(|a| format!("guardduty:{}", a.name))
            .collect();
        let lower = full
            .iter()
            .map(|f| f.to_ascii_lowercase().into_bytes())
            .collect();
        ActionTable { full, lower }
    })
}

/// Tokens of an ARN format: `${Partition}` and `${Account}` become the known values,
/// other variables one ARN part each; a literal `*` (only in the catch-all) is any resource
/// path (without `:`, which GuardDuty resource ids never hold).
fn template(
    format: &str,
    partition: Option<&str>,
    account: Option<&str>,
) -> (Vec<Token>, Option<usize>) {
    let mut out = Vec::with_capacity(format.len());
    let mut region = None;
    let mut rest = format;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            if &after[..end] == "Region" {
                region = Some(out.len());
            }
            let value = match &after[..end] {
                "Partition" => partition,
                "Account" => account,
                _ => None,
            };
            match value {
                Some(v) => out.extend(v.bytes().map(Token::Byte)),
                None => out.push(Token::Segment),
            }
            rest = &after[end + 1..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            if c == '*' {
                out.push(Token::Path);
            } else {
                let mut buf = [0u8; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(Token::Byte));
            }
        }
        rest = chars.as_str();
    }
    (out, region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::glob::tokenize_pattern;

    /// Coverage of `patterns` (as `Resource`, or `NotResource` when `negated`) for `action`.
    fn cover(action: &str, negated: bool, patterns: &[&str]) -> Coverage {
        let model = ResourceModel::new(Some("aws"), Some("111122223333"));
        let i = change_actions()
            .position(|a| a.name == action)
            .unwrap_or_else(|| panic!("{action}"));
        let facts: Vec<PatternFacts> = patterns
            .iter()
            .map(|p| model.facts(&tokenize_pattern(p, true)))
            .collect();
        let facts: Vec<&PatternFacts> = facts.iter().collect();
        model.coverage(model.universe_of[i], negated, &facts).0
    }

    #[test]
    fn detector_wildcard_covers_filters_but_another_account_nothing() {
        let own = ["arn:aws:guardduty:*:111122223333:detector/*"];
        assert_eq!(cover("DeleteFilter", false, &own), Coverage::All);
        let other = ["arn:aws:guardduty:*:444455556666:detector/*"];
        assert_eq!(cover("DeleteFilter", false, &other), Coverage::None);
        let one_region = ["arn:aws:guardduty:eu-west-1:111122223333:detector/*"];
        assert_eq!(cover("DeleteFilter", false, &one_region), Coverage::Some);
    }

    #[test]
    fn actions_without_a_resource_type_are_asked_about_star_only() {
        assert_eq!(cover("ArchiveFindings", false, &["*"]), Coverage::All);
        let detectors = ["arn:aws:guardduty:*:111122223333:detector/*"];
        assert_eq!(cover("ArchiveFindings", false, &detectors), Coverage::None);
        assert_eq!(cover("ArchiveFindings", true, &detectors), Coverage::All);
        assert_eq!(
            cover("ArchiveFindings", false, &["arn:aws:s3:::b/*"]),
            Coverage::None
        );
        assert_eq!(
            cover("ArchiveFindings", true, &["arn:aws:s3:::b/*"]),
            Coverage::All
        );
        assert_eq!(cover("ArchiveFindings", true, &["*"]), Coverage::None);
    }

    #[test]
    fn not_resource_is_the_inverse() {
        assert_eq!(
            cover("DeleteDetector", true, &["arn:aws:s3:::b/*"]),
            Coverage::All
        );
        let one_region = ["arn:aws:guardduty:us-east-1:111122223333:detector/*"];
        assert_eq!(cover("DeleteDetector", true, &one_region), Coverage::Some);
        assert_eq!(
            cover("DeleteDetector", true, &["arn:aws:guardduty:*:*:*"]),
            Coverage::None
        );
    }

    #[test]
    fn tag_resource_needs_every_type_for_all() {
        let detectors = ["arn:aws:guardduty:*:111122223333:detector/*"];
        assert_eq!(cover("TagResource", false, &detectors), Coverage::Some);
        let everything = ["arn:aws:guardduty:*:111122223333:*"];
        assert_eq!(cover("TagResource", false, &everything), Coverage::All);
    }

    #[test]
    fn unknown_account_and_partition_stay_wildcards() {
        let model = ResourceModel::new(None, None);
        let i = change_actions()
            .position(|a| a.name == "DeleteDetector")
            .unwrap_or(0);
        let some = model.facts(&tokenize_pattern(
            "arn:aws-cn:guardduty:*:444455556666:detector/*",
            true,
        ));
        assert_eq!(
            model.coverage(model.universe_of[i], false, &[&some]).0,
            Coverage::Some
        );
        let all = model.facts(&tokenize_pattern("arn:*:guardduty:*:*:detector/*", true));
        assert_eq!(
            model.coverage(model.universe_of[i], false, &[&all]).0,
            Coverage::All
        );
    }

    #[test]
    fn every_change_action_fits_the_verdict_mask() {
        assert!(change_actions().count() <= ActionMask::BITS as usize);
        assert_eq!(
            action_table().index_of("GUARDDUTY:deletedetector"),
            action_table().index_of("DeleteDetector")
        );
        assert!(action_table().index_of("guardduty:GetDetector").is_none());
    }
}
