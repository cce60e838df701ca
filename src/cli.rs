//! The command-line definition (clap). Completions and man pages are generated from it.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum, ValueHint};

use crate::pki::keys::KeyType;

pub use crate::output::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  a check found a problem (verify failed, probe --strict, apply --check has work,
     check found something to renew, cert list --expiring-within lists one)
  2  bad usage or bad input (one line on stderr names the input and the problem)
  3  I/O error (state directory not writable, disk full)
  4  internal error
  130, 143  interrupted by SIGINT or SIGTERM (staged secret files removed first)";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Examples of every command, shown under "Examples:" at the end of its `--help` and as the
/// EXAMPLES section of its man page. Keyed by the command path without `secctl`.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "\
# the whole product on loopback, nothing kept
secctl demo
secctl --dir ./pki ca init --name Prod --intermediate
secctl cert node node-1 --host node-1.prod.example --role gitaly
# JSON for scripts
secctl -o json cert list
# this help for one command
secctl help cert node",
    ),
    (
        "ca",
        "\
secctl ca init --name Prod --trust-domain prod.example --intermediate
secctl ca show
secctl ca rotate
secctl ca retire 20261224T185542Z",
    ),
    (
        "ca init",
        "\
secctl ca init --name Prod --trust-domain prod.example --intermediate
# asks the passphrase twice
secctl ca init --key-type ed25519 --days 1825 --encrypt-key
# only names under prod.example and addresses in 10.0.0.0/8, ever
secctl ca init --intermediate --permit-dns prod.example --permit-ip 10.0.0.0/8
# pipelines: the passphrase from a file (mode 0600)
SECCTL_PASSPHRASE_FILE=./ca-pass secctl ca init --intermediate",
    ),
    (
        "ca import",
        "\
# a CA made by openssl (RSA or EC; PKCS#8, PKCS#1, SEC1, encrypted PKCS#8)
secctl ca import --cert root.crt --key root.key --name Prod
secctl ca import --cert root.crt --key root.key \\
    --intermediate-cert issuing.crt --intermediate-key issuing.key
# an encrypted key in a pipeline; store the CA key encrypted too
secctl --passphrase-file ./ca-pass ca import --cert root.crt \\
    --key root.p8 --key-passphrase-file ./old-pass",
    ),
    (
        "ca show",
        "\
secctl ca show
secctl -o json ca show",
    ),
    (
        "ca rotate",
        "\
secctl ca rotate
secctl ca rotate --key-type ecdsa-p384 --days 1825
# a compromised intermediate: a new one from the same root, then
# revoke the old one (the id is the one rotate printed)
secctl --yes ca rotate --intermediate-only
secctl --yes revoke pki/ca/previous/20261224T185542Z/intermediate.crt \\
    --reason caCompromise",
    ),
    (
        "ca retire",
        "\
# every node on the new CA: drop the old one from ca.crt, crl.pem
secctl --yes ca retire 20261224T185542Z
# by fingerprint prefix; --force even with live certificates (they are listed)
secctl --yes ca retire 3F:A2:91:0C --force",
    ),
    (
        "cert",
        "\
secctl cert node node-1 --host node-1.prod.example --role gitaly
secctl cert client rails --role gitlab
secctl cert list --expiring-within 60",
    ),
    (
        "cert node",
        "\
secctl cert node praefect-1 --role praefect \\
    --host praefect-1.prod.example --host 10.0.0.11
secctl cert node web --host '*.apps.example' --days 90 --out ./web-tls
# short-lived: renew it from cron well within its lifetime
secctl cert node gitaly-1 --role gitaly --host gitaly-1.prod.example \\
    --valid-for 24h",
    ),
    (
        "cert canary",
        "\
secctl cert canary
# then the servers get the CRL that lists it, and each is tried with it
secctl apply inventory.yaml
secctl probe --inventory inventory.yaml --strict
secctl -o json cert canary --force",
    ),
    (
        "cert client",
        "\
secctl cert client rails --role gitlab
secctl cert client console-1 --role console --days 30 --key-type ed25519",
    ),
    (
        "cert list",
        "\
secctl cert list
secctl cert list --expiring-within 60
# a cron job: what needs attention
secctl cert list --status expiring --status expired
# every certificate ever issued, superseded ones too
secctl cert list --all
secctl -o json cert list --role gitaly",
    ),
    (
        "cert renew",
        "\
secctl cert renew praefect-1
secctl cert renew praefect-1 --reuse-key --days 90
# keeps the lifetime of the certificate it replaces unless told otherwise
secctl cert renew gitaly-1 --valid-for 15m
# by serial prefix (8+ hex digits), revoking the old one
secctl --yes cert renew 5e4b6cac --revoke-old
# a certificate signed from a CSR: renewed from a new CSR
secctl cert renew node-1 --csr node-1.csr",
    ),
    (
        "cert sign",
        "\
# on the node, where the key stays:
#   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
#       -keyout node-1.key -subj /CN=node-1 -out node-1.csr
# on the CA host
secctl cert sign node-1.csr --role gitaly \\
    --host node-1.prod.example --host 10.0.0.11
secctl cert sign app.csr --kind client --role gitlab --name rails",
    ),
    (
        "cert export",
        "\
# PKCS#12 for Java, Windows, appliances (asks the export passphrase twice)
secctl cert export node-1 --p12 node-1.p12
secctl cert export node-1 --p12 node-1.pfx --legacy \\
    --p12-passphrase-file ./p12-pass
# the key in the format a consumer asks for
secctl cert export node-1 --sec1 node-1.ec.key
secctl cert export rsa-node --pkcs1 rsa-node.rsa.key",
    ),
    (
        "cert show",
        "\
secctl cert show praefect-1
secctl cert show 5e4b6cac
# the certificate as the CA recorded it, for openssl and other tools
secctl cert show 5e4b6cac --pem
secctl cert show pki/certs/praefect-1/praefect-1.crt",
    ),
    (
        "revoke",
        "\
# every live certificate of gitaly-3
secctl --yes revoke gitaly-3 --reason keyCompromise
# one serial (a unique prefix); asks first on a terminal
secctl revoke 5e4b6cac
secctl --yes revoke ./old/node.crt --crl-days 7
# many at once (one CRL): arguments and a file, one target per line
secctl --yes revoke gitaly-3 gitaly-4 --from leaving.txt \\
    --reason cessationOfOperation",
    ),
    (
        "crl",
        "\
secctl crl
# republish before nextUpdate (from cron)
secctl crl --days 7",
    ),
    (
        "verify",
        "\
secctl verify pki/certs/node-1/node-1.crt --host localhost --role gitaly
secctl verify node.crt --ca ca.crt --crl crl.pem --usage server \\
    --at 2027-01-01T00:00:00Z
# a live server, with a client certificate
secctl verify node-1.prod.example:8443 --role gitaly \\
    --cert rails.crt --key rails.key",
    ),
    (
        "check",
        "\
secctl check
# cron: exit 1 when anything ends within 45 days; metrics for node_exporter
secctl check --within 45d \\
    --prometheus /var/lib/prometheus/node-exporter/secctl.prom
secctl -o json check --within 12h --crl-within 2d",
    ),
    (
        "serve",
        "\
secctl serve --name node-1 --listen 127.0.0.1:8443
secctl serve --name node-1 --listen 127.0.0.1:0 --client-auth required -v
secctl serve --name node-1 --grpc-auth mtls --allow-role console
# per-request authorization by a policy (docs/authz.md); -v logs each decision
secctl serve --name node-1 --authz /etc/secctl/authz.yaml -v
# certificates, CRL and policy reloaded on SIGHUP only, not watched
secctl serve --name node-1 --watch-interval 0
# plaintext, for comparison
secctl serve --insecure --listen 127.0.0.1:8080",
    ),
    (
        "probe",
        "\
secctl probe 127.0.0.1:8443
secctl probe node-1.prod.example:8443 --strict
secctl probe 127.0.0.1:443 --cert rails.crt --key rails.key \\
    --path / --path /admin -o json
secctl probe --inventory cluster.yaml
# who may call what, against a policy (docs/authz.md)
secctl probe gitaly-1:8075 --authz authz.yaml \\
    --as gitlab=rails.crt,rails.key --strict",
    ),
    (
        "demo",
        "\
secctl demo
secctl -o json demo",
    ),
    (
        "apply",
        "\
# exit 1 when there is work to do; changes nothing
secctl apply --check cluster.yaml
secctl apply cluster.yaml
secctl -o json apply cluster.yaml --renew-before 45
# zero-downtime CA roll: new CA; bundle everywhere, reload; renew, reload
secctl --yes ca rotate
secctl apply --bundle-only cluster.yaml
secctl apply cluster.yaml
# revoke and remove what the inventory no longer names
secctl apply --check --prune cluster.yaml
secctl apply --prune --revoke-old cluster.yaml",
    ),
    (
        "key",
        "\
secctl key split ca.key --threshold 2 --shares 3 \\
    --recipients-file custodians.txt --out ./shares
secctl key combine ./shares/share-1-of-3-alice.age \\
    ./shares/share-2-of-3-bob.age -i alice.key -i bob.key --out ca.key",
    ),
    (
        "key split",
        "\
# clear shares (print them, hand each to one custodian)
secctl key split ca.key --threshold 2 --shares 3 --out ./shares
# each share encrypted to one custodian's age or SSH public key
secctl key split ca.key --threshold 2 --shares 3 \\
    --recipients-file custodians.txt --out ./shares",
    ),
    (
        "key combine",
        "\
secctl key combine ./shares/share-1-of-3.txt ./shares/share-3-of-3.txt \\
    --out ./ca.key
secctl key combine ./shares/share-1-of-3-alice.age -i ~/.ssh/id_ed25519 \\
    ./shares/share-2-of-3-bob.age -i bob.key --out ./ca.key
# on a terminal: the custodians paste their shares one by one
secctl key combine --out ./ca.key",
    ),
    (
        "backup",
        "\
secctl backup init --threshold 2 --shares 3 \\
    --recipients-file custodians.txt --out ./backup-shares
secctl backup create --out pki-backup.age
secctl backup restore pki-backup.age --share s1.age --share s2.age \\
    -i alice.key --to ./pki-restored",
    ),
    (
        "backup init",
        "\
secctl backup init --threshold 2 --shares 3 \\
    --recipients-file custodians.txt --out ./backup-shares
secctl --yes backup init --threshold 3 --shares 5 \\
    --recipients-file custodians.txt --force",
    ),
    (
        "backup create",
        "\
secctl backup create
secctl backup create --out /srv/backups/pki-2026-11-30.age",
    ),
    (
        "backup restore",
        "\
secctl backup restore pki-backup.age --share s1.age --share s2.age \\
    -i alice.key --to ./pki-restored
secctl backup restore pki-backup.age --share share-1-of-3.txt \\
    --share share-3-of-3.txt --to ./pki-restored",
    ),
    (
        "store",
        "\
secctl store check
secctl store check --repair",
    ),
    (
        "store copy",
        "\
# move a state directory onto etcd (its CA key must be encrypted)
secctl store copy --from pki --to etcd://10.0.0.1:2379,10.0.0.2:2379/prod
# then issue on etcd from any runner (or set SECCTL_STORE)
secctl --store etcd://10.0.0.1:2379/prod cert node g1 --role gitaly --host g1
# back to a directory (a backup, or leaving etcd)
secctl store copy --from etcd://10.0.0.1:2379/prod --to pki-copy",
    ),
    (
        "ca bundle",
        "\
# the trust bundle for a node that fetches it (from etcd or a directory)
secctl ca bundle --out /etc/gitaly/tls/ca.crt",
    ),
    (
        "authz",
        "\
secctl authz check authz.yaml
secctl authz nginx authz.yaml --pass 'grpc_pass grpcs://127.0.0.1:9000;'",
    ),
    (
        "authz check",
        "\
# list the rules; a bad policy is exit 2 naming the file and the line
secctl authz check authz.yaml",
    ),
    (
        "authz nginx",
        "\
# the maps for http {} and the locations for server {}, in one file each
secctl authz nginx authz.yaml --part http > /etc/nginx/conf.d/authz.conf
secctl authz nginx authz.yaml --part server \\
    --pass 'grpc_pass grpcs://127.0.0.1:9000;' > snippets/authz.conf
# then check that the server does what the policy says
secctl probe gitaly-1:8075 --authz authz.yaml \\
    --as gitlab=rails.crt,rails.key --as praefect=praefect.crt,praefect.key \\
    --strict",
    ),
    (
        "store check",
        "\
# exit 1 when records, index, CRL or delivered files disagree
secctl store check
# after a killed writer: clean up and rebuild the name index first
secctl store check --repair",
    ),
    (
        "store copy",
        "\
# move a state directory onto etcd (its CA key must be encrypted)
secctl store copy --from pki --to etcd://10.0.0.1:2379,10.0.0.2:2379/prod
# then issue on etcd from any runner (or set SECCTL_STORE)
secctl --store etcd://10.0.0.1:2379/prod cert node g1 --role gitaly --host g1
# back to a directory (a backup, or leaving etcd)
secctl store copy --from etcd://10.0.0.1:2379/prod --to pki-copy",
    ),
    (
        "completions",
        "\
secctl completions bash > ~/.local/share/bash-completion/completions/secctl
secctl completions zsh > ~/.zfunc/_secctl
secctl completions fish > ~/.config/fish/completions/secctl.fish",
    ),
    (
        "man",
        "\
secctl man --out ./man && man -l ./man/secctl.1
secctl man --out ~/.local/share/man/man1",
    ),
];

