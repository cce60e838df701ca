//! `secctl ca init` and `secctl ca show`.

use serde::Serialize;

use crate::cli::{CaCommand, CaInitArgs, CaRetireArgs, CaRotateArgs};
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
        CaCommand::Rotate(a) if a.intermediate_only => rotate_intermediate(ctx, a),
        CaCommand::Rotate(a) => rotate(ctx, a),
        CaCommand::Retire(a) => retire(ctx, a),
        CaCommand::Bundle { out, pin } => bundle(ctx, out.as_deref(), &pin),
        CaCommand::Import(_) => unreachable!("cmd::dispatch runs `ca import`"),
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
        crate::revocation::init_ca(store, &opts, passphrase.as_ref(), mode)?
    };
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&rep)?;
    } else {
        if let Some(old) = &rep.replaced_into {
            p.note(&format!("previous CA moved to {}", old.display()));
        }
        p.line(&made_line("created CA in", store, &rep))?;
        let mut rows = vec![
            ("root", cell(&rep.root.subject)),
            ("sha256", rep.root.sha256_fingerprint.clone()),
            ("expires", rep.root.not_after.date().to_string()),
            ("trust bundle", store.shown("ca.crt")),
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
    let rep = show_report(store, &cfg)?;
    let p = &ctx.printer;
    crl_freshness_notes(p, store)?;
    if p.is_json() {
        return p.json(&rep).map(|_| 0);
    }
    p.kv(&ca_rows(store, &cfg, &rep))?;
    p.line("")?;
    bundle_table(p, &rep.bundle)?;
    if let Some(crls) = &rep.crls {
        p.line("")?;
        crl_table(p, crls)?;
    }
    Ok(0)
}

/// What `ca show` reports: the current CA's certificates and name constraints, every CA
/// certificate of the trust bundle, the CRLs.
fn show_report(store: &crate::pki::store::Store, cfg: &Config) -> Result<ShowReport> {
    let load = |name: &str| -> Result<CertInfo> {
        let path = store.ca_dir().join(name);
        inspect::read_cert_file_in(store.files(), &path).map(|(_, i)| i)
    };
    let constraints_of = |name: &str| -> Result<Option<NameConstraints>> {
        let path = store.ca_dir().join(name);
        let (der, _) = inspect::read_cert_file_in(store.files(), &path)?;
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
    rep.bundle = crate::cmd::check::bundle_cas(
        store,
        &gens,
        None,
        now,
        crate::pki::validity::RenewBefore::Window(time::Duration::days(30)),
    )?;
    rep.crls = crate::cmd::check::crl_items(
        store,
        &gens,
        now,
        time::Duration::days(crate::verify::CRL_WARN_DAYS),
    )?;
    Ok(rep)
}

/// A warning for each CRL of `crl.pem` past or near its nextUpdate, or for a missing
/// `crl.pem`.
fn crl_freshness_notes(p: &crate::output::Printer, store: &crate::pki::store::Store) -> Result<()> {
    let crl_path = store.path("crl.pem");
    if crl_path.exists() {
        let crls = crate::verify::read_pem_or_der(store.files(), &crl_path, "X509 CRL", "CRL")?;
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
    Ok(())
}

/// The key-value rows of `ca show`: the state's settings, then each CA certificate.
fn ca_rows(
    store: &crate::pki::store::Store,
    cfg: &Config,
    rep: &ShowReport,
) -> Vec<(&'static str, String)> {
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
        ("key path", ca::key_path(store, cfg).display().to_string()),
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
    rows
}

/// The table of the trust bundle's CA certificates.
fn bundle_table(p: &crate::output::Printer, bundle: &[crate::cmd::check::CaItem]) -> Result<()> {
    let rows: Vec<Vec<String>> = bundle
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
    )
}

/// The table of the CRLs in `crl.pem`.
fn crl_table(p: &crate::output::Printer, crls: &[crate::cmd::check::CrlItem]) -> Result<()> {
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
    )
}

#[derive(Serialize)]
struct RotateReport {
    #[serde(flatten)]
    created: ca::InitReport,
    /// Whether only the intermediate was replaced (`--intermediate-only`).
    intermediate_only: bool,
    /// Id of the generation the replaced CA now forms (`ca retire` takes it).
    previous_generation: Option<String>,
    bundle: Vec<CertInfo>,
    to_renew: Vec<crate::pki::store::Record>,
    /// The revoked canary issued by the new CA (when the state directory had one).
    canary: Option<crate::pki::store::Record>,
}

/// The live certificates issued by `issuer_fp`, or by any CA but the current one when
/// `issuer_fp` is None: the newest certificate of each name (an older one is superseded),
/// unexpired and not revoked (by itself or with its issuer).
fn live_from(ctx: &Ctx, issuer_fp: Option<&str>) -> Result<Vec<crate::pki::store::Record>> {
    let store = &ctx.store;
    let revoked = crate::cmd::cert::revocations(ctx)?;
    let gens = ca::generations(store)?;
    let now = time::OffsetDateTime::now_utc();
    // Sorted by name, then issuance: the last of each name is the one that counts.
    let mut newest: Vec<crate::pki::store::Record> = Vec::new();
    for r in store.records()? {
        match newest.last_mut() {
            Some(last) if last.name == r.name => *last = r,
            _ => newest.push(r),
        }
    }
    Ok(newest
        .into_iter()
        .filter(|r| match issuer_fp {
            Some(fp) => r.issuer_fingerprint == fp,
            None => crate::cmd::cert::ca_label(&gens, &[], &r.issuer_fingerprint) != "current",
        })
        .filter(|r| r.not_after > now && revoked.of(r).is_none())
        .collect())
}

fn read_bundle(ctx: &Ctx) -> Result<Vec<CertInfo>> {
    let bundle_path = ctx.store.path("ca.crt");
    crate::verify::read_pem_or_der(
        ctx.store.files(),
        &bundle_path,
        "CERTIFICATE",
        "certificate",
    )?
    .iter()
    .map(|d| CertInfo::from_der(&bundle_path.display().to_string(), d))
    .collect()
}

fn print_to_renew(ctx: &Ctx, to_renew: &[crate::pki::store::Record], what: &str) -> Result<()> {
    let p = &ctx.printer;
    if to_renew.is_empty() {
        p.line(&format!("no live certificate from the previous {what}"))?;
    } else {
        p.line(&format!(
            "{} certificate(s) from the previous {what} to renew (`secctl cert renew NAME`):",
            to_renew.len()
        ))?;
        for r in to_renew {
            p.line(&format!(
                "  {} {} (until {})",
                r.kind.as_str(),
                cell(&r.name),
                r.not_after.date()
            ))?;
        }
    }
    Ok(())
}

/// After a rotation: the revoked canary again, from the CA that issues now (a canary of
/// the previous CA proves nothing once servers drop that CA); None without a canary.
fn rotate_canary(
    ctx: &Ctx,
    passphrase: Option<&age::secrecy::SecretString>,
) -> Result<Option<crate::pki::store::Record>> {
    let store = &ctx.store;
    let minted = crate::pki::canary::rotate(store, &store.config()?, passphrase)?;
    Ok(minted.map(|m| m.record))
}

/// The line saying the canary was issued again under the new CA.
fn print_canary(ctx: &Ctx, canary: Option<&crate::pki::store::Record>) -> Result<()> {
    if let Some(r) = canary {
        ctx.printer.line(&format!(
            "issued a new revoked canary from the new CA (serial {}): crl.pem lists it; the previous one stays revoked",
            r.serial
        ))?;
    }
    Ok(())
}

fn rotate(ctx: &Ctx, a: CaRotateArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    ctx.confirm(&format!(
        "Rotate the CA in {}? New certificates will come from a new CA; the old one stays in the trust bundle until it expires or is retired.",
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
        days: a.days.unwrap_or(3650),
        intermediate: cfg.intermediate,
        // The new CA is bound by the same names as the one it replaces.
        name_constraints: ca::current_constraints(store)?,
    };
    let created = {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the new CA key (scrypt)"));
        crate::revocation::init_ca(store, &opts, passphrase.as_ref(), InitMode::Rotate)?
    };
    let canary = rotate_canary(ctx, passphrase.as_ref())?;
    let previous_generation = ca::generations(store)?
        .into_iter()
        .find(|g| !g.current)
        .map(|g| g.id());
    let bundle = read_bundle(ctx)?;
    let to_renew = live_from(ctx, None)?;
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&RotateReport {
            created,
            intermediate_only: false,
            previous_generation,
            bundle,
            to_renew,
            canary,
        })?;
        return Ok(0);
    }
    p.line(&format!(
        "rotated the CA in {}: new root {} (sha256 {})",
        store.name(),
        cell(&created.root.subject),
        created.root.sha256_fingerprint
    ))?;
    if let Some(id) = &previous_generation {
        p.line(&format!(
            "the previous CA is generation {id} (ca/previous/{id}/): `secctl ca retire {id}` once nothing uses it"
        ))?;
    }
    p.line(&format!(
        "trust bundle {} now holds {} root(s): distribute it to every node first",
        store.shown("ca.crt"),
        bundle.len()
    ))?;
    print_canary(ctx, canary.as_ref())?;
    print_to_renew(ctx, &to_renew, "CA")?;
    Ok(0)
}

