#!/usr/bin/env bash
# gdaudit findings -> any ticket system's HTTP API: each finding is POSTed as it is, one
# request per finding, with its fingerprint as the Idempotency-Key.
#
#   gdaudit changes --state FILE --output jsonl --fail-on never | ticket.sh
#
# Environment:
#   TICKET_API_URL    the endpoint that opens a ticket, e.g. https://tickets.example.com/api/tickets
#   TICKET_API_TOKEN  a bearer token (sent as a header built here, never on a command line)
#
# The receiver should open a ticket for a fingerprint it has not seen and ignore one it has:
# the same problem always has the same fingerprint, and a delivery that is retried (after a
# timeout, a rerun) carries the same key.
#
# Reads gdaudit's JSON Lines (one finding per line) on stdin. Each finding it could not
# deliver is printed on stdout, for the caller to keep and retry (cron-changes.sh does),
# and the exit status is then 75 (EX_TEMPFAIL, as mail delivery uses it: try again
# later). Any other failure exits with another status.
set -euo pipefail
: "${TICKET_API_URL:?set TICKET_API_URL to the endpoint that opens a ticket}"
: "${TICKET_API_TOKEN:?set TICKET_API_TOKEN}"

post() {
  local fingerprint
  fingerprint=$(jq -r .fingerprint <<<"$1") &&
    jq -c . <<<"$1" |
    curl --silent --show-error --fail --max-time 30 --retry 3 \
      --header @<(printf 'Authorization: Bearer %s\n' "$TICKET_API_TOKEN") \
      --header 'Content-Type: application/json' \
      --header "Idempotency-Key: $fingerprint" \
      --data-binary @- --output /dev/null "$TICKET_API_URL"
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
