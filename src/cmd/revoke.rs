//! `secctl revoke` and `secctl crl`.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::RevokeArgs;
use crate::cmd::cert::{resolve, revoked_set};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::fmt_time;
use crate::pki::ca::{self, Generation};
use crate::pki::inspect;
use crate::pki::store::{Record, Store};
use crate::revocation::{self, CaRevocation, CrlReport, Revocation};
use crate::term::cell;

/// A revoked intermediate CA certificate, as `revoke -o json` reports it.
#[derive(Serialize)]
struct IntermediateItem {
    /// Id of its CA generation (`ca/previous/ID`).
    generation: String,
    serial: String,
    subject: String,
    sha256_fingerprint: String,
    /// How many certificates it issued (all revoked with it).
    certificates_below: usize,
}

#[derive(Serialize)]
struct RevokeReport<'a> {
    revoked: Vec<&'a Record>,
    already_revoked: Vec<&'a Record>,
    revoked_intermediates: Vec<IntermediateItem>,
    reason: &'static str,
    crl: Option<CrlReport>,
}

/// What one target named.
enum Resolved {
    /// Certificates issued from the state directory.
    Leaves(Vec<Record>),
    /// The intermediate of a previous CA generation.
    Intermediate(Box<Generation>),
}

/// The targets: arguments first, then `--from` (file or standard input), each with the
/// name it is reported under when it is bad (`FILE line N: TARGET`).
fn targets(a: &RevokeArgs) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = a.targets.iter().map(|t| (t.clone(), t.clone())).collect();
    if let Some(f) = &a.from {
        let (label, text) = if f.as_os_str() == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), crate::pki::fsio::MAX_FILE),
                &mut s,
            )
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    Error::input("standard input", "not valid UTF-8 text")
                }
                _ => Error::io("reading standard input", e),
            })?;
            ("standard input".to_string(), s)
        } else {
            (
                f.display().to_string(),
                crate::pki::fsio::read_text(f).map_err(|e| match e {
                    Error::Input { input, problem } => Error::Input {
                        input: format!("--from {input}"),
                        problem,
                    },
                    e => e,
                })?,
            )
        };
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            out.push((t.to_string(), format!("{label} line {}: {t}", n + 1)));
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(match &a.from {
            Some(f) => format!("{}: no target in it (one per line)", f.display()),
            None => "no target given".into(),
        }));
    }
    Ok(out)
}

/// The intermediate `target` names, if it names a CA certificate of this state directory:
/// its file, or its serial (or an 8+ digit prefix). A root, or the intermediate that issues
/// now, is refused.
fn ca_target(ctx: &Ctx, gens: &[Generation], target: &str) -> Result<Option<Generation>> {
    let path = Path::new(target);
    let hit = if path.exists() {
        let (der, _) = inspect::read_cert_file_in(ctx.store.files(), path)?;
        let fp = inspect::fingerprint(&der);
        if let Some(g) = gens.iter().find(|g| g.root.sha256_fingerprint == fp) {
            return Err(root_refused(target, g));
        }
        gens.iter()
            .find(|g| g.issuing_stem == "intermediate" && g.issuing.sha256_fingerprint == fp)
    } else {
        let t = target.to_ascii_lowercase().replace(':', "");
        if t.len() < 8 || !t.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let serial_of = |s: &str| s.trim_start_matches("00").to_string();
        let t = serial_of(&t);
        if let Some(g) = gens
            .iter()
            .find(|g| serial_of(&g.root.serial).starts_with(&t))
        {
            return Err(root_refused(target, g));
        }
        gens.iter().find(|g| {
            g.issuing_stem == "intermediate" && serial_of(&g.issuing.serial).starts_with(&t)
        })
    };
    let Some(g) = hit else { return Ok(None) };
    if g.current {
        return Err(Error::input(
            target,
            format!(
                "is the intermediate CA that issues now in {}: run `secctl ca rotate --intermediate-only` first (a new intermediate from the same root), then revoke this one",
                ctx.store.name()
            ),
        ));
    }
    Ok(Some(g.clone()))
}

fn root_refused(target: &str, g: &Generation) -> Error {
    let then = if g.current {
        "rotate the CA (`secctl ca rotate`), then retire the generation it becomes (`secctl ca retire ID`, ID as `ca rotate` prints it)".to_string()
    } else {
        format!(
            "retire this generation instead (`secctl ca retire {}`)",
            g.id()
        )
    };
    Error::input(
        target,
        format!(
            "is the root CA certificate of generation {}: a root cannot be revoked by a CRL (nothing above it signs one); {then}",
            g.id()
        ),
    )
}

