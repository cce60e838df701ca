//! `secctl ca import`: adopt an existing CA (see `pki::import`).

use std::path::Path;

use age::secrecy::SecretString;

use crate::cli::CaImportArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::import;
use crate::pki::names;
use crate::term::cell;

/// The passphrase of an encrypted key file being imported: the first line of
/// `--key-passphrase-file`, else asked on the terminal; without either, a one-line refusal
/// naming the key file.
fn key_passphrase(ctx: &Ctx, file: Option<&Path>, key: &Path) -> Result<SecretString> {
    if let Some(f) = file {
        let text = zeroize::Zeroizing::new(ctx.store.files().read_text(f)?);
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            return Err(Error::path(
                f,
                "empty passphrase (the first line of the file is used)",
            ));
        }
        if let Some(w) = crate::cmd::readable_by_others(f) {
            ctx.printer.note(&w);
        }
        return Ok(SecretString::from(line.to_owned()));
    }
    if !crate::cmd::interactive() {
        return Err(Error::path(
            key,
            "is encrypted and there is no terminal to ask for its passphrase on: pass --key-passphrase-file FILE",
        ));
    }
    let s = dialoguer::Password::new()
        .with_prompt(format!(
            "Passphrase of {}",
            crate::term::escape(&key.display().to_string())
        ))
        .interact()
        .map_err(|e| Error::Usage(format!("passphrase prompt failed: {e}")))?;
    Ok(SecretString::from(s))
}

/// Run `ca import`.
pub fn run(ctx: &Ctx, a: CaImportArgs) -> Result<u8> {
    names::check_cluster_name(&a.name)?;
    let trust_domain = match &a.trust_domain {
        Some(td) => {
            names::check_trust_domain(td)?;
            td.clone()
        }
        None => crate::cmd::ca::default_trust_domain(&a.name)?,
    };
    let store = &ctx.store;
    let exists = || -> Result<()> {
        if store.is_initialized() {
            return Err(Error::Usage(format!(
                "a CA already exists in {}: import into an empty state directory (--dir DIR)",
                store.root().display()
            )));
        }
        Ok(())
    };
    exists()?;
    let kpf = a.key_passphrase_file.as_deref();
    let mut ask = |key: &Path| key_passphrase(ctx, kpf, key);
    let root = import::read_pair(&a.cert, &a.key, &mut ask)?;
    let inter = match (&a.intermediate_cert, &a.intermediate_key) {
        (Some(c), Some(k)) => Some(import::read_pair(c, k, &mut ask)?),
        _ => None,
    };
    import::check(&root, inter.as_ref(), time::OffsetDateTime::now_utc())?;
    let encrypt = a.encrypt_key || ctx.passphrase_file.is_some();
    if encrypt && !a.encrypt_key {
        ctx.printer.note(
            "a passphrase file is given: the CA key is stored encrypted with it (as with --encrypt-key)",
        );
    }
    let passphrase = if encrypt {
        Some(ctx.passphrase(true)?)
    } else {
        None
    };
    let _lock = store.lock()?;
    exists()?;
    let rep = {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the CA key (scrypt)"));
        import::write(
            store,
            &a.name,
            &trust_domain,
            a.key_type,
            &root,
            inter.as_ref(),
            passphrase.as_ref(),
        )?
    };
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&rep)?;
        return Ok(0);
    }
    let c = &rep.created;
    p.line(&crate::cmd::ca::made_line("imported CA into", store, c))?;
    let mut rows = vec![
        ("root", cell(&c.root.subject)),
        ("sha256", c.root.sha256_fingerprint.clone()),
        ("expires", c.root.not_after.date().to_string()),
    ];
    if let Some(i) = &c.intermediate {
        rows.push(("intermediate", cell(&i.subject)));
        rows.push(("  expires", i.not_after.date().to_string()));
    }
    rows.push(("trust bundle", store.shown("ca.crt")));
    rows.push(("issued key type", rep.default_key_type.to_string()));
    p.kv(&rows)?;
    Ok(0)
}
