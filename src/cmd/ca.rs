//! `secctl ca init` and `secctl ca show`.

use serde::Serialize;

use crate::cli::{CaCommand, CaInitArgs, CaRotateArgs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::fmt_time;
use crate::pki::ca::{self, InitMode, InitOptions};
use crate::pki::inspect::{self, CertInfo};
use crate::pki::names;
use crate::pki::store::Config;
use crate::term::cell;

/// Dispatch `ca` subcommands.
pub fn run(ctx: &Ctx, cmd: CaCommand) -> Result<u8> {
    match cmd {
        CaCommand::Init(a) => init(ctx, a),
        CaCommand::Show => show(ctx),
        CaCommand::Rotate(a) => rotate(ctx, a),
        CaCommand::Import(a) => crate::cmd::import::run(ctx, a),
    }
}

pub(crate) fn default_trust_domain(cluster: &str) -> Result<String> {
    let td = format!("{}.local", cluster.to_ascii_lowercase());
    names::check_trust_domain(&td).map_err(|_| {
        Error::Usage(format!(
            "cannot derive a trust domain from cluster name {cluster:?}: pass --trust-domain"
        ))
    })?;
    Ok(td)
}

fn init(ctx: &Ctx, a: CaInitArgs) -> Result<u8> {
    names::check_cluster_name(&a.name)?;
    let trust_domain = match a.trust_domain {
        Some(td) => {
            names::check_trust_domain(&td)?;
            td
        }
        None => default_trust_domain(&a.name)?,
    };
    let store = &ctx.store;
    // Checked before asking anything or writing anything, and again under the lock.
    let exists = || -> Result<()> {
        if store.is_initialized() && !a.force {
            return Err(Error::Usage(format!(
                "a CA already exists in {} (pass --force to replace it; the old one is kept in {}/attic)",
                store.root().display(),
                store.root().display()
            )));
        }
        Ok(())
    };
    exists()?;
    let replace = store.is_initialized();
    if replace {
        ctx.confirm(&format!(
            "Replace the CA in {}? Certificates it issued will no longer be trusted.",
            store.root().display()
        ))?;
    }
    // A passphrase file (`--passphrase-file`, `SECCTL_PASSPHRASE_FILE`) means the key is
    // to be encrypted with it: never a key written in clear while a passphrase was given.
    let encrypt = a.encrypt_key || ctx.passphrase_file.is_some();
    if encrypt && !a.encrypt_key {
        ctx.printer.note(
            "a passphrase file is given: the CA key is encrypted with it (as with --encrypt-key)",
        );
    }
    let passphrase = if encrypt {
        Some(ctx.passphrase(true)?)
    } else {
        None
    };
    let _lock = store.lock()?;
    exists()?;
    let opts = InitOptions {
        cluster: a.name,
        trust_domain,
        key_type: a.key_type,
        days: a.days,
        intermediate: a.intermediate,
    };
    let mode = if store.is_initialized() {
        InitMode::Replace
    } else {
        InitMode::Fresh
    };
    let rep = {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the CA key (scrypt)"));
        ca::init(store, &opts, passphrase.as_ref(), mode)?
    };
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&rep)?;
    } else {
        if let Some(old) = &rep.replaced_into {
            p.note(&format!("previous CA moved to {}", old.display()));
        }
        p.line(&format!(
            "created CA in {} ({}, {}{})",
            rep.dir.display(),
            rep.root.key_type,
            if rep.intermediate.is_some() {
                "root + intermediate"
            } else {
                "root"
            },
            if rep.encrypted { ", key encrypted" } else { "" }
        ))?;
        p.kv(&[
            ("root", cell(&rep.root.subject)),
            ("sha256", rep.root.sha256_fingerprint.clone()),
            ("expires", rep.root.not_after.date().to_string()),
            ("trust bundle", store.path("ca.crt").display().to_string()),
        ])?;
    }
    Ok(0)
}

#[derive(Serialize)]
struct ShowReport {
    dir: std::path::PathBuf,
    cluster: String,
    trust_domain: String,
    key_encrypted: bool,
    issuing: &'static str,
    root: CertInfo,
    intermediate: Option<CertInfo>,
}