/// The examples of the command at `path` ("" for `secctl` itself, else e.g. "cert node").
pub fn examples(path: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, e)| *e)
}

/// The full clap command: the derive definition plus every command's examples (after its
/// help), and file or directory completion hints. Help, completions and man pages use it.
pub fn command() -> clap::Command {
    decorate(Cli::command(), "")
}

fn decorate(cmd: clap::Command, path: &str) -> clap::Command {
    let mut cmd = cmd;
    if let Some(ex) = examples(path) {
        let ex = ex
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        let before = cmd.get_after_help().map(|h| h.to_string());
        let long = cmd.get_after_long_help().map(|h| h.to_string());
        let join = |b: Option<String>| match b {
            Some(b) => format!("{}\n\nExamples:\n{ex}", b.trim_end()),
            None => format!("Examples:\n{ex}"),
        };
        cmd = cmd.after_help(join(before));
        if long.is_some() {
            cmd = cmd.after_long_help(join(long));
        }
    }
    // A path argument completes files unless it says it wants a directory.
    let paths: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.get_value_hint() == ValueHint::AnyPath)
        .map(|a| a.get_id().to_string())
        .collect();
    for id in paths {
        cmd = cmd.mut_arg(id, |a| a.value_hint(ValueHint::FilePath));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name, |s| decorate(s, &sub_path));
    }
    cmd
}

