#!/usr/bin/env bash
# gdaudit findings -> Slack: one message per finding, through an incoming webhook.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | slack.sh
#
# Environment:
#   SLACK_WEBHOOK_URL  the incoming webhook's URL. It is a secret: curl gets it through a
#                      config file descriptor, never on its command line (visible in ps).
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL to the Slack incoming webhook URL}"

# Slack reads &, < and > as markup (<!channel> would notify everyone), and CloudTrail text is
# written by whoever made the call: escape it.
# shellcheck disable=SC2016 # a jq program, not shell: nothing in it expands
message='
  def esc: gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;");
  {text: ([
    "*\(.severity | ascii_upcase)*  \(.title | esc)",
    "account \(.account // "?"), region \(.region // "global"), check `\(.check)`",
    ([(.details.actor.arn // empty | "by " + esc),
      (.details.source_ip // empty | "from " + esc),
      (.details.event_time // empty | "at " + esc)] | join(" ")),
    "fingerprint `\(.fingerprint)`"
  ] | map(select(. != "")) | join("\n"))}'

post() {
  jq -c "$message" <<<"$1" |
    curl --silent --show-error --fail --max-time 30 --retry 3 \
      --config <(printf 'url = "%s"\n' "$SLACK_WEBHOOK_URL") \
      --header 'Content-Type: application/json' \
      --data-binary @- --output /dev/null
}

undelivered=0
while IFS= read -r finding || [[ -n $finding ]]; do
  [[ -n ${finding//[[:space:]]/} ]] || continue
  if ! post "$finding"; then
    printf '%s\n' "$finding"
    undelivered=75
  fi
done
exit "$undelivered"