fn show(ctx: &Ctx) -> Result<u8> {
    let store = &ctx.store;
    let cfg: Config = store.config()?;
    let load = |name: &str| -> Result<CertInfo> {
        let path = store.ca_dir().join(name);
        inspect::read_cert_file(&path).map(|(_, i)| i)
    };
    let rep = ShowReport {
        dir: store.root().to_path_buf(),
        cluster: cfg.cluster.clone(),
        trust_domain: cfg.trust_domain.clone(),
        key_encrypted: cfg.encrypted,
        issuing: if cfg.intermediate {
            "intermediate"
        } else {
            "root"
        },
        root: load("root.crt")?,
        intermediate: if cfg.intermediate {
            Some(load("intermediate.crt")?)
        } else {
            None
        },
    };
    let p = &ctx.printer;
    let crl_path = store.path("crl.pem");
    if crl_path.exists() {
        let crls = crate::verify::read_pem_or_der(&crl_path, "X509 CRL", "CRL")?;
        let name = crl_path.display().to_string();
        for w in
            crate::verify::crl_freshness_warnings(&name, &crls, time::OffsetDateTime::now_utc())
        {
            p.note(&format!("warning: {w}"));
        }
    } else {
        p.note(&format!(
            "warning: {} does not exist: publish one with `secctl crl`",
            crl_path.display()
        ));
    }
    if p.is_json() {
        return p.json(&rep).map(|_| 0);
    }
    let mut rows = vec![
        ("cluster", cell(&rep.cluster)),
        ("trust domain", cell(&rep.trust_domain)),
        (
            "key encrypted",
            if rep.key_encrypted {
                "yes (age, scrypt)".into()
            } else {
                "no".into()
            },
        ),
        ("issuing CA", rep.issuing.to_string()),
        ("key path", ca::key_path(store, &cfg).display().to_string()),
    ];
    let mut push = |label: &'static str, i: &CertInfo| {
        rows.push((label, cell(&i.subject)));
        rows.push(("  key type", cell(&i.key_type)));
        rows.push(("  serial", cell(&i.serial)));
        rows.push((
            "  valid",
            format!("{} .. {}", fmt_time(i.not_before), fmt_time(i.not_after)),
        ));
        rows.push(("  sha256", i.sha256_fingerprint.clone()));
    };
    push("root", &rep.root);
    if let Some(i) = &rep.intermediate {
        push("intermediate", i);
    }
    p.kv(&rows)?;
    Ok(0)
}

#[derive(Serialize)]
struct RotateReport {
    #[serde(flatten)]
    created: ca::InitReport,
    bundle: Vec<CertInfo>,
    to_renew: Vec<crate::pki::store::Record>,
}

fn rotate(ctx: &Ctx, a: CaRotateArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    ctx.confirm(&format!(
        "Rotate the CA in {}? New certificates will come from a new CA; the old one stays in the trust bundle until it expires.",
        store.root().display()
    ))?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    // The passphrase must open the current CA: rotation keeps one passphrase for all.
    ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
    let opts = InitOptions {
        cluster: cfg.cluster.clone(),
        trust_domain: cfg.trust_domain.clone(),
        key_type: a.key_type.unwrap_or(cfg.key_type),
        days: a.days,
        intermediate: cfg.intermediate,
    };
    let created = {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the new CA key (scrypt)"));
        ca::init(store, &opts, passphrase.as_ref(), InitMode::Rotate)?
    };
    let bundle_path = store.path("ca.crt");
    let bundle = crate::verify::read_pem_or_der(&bundle_path, "CERTIFICATE", "certificate")?
        .iter()
        .map(|d| CertInfo::from_der(&bundle_path.display().to_string(), d))
        .collect::<Result<Vec<_>>>()?;
    let revoked = crate::cmd::cert::revoked_set(ctx)?;
    let gens = ca::generations(store)?;
    let now = time::OffsetDateTime::now_utc();
    let to_renew: Vec<_> = store
        .records()?
        .into_iter()
        .filter(|r| {
            crate::cmd::cert::ca_label(&gens, &r.issuer_fingerprint) != "current"
                && r.not_after > now
                && !revoked.contains(&r.serial)
        })
        .collect();
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&RotateReport {
            created,
            bundle,
            to_renew,
        })?;
        return Ok(0);
    }
    p.line(&format!(
        "rotated the CA in {}: new root {} (sha256 {})",
        store.root().display(),
        cell(&created.root.subject),
        created.root.sha256_fingerprint
    ))?;
    p.line(&format!(
        "trust bundle {} now holds {} root(s): distribute it to every node first",
        bundle_path.display(),
        bundle.len()
    ))?;
    if to_renew.is_empty() {
        p.line("no live certificate from the previous CA")?;
    } else {
        p.line(&format!(
            "{} certificate(s) from the previous CA to renew (`secctl cert renew NAME`):",
            to_renew.len()
        ))?;
        for r in &to_renew {
            p.line(&format!(
                "  {} {} (until {})",
                r.kind.as_str(),
                r.name,
                r.not_after.date()
            ))?;
        }
    }
    Ok(0)
}
