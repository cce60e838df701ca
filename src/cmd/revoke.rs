//! `secctl revoke` and `secctl crl`.

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::RevokeArgs;
use crate::cmd::cert::{resolve, revoked_set};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::fmt_time;
use crate::pki::ca;
use crate::pki::store::Record;
use crate::revocation::{self, CrlReport, Revocation};

#[derive(Serialize)]
struct RevokeReport<'a> {
    revoked: Vec<&'a Record>,
    already_revoked: Vec<&'a Record>,
    reason: &'static str,
    crl: Option<CrlReport>,
}

/// `secctl revoke X`: every live certificate of a name, or one serial or file.
pub fn revoke(ctx: &Ctx, a: RevokeArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let recs = resolve(ctx, &a.target)?;
    let done = revoked_set(ctx)?;
    let (already, todo): (Vec<&Record>, Vec<&Record>) =
        recs.iter().partition(|r| done.contains(&r.serial));
    let p = &ctx.printer;
    if todo.is_empty() {
        let report = RevokeReport {
            revoked: vec![],
            already_revoked: already,
            reason: a.reason.as_str(),
            crl: None,
        };
        if p.is_json() {
            p.json(&report)?;
        } else {
            p.line(&format!("{} is already revoked: nothing to do", a.target))?;
        }
        return Ok(0);
    }
    let list: Vec<String> = todo
        .iter()
        .map(|r| format!("{} {:?} serial {}", r.kind.as_str(), r.name, r.serial))
        .collect();
    ctx.confirm(&format!(
        "Revoke {}? Peers that check the CRL will refuse it.",
        list.join(", ")
    ))?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    // Unlock the CA before recording anything, so a wrong passphrase changes nothing.
    ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing_signer(store, p))?;
    let done = revoked_set(ctx)?;
    let now = OffsetDateTime::now_utc();
    let revs: Vec<Revocation> = todo
        .iter()
        .filter(|r| !done.contains(&r.serial))
        .map(|r| Revocation {
            serial: r.serial.clone(),
            reason: a.reason,
            revoked_at: now,
        })
        .collect();
    revocation::append(store, &revs)?;
    let crl = ctx
        .with_ca_key(&mut passphrase, |p| {
            revocation::publish(store, p, a.crl_days, a.root_crl_days)
        })
        .map_err(|e| {
            Error::Usage(format!(
                "revocation recorded but the CRL was not updated ({e}); run `secctl crl`"
            ))
        })?;
    if p.is_json() {
        p.json(&RevokeReport {
            revoked: todo,
            already_revoked: already,
            reason: a.reason.as_str(),
            crl: Some(crl),
        })?;
    } else {
        for r in &todo {
            p.line(&format!(
                "revoked {} {:?} (serial {}, reason {})",
                r.kind.as_str(),
                r.name,
                r.serial,
                a.reason.as_str()
            ))?;
        }
        print_crl(ctx, &crl)?;
    }
    Ok(0)
}

fn print_crl(ctx: &Ctx, c: &CrlReport) -> Result<()> {
    let p = &ctx.printer;
    for n in &c.notes {
        p.note(n);
    }
    p.line(&format!(
        "published CRL number {} to {} (next update {})",
        c.number,
        c.path.display(),
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