/// Certificates and cluster security: a private CA, role-bearing node and client
/// certificates, and checks against the live cluster.
#[derive(Debug, Parser)]
#[command(name = "secctl", version, propagate_version = true, after_help = EXIT_CODES)]
pub struct Cli {
    /// The global options (accepted before and after the command's name).
    #[command(flatten)]
    pub globals: Globals,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The global options of every command, apart from [`Cli`] so that [`parse_leaf`] can add
/// them to one command alone.
#[derive(Debug, Args)]
#[group(skip)]
pub struct Globals {
    /// State directory (CA, records, issued certificates).
    #[arg(
        long,
        global = true,
        env = "SECCTL_DIR",
        default_value = "pki",
        value_name = "DIR",
        value_hint = ValueHint::DirPath,
        help_heading = GLOBAL
    )]
    pub dir: PathBuf,
    /// Output format: a human table, or one JSON document on stdout.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Text,
          help_heading = GLOBAL)]
    pub output: Format,
    /// Answer yes to confirmations (required for destructive actions without a terminal).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub yes: bool,
    /// Read the CA passphrase from this file (first line) instead of prompting; with `ca
    /// init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise).
    #[arg(
        long,
        global = true,
        env = "SECCTL_PASSPHRASE_FILE",
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        help_heading = GLOBAL
    )]
    pub passphrase_file: Option<PathBuf>,
    /// Accept state and output directories that other users could write (group- or
    /// world-writable, or owned by another user); refused by default.
    #[arg(
        long,
        global = true,
        env = "SECCTL_INSECURE_DIRS",
        value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = GLOBAL
    )]
    pub insecure_dirs: bool,
    /// Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`.
    /// Writers take etcd's lock; every change is written back with compare-and-swap.
    #[arg(long, global = true, env = "SECCTL_STORE", value_name = "URL", help_heading = GLOBAL)]
    pub store: Option<String>,
    /// CA bundle of the etcd members' certificates (TLS to etcd; plain HTTP without it).
    #[arg(long, global = true, env = "SECCTL_ETCD_CA", value_name = "FILE",
          value_hint = ValueHint::FilePath, help_heading = GLOBAL)]
    pub etcd_ca: Option<PathBuf>,
    /// Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`).
    #[arg(long, global = true, env = "SECCTL_ETCD_CERT", value_name = "FILE",
          value_hint = ValueHint::FilePath, requires = "etcd_key", help_heading = GLOBAL)]
    pub etcd_cert: Option<PathBuf>,
    /// Private key of --etcd-cert.
    #[arg(long, global = true, env = "SECCTL_ETCD_KEY", value_name = "FILE",
          value_hint = ValueHint::FilePath, requires = "etcd_cert", help_heading = GLOBAL)]
    pub etcd_key: Option<PathBuf>,
    /// Seconds each etcd call may take before the next member is tried (exit 3 when none
    /// answers).
    #[arg(long, global = true, default_value_t = 5.0, value_name = "SECONDS",
          help_heading = GLOBAL)]
    pub etcd_timeout: f64,
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
    /// Revoke certificates (by name, serial or file) and publish a new CRL.
    Revoke(RevokeArgs),
    /// Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA.
    Crl {
        /// Days until nextUpdate (peers refuse the CRL afterwards: republish before).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// Days until nextUpdate of the root's CRL above an intermediate [default: until the intermediate expires].
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
        root_crl_days: Option<u32>,
        /// Publish nothing: write the CRL published last (`crl.pem` of the state, e.g. on
        /// etcd) to FILE, for nodes that fetch it; needs no CA key.
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath,
              conflicts_with = "root_crl_days")]
        out: Option<PathBuf>,
        /// With --out: the trust bundle the node holds, whose CAs must have signed the CRL
        /// [default: ca.crt beside FILE]. The CRL number never goes below the one installed
        /// last (kept in FILE.numbers).
        #[arg(long, value_name = "BUNDLE", value_hint = ValueHint::FilePath, requires = "out")]
        ca: Option<PathBuf>,
    },
    /// Verify a certificate file, or a live server's (HOST:PORT): chain, validity, usage, CRL, host, role.
    Verify(VerifyArgs),
    /// Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one
    /// is within the window, expired or out of date; --prometheus writes a textfile.
    Check(CheckArgs),
    /// Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect.
    Serve(ServeArgs),
    /// Classify every transport of one or more ports: encrypted? who is authenticated?
    #[command(after_long_help = PROBE_HELP)]
    Probe(ProbeArgs),
    /// The whole product in seconds: temporary CA, certificates, serve on loopback, probe it.
    Demo,
    /// Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires.
    Apply(ApplyArgs),
    /// Split a secret file into K-of-N Shamir shares, or combine shares back.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Backups of the state directory that need K of N custodians to restore.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Check the state directory's parts against each other (records, index, CRL, delivered files).
    #[command(subcommand)]
    Store(StoreCommand),
    /// Authorization policies (who may call which path or gRPC method; docs/authz.md): check
    /// one, or render it as the nginx configuration that enforces it.
    #[command(subcommand)]
    Authz(AuthzCommand),
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (one per subcommand) into a directory.
    Man {
        /// Output directory.
        #[arg(long, default_value = "man", value_name = "DIR", value_hint = ValueHint::DirPath)]
        out: PathBuf,
    },
}

/// `secctl authz ...`
#[derive(Debug, Subcommand)]
pub enum AuthzCommand {
    /// Read a policy and list its rules; a bad one is exit 2 naming the file and the line.
    Check {
        /// The policy file (`authz:` and its rules).
        #[arg(value_name = "POLICY", value_hint = ValueHint::FilePath)]
        policy: PathBuf,
    },
    /// Print the nginx configuration that enforces a policy: the role of the verified client
    /// certificate (its OU) and one allow map per rule for `http {}`, one location per rule
    /// (401 without a verified certificate, 403 to a role the rule does not allow) and a
    /// location denying every other path for `server {}`.
    Nginx {
        /// The policy file.
        #[arg(value_name = "POLICY", value_hint = ValueHint::FilePath)]
        policy: PathBuf,
        /// What an allowed request gets, e.g. `grpc_pass grpcs://127.0.0.1:9000;` or
        /// `proxy_pass http://backend;` [default: a comment to replace].
        #[arg(long, value_name = "DIRECTIVE")]
        pass: Option<String>,
        /// Print only the part for `http {}` or for `server {}` [default: both].
        #[arg(long, value_enum)]
        part: Option<NginxPart>,
    },
}

/// A part of the nginx configuration of `authz nginx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NginxPart {
    /// The maps (in `http {}`).
    Http,
    /// The locations (in `server {}`).
    Server,
}

/// `secctl store ...`
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Check every record against its certificate, the name index against the records, the
    /// revocation log against the records and crl.pem, and the delivered files against the
    /// newest record of each name; exit 1 on any disagreement.
    Check {
        /// First take the lock, remove what a killed writer left and rebuild the name index.
        #[arg(long)]
        repair: bool,
    },
    /// Copy the whole state between a directory and etcd, either way (the target must be
    /// empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`.
    Copy {
        /// The state to copy: a directory or an etcd:// address.
        #[arg(long, value_name = "DIR|URL")]
        from: String,
        /// Where to: an empty (or new) directory, or an etcd:// address with no state.
        #[arg(long, value_name = "DIR|URL")]
        to: String,
    },
}

/// `secctl ca ...`
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// Create a root CA (and optionally an issuing intermediate) in the state directory.
    Init(CaInitArgs),
    /// Show the CA: subject, key type, validity, fingerprints, key encryption.
    Show,
    /// Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired.
    Rotate(CaRotateArgs),
    /// Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout.
    Bundle {
        /// Where to write it [default: standard output]. A node installs only roots it
        /// pins (FILE.pins, written beside it; else the roots of the FILE already there;
        /// trust on first use when neither exists) or that a pinned root endorsed at `ca rotate`.
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        out: Option<PathBuf>,
        /// Trust this root (SHA-256 fingerprint of its certificate, from `secctl ca show`
        /// on the CA host) in addition to the pins; repeatable.
        #[arg(long, value_name = "SHA256", requires = "out")]
        pin: Vec<String>,
    },
    /// Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/).
    Retire(CaRetireArgs),
    /// Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory.
    Import(CaImportArgs),
}

