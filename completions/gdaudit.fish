# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gdaudit_global_optspecs
    string join \n profile= region= regions= exclude-regions= fail-on= concurrency= snapshot= timeout= q/quiet no-color h/help V/version
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
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "detectors" -d 'Is there an enabled detector, with its protection plans on, in every region?'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "collect" -d 'Collect everything the audits read into one snapshot file, for offline runs'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c gdaudit -n "__fish_gdaudit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s o -l output -d 'Output format' -r -f -a "table\t'Tables for a person'
json\t'One JSON document (schema_version 1)'
jsonl\t'One finding per line, for piping into a ticket system'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand detectors" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s o -l output -d 'Where to write the snapshot (JSON). `-` writes to stdout' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand collect" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l profile -d 'AWS profile to use (from the shared config and credentials files)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l region -d 'Home region, for global calls (STS, account) and as the default region' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l regions -d 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l exclude-regions -d 'Regions to leave out (comma-separated)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l fail-on -d 'Exit with status 1 when a finding at or above this severity is reported' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
never\t'Findings never fail the run (an incomplete audit still exits 3)'"
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l concurrency -d 'How many regions to query at once' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l snapshot -d 'Read collected data from this file (written by `gdaudit collect`) instead of AWS' -r -F
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l timeout -d 'Give up on one AWS call after this many seconds (retries included)' -r
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -l no-color -d 'Never colour the output (NO_COLOR in the environment does the same)'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors collect completions help" -f -a "detectors" -d 'Is there an enabled detector, with its protection plans on, in every region?'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors collect completions help" -f -a "collect" -d 'Collect everything the audits read into one snapshot file, for offline runs'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors collect completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c gdaudit -n "__fish_gdaudit_using_subcommand help; and not __fish_seen_subcommand_from detectors collect completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
