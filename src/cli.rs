//! The command-line definition (clap). Completions and man pages are generated from it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pki::keys::KeyType;

/// Output format of results on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human tables and key/value lists.
    Text,
    /// One stable JSON document.
    Json,
}

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  a check found a problem (verify failed, probe --strict, apply --check has work)
  2  bad usage or bad input (one line on stderr names the input and the problem)
  3  I/O error (state directory not writable, disk full)
  4  internal error";

/// Certificates and cluster security: a private CA, role-bearing node and client
/// certificates, and checks against the live cluster.
#[derive(Debug, Parser)]
#[command(name = "secctl", version, propagate_version = true, after_help = EXIT_CODES)]
pub struct Cli {
    /// State directory (CA, records, issued certificates).
    #[arg(
        long,
        global = true,
        env = "SECCTL_DIR",
        default_value = "pki",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
    /// Output format: a human table, or one JSON document on stdout.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// Answer yes to confirmations (required for destructive actions without a terminal).
    #[arg(long, global = true)]
    pub yes: bool,
    /// Read the CA passphrase from this file (first line) instead of prompting.
    #[arg(
        long,
        global = true,
        env = "SECCTL_PASSPHRASE_FILE",
        value_name = "FILE"
    )]
    pub passphrase_file: Option<PathBuf>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and inspect the certificate authority.
    #[command(subcommand)]
    Ca(CaCommand),
    /// Issue and inspect node and client certificates.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (one per subcommand) into a directory.
    Man {
        /// Output directory.
        #[arg(long, default_value = "man", value_name = "DIR")]
        out: PathBuf,
    },
}

/// `secctl ca ...`
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// Create a root CA (and optionally an issuing intermediate) in the state directory.
    Init(CaInitArgs),
    /// Show the CA: subject, key type, validity, fingerprints, key encryption.
    Show,
}

/// Arguments of `ca init`.
#[derive(Debug, Args)]
pub struct CaInitArgs {
    /// Cluster name: the O of every certificate subject.
    #[arg(long, default_value = "secctl")]
    pub name: String,
    /// SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// Key algorithm of the CA (and default for issued certificates).
    #[arg(long, value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,
    /// Validity of the root in days.
    #[arg(long, default_value_t = 3650, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
    /// Also create an intermediate CA that signs everything afterwards.
    #[arg(long)]
    pub intermediate: bool,
    /// Protect the CA key(s) with a passphrase (age, scrypt).
    #[arg(long)]
    pub encrypt_key: bool,
    /// Replace an existing CA (moved to DIR/attic/, never deleted).
    #[arg(long)]
    pub force: bool,
}

/// `secctl cert ...`
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Issue a node certificate (TLS server and client).
    Node(NodeArgs),
    /// Issue a client certificate (TLS client only).
    Client(ClientArgs),
    /// List issued certificates with role, serial, expiry and status.
    List(ListArgs),
    /// Show one certificate: by name, serial, or certificate file.
    Show {
        /// A name, a serial (hex, at least 8 digits) or a certificate file.
        target: String,
    },
}

/// Options shared by node and client issuance.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Validity in days (capped at the issuing CA's end of validity).
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
    /// Key algorithm [default: the CA's].
    #[arg(long, value_enum)]
    pub key_type: Option<KeyType>,
    /// Output directory [default: DIR/certs/NAME].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Issue even if a valid certificate with this name exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `cert node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// Node name (CN).
    pub name: String,
    /// DNS name or IP address the node is reached at (repeatable).
    #[arg(long = "host", value_name = "HOST", required = true)]
    pub hosts: Vec<String>,
    /// Role (OU and SPIFFE path), e.g. praefect, gitaly.
    #[arg(long, default_value = crate::pki::issue::DEFAULT_NODE_ROLE)]
    pub role: String,
    /// Issuance options.
    #[command(flatten)]
    pub issue: IssueArgs,
}

/// Arguments of `cert client`.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Client name (CN).
    pub name: String,
    /// Role (OU and SPIFFE path), e.g. gitlab.
    #[arg(long, required = true)]
    pub role: String,
    /// Issuance options.
    #[command(flatten)]
    pub issue: IssueArgs,
}

/// Arguments of `cert list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Certificates ending within this many days are listed as expiring.
    #[arg(long, default_value_t = 30)]
    pub expiring_within: u32,
}
