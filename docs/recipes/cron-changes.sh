#!/usr/bin/env bash
# The cron job: every GuardDuty configuration change not sent before goes to SENDER, once.
#
#   cron-changes.sh SENDER [GDAUDIT-CHANGES-OPTION...]
#   cron-changes.sh /usr/local/lib/gdaudit/ticket.sh --regions eu-west-1,us-east-1
#
# SENDER is one of the recipes beside this file (ticket.sh, slack.sh, pagerduty.sh,
# servicenow.sh, zendesk.sh, jira.sh, email.sh, sms-sns.sh): it reads findings as JSON Lines
# on stdin, prints on stdout those it could not deliver and then exits 75. Any exit status but
# 0 and 75 (a missing setting, a crash) means it did not get through the queue: all of it is
# kept.
#
# What a run does:
#   1. takes a lock, so that a slow run (a throttled CloudTrail, a slow ticket API) and the
#      next one never overlap; a run that finds the lock taken skips, successfully;
#   2. runs `gdaudit changes --state STATE --output jsonl --fail-on never`, which prints only
#      the changes no earlier run printed and updates STATE only after printing them: if
#      gdaudit fails, STATE is as it was and the next run prints the same changes again;
#   3. appends them to QUEUE, hands QUEUE to SENDER, and keeps in QUEUE only what SENDER
#      could not deliver, for the next run. Delivery is at least once: a change can be
#      sent twice (after a crash), and each receiver de-duplicates on the fingerprint.
#
# Environment (default):
#   GDAUDIT        the gdaudit binary (gdaudit, from PATH)
#   GDAUDIT_STATE  gdaudit's --state file (/var/lib/gdaudit/changes-state.json)
#   GDAUDIT_QUEUE  changes not delivered yet (/var/lib/gdaudit/undelivered.jsonl)
#   GDAUDIT_LOCK   the lock file (/var/lib/gdaudit/cron-changes.lock)
#   and what SENDER reads (TICKET_API_URL, SLACK_WEBHOOK_URL, ...).
#
# Exit status: 0 all delivered; 1 some changes kept in QUEUE for the next run; 2 gdaudit
# could not run (bad option, unreadable state file: needs a person); 3 gdaudit could not
# read everything (what it read was delivered; the next run reads the rest again).
set -euo pipefail

sender=${1:?usage: cron-changes.sh SENDER [GDAUDIT-CHANGES-OPTION...]}
shift
gdaudit=${GDAUDIT:-gdaudit}
state=${GDAUDIT_STATE:-/var/lib/gdaudit/changes-state.json}
queue=${GDAUDIT_QUEUE:-/var/lib/gdaudit/undelivered.jsonl}
lock=${GDAUDIT_LOCK:-/var/lib/gdaudit/cron-changes.lock}
say() { printf 'cron-changes: %s\n' "$*" >&2; }

exec 9>>"$lock"
if ! flock --nonblock 9; then
  say "the previous run is still going; skipping this one"
  exit 0
fi

new=$(mktemp "$queue.new.XXXXXX")
sent=$(mktemp "$queue.left.XXXXXX")
trap 'rm -f -- "$new" "$sent"' EXIT

status=0
"$gdaudit" changes --state "$state" --output jsonl --fail-on never "$@" >"$new" || status=$?
case $status in
  0) ;;
  3) say "gdaudit could not read everything (see above); sending what it read, the next run reads the rest again" ;;
  *)
    say "gdaudit changes failed (exit $status); the state file is unchanged and nothing was sent"
    exit "$status"
    ;;
esac
cat -- "$new" >>"$queue"

send_status=0
"$sender" <"$queue" >"$sent" || send_status=$?
case $send_status in
  0 | 75) mv -f -- "$sent" "$queue" ;; # the sender went through the queue: keep what it left
  *)
    say "$sender failed (exit $send_status); all $(wc -l <"$queue") queued change(s) kept for the next run"
    exit 1
    ;;
esac
if [[ -s $queue ]]; then
  say "$(wc -l <"$queue") change(s) could not be delivered; kept in $queue for the next run"
  exit 1
fi
exit "$status"
