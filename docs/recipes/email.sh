#!/usr/bin/env bash
# gdaudit findings -> email: one mail per finding, through the machine's mail(1).
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | email.sh
#
# Environment:
#   ALERT_EMAIL_TO  recipient address(es), separated by spaces
#
# Needs a mail(1) that takes `-s SUBJECT` (bsd-mailx, mailutils, s-nail) and a working MTA
# (postfix, or msmtp as sendmail). The subject carries the severity, the title and the
# fingerprint, so a mail rule can file or de-duplicate on it.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# hand to mail(1) is printed on stdout, for the caller to keep and retry (cron-changes.sh
# does), and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try
# again later). Any other failure exits with another status.
set -euo pipefail
: "${ALERT_EMAIL_TO:?set ALERT_EMAIL_TO to the address(es) to mail, separated by spaces}"
read -r -a recipients <<<"$ALERT_EMAIL_TO"

# Control characters (a newline could start a new mail header) become spaces.
subject='"[gdaudit \(.severity | ascii_upcase)] \(.title) [\(.fingerprint)]"
  | gsub("[[:cntrl:]]"; " ") | .[0:250]'
body='
  [ .title,
    "",
    "Severity:    \(.severity)",
    "Check:       \(.check)",
    "Account:     \(.account // "unknown")",
    "Region:      \(.region // "global")",
    "Resource:    \(.resource // "-")",
    (.details.event_time // empty | "When:        \(.)"),
    (.details.actor.arn // empty | "Who:         \(.)"),
    (.details.source_ip // empty | "From:        \(.)"),
    (.details.user_agent // empty | "With:        \(.)"),
    (.details | select(.outcome) | "Outcome:     \(.outcome)"
      + if .error_code then " (\(.error_code))" else "" end),
    "Fingerprint: \(.fingerprint)",
    "",
    "What to do:  \(.remediation // "see docs/checks.md")",
    "",
    "The finding as gdaudit reported it:",
    tojson
  ] | join("\n")'

send() {
  local subject_line
  subject_line=$(jq -r "$subject" <<<"$1") &&
    jq -r "$body" <<<"$1" | mail -s "$subject_line" "${recipients[@]}"
}

undelivered=0
while IFS= read -r finding || [[ -n $finding ]]; do
  [[ -n ${finding//[[:space:]]/} ]] || continue
  if ! send "$finding"; then
    printf '%s\n' "$finding"
    undelivered=75
  fi
done
exit "$undelivered"