fn rotate_intermediate(ctx: &Ctx, a: CaRotateArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    if !cfg.intermediate {
        return Err(Error::Usage(format!(
            "--intermediate-only: the CA in {} has no intermediate (it was created without --intermediate); rotate the whole CA with `secctl ca rotate`",
            store.name()
        )));
    }
    ctx.confirm(&format!(
        "Replace the intermediate CA in {}? New certificates will come from a new intermediate signed by the same root; the old one keeps verifying until it is revoked or retired.",
        store.name()
    ))?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
    let key_type = a.key_type.unwrap_or(cfg.key_type);
    let made = {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the new intermediate key (scrypt)"));
        ca::rotate_intermediate(store, &cfg, key_type, a.days, passphrase.as_ref())?
    };
    crate::revocation::publish(store, passphrase.as_ref(), ca::INITIAL_CRL_DAYS, None)?;
    let canary = rotate_canary(ctx, passphrase.as_ref())?;
    let bundle = read_bundle(ctx)?;
    let to_renew = live_from(ctx, None)?;
    let p = &ctx.printer;
    if made.capped {
        p.note(&format!(
            "validity of the new intermediate cut to the root's end of validity ({})",
            fmt_time(made.root.not_after)
        ));
    }
    let created = ca::InitReport {
        dir: store.root().to_path_buf(),
        root: made.root,
        intermediate: Some(made.intermediate),
        encrypted: cfg.encrypted,
        replaced_into: None,
        name_constraints: Some(ca::current_constraints(store)?).filter(|c| !c.is_empty()),
        endorsement: None,
    };
    if p.is_json() {
        p.json(&RotateReport {
            created,
            intermediate_only: true,
            previous_generation: Some(made.previous_generation),
            bundle,
            to_renew,
            canary,
        })?;
        return Ok(0);
    }
    let inter = created
        .intermediate
        .as_ref()
        .ok_or_else(|| Error::internal("no intermediate"))?;
    let id = &made.previous_generation;
    p.line(&format!(
        "new intermediate {} (sha256 {}, until {}) signed by {}",
        cell(&inter.subject),
        inter.sha256_fingerprint,
        inter.not_after.date(),
        cell(&created.root.subject)
    ))?;
    p.line(&format!(
        "the old intermediate is generation {id} (ca/previous/{id}/): its certificates keep verifying until you revoke it (`secctl revoke {} --reason caCompromise`) or retire it (`secctl ca retire {id}`)",
        store.ca_dir().join("previous").join(id).join("intermediate.crt").display()
    ))?;
    p.line(&format!(
        "trust bundle {} unchanged (same root)",
        store.shown("ca.crt")
    ))?;
    print_canary(ctx, canary.as_ref())?;
    print_to_renew(ctx, &to_renew, "intermediate")?;
    Ok(0)
}