/// `secctl revoke X...`: every target resolved first (a bad one is exit 2 naming it, and
/// nothing is revoked), then under one lock: one append to each log and one CRL.
pub fn revoke(ctx: &Ctx, a: RevokeArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let gens = ca::generations(store)?;
    let (recs, inters) = resolve_all(ctx, &a, &gens)?;
    let done = revoked_set(ctx)?;
    let ca_done = ca_revoked_set(store)?;
    let (already, todo): (Vec<&Record>, Vec<&Record>) =
        recs.iter().partition(|r| done.contains(&r.serial));
    let (inters_already, inters): (Vec<Generation>, Vec<Generation>) = inters
        .into_iter()
        .partition(|g| ca_done.contains(&g.issuing.serial));
    let p = &ctx.printer;
    for g in &inters_already {
        p.note(&format!(
            "intermediate {} (generation {}) is already revoked",
            cell(&g.issuing.subject),
            g.id()
        ));
    }
    if todo.is_empty() && inters.is_empty() {
        return nothing_to_do(ctx, &a, already);
    }
    confirm(ctx, &inters, &todo)?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    // Unlock the CA before recording anything, so a wrong passphrase changes nothing: the
    // issuing CA, and the root when an intermediate is revoked (its CRL lists it).
    ctx.with_ca_key(&mut passphrase, |p| {
        ca::load_issuing_signer(store, p)?;
        for g in &inters {
            if let Some(h) = root_signer(&gens, g) {
                ca::load_signer(h, true, p)?;
            }
        }
        Ok(())
    })?;
    record(ctx, &a, &todo, &inters)?;
    let crl = ctx
        .with_ca_key(&mut passphrase, |p| {
            revocation::publish(store, p, a.crl_days, a.root_crl_days)
        })
        .map_err(|e| {
            Error::Usage(format!(
                "revocation recorded but the CRL was not updated ({e}); run `secctl crl`"
            ))
        })?;
    let items = intermediate_items(ctx, &inters)?;
    let report = RevokeReport {
        revoked: todo,
        already_revoked: already,
        revoked_intermediates: items,
        reason: a.reason.as_str(),
        crl: Some(crl),
    };
    print_report(ctx, &report)?;
    Ok(0)
}

/// Every target resolved (leaves by name, serial or file; intermediates), each once; an
/// intermediate needs its root's key (its root's CRL lists it).
fn resolve_all(
    ctx: &Ctx,
    a: &RevokeArgs,
    gens: &[Generation],
) -> Result<(Vec<Record>, Vec<Generation>)> {
    let store = &ctx.store;
    let mut recs: Vec<Record> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut inters: Vec<Generation> = Vec::new();
    for (target, label) in targets(a)? {
        let relabel = |e: Error| match e {
            Error::Input { problem, .. } if label != target => Error::input(&label, problem),
            e => e,
        };
        let got = match ca_target(ctx, gens, &target).map_err(relabel)? {
            Some(g) => Resolved::Intermediate(Box::new(g)),
            None => Resolved::Leaves(resolve(ctx, &target).map_err(relabel)?),
        };
        match got {
            Resolved::Leaves(rs) => {
                for r in rs {
                    if seen.insert(r.serial.clone()) {
                        recs.push(r);
                    }
                }
            }
            Resolved::Intermediate(g) => {
                if !inters.iter().any(|i| i.dir == g.dir) {
                    // Its root's CRL lists it: that needs the root key.
                    let signer = gens.iter().find(|h| {
                        h.root.sha256_fingerprint == g.root.sha256_fingerprint
                            && revocation::root_key_present(h)
                    });
                    if signer.is_none() {
                        return Err(Error::input(
                            &label,
                            format!(
                                "revoking an intermediate adds it to its root's CRL, and the root key is offline ({}): bring it back and run again",
                                ca::existing_key_file(&store.ca_dir(), "root").display()
                            ),
                        ));
                    }
                    inters.push(*g);
                }
            }
        }
    }
    Ok((recs, inters))
}

/// The generation whose root signs `g`'s revocation (its root key present).
fn root_signer<'g>(gens: &'g [Generation], g: &Generation) -> Option<&'g Generation> {
    gens.iter().find(|h| {
        h.root.sha256_fingerprint == g.root.sha256_fingerprint && revocation::root_key_present(h)
    })
}

/// The serials of the revoked intermediates (`ca-revocations.log`).
fn ca_revoked_set(store: &Store) -> Result<HashSet<String>> {
    Ok(revocation::read_ca_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect())
}

