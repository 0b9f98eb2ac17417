#!/usr/bin/env bash
# gdaudit findings -> PagerDuty: one Events API v2 "trigger" per finding.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | pagerduty.sh
#
# Environment:
#   PAGERDUTY_ROUTING_KEY  the integration key of an "Events API v2" integration on the
#                          service to page (a secret: it travels in the request body, which
#                          curl reads from a pipe, never on a command line)
#   PAGERDUTY_EVENTS_URL   default https://events.pagerduty.com/v2/enqueue
#                          (https://events.eu.pagerduty.com/v2/enqueue for an EU account)
#
# dedup_key is the finding's fingerprint: sending the same finding again (a retry, a rerun)
# adds to the open alert instead of opening a second incident.
# Severity: critical -> critical, high -> error, medium -> warning, low and info -> info.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${PAGERDUTY_ROUTING_KEY:?set PAGERDUTY_ROUTING_KEY to the Events API v2 integration key}"
export PAGERDUTY_ROUTING_KEY
events_url=${PAGERDUTY_EVENTS_URL:-https://events.pagerduty.com/v2/enqueue}

event='
  {
    routing_key: env.PAGERDUTY_ROUTING_KEY,
    event_action: "trigger",
    dedup_key: .fingerprint,
    client: "gdaudit",
    payload: ({
      summary: .title[0:1024],
      source: "aws:\(.account // "unknown"):\(.region // "global")",
      severity: ({critical: "critical", high: "error", medium: "warning",
                  low: "info", info: "info"}[.severity] // "error"),
      component: (.resource // "unknown"),
      group: (.region // "global"),
      class: .check,
      custom_details: .
    } + if .details.event_time then {timestamp: .details.event_time} else {} end)
  }'

trigger() {
  jq -c "$event" <<<"$1" |
    curl --silent --show-error --fail --max-time 30 --retry 3 \
      --header 'Content-Type: application/json' \
      --data-binary @- --output /dev/null "$events_url"
}

undelivered=0
while IFS= read -r finding || [[ -n $finding ]]; do
  [[ -n ${finding//[[:space:]]/} ]] || continue
  if ! trigger "$finding"; then
    printf '%s\n' "$finding"
    undelivered=75
  fi
done
exit "$undelivered"