#[derive(Serialize)]
struct RetireReport {
    /// Id of the retired generation.
    generation: String,
    /// Where its files were moved.
    moved_to: std::path::PathBuf,
    root: CertInfo,
    intermediate: Option<CertInfo>,
    /// Whether its root left ca.crt (false when another generation still uses that root).
    root_removed: bool,
    /// Whether its intermediate was added to the root's CRL (reason cessationOfOperation),
    /// because its root stays trusted.
    intermediate_revoked: bool,
    /// Live certificates that chained to it (only with --force).
    live: Vec<crate::pki::store::Record>,
    bundle: Vec<CertInfo>,
    crl: crate::revocation::CrlReport,
}

fn retire(ctx: &Ctx, a: CaRetireArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let gen = ca::find_generation(store, &a.generation)?;
    let (needs_revocation, root_holder) = shared_root(store, &gen, &a.generation)?;
    let live = live_from(ctx, Some(&gen.issuing.sha256_fingerprint))?;
    confirm_retire(ctx, &a, &gen, &live)?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    // Under the lock: the generation may have been retired meanwhile.
    let gen = ca::find_generation(store, &gen.id())?;
    ctx.with_ca_key(&mut passphrase, |p| {
        ca::load_issuing_signer(store, p)?;
        if let Some(h) = &root_holder {
            ca::load_signer(h, true, p)?;
        }
        Ok(())
    })?;
    if needs_revocation {
        revoke_retired_intermediate(store, &gen)?;
    }
    let moved_to = ca::retire(store, &gen)?;
    let crl = ctx.with_ca_key(&mut passphrase, |p| {
        crate::revocation::publish(store, p, ca::INITIAL_CRL_DAYS, None)
    })?;
    let bundle = read_bundle(ctx)?;
    let root_removed = !bundle
        .iter()
        .any(|c| c.sha256_fingerprint == gen.root.sha256_fingerprint);
    let rep = RetireReport {
        generation: gen.id(),
        moved_to,
        root: gen.root.clone(),
        intermediate: (gen.issuing_stem == "intermediate").then(|| gen.issuing.clone()),
        root_removed,
        intermediate_revoked: needs_revocation,
        live: if a.force { live } else { vec![] },
        bundle,
        crl,
    };
    let p = &ctx.printer;
    if p.is_json() {
        return p.json(&rep).map(|_| 0);
    }
    print_retired(ctx, &gen, &rep)?;
    Ok(0)
}

