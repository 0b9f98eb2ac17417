#!/usr/bin/env bash
# Create the role a CI job assumes to run gdaudit: trusted by the CI's OIDC provider, allowed
# only what gdaudit reads (docs/iam-policy.json). Run once per audited account, as an admin.
#
#   ci-role.sh TRUST-POLICY IAM-POLICY
#   ci-role.sh github-oidc-trust-policy.json ../iam-policy.json
#
# Environment:
#   ROLE_NAME  default gdaudit-ci
#
# The account needs the OIDC identity provider first (once): IAM > Identity providers > Add
# provider > OpenID Connect, https://token.actions.githubusercontent.com (or
# https://gitlab.com), audience sts.amazonaws.com.
set -euo pipefail
trust=${1:?usage: ci-role.sh TRUST-POLICY IAM-POLICY}
policy=${2:?usage: ci-role.sh TRUST-POLICY IAM-POLICY}
role=${ROLE_NAME:-gdaudit-ci}

aws iam create-role --role-name "$role" \
  --assume-role-policy-document "file://$trust" \
  --description "Runs gdaudit from CI: reads GuardDuty, CloudTrail and IAM, changes nothing" \
  --output text --query Role.Arn
aws iam put-role-policy --role-name "$role" --policy-name gdaudit-read-only \
  --policy-document "file://$policy"
