
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'gdaudit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'gdaudit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'gdaudit' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('detectors', 'detectors', [CompletionResultType]::ParameterValue, 'Is there an enabled detector, with its protection plans on, in every region?')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'Every change to GuardDuty''s configuration recorded by CloudTrail: who, from where, what it means')
            [CompletionResult]::new('permissions', 'permissions', [CompletionResultType]::ParameterValue, 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect everything the audits read into one snapshot file, for offline runs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gdaudit;detectors' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'With --assume-role: the external id the roles'' trust policies ask for')
            [CompletionResult]::new('--max-list-size', '--max-list-size', [CompletionResultType]::ParameterName, 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role')
            [CompletionResult]::new('--read-lists', '--read-lists', [CompletionResultType]::ParameterName, 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;audit' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (same forms as --since). Default: now')
            [CompletionResult]::new('--authorization-details', '--authorization-details', [CompletionResultType]::ParameterName, 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged')
            [CompletionResult]::new('--scp', '--scp', [CompletionResultType]::ParameterName, 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'With --assume-role: the external id the roles'' trust policies ask for')
            [CompletionResult]::new('--max-list-size', '--max-list-size', [CompletionResultType]::ParameterName, 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--include-read-only', '--include-read-only', [CompletionResultType]::ParameterName, 'Also list GuardDuty calls that only read (severity info)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Keep each whole CloudTrail record (in JSON output: `details.raw`)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role')
            [CompletionResult]::new('--read-lists', '--read-lists', [CompletionResultType]::ParameterName, 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;changes' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (same forms as --since). Default: now')
            [CompletionResult]::new('--logs', '--logs', [CompletionResultType]::ParameterName, 'Read CloudTrail log files (.json, .json.gz, or directory trees as delivered to S3) instead of calling the CloudTrail API; or a trail''s bucket, `s3://BUCKET/PREFIX/`, reading only the accounts, regions and days asked for')
            [CompletionResult]::new('--athena-table', '--athena-table', [CompletionResultType]::ParameterName, 'Query this Athena table over the trail''s logs (`DATABASE.TABLE`, partitioned as in docs/changes.md) instead of calling the CloudTrail API')
            [CompletionResult]::new('--athena-workgroup', '--athena-workgroup', [CompletionResultType]::ParameterName, 'The Athena workgroup to run the query in (default: the account''s `primary`)')
            [CompletionResult]::new('--athena-output', '--athena-output', [CompletionResultType]::ParameterName, 'Where Athena writes the query''s result file, when the workgroup does not say')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'With an organization trail in S3 or Athena: only these accounts (comma-separated)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only these events (comma-separated or repeated), e.g. `DeleteDetector,UpdateDetector`')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Only changes whose actor (ARN, role, session or user name) matches this glob (`*`, `?`)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Emit only changes not emitted by an earlier run with the same file (for cron jobs). The file is replaced only after the output was written')
            [CompletionResult]::new('--state-overlap', '--state-overlap', [CompletionResultType]::ParameterName, 'With --state: how far before the previous run''s end to read again, for events that CloudTrail delivers late')
            [CompletionResult]::new('--max-log-size', '--max-log-size', [CompletionResultType]::ParameterName, 'With --logs: a log file that decompresses to more than this is reported, not read (a gzip bomb). Units B, KiB, MiB, GiB (or KB, MB, GB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--include-read-only', '--include-read-only', [CompletionResultType]::ParameterName, 'Also list GuardDuty calls that only read (severity info)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Keep each whole CloudTrail record (in JSON output: `details.raw`)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;permissions' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--authorization-details', '--authorization-details', [CompletionResultType]::ParameterName, 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged')
            [CompletionResult]::new('--scp', '--scp', [CompletionResultType]::ParameterName, 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gdaudit;permissions;explain' {
            [CompletionResult]::new('--authorization-details', '--authorization-details', [CompletionResultType]::ParameterName, 'Read the account''s IAM data from this file: the JSON `aws iam get-account-authorization-details` prints, or the raw API form, one page or several')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable, e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged')
            [CompletionResult]::new('--scp', '--scp', [CompletionResultType]::ParameterName, 'Service control policies that must also allow an action: a policy document, a list of them (one level), or a list of lists (one per level, root first). Repeatable: each file adds its levels')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;permissions;help' {
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gdaudit;permissions;help;explain' {
            break
        }
        'gdaudit;permissions;help;help' {
            break
        }
        'gdaudit;collect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the snapshot (JSON). `-` writes to stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the snapshot (JSON). `-` writes to stdout')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339 time. Default: 7 days for the CloudTrail API; every record for --logs')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (same forms as --since). Default: now')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'With --org: assume this read-only role in each account (a role name, or an ARN in which `{account_id}` stands for each account) and audit each account itself')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'With --assume-role: the external id the roles'' trust policies ask for')
            [CompletionResult]::new('--max-list-size', '--max-list-size', [CompletionResultType]::ParameterName, 'With --read-lists: a list object larger than this is reported, not read. Units B, KiB, MiB, GiB (or KB, MB, GB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--include-read-only', '--include-read-only', [CompletionResultType]::ParameterName, 'Also list GuardDuty calls that only read (severity info)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Keep each whole CloudTrail record (in JSON output: `details.raw`)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Audit every account of the AWS Organization: from the delegated GuardDuty administrator (or the management account), or with --assume-role')
            [CompletionResult]::new('--read-lists', '--read-lists', [CompletionResultType]::ParameterName, 'Also read the content of every ACTIVE trusted and threat list from its S3 location (needs s3:GetObject on the lists): count the entries and report trusted entries that cover a very broad range. Off by default')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile to use (from the shared config and credentials files)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Home region, for global calls (STS, account) and as the default region')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account')
            [CompletionResult]::new('--exclude-regions', '--exclude-regions', [CompletionResultType]::ParameterName, 'Regions to leave out (comma-separated)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 1 when a finding at or above this severity is reported [default: high, or `fail-on` in the configuration file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this configuration file (default: `gdaudit.toml` in the current directory, if any). Command-line flags override it')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many regions to query at once')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read collected data from this file (written by `gdaudit collect`) instead of AWS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one AWS call after this many seconds (retries included)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Fit tables to this many columns')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore `gdaudit.toml` in the current directory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On an internal error, print the full details and a backtrace (default: one line)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content: every column, nothing cut (default: fit the terminal, or 100 columns when stdout is not a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gdaudit;help' {
            [CompletionResult]::new('detectors', 'detectors', [CompletionResultType]::ParameterValue, 'Is there an enabled detector, with its protection plans on, in every region?')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'All three audits in one report with one exit code: detectors, changes (last 24 hours) and permissions, from one collection pass')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'Every change to GuardDuty''s configuration recorded by CloudTrail: who, from where, what it means')
            [CompletionResult]::new('permissions', 'permissions', [CompletionResultType]::ParameterValue, 'Which non-privileged IAM users and roles can change GuardDuty, and through which statements')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect everything the audits read into one snapshot file, for offline runs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gdaudit;help;detectors' {
            break
        }
        'gdaudit;help;audit' {
            break
        }
        'gdaudit;help;changes' {
            break
        }
        'gdaudit;help;permissions' {
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show, for one user or role, the decision on each GuardDuty write action and every statement that allows, denies, caps or conditions it')
            break
        }
        'gdaudit;help;permissions;explain' {
            break
        }
        'gdaudit;help;collect' {
            break
        }
        'gdaudit;help;completions' {
            break
        }
        'gdaudit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