/// Arguments of `ca retire`.
#[derive(Debug, Args)]
pub struct CaRetireArgs {
    /// The generation: its id (the directory name under DIR/ca/previous/, e.g.
    /// 20261224T185542Z) or 8+ hex digits of the SHA-256 fingerprint of its intermediate or root.
    pub generation: String,
    /// Retire it even though live certificates still chain to it (they are listed, and
    /// refused by peers afterwards).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `ca import`.
#[derive(Debug, Args)]
pub struct CaImportArgs {
    /// The root certificate (PEM or DER, self-signed, CA:TRUE).
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The root's private key: PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 (PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// An intermediate CA certificate signed by the root; it signs everything afterwards.
    #[arg(long, value_name = "FILE", requires = "intermediate_key")]
    pub intermediate_cert: Option<PathBuf>,
    /// The intermediate's private key (same formats as --key).
    #[arg(long, value_name = "FILE", requires = "intermediate_cert")]
    pub intermediate_key: Option<PathBuf>,
    /// Passphrase of encrypted key files to import (first line) [default: asked on the terminal].
    #[arg(long, value_name = "FILE")]
    pub key_passphrase_file: Option<PathBuf>,
    /// Cluster name: the O of issued certificates.
    #[arg(long, default_value = "secctl")]
    pub name: String,
    /// SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// Key algorithm of issued certificates when `cert` is not given --key-type.
    #[arg(long, value_parser = key_type_parser(), default_value = "ecdsa-p256")]
    pub key_type: KeyType,
    /// Store the CA key(s) encrypted with a passphrase (age, scrypt); implied by --passphrase-file.
    #[arg(long)]
    pub encrypt_key: bool,
}

/// Arguments of `ca rotate`.
#[derive(Debug, Args)]
pub struct CaRotateArgs {
    /// Key algorithm of the new CA [default: the current one's].
    #[arg(long, value_parser = key_type_parser())]
    pub key_type: Option<KeyType>,
    /// Validity of the new root in days [default: 3650]; with --intermediate-only, of the new
    /// intermediate [default: until the root expires; cut to it].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: Option<u32>,
    /// Make only a new intermediate, signed by the current root (which needs its key online);
    /// the old intermediate becomes a previous generation until `ca retire`; ca.crt is unchanged.
    #[arg(long)]
    pub intermediate_only: bool,
}

/// Arguments of `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Names (every certificate of each), serials (or unique prefixes), certificate files, or
    /// an intermediate CA certificate of a previous generation (its file or serial): all
    /// resolved first, nothing revoked if one is bad; one CRL published at the end.
    #[arg(value_name = "TARGET", required_unless_present = "from")]
    pub targets: Vec<String>,
    /// Read more targets from FILE ("-": standard input), one per line; blank lines and
    /// lines starting with # are skipped.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub from: Option<PathBuf>,
    /// RFC 5280 reason.
    #[arg(long, value_parser = reason_parser(), default_value = "unspecified")]
    pub reason: crate::revocation::Reason,
    /// Days until nextUpdate of the regenerated CRL.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub crl_days: u32,
    /// Days until nextUpdate of the root's CRL above an intermediate [default: until the intermediate expires].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub root_crl_days: Option<u32>,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, repeatable (port 0 picks a free port; the first line printed says which).
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: Vec<std::net::SocketAddr>,
    /// Serve the node certificate NAME from DIR/certs/NAME/ (instead of --cert/--key).
    #[arg(long, conflicts_with_all = ["cert", "key"])]
    pub name: Option<String>,
    /// Server certificate chain (PEM).
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Server private key (PKCS#8 PEM).
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Bundle that verifies client certificates [default: DIR/ca.crt].
    #[arg(long, value_name = "BUNDLE")]
    pub ca: Option<PathBuf>,
    /// CRL for client certificates [default: DIR/crl.pem, also with --ca]. Verifying client
    /// certificates without a CRL needs --no-crl.
    #[arg(long, value_name = "FILE")]
    pub crl: Option<PathBuf>,
    /// Verify client certificates without any CRL (revoked certificates are accepted).
    #[arg(long, conflicts_with = "crl")]
    pub no_crl: bool,
    /// The cluster's SPIFFE trust domain, which --allow-role and --authz require of the
    /// client's SPIFFE id [default: DIR's].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// Connections served at once; at the cap a new one takes the place of the oldest not yet
    /// authenticated (by a verified client certificate; where none is asked for, by a request
    /// served), or is closed at once.
    #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Seconds allowed for the first byte, the TLS handshake, and each request's head and body.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Seconds a connection may stay open with no request in flight (HTTP/1.1 and HTTP/2).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub idle_timeout: f64,
    /// Seconds between looks at the certificate, key, bundle, CRL and --authz files, which
    /// are reloaded when they change (0: only on SIGHUP).
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub watch_interval: f64,
    /// Client certificates at the handshake.
    #[arg(long, value_enum, default_value_t = crate::serve::ClientAuth::Optional)]
    pub client_auth: crate::serve::ClientAuth,
    /// Per-request authentication of gRPC calls (status 16 without a verified certificate).
    #[arg(long, value_enum, default_value_t = crate::serve::GrpcAuth::None)]
    pub grpc_auth: crate::serve::GrpcAuth,
    /// Only these roles may call (per request: HTTP 403 / gRPC status 7 for others). Repeatable.
    #[arg(long = "allow-role", value_name = "ROLE")]
    pub allow_roles: Vec<String>,
    /// Authorization policy: which roles may call which HTTP path or gRPC method (YAML,
    /// `authz:` and its rules; see docs/authz.md), decided per request before the method is
    /// looked up. Without a certificate that has a role: HTTP 401, gRPC status 16. A role the
    /// path's rule does not allow, or a path no rule covers, served or not: HTTP 403, gRPC
    /// status 7. Reloaded with the certificates (SIGHUP, file change). Not with --allow-role.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath,
          conflicts_with_all = ["allow_roles", "insecure"])]
    pub authz: Option<PathBuf>,
    /// No TLS: plaintext HTTP/1.1, h2c and gRPC (for comparison and tests).
    #[arg(long, conflicts_with_all = ["name", "cert", "key"])]
    pub insecure: bool,
    /// Log one line per connection (with the peer's identity) on stderr, and with --authz
    /// one per request: the rule that decided, allow or deny.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Certificates and CAs ending within this are a problem: 30d, 12h, 90m, 3600s, 2w, 1d12h
    /// (a bare number is days), or a fraction of each one's lifetime, as inventory
    /// `renew_before` takes: 1/3 (in its last third; for short-lived certificates).
    #[arg(long, value_name = "DURATION|N/D", default_value = "30d",
          value_parser = crate::pki::validity::parse_within)]
    pub within: crate::pki::validity::RenewBefore,
    /// CRLs whose nextUpdate is within this are a problem (CRLs are republished often:
    /// `secctl crl` gives 30 days).
    #[arg(long, value_name = "DURATION", default_value = "7d",
          value_parser = crate::ground::duration::parse_duration)]
    pub crl_within: time::Duration,
    /// Also write the results as a Prometheus textfile (for node_exporter's textfile
    /// collector: a FILE ending in .prom), atomically, mode 0644.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub prometheus: Option<PathBuf>,
}

