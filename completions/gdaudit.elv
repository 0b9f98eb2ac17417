
use builtin;
use str;

set edit:completion:arg-completer[gdaudit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'gdaudit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'gdaudit'= {
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand detectors 'Is there an enabled detector, with its protection plans on, in every region?'
            cand audit 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass'
            cand changes 'Every change to GuardDuty''s configuration recorded by CloudTrail: who, from where, what it means'
            cand permissions 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements'
            cand collect 'Collect everything the audits read into one snapshot file, for offline runs'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;detectors'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --assume-role 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself'
            cand --external-id 'With --assume-role: the external id the roles'' trust policies ask for'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --org 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;audit'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --since 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs'
            cand --until 'End of the window (same forms as --since). Default: now'
            cand --authorization-details 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several'
            cand --privileged 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged'
            cand --scp 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels'
            cand --assume-role 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself'
            cand --external-id 'With --assume-role: the external id the roles'' trust policies ask for'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --include-read-only 'Also list GuardDuty calls that only read (severity info)'
            cand --raw 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
            cand --org 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;changes'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --since 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs'
            cand --until 'End of the window (same forms as --since). Default: now'
            cand --logs 'Read CloudTrail log files (.json, .json.gz, or directory trees as delivered to S3) instead of calling the CloudTrail API; or a trail''s bucket, `s3://BUCKET/PREFIX/`, reading only the accounts, regions and days asked for'
            cand --athena-table 'Query this Athena table over the trail''s logs (`DATABASE.TABLE`, partitioned as in docs/changes.md) instead of calling the CloudTrail API'
            cand --athena-workgroup 'The Athena workgroup to run the query in (default: the account''s `primary`)'
            cand --athena-output 'Where Athena writes the query''s result file, when the workgroup does not say'
            cand --accounts 'With an organization trail in S3 or Athena: only these accounts (comma-separated)'
            cand --event 'Only these events (comma-separated or repeated), e.g. `DeleteDetector,UpdateDetector`'
            cand --actor 'Only changes whose actor (ARN, role, session or user name) matches this glob (`*`, `?`)'
            cand --state 'Emit only changes not emitted by an earlier run with the same file (for cron jobs). The file is replaced only after the output was written'
            cand --state-overlap 'With --state: how far before the previous run''s end to read again, for events that CloudTrail delivers late'
            cand --max-log-size 'With --logs: a log file that decompresses to more than this is reported, not read (a gzip bomb). Units B, KiB, MiB, GiB (or KB, MB, GB)'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --include-read-only 'Also list GuardDuty calls that only read (severity info)'
            cand --raw 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;permissions'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --authorization-details 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several'
            cand --privileged 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged'
            cand --scp 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand explain 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;permissions;explain'= {
            cand --authorization-details 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several'
            cand --privileged 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged'
            cand --scp 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;permissions;help'= {
            cand explain 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;permissions;help;explain'= {
        }
        &'gdaudit;permissions;help;help'= {
        }
        &'gdaudit;collect'= {
            cand -o 'Where to write the snapshot (JSON). `-` writes to stdout'
            cand --output 'Where to write the snapshot (JSON). `-` writes to stdout'
            cand --since 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs'
            cand --until 'End of the window (same forms as --since). Default: now'
            cand --assume-role 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself'
            cand --external-id 'With --assume-role: the external id the roles'' trust policies ask for'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --include-read-only 'Also list GuardDuty calls that only read (severity info)'
            cand --raw 'Keep each whole CloudTrail record (in JSON output: `details.raw`)'
            cand --org 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;completions'= {
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]'
            cand --config 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand --width 'Fit tables to this many columns'
            cand --no-config 'Ignore `gdaudit.toml` in the current directory'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --verbose 'On an internal error, print the full details and a backtrace (default: one line)'
            cand --wide 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;help'= {
            cand detectors 'Is there an enabled detector, with its protection plans on, in every region?'
            cand audit 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass'
            cand changes 'Every change to GuardDuty''s configuration recorded by CloudTrail: who, from where, what it means'
            cand permissions 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements'
            cand collect 'Collect everything the audits read into one snapshot file, for offline runs'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;help;detectors'= {
        }
        &'gdaudit;help;audit'= {
        }
        &'gdaudit;help;changes'= {
        }
        &'gdaudit;help;permissions'= {
            cand explain 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it'
        }
        &'gdaudit;help;permissions;explain'= {
        }
        &'gdaudit;help;collect'= {
        }
        &'gdaudit;help;completions'= {
        }
        &'gdaudit;help;help'= {
        }
    ]
    $completions[$command]
}