/// Everything given is revoked already: say so, change nothing.
fn nothing_to_do(ctx: &Ctx, a: &RevokeArgs, already: Vec<&Record>) -> Result<u8> {
    let p = &ctx.printer;
    let report = RevokeReport {
        revoked: vec![],
        already_revoked: already,
        revoked_intermediates: vec![],
        reason: a.reason.as_str(),
        crl: None,
    };
    if p.is_json() {
        p.json(&report)?;
    } else if a.targets.len() == 1 && a.from.is_none() {
        p.line(&format!(
            "{} is already revoked: nothing to do",
            cell(&a.targets[0])
        ))?;
    } else {
        p.line("every certificate given is already revoked: nothing to do")?;
    }
    Ok(0)
}

/// Ask before revoking (the first ten named, then how many more).
fn confirm(ctx: &Ctx, inters: &[Generation], todo: &[&Record]) -> Result<()> {
    let mut list: Vec<String> = inters
        .iter()
        .map(|g| {
            format!(
                "intermediate CA {} (generation {}) and every certificate it issued",
                cell(&g.issuing.subject),
                g.id()
            )
        })
        .collect();
    list.extend(
        todo.iter()
            .map(|r| format!("{} {:?} serial {}", r.kind.as_str(), r.name, r.serial)),
    );
    const SHOWN: usize = 10;
    let more = list.len().saturating_sub(SHOWN);
    list.truncate(SHOWN);
    ctx.confirm(&format!(
        "Revoke {}{}? Peers that check the CRL will refuse {}.",
        list.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
        if list.len() + more > 1 { "them" } else { "it" }
    ))
}

/// One append to each log, under the lock; what another process revoked meanwhile is
/// left out.
fn record(ctx: &Ctx, a: &RevokeArgs, todo: &[&Record], inters: &[Generation]) -> Result<()> {
    let store = &ctx.store;
    let done = revoked_set(ctx)?;
    let ca_done = ca_revoked_set(store)?;
    let now = OffsetDateTime::now_utc();
    let revs: Vec<Revocation> = todo
        .iter()
        .filter(|r| !done.contains(&r.serial))
        .map(|r| Revocation {
            serial: r.serial.clone(),
            reason: a.reason,
            revoked_at: now,
            issuer: Some(r.issuer_fingerprint.as_str().into()),
        })
        .collect();
    let ca_revs: Vec<CaRevocation> = inters
        .iter()
        .filter(|g| !ca_done.contains(&g.issuing.serial))
        .map(|g| CaRevocation {
            serial: g.issuing.serial.clone(),
            reason: a.reason,
            revoked_at: now,
            sha256_fingerprint: g.issuing.sha256_fingerprint.clone(),
            root_fingerprint: g.root.sha256_fingerprint.clone(),
        })
        .collect();
    revocation::append_ca(store, &ca_revs)?;
    revocation::append(store, &revs)
}

/// The revoked intermediates, with how many certificates each had issued (now revoked
/// with it).
fn intermediate_items(ctx: &Ctx, inters: &[Generation]) -> Result<Vec<IntermediateItem>> {
    if inters.is_empty() {
        return Ok(vec![]);
    }
    let all = ctx.store.records()?;
    Ok(inters
        .iter()
        .map(|g| IntermediateItem {
            generation: g.id(),
            serial: g.issuing.serial.clone(),
            subject: g.issuing.subject.clone(),
            sha256_fingerprint: g.issuing.sha256_fingerprint.clone(),
            certificates_below: all
                .iter()
                .filter(|r| r.issuer_fingerprint == g.issuing.sha256_fingerprint)
                .count(),
        })
        .collect())
}

fn print_report(ctx: &Ctx, report: &RevokeReport<'_>) -> Result<()> {
    let p = &ctx.printer;
    if p.is_json() {
        return p.json(report);
    }
    let reason = report.reason;
    for i in &report.revoked_intermediates {
        p.line(&format!(
            "revoked intermediate CA {} (generation {}, serial {}, reason {}): the {} certificate(s) it issued count as revoked; renew them from the current CA (`secctl cert list --status revoked`)",
            cell(&i.subject),
            i.generation,
            i.serial,
            reason,
            i.certificates_below
        ))?;
    }
    for r in &report.revoked {
        p.line(&format!(
            "revoked {} {:?} (serial {}, reason {})",
            r.kind.as_str(),
            r.name,
            r.serial,
            reason
        ))?;
    }
    for r in &report.already_revoked {
        p.line(&format!(
            "{} {:?} (serial {}) was already revoked",
            r.kind.as_str(),
            r.name,
            r.serial
        ))?;
    }
    if let Some(crl) = &report.crl {
        print_crl(ctx, crl)?;
    }
    Ok(())
}