/// Arguments of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The inventory (YAML; schema in docs/commands/apply.md).
    pub inventory: PathBuf,
    /// Change nothing; exit 1 when there is work to do.
    #[arg(long)]
    pub check: bool,
    /// Renew certificates with less than this left: days (30), a duration (8h) or a fraction of the lifetime (1/3) [default: the inventory's, or 30 days but at most a third of the lifetime].
    #[arg(long, value_name = "WINDOW", value_parser = crate::pki::validity::parse_renew_before)]
    pub renew_before: Option<crate::pki::validity::RenewBefore>,
    /// Only write the current trust bundle (`ca.crt`: old and new CAs after `ca rotate`) into every output directory; issue, renew and revoke nothing (step 2 of a zero-downtime roll).
    #[arg(long, conflicts_with = "prune")]
    pub bundle_only: bool,
    /// Revoke (cessationOfOperation) the certificates of names the inventory no longer has, and remove the files secctl delivered for them.
    #[arg(long)]
    pub prune: bool,
    /// Replace an existing `ca.crt` in an output directory that is not a bundle of this CA.
    #[arg(long)]
    pub force: bool,
    /// Revoke (superseded) the certificates this run renews, and publish a new CRL.
    #[arg(long, conflicts_with = "bundle_only")]
    pub revoke_old: bool,
}

/// Arguments of `probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Targets, HOST:PORT or [IPv6]:PORT.
    #[arg(value_name = "HOST:PORT", required_unless_present_any = ["inventory", "targets_file"])]
    pub targets: Vec<String>,
    /// Read targets from FILE too: one HOST:PORT per line; blank lines and `#` comments are skipped.
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub targets_file: Option<PathBuf>,
    /// Probe the inventory's targets and compare with their expectations (exit 1 on a difference).
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Trust bundle, client certificate, server name, timeout.
    #[command(flatten)]
    pub live: LiveArgs,
    /// Targets probed at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Exit 1 when any transport serves plaintext content or TLS does not enforce client certificates.
    #[arg(long)]
    pub strict: bool,
    /// A certificate of the cluster's CA that its CRL lists (the revoked canary), tried as a
    /// fourth identity on every TLS row: a server that admits it does not enforce revocation
    /// [default: DIR's certs/canary/, made by `secctl cert canary`].
    #[arg(long, value_name = "FILE", requires = "revoked_key")]
    pub revoked_cert: Option<PathBuf>,
    /// The revoked canary's key.
    #[arg(long, value_name = "FILE", requires = "revoked_cert")]
    pub revoked_key: Option<PathBuf>,
    /// Save what the probe observed of the one target, with the rows it classified, as a
    /// case for the classification table (tests/probe_cases/).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub record: Option<PathBuf>,
    /// Also write the matrix as a Prometheus textfile (for node_exporter's textfile
    /// collector: a FILE ending in .prom), atomically, mode 0644: per target and row,
    /// encrypted, mutual TLS enforced, untrusted and revoked clients admitted, and the
    /// server certificate's days left.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub prometheus: Option<PathBuf>,
    /// Check who may call what: call every rule's path of the policy FILE (HTTP: its method;
    /// gRPC: a unary call with an empty message) with every --as role's certificate and with
    /// none, and print the matrix beside what the policy allows (docs/authz.md).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "record")]
    pub authz: Option<PathBuf>,
    /// A role's certificate and key for --authz, as ROLE=CERT,KEY (repeatable; every role the
    /// policy names needs one). The certificate must hold ROLE under the identity rule.
    #[arg(long = "as", value_name = "ROLE=CERT,KEY", requires = "authz")]
    pub as_roles: Vec<String>,
    /// The cluster's SPIFFE trust domain, for the role of an --as certificate [default: DIR's].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
}

/// The verdicts of `probe`, for `--help` and the man page (the README has the full contract).
const PROBE_HELP: &str = "\
Rows: http1, h2c, grpc (plaintext), tls (the handshake), https1, h2, grpcs (over TLS), then
postgres, postgres-tls, redis, redis-tls, mqtt, mqtt-tls (tried when the port does not answer
HTTP), ws, wss (a WebSocket upgrade of the first --path, served when answered 101 with the
key's Sec-WebSocket-Accept; tried when the port answers HTTP/1.1), nats, nats-tls (the server
speaks first: its INFO, then TLS on the same connection when it offers it). Each TLS row is
tried with three client identities: none, a throwaway certificate from a CA made in memory for
this run, and the given --cert; and with the revoked canary (--revoked-cert, or DIR's) as a
fourth. A port whose server speaks first (NATS, an SMTP banner) serves no other row: each says
what the server said.

served: answered with content (a refusal is not content).
client_auth:
  required     the handshake refuses none and the throwaway
  per-request  the handshake admits none and the throwaway, the request refuses both
               (HTTP 401/403, nginx's 400, gRPC 16/7, a renegotiation) and the given
               --cert is answered (or there is none to tell); refused with the same
               status with and without --cert is not per-request
  optional     a certificate is requested and never shown to decide: none admitted, any
               certificate admitted, or every identity refused alike; any TLS row whose
               handshake requested a certificate is at least optional
  none         no certificate requested (denied with and without one is not per-request)
untrusted_client_accepted: the throwaway got in where a certificate is demanded.
paths (JSON): each HTTP request per path and identity: outcome answered | redirect |
  refused | unanswered | not-checked, status, evidence; read these, not detail.
revoked_client_accepted (with --revoked-cert, or DIR's canary): true when a certificate the CA
  revoked got in (then mtls is unverified), false when refused, null when not established.
given_cert: accepted | refused: <alert or status> | not checked: <why> | null.

summary encrypted: all | partial (plaintext content too) | none | unreachable
summary mtls: enforced | partial | optional | unverified (an untrusted or revoked certificate
  admitted where one is demanded) | none
--strict exits 1 on plaintext content, mtls other than enforced, an untrusted server
certificate, an unreachable target, a TLS version below --min-tls (1.0 and 1.1 are tried with
a minimal ClientHello), a server certificate within --warn-days of expiry, or (--authz) a
cell of the matrix that differs from the policy.

--authz cells, read from the status alone: deny (HTTP 401/403, 400/495/496 over TLS, gRPC
16/7, a TLS refusal of the certificate), absent (HTTP 404, gRPC 12), allow (any other answer,
INVALID_ARGUMENT and 5xx included: the call got past authorization), not-checked (no answer).
";

/// Options of live TLS checks (`probe`, `verify HOST:PORT`).
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Trust bundle for the server chain [default: DIR/ca.crt when it exists].
    #[arg(long, value_name = "BUNDLE")]
    pub ca: Option<PathBuf>,
    /// Client certificate for mTLS.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client key for mTLS.
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Server name for SNI and verification [default: the target's host].
    #[arg(long)]
    pub servername: Option<String>,
    /// Timeout of each network step, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub timeout: f64,
    /// Path requested over HTTP (repeatable, for per-location client authentication)
    /// [default: /].
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Lowest TLS version the port may accept; `probe --strict` fails on an older one.
    #[arg(long, value_name = "VERSION", default_value = "1.2",
          value_parser = ["1.0", "1.1", "1.2", "1.3"])]
    pub min_tls: String,
    /// `probe --strict` fails when the server certificate expires within DAYS.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A certificate file (PEM chain or DER), or HOST:PORT for a live handshake.
    pub target: String,
    /// Trust bundle, client certificate, server name and timeout (the last three for a
    /// live check).
    #[command(flatten)]
    pub live: LiveArgs,
    /// CRL file(s) in one PEM file [default: DIR/crl.pem when --ca is not given and it exists].
    #[arg(long, value_name = "FILE")]
    pub crl: Option<PathBuf>,
    /// Host name or IP address the certificate must be valid for.
    #[arg(long)]
    pub host: Option<String>,
    /// Role the certificate must carry (OU and SPIFFE id).
    #[arg(long)]
    pub role: Option<String>,
    /// The cluster's SPIFFE trust domain, which --role requires of the certificate's SPIFFE id
    /// [default: DIR's].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// Purpose the certificate must allow.
    #[arg(long, value_parser = usage_parser())]
    pub usage: Option<crate::verify::Usage>,
    /// Verify as of this time (RFC 3339, e.g. 2027-01-01T00:00:00Z, or @UNIX-SECONDS).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// More certificates (PEM bundle) that may serve as intermediates; never trusted by themselves.
    #[arg(long, value_name = "FILE")]
    pub untrusted: Vec<PathBuf>,
    /// Accept a revocation status that cannot be established (no CRL, expired CRL); revoked still fails.
    #[arg(long)]
    pub no_revocation: bool,
    /// Live check: the protocol the port speaks over TLS, whose answer decides whether the
    /// handshake and --cert were accepted [default: detected from what the port answered].
    #[arg(long, value_enum, default_value_t = Protocol::Auto)]
    pub protocol: Protocol,
}

/// The protocol `verify HOST:PORT` checks a port with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// The protocol the port answered (PostgreSQL, Redis, MQTT, NATS, HTTP, WebSocket, gRPC),
    /// else plain TLS.
    Auto,
    /// HTTP/1.1 or HTTP/2 over TLS.
    Http,
    /// gRPC (health check) over TLS.
    Grpc,
    /// PostgreSQL: SSLRequest, then TLS, then a startup message.
    Postgres,
    /// Redis over TLS (PING).
    Redis,
    /// MQTT 3.1.1 over TLS (CONNECT).
    Mqtt,
    /// WebSocket over TLS (an HTTP/1.1 upgrade answered 101).
    Ws,
    /// NATS: the server's INFO, then TLS on the same connection, then CONNECT and PING.
    Nats,
    /// The TLS handshake only (a protocol secctl does not speak).
    Tls,
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
    #[arg(long, value_parser = key_type_parser(), default_value = "ecdsa-p256")]
    pub key_type: KeyType,
    /// Validity of the root in days.
    #[arg(long, default_value_t = 3650, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
    /// Also create an intermediate CA that signs everything afterwards.
    #[arg(long)]
    pub intermediate: bool,
    /// Protect the CA key(s) with a passphrase (age, scrypt); implied by --passphrase-file.
    #[arg(long)]
    pub encrypt_key: bool,
    /// Replace an existing CA (moved to DIR/attic/, never deleted).
    #[arg(long)]
    pub force: bool,
    /// Name constraints written on the CA certificates.
    #[command(flatten)]
    pub constraints: ConstraintArgs,
}

