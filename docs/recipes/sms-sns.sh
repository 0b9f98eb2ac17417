#!/usr/bin/env bash
# gdaudit findings -> SMS: a short text per critical or high finding, published to an Amazon
# SNS topic whose subscribers are phone numbers (or email, or a chat bot).
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | sms-sns.sh
#
# Environment:
#   SNS_TOPIC_ARN     the topic, e.g. arn:aws:sns:us-east-1:111122223333:guardduty-changes
#   SMS_MIN_SEVERITY  the lowest severity worth a text: critical, high (default), medium,
#                     low or info. Lower ones are skipped (not printed as undelivered).
#   AWS credentials as for any AWS CLI call (profile, role, ...): needs sns:Publish on
#   the topic.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# publish is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${SNS_TOPIC_ARN:?set SNS_TOPIC_ARN to the SNS topic to publish to}"
min_severity=${SMS_MIN_SEVERITY:-high}

rank() {
  case $1 in
    critical) echo 4 ;; high) echo 3 ;; medium) echo 2 ;; low) echo 1 ;; info) echo 0 ;;
    *) return 1 ;;
  esac
}
min_rank=$(rank "$min_severity") || {
  echo "sms-sns.sh: SMS_MIN_SEVERITY must be critical, high, medium, low or info" >&2
  exit 2
}
# SNS publishes only to a topic in the region the request is sent to: take it from the ARN.
IFS=: read -r _ _ _ topic_region _ <<<"$SNS_TOPIC_ARN"

# One or two SMS segments: severity, where, and what. The fingerprint finds the rest.
text='"gdaudit \(.severity | ascii_upcase) \(.account // "?")/\(.region // "global"): \(.title)"
  | gsub("[[:cntrl:]]"; " ") | .[0:280]'

publish() {
  local severity_rank message
  severity_rank=$(rank "$(jq -r .severity <<<"$1")") || severity_rank=4
  ((severity_rank >= min_rank)) || return 0
  message=$(jq -r "$text" <<<"$1") &&
    aws sns publish --region "$topic_region" --topic-arn "$SNS_TOPIC_ARN" \
      --message "$message" \
      --message-attributes '{"AWS.SNS.SMS.SMSType":{"DataType":"String","StringValue":"Transactional"}}' \
      --output text --query MessageId </dev/null >/dev/null
}

undelivered=0
while IFS= read -r finding || [[ -n $finding ]]; do
  [[ -n ${finding//[[:space:]]/} ]] || continue
  if ! publish "$finding"; then
    printf '%s\n' "$finding"
    undelivered=75
  fi
done
exit "$undelivered"