pub(crate) fn print_crl(ctx: &Ctx, c: &CrlReport) -> Result<()> {
    let p = &ctx.printer;
    for n in &c.notes {
        p.note(n);
    }
    // On etcd: the key it was published to, not this machine's working copy.
    let to = if ctx.store.is_shared() {
        ctx.store.shown("crl.pem")
    } else {
        c.path.display().to_string()
    };
    p.line(&format!(
        "published CRL number {} to {} (next update {})",
        c.number,
        to,
        fmt_time(c.next_update)
    ))?;
    for i in &c.crls {
        p.line(&format!(
            "  {}: {} revoked{}",
            i.issuer,
            i.entries,
            if i.current { "" } else { " (previous CA)" }
        ))?;
    }
    Ok(())
}

/// `secctl crl`.
pub fn crl(ctx: &Ctx, days: u32, root_days: Option<u32>) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    let c = ctx.with_ca_key(&mut passphrase, |p| {
        revocation::publish(store, p, days, root_days)
    })?;
    if ctx.printer.is_json() {
        ctx.printer.json(&c)?;
    } else {
        print_crl(ctx, &c)?;
    }
    Ok(0)
}

/// `secctl crl --out FILE [--ca BUNDLE]`: the CRL published last, copied for a node that
/// fetches it: only when a CA of the node's trust bundle signed it, it is not past its
/// nextUpdate and its number is not below the one this node installed last.
pub fn crl_copy(ctx: &Ctx, out: &std::path::Path, ca: Option<&std::path::Path>) -> Result<u8> {
    use crate::pki::trust;
    let store = &ctx.store;
    store.config()?;
    let src = store.path("crl.pem");
    if !src.exists() {
        return Err(crate::error::Error::input(
            store.name(),
            "no CRL published yet (run `secctl crl`)",
        ));
    }
    store.files().policy().check_output_dir(out)?;
    let beside = out
        .parent()
        .map_or_else(|| std::path::PathBuf::from("ca.crt"), |d| d.join("ca.crt"));
    let bundle_path = ca.map_or(beside, std::path::Path::to_path_buf);
    if !bundle_path.exists() {
        return Err(crate::error::Error::path(
            &bundle_path,
            "no such file: the CRL is checked against the trust bundle this node holds; \
             fetch it first (`secctl ca bundle --out ...`) or name it with --ca",
        ));
    }
    let roots =
        crate::verify::read_pem_or_der(store.files(), &bundle_path, "CERTIFICATE", "certificate")?;
    let pem = store.files().read_bytes(&src)?;
    let crls = crate::verify::read_pem_or_der(store.files(), &src, "X509 CRL", "CRL")?;
    let intermediates: Vec<Vec<u8>> = crate::pki::ca::generations(store)?
        .iter()
        .filter_map(|g| {
            let p = g.dir.join("intermediate.crt");
            p.exists()
                .then(|| {
                    crate::pki::pemfile::read_in(store.files(), &p, "CERTIFICATE", "certificate")
                        .ok()
                })
                .flatten()
        })
        .flatten()
        .collect();
    let signers = trust::crl_signers(&roots, &intermediates);
    let last = trust::load_numbers(store.files(), out)?;
    let checked = trust::check_fetched_crls(
        &store.shown("crl.pem").to_string(),
        &crls,
        &signers,
        &last,
        time::OffsetDateTime::now_utc(),
    )?;
    let numbers = trust::numbers_file(out);
    let mut batch = ctx.store.batch();
    batch.write(out, &pem, 0o644)?;
    batch.write(
        &numbers,
        trust::numbers_text(last, &checked).as_bytes(),
        0o644,
    )?;
    batch.commit()?;
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({
            "out": out,
            "crls": crls.len(),
            "from": store.name(),
            "checked_against": bundle_path,
            "numbers": checked.iter().map(|c| serde_json::json!({
                "issuer": c.issuer,
                "number": c.number,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        ctx.printer.line(&format!(
            "wrote {} ({} CRL{}, number {}) from {}, signed by CAs of {}",
            out.display(),
            crls.len(),
            if crls.len() == 1 { "" } else { "s" },
            checked
                .iter()
                .map(|c| c.number.to_string())
                .collect::<Vec<_>>()
                .join("/"),
            store.name(),
            bundle_path.display()
        ))?;
    }
    Ok(0)
}