/// `ca init`'s name constraints: a critical nameConstraints extension on the root (and the
/// intermediate), so that nothing below it is valid for other names, even if signed.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Name constraints")]
pub struct ConstraintArgs {
    /// DNS subtree certificates may name (repeatable): `prod.example` permits it and every
    /// name below it, `.prod.example` only the names below it. Any --permit-dns makes every
    /// other DNS name invalid.
    #[arg(long = "permit-dns", value_name = "DOMAIN")]
    pub permit_dns: Vec<String>,
    /// IP block certificates may name (repeatable), ADDR/PREFIX (e.g. 10.0.0.0/8). Any
    /// --permit-ip makes every other IP address (of either family) invalid.
    #[arg(long = "permit-ip", value_name = "CIDR")]
    pub permit_ip: Vec<String>,
    /// DNS subtree no certificate may name, even inside a permitted one (repeatable).
    #[arg(long = "exclude-dns", value_name = "DOMAIN")]
    pub exclude_dns: Vec<String>,
    /// IP block no certificate may name, even inside a permitted one (repeatable).
    #[arg(long = "exclude-ip", value_name = "CIDR")]
    pub exclude_ip: Vec<String>,
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
    /// Certify a key made on the node: sign its CSR with secctl's identity (the key never leaves the node).
    Sign(SignArgs),
    /// Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr).
    Renew(RenewArgs),
    /// Issue the revoked canary: a client certificate (role canary) revoked at issuance, that
    /// probe tries on every TLS row to tell whether a server enforces revocation.
    #[command(after_help = CANARY_AFTER)]
    Canary(CanaryArgs),
    /// Show one certificate: by name, serial, or certificate file.
    Show {
        /// A name, a serial (hex, at least 8 digits) or a certificate file.
        target: String,
        /// Print the certificate itself (PEM, as the CA recorded it) instead of its fields:
        /// for openssl and other tools.
        #[arg(long)]
        pem: bool,
    },
    /// Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1.
    Export(ExportArgs),
}

/// Arguments of `cert canary`.
#[derive(Debug, Args)]
pub struct CanaryArgs {
    /// Issue a new canary even when the current one is revoked, from the issuing CA and
    /// valid for 30 days or more (otherwise it is left as it is).
    #[arg(long)]
    pub force: bool,
    /// Days until nextUpdate of the CRL published with it.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub crl_days: u32,
}

const CANARY_AFTER: &str = "\
The canary is certs/canary/canary.crt and .key: a client certificate of the issuing CA,
role canary, revoked before it is written, so every CRL published since lists it.
`secctl probe --dir DIR` tries it on every TLS row as a fourth identity: a server that
admits it does not enforce revocation (revoked_client_accepted: true, mtls unverified).
Deliver crl.pem to the servers first (`secctl apply` does). `ca rotate` issues a new
canary under the new CA; a canary that is not revoked, expired or from a previous CA is
not tried (probe says why). Without --force, a current canary is left as it is.";

/// Arguments of `cert export`.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("what").required(true).multiple(true).args(["p12", "pkcs1", "sec1"])
))]
pub struct ExportArgs {
    /// A name (its latest certificate), a serial or a certificate file.
    pub target: String,
    /// Write a PKCS#12 file (key, certificate, chain up to the root), mode 0600; its own
    /// passphrase is asked twice, or read from --p12-passphrase-file (never the CA key's).
    #[arg(long, value_name = "FILE")]
    pub p12: Option<PathBuf>,
    /// The PKCS#12 passphrase: first line of FILE (at least 8 characters; refused when it
    /// is the CA key's passphrase).
    #[arg(long, value_name = "FILE", env = "SECCTL_P12_PASSPHRASE_FILE", requires = "p12",
          value_hint = ValueHint::FilePath)]
    pub p12_passphrase_file: Option<PathBuf>,
    /// The PKCS#12 file in the legacy profile (3DES, SHA-1 MAC) for old Java, Windows and appliances.
    #[arg(long, requires = "p12")]
    pub legacy: bool,
    /// Write the key as PKCS#1 (`RSA PRIVATE KEY`, RSA keys only), mode 0600.
    #[arg(long, value_name = "FILE")]
    pub pkcs1: Option<PathBuf>,
    /// Write the key as SEC1 (`EC PRIVATE KEY`, ECDSA keys only), mode 0600.
    #[arg(long, value_name = "FILE")]
    pub sec1: Option<PathBuf>,
    /// Replace output files that exist.
    #[arg(long)]
    pub force: bool,
}

/// Options shared by node and client issuance.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Validity in days (capped at the issuing CA's end of validity) [default: 365].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36500), conflicts_with = "valid_for")]
    pub days: Option<u32>,
    /// Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA's end of validity).
    #[arg(long, value_name = "DURATION", value_parser = crate::pki::validity::parse_validity)]
    pub valid_for: Option<time::Duration>,
    /// Key algorithm [default: the CA's].
    #[arg(long, value_parser = key_type_parser())]
    pub key_type: Option<KeyType>,
    /// Output directory [default: DIR/certs/NAME].
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<PathBuf>,
    /// Issue even if a valid certificate with this name exists, and replace an existing
    /// `ca.crt` in the output directory that is not a bundle of this CA.
    #[arg(long)]
    pub force: bool,
}

