//! Command implementations: the only layer that knows both the arguments and the printer.

use std::io::IsTerminal;
use std::path::PathBuf;

use age::secrecy::SecretString;

use crate::error::{Error, Result};
use crate::output::Printer;
use crate::pki::store::Store;

pub mod apply;
pub mod authz;
pub mod backup;
pub mod ca;
pub mod canary;
pub mod cert;
pub mod check;
pub mod demo;
pub mod dispatch;
pub mod docs;
pub mod export;
pub mod hook;
pub mod import;
pub mod key;
pub mod probe;
pub mod probe_authz;
pub mod probe_prom;
pub mod revoke;
pub mod serve;
pub mod store;
pub mod verify;
pub mod verify_live;
pub mod verify_report;

/// What every command gets: the state directory, the printer, and the global answers.
pub struct Ctx {
    /// The state directory.
    pub store: Store,
    /// Where results go.
    pub printer: Printer,
    /// `--yes` was given.
    pub yes: bool,
    /// `--passphrase-file` / `SECCTL_PASSPHRASE_FILE`.
    pub passphrase_file: Option<PathBuf>,
}

pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Trust material for checking certificates: `--ca BUNDLE` with `--crl` as given, or by
/// default the state directory's `ca.crt` and, when it exists, its `crl.pem` (an explicit
/// `--crl` wins).
pub struct Trust {
    /// The trust bundle, when given or present in the state directory.
    pub bundle: Option<PathBuf>,
    /// The CRL file, when given or (with the default bundle) present.
    pub crl: Option<PathBuf>,
}

impl Trust {
    /// The bundle, or a usage error saying how to give one.
    pub fn require_bundle(&self, ctx: &Ctx) -> Result<PathBuf> {
        self.bundle.clone().ok_or_else(|| {
            Error::Usage(format!(
                "no trust bundle: pass --ca BUNDLE (or --dir to a state directory; {} does not exist)",
                ctx.store.path("ca.crt").display()
            ))
        })
    }
}

impl Ctx {
    /// Resolve `--ca` / `--crl` against the state directory's defaults.
    pub fn trust(&self, ca: Option<&PathBuf>, crl: Option<&PathBuf>) -> Trust {
        match ca {
            Some(b) => Trust {
                bundle: Some(b.clone()),
                crl: crl.cloned(),
            },
            None => {
                let b = self.store.path("ca.crt");
                let default_crl = self.store.path("crl.pem");
                Trust {
                    bundle: b.exists().then_some(b),
                    crl: crl
                        .cloned()
                        .or_else(|| default_crl.exists().then_some(default_crl)),
                }
            }
        }
    }

    /// The cluster's SPIFFE trust domain for the identity rule (`pki::identity`): `--trust-domain`
    /// when given, else the state directory's. `needed_by` names the option that needs it
    /// (`--role`, `--allow-role`): without it, an unknown trust domain is no error.
    pub fn trust_domain(
        &self,
        flag: Option<&String>,
        needed_by: Option<&str>,
    ) -> Result<Option<String>> {
        if let Some(td) = flag {
            crate::pki::names::check_trust_domain(td)?;
            return Ok(Some(td.clone()));
        }
        if self.store.is_initialized() {
            return Ok(Some(self.store.config()?.trust_domain));
        }
        match needed_by {
            Some(opt) => Err(Error::Usage(format!(
                "{opt} needs the cluster's SPIFFE trust domain: pass --trust-domain DOMAIN (no CA in {})",
                self.store.name()
            ))),
            None => Ok(None),
        }
    }

