//! Command-line definitions (clap derive) only: parsing, help text, completions and man page come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::defaults;
use crate::report;

/// Audit AWS GuardDuty: is it on in every region, who changed it, and who can change it.
#[derive(Debug, Parser)]
#[command(name = "gdaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares. They may be given before or after the command name.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// AWS profile to use (from the shared config and credentials files).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Home region, for global calls (STS, account) and as the default region.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Regions to audit: a comma-separated list, or `all` for every region including those
    /// not enabled for the account. Default: every region enabled for the account.
    #[arg(long, global = true, value_name = "LIST|all", value_delimiter = ',')]
    pub regions: Vec<String>,

    /// Regions to leave out (comma-separated).
    #[arg(long, global = true, value_name = "LIST", value_delimiter = ',')]
    pub exclude_regions: Vec<String>,

    /// Exit with status 1 when a finding at or above this severity is reported
    /// [default: high, or `fail-on` in the configuration file].
    #[arg(long, global = true, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Read this configuration file (default: `gdaudit.toml` in the current directory, if any).
    /// Command-line flags override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore `gdaudit.toml` in the current directory.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,

    /// How many regions to query at once.
    #[arg(long, global = true, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Read collected data from this file (written by `gdaudit collect`) instead of AWS.
    #[arg(long, global = true, value_name = "FILE", id = "snapshot")]
    pub snapshot: Option<PathBuf>,

    /// Give up on one AWS call after this many seconds (retries included).
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// On an internal error, print the full details and a backtrace (default: one line).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Tables as wide as their content: every column, nothing cut (default: fit the terminal,
    /// or 100 columns when stdout is not a terminal).
    #[arg(long, global = true, conflicts_with = "width")]
    pub wide: bool,

    /// Fit tables to this many columns.
    #[arg(long, global = true, value_name = "COLUMNS",
          value_parser = clap::value_parser!(u16).range(40..=1000))]
    pub width: Option<u16>,

    /// Never colour the output (NO_COLOR in the environment does the same).
    #[arg(long, global = true)]
    pub no_color: bool,
}

/// The threshold for exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Findings never fail the run (an incomplete audit still exits 3).
    Never,
}

impl From<FailOn> for report::FailOn {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Critical => report::FailOn::Critical,
            FailOn::High => report::FailOn::High,
            FailOn::Medium => report::FailOn::Medium,
            FailOn::Low => report::FailOn::Low,
            FailOn::Info => report::FailOn::Info,
            FailOn::Never => report::FailOn::Never,
        }
    }
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for a person.
    Table,
    /// One JSON document (schema_version 1).
    Json,
    /// One finding per line, for piping into a ticket system.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// One finding per row (RFC 4180), with spreadsheet formulas neutralised.
    Csv,
    /// OCSF 1.5.0 events (Compliance and Detection Findings), for Security Lake and SIEMs.
    Ocsf,
    /// A GitHub-flavoured Markdown summary (CI job summaries, pull-request comments).
    Markdown,
    /// One self-contained HTML page to open or share.
    Html,
}

impl From<OutputFormat> for report::Format {
    fn from(value: OutputFormat) -> Self {
        match value {
            OutputFormat::Table => report::Format::Table,
            OutputFormat::Json => report::Format::Json,
            OutputFormat::Jsonl => report::Format::Jsonl,
            OutputFormat::Sarif => report::Format::Sarif,
            OutputFormat::Csv => report::Format::Csv,
            OutputFormat::Ocsf => report::Format::Ocsf,
            OutputFormat::Markdown => report::Format::Markdown,
            OutputFormat::Html => report::Format::Html,
        }
    }
}

/// Options of the commands that report findings.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Is there an enabled detector, with its protection plans on, in every region?
    Detectors(DetectorsArgs),
    /// All three audits in one report with one exit code: detectors, changes (last 24 hours)
    /// and permissions, from one collection pass.
    Audit(AuditArgs),
    /// Every change to GuardDuty's configuration recorded by CloudTrail: who, from where, what it means.
    Changes(ChangesArgs),
    /// Which non-privileged IAM users and roles can change GuardDuty, and through which statements.
    Permissions(PermissionsArgs),
    /// Collect everything the audits read into one snapshot file, for offline runs.
    Collect(CollectArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct DetectorsArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub org: OrgArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

/// Reading the content of trusted and threat lists (never by default).
#[derive(Debug, Args, Clone, Default)]
pub struct ListArgs {
    /// Also read the content of every ACTIVE trusted and threat list from its S3 location
    /// (needs s3:GetObject on the lists): count the entries and report trusted entries that
    /// cover a very broad range. Off by default.
    #[arg(long, conflicts_with = "snapshot")]
    pub read_lists: bool,

    /// With --read-lists: a list object larger than this is reported, not read.
    /// Units B, KiB, MiB, GiB (or KB, MB, GB).
    #[arg(long, value_name = "SIZE", default_value = "64MiB", requires = "read_lists",
          value_parser = crate::limits::parse_size)]
    pub max_list_size: u64,
}

/// The whole organization instead of one account.
#[derive(Debug, Args, Clone, Default)]
pub struct OrgArgs {
    /// Audit every account of the AWS Organization: from the delegated GuardDuty
    /// administrator (or the management account), or with --assume-role.
    #[arg(long)]
    pub org: bool,

