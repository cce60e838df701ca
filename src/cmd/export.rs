//! `secctl cert export`: a certificate with its key as PKCS#12, or the key as PKCS#1/SEC1.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use serde::Serialize;

use crate::cli::ExportArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::fsio::SECRET_MODE;
use crate::pki::{ca, inspect, keyfmt, keys, p12};

#[derive(Serialize)]
struct Files {
    p12: Option<PathBuf>,
    pkcs1: Option<PathBuf>,
    sec1: Option<PathBuf>,
}

#[derive(Serialize)]
struct ExportReport {
    name: String,
    serial: String,
    key_type: String,
    files: Files,
    /// Subjects of the certificates in the PKCS#12 file, leaf first (null without --p12).
    chain: Option<Vec<String>>,
    p12_profile: Option<p12::Profile>,
}

/// The PKCS#12 passphrase: `--p12-passphrase-file` (or `SECCTL_P12_PASSPHRASE_FILE`), else
/// asked twice on the terminal; at least 8 characters. Never the CA key's passphrase: a
/// `.p12` handed to a Java or Windows consumer would otherwise be a cheap offline oracle
/// for it (PBKDF2 against the CA key's scrypt).
fn export_passphrase(ctx: &Ctx, file: Option<&Path>) -> Result<SecretString> {
    let pass = match file {
        Some(f) => crate::cmd::read_passphrase_file(ctx, f, true, "PKCS#12 passphrase file")?,
        None if ctx.passphrase_file.is_some() && !crate::cmd::interactive() => {
            return Err(Error::Usage(
                "the PKCS#12 file needs its own passphrase, not the CA key's (--passphrase-file): \
                 pass --p12-passphrase-file FILE"
                    .into(),
            ))
        }
        None if !crate::cmd::interactive() => {
            return Err(Error::Usage(
                "the PKCS#12 file needs an export passphrase and there is no terminal to ask for one on: \
                 pass --p12-passphrase-file FILE"
                    .into(),
            ))
        }
        None => {
            let s = dialoguer::Password::new()
                .with_prompt("PKCS#12 export passphrase (not the CA key's)")
                .with_confirmation("Repeat the passphrase", "the passphrases do not match")
                .validate_with(|s: &String| crate::cmd::check_new_passphrase(s))
                .interact()
                .map_err(|e| Error::Usage(format!("passphrase prompt failed: {e}")))?;
            SecretString::from(s)
        }
    };
    refuse_ca_passphrase(ctx, &pass, file)?;
    Ok(pass)
}

/// Refuse a PKCS#12 passphrase that is the CA key's: compared with the CA passphrase file
/// when one is given, else tried on the encrypted CA key itself.
fn refuse_ca_passphrase(ctx: &Ctx, pass: &SecretString, file: Option<&Path>) -> Result<()> {
    use age::secrecy::ExposeSecret;
    let store = &ctx.store;
    let cfg = store.config()?;
    if !cfg.encrypted {
        return Ok(());
    }
    let same = match &ctx.passphrase_file {
        Some(_) => {
            let ca = ctx.passphrase(false)?;
            ca.expose_secret() == pass.expose_secret()
        }
        None => {
            let _s = crate::output::Spinner::start("checking the passphrase is not the CA key's");
            keys::load_private_key_in(store.files(), &ca::key_path(store, &cfg), Some(pass)).is_ok()
        }
    };
    if same {
        let what = file.map_or_else(
            || "the PKCS#12 passphrase".to_string(),
            |f| f.display().to_string(),
        );
        return Err(Error::input(
            what,
            "is the CA key's passphrase: give the PKCS#12 file a passphrase of its own (whoever receives the \
             file could otherwise test guesses of the CA passphrase offline)",
        ));
    }
    Ok(())
}

/// The root that issued `top` (the last certificate of a chain): among the roots of every
/// CA generation, the one named as its issuer whose key verifies its signature.
fn root_of(store: &crate::pki::store::Store, top: &[u8]) -> Result<Option<Vec<u8>>> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, t) = X509Certificate::from_der(top).map_err(Error::internal)?;
    if t.subject().as_raw() == t.issuer().as_raw() {
        return Ok(None);
    }
    for g in ca::generations(store)? {
        let ders = inspect::parse_pem_certs(&g.dir.display().to_string(), &g.root_pem)?;
        for d in ders {
            let (_, r) = X509Certificate::from_der(&d).map_err(Error::internal)?;
            if r.subject().as_raw() == t.issuer().as_raw()
                && t.verify_signature(Some(r.public_key())).is_ok()
            {
                return Ok(Some(d));
            }
        }
    }
    Err(Error::Input {
        input: store.path("ca.crt").display().to_string(),
        problem: "no root of this state directory issued the certificate's chain".into(),
    })
}

fn check_target(p: &Path, force: bool) -> Result<()> {
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(Error::path(p, "its directory does not exist"));
    }
    if p.symlink_metadata().is_ok() && !force {
        return Err(Error::path(p, "exists (pass --force to replace it)"));
    }
    if p.is_dir() {
        return Err(Error::path(p, "is a directory"));
    }
    Ok(())
}

