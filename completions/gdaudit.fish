# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gdaudit_global_optspecs
    string join \n profile= region= regions= exclude-regions= fail-on= config= no-config concurrency= snapshot= timeout= q/quiet v/verbose wide width= no-color h/help V/version
end

function __fish_gdaudit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gdaudit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gdaudit_using_subcommand
    set -l cmd (__fish_gdaudit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gdaudit -n "__fish_gdaudit_needs_command" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "detectors" -d 'Is there an enabled detector, with its protection plans on, in every region?'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "audit" -d 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "changes" -d 'Every change to GuardDuty\'s configuration recorded by CloudTrail: who, from where, what it means'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "permissions" -d 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "collect" -d 'Collect everything the audits read into one snapshot file, for offline runs'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s o -l output -d 'Output format' -r -f -a "table\t'Tables for a person'
json\t'One JSON document (schema_version 1)'
jsonl\t'One finding per line, for piping into a ticket system'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
csv\t'One finding per row (RFC 4180), with spreadsheet formulas neutralised'
ocsf\t'OCSF 1.5.0 events (Compliance and Detection Findings), for Security Lake and SIEMs'
markdown\t'A GitHub-flavoured Markdown summary (CI job summaries, pull-request comments)'
html\t'One self-contained HTML page to open or share'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l assume-role -d 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l external-id -d 'With --assume-role: the external id the roles\' trust policies ask for' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l max-list-size -d 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l org -d 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l read-lists -d 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -s o -l output -d 'Output format' -r -f -a "table\t'Tables for a person'
json\t'One JSON document (schema_version 1)'
jsonl\t'One finding per line, for piping into a ticket system'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
csv\t'One finding per row (RFC 4180), with spreadsheet formulas neutralised'
ocsf\t'OCSF 1.5.0 events (Compliance and Detection Findings), for Security Lake and SIEMs'
markdown\t'A GitHub-flavoured Markdown summary (CI job summaries, pull-request comments)'
html\t'One self-contained HTML page to open or share'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l since -d 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l until -d 'End of the window (same forms as --since). Default: now' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l authorization-details -d 'Read the account\'s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l privileged -d 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l scp -d 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l assume-role -d 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l external-id -d 'With --assume-role: the external id the roles\' trust policies ask for' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l max-list-size -d 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l include-read-only -d 'Also list GuardDuty calls that only read (severity info)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l raw -d 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l org -d 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l read-lists -d 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand audit" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -s o -l output -d 'Output format' -r -f -a "table\t'Tables for a person'
json\t'One JSON document (schema_version 1)'
jsonl\t'One finding per line, for piping into a ticket system'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
csv\t'One finding per row (RFC 4180), with spreadsheet formulas neutralised'
ocsf\t'OCSF 1.5.0 events (Compliance and Detection Findings), for Security Lake and SIEMs'
markdown\t'A GitHub-flavoured Markdown summary (CI job summaries, pull-request comments)'
html\t'One self-contained HTML page to open or share'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l since -d 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l until -d 'End of the window (same forms as --since). Default: now' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l logs -d 'Read CloudTrail log files (.json, .json.gz, or directory trees as delivered to S3) instead of calling the CloudTrail API; or a trail\'s bucket, `s3://BUCKET/PREFIX/`, reading only the accounts, regions and days asked for' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l athena-table -d 'Query this Athena table over the trail\'s logs (`DATABASE.TABLE`, partitioned as in docs/changes.md) instead of calling the CloudTrail API' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l athena-workgroup -d 'The Athena workgroup to run the query in (default: the account\'s `primary`)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l athena-output -d 'Where Athena writes the query\'s result file, when the workgroup does not say' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l accounts -d 'With an organization trail in S3 or Athena: only these accounts (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l event -d 'Only these events (comma-separated or repeated), e.g. `DeleteDetector,UpdateDetector`' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l actor -d 'Only changes whose actor (ARN, role, session or user name) matches this glob (`*`, `?`)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l state -d 'Emit only changes not emitted by an earlier run with the same file (for cron jobs). The file is replaced only after the output was written' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l state-overlap -d 'With --state: how far before the previous run\'s end to read again, for events that CloudTrail delivers late' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l max-log-size -d 'With --logs: a log file that decompresses to more than this is reported, not read (a gzip bomb). Units B, KiB, MiB, GiB (or KB, MB, GB)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l include-read-only -d 'Also list GuardDuty calls that only read (severity info)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l raw -d 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand changes" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -s o -l output -d 'Output format' -r -f -a "table\t'Tables for a person'
json\t'One JSON document (schema_version 1)'
jsonl\t'One finding per line, for piping into a ticket system'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
csv\t'One finding per row (RFC 4180), with spreadsheet formulas neutralised'
ocsf\t'OCSF 1.5.0 events (Compliance and Detection Findings), for Security Lake and SIEMs'
markdown\t'A GitHub-flavoured Markdown summary (CI job summaries, pull-request comments)'
html\t'One self-contained HTML page to open or share'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l authorization-details -d 'Read the account\'s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l privileged -d 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l scp -d 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -f -a "explain" -d 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and not __fish_seen_subcommand_from explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l authorization-details -d 'Read the account\'s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l privileged -d 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l scp -d 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from explain" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand permissions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s o -l output -d 'Where to write the snapshot (JSON). `-` writes to stdout' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l since -d 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l until -d 'End of the window (same forms as --since). Default: now' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l assume-role -d 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l external-id -d 'With --assume-role: the external id the roles\' trust policies ask for' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l max-list-size -d 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l include-read-only -d 'Also list GuardDuty calls that only read (severity info)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l raw -d 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l org -d 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l read-lists -d 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l config -d 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l width -d 'Fit tables to this many columns' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l no-config -d 'Ignore `gdaudit.toml` in the current directory'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s v -l verbose -d 'On an internal error, print the full details and a backtrace (default: one line)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l wide -d 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "detectors" -d 'Is there an enabled detector, with its protection plans on, in every region?'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "audit" -d 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "changes" -d 'Every change to GuardDuty\'s configuration recorded by CloudTrail: who, from where, what it means'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "permissions" -d 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "collect" -d 'Collect everything the audits read into one snapshot file, for offline runs'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors audit changes permissions collect completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and __fish_seen_subcommand_from permissions" -f -a "explain" -d 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
