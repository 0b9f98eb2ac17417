//! Engine tests: one per evaluation rule, explanations, the AWS managed policies dataset and
//! real account exports.

mod corpus;
mod dataset;
mod exact;
mod explain;
mod paths;
mod rules;

use super::*;
use crate::model::iam::{
    AttachedPolicy, GroupDetail, InlinePolicy, ManagedPolicyDetail, PermissionsBoundary,
    PolicyDocument, PolicyVersion, RoleDetail, UserDetail,
};

pub(super) const ACCOUNT: &str = "111122223333";

pub(super) fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

/// A policy document with these statements (JSON text).
pub(super) fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#)
}

pub(super) fn inline(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy {
        policy_name: name.to_owned(),
        policy_document: PolicyDocument::from_json_text(document),
    }
}

pub(super) fn user(name: &str, documents: &[&str]) -> UserDetail {
    UserDetail {
        user_name: name.to_owned(),
        arn: arn("user", name),
        user_policy_list: documents
            .iter()
            .enumerate()
            .map(|(i, d)| inline(&format!("p{i}"), d))
            .collect(),
        ..UserDetail::default()
    }
}

pub(super) fn role(name: &str, documents: &[&str]) -> RoleDetail {
    RoleDetail {
        role_name: name.to_owned(),
        arn: arn("role", name),
        path: "/".to_owned(),
        role_policy_list: documents
            .iter()
            .enumerate()
            .map(|(i, d)| inline(&format!("p{i}"), d))
            .collect(),
        ..RoleDetail::default()
    }
}

pub(super) fn group(name: &str, documents: &[&str]) -> GroupDetail {
    GroupDetail {
        group_name: name.to_owned(),
        arn: arn("group", name),
        group_policy_list: documents
            .iter()
            .enumerate()
            .map(|(i, d)| inline(&format!("p{i}"), d))
            .collect(),
        ..GroupDetail::default()
    }
}

/// A customer managed policy; `versions` are (id, is default, document).
pub(super) fn managed(name: &str, versions: &[(&str, bool, &str)]) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        policy_version_list: versions
            .iter()
            .map(|(id, default, d)| PolicyVersion {
                document: PolicyDocument::from_json_text(*d),
                version_id: (*id).to_owned(),
                is_default_version: *default,
            })
            .collect(),
        ..ManagedPolicyDetail::default()
    }
}

pub(super) fn attach(policy: &ManagedPolicyDetail) -> AttachedPolicy {
    AttachedPolicy {
        policy_name: policy.policy_name.clone(),
        policy_arn: policy.arn.clone(),
    }
}

pub(super) fn boundary(policy_arn: &str) -> Option<PermissionsBoundary> {
    Some(PermissionsBoundary {
        permissions_boundary_type: Some("Policy".to_owned()),
        permissions_boundary_arn: policy_arn.to_owned(),
    })
}

pub(super) fn users(users: Vec<UserDetail>) -> AuthorizationDetails {
    AuthorizationDetails {
        users,
        ..AuthorizationDetails::default()
    }
}

pub(super) fn evaluate_default(details: &AuthorizationDetails) -> Evaluation {
    evaluate(details, &EvalOptions::default())
}

pub(super) fn principal<'e>(eval: &'e Evaluation, name: &str) -> &'e PrincipalVerdict {
    eval.principals
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no principal {name}"))
}

/// Bare names of the actions a principal holds (allowed or conditional), in catalogue order.
pub(super) fn held(eval: &Evaluation, name: &str) -> Vec<&'static str> {
    principal(eval, name)
        .held_actions()
        .map(|a| a.action().trim_start_matches("guardduty:"))
        .collect()
}

/// The verdict on one action (bare name), if some identity statement allows it.
pub(super) fn verdict<'e>(
    eval: &'e Evaluation,
    name: &str,
    action: &str,
) -> Option<&'e ActionVerdict> {
    let full = format!("guardduty:{action}");
    principal(eval, name)
        .actions
        .iter()
        .find(|a| a.action() == full)
}

/// Every change action's bare name, in catalogue order.
pub(super) fn all_actions() -> Vec<&'static str> {
    crate::catalogue::change_actions().map(|a| a.name).collect()
}