    /// Ask for confirmation: `--yes` answers it; on a terminal the user is asked; without
    /// a terminal the action is refused (never a hidden prompt in a pipeline).
    pub fn confirm(&self, question: &str) -> Result<()> {
        if self.yes {
            return Ok(());
        }
        if !interactive() {
            return Err(Error::Usage(format!(
                "{question} Refusing without a terminal to ask on; pass --yes to confirm"
            )));
        }
        let ok = dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|e| Error::Usage(format!("confirmation failed: {e}")))?;
        if ok {
            Ok(())
        } else {
            Err(Error::Usage("aborted, nothing changed".into()))
        }
    }

    /// The passphrase of the CA's keys when they are encrypted (asked or read once), else None.
    pub fn ca_passphrase(&self, cfg: &crate::pki::store::Config) -> Result<Option<SecretString>> {
        if cfg.encrypted {
            self.passphrase(false).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Run `f`, which decrypts the CA key with `passphrase`, behind a spinner (scrypt takes
    /// seconds). A wrong passphrase typed on a terminal is asked again, three tries in all
    /// (`passphrase` then holds the right one); from a file it fails at once.
    pub fn with_ca_key<T>(
        &self,
        passphrase: &mut Option<SecretString>,
        f: impl Fn(Option<&SecretString>) -> Result<T>,
    ) -> Result<T> {
        const TRIES: u32 = 3;
        let mut tried = 1;
        loop {
            let r = {
                let _s = passphrase
                    .as_ref()
                    .map(|_| crate::output::Spinner::start("decrypting the CA key (scrypt)"));
                f(passphrase.as_ref())
            };
            match r {
                Err(Error::Input { problem, input })
                    if passphrase.is_some()
                        && self.passphrase_file.is_none()
                        && problem.starts_with("wrong passphrase")
                        && tried < TRIES
                        && interactive() =>
                {
                    self.printer.note(&format!(
                        "{input}: {problem}; try again ({} of {TRIES})",
                        tried + 1
                    ));
                    *passphrase = Some(self.passphrase(false)?);
                    tried += 1;
                }
                r => return r,
            }
        }
    }

    /// The CA passphrase: from `--passphrase-file`/`SECCTL_PASSPHRASE_FILE`, else asked with
    /// a hidden prompt on a terminal (twice when `new`). Never from the command line. A file
    /// that others can read is used with a warning; a new passphrase must have at least 8
    /// characters and not be only whitespace.
    pub fn passphrase(&self, new: bool) -> Result<SecretString> {
        if let Some(p) = &self.passphrase_file {
            return read_passphrase_file(self, p, new, "passphrase file");
        }
        if !interactive() {
            return Err(Error::Usage(if new {
                "encrypting the new CA key needs a passphrase and there is no terminal to ask \
                 for one on: pass --passphrase-file FILE or set SECCTL_PASSPHRASE_FILE"
                    .into()
            } else {
                "the CA key is passphrase-protected and there is no terminal to ask on: \
                 pass --passphrase-file FILE or set SECCTL_PASSPHRASE_FILE"
                    .into()
            }));
        }
        let mut prompt = dialoguer::Password::new().with_prompt("CA key passphrase");
        if new {
            prompt = prompt
                .with_confirmation("Repeat the passphrase", "the passphrases do not match")
                .validate_with(|s: &String| check_new_passphrase(s));
        }
        let s = prompt
            .interact()
            .map_err(|e| Error::Usage(format!("passphrase prompt failed: {e}")))?;
        Ok(SecretString::from(s))
    }
}

/// A passphrase from the first line of `p` (`what` names the file in errors: `passphrase
/// file`, `PKCS#12 passphrase file`). A file others can read is used with a warning; a new
/// passphrase (`new`) must pass [`check_new_passphrase`].
pub(crate) fn read_passphrase_file(
    ctx: &Ctx,
    p: &std::path::Path,
    new: bool,
    what: &str,
) -> Result<SecretString> {
    let text = zeroize::Zeroizing::new(ctx.store.files().read_text(p).map_err(|e| match e {
        Error::Input { input, problem } => Error::Input {
            input: format!("{what} {input}"),
            problem,
        },
        Error::Io { context, source } => Error::Io {
            context: format!("{what}: {context}"),
            source,
        },
        e => e,
    })?);
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(Error::path(
            p,
            "empty passphrase (the first line of the file is used)",
        ));
    }
    if new {
        check_new_passphrase(line).map_err(|why| Error::path(p, why))?;
    }
    if let Some(w) = readable_by_others(p) {
        ctx.printer.note(&w);
    }
    Ok(SecretString::from(line.to_owned()))
}

/// Whether `s` may protect a new key: at least 8 characters, not only whitespace.
pub(crate) fn check_new_passphrase(s: &str) -> std::result::Result<(), &'static str> {
    if s.trim().is_empty() {
        Err("passphrase is only whitespace: choose one with at least 8 other characters")
    } else if s.chars().count() < 8 {
        Err("passphrase too short (at least 8 characters)")
    } else {
        Ok(())
    }
}

/// A warning when a passphrase file can be read by its group or by others (as ssh warns
/// about a private key with open permissions).
pub(crate) fn readable_by_others(p: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).ok()?.permissions().mode();
    (mode & 0o044 != 0).then(|| {
        format!(
            "warning: passphrase file {} is readable by others (mode {:04o}): chmod 600 it",
            p.display(),
            mode & 0o7777
        )
    })
}

/// Ask for the passphrase of an encrypted custodian identity (an age identity file
/// encrypted with a passphrase, or a passphrase-protected OpenSSH key) on the terminal, as
/// the age CLI does; without a terminal, a one-line error naming the file.
pub fn identity_passphrase(path: &std::path::Path) -> Result<SecretString> {
    if !interactive() {
        return Err(Error::path(
            path,
            "the identity is passphrase-protected and there is no terminal to ask for its \
             passphrase on: run on a terminal, or decrypt a copy first (age -d, ssh-keygen -p)",
        ));
    }
    let s = dialoguer::Password::new()
        .with_prompt(format!(
            "Passphrase for identity {}",
            crate::term::escape(&path.display().to_string())
        ))
        .allow_empty_password(false)
        .interact()
        .map_err(|e| Error::Usage(format!("passphrase prompt failed: {e}")))?;
    Ok(SecretString::from(s))
}

pub use crate::ground::runtime::runtime;

/// A timeout in seconds from the command line.
pub fn timeout_arg(secs: f64) -> Result<std::time::Duration> {
    if !(0.01..=3600.0).contains(&secs) {
        return Err(Error::Usage(format!(
            "invalid --timeout {secs}: give seconds between 0.01 and 3600"
        )));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}