    /// With --org: assume this read-only role in each account (a role name, or an ARN in
    /// which `{account_id}` stands for each account) and audit each account itself.
    #[arg(long, value_name = "NAME|ARN", requires = "org")]
    pub assume_role: Option<String>,

    /// With --assume-role: the external id the roles' trust policies ask for.
    #[arg(long, value_name = "ID", requires = "assume_role")]
    pub external_id: Option<String>,
}

/// The CloudTrail window and what to keep of it (shared by `changes` and `collect`).
#[derive(Debug, Args, Clone)]
pub struct WindowArgs {
    /// Start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or an RFC 3339
    /// time. Default: 7 days for the CloudTrail API; every record for --logs.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// End of the window (same forms as --since). Default: now.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

    /// Also list GuardDuty calls that only read (severity info).
    #[arg(long)]
    pub include_read_only: bool,

    /// Keep each whole CloudTrail record (in JSON output: `details.raw`).
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub window: WindowArgs,

    /// Read CloudTrail log files (.json, .json.gz, or directory trees as delivered to S3)
    /// instead of calling the CloudTrail API; or a trail's bucket, `s3://BUCKET/PREFIX/`,
    /// reading only the accounts, regions and days asked for.
    #[arg(long, value_name = "PATH|s3://…", num_args = 1.., conflicts_with = "snapshot")]
    pub logs: Vec<PathBuf>,

    /// Query this Athena table over the trail's logs (`DATABASE.TABLE`, partitioned as in
    /// docs/changes.md) instead of calling the CloudTrail API.
    #[arg(long, value_name = "DB.TABLE", conflicts_with_all = ["snapshot", "logs"])]
    pub athena_table: Option<String>,

    /// The Athena workgroup to run the query in (default: the account's `primary`).
    #[arg(long, value_name = "WORKGROUP", requires = "athena_table")]
    pub athena_workgroup: Option<String>,

    /// Where Athena writes the query's result file, when the workgroup does not say.
    #[arg(long, value_name = "s3://…", requires = "athena_table")]
    pub athena_output: Option<String>,

    /// With an organization trail in S3 or Athena: only these accounts (comma-separated).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub accounts: Vec<String>,

    /// Only these events (comma-separated or repeated), e.g. `DeleteDetector,UpdateDetector`.
    #[arg(long = "event", value_name = "NAME", value_delimiter = ',')]
    pub events: Vec<String>,

    /// Only changes whose actor (ARN, role, session or user name) matches this glob (`*`, `?`).
    #[arg(long, value_name = "PATTERN")]
    pub actor: Option<String>,

    /// Emit only changes not emitted by an earlier run with the same file (for cron jobs).
    /// The file is replaced only after the output was written.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// With --state: how far before the previous run's end to read again, for events that
    /// CloudTrail delivers late.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = defaults::STATE_OVERLAP,
        requires = "state"
    )]
    pub state_overlap: String,

    /// With --logs: a log file that decompresses to more than this is reported, not read
    /// (a gzip bomb). Units B, KiB, MiB, GiB (or KB, MB, GB).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", requires = "logs",
          value_parser = crate::limits::parse_size)]
    pub max_log_size: u64,
}

/// Where the IAM data comes from and who counts as privileged.
#[derive(Debug, Args, Clone)]
pub struct IamArgs {
    /// Read the account's IAM data from this file: the JSON `aws iam
    /// get-account-authorization-details` prints, or the raw API form, one page or several.
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "snapshot")]
    pub authorization_details: Option<PathBuf>,

    /// Principals allowed to change GuardDuty: an ARN glob (`*`, `?`), repeatable,
    /// e.g. `arn:aws:iam::*:role/security/*`. Administrators always count as privileged.
    #[arg(long, value_name = "GLOB", global = true)]
    pub privileged: Vec<String>,

    /// Service control policies that must also allow an action: a policy document, a list of
    /// them (one level), or a list of lists (one per level, root first). Repeatable: each file
    /// adds its levels.
    #[arg(long, value_name = "FILE", global = true)]
    pub scp: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct PermissionsArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub iam: IamArgs,

    #[command(subcommand)]
    pub explain: Option<PermissionsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum PermissionsCommand {
    /// Show, for one user or role, the decision on each GuardDuty write action and every
    /// statement that allows, denies, caps or conditions it.
    Explain {
        /// The principal: a user or role name, or its ARN.
        principal: String,
        /// Only this action (e.g. `guardduty:DeleteDetector` or `DeleteDetector`).
        action: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    /// The CloudTrail window of the changes audit (default: the last 24 hours).
    #[command(flatten)]
    pub window: WindowArgs,

    #[command(flatten)]
    pub iam: IamArgs,

    #[command(flatten)]
    pub org: OrgArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Where to write the snapshot (JSON). `-` writes to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// The CloudTrail window of the changes to store.
    #[command(flatten)]
    pub window: WindowArgs,

    #[command(flatten)]
    pub org: OrgArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_command() {
        let cli = Cli::try_parse_from([
            "gdaudit",
            "detectors",
            "--regions",
            "us-east-1,eu-west-1",
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
        .unwrap();
        assert_eq!(cli.global.regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(cli.global.fail_on, Some(FailOn::Never));
        let Command::Detectors(args) = cli.command else {
            panic!("not detectors")
        };
        assert_eq!(args.report.output, OutputFormat::Json);
    }
}