impl IssueArgs {
    /// The validity asked for: `--valid-for`, else `--days`, else 365 days.
    pub fn validity(&self) -> time::Duration {
        validity_of(self.days, self.valid_for).unwrap_or(crate::pki::validity::DEFAULT_VALIDITY)
    }
}

/// `--valid-for`, else `--days` as a duration, else None.
pub fn validity_of(days: Option<u32>, valid_for: Option<time::Duration>) -> Option<time::Duration> {
    valid_for.or(days.map(|d| time::Duration::days(i64::from(d))))
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

/// Arguments of `cert sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The certificate signing request (PKCS#10, PEM or DER) made on the node.
    #[arg(value_name = "CSR")]
    pub csr: PathBuf,
    /// Role (OU and SPIFFE path), e.g. gitaly.
    #[arg(long, required = true)]
    pub role: String,
    /// Node (TLS server and client) or client (TLS client only).
    #[arg(long, value_enum, default_value_t = ListKind::Node)]
    pub kind: ListKind,
    /// DNS name or IP address the node is reached at (repeatable; nodes need one). The
    /// CSR's own SANs must be among them.
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Certificate name (CN) [default: the CSR's CN, which must then agree].
    #[arg(long)]
    pub name: Option<String>,
    /// Validity in days (capped at the issuing CA's end of validity) [default: 365].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36500), conflicts_with = "valid_for")]
    pub days: Option<u32>,
    /// Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA's end of validity).
    #[arg(long, value_name = "DURATION", value_parser = crate::pki::validity::parse_validity)]
    pub valid_for: Option<time::Duration>,
    /// Output directory for the certificate chain and ca.crt (no key) [default: DIR/certs/NAME].
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<PathBuf>,
    /// Issue even if a valid certificate with this name exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `cert renew`.
#[derive(Debug, Args)]
pub struct RenewArgs {
    /// A name (its latest certificate), a serial or a certificate file.
    pub target: String,
    /// Validity in days (capped at the issuing CA's end of validity) [default: the lifetime of the certificate renewed].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36500), conflicts_with = "valid_for")]
    pub days: Option<u32>,
    /// Validity as a duration: 90d, 24h, 15m, 1h30m [default: the lifetime of the certificate renewed].
    #[arg(long, value_name = "DURATION", value_parser = crate::pki::validity::parse_validity)]
    pub valid_for: Option<time::Duration>,
    /// Replace an existing `ca.crt` in the output directory that is not a bundle of this CA.
    #[arg(long)]
    pub force: bool,
    /// Keep the existing private key (read from the certificate's output directory).
    #[arg(long, conflicts_with = "csr")]
    pub reuse_key: bool,
    /// Certify the key of this new CSR made on the node (required for a certificate that was
    /// signed from a CSR: its key is not here). Name, role and hosts stay the certificate's.
    #[arg(long, value_name = "CSR")]
    pub csr: Option<PathBuf>,
    /// Revoke the old certificate (reason superseded) and publish a new CRL.
    #[arg(long)]
    pub revoke_old: bool,
    /// Run CMD (`sh -c`, 60 s timeout) after the renewed files are written, e.g. to reload
    /// the server; the files are in SECCTL_CHANGED_FILES. Exit 1 when it fails (the files
    /// stay in place).
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
}

/// Arguments of `cert list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Certificates ending within DURATION are listed as expiring (30d, 12h, 2w, 1d12h; a bare
    /// number is days, as `check --within`) [default: 30d]; when given, exit 1 if a listed
    /// live certificate is expiring or expired.
    #[arg(long, value_name = "DURATION", value_parser = crate::ground::duration::parse_duration)]
    pub expiring_within: Option<time::Duration>,
    /// Every certificate ever issued per name (superseded ones too), not only the newest.
    #[arg(long)]
    pub all: bool,
    /// Only certificates of this role.
    #[arg(long)]
    pub role: Option<String>,
    /// Only nodes or only clients.
    #[arg(long, value_enum)]
    pub kind: Option<ListKind>,
    /// Only certificates in this status (repeatable): valid, expiring, expired,
    /// not-yet-valid, revoked, superseded (a newer certificate has the same name; implies --all).
    #[arg(long = "status", value_name = "STATUS",
          value_parser = ["valid", "expiring", "expired", "not-yet-valid", "revoked", "superseded"])]
    pub statuses: Vec<String>,
    /// Only certificates of this name.
    #[arg(long)]
    pub name: Option<String>,
}

/// `cert list --kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListKind {
    /// serverAuth + clientAuth.
    Node,
    /// clientAuth only.
    Client,
}

/// Where shares go to: custodians' public keys.
#[derive(Debug, Args)]
pub struct RecipientArgs {
    /// Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable.
    #[arg(long = "recipient", value_name = "KEY")]
    pub recipients: Vec<String>,
    /// File of custodian public keys, one per line (# comments allowed).
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
}

/// `secctl key ...`
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Split FILE into N shares, any K of which restore it (Shamir over GF(256)).
    Split {
        /// The secret file.
        file: PathBuf,
        /// K: shares needed to restore.
        #[arg(long, value_parser = clap::value_parser!(u8).range(2..=255))]
        threshold: u8,
        /// N: shares made.
        #[arg(long, value_parser = clap::value_parser!(u8).range(2..=255))]
        shares: u8,
        /// Custodians to encrypt the shares to.
        #[command(flatten)]
        to: RecipientArgs,
        /// Directory for the share files [default: FILE.shares].
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out: Option<PathBuf>,
    },
    /// Combine K shares into the secret (on a terminal without SHARE: paste them one by one).
    Combine {
        /// Share files (armored text, or age-encrypted).
        #[arg(value_name = "SHARE")]
        shares: Vec<PathBuf>,
        /// age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable.
        #[arg(long = "identity", short = 'i', value_name = "FILE")]
        identities: Vec<PathBuf>,
        /// Where to write the secret (mode 0600; must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `secctl backup ...`
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares.
    Init {
        /// K.
        #[arg(long, value_parser = clap::value_parser!(u8).range(2..=255))]
        threshold: u8,
        /// N.
        #[arg(long, value_parser = clap::value_parser!(u8).range(2..=255))]
        shares: u8,
        /// Custodians to encrypt the shares to.
        #[command(flatten)]
        to: RecipientArgs,
        /// Directory for the share files [default: ./backup-shares-SPLIT].
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out: Option<PathBuf>,
        /// Replace an existing backup key (backups made with the old one then need the old shares).
        #[arg(long)]
        force: bool,
    },
    /// Archive the state directory, encrypted to the backup public key (no secret needed).
    Create {
        /// Output file [default: secctl-backup-TIMESTAMP.age].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Encrypt to a backup.pub whose fingerprint differs from the one pinned by `backup init`
        /// (only after checking the new fingerprint with the custodians), and pin the new one.
        #[arg(long)]
        accept_new_backup_key: bool,
    },
    /// Restore a backup into an empty directory with K shares of the backup key.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Share files. Repeatable.
        #[arg(long = "share", value_name = "SHARE", required = true)]
        shares: Vec<PathBuf>,
        /// Identity files to decrypt encrypted shares. Repeatable.
        #[arg(long = "identity", short = 'i', value_name = "FILE")]
        identities: Vec<PathBuf>,
        /// Target directory: must not exist or be empty.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        to: PathBuf,
    },
}

// ---- values of the library crates' enums ----------------------------------------------
//
// The PKI crate knows nothing of clap: these mirrors give its enums their command-line
// names and help, and the parsers below turn a value into the library's type.