/// Whether retiring `gen` needs a revocation, and the other generation holding its root's
/// key (if any). Its root stays trusted when another generation (the current one, after
/// `ca rotate --intermediate-only`) has it: then only a revocation in that root's CRL
/// stops its intermediate's certificates from verifying, and that root's key must be
/// present.
fn shared_root(
    store: &crate::pki::store::Store,
    gen: &ca::Generation,
    named: &str,
) -> Result<(bool, Option<ca::Generation>)> {
    let gens = ca::generations(store)?;
    let root_shared = gens
        .iter()
        .any(|g| g.dir != gen.dir && g.root.sha256_fingerprint == gen.root.sha256_fingerprint);
    let needs_revocation = root_shared && gen.issuing_stem == "intermediate";
    let root_holder = gens
        .iter()
        .find(|g| {
            g.dir != gen.dir
                && g.root.sha256_fingerprint == gen.root.sha256_fingerprint
                && crate::revocation::root_key_present(g)
        })
        .cloned();
    if needs_revocation && root_holder.is_none() {
        return Err(Error::input(
            named,
            format!(
                "its root stays trusted (the current CA uses it), so retiring its intermediate adds it to the root's CRL, and the root key is offline ({}): bring it back and run again",
                ca::existing_key_file(&store.ca_dir(), "root").display()
            ),
        ));
    }
    Ok((needs_revocation, root_holder))
}

/// The first few of `live` by kind and name, for a message.
fn live_names(live: &[crate::pki::store::Record]) -> String {
    const SHOWN: usize = 5;
    let mut v: Vec<String> = live
        .iter()
        .take(SHOWN)
        .map(|r| format!("{} {}", r.kind.as_str(), cell(&r.name)))
        .collect();
    if live.len() > SHOWN {
        v.push(format!("and {} more", live.len() - SHOWN));
    }
    v.join(", ")
}

/// Refuse to retire a generation that live certificates chain to without --force, then
/// ask.
fn confirm_retire(
    ctx: &Ctx,
    a: &CaRetireArgs,
    gen: &ca::Generation,
    live: &[crate::pki::store::Record],
) -> Result<()> {
    if !live.is_empty() && !a.force {
        return Err(Error::input(
            &a.generation,
            format!(
                "{} live certificate(s) still chain to this CA generation ({}): renew them (`secctl cert renew NAME`) or pass --force (they will be refused by peers)",
                live.len(),
                live_names(live)
            ),
        ));
    }
    ctx.confirm(&format!(
        "Retire CA generation {} ({})?{} Certificates it issued will no longer be trusted.",
        gen.id(),
        cell(&gen.issuing.subject),
        if live.is_empty() {
            String::new()
        } else {
            format!(
                " {} live certificate(s) still chain to it: {}.",
                live.len(),
                live_names(live)
            )
        }
    ))
}

/// Add the intermediate of `gen` to `ca-revocations.log` (cessationOfOperation) unless
/// it is there already, for its root's CRL.
fn revoke_retired_intermediate(
    store: &crate::pki::store::Store,
    gen: &ca::Generation,
) -> Result<()> {
    let known: std::collections::HashSet<String> = crate::revocation::read_ca_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect();
    if !known.contains(&gen.issuing.serial) {
        crate::revocation::append_ca(
            store,
            &[crate::revocation::CaRevocation {
                serial: gen.issuing.serial.clone(),
                reason: crate::revocation::Reason::CessationOfOperation,
                revoked_at: time::OffsetDateTime::now_utc(),
                sha256_fingerprint: gen.issuing.sha256_fingerprint.clone(),
                root_fingerprint: gen.root.sha256_fingerprint.clone(),
            }],
        )?;
    }
    Ok(())
}