/// Run `cert export`.
pub fn run(ctx: &Ctx, a: ExportArgs) -> Result<u8> {
    let store = &ctx.store;
    let rec = crate::cmd::cert::resolve(ctx, &a.target)?
        .pop()
        .ok_or_else(|| Error::internal("empty resolution"))?;
    let outs: Vec<&PathBuf> = [&a.p12, &a.pkcs1, &a.sec1].into_iter().flatten().collect();
    for (i, o) in outs.iter().enumerate() {
        check_target(o, a.force)?;
        if outs[..i].contains(o) {
            return Err(Error::path(o, "given for two outputs"));
        }
    }
    let now = time::OffsetDateTime::now_utc();
    if crate::cmd::cert::revoked_set(ctx)?.contains(&rec.serial) {
        return Err(Error::input(
            &a.target,
            format!(
                "certificate {} is revoked: issue a new one first",
                rec.serial
            ),
        ));
    }
    if rec.not_after <= now {
        return Err(Error::input(
            &a.target,
            format!(
                "certificate {} expired on {}: renew it first",
                rec.serial,
                crate::output::fmt_time(rec.not_after)
            ),
        ));
    }
    // The delivered files, which must still be this certificate's.
    let cert_path = rec.out_dir.join(format!("{}.crt", rec.name));
    let key_path = rec.out_dir.join(format!("{}.key", rec.name));
    let chain =
        crate::pki::pemfile::read_in(store.files(), &cert_path, "CERTIFICATE", "certificate")?;
    let leaf_info = inspect::CertInfo::from_der(&cert_path.display().to_string(), &chain[0])?;
    if leaf_info.serial != rec.serial {
        return Err(Error::path(
            &cert_path,
            format!(
                "holds serial {}, not {}: export the certificate delivered there (secctl cert export {})",
                leaf_info.serial, rec.serial, leaf_info.serial
            ),
        ));
    }
    let key = keys::load_private_key_in(store.files(), &key_path, None)?;
    ca::check_key_matches(&key_path, &key, &chain[0])
        .map_err(|_| Error::path(&key_path, format!("does not match {}", cert_path.display())))?;
    let name = key_path.display().to_string();
    let mut batch = ctx.store.batch();
    let mut report_chain = None;
    if let Some(p) = &a.pkcs1 {
        let pem = keyfmt::to_pkcs1_pem(&name, &key)?;
        batch.write(p, pem.as_bytes(), SECRET_MODE)?;
    }
    if let Some(p) = &a.sec1 {
        let pem = keyfmt::to_sec1_pem(&name, &key)?;
        batch.write(p, pem.as_bytes(), SECRET_MODE)?;
    }
    if let Some(p) = &a.p12 {
        let mut full = chain.clone();
        if let Some(root) = root_of(store, full.last().map(Vec::as_slice).unwrap_or(&[]))? {
            full.push(root);
        }
        let subjects = full
            .iter()
            .map(|d| inspect::CertInfo::from_der("chain", d).map(|i| i.subject))
            .collect::<Result<Vec<_>>>()?;
        let pass = export_passphrase(ctx, a.p12_passphrase_file.as_deref())?;
        let bytes = {
            let _s = crate::output::Spinner::start("encrypting the PKCS#12 file");
            p12::build(&rec.name, &key, &full, &pass, a.legacy)?
        };
        batch.write(p, &bytes, SECRET_MODE)?;
        report_chain = Some(subjects);
    }
    batch.commit()?;
    let rep = ExportReport {
        name: rec.name.clone(),
        serial: rec.serial.clone(),
        key_type: leaf_info.key_type.clone(),
        files: Files {
            p12: a.p12.clone(),
            pkcs1: a.pkcs1.clone(),
            sec1: a.sec1.clone(),
        },
        chain: report_chain,
        p12_profile: a.p12.as_ref().map(|_| p12::profile(a.legacy)),
    };
    let pr = &ctx.printer;
    if pr.is_json() {
        pr.json(&rep)?;
        return Ok(0);
    }
    pr.line(&format!(
        "exported {} {:?}, serial {}",
        rec.kind.as_str(),
        rec.name,
        rec.serial
    ))?;
    let mut rows = vec![];
    if let (Some(p), Some(c), Some(prof)) = (&rep.files.p12, &rep.chain, &rep.p12_profile) {
        rows.push((
            "p12",
            format!(
                "{} ({} certificate(s), {} profile: {}, {})",
                p.display(),
                c.len(),
                prof.name,
                prof.encryption,
                prof.mac
            ),
        ));
    }
    if let Some(p) = &rep.files.pkcs1 {
        rows.push(("pkcs1 key", p.display().to_string()));
    }
    if let Some(p) = &rep.files.sec1 {
        rows.push(("sec1 key", p.display().to_string()));
    }
    pr.kv(&rows)?;
    Ok(0)
}
