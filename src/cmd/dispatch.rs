//! Runs a parsed command line: the state directory (local or an etcd working copy), the
//! printer, and the command. Apart from `cmd`'s shared pieces (`Ctx`, ...) so that a
//! command may use them without importing the dispatcher that imports it.

use crate::cli::{CaCommand, CertCommand, Cli, Command};
use crate::cmd::{
    apply, authz, backup, ca, cert, check, demo, docs, export, import, key, probe, revoke, serve,
    store, timeout_arg, verify, Ctx,
};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::pki::store::Store;

/// Run a parsed command line; `Ok(code)` is 0 or 1 (a check found a problem).
pub fn run(cli: Cli) -> Result<u8> {
    // Library code (the state lock) tells its waits to the observer: on stderr.
    crate::ground::observe::install(Box::new(crate::output::StderrObserver));
    // The state directory: refused when another user could write it, and its files are
    // never opened through a symbolic link (as OpenSSH's StrictModes); the policy goes
    // with the store's handle and the etcd options, never into a process-wide variable.
    let dirs = dir_policy(&cli);
    if let Command::Store(crate::cli::StoreCommand::Copy { from, to }) = &cli.command {
        let opts = etcd_options(&cli)?;
        let ctx = Ctx {
            store: Store::new(cli.globals.dir.clone(), dirs),
            printer: Printer::new(cli.globals.output),
            yes: cli.globals.yes,
            passphrase_file: cli.globals.passphrase_file.clone(),
        };
        return store::copy(&ctx, from, to, &opts);
    }
    // On etcd, the command runs on a working copy of the state (see `crate::etcd`).
    let session = match &cli.globals.store {
        Some(url)
            if !matches!(
                cli.command,
                Command::Completions { .. } | Command::Man { .. } | Command::Demo
            ) =>
        {
            let url = crate::etcd::StoreUrl::parse(url)?;
            if let Command::Ca(crate::cli::CaCommand::Init(a)) = &cli.command {
                if !a.encrypt_key && cli.globals.passphrase_file.is_none() {
                    return Err(Error::input(
                        url.display(),
                        "CA keys on etcd must be encrypted: pass --encrypt-key (or \
                         --passphrase-file)",
                    ));
                }
            }
            let opts = etcd_options(&cli)?;
            Some(crate::etcd::Session::open(
                &url,
                &opts,
                writes(&cli.command),
            )?)
        }
        _ => None,
    };
    let dir = session
        .as_ref()
        .map_or_else(|| cli.globals.dir.clone(), |s| s.dir().to_path_buf());
    let mut tightened = None;
    if !matches!(
        cli.command,
        Command::Completions { .. } | Command::Man { .. } | Command::Demo
    ) {
        dirs.check_dir(&dir)?;
        dirs.check_ancestors(&dir)?;
        tightened = dirs.tighten_state_dir(&dir)?.map(|m| (dir.clone(), m));
    }
    let mut store = Store::new(dir, dirs);
    if let Some(s) = &session {
        store = store.labelled(s.url().display());
    }
    let ctx = Ctx {
        store,
        printer: Printer::new(cli.globals.output),
        yes: cli.globals.yes,
        passphrase_file: cli.globals.passphrase_file.clone(),
    };
    if let Some((d, mode)) = tightened {
        ctx.printer.note(&format!(
            "{}: state directory was mode {mode:04o} (others could read it): tightened to 0700",
            d.display()
        ));
    }
    // A writer on etcd holds back what it prints, and the files it delivers, until its
    // changes are on etcd: when the write-back fails, "200 created" on stdout would be
    // untrue and a delivered certificate would have no record (the error says what was
    // written).
    let holding = session.is_some() && writes(&cli.command);
    if holding {
        crate::output::hold();
        ctx.store.defer_deliveries();
    }
    let r = match cli.command {
        Command::Ca(CaCommand::Import(a)) => import::run(&ctx, a),
        Command::Ca(c) => ca::run(&ctx, c),
        Command::Cert(CertCommand::Export(a)) => export::run(&ctx, a),
        Command::Cert(c) => cert::run(&ctx, c),
        Command::Revoke(a) => revoke::revoke(&ctx, a),
        Command::Crl {
            out: Some(out), ca, ..
        } => revoke::crl_copy(&ctx, &out, ca.as_deref()),
        Command::Crl {
            days,
            root_crl_days,
            out: None,
            ..
        } => revoke::crl(&ctx, days, root_crl_days),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::Check(a) => check::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Demo => demo::run(&ctx),
        Command::Apply(a) => apply::run(&ctx, a),
        Command::Key(c) => key::run(&ctx, c),
        Command::Backup(c) => backup::run(&ctx, c),
        Command::Store(crate::cli::StoreCommand::Check { repair }) => store::check(&ctx, repair),
        Command::Store(crate::cli::StoreCommand::Copy { .. }) => unreachable!("handled above"),
        Command::Probe(a) => probe::run(&ctx, a),
        Command::Authz(c) => authz::run(&ctx, c),
        Command::Completions { shell } => docs::completions(&ctx, shell),
        Command::Man { out } => docs::man(&ctx, &out),
    };
    // What the command changed goes back to etcd even when it failed afterwards (its
    // writes are crash-consistent); the command's own error comes first.
    // The etcd backend's error becomes the binary's here, once, with its exit class.
    let mut finished = session.map(|s| s.finish().map_err(Error::from));
    if holding {
        // The certificates are handed out once etcd has their records; never otherwise.
        match finished {
            Some(Ok(())) => {
                if let Err(e) = ctx.store.deliver_deferred() {
                    finished = Some(Err(e));
                }
            }
            _ => ctx.store.drop_deferred(),
        }
        crate::output::release(!matches!(finished, Some(Err(_))))?;
    }
    match (r, finished) {
        (Err(e), _) => Err(e),
        (Ok(_), Some(Err(e))) => Err(e),
        (Ok(code), _) => Ok(code),
    }
}

/// Whether a command may change the state (it then takes etcd's lock and writes back).
fn writes(c: &Command) -> bool {
    use crate::cli::{BackupCommand, CaCommand, CertCommand, StoreCommand};
    !matches!(
        c,
        Command::Ca(CaCommand::Show | CaCommand::Bundle { .. })
            | Command::Crl { out: Some(_), .. }
            | Command::Cert(CertCommand::List(_) | CertCommand::Show { .. })
            | Command::Verify(_)
            | Command::Probe(_)
            | Command::Authz(_)
            | Command::Check(_)
            | Command::Serve(_)
            | Command::Key(_)
            | Command::Backup(BackupCommand::Create { .. })
            | Command::Store(StoreCommand::Check { repair: false })
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Demo
    )
}

/// The etcd options of the command line.
pub fn etcd_options(cli: &Cli) -> Result<crate::etcd::Options> {
    Ok(crate::etcd::Options {
        tls: cli
            .globals
            .etcd_ca
            .as_ref()
            .map(|ca| crate::etcd::client::TlsFiles {
                ca: ca.clone(),
                client: cli
                    .globals
                    .etcd_cert
                    .clone()
                    .zip(cli.globals.etcd_key.clone()),
                files: crate::pki::fsio::StateDir::none(),
            }),
        timeout: timeout_arg(cli.globals.etcd_timeout)?,
        cache: crate::etcd::default_cache(),
        dirs: dir_policy(cli),
    })
}

/// How far directories are trusted (`--insecure-dirs`).
fn dir_policy(cli: &Cli) -> crate::pki::fsio::DirPolicy {
    crate::pki::fsio::DirPolicy {
        insecure_ok: cli.globals.insecure_dirs,
    }
}
