#!/usr/bin/env bash
# gdaudit findings -> Jira: one issue per finding, labelled gdaudit-<fingerprint>, unless an
# issue with that label is not yet done.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | jira.sh
#
# Environment:
#   JIRA_URL          e.g. https://example.atlassian.net
#   JIRA_PROJECT      project key, e.g. SEC
#   JIRA_ISSUE_TYPE   default Task
#   JIRA_API_TOKEN    Jira Cloud: an API token, with JIRA_USER (the account's email);
#   JIRA_USER         Jira Data Center: a personal access token, with JIRA_USER unset.
#                     Sent as a header built here, never on a command line.
#   JIRA_SEARCH_PATH  default /rest/api/2/search/jql (Jira Cloud); on Data Center use
#                     /rest/api/2/search
#
# Labels: gdaudit, gdaudit-<severity>, gdaudit-<fingerprint>. Priority is left to the
# project's default: priority names differ between Jira sites.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${JIRA_URL:?set JIRA_URL, e.g. https://example.atlassian.net}"
: "${JIRA_PROJECT:?set JIRA_PROJECT to the project key}" "${JIRA_API_TOKEN:?set JIRA_API_TOKEN}"
export JIRA_PROJECT JIRA_API_TOKEN JIRA_USER="${JIRA_USER:-}"
base=${JIRA_URL%/}
search="$base${JIRA_SEARCH_PATH:-/rest/api/2/search/jql}"
if [[ -n $JIRA_USER ]]; then
  auth=$(jq -rn '"Authorization: Basic " + ("\(env.JIRA_USER):\(env.JIRA_API_TOKEN)" | @base64)')
else
  auth=$(jq -rn '"Authorization: Bearer " + env.JIRA_API_TOKEN')
fi

# Jira's wiki markup would read braces and brackets in the raw finding: {noformat} keeps it.
issue='
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
    "The finding as gdaudit reported it:", "{noformat}", tojson, "{noformat}"
  ] | join("\n");
  {fields: {
    project: {key: env.JIRA_PROJECT},
    issuetype: {name: (env.JIRA_ISSUE_TYPE // "Task")},
    summary: ("gdaudit: " + .title | gsub("[[:cntrl:]]"; " "))[0:250],
    description: body,
    labels: ["gdaudit", "gdaudit-\(.severity)", "gdaudit-\(.fingerprint)"]
  }}'

jira() {
  curl --silent --show-error --fail --max-time 30 --retry 3 \
    --header @<(printf '%s\n' "$auth") --header 'Accept: application/json' "$@"
}

# How many issues not yet done carry this fingerprint (fails if Jira could not be asked).
open_issues() {
  jira --get "$search" \
    --data-urlencode "jql=project = \"$JIRA_PROJECT\" AND labels = \"gdaudit-$1\" AND statusCategory != Done" \
    --data-urlencode 'fields=key' --data-urlencode 'maxResults=1' |
    jq '.issues | length'
}

deliver() {
  local fingerprint count
  fingerprint=$(jq -r .fingerprint <<<"$1") &&
    count=$(open_issues "$fingerprint") || return 1
  if ((count > 0)); then
    echo "jira.sh: an open issue already tracks $fingerprint; not opening another" >&2
    return 0
  fi
  jq -c "$issue" <<<"$1" |
    jira --header 'Content-Type: application/json' \
      --data-binary @- --output /dev/null "$base/rest/api/2/issue"
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
