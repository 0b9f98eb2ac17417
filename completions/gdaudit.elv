
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
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand detectors 'Is there an enabled detector, with its protection plans on, in every region?'
            cand collect 'Collect everything the audits read into one snapshot file, for offline runs'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;detectors'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;collect'= {
            cand -o 'Where to write the snapshot (JSON). `-` writes to stdout'
            cand --output 'Where to write the snapshot (JSON). `-` writes to stdout'
            cand --profile 'AWS profile to use (from the shared config and credentials files)'
            cand --region 'Home region, for global calls (STS, account) and as the default region'
            cand --regions 'Regions to audit: a comma-separated list, or `all` for every region including those not enabled for the account. Default: every region enabled for the account'
            cand --exclude-regions 'Regions to leave out (comma-separated)'
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
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
            cand --fail-on 'Exit with status 1 when a finding at or above this severity is reported'
            cand --concurrency 'How many regions to query at once'
            cand --snapshot 'Read collected data from this file (written by `gdaudit collect`) instead of AWS'
            cand --timeout 'Give up on one AWS call after this many seconds (retries included)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --no-color 'Never colour the output (NO_COLOR in the environment does the same)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gdaudit;help'= {
            cand detectors 'Is there an enabled detector, with its protection plans on, in every region?'
            cand collect 'Collect everything the audits read into one snapshot file, for offline runs'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gdaudit;help;detectors'= {
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
