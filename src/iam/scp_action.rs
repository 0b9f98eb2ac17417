//! Whether service control policies block one action outright, whoever calls it — for
//! actions AWS services call on the account's behalf, such as the GuardDuty runtime agent's
//! `guardduty:SendSecurityTelemetry`, which no principal of the export holds.

use super::glob;
use super::policy::{self, Effect, Statement};
use super::scp::ScpPolicy;

/// Why the SCPs block an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScpBlock {
    /// A Deny statement applies (`conditional`: only when its conditions hold).
    Denied {
        level: usize,
        policy: String,
        statement: String,
        conditional: bool,
    },
    /// No policy of this level allows the action (SCPs allow-list at every level).
    NotAllowed { level: usize },
}

/// The first reason the SCP `levels` (root first) block `action` (`service:Name`) on
/// resource `*`, or `None` when every level allows it and nothing denies it. An unconditional
/// Deny wins over a conditional one; documents that cannot be parsed are skipped (the
/// permissions audit reports them).
pub fn scp_blocks(levels: &[Vec<ScpPolicy>], action: &str) -> Option<ScpBlock> {
    let action = action.to_ascii_lowercase();
    let mut conditional = None;
    for (level, policies) in levels.iter().enumerate() {
        let mut allowed = false;
        for scp in policies {
            let Ok(parsed) = policy::parse(scp.document.as_json_text()) else {
                continue;
            };
            for statement in &parsed.statements {
                if statement.action_match(action.as_bytes()).is_none() || !on_star(statement) {
                    continue;
                }
                match statement.effect {
                    Effect::Allow if !statement.is_conditional() => allowed = true,
                    Effect::Allow => {}
                    Effect::Deny => {
                        let block = ScpBlock::Denied {
                            level,
                            policy: scp.name.clone(),
                            statement: statement.label(),
                            conditional: statement.is_conditional(),
                        };
                        if !statement.is_conditional() {
                            return Some(block);
                        }
                        conditional.get_or_insert(block);
                    }
                }
            }
        }
        if !allowed {
            return Some(ScpBlock::NotAllowed { level });
        }
    }
    conditional
}

/// Whether the statement's `Resource` (or `NotResource`) covers the request resource `*`.
fn on_star(statement: &Statement) -> bool {
    let hit = statement
        .resources
        .patterns
        .iter()
        .any(|p| glob::matches(p.as_bytes(), b"*"));
    hit != statement.resources.negated
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scp(name: &str, doc: serde_json::Value) -> ScpPolicy {
        ScpPolicy::new(name, &doc)
    }

    fn full_access() -> ScpPolicy {
        scp(
            "FullAWSAccess",
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )
    }

    const ACTION: &str = "guardduty:SendSecurityTelemetry";

    #[test]
    fn a_deny_on_guardduty_star_blocks_the_agent() {
        let deny = scp(
            "no-guardduty-writes",
            json!({"Statement": [{"Sid": "NoGD", "Effect": "Deny", "Action": ["guardduty:Send*", "guardduty:Update*"], "Resource": "*"}]}),
        );
        assert_eq!(
            scp_blocks(&[vec![full_access()], vec![full_access(), deny]], ACTION),
            Some(ScpBlock::Denied {
                level: 1,
                policy: "no-guardduty-writes".into(),
                statement: "NoGD".into(),
                conditional: false,
            })
        );
    }

    #[test]
    fn allow_lists_and_conditions_and_other_actions() {
        assert_eq!(scp_blocks(&[vec![full_access()]], ACTION), None);
        assert_eq!(scp_blocks(&[], ACTION), None);
        let only_s3 = scp(
            "s3-only",
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
        );
        assert_eq!(
            scp_blocks(&[vec![full_access()], vec![only_s3]], ACTION),
            Some(ScpBlock::NotAllowed { level: 1 })
        );
        let outside_region = scp(
            "regions",
            json!({"Statement": {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                   "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}}),
        );
        assert!(matches!(
            scp_blocks(&[vec![full_access(), outside_region]], ACTION),
            Some(ScpBlock::Denied {
                conditional: true,
                ..
            })
        ));
        let other = scp(
            "no-delete",
            json!({"Statement": {"Effect": "Deny", "Action": "guardduty:Delete*", "Resource": "*"}}),
        );
        assert_eq!(scp_blocks(&[vec![full_access(), other]], ACTION), None);
    }
}
