//! The IAM account export: iam:GetAccountAuthorizationDetails, every page, turned into the
//! model's types (policy documents arrive percent-encoded and are decoded there).

use aws_config::SdkConfig;
use aws_sdk_iam::Client;
use aws_sdk_iam::types as sdk;

use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::iam::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, InstanceProfile,
    ManagedPolicyDetail, PermissionsBoundary, PolicyDocument, PolicyVersion, RoleDetail, Tag,
    UserDetail,
};
use crate::model::{CollectError, ErrorKind};

/// Reads the whole export. A page that cannot be read ends the read with an error and what
/// was read so far: the caller marks the permissions audit incomplete.
pub async fn authorization_details(
    config: &SdkConfig,
) -> (AuthorizationDetails, Option<CollectError>) {
    authorization_details_with(&Client::new(config)).await
}

/// [`authorization_details`] with a given client (tests inject faults through it).
pub async fn authorization_details_with(
    client: &Client,
) -> (AuthorizationDetails, Option<CollectError>) {
    let mut out = AuthorizationDetails::default();
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let mut stats = RetryStats::default();
    let mut marker: Option<String> = None;
    loop {
        let page = retry::call(
            "iam:GetAccountAuthorizationDetails",
            &policy,
            &Pacer::none(),
            &mut stats,
            || {
                client
                    .get_account_authorization_details()
                    .set_marker(marker.clone())
                    .customize()
                    .config_override(crate::no_sdk_retries!(aws_sdk_iam))
                    .send()
            },
        )
        .await;
        let page = match page {
            Ok(page) => page,
            Err(error) => return (out, Some(error)),
        };
        out.users.extend(page.user_detail_list().iter().map(user));
        out.groups
            .extend(page.group_detail_list().iter().map(group));
        out.roles.extend(page.role_detail_list().iter().map(role));
        out.policies
            .extend(page.policies().iter().map(policy_detail));
        match page.marker() {
            Some(next) if page.is_truncated() && !next.is_empty() => {
                if marker.as_deref() == Some(next) {
                    return (
                        out,
                        Some(CollectError {
                            kind: ErrorKind::Other,
                            operation: "iam:GetAccountAuthorizationDetails".into(),
                            code: None,
                            message: "the service repeated its last page marker: stopped".into(),
                        }),
                    );
                }
                marker = Some(next.to_owned());
            }
            _ => break,
        }
    }
    (out, None)
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

fn inline(policies: &[sdk::PolicyDetail]) -> Vec<InlinePolicy> {
    policies
        .iter()
        .map(|p| InlinePolicy {
            policy_name: text(p.policy_name()),
            policy_document: PolicyDocument::from_api_string(
                p.policy_document().unwrap_or_default(),
            ),
        })
        .collect()
}

fn attached(policies: &[sdk::AttachedPolicy]) -> Vec<AttachedPolicy> {
    policies
        .iter()
        .map(|p| AttachedPolicy {
            policy_name: text(p.policy_name()),
            policy_arn: text(p.policy_arn()),
        })
        .collect()
}

fn boundary(b: Option<&sdk::AttachedPermissionsBoundary>) -> Option<PermissionsBoundary> {
    b.map(|b| PermissionsBoundary {
        permissions_boundary_type: b.permissions_boundary_type().map(|t| t.as_str().to_owned()),
        permissions_boundary_arn: text(b.permissions_boundary_arn()),
    })
}

fn user(u: &sdk::UserDetail) -> UserDetail {
    UserDetail {
        user_name: text(u.user_name()),
        user_id: text(u.user_id()),
        arn: text(u.arn()),
        path: text(u.path()),
        group_list: u.group_list().to_vec(),
        user_policy_list: inline(u.user_policy_list()),
        attached_managed_policies: attached(u.attached_managed_policies()),
        permissions_boundary: boundary(u.permissions_boundary()),
        tags: Some(tags(u.tags())),
    }
}

/// The API lists every tag (none is an empty list), so the answer is always known.
fn tags(tags: &[sdk::Tag]) -> Vec<Tag> {
    tags.iter()
        .map(|t| Tag {
            key: t.key().to_owned(),
            value: t.value().to_owned(),
        })
        .collect()
}

fn group(g: &sdk::GroupDetail) -> GroupDetail {
    GroupDetail {
        group_name: text(g.group_name()),
        group_id: text(g.group_id()),
        arn: text(g.arn()),
        path: text(g.path()),
        group_policy_list: inline(g.group_policy_list()),
        attached_managed_policies: attached(g.attached_managed_policies()),
    }
}

fn role(r: &sdk::RoleDetail) -> RoleDetail {
    RoleDetail {
        role_name: text(r.role_name()),
        role_id: text(r.role_id()),
        arn: text(r.arn()),
        path: text(r.path()),
        role_policy_list: inline(r.role_policy_list()),
        attached_managed_policies: attached(r.attached_managed_policies()),
        permissions_boundary: boundary(r.permissions_boundary()),
        tags: Some(tags(r.tags())),
        assume_role_policy_document: r
            .assume_role_policy_document()
            .map(PolicyDocument::from_api_string),
        instance_profile_list: r
            .instance_profile_list()
            .iter()
            .map(|p| InstanceProfile {
                instance_profile_name: p.instance_profile_name().to_owned(),
                arn: p.arn().to_owned(),
            })
            .collect(),
    }
}

fn policy_detail(p: &sdk::ManagedPolicyDetail) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: text(p.policy_name()),
        policy_id: text(p.policy_id()),
        arn: text(p.arn()),
        path: text(p.path()),
        default_version_id: p.default_version_id().map(str::to_owned),
        policy_version_list: p
            .policy_version_list()
            .iter()
            .map(|v| PolicyVersion {
                document: PolicyDocument::from_api_string(v.document().unwrap_or_default()),
                version_id: text(v.version_id()),
                is_default_version: v.is_default_version(),
            })
            .collect(),
    }
}
