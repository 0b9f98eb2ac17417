#!/usr/bin/env bash
# gdaudit findings -> Zendesk: one ticket per finding, unless an unsolved ticket already
# carries the finding's fingerprint as its external_id.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | zendesk.sh
#
# Environment:
#   ZENDESK_URL        e.g. https://example.zendesk.com
#   ZENDESK_EMAIL      the agent the tickets are created as
#   ZENDESK_API_TOKEN  an API token (Admin Center > Apps and integrations > Zendesk API);
#                      sent as a header built here, never on a command line
#
# Priority: critical -> urgent, high -> high, medium -> normal, low and info -> low.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${ZENDESK_URL:?set ZENDESK_URL, e.g. https://example.zendesk.com}"
: "${ZENDESK_EMAIL:?set ZENDESK_EMAIL}" "${ZENDESK_API_TOKEN:?set ZENDESK_API_TOKEN}"
export ZENDESK_EMAIL ZENDESK_API_TOKEN
api="${ZENDESK_URL%/}/api/v2/tickets.json"
auth=$(jq -rn '"Authorization: Basic " + ("\(env.ZENDESK_EMAIL)/token:\(env.ZENDESK_API_TOKEN)" | @base64)')

ticket='
  def body: [
    .title, "",
    "Severity: \(.severity)", "Check: \(.check)", "Account: \(.account // "unknown")",
    "Region: \(.region // "global")", "Resource: \(.resource // "-")",
    (.details.event_time // empty | "When: \(.)"),
    (.details.actor.arn // empty | "Who: \(.)"),
    (.details.source_ip // empty | "From: \(.)"),
    (.details.outcome // empty | "Outcome: \(.)"),
    "Fingerprint: \(.fingerprint)", "",
    "What to do: \(.remediation // "see docs/checks.md")", "",
    "The finding as gdaudit reported it:", tojson
  ] | join("\n");
  {ticket: {
    subject: ("gdaudit: " + .title | gsub("[[:cntrl:]]"; " "))[0:250],
    comment: {body: body, public: false},
    priority: ({critical: "urgent", high: "high", medium: "normal", low: "low",
                info: "low"}[.severity] // "normal"),
    type: "incident",
    external_id: .fingerprint,
    tags: ["gdaudit", "gdaudit-\(.severity)", .check]
  }}'

zendesk() {
  curl --silent --show-error --fail --max-time 30 --retry 3 \
    --header @<(printf '%s\n' "$auth") --header 'Accept: application/json' "$@"
}

# How many unsolved tickets carry this fingerprint (fails if Zendesk could not be asked).
open_tickets() {
  zendesk --get "$api" --data-urlencode "external_id=$1" |
    jq '[.tickets[] | select(.status != "solved" and .status != "closed")] | length'
}

deliver() {
  local fingerprint count
  fingerprint=$(jq -r .fingerprint <<<"$1") &&
    count=$(open_tickets "$fingerprint") || return 1
  if ((count > 0)); then
    echo "zendesk.sh: an unsolved ticket already tracks $fingerprint; not opening another" >&2
    return 0
  fi
  jq -c "$ticket" <<<"$1" |
    zendesk --header 'Content-Type: application/json' \
      --data-binary @- --output /dev/null "$api"
}

undelivered=0
while IFS= read -r finding || [[ -n $finding ]]; do
  [[ -n ${finding//[[:space:]]/} ]] || continue
  if ! deliver "$finding"; then
    printf '%s\n' "$finding"
    undelivered=75
  fi
done
exit "$undelivered"
