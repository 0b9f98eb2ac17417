#!/usr/bin/env bash
# Real-time alerts without a poll: an EventBridge rule in each region, matching the GuardDuty
# configuration changes that gdaudit can rate critical or high (eventbridge-pattern.json),
# sent to an SNS topic (its email, SMS or chat subscribers get one line per change).
#
#   eventbridge-rule.sh REGION...     e.g. eventbridge-rule.sh eu-west-1 eu-central-1 us-east-1
#
# The rule in the topic's region publishes to the topic; the rule in every other region
# forwards the event to the default event bus of the topic's region. Running the script
# again updates the rules and targets in place.
#
# Environment:
#   ALERT_TOPIC_ARN   the SNS topic; its access policy must let events.amazonaws.com publish
#   FORWARD_ROLE_ARN  a role EventBridge assumes (trusting events.amazonaws.com) with
#                     events:PutEvents on the topic region's default event bus; needed when
#                     REGION lists regions other than the topic's
#   PATTERN_FILE      the event pattern (default: eventbridge-pattern.json beside this file)
#   AWS credentials as for any AWS CLI call: events:PutRule and events:PutTargets on the
#   rule, and iam:PassRole on FORWARD_ROLE_ARN.
#
# EventBridge sees these events only where a CloudTrail trail logs management events.
set -euo pipefail
: "${ALERT_TOPIC_ARN:?set ALERT_TOPIC_ARN to the SNS topic to alert}"
pattern=${PATTERN_FILE:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/eventbridge-pattern.json"}
rule=gdaudit-guardduty-changes
IFS=: read -r _ _ _ home account _ <<<"$ALERT_TOPIC_ARN"

# The topic's region first: the others forward to it.
regions=("$home")
for region in "$@"; do
  [[ $region == "$home" ]] || regions+=("$region")
done

for region in "${regions[@]}"; do
  aws events put-rule --region "$region" --name "$rule" \
    --event-pattern "file://$pattern" \
    --description "GuardDuty configuration changes that gdaudit rates critical or high" \
    --output text --query RuleArn </dev/null >/dev/null
  if [[ $region == "$home" ]]; then
    targets=$(jq -cn --arg topic "$ALERT_TOPIC_ARN" '[{
      Id: "alert",
      Arn: $topic,
      InputTransformer: {
        InputPathsMap: {
          event: "$.detail.eventName", account: "$.account", region: "$.detail.awsRegion",
          actor: "$.detail.userIdentity.arn", ip: "$.detail.sourceIPAddress",
          id: "$.detail.eventID"
        },
        InputTemplate: "GuardDuty configuration change: <event> in <account> <region> by <actor> from <ip> (CloudTrail event <id>). What it means: gdaudit changes --since 1h --event <event>"
      }
    }]')
  else
    : "${FORWARD_ROLE_ARN:?set FORWARD_ROLE_ARN to forward events from other regions to $home}"
    targets=$(jq -cn --arg bus "arn:aws:events:$home:$account:event-bus/default" \
      --arg role "$FORWARD_ROLE_ARN" '[{Id: "forward", Arn: $bus, RoleArn: $role}]')
  fi
  failed=$(aws events put-targets --region "$region" --rule "$rule" --targets "$targets" \
    --output text --query FailedEntryCount </dev/null)
  if [[ $failed != 0 ]]; then
    echo "eventbridge-rule.sh: $region: the target was not accepted (FailedEntryCount $failed)" >&2
    exit 1
  fi
  echo "eventbridge-rule.sh: $region: rule $rule is in place" >&2
done
