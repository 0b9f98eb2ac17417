#!/usr/bin/env bash
# gdaudit findings -> ServiceNow: one incident per finding, through the Table API, unless an
# open incident already carries the finding's fingerprint as its correlation_id.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | servicenow.sh
#
# Environment:
#   SERVICENOW_INSTANCE_URL      e.g. https://example.service-now.com
#   SERVICENOW_USER              an integration user with the itil role (or read and create
#   SERVICENOW_PASSWORD          on incident); the password is sent as a header built here,
#                                never on a command line
#   SERVICENOW_ASSIGNMENT_GROUP  optional: sys_id or name of the group to assign to
#
# Impact and urgency (ServiceNow derives the priority from them): critical 1/1 (P1),
# high 1/2 (P2), medium 2/2 (P3), low 3/2 (P4), info 3/3 (P5).
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${SERVICENOW_INSTANCE_URL:?set SERVICENOW_INSTANCE_URL, e.g. https://example.service-now.com}"
: "${SERVICENOW_USER:?set SERVICENOW_USER}" "${SERVICENOW_PASSWORD:?set SERVICENOW_PASSWORD}"
export SERVICENOW_USER SERVICENOW_PASSWORD
api="${SERVICENOW_INSTANCE_URL%/}/api/now/table/incident"
auth=$(jq -rn '"Authorization: Basic " + ("\(env.SERVICENOW_USER):\(env.SERVICENOW_PASSWORD)" | @base64)')

# shellcheck disable=SC2016 # a jq program, not shell: nothing in it expands
incident='
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
  ({critical: ["1", "1"], high: ["1", "2"], medium: ["2", "2"], low: ["3", "2"],
    info: ["3", "3"]}[.severity] // ["2", "2"]) as [$impact, $urgency]
  | {
      short_description: ("gdaudit: " + .title | gsub("[[:cntrl:]]"; " "))[0:160],
      description: body,
      impact: $impact,
      urgency: $urgency,
      correlation_id: .fingerprint,
      correlation_display: "gdaudit"
    }
  + if env.SERVICENOW_ASSIGNMENT_GROUP
    then {assignment_group: env.SERVICENOW_ASSIGNMENT_GROUP} else {} end'

servicenow() {
  curl --silent --show-error --fail --max-time 30 --retry 3 \
    --header @<(printf '%s\n' "$auth") --header 'Accept: application/json' "$@"
}

# How many open incidents carry this fingerprint (fails if ServiceNow could not be asked).
open_incidents() {
  servicenow --get "$api" \
    --data-urlencode "sysparm_query=active=true^correlation_id=$1" \
    --data-urlencode 'sysparm_fields=number' --data-urlencode 'sysparm_limit=1' |
    jq '.result | length'
}

deliver() {
  local fingerprint count
  fingerprint=$(jq -r .fingerprint <<<"$1") &&
    count=$(open_incidents "$fingerprint") || return 1
  if ((count > 0)); then
    echo "servicenow.sh: an open incident already tracks $fingerprint; not opening another" >&2
    return 0
  fi
  jq -c "$incident" <<<"$1" |
    servicenow --header 'Content-Type: application/json' \
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
