//! `secctl ca init` and `secctl ca show`.

use serde::Serialize;

use crate::cli::{CaCommand, CaInitArgs, CaRotateArgs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::fmt_time;
use crate::pki::ca::{self, InitMode, InitOptions};
use crate::pki::constraints::NameConstraints;
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
    }
}

fn default_trust_domain(cluster: &str) -> Result<String> {
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
    let c = &a.constraints;
    let name_constraints =
        NameConstraints::from_flags(&c.permit_dns, &c.permit_ip, &c.exclude_dns, &c.exclude_ip)?;
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
                store.name(),
                store.name()
            )));
        }
        Ok(())
    };
    exists()?;
    let replace = store.is_initialized();
    if replace {
        ctx.confirm(&format!(
            "Replace the CA in {}? Certificates it issued will no longer be trusted.",
            store.name()
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
        name_constraints,
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
        let mut rows = vec![
            ("root", cell(&rep.root.subject)),
            ("sha256", rep.root.sha256_fingerprint.clone()),
            ("expires", rep.root.not_after.date().to_string()),
            ("trust bundle", store.path("ca.crt").display().to_string()),
        ];
        if let Some(nc) = &rep.name_constraints {
            rows.push(("name constraints", cell(&nc.describe())));
        }
        p.kv(&rows)?;
    }
    if let Some(nc) = &rep.name_constraints {
        // RFC 5280: a name form without a subtree is not constrained at all.
        if nc.permitted_ip.is_empty() && !nc.permitted_dns.is_empty() {
            p.note("IP addresses are not constrained (no --permit-ip): peers accept any IP SAN below this CA");
        }
        if nc.permitted_dns.is_empty() && !nc.permitted_ip.is_empty() {
            p.note("DNS names are not constrained (no --permit-dns): peers accept any DNS SAN below this CA");
        }
    }
    Ok(0)
}

/// The name constraints of the current CA's certificates, as `ca show` reports them.
#[derive(Serialize)]
struct ShownConstraints {
    root: Option<NameConstraints>,
    intermediate: Option<NameConstraints>,
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
    /// Every CA certificate (root, intermediate) of each generation whose root is in the
    /// trust bundle `ca.crt`, current generation first, with days left.
    bundle: Vec<crate::cmd::check::CaItem>,
    /// The CRLs in `crl.pem` with number and nextUpdate (null: there is no `crl.pem`).
    crls: Option<Vec<crate::cmd::check::CrlItem>>,
    /// Null when neither CA certificate has name constraints.
    name_constraints: Option<ShownConstraints>,
}

fn show(ctx: &Ctx) -> Result<u8> {
    let store = &ctx.store;
    let cfg: Config = store.config()?;
    let load = |name: &str| -> Result<CertInfo> {
        let path = store.ca_dir().join(name);
        inspect::read_cert_file(&path).map(|(_, i)| i)
    };
    let constraints_of = |name: &str| -> Result<Option<NameConstraints>> {
        let path = store.ca_dir().join(name);
        let (der, _) = inspect::read_cert_file(&path)?;
        NameConstraints::of_cert(&path.display().to_string(), &der)
    };
    let root_nc = constraints_of("root.crt")?;
    let inter_nc = if cfg.intermediate {
        constraints_of("intermediate.crt")?
    } else {
        None
    };
    let name_constraints = (root_nc.is_some() || inter_nc.is_some()).then_some(ShownConstraints {
        root: root_nc,
        intermediate: inter_nc,
    });
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
        bundle: Vec::new(),
        crls: None,
        name_constraints,
    };
    let now = crate::output::secs(time::OffsetDateTime::now_utc());
    let gens = ca::generations(store)?;
    // Windows of `secctl check`'s defaults: 30 days for CAs, 7 for CRLs.
    let mut rep = rep;
    rep.bundle = crate::cmd::check::bundle_cas(store, &gens, None, now, time::Duration::days(30))?;
    rep.crls = crate::cmd::check::crl_items(
        store,
        &gens,
        now,
        time::Duration::days(crate::verify::CRL_WARN_DAYS),
    )?;
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
    let nc =
        |n: Option<&NameConstraints>| n.map_or_else(|| "none".to_string(), |n| cell(&n.describe()));
    let shown = rep.name_constraints.as_ref();
    let root_nc = nc(shown.and_then(|s| s.root.as_ref()));
    let inter_nc = nc(shown.and_then(|s| s.intermediate.as_ref()));
    let mut push = |label: &'static str, i: &CertInfo, constraints: &str| {
        rows.push((label, cell(&i.subject)));
        rows.push(("  name constraints", constraints.to_string()));
        rows.push(("  key type", cell(&i.key_type)));
        rows.push(("  serial", cell(&i.serial)));
        rows.push((
            "  valid",
            format!("{} .. {}", fmt_time(i.not_before), fmt_time(i.not_after)),
        ));
        rows.push(("  sha256", i.sha256_fingerprint.clone()));
    };
    push("root", &rep.root, &root_nc);
    if let Some(i) = &rep.intermediate {
        push("intermediate", i, &inter_nc);
    }
    p.kv(&rows)?;
    p.line("")?;
    let rows: Vec<Vec<String>> = rep
        .bundle
        .iter()
        .map(|c| {
            vec![
                c.generation.clone(),
                c.kind.to_string(),
                cell(&c.subject),
                fmt_time(c.not_after),
                c.days_left.to_string(),
            ]
        })
        .collect();
    p.table(
        &["GENERATION", "KIND", "SUBJECT", "NOT AFTER", "DAYS LEFT"],
        &rows,
    )?;
    if let Some(crls) = &rep.crls {
        p.line("")?;
        let rows: Vec<Vec<String>> = crls
            .iter()
            .map(|c| {
                vec![
                    cell(&c.issuer),
                    c.number.clone().unwrap_or_else(|| "-".into()),
                    c.next_update.map_or_else(|| "-".into(), fmt_time),
                    c.days_left.map_or_else(|| "-".into(), |d| d.to_string()),
                    c.entries.to_string(),
                    c.status.to_string(),
                ]
            })
            .collect();
        p.table(
            &[
                "CRL ISSUER",
                "NUMBER",
                "NEXT UPDATE",
                "DAYS LEFT",
                "REVOKED",
                "STATUS",
            ],
            &rows,
        )?;
    }
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
        store.name()
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
        // The new CA is bound by the same names as the one it replaces.
        name_constraints: ca::current_constraints(store)?,
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
        store.name(),
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