/// `--key-type`: the key algorithms secctl generates (`pki::keys::KeyType` without `rsa`,
/// which only a node's own CSR carries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyTypeArg {
    /// ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it).
    EcdsaP256,
    /// ECDSA on NIST P-384 with SHA-384.
    EcdsaP384,
    /// Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance).
    Ed25519,
    /// RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA).
    #[value(name = "rsa-2048")]
    Rsa2048,
    /// RSA 3072 bits.
    #[value(name = "rsa-3072")]
    Rsa3072,
    /// RSA 4096 bits.
    #[value(name = "rsa-4096")]
    Rsa4096,
}

impl From<KeyTypeArg> for KeyType {
    fn from(k: KeyTypeArg) -> KeyType {
        match k {
            KeyTypeArg::EcdsaP256 => KeyType::EcdsaP256,
            KeyTypeArg::EcdsaP384 => KeyType::EcdsaP384,
            KeyTypeArg::Ed25519 => KeyType::Ed25519,
            KeyTypeArg::Rsa2048 => KeyType::Rsa2048,
            KeyTypeArg::Rsa3072 => KeyType::Rsa3072,
            KeyTypeArg::Rsa4096 => KeyType::Rsa4096,
        }
    }
}

/// `revoke --reason`: RFC 5280 reason codes (`revocation::Reason` without
/// `certificateHold`: a revocation here is final, so a hold could never be lifted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "camelCase")]
pub enum ReasonArg {
    /// No reason given (the reason code is then left out of the CRL, as RFC 5280 asks).
    Unspecified,
    /// The private key leaked.
    KeyCompromise,
    /// The CA key leaked.
    CaCompromise,
    /// The subject changed organisation or role.
    AffiliationChanged,
    /// Replaced by a newer certificate.
    Superseded,
    /// The node or client is gone.
    CessationOfOperation,
    /// A privilege was withdrawn.
    PrivilegeWithdrawn,
}

impl From<ReasonArg> for crate::revocation::Reason {
    fn from(r: ReasonArg) -> Self {
        use crate::revocation::Reason;
        match r {
            ReasonArg::Unspecified => Reason::Unspecified,
            ReasonArg::KeyCompromise => Reason::KeyCompromise,
            ReasonArg::CaCompromise => Reason::CaCompromise,
            ReasonArg::AffiliationChanged => Reason::AffiliationChanged,
            ReasonArg::Superseded => Reason::Superseded,
            ReasonArg::CessationOfOperation => Reason::CessationOfOperation,
            ReasonArg::PrivilegeWithdrawn => Reason::PrivilegeWithdrawn,
        }
    }
}

/// `verify --usage`: the purpose a certificate must serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UsageArg {
    /// TLS server (EKU serverAuth).
    Server,
    /// TLS client (EKU clientAuth).
    Client,
}

impl From<UsageArg> for crate::verify::Usage {
    fn from(u: UsageArg) -> Self {
        match u {
            UsageArg::Server => crate::verify::Usage::Server,
            UsageArg::Client => crate::verify::Usage::Client,
        }
    }
}

fn key_type_parser() -> impl clap::builder::TypedValueParser<Value = KeyType> {
    use clap::builder::TypedValueParser;
    clap::value_parser!(KeyTypeArg).map(KeyType::from)
}

fn reason_parser() -> impl clap::builder::TypedValueParser<Value = crate::revocation::Reason> {
    use clap::builder::TypedValueParser;
    clap::value_parser!(ReasonArg).map(crate::revocation::Reason::from)
}

fn usage_parser() -> impl clap::builder::TypedValueParser<Value = crate::verify::Usage> {
    use clap::builder::TypedValueParser;
    clap::value_parser!(UsageArg).map(crate::verify::Usage::from)
}

/// The command line parsed by its command alone, when it names one of the commands below
/// (`cert node`, `ca init`, ...): that command's arguments and the global options, nothing
/// of the other commands. The whole tree (every command's arguments, and the global options
/// copied into each command by clap) takes longer to build than `cert node` takes to issue.
/// `None` whenever the full parse could differ: an option before the command's name that is
/// not a global one, `--`, a word that is not UTF-8, another command, or any error, help
/// or version request (the full parse then reports it as before).
pub fn parse_leaf(args: &[std::ffi::OsString]) -> Option<Cli> {
    use clap::FromArgMatches;
    let globals = Globals::augment_args(clap::Command::new("secctl"));
    let mut rest = vec![args.first()?.clone()];
    let mut path: Vec<&str> = Vec::new();
    let mut i = 1;
    // Up to the command's name: global options (and their values) and the command words.
    let leaf = loop {
        let word = args.get(i)?.to_str()?;
        i += 1;
        if !word.starts_with('-') {
            path.push(word);
            match leaf(&path) {
                Some(l) => break l,
                None if path.len() < 2 => continue,
                None => return None,
            }
        }
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        let arg = globals.get_arguments().find(|a| {
            name.strip_prefix("--")
                .is_some_and(|l| a.get_long() == Some(l))
                || name.strip_prefix('-').is_some_and(|s| {
                    let mut c = s.chars();
                    c.next().is_some_and(|c| a.get_short() == Some(c)) && c.next().is_none()
                })
        })?;
        rest.push(args[i - 1].clone());
        if arg.get_action().takes_values() && inline.is_none() {
            rest.push(args.get(i)?.clone());
            i += 1;
        }
    };
    rest.extend(args[i..].iter().cloned());
    let cmd = Globals::augment_args((leaf.augment)(clap::Command::new(path.join("-"))));
    let m = cmd.try_get_matches_from(rest).ok()?;
    Some(Cli {
        globals: Globals::from_arg_matches(&m).ok()?,
        command: (leaf.command)(&m).ok()?,
    })
}

/// A command [`parse_leaf`] parses alone: its arguments, and the command built from them.
struct Leaf {
    augment: fn(clap::Command) -> clap::Command,
    command: fn(&clap::ArgMatches) -> Result<Command, clap::Error>,
}

/// The [`Leaf`] of a command path (its words, e.g. `["cert", "node"]`), when it is one.
fn leaf(path: &[&str]) -> Option<Leaf> {
    macro_rules! leaf {
        ($args:ty, $make:expr) => {
            Leaf {
                augment: <$args>::augment_args,
                command: |m| <$args as clap::FromArgMatches>::from_arg_matches(m).map($make),
            }
        };
    }
    Some(match path {
        ["ca", "init"] => leaf!(CaInitArgs, |a| Command::Ca(CaCommand::Init(a))),
        ["ca", "rotate"] => leaf!(CaRotateArgs, |a| Command::Ca(CaCommand::Rotate(a))),
        ["ca", "retire"] => leaf!(CaRetireArgs, |a| Command::Ca(CaCommand::Retire(a))),
        ["ca", "import"] => leaf!(CaImportArgs, |a| Command::Ca(CaCommand::Import(a))),
        ["cert", "node"] => leaf!(NodeArgs, |a| Command::Cert(CertCommand::Node(a))),
        ["cert", "client"] => leaf!(ClientArgs, |a| Command::Cert(CertCommand::Client(a))),
        ["cert", "list"] => leaf!(ListArgs, |a| Command::Cert(CertCommand::List(a))),
        ["cert", "sign"] => leaf!(SignArgs, |a| Command::Cert(CertCommand::Sign(a))),
        ["cert", "renew"] => leaf!(RenewArgs, |a| Command::Cert(CertCommand::Renew(a))),
        ["cert", "export"] => leaf!(ExportArgs, |a| Command::Cert(CertCommand::Export(a))),
        ["revoke"] => leaf!(RevokeArgs, Command::Revoke),
        ["verify"] => leaf!(VerifyArgs, Command::Verify),
        ["check"] => leaf!(CheckArgs, Command::Check),
        ["apply"] => leaf!(ApplyArgs, Command::Apply),
        _ => return None,
    })
}

/// What `secctl --version` prints (without its line break).
pub fn version_line() -> String {
    format!("secctl {}", env!("CARGO_PKG_VERSION"))
}