/// `ca retire` as text.
fn print_retired(ctx: &Ctx, gen: &ca::Generation, rep: &RetireReport) -> Result<()> {
    let (p, store) = (&ctx.printer, &ctx.store);
    p.line(&format!(
        "retired CA generation {} ({}); its files are in {}",
        rep.generation,
        cell(&gen.issuing.subject),
        rep.moved_to.display()
    ))?;
    if rep.root_removed {
        p.line(&format!(
            "trust bundle {} now holds {} root(s) without {}: distribute it to every node",
            store.shown("ca.crt"),
            rep.bundle.len(),
            cell(&rep.root.subject)
        ))?;
    } else {
        p.line(&format!(
            "its root {} stays in {} (the current CA uses it); its intermediate is revoked in the root's CRL (cessationOfOperation)",
            cell(&rep.root.subject),
            store.path("ca.crt").display()
        ))?;
    }
    if !rep.live.is_empty() {
        p.line(&format!(
            "{} live certificate(s) chained to it and will be refused (--force):",
            rep.live.len()
        ))?;
        for r in &rep.live {
            p.line(&format!(
                "  {} {} (serial {}, until {})",
                r.kind.as_str(),
                cell(&r.name),
                r.serial,
                r.not_after.date()
            ))?;
        }
    }
    crate::cmd::revoke::print_crl(ctx, &rep.crl)
}

/// `secctl ca bundle [--out FILE] [--pin SHA256]...`: the trust bundle of the state. With
/// `--out`, what a node installs: only roots it pins or that a pinned root endorsed (see
/// `pki::trust`); the pins are kept in `FILE.pins`.
fn bundle(ctx: &Ctx, out: Option<&std::path::Path>, pin: &[String]) -> Result<u8> {
    use crate::pki::trust;
    let store = &ctx.store;
    store.config()?;
    let src = store.path("ca.crt");
    let pem = store.files().read_bytes(&src)?;
    let certs = crate::verify::read_pem_or_der(store.files(), &src, "CERTIFICATE", "certificate")?;
    let Some(out) = out else {
        if ctx.printer.is_json() {
            ctx.printer.json(&serde_json::json!({
                "pem": String::from_utf8_lossy(&pem),
                "certificates": certs.len(),
                "from": store.name(),
            }))?;
        } else {
            ctx.printer.line(String::from_utf8_lossy(&pem).trim_end())?;
        }
        return Ok(0);
    };
    store.files().policy().check_output_dir(out)?;
    let pins = trust::load_pins(store.files(), out, pin)?;
    let first_use = pins.is_empty();
    if !first_use {
        let endorsements = trust::endorsements(store.files(), &store.ca_dir());
        trust::check_fetched_bundle(
            &store.shown("ca.crt").to_string(),
            &certs,
            &pins,
            &endorsements,
        )?;
    }
    let pin_file = trust::pin_file(out);
    let mut batch = store.batch();
    batch.write(out, &pem, 0o644)?;
    batch.write(&pin_file, trust::pin_file_text(&certs).as_bytes(), 0o644)?;
    batch.commit()?;
    let trust_word = if first_use { "first-use" } else { "pinned" };
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({
            "out": out,
            "certificates": certs.len(),
            "from": store.name(),
            "trust": trust_word,
            "pin_file": pin_file,
        }))?;
    } else {
        ctx.printer.line(&format!(
            "wrote {} ({} CA certificate{}) from {}",
            out.display(),
            certs.len(),
            if certs.len() == 1 { "" } else { "s" },
            store.name()
        ))?;
        if first_use {
            ctx.printer.note(&format!(
                "first fetch: trusted the {} root(s) as fetched and pinned them in {} (compare with `secctl ca show` on the CA host, or pass --pin next time)",
                certs.len(),
                pin_file.display()
            ));
        }
    }
    Ok(0)
}

/// The first line of `ca init` and `ca import`: where the CA now is (the directory, or the
/// etcd:// address rather than its working copy), its key type and parts.
pub(crate) fn made_line(
    verb: &str,
    store: &crate::pki::store::Store,
    rep: &ca::InitReport,
) -> String {
    format!(
        "{verb} {} ({}, {}{})",
        store.name(),
        rep.root.key_type,
        if rep.intermediate.is_some() {
            "root + intermediate"
        } else {
            "root"
        },
        if rep.encrypted { ", key encrypted" } else { "" }
    )
}
